#!/usr/bin/env bash
# Payment reminders on a test clock (RABTA_CLOCK_OFFSET_S moves the tick's
# "now" days ahead): 3 days before a milestone is due and on the day the
# salesperson (and, with remind_clients = yes, the client) is reminded; the
# day after finance and the salesperson; more than owner_after_days late the
# owner. Each once. Quiet hours hold a staff ping until 09:00; a payment
# recorded cancels what was still to come. Venue time Asia/Karachi.
# Owner 923001110001 (en), sales Bilal 923331112233 (roman_ur), finance
# Farah 923331112266 (ur).
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

step() { _conv_step "${1:0:90}" 0 "$1"; }
# day N: the venue's date N days from today; at N HH:MM: the tick's clock then
day() { TZ=Asia/Karachi date -d "+$1 days" +%F; }
at() {
    local target
    target=$(TZ=Asia/Karachi date -d "$(day "$1") $2" +%s)
    export RABTA_CLOCK_OFFSET_S=$((target - $(date +%s)))
}
dmy() { TZ=Asia/Karachi date -d "+$1 days" +%d/%m/%Y; }

start_pg
start_fake
conf_set remind_clients yes
start_rabta
BILAL=923331112233 FARAH=923331112266 OWNER=923001110001 CLIENT1=923001231111

step "staff $BILAL | help"
step "staff $FARAH | help"
step "staff $OWNER | help"
step "staff $OWNER | new lead Ayesha Khan 03001231111"
step "staff $OWNER | 1 booked 15 March Grand Hall dinner 50 lakh"
step "staff $OWNER | new lead Hamza Ali 03001232222"
step "staff $OWNER | 2 booked 20 April Marquee lunch 40 lakh"
step "sql SELECT string_agg(stage, ' ' ORDER BY id) FROM leads => BOOKED BOOKED"
# both leads are Bilal's; lead 1's advance due in 10 days, lead 2's advance
# and mid in 21 (the rest far off)
step "exec UPDATE leads SET assigned_staff_id = (SELECT id FROM staff WHERE phone = '+$BILAL') WHERE id IN (1, 2); UPDATE payment_plan SET due_date = CASE milestone WHEN 'advance' THEN DATE '$(day 10)' ELSE DATE '$(day 200)' END WHERE lead_id = 1; UPDATE payment_plan SET due_date = CASE milestone WHEN 'final' THEN DATE '$(day 200)' ELSE DATE '$(day 21)' END WHERE lead_id = 2"

# 4 days before: nothing yet
at 6 12:00
step "tick"
step "expect-none +$BILAL"
# 3 days before: Bilal, one forwardable line; the client by template
at 7 12:00
step "tick"
step "expect +$BILAL | ^\\*#1\\* Ayesha Khan: Advance Rs 15,00,000 $(dmy 10) ko deni hai \\(3 din reh gaye\\)"
step "expect +$CLIENT1 | ^template:client_followup Ayesha Khan"
step "expect-none +$FARAH"
step "sql SELECT kind || ' ' || due FROM reminders_sent WHERE lead_id = 1 => before $(day 10)"
# the same day again, and the next day: nothing more
step "tick"
step "expect-none +$BILAL"
at 8 12:00
step "tick"
step "expect-none +$BILAL"
step "expect-none +$CLIENT1"
# the due day at 08:55 is quiet hours: held; at 09:00 it goes
at 10 08:55
step "tick"
step "expect-none +$BILAL"
step "expect-none +$CLIENT1"
at 10 09:00
step "tick"
step "expect +$BILAL | ^\\*#1\\* Ayesha Khan: Advance Rs 15,00,000 aaj \\($(dmy 10)\\) deni hai"
step "expect +$CLIENT1 | ^template:client_followup"
# a day late: finance and Bilal, not the owner
at 11 12:00
step "tick"
step "expect +$BILAL | ^\\*#1\\* Ayesha Khan: Advance Rs 15,00,000 $(dmy 10) ko deni thi, abhi tak nahi aayi \\(1 din late\\)"
step "expect +$FARAH | ^\\*#1\\* Ayesha Khan: .* Rs 15,00,000 $(dmy 10) کو دینی تھی"
step "expect-none +$OWNER"
step "expect-none +$CLIENT1"
# lead 2's advance is paid in full before its reminder; its mid is not
step "staff $FARAH | lead 2 paid 12 lakh advance"
# 8 days late (more than 7): the owner; lead 2: only the mid, 3 days ahead
at 18 12:00
step "tick"
step "expect +$OWNER | ^\\*#1\\* Ayesha Khan: Advance Rs 15,00,000 is 8 days overdue \\(due $(dmy 10)\\)\\. Salesperson: Bilal Ahmed"
step "expect +$BILAL | ^\\*#2\\* Hamza Ali: Mid payment Rs 16,00,000 $(dmy 21) ko deni hai"
step "expect-not +$BILAL | Advance"
step "expect-none +$FARAH"
step "sql SELECT count(*) FROM reminders_sent WHERE lead_id = 2 AND subject = 'advance' => 0"
# later ticks send nothing again
at 19 12:00
step "tick"
step "expect-none +$OWNER"
step "expect-none +$BILAL"
step "sql SELECT string_agg(kind, ' ' ORDER BY id) FROM reminders_sent WHERE lead_id = 1 => before due overdue owner"
