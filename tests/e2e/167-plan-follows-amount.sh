#!/usr/bin/env bash
# The plan follows the agreed amount: when a booked lead is BOOKED again
# with another amount, the milestones nobody set in chat share the new
# amount (30/40/30 of what the chat-set ones leave), a milestone finance
# set keeps its amount, receipts stay, updated_at and the plan's revision
# move, and invoicing gets the new plan (POST .../plan, its own key per
# revision, once even after a 500). A new event date moves the mid and
# final payments chat did not date. Reminders read the new amounts.
# Owner 923001110001 (en), sales Bilal 923331112233 (roman_ur), finance
# Farah 923331112266 (ur).
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

step() { _conv_step "${1:0:90}" 0 "$1"; }
day() { TZ=Asia/Karachi date -d "+$1 days" +%F; }

start_pg
start_fake
conf_set send_timeout_ms 2000
conf_set invoicing_poll_seconds 3600
start_rabta
BILAL=923331112233 FARAH=923331112266 OWNER=923001110001

booking() {
    curl -sS --max-time 10 -H 'Authorization: Bearer inv-key' \
        "$FAKE_URL/invoicing/v1/bookings/INV-1" | jq -rc "$1"
}
plan_posts() {
    fake_requests invoicing | jq -rs '[.[] | select(.method == "POST" and (.path | endswith("/plan"))) | "\(.idempotency_key):\(.status)"] | join(" ")'
}
plan() {
    psql_q "SELECT string_agg(milestone || ' ' || amount || CASE WHEN amount_set THEN '*' ELSE '' END, ', ' ORDER BY array_position(ARRAY['advance','mid','final'], milestone)) FROM payment_plan WHERE lead_id = 1"
}
state() { psql_q "SELECT agreed || ' ' || revision || ' ' || pushed_revision FROM payment_plan_state WHERE lead_id = 1"; }

step "staff $BILAL | help"
step "staff $FARAH | help"
step "staff $OWNER | help"
step "staff $OWNER | new lead Hira Mani 03001234444"
step "exec UPDATE leads SET assigned_staff_id = (SELECT id FROM staff WHERE phone = '+$BILAL') WHERE id = 1"
step "staff $OWNER | 1 booked 15 March Grand Hall dinner 20 lakh"
step "sql SELECT invoice_booking_id FROM leads WHERE id = 1 => INV-1"
check_eq "the plan: 30/40/30 of 20 lakh" "$(plan)" "advance 600000, mid 800000, final 600000"
check_eq "made from 20 lakh; invoicing got it with the booking" "$(state)" "2000000 3 3"
check_eq "so no plan push of its own" "$(plan_posts)" ""
step "staff $FARAH | lead 1 paid 2 lakh advance"
step "expect +$FARAH | \\(entry 1\\)"

# finance sets the mid in chat: kept from now on; invoicing hears of it
step "staff $FARAH | lead 1 mid payment 10 lakh 15 february ko"
step "expect +$FARAH | payment plan:"
check_eq "the mid is set by chat" "$(plan)" "advance 600000, mid 1000000*, final 600000"
check_eventually "the plan pushed" "SELECT revision = pushed_revision FROM payment_plan_state WHERE lead_id = 1" t 60
check_eq "invoicing has the mid of 10 lakh" "$(booking '[.revision, (.milestones[] | select(.milestone == "mid") | .amount)] | map(tostring) | join(" ")')" \
    "$(psql_q "SELECT revision FROM payment_plan_state WHERE lead_id = 1") 1000000"

# BOOKED again at 30 lakh while invoicing answers 500 once
step "exec UPDATE payment_plan SET updated_at = now() - interval '2 days' WHERE lead_id = 1"
fake_fail invoicing http500 1
rev_before=$(psql_q "SELECT revision FROM payment_plan_state WHERE lead_id = 1")
step "staff $OWNER | 1 booked 30 lakh"
step "expect +$OWNER | ^\\*#1\\* Hira Mani: booking now Rs 30,00,000, event 15/03/2027\\. Payment plan redone"
step "expect +$OWNER | Advance: Rs 10,00,000 by .* / Mid payment: Rs 10,00,000 by .* / Final payment: Rs 10,00,000 by"
step "expect +$OWNER | paid Rs 2,00,000 of Rs 30,00,000"
check_eq "the mid set in chat stays; the rest share 20 lakh" "$(plan)" "advance 1000000, mid 1000000*, final 1000000"
check_eq "the receipt stays" "$(psql_q "SELECT count(*) || ' ' || sum(amount) FROM payment_entries")" "1 200000"
check_eq "updated_at moved for the milestones that changed" \
    "$(psql_q "SELECT string_agg(milestone, ' ' ORDER BY milestone) FROM payment_plan WHERE lead_id = 1 AND updated_at > now() - interval '1 hour'")" \
    "advance final"
