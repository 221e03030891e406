#!/usr/bin/env bash
# The owner's by-source answers name WhatsApp, Meta ads and walk-ins even
# when a source had no leads ([rep_src_none] for a rate, 0 for a count), so
# "Meta vs walk-ins" answers for both.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_sources_named.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_sources_named.conv"
