#!/usr/bin/env bash
# A client's STOP or START forwarded to the assignee says what it changed.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_stop.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_stop.conv"
