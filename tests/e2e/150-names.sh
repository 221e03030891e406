#!/usr/bin/env bash
# A lead's name matches across Urdu script and Roman spelling (زینب is
# Zainab, Aisha is عائشہ); an exact spelling wins; another name finds nothing.
# The steps and what the bot must send and store: tests/fixtures/conversations/names.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/names.conv"
