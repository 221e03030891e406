#!/usr/bin/env bash
# A reversal recorded in chat reaches invoicing with its own idempotency key
# (POST .../reversals, "rabta-entry-<reversal>"), exactly once, while
# invoicing answers 500 and while it hangs after doing the work; a reversal
# of a receipt invoicing has not got yet waits for that receipt, so
# invoicing never hears of a reversal before the payment it takes back; a
# payment invoicing reported itself is reversed by its payment id; the
# reversal of a legacy entry (never in invoicing) is not pushed. The ledger
# and invoicing agree to the rupee in the end.
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

SECRET=whsec-rabta-test
start_pg
start_fake
conf_set send_timeout_ms 2000
conf_set invoicing_poll_seconds 3600 # a poll would take the faults queued for the pushes
conf_set job_retry_ms 500 # retries sooner than the default 2 s (doubling): shorter waits
conf_set event_retry_ms 250
start_rabta a INVOICING_WEBHOOK_SECRET=$SECRET

booking() {
    curl -sS --max-time 10 -H 'Authorization: Bearer inv-key' \
        "$FAKE_URL/invoicing/v1/bookings/INV-1" | jq -rc "$1"
}
# statuses of the POSTs with idempotency key $1, in order
push_statuses() {
    fake_requests invoicing | jq -rs --arg k "$1" \
        '[.[] | select(.method == "POST" and .idempotency_key == $k) | .status] | map(tostring) | join(" ")'
}
pushed() { psql_q "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = $1"; }

cat >"$T/book.conv" <<'CONV'
staff 923331112266 | help
staff 923001110001 | new lead Hira Mani 03001234444
staff 923001110001 | 1 booked
staff 923001110001 | 15 March, Grand Hall dinner, 20 lakh
sql SELECT invoice_booking_id FROM leads WHERE id = 1 => INV-1
staff 923331112266 | lead 1 paid 2 lakh advance bank
expect +923331112266 | \(entry 1\)
CONV
converse "$T/book.conv"
check_eventually "receipt 1 pushed" "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 1" t 60

# reversed while invoicing answers 500 twice
fake_fail invoicing http500 2
cat >"$T/rev1.conv" <<'CONV'
staff 923001110001 | lead 1 reverse entry 1: wrong amount
expect +923001110001 | ^Entry 1 \(Rs 2,00,000\) reversed: wrong amount
CONV
converse "$T/rev1.conv"
check_eventually "reversal 2 pushed" "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 2" t 90
check_eq "reversal 2: two 500s, then created" "$(push_statuses rabta-entry-2)" "500 500 201"
check_eq "it went to .../reversals naming the payment, with the reason" \
    "$(fake_requests invoicing | jq -rs '[.[] | select(.idempotency_key == "rabta-entry-2" and .status == 201)][0] | "\(.path) \(.body.amount) \(.body.milestone) \(.body.reverses_reference) \(.body.reason)"')" \
    "/invoicing/v1/bookings/INV-1/reversals 200000 advance rabta-entry-1 wrong amount"
check_eq "invoicing has it once; the payment is marked reversed by it" \
    "$(booking '"\(.reversals | length) \(.payments[0].reversed_by == .reversals[0].reversal_id) \(.reversals[0].reverses)"')" \
    "1 true $(psql_q "SELECT payment_id FROM invoicing_receipts WHERE entry_id = 1")"
check_eq "Rabta keeps invoicing's id of the reversal" \
    "$(psql_q "SELECT payment_id FROM invoicing_receipts WHERE entry_id = 2")" "$(booking '.reversals[0].reversal_id')"

# reversed while invoicing hangs after doing the work (the answer is lost)
cat >"$T/pay3.conv" <<'CONV'
staff 923331112266 | lead 1 received 1 lakh advance
expect +923331112266 | \(entry 3\)
CONV
converse "$T/pay3.conv"
check_eventually "receipt 3 pushed" "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 3" t 60
fake_fail invoicing hang 1 6000
cat >"$T/rev2.conv" <<'CONV'
staff 923331112266 | lead 1 ki last payment reverse karo: duplicate
CONV
converse "$T/rev2.conv"
check_eq "the newest receipt is the one reversed" \
    "$(psql_q "SELECT id || ' ' || reverses || ' ' || amount FROM payment_entries WHERE reverses IS NOT NULL ORDER BY id DESC LIMIT 1")" \
    "4 3 -100000"
