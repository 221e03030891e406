#!/usr/bin/env bash
# A reply to a client whose 24-hour window is closed: the template goes, the
# salesperson hears why, and the words wait for the client's next message.
# The steps: tests/fixtures/conversations/reply_window.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/reply_window.conv"
