#!/usr/bin/env bash
# A returning client goes back to the salesperson of their last lead and is
# welcomed back in their own language (not greeted as a first inquiry).
# The steps: tests/fixtures/conversations/returning_same.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/returning_same.conv"
