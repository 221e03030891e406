#!/usr/bin/env bash
# WhatsApp's pair rate limit (131056) on a salesperson: the forward it
# refused waits, the client's next messages from that lead join it instead
# of queuing behind it, and the salesperson gets them all in one message
# (a quote-reply still names one lead); nothing is dropped.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
conv_post 923331112233 "Bilal" text "help" || bail "staff warm-up" "$CONV_ERR"
conv_post 923001116001 "Rehana Ali" text "Salam, baraat ke liye hall chahiye" || bail "first message" "$CONV_ERR"
check_eq "the lead is Bilal's" "$(psql_q "SELECT s.name FROM leads l JOIN staff s ON s.id = l.assigned_staff_id")" "Bilal Ahmed"

CURSOR=$(_conv_max_seq)
fake_fail whatsapp wa131056 1
conv_body "$T/m1.json" 923001116001 "Rehana Ali" text "Pehla sawal: rates kya hain?"
check_eq "message 1: 200" "$(post_webhook "$T/m1.json")" 200
check_eventually "its forward is refused by the pair limit and held" \
    "SELECT count(*) FROM outbox WHERE purpose = 'forward' AND state = 'pending' AND error_code = 131056" 1
conv_body "$T/m2.json" 923001116001 "Rehana Ali" text "Doosra: 400 mehman hain"
conv_body "$T/m3.json" 923001116001 "Rehana Ali" text "Teesra: 12 April available hai?"
check_eq "messages 2 and 3: 200" "$(post_webhook "$T/m2.json") $(post_webhook "$T/m3.json")" "200 200"
wait_quiet 120 || not_ok "everything settles" "$WAIT_LAST"
check_eq "one accepted message to Bilal after the refusal" \
    "$(fake_requests whatsapp | jq -s --argjson c "$CURSOR" '[.[] | select(.seq > $c and .status == 200 and .body.to == "+923331112233")] | length')" 1
check_match "it carries all three, in order" \
    "$(fake_requests whatsapp | jq -rs --argjson c "$CURSOR" '[.[] | select(.seq > $c and .status == 200 and .body.to == "+923331112233")][0].body.text.body | gsub("\n"; " ")')" \
    'Pehla sawal.*Doosra: 400 mehman.*Teesra: 12 April'
check_eq "all three client messages logged against the lead" \
    "$(psql_q "SELECT count(*) FROM messages WHERE lead_id = 1 AND direction = 'in' AND party = 'client'")" 4
check_eq "no outbox row left behind" "$(psql_q "SELECT count(*) FROM outbox WHERE state <> 'sent'")" 0
