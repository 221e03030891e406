#!/usr/bin/env bash
# "mere stale leads" lists the sender's own stale leads (staff "me" and
# scope stale); "بلال کے لیڈز" lists Bilal's leads.
# The steps and what the bot must send and store: tests/fixtures/conversations/own_stale.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/own_stale.conv"
