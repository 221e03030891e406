#!/usr/bin/env bash
# A salesperson may see any salesperson's leads ("Sara ke leads"), as "all
# leads" and "stale leads" show them; changing them stays the owner's and
# the assignee's.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_sales_lists.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_sales_lists.conv"
