#!/usr/bin/env bash
# A booking refused for a taken cell changes nothing on the lead; a booked
# lead moved onto a taken cell hears its slot and whose it is.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_refused_booking.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_refused_booking.conv"
