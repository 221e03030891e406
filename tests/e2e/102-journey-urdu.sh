#!/usr/bin/env bash
# The first message to BOOKED in Urdu script: greeting, relay, status and
# the BOOKED question answered in Urdu script ("15 مارچ، 8 لاکھ").
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
rabta_cli staff away "Bilal Ahmed" || bail "rabta staff away failed" "$(cat "$T/cli.err")"
converse "$FIX/conversations/journey_urdu.conv"
