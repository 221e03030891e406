#!/usr/bin/env bash
# A staff member back after their 24-hour window closed gets what waited
# for them first, in order, and then the answer to their message (the order
# the fake WhatsApp received).
# The steps: tests/fixtures/conversations/staff_window_order.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/staff_window_order.conv"
