#!/usr/bin/env bash
# Walk-ins: a missing phone is asked for and the answer completes the lead;
# the client is greeted by template; a known phone is the same lead; the
# owner's walk-in goes round-robin; a name that is markup stays text.
# The steps and what the bot must send and store: tests/fixtures/conversations/walk_in.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/walk_in.conv"
