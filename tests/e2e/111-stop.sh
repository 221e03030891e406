#!/usr/bin/env bash
# STOP, then an automated site-visit reminder is held (not sent) while the
# salesperson's own reply is sent; START resumes.
# The steps and what the bot must send and store: tests/fixtures/conversations/stop.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
start_rabta
converse "$FIX/conversations/stop.conv"
