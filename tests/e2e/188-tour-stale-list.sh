#!/usr/bin/env bash
# "stale leads" with none says what stale means.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_stale.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_stale.conv"
