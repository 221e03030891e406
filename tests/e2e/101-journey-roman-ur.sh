#!/usr/bin/env bash
# A client's "Assalam o alaikum, shadi ke liye hall chahiye" to BOOKED, in
# Roman Urdu: greeting, assignment, relay both ways, stages, the BOOKED
# question and answer, the hold, the invoicing push.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/journey_roman_ur.conv"
