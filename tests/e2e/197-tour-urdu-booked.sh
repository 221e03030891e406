#!/usr/bin/env bash
# Urdu script names the BOOKED stage "بک شدہ" ([stage_BOOKED] of prompts/ur):
# a status, a list and a list's hidden-leads line. A status names the hall
# and slot ([status_hall]) and a site visit's time ([status_visit]); a
# walk-in's confirmation says back its date and guests ([lead_created_full]).
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_urdu_booked.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_urdu_booked.conv"
