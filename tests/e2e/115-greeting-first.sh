#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# When sends queue behind the rate limit, what clients wait for goes first:
# five new clients at once at 2 sends/s make 10 sends (a greeting each, and
# each lead's notice and forward as one message to its salesperson), and
# the five greetings go out before the staff's messages.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

conf_set rate_per_second 2
story_start
for s in 923331112233 923331112244 923331112255; do
    conv_post "$s" Staff text "help" || bail "staff warm-up" "$CONV_ERR"
done
CURSOR=$(_conv_max_seq)
posters=()
for i in 1 2 3 4 5; do
    conv_body "$T/c$i.json" "92300555010$i" "Guest $i" text "Salam, mehndi ke liye hall chahiye"
done
for i in 1 2 3 4 5; do
    post_webhook "$T/c$i.json" >"$T/status$i" &
    posters+=($!)
done
wait "${posters[@]}"
wait_quiet 90 || not_ok "everything settles" "$WAIT_LAST"
check_eq "10 sends: 5 greetings, 5 to staff" \
    "$(fake_requests whatsapp | jq -s --argjson c "$CURSOR" '[.[] | select(.seq > $c and .status == 200)] | length')" 10
check_eq "the first five sends are the five greetings" \
    "$(fake_requests whatsapp | jq -rs --argjson c "$CURSOR" '[.[] | select(.seq > $c and .status == 200)] | sort_by(.seq) | .[0:5] | map(.body.to | startswith("+92300555010")) | all')" \
    true
