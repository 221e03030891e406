#!/usr/bin/env bash
# Relay both ways: forwards with lead number and name, media as a line
# with type and caption, quote-reply and #N answers, "is lead ka status"
# after a forward, an unknown #N.
# The steps and what the bot must send and store: tests/fixtures/conversations/relay.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/relay.conv"
