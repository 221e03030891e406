#!/usr/bin/env bash
# Follow-ups that fall due, stale leads, escalation to the owner with
# reassignment, and quotes without an answer: each reminder once.
# The steps and what the bot must send and store: tests/fixtures/conversations/reminders.conv
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/reminders.conv"
