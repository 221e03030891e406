#!/usr/bin/env bash
# Returning clients, paged lists, pending questions cancelled and expired,
# and the big-event assignment rule.
# The steps and what the bot must send and store: tests/fixtures/conversations/edges.conv
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

conf_set big_event_guests 500
conf_set big_event_staff "Sara Khan"
story_start
converse "$FIX/conversations/edges.conv"

# A client who came from a click-to-WhatsApp ad: the ad's headline is the
# lead's campaign, and the assignee is told where the client came from.
# Usman, whose turn it is, writes first: his window is open, so the notice
# itself reaches him (not only the template saying that something waits).
conv_post 923331112255 Usman text "help" || not_ok "Usman writes" "$CONV_ERR"
conv_body "$T/ctwa.json" 923001115099 "Rubina Aslam" text "Is this package still available?"
jq '.entry[0].changes[0].value.messages[0].referral = {source_url: "https://fb.me/3cr4Wq", source_id: "120212345678900123", source_type: "ad", headline: "Winter Shadi Package 2026", body: "Book now", media_type: "image", ctwa_clid: "ARAkLkA8rmlFeiCktEJQ"}' \
    "$T/ctwa.json" >"$T/ctwa2.json"
CONV_CURSOR=$(_conv_max_seq)
check_eq "ad referral message: 200" "$(post_webhook "$T/ctwa2.json")" 200
wait_quiet 60 || not_ok "settles" "$WAIT_LAST"
check_eq "the ad's headline is the lead's campaign; source whatsapp" \
    "$(psql_q "SELECT source || '|' || campaign FROM leads WHERE phone = '+923001115099'")" \
    "whatsapp|Winter Shadi Package 2026"
told=$(fake_requests whatsapp | jq -rs --argjson c "$CONV_CURSOR" '[.[] | select(.seq > $c and .status == 200) | (.body.text.body // ([.body.template.components[]?.parameters[]?.text] | join(" ")))] | map(select(contains("Rubina Aslam"))) | join(" ")')
ad_told=no # in the assignee's language, as prompts/ words it
for lang in roman_ur ur en; do
    case $told in *"$(prompt_text "$lang" new_lead_ad "campaign=Winter Shadi Package 2026")"*) ad_told=yes ;; esac
done
check_eq "the assignee is told the ad (prompts/ [new_lead_ad])" "$ad_told" yes