check_eventually "reversal 4 pushed" "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 4" t 90
hung_done() { [ "$(push_statuses rabta-entry-4)" = "504 200" ]; }
wait_until 30 hung_done
check_eq "reversal 4: the hung call, then the same reversal again (200, existing)" \
    "$(push_statuses rabta-entry-4)" "504 200"
check_eq "invoicing has two reversals" "$(booking '.reversals | length')" 2

# a receipt reversed before invoicing has it: the reversal waits for it
fake_fail invoicing http500 3
cat >"$T/pay5.conv" <<'CONV'
staff 923331112266 | lead 1 paid 50000 advance cash
expect +923331112266 | \(entry 5\)
staff 923001110001 | lead 1 reverse entry 5: typed on the wrong lead
expect +923001110001 | ^Entry 5 \(Rs 50,000\) reversed
CONV
converse "$T/pay5.conv"
check_eventually "reversal 6 pushed" "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 6" t 120
check_eq "receipt 5: three 500s, then created" "$(push_statuses rabta-entry-5)" "500 500 500 201"
check_eq "reversal 6: once, after receipt 5 was in" "$(push_statuses rabta-entry-6)" "201"
check_eq "invoicing heard of the payment before its reversal" \
    "$(fake_requests invoicing | jq -rs '[.[] | select(.status == 201 and (.idempotency_key == "rabta-entry-5" or .idempotency_key == "rabta-entry-6")) | .idempotency_key] | join(" ")')" \
    "rabta-entry-5 rabta-entry-6"

# a payment invoicing reported (by its webhook), reversed in chat
PAY500='{"payment_id":"PAY-500","milestone":"mid","amount":300000,"method":"cheque"}'
fake_ctl POST invoicing_payment "{\"booking_id\":\"INV-1\",\"payment\":$PAY500}" >/dev/null
check_eq "its webhook is acknowledged" \
    "$(fake_ctl POST invoicing_webhook "$(jq -nc --arg u "$RABTA_URL/webhook/invoicing" --arg s "$SECRET" \
        --argjson p "$PAY500" '{url: $u, secret: $s, events: [{event: "payment.received", booking_id: "INV-1", lead_id: "1", payment: $p}]}')" |
        jq -c .statuses)" "[200]"
check_eventually "PAY-500 is entry 7" "SELECT id FROM payment_entries WHERE external_id = 'PAY-500'" 7 60
cat >"$T/rev7.conv" <<'CONV'
staff 923001110001 | lead 1 reverse entry 7: cheque bounced
expect +923001110001 | ^Entry 7 \(Rs 3,00,000\) reversed: cheque bounced
CONV
converse "$T/rev7.conv"
check_eventually "reversal 8 pushed" "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 8" t 60
check_eq "it names invoicing's payment id" \
    "$(fake_requests invoicing | jq -rs '[.[] | select(.idempotency_key == "rabta-entry-8")][0].body | "\(.reverses) \(.reverses_reference) \(.amount)"')" \
    "PAY-500 null 300000"

# a legacy entry (from before the ledger, never in invoicing): reversed in
# Rabta, not pushed
psql_q "INSERT INTO payments (venue_id, lead_id, milestone, amount, status, paid_at) SELECT venue_id, 1, 'final', 70000, 'paid', now() FROM leads WHERE id = 1" >/dev/null
cat >"$T/rev9.conv" <<'CONV'
staff 923001110001 | lead 1 reverse entry 9: never paid
expect +923001110001 | ^Entry 9 \(Rs 70,000\) reversed
CONV
converse "$T/rev9.conv"
check_eventually "the legacy reversal's job ends" \
    "SELECT state FROM jobs WHERE dedupe_key = 'inv-receipt:10'" done 60
check_eq "nothing sent for it" "$(push_statuses rabta-entry-10)" ""

# in the end the ledger is what was said in chat and what invoicing reported
check_eq "the ledger: 5 receipts, 5 reversals, to the rupee" \
    "$(psql_q "SELECT count(*) FILTER (WHERE amount > 0) || ' ' || count(*) FILTER (WHERE amount < 0) || ' ' || sum(amount) FROM payment_entries")" \
    "5 5 0"
check_eq "invoicing: four payments, four reversals, each once" \
    "$(booking '"\(.payments | length) \(.reversals | length) \([.payments[] | select(.reversed_by)] | length)"')" "4 4 4"
