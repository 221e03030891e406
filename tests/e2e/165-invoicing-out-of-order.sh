#!/usr/bin/env bash
# Out of order: invoicing made the booking but its answer was lost (it hangs
# four times), and meanwhile a receipt is recorded in chat and invoicing's
# webhook for a payment on that booking arrives. The webhook is stored and
# acknowledged, waits until Rabta knows the booking, then is one entry; the
# receipt is pushed once the booking is known, exactly once; the booking is
# made once.
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

SECRET=whsec-rabta-test
conf_set send_timeout_ms 2000
conf_set invoicing_poll_seconds 3600
# retries sooner than the default (1 and 2 s, doubling): the same order of
# events, the story's waits shorter
conf_set event_retry_ms 100
conf_set job_retry_ms 500
story_start a INVOICING_WEBHOOK_SECRET=$SECRET

push_statuses() {
    fake_requests invoicing | jq -rs --arg k "$1" \
        '[.[] | select(.method == "POST" and .idempotency_key == $k) | .status] | map(tostring) | join(" ")'
}

fake_fail invoicing hang 4 3000
cat >"$T/book.conv" <<'CONV'
staff 923331112233 | help
staff 923001110001 | new lead Mehwish Ali 03001236666
staff 923001110001 | 1 booked
staff 923001110001 | 15 March, Grand Hall dinner, 20 lakh
staff 923001110001 | lead 1 paid 1 lakh advance
expect +923001110001 | ^Recorded \(entry 1\)
CONV
converse "$T/book.conv"

check_eq "Rabta does not know the booking yet" \
    "$(psql_q "SELECT invoice_booking_id IS NULL FROM leads WHERE id = 1")" t
event='{"event":"payment.received","booking_id":"INV-1","payment":{"payment_id":"PAY-500","milestone":"advance","amount":200000,"method":"bank"}}'
check_eq "the webhook is stored and acknowledged" \
    "$(fake_ctl POST invoicing_webhook "$(jq -nc --arg u "$RABTA_URL/webhook/invoicing" --arg s "$SECRET" \
        --argjson e "$event" '{url: $u, secret: $s, events: [$e]}')" | jq -c .statuses)" "[200]"
check_eventually "it waits for the booking" \
    "SELECT attempts >= 1 AND state = 'pending' FROM inbound_events WHERE dedupe_key = 'invpay:PAY-500'" t 30
check_eq "nothing in the ledger from it yet" \
    "$(psql_q "SELECT count(*) FROM payment_entries WHERE source = 'invoicing'")" 0

check_eventually "the booking is known at last" \
    "SELECT invoice_booking_id FROM leads WHERE id = 1" INV-1 120
check_eventually "the waiting payment is one entry" \
    "SELECT count(*) || ' ' || sum(amount) FROM payment_entries WHERE external_id = 'PAY-500'" "1 200000" 150
check_eventually "the receipt is pushed once the booking is known" \
    "SELECT payment_id IS NOT NULL FROM invoicing_receipts WHERE entry_id = 1" t 150
check_eq "the receipt: one push" "$(push_statuses rabta-entry-1)" 201
check_eq "the booking: four lost answers, then the same booking" \
    "$(push_statuses lead-1-booking | tr ' ' '\n' | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')" "1 200 4 504 "
check_eq "invoicing made one booking" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer inv-key' "$FAKE_URL/invoicing/v1/bookings/INV-2")" 404
check_eq "the ledger: the chat receipt and the webhook's payment" \
    "$(psql_q "SELECT string_agg(source || ' ' || amount, ', ' ORDER BY id) FROM payment_entries")" \
    "chat 100000, invoicing 200000"
