#!/usr/bin/env bash
# Roles: sales on another's lead (refused, status allowed), finance moving
# a stage (refused), backwards moves by sales (refused) and by the owner,
# payments and reports by the wrong role.
# The steps and what the bot must send and store: tests/fixtures/conversations/permissions.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/permissions.conv"