check_eq "the plan is now from 30 lakh, two revisions on" \
    "$(psql_q "SELECT agreed || ' ' || (revision - $rev_before) FROM payment_plan_state WHERE lead_id = 1")" "3000000 2"
check_eventually "the new plan pushed" "SELECT revision = pushed_revision FROM payment_plan_state WHERE lead_id = 1" t 90
rev=$(psql_q "SELECT revision FROM payment_plan_state WHERE lead_id = 1")
check_eq "its push: a 500, then taken once, with its own key" \
    "$(plan_posts | tr ' ' '\n' | grep -c "^lead-1-plan-$rev:")" 2
check_eq "the 500 then the 200" "$(plan_posts | tr ' ' '\n' | grep "^lead-1-plan-$rev:" | cut -d: -f2 | tr '\n' ' ')" "500 200 "
check_eq "invoicing has the new plan" \
    "$(booking '"\(.revision) \(.amount) " + ([.milestones[] | "\(.milestone) \(.amount)"] | join(", "))')" \
    "$rev 3000000 advance 1000000, mid 1000000, final 1000000"

# the same amount again is no change: "already booked", nothing pushed
posts=$(plan_posts)
step "staff $OWNER | 1 booked 30 lakh"
step "expect-not +$OWNER | redone"
check_eq "no plan change, no push" "$(state) $(plan_posts)" "3000000 $rev $rev $posts"

# the event moves to 20 April: the final follows it (a week before), the
# mid finance dated in chat stays; invoicing gets that plan too
step "staff $OWNER | 1 booked 20 April"
step "expect +$OWNER | ^\\*#1\\* Hira Mani: booking now Rs 30,00,000, event 20/04/2027\\. Payment plan redone"
check_eq "the final is due a week before the new date; the mid stays" \
    "$(psql_q "SELECT string_agg(milestone || ' ' || to_char(due_date, 'MM-DD'), ', ' ORDER BY milestone) FROM payment_plan WHERE lead_id = 1 AND milestone <> 'advance'")" \
    "final 04-13, mid 02-15"
check_eventually "that plan pushed" "SELECT revision = pushed_revision FROM payment_plan_state WHERE lead_id = 1" t 60
check_eq "invoicing has the final's new date" \
    "$(booking '.milestones[] | select(.milestone == "final") | .due_date')" "2027-04-13"
check_eq "each redo is audited, by whom and from what" \
    "$(psql_q "SELECT string_agg((detail->>'from') || '>' || (detail->>'amount') || ' ' || (detail->>'event'), ', ' ORDER BY id) FROM audit_log WHERE action = 'payment.replan' AND staff_id = (SELECT id FROM staff WHERE phone = '+$OWNER')")" \
    "2000000>3000000 2027-03-15, 3000000>3000000 2027-04-20"

# reminders read the new amounts: two days on, the advance (8 lakh left)
# is due in 3 days (a plan changed less than a day ago waits a day)
step "exec UPDATE payment_plan SET due_date = DATE '$(day 5)' WHERE lead_id = 1 AND milestone = 'advance'"
export RABTA_CLOCK_OFFSET_S=$(($(TZ=Asia/Karachi date -d "$(day 2) 12:00" +%s) - $(date +%s)))
step "tick"
step "expect +$BILAL | ^\\*#1\\* Hira Mani: Advance Rs 8,00,000 .* ko deni hai \\(3 din reh gaye\\)"
check_eq "019: payment_balances holds what the view payment_milestones works out" \
    "$(psql_q "SELECT count(*) FROM payment_balances b FULL JOIN payment_milestones m USING (lead_id, milestone) LEFT JOIN leads l ON l.id = COALESCE(b.lead_id, m.lead_id) WHERE (b.venue_id, b.ord, b.planned, b.due_date, b.received, b.outstanding, b.staff_id) IS DISTINCT FROM (m.venue_id, m.ord, m.planned, m.due_date, m.received, m.outstanding, l.assigned_staff_id)")" 0
