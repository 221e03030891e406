#!/usr/bin/env bash
# A salesperson silent for days: the new-lead notices and the clients' words
# wait behind his closed 24-hour window, one template says what waits, and
# his next message brings them all, in order. Nothing is logged as sent
# before it was.
# The steps: tests/fixtures/conversations/staff_window.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/staff_window.conv"
