#!/usr/bin/env bash
# A booked client stays that lead's client until the event day has passed;
# then, or after LOST, a new enquiry opens a new lead naming the earlier one.
# A blank message opens no lead and greets nobody.
# The steps: tests/fixtures/conversations/booked_client.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/booked_client.conv"
