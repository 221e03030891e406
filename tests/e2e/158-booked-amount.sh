#!/usr/bin/env bash
# After booking, the agreed amount is changed by finance or the owner: a
# salesperson is refused (saying who can) and finance gets the request.
# The steps: tests/fixtures/conversations/booked_amount.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/booked_amount.conv"
