#!/usr/bin/env bash
# Availability per hall and slot: free, tentative (with lead numbers) and
# booked, a hold without a hall, a date range, LOST releasing a date.
# The steps and what the bot must send and store: tests/fixtures/conversations/availability.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
start_rabta
converse "$FIX/conversations/availability.conv"
