#!/usr/bin/env bash
# One lead left out of a list reads in the singular.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_hidden_one.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_hidden_one.conv"
