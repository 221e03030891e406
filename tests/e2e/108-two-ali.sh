#!/usr/bin/env bash
# Two leads named Ali: a numbered choice and the next message picks; a
# full name needs none; a new command cancels a pending choice.
# The steps and what the bot must send and store: tests/fixtures/conversations/two_ali.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/two_ali.conv"
