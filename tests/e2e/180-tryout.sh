#!/usr/bin/env bash
# A run-through as real users: a booking answer naming hall and slot, the
# follow-up list, the stage move's wording.
# The steps and what the bot must send and store: tests/fixtures/conversations/tryout.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tryout.conv"
