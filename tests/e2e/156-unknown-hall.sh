#!/usr/bin/env bash
# A booking answer naming a hall the venue does not have: said, the halls
# listed, the question kept, in roman_ur, ur and en.
# The steps: tests/fixtures/conversations/unknown_hall.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/unknown_hall.conv"
