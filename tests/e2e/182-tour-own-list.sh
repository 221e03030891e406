#!/usr/bin/env bash
# "mere leads" and "Sara's leads" leave out whose each lead is; "all leads" says it.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_own_list.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_own_list.conv"
