#!/usr/bin/env bash
# A booked lead's status: its payments under a label (pay_status), and
# "nothing received yet" (pay_paid_none) when nothing is paid, in en, ur and
# roman_ur.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_status_money.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_status_money.conv"

# the same line read from prompts/ (a reworded prompt does not break it)
conv_post 923001110001 staff text "status 1" || bail "$CONV_ERR"
check_match "the status's money line is prompts/en [pay_status] with [pay_paid]" \
    "$(conv_sends 923001110001)" \
    "/ $(prompt_ere en pay_status "paid_part=$(prompt_ere en pay_paid paid=2,00,000 total=14,00,000)" \
        'next=[^·]*' 'overdue=.*')$"
