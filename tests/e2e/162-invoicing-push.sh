#!/usr/bin/env bash
# The invoicing push survives a failing invoicing API: the booking (with its
# plan) and each receipt recorded in chat are pushed with their own
# idempotency keys, retried after 500s, and after a hang in which invoicing
# did the work but the answer was lost; in the end each is in invoicing
# exactly once, and reading the bookings back adds nothing to the ledger.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

conf_set send_timeout_ms 2000
conf_set invoicing_poll_seconds 3600
story_start

# invoicing: the fake's own view of booking INV-1
inv_payments() {
    curl -sS --max-time 10 -H 'Authorization: Bearer inv-key' \
        "$FAKE_URL/invoicing/v1/bookings/INV-1" | jq -rc "$1"
}
# statuses of the pushes with idempotency key $1, in order
push_statuses() {
    fake_requests invoicing | jq -rs --arg k "$1" \
        '[.[] | select(.method == "POST" and .idempotency_key == $k) | .status] | map(tostring) | join(" ")'
}

# the booking: the first push gets a 500
fake_fail invoicing http500 1
conv_line "staff 923331112266 | help"
converse "$FIX/conversations/invoicing_booking.conv"
check_eq "the booking: a 500, then created once" "$(push_statuses lead-1-booking)" "500 201"
check_eq "the booking carries its plan" \
    "$(fake_requests invoicing | jq -rs '[.[] | select(.status == 201)][0].body.milestones | map(.milestone + " " + (.amount | tostring)) | join(", ")')" \
    "advance 600000, mid 800000, final 600000"

# a receipt while invoicing answers 500 twice
fake_fail invoicing http500 2
conv_line "staff 923331112266 | lead 1 paid 2 lakh advance bank"
conv_line "say-part +923331112266 roman_ur pay_recorded | entry=1 | milestone=@milestone_advance | paid_now=2,00,000"
check_eventually "receipt 1 pushed" \
    "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 1" t 90
check_eq "receipt 1: two 500s, then created" "$(push_statuses rabta-entry-1)" "500 500 201"
check_eq "receipt 1 is in invoicing once, as recorded" \
    "$(inv_payments '[.payments[] | select(.reference == "rabta-entry-1") | "\(.amount) \(.milestone) \(.method)"]')" \
    '["200000 advance bank"]'

# a receipt while invoicing hangs after doing the work (the answer is lost)
fake_fail invoicing hang 1 6000
conv_line "staff 923331112266 | lead 1 received 1 lakh more advance"
conv_line "say-part +923331112266 roman_ur pay_recorded | entry=2 | milestone=@milestone_advance | paid_now=1,00,000"
check_eventually "receipt 2 pushed" \
    "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 2" t 90
# the hung call is recorded as 504 once its sleep ends
hung_done() { [ "$(push_statuses rabta-entry-2)" = "504 200" ]; }
wait_until 30 hung_done
check_eq "receipt 2: the hung call, then the same payment again (200, existing)" \
    "$(push_statuses rabta-entry-2)" "504 200"
check_eq "receipt 2 is in invoicing once" \
    "$(inv_payments '[.payments[] | select(.reference == "rabta-entry-2")] | length')" 1
check_eq "Rabta keeps invoicing's id of it" \
    "$(psql_q "SELECT payment_id FROM invoicing_receipts WHERE entry_id = 2")" \
    "$(inv_payments '.payments[] | select(.reference == "rabta-entry-2") | .payment_id')"
check_eq "invoicing has two payments in all" "$(inv_payments '.payments | length')" 2
check_eq "the ledger still has two entries" \
    "$(psql_q "SELECT count(*) || ' ' || sum(amount) FROM payment_entries")" "2 300000"
