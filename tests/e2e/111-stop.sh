#!/usr/bin/env bash
# STOP, then an automated site-visit reminder is held (not sent) while the
# salesperson's own reply is sent; START resumes.
# The steps and what the bot must send and store: tests/fixtures/conversations/stop.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/stop.conv"
