#!/usr/bin/env bash
# Payment reminders on a test clock (RABTA_CLOCK_OFFSET_S moves the tick's
# "now" days ahead): 3 days before a milestone is due and on the day the
# salesperson (and, with remind_clients = yes, the client) is reminded; the
# day after finance and the salesperson; more than owner_after_days late the
# owner. Each once. Quiet hours hold a staff ping until 09:00; a payment
# recorded cancels what was still to come. Venue time Asia/Karachi.
# Owner 923001110001 (en), sales Bilal 923331112233 (roman_ur), finance
# Farah 923331112266 (ur).
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

conf_set remind_clients yes
story_start
BILAL=923331112233 FARAH=923331112266 OWNER=923001110001 CLIENT1=923001231111

conv_line "staff $BILAL | help"
conv_line "staff $FARAH | help"
conv_line "staff $OWNER | help"
conv_line "staff $OWNER | new lead Ayesha Khan 03001231111"
conv_line "staff $OWNER | 1 booked 15 March Grand Hall dinner 50 lakh"
conv_line "staff $OWNER | new lead Hamza Ali 03001232222"
conv_line "staff $OWNER | 2 booked 20 April Marquee lunch 40 lakh"
conv_line "sql SELECT string_agg(stage, ' ' ORDER BY id) FROM leads => BOOKED BOOKED"
# both leads are Bilal's; lead 1's advance due in 10 days, lead 2's advance
# and mid in 21 (the rest far off)
conv_line "exec UPDATE leads SET assigned_staff_id = (SELECT id FROM staff WHERE phone = '+$BILAL') WHERE id IN (1, 2); UPDATE payment_plan SET due_date = CASE milestone WHEN 'advance' THEN DATE '$(conv_day 10)' ELSE DATE '$(conv_day 200)' END WHERE lead_id = 1; UPDATE payment_plan SET due_date = CASE milestone WHEN 'final' THEN DATE '$(conv_day 200)' ELSE DATE '$(conv_day 21)' END WHERE lead_id = 2"

# 4 days before: nothing yet
conv_at 6 12:00
conv_line "tick"
conv_line "expect-none +$BILAL"
# 3 days before: Bilal, one forwardable line; the client by template
conv_at 7 12:00
conv_line "tick"
conv_line "say-part +$BILAL roman_ur rem_before | lead=1 | name=Ayesha Khan | milestone=@milestone_advance | due_amount=15,00,000 | due=$(conv_dmy 10) | days=3"
conv_line "expect +$CLIENT1 | ^template:client_followup Ayesha Khan"
conv_line "expect-none +$FARAH"
conv_line "sql SELECT kind || ' ' || due FROM reminders_sent WHERE lead_id = 1 => before $(conv_day 10)"
# the same day again, and the next day: nothing more
conv_line "tick"
conv_line "expect-none +$BILAL"
conv_at 8 12:00
conv_line "tick"
conv_line "expect-none +$BILAL"
conv_line "expect-none +$CLIENT1"
# the due day at 08:55 is quiet hours: held; at 09:00 it goes
conv_at 10 08:55
conv_line "tick"
conv_line "expect-none +$BILAL"
conv_line "expect-none +$CLIENT1"
conv_at 10 09:00
conv_line "tick"
conv_line "say-part +$BILAL roman_ur rem_due | lead=1 | name=Ayesha Khan | milestone=@milestone_advance | due_amount=15,00,000 | due=$(conv_dmy 10)"
conv_line "expect +$CLIENT1 | ^template:client_followup"
# a day late: finance and Bilal, not the owner
conv_at 11 12:00
conv_line "tick"
conv_line "say-part +$BILAL roman_ur rem_overdue | lead=1 | name=Ayesha Khan | milestone=@milestone_advance | due_amount=15,00,000 | due=$(conv_dmy 10) | days=1 | staff=Bilal Ahmed"
conv_line "say-part +$FARAH ur rem_overdue | lead=1 | name=Ayesha Khan | milestone=@milestone_advance | due_amount=15,00,000 | due=$(conv_dmy 10) | days=1 | staff=Bilal Ahmed"
conv_line "expect-none +$OWNER"
conv_line "expect-none +$CLIENT1"
# lead 2's advance is paid in full before its reminder; its mid is not
conv_line "staff $FARAH | lead 2 paid 12 lakh advance"
# 8 days late (more than 7): the owner; lead 2: only the mid, 3 days ahead
conv_at 18 12:00
conv_line "tick"
conv_line "say-part +$OWNER en rem_owner | lead=1 | name=Ayesha Khan | milestone=@milestone_advance | due_amount=15,00,000 | due=$(conv_dmy 10) | days=8 | staff=Bilal Ahmed"
conv_line "say-part +$BILAL roman_ur rem_before | lead=2 | name=Hamza Ali | milestone=@milestone_mid | due_amount=16,00,000 | due=$(conv_dmy 21) | days=3"
conv_line "expect-not +$BILAL | Advance"
conv_line "expect-none +$FARAH"
conv_line "sql SELECT count(*) FROM reminders_sent WHERE lead_id = 2 AND subject = 'advance' => 0"
# later ticks send nothing again
conv_at 19 12:00
conv_line "tick"
conv_line "expect-none +$OWNER"
conv_line "expect-none +$BILAL"
conv_line "sql SELECT string_agg(kind, ' ' ORDER BY id) FROM reminders_sent WHERE lead_id = 1 => before due overdue owner"
check_eq "019: payment_balances holds what the view payment_milestones works out" \
    "$(psql_q "SELECT count(*) FROM payment_balances b FULL JOIN payment_milestones m USING (lead_id, milestone) LEFT JOIN leads l ON l.id = COALESCE(b.lead_id, m.lead_id) WHERE (b.venue_id, b.ord, b.planned, b.due_date, b.received, b.outstanding, b.staff_id) IS DISTINCT FROM (m.venue_id, m.ord, m.planned, m.due_date, m.received, m.outstanding, l.assigned_staff_id)")" 0
