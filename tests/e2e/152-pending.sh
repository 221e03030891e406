#!/usr/bin/env bash
# A pending question gives way to a clearly new command; answers still count.
# The steps and what the bot must send and store: tests/fixtures/conversations/pending.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/pending.conv"
