#!/usr/bin/env bash
# A returning client whose salesperson is away or inactive goes round robin,
# welcomed back with the new salesperson's name.
# The steps: tests/fixtures/conversations/returning_fallback.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/returning_fallback.conv"
