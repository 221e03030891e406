#!/usr/bin/env bash
# Follow-ups asked for a day ("aaj ke", "kal ke", "today's") name the day in
# the heading and in "none" ([followups_head_day], [followups_empty_day]).
# One salesperson's stale leads are headed as stale ([list_head_stale_staff],
# [list_head_stale_mine]). A lead handed on (reassigned, or by the 48-hour
# escalation) takes its old assignee's open follow-ups along.
# The steps and what the bot must send and store: tests/fixtures/conversations/tour_followups_day.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/tour_followups_day.conv"

# the same, read from prompts/ with the local date of today
today=$(TZ=Asia/Karachi date +%d/%m/%Y)
conv_post 923331112233 staff text "aaj ke follow-ups dikhao" || bail "$CONV_ERR"
check_eq "roman_ur: today's none names today ([followups_empty_day])" \
    "$(conv_sends 923331112233)" "$(prompt_line roman_ur followups_empty_day "date=$today")"
conv_post 923001110001 staff text "today's follow-ups" || bail "$CONV_ERR"
check_eq "en: today's none names today" \
    "$(conv_sends 923001110001)" "$(prompt_line en followups_empty_day "date=$today")"
