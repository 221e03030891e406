#!/usr/bin/env bash
# Booking a taken hall and slot names whose it is and asks for another.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_cell_taken.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_cell_taken.conv"
