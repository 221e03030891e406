#!/usr/bin/env bash
# Payments come back from invoicing by a signed webhook and by the periodic
# read of open bookings: a forged or unsigned webhook is 401 and stores
# nothing; a webhook replayed, the same payment by webhook and by the poll,
# and events delivered out of order each give one ledger entry; a payment
# whose webhook was lost arrives by the poll; the assignee is told.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

SECRET=whsec-rabta-test
conf_set invoicing_poll_seconds 2
story_start a INVOICING_WEBHOOK_SECRET=$SECRET

conv_line "staff 923331112233 | help"
converse "$FIX/conversations/invoicing_booking.conv"

# event JSON for payment $1 of $2 rupees ($3: booking id, $4: lead id)
event() {
    jq -nc --arg p "$1" --argjson a "$2" --arg b "${3:-INV-1}" --arg l "${4:-1}" \
        '{event: "payment.received", booking_id: $b, lead_id: $l,
          payment: {payment_id: $p, milestone: "advance", amount: $a, method: "bank",
                    received_at: "2026-12-05T10:00:00Z", reference: null}}'
}
# send_webhooks OPTIONS-JSON EVENT...: the fake sends them; prints the statuses
send_webhooks() {
    local opts=$1
    shift
    fake_ctl POST invoicing_webhook "$(jq -nc --arg u "$RABTA_URL/webhook/invoicing" \
        --arg s "${WH_SECRET:-$SECRET}" --argjson o "$opts" --argjson e "$(printf '%s\n' "$@" | jq -s .)" \
        '{url: $u, secret: $s, events: $e} + $o')" | jq -c .statuses
}
entries() { psql_q "SELECT count(*) || ' ' || COALESCE(sum(amount), 0) FROM payment_entries WHERE source = 'invoicing'"; }
polls() { fake_requests invoicing | jq -s '[.[] | select(.method == "GET")] | length'; }

# forged, wrongly keyed and unsigned webhooks: 401, nothing stored
check_eq "a forged signature is refused" "$(send_webhooks '{"forge":true}' "$(event PAY-900 50000)")" "[401]"
check_eq "another key's signature is refused" \
    "$(WH_SECRET=not-the-secret send_webhooks '{}' "$(event PAY-900 50000)")" "[401]"
event PAY-900 50000 >"$T/unsigned.json"
check_eq "an unsigned webhook is refused" \
    "$(post_with_header "$T/unsigned.json" "" /webhook/invoicing)" 401
check_eq "nothing of them stored" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE source = 'invoicing'")" 0

# paid at the bank: invoicing has it, and its webhook comes three times
fake_ctl POST invoicing_payment "{\"booking_id\":\"INV-1\",\"payment\":$(event PAY-100 300000 | jq -c .payment)}" >/dev/null
check_eq "the replayed webhook is acknowledged each time" \
    "$(send_webhooks '{"repeat":3}' "$(event PAY-100 300000)")" "[200,200,200]"
check_eventually "one entry for it" \
    "SELECT count(*) || ' ' || sum(amount) || ' ' || max(milestone) || ' ' || max(method) FROM payment_entries WHERE external_id = 'PAY-100'" \
    "1 300000 advance bank" 30
check_eq "one inbound event for it" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE dedupe_key = 'invpay:PAY-100'")" 1
# the poll reads the same payment back: still one entry
before=$(polls)
more_polls() { [ "$(polls)" -ge $((before + 2)) ]; }
wait_until 60 more_polls || not_ok "the poll runs" "GETs: $(polls), before: $before"
check_eq "the poll adds nothing for it" "$(entries)" "1 300000"

# a payment whose webhook was lost arrives by the poll
fake_ctl POST invoicing_payment '{"booking_id":"INV-1","payment":{"payment_id":"PAY-101","milestone":"mid","amount":250000,"method":"cash"}}' >/dev/null
check_eventually "the lost webhook's payment comes by the poll" \
    "SELECT amount || ' ' || milestone FROM payment_entries WHERE external_id = 'PAY-101'" "250000 mid" 60

# out of order: three events sent last first, one naming a booking id Rabta
# does not know (only its lead id); and then the poll sees two of them too
fake_ctl POST invoicing_payment "{\"booking_id\":\"INV-1\",\"payment\":$(event PAY-102 10000 | jq -c .payment)}" >/dev/null
fake_ctl POST invoicing_payment "{\"booking_id\":\"INV-1\",\"payment\":$(event PAY-103 20000 | jq -c .payment)}" >/dev/null
check_eq "out-of-order events acknowledged" \
    "$(send_webhooks '{"reverse":true}' "$(event PAY-102 10000)" "$(event PAY-103 20000)" \
        "$(event PAY-104 30000 INV-UNKNOWN 1)")" "[200,200,200]"
check_eventually "every payment once" \
    "SELECT string_agg(external_id || '=' || amount, ' ' ORDER BY external_id) FROM payment_entries WHERE source = 'invoicing'" \
    "PAY-100=300000 PAY-101=250000 PAY-102=10000 PAY-103=20000 PAY-104=30000" 60
before=$(polls)
wait_until 60 more_polls || not_ok "the poll runs again" "GETs: $(polls), before: $before"
check_eq "five entries, to the rupee" "$(entries)" "5 610000"
# (notices about one lead may share a message while queued)
check_eq "the assignee heard of each" \
    "$(fake_requests whatsapp | jq -s --arg re "$(prompt_ere roman_ur pay_notice_invoicing "lead=[0-9]+" \
        "name=[^:]+" "paid_now=[0-9,]+" "payment=PAY-[0-9]+")" '[.[] | select(.status == 200 and .body.to == "+923331112233")
        | (.body.text.body // "") | [scan($re)] | length] | add')" 5
check_eq "lead 1's picture" \
    "$(psql_q "SELECT string_agg(milestone || ' ' || outstanding, ', ' ORDER BY ord) FROM payment_milestones WHERE lead_id = 1")" \
    "advance 240000, mid 550000, final 600000"
