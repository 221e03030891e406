#!/usr/bin/env bash
# Wording: help with payment and report examples, the new-lead notice's
# layout, history credits and cuts, follow-ups soonest first, stage moves
# and refusals as sentences.
# The steps and what the bot must send and store: tests/fixtures/conversations/wording.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
start_rabta
converse "$FIX/conversations/wording.conv"
