#!/usr/bin/env bash
# A payment without a milestone in a lead's history: "Payment received"
# ([milestone_none]), not "- received", in en and roman_ur. A receipt taken
# back is told to the lead's salesperson ([pay_reverse_notice]), as the
# receipt was.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_history_payment.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_history_payment.conv"

# the payment's line is prompts/ [hist_payment] with [milestone_none]
for who in "923001110001 en history of 1" "923331112233 roman_ur 1 ki history"; do
    set -- $who
    phone=$1 lang=$2
    shift 2
    conv_post "$phone" staff text "$*" || bail "$CONV_ERR"
    check_match "$lang: the history's payment line is [hist_payment] with [milestone_none]" \
        "$(conv_sends "$phone")" \
        "/ $(prompt_ere "$lang" hist_payment 'when=[0-9/]+ [0-9:]+' 'staff=Farah Naz' \
            "milestone=$(prompt_text "$lang" milestone_none)" 'amount=50,000')( /|$)"
done
