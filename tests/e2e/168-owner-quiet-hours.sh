#!/usr/bin/env bash
# The owner's escalations in quiet hours, on a test clock: a milestone
# overdue more than owner_after_days (7) escalates to the owner, but in quiet
# hours (22:00-09:00 venue time) it waits for the morning like every staff
# ping; with [reminders] owner_urgent = yes the owner hears of it at once
# while the staff pings still wait for 09:00. Each once. Venue time
# Asia/Karachi. Owner 923001110001 (en), sales Bilal 923331112233
# (roman_ur), finance Farah 923331112266 (ur).
# slow: starts first in `tests/run`
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
start_rabta
BILAL=923331112233 FARAH=923331112266 OWNER=923001110001

step "staff $BILAL | help"
step "staff $FARAH | help"
step "staff $OWNER | help"
step "staff $OWNER | new lead Ayesha Khan 03001231111"
step "staff $OWNER | 1 booked 15 March Grand Hall dinner 50 lakh"
step "staff $OWNER | new lead Hamza Ali 03001232222"
step "staff $OWNER | 2 booked 20 April Marquee lunch 40 lakh"
step "sql SELECT string_agg(stage, ' ' ORDER BY id) FROM leads => BOOKED BOOKED"
# Bilal's leads; lead 1's advance due on day 10, lead 2's on day 25, the
# rest far off
step "exec UPDATE leads SET assigned_staff_id = (SELECT id FROM staff WHERE phone = '+$BILAL') WHERE id IN (1, 2); UPDATE payment_plan SET due_date = CASE milestone WHEN 'advance' THEN DATE '$(day 10)' ELSE DATE '$(day 200)' END WHERE lead_id = 1; UPDATE payment_plan SET due_date = CASE milestone WHEN 'advance' THEN DATE '$(day 25)' ELSE DATE '$(day 200)' END WHERE lead_id = 2"

# a day late: finance and Bilal
at 11 12:00
step "tick"
step "expect +$BILAL | ^\\*#1\\* Ayesha Khan: Advance Rs 15,00,000 $(dmy 10) ko deni thi"
step "expect +$FARAH | ^\\*#1\\* Ayesha Khan: "
step "expect-none +$OWNER"

# 8 days late, at 23:30: quiet hours, the owner's escalation waits
at 18 23:30
step "tick"
step "expect-none +$OWNER"
step "expect-none +$BILAL"
step "expect-none +$FARAH"
step "sql SELECT count(*) FROM reminders_sent WHERE kind = 'owner' => 0"
# still quiet at 08:59 the next morning
at 19 08:59
step "tick"
step "expect-none +$OWNER"
# 09:00: the owner hears of it, once
at 19 09:00
step "tick"
step "expect +$OWNER | ^\\*#1\\* Ayesha Khan: Advance Rs 15,00,000 is 9 days overdue \\(due $(dmy 10)\\)\\. Salesperson: Bilal Ahmed"
step "expect-none +$BILAL"
step "expect-none +$FARAH"
at 19 12:00
step "tick"
step "expect-none +$OWNER"
step "sql SELECT string_agg(kind, ' ' ORDER BY id) FROM reminders_sent WHERE lead_id = 1 => overdue owner"

# owner_urgent = yes: lead 2, 8 days late at 22:30 (no tick ran since it
# fell due): the owner at once, the staff pings wait for the morning
conf_set owner_urgent yes
at 33 22:30
step "tick"
step "expect +$OWNER | ^\\*#2\\* Hamza Ali: Advance Rs 12,00,000 is 8 days overdue \\(due $(dmy 25)\\)"
step "expect-none +$BILAL"
step "expect-none +$FARAH"
step "sql SELECT string_agg(kind, ' ' ORDER BY id) FROM reminders_sent WHERE lead_id = 2 => owner"
at 34 08:30
step "tick"
step "expect-none +$OWNER"
step "expect-none +$BILAL"
# 09:00: the staff pings go; the owner is not told again
at 34 09:00
step "tick"
step "expect +$BILAL | ^\\*#2\\* Hamza Ali: Advance Rs 12,00,000 $(dmy 25) ko deni thi, abhi tak nahi aayi \\(9 din late\\)"
step "expect +$FARAH | ^\\*#2\\* Hamza Ali: "
step "expect-none +$OWNER"
step "sql SELECT string_agg(kind, ' ' ORDER BY id) FROM reminders_sent WHERE lead_id = 2 => owner overdue"
