#!/usr/bin/env bash
# Lists: whose leads they show, every stage for "all", and what they left out.
# The steps and what the bot must send and store: tests/fixtures/conversations/lists.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/lists.conv"
