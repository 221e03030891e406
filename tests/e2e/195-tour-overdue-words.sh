#!/usr/bin/env bash
# The owner's overdue question: nothing overdue is said in words
# ([rep_empty_overdue]), and a count of overdue payments says what it counts
# ([rep_d_overdue_one], [rep_d_overdue]), in the answer and the summary's
# "Now" line, not "Rs 0 (0)"; a compared figure with nothing on one side
# reads "100 % vs no leads" ([rep_line_cmp_bare], [rep_none_pct]), not "- (-)".
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_overdue_words.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_overdue_words.conv"

one=$(prompt_ere en rep_d_overdue_one)
conv_post 923001110001 staff text "how much is overdue?" || bail "$CONV_ERR"
check_match "en: the total says 1 payment ([rep_d_overdue_one])" "$(conv_sends 923001110001)" \
    "Rs 3,60,000 \($one\)"
conv_post 923001110001 staff text "How did this month compare to last month?" || bail "$CONV_ERR"
check_match "en: the summary's Now line says 1 payment" "$(conv_sends 923001110001)" \
    "/ $(prompt_ere en rep_now_line 'stale=[0-9]+' 'overdue=Rs 3,60,000' "overdue_n=$one")$"
conv_post 923001110001 staff text "واجب الادا پیمنٹس کتنی ہیں؟" || bail "$CONV_ERR"
check_match "ur: the total says 1 payment in Urdu" "$(conv_sends 923001110001)" \
    "Rs 3,60,000 \($(prompt_ere ur rep_d_overdue_one)\)"
