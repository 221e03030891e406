#!/usr/bin/env bash
# Wording: help with payment and report examples, the new-lead notice's
# layout, history credits and cuts, follow-ups soonest first, stage moves
# and refusals as sentences.
# The steps and what the bot must send and store: tests/fixtures/conversations/wording.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/wording.conv"

# The same sentences read from prompts/ with their placeholders filled, so
# a reworded prompt does not break the story (and a missing one does).
conv_post 923331112233 staff text "1 ko negotiating kar do" || bail "$CONV_ERR"
check_eq "a stage move reads as prompts/roman_ur [moved] says" "$(conv_sends 923331112233)" \
    "$(prompt_line roman_ur moved lead=1 "name=Ahmed Raza" "stage=$(prompt_line roman_ur stage_NEGOTIATING)" \
        "from=$(prompt_line roman_ur stage_QUOTED)")"
# finance (Urdu) writing Latin letters: answered in Roman Urdu
conv_post 923331112266 staff text "1 ko lost kar do" || bail "$CONV_ERR"
check_eq "a permission refusal reads as prompts/roman_ur [refuse_role] says" "$(conv_sends 923331112266)" \
    "$(prompt_line roman_ur refuse_role "action=$(prompt_line roman_ur action_lead_move)" \
        "role=$(prompt_line roman_ur role_finance)" "hint=$(prompt_line roman_ur hint_finance)")"
conv_post 923331112233 staff text "Sara ke leads" || bail "$CONV_ERR"
check_match "a salesperson asking for another's leads gets them: prompts/roman_ur [list_head_staff]" \
    "$(conv_sends 923331112233)" "^$(prompt_ere roman_ur list_head_staff "staff=Sara Khan") / "
