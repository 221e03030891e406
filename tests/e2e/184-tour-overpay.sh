#!/usr/bin/env bash
# More than a milestone's outstanding names the milestone and the total;
# a booked lead's status says what is paid.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_overpay.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_overpay.conv"
