#!/usr/bin/env bash
# Money to the rupee, the rest of issue 10's list: amounts in the forms staff
# write that 160 does not cover (Arabic-Indic and Urdu digits with a decimal
# point, Urdu number words, lakh and hazar together, "lead 1 paid fifty
# thousand" with no milestone) reach the ledger exact; and one payment
# arriving at the same moment by several webhooks (in parallel) and by the
# poll is one ledger entry, five times over.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

SECRET=whsec-rabta-test
start_pg
start_fake
conf_set invoicing_poll_seconds 1
start_rabta a INVOICING_WEBHOOK_SECRET=$SECRET

cat >"$T/forms.conv" <<'CONV'
staff 923331112266 | help
staff 923001110001 | help
staff 923001110001 | new lead Kiran Aslam 03001235555
staff 923001110001 | 1 booked 15 March Grand Hall dinner 50 lakh
sql SELECT invoice_booking_id FROM leads WHERE id = 1 => INV-1
staff 923331112266 | ۱ کا ایڈوانس ٢٥٠٠٠٠ مل گیا
expect +923331112266 | \(انٹری 1\)
staff 923331112266 | ۱ کا ایڈوانس ۲.۵ لاکھ مل گیا
expect +923331112266 | \(انٹری 2\)
staff 923331112266 | ۱ کی پیمنٹ سوا دو لاکھ مل گئی
expect +923331112266 | \(انٹری 3\)
staff 923331112266 | ۱ کا ایڈوانس ۲ لاکھ ۵۰ ہزار مل گیا
expect +923331112266 | \(انٹری 4\)
staff 923331112266 | ۱ کا مڈ پیمنٹ پونے دو لاکھ مل گیا
expect +923331112266 | \(انٹری 5\)
staff 923001110001 | record payment of Rs. 3,50,000/- for lead 1
expect +923001110001 | ^Recorded \(entry 6\): Payment Rs 3,50,000\.
staff 923001110001 | lead 1 paid 25 hazar
expect +923001110001 | ^Recorded \(entry 7\): Payment Rs 25,000\.
staff 923001110001 | lead 1 paid fifty thousand
expect +923001110001 | ^Recorded \(entry 8\): Payment Rs 50,000\.
staff 923001110001 | lead 1 received 3.5 lakh cash
expect +923001110001 | ^Recorded \(entry 9\): Payment Rs 3,50,000\.
sql SELECT string_agg(amount::text, ' ' ORDER BY id) FROM payment_entries => 250000 250000 225000 250000 175000 350000 25000 50000 350000
sql SELECT string_agg(COALESCE(milestone, '-'), ' ' ORDER BY id) FROM payment_entries => advance advance - advance mid - - - -
sql SELECT sum(amount) || ' ' || count(*) FROM payment_entries => 1925000 9
CONV
converse "$T/forms.conv"

# one payment, at once by N signed webhooks in parallel and by the poll
# (every second): one entry each, whichever path comes first
webhook_body() {
    jq -nc --arg p "$1" --argjson a "$2" \
        '{event: "payment.received", booking_id: "INV-1", lead_id: "1",
          payment: {payment_id: $p, milestone: "final", amount: $a, method: "bank",
                    received_at: "2026-12-05T10:00:00Z", reference: null}}'
}
pids=()
for i in 1 2 3 4 5; do
    webhook_body "PAY-70$i" $((10000 * i)) >"$T/wh-$i.json"
    fake_ctl POST invoicing_payment "{\"booking_id\":\"INV-1\",\"payment\":$(jq -c .payment "$T/wh-$i.json")}" >/dev/null
    sig=$(SIGN_SECRET=$SECRET sign "$T/wh-$i.json")
    for k in 1 2 3 4; do
        curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -H 'Content-Type: application/json' \
            -H "X-Invoicing-Signature: sha256=$sig" --data-binary "@$T/wh-$i.json" \
            "$RABTA_URL/webhook/invoicing" >>"$T/statuses" &
        pids+=($!)
    done
done
wait "${pids[@]}"
check_eq "every webhook acknowledged" "$(sort "$T/statuses" | uniq -c | awk '{print $1 " " $2}')" "20 200"
check_eventually "each payment is one entry" \
    "SELECT count(*) || ' ' || count(DISTINCT external_id) || ' ' || sum(amount) FROM payment_entries WHERE source = 'invoicing'" \
    "5 5 150000" 60
polls() { fake_requests invoicing | jq -s '[.[] | select(.method == "GET")] | length'; }
before=$(polls)
more_polls() { [ "$(polls)" -ge $((before + 2)) ]; }
wait_until 60 more_polls || not_ok "the poll runs" "GETs: $(polls), before: $before"
check_eq "the poll adds nothing more" \
    "$(psql_q "SELECT count(*) || ' ' || sum(amount) FROM payment_entries")" "14 2075000"
check_eq "each is audited once" \
    "$(psql_q "SELECT count(*) FROM audit_log WHERE action = 'payment.record' AND staff_id IS NULL")" 5
check_eq "019: payment_balances holds what the view payment_milestones works out" \
    "$(psql_q "SELECT count(*) FROM payment_balances b FULL JOIN payment_milestones m USING (lead_id, milestone) LEFT JOIN leads l ON l.id = COALESCE(b.lead_id, m.lead_id) WHERE (b.venue_id, b.ord, b.planned, b.due_date, b.received, b.outstanding, b.staff_id) IS DISTINCT FROM (m.venue_id, m.ord, m.planned, m.due_date, m.received, m.outstanding, l.assigned_staff_id)")" 0
