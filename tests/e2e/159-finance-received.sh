#!/usr/bin/env bash
# Finance asks what came in this month and gets it (revenue with the payments
# received beside it); Urdu typed with English words is answered in Urdu.
# The steps: tests/fixtures/conversations/finance_received.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/finance_received.conv"
