#!/usr/bin/env bash
# A move to Quoted or Negotiating says the lead's amount back.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_quote.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_quote.conv"
