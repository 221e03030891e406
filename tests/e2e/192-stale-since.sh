#!/usr/bin/env bash
# The stale-lead reminder says the real time since the last contact (hours,
# or days from 48 hours), in en, ur and roman_ur.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_stale_since.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

conf_set escalate_hours 96
story_start
converse "$FIX/conversations/tour_stale_since.conv"
