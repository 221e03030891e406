#!/usr/bin/env bash
# A stage move in the history: what its command said in brackets, apart from the stage.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_history.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_history.conv"
