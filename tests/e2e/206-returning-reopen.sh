#!/usr/bin/env bash
# A client who writes soon after their lead was marked LOST reopens it (at
# the stage it was lost from, same salesperson, no new greeting); away
# salesperson: next in turn and a welcome back; lost long ago: a new lead.
# The steps: tests/fixtures/conversations/returning_reopen.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/returning_reopen.conv"
