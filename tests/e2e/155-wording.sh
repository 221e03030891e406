#!/usr/bin/env bash
# Wording: help with payment and report examples, the new-lead notice's
# layout, history credits and cuts, follow-ups soonest first, stage moves
# and refusals as sentences.
# The steps and what the bot must send and store: tests/fixtures/conversations/wording.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
start_rabta
converse "$FIX/conversations/wording.conv"

# The same sentences read from prompts/ with their placeholders filled, so
# a reworded prompt does not break the story (and a missing one does).
# prompt LANG KEY [NAME=VALUE...]: the text of [KEY] in any *.txt of
# prompts/LANG, lines joined by " / " as conv_sends shows them.
prompt() {
    local lang=$1 key=$2 text kv
    shift 2
    text=$(cat "$T"/home/prompts/"$lang"/*.txt | awk -v k="[$key]" '
        $0 == k {f = 1; next}
        f && NF == 0 {exit}
        f && !/^#/ {printf "%s%s", (n++ ? " / " : ""), $0}')
    [ -n "$text" ] || bail "no [$key] in prompts/$lang"
    for kv in "$@"; do
        text=${text//"{${kv%%=*}}"/"${kv#*=}"}
    done
    printf '%s' "$text"
}

conv_post 923331112233 staff text "1 ko negotiating kar do" || bail "$CONV_ERR"
check_eq "a stage move reads as prompts/roman_ur [moved] says" "$(conv_sends 923331112233)" \
    "$(prompt roman_ur moved lead=1 "name=Ahmed Raza" "stage=$(prompt roman_ur stage_NEGOTIATING)" \
        "from=$(prompt roman_ur stage_QUOTED)")"
conv_post 923331112266 staff text "1 ko lost kar do" || bail "$CONV_ERR"
check_eq "a permission refusal reads as prompts/ur [refuse_role] says" "$(conv_sends 923331112266)" \
    "$(prompt ur refuse_role "action=$(prompt ur action_lead_move)" "role=$(prompt ur role_finance)" \
        "hint=$(prompt ur hint_finance)")"
conv_post 923331112233 staff text "Sara ke leads" || bail "$CONV_ERR"
check_eq "a salesperson asking for another's leads: prompts/roman_ur [list_staff_refused]" \
    "$(conv_sends 923331112233)" "$(prompt roman_ur list_staff_refused "staff=Sara Khan")"
