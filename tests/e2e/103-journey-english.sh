#!/usr/bin/env bash
# The first message to BOOKED in English, with Usman while Bilal and Sara
# are away; the owner is answered in English.
# The steps and what the bot must send and store: tests/fixtures/conversations/journey_english.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
rabta_cli staff away "Bilal Ahmed" || bail "rabta staff away failed" "$(cat "$T/cli.err")"
rabta_cli staff away "Sara Khan" || bail "rabta staff away failed" "$(cat "$T/cli.err")"
converse "$FIX/conversations/journey_english.conv"
