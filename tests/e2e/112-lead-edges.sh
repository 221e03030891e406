#!/usr/bin/env bash
# Returning clients, paged lists, pending questions cancelled and expired,
# and the big-event assignment rule.
# The steps and what the bot must send and store: tests/fixtures/conversations/edges.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
conf_set big_event_guests 500
conf_set big_event_staff "Sara Khan"
start_rabta
converse "$FIX/conversations/edges.conv"
