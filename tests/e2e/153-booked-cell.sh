#!/usr/bin/env bash
# BOOKED asks for the hall and the slot it blocks; availability explains
# every line (no unexplained marker).
# The steps and what the bot must send and store: tests/fixtures/conversations/booked.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/booked.conv"
