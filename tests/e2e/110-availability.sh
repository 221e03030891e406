#!/usr/bin/env bash
# Availability per hall and slot: free, tentative (with lead numbers) and
# booked, a hold without a hall, a date range, LOST releasing a date.
# The steps and what the bot must send and store: tests/fixtures/conversations/availability.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/availability.conv"
