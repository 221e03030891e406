#!/usr/bin/env bash
# A booking undone (booked to lost by its salesperson, moved back by the
# owner) tells finance, with the money received on it ([unbooked_finance],
# [unbooked_finance_none]); a lead no longer booked keeps its received money
# in its status ([status_received_unbooked]); a payment with no amount on a
# lead not booked is refused at once ([payment_not_booked]), not asked for.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_booking_undone.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_booking_undone.conv"

# the status line read from prompts/, in Urdu script when Farah writes it
conv_post 923331112266 staff text "1 کا اسٹیٹس" || bail "$CONV_ERR"
check_match "ur: the status keeps the received money ([status_received_unbooked])" \
    "$(conv_sends 923331112266)" "/ $(prompt_ere ur status_received_unbooked 'received=Rs 3,50,000')$"
check_eq "finance had two bookings and two bookings undone (purpose booking), no more" \
    "$(psql_q "SELECT count(*) FROM outbox o JOIN staff s ON s.id = o.staff_id WHERE s.role = 'finance' AND o.purpose = 'booking'")" 4
# Bookings and booked revenue count the leads still booked: both bookings of
# this month were undone (1 lost, 2 moved back), so the owner's month shows
# none, not Rs 17,00,000 that nobody will pay.
if rabta_cli report --period this_month --format json; then
    check_eq "this month's bookings and booked revenue leave out bookings undone" \
        "$(jq -c '[.periods[0].summary.bookings, .periods[0].summary.revenue]' "$T/cli.out")" "[0,0]"
else
    not_ok "rabta report for this month" "$(cat "$T/cli.err")"
fi
