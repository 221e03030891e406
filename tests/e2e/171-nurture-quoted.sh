#!/usr/bin/env bash
# A nurture sequence on a test clock (RABTA_CLOCK_OFFSET_S): a QUOTED lead
# gets step 1 (a message to the client) after a day and step 2 (a nudge to
# the salesperson with the text to forward; quote-reply "ok" sends it)
# after three; a client who
# replies stops the sequence; a client who sent STOP gets no client step;
# each step once; a bad sequence fails
# `rabta check` with the reason.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
# no escalation, stale or quote reminders in the days that pass: only the sequence
conf_set escalate_hours 720
conf_set stale_reminder_hours 720
conf_set quote_followup_days 60
cat >>"$T/home/config/rabta.conf" <<'CONF'

[sequence quoted]
trigger = QUOTED
steps = 1d client:nurture_quoted_1, 3d staff:nurture_quoted_2
CONF
start_rabta
BILAL=923331112233 C1=923001118001 C2=923001118002 C3=923001118003

conv_line "staff $BILAL | help"
conv_line "client $C1 Hamid Raza | Salam, walima ke liye hall chahiye"
conv_line "client $C2 Saima Noor | Assalam o alaikum, shadi ke liye hall"
# Usama sends STOP before his quote: client steps are held for him
conv_line "client $C3 Usama Iqbal | Salam, hall dekhna hai"
conv_line "client $C3 Usama Iqbal | STOP"
conv_line "exec UPDATE leads SET assigned_staff_id = (SELECT id FROM staff WHERE phone = '+$BILAL')"
conv_line "staff $BILAL | 1 ko quoted kar do 6 lakh"
conv_line "staff $BILAL | 2 ko quoted kar do 5 lakh"
conv_line "staff $BILAL | 3 ko quoted kar do 4 lakh"
conv_line "sql SELECT string_agg(stage, ' ' ORDER BY id) FROM leads => QUOTED QUOTED QUOTED"
# the same day: nothing
conv_at 0 23:59
conv_line "tick"
conv_line "expect-none +$C1"
conv_line "expect-none +$C2"
conv_line "expect-none +$C3"
# a day and more later: step 1 to both clients, nothing to Bilal
conv_at 2 12:00
conv_line "tick"
conv_line "expect +$C1 | Hamid Raza.*(quote dekh liya|quote from|کوٹ دیکھ)"
conv_line "expect +$C2 | Saima Noor.*(quote dekh liya|quote from|کوٹ دیکھ)"
conv_line "expect-not +$BILAL | (jawab nahi aaya|no word from|جواب نہیں آیا)"
conv_line "expect-none +$C3"
conv_line "sql SELECT string_agg(state, ' ') FROM outbox WHERE purpose = 'nurture' AND recipient_phone = '+$C3' => cancelled"
conv_line "sql SELECT string_agg(lead_id || ' ' || kind, ', ' ORDER BY lead_id) FROM reminders_sent => 1 step 1, 2 step 1, 3 step 1"
# once
conv_line "tick"
conv_line "expect-none +$C1"
conv_line "expect-none +$C2"
# Hamid answers: his sequence stops
conv_line "client $C1 Hamid Raza | ji dekh liya, ghar walon se baat kar ke batata hoon"
# three days and more: step 2 for Saima only, as a nudge to Bilal
conv_at 4 12:00
conv_line "tick"
conv_line "expect +$BILAL | \\*#2\\* Saima Noor: .*(jawab nahi aaya|no word from|جواب نہیں آیا)"
conv_line "expect +$BILAL | (aur log bhi pooch rahe|getting enquiries|اور لوگ بھی پوچھ رہے)"
conv_line "expect-not +$BILAL | #1"
conv_line "expect-none +$C1"
conv_line "expect-none +$C2"
conv_line "sql SELECT count(*) FROM reminders_sent WHERE lead_id = 1 => 1"
conv_line "sql SELECT count(*) FROM audit_log WHERE action = 'nurture.step' AND lead_id = 2 => 2"
# Bilal quote-replies "ok" to a nudge: its text goes to that client as his reply
conv_line "quote $BILAL | ok"
conv_line "sql SELECT count(*) FROM messages WHERE direction = 'out' AND party = 'client' AND body ~ '(aur log bhi pooch rahe|getting enquiries|اور لوگ بھی پوچھ رہے)' => 1"
# the lead's history shows what was sent
conv_line "staff $BILAL | 2 ki history"
conv_line "expect +$BILAL | nurture sequence quoted, step 2 bhej diya"
stop_rabta a

# rabta check: an unknown prompt key, a bad delay and an unknown stage
cat >>"$T/home/config/rabta.conf" <<'CONF'

[sequence broken]
trigger = WON
steps = 2x client:nurture_quoted_1

[sequence unknown_text]
trigger = QUOTED
steps = 3d staff:no_such_prompt
CONF
out=$(cd "$T/home" && env "${RABTA_ENV[@]}" "$RABTA_BIN" check 2>&1)
rc=$?
check_eq "rabta check fails on a bad sequence" "$rc" 1
check_match "the unknown stage is named" "$out" 'trigger "WON" is not a stage'
check_match "the bad delay is named" "$out" 'delay "2x" is not a number of days'
check_match "the unknown prompt is named" "$out" '\[sequence unknown_text\] step 1: no prompt "no_such_prompt"'
