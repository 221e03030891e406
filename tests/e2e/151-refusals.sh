#!/usr/bin/env bash
# Refusals name their real reason: an invalid date, a negative amount, the
# same stage again.
# The steps and what the bot must send and store: tests/fixtures/conversations/refusals.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/refusals.conv"
