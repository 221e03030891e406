#!/usr/bin/env bash
# Long messages arrive: a client's 4,096-character text (emoji, Urdu, line
# breaks) forwarded with its "*#1* Name:" header is over WhatsApp's limit,
# so it goes as parts, each under the limit (the fake refuses more, as the
# API does), in order, cut at a line or a word and never inside an emoji;
# each part is logged with its own wamid on the lead, so a quote-reply to
# any part reaches the client. A salesperson's long reply is cut the same
# way on its way to the client.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
start_rabta

B=+923331112233
psql_q "UPDATE staff SET away = true WHERE role = 'sales' AND name <> 'Bilal Ahmed'" >/dev/null
conv_post "$B" Bilal text "help" || bail "staff message" "$CONV_ERR"
fake_reset

check_eq "the client's 4,096 characters: 200" "$(post_webhook "$WA/text_4096_emoji.json")" 200
wait_for "SELECT count(*) FROM messages WHERE direction = 'in' AND lead_id = 1" 1 60 ||
    bail "message not routed" "$WAIT_LAST"
wait_quiet 90 || not_ok "sends settle" "$WAIT_LAST"

fake_requests whatsapp >"$T/req.json"
check_eq "no send refused" "$(jq -s '[.[] | select(.status != 200)] | length' "$T/req.json")" 0
# the forward's parts, in the order they were sent
jq -s --arg b "$B" '[.[] | select(.body.to == $b and .body.type == "text")
    | .body.text.body | select(test("Naya lead assign hua") | not)]' "$T/req.json" >"$T/parts.json"
n=$(jq length "$T/parts.json")
check_eq "the forward went as two parts" "$n" 2
check_eq "every part within 4,096 UTF-16 units" \
    "$(jq '[.[] | [explode[] | if . > 65535 then 2 else 1 end] | add | select(. > 4096)] | length' "$T/parts.json")" 0
check_match "the first part carries the lead header" "$(jq -r '.[0]' "$T/parts.json")" '^\*#1\* Ayesha Khan: Shadi'
# joined without the white space at the cuts, the parts are the header and
# every character of the client's text, in order
check_eq "the parts in order give back the whole text" \
    "$(jq -r 'join("")' "$T/parts.json" | tr -d ' \n\t' | od -An -v -tx1 | tr -d ' \n')" \
    "$({ printf '*#1* Ayesha Khan: '; cat "$WA/text_4096_emoji.body.txt"; } | tr -d ' \n\t' | od -An -v -tx1 | tr -d ' \n')"
check_eq "no part ends inside an emoji sequence (no dangling joiner or modifier)" \
    "$(jq '[.[] | select(test("[\u200d\ufe0f]$") or test("^[\u200d\ufe0f\ud83c\udffb-\ud83c\udfff]"))] | length' "$T/parts.json")" 0
check_eq "each part logged on lead 1 with its own wamid" \
    "$(psql_q "SELECT count(DISTINCT m.wamid) FROM messages m JOIN outbox o ON o.id = m.outbox_id
               WHERE o.purpose = 'forward' AND m.lead_id = 1 AND m.direction = 'out'")" 2

# quote-reply to the second part: the answer reaches the client
ctx=$(psql_q "SELECT o.wamid FROM outbox o WHERE o.purpose = 'forward' AND o.state = 'sent' ORDER BY o.id DESC LIMIT 1")
conv_post "$B" Bilal text "Ji bilkul, sab note kar liya" "$ctx" || not_ok "quote-reply posted" "$CONV_ERR"
check_eq "the quote-reply to the second part reached the client" \
    "$(sends_to +923001234567 '.status == 200 and .body.text.body == "Ji bilkul, sab note kar liya"')" 1

# a salesperson's long answer (about 4,600 characters) goes as parts, in order
long=$(for i in $(seq 1 230); do printf 'Menu %03d: biryani ' "$i"; done)
fake_reset
conv_post "$B" Bilal text "#1 $long" || not_ok "long reply posted" "$CONV_ERR"
fake_requests whatsapp >"$T/req2.json"
jq -s '[.[] | select(.body.to == "+923001234567" and .body.type == "text" and .status == 200) | .body.text.body]' \
    "$T/req2.json" >"$T/reply.json"
check_eq "the long reply went as two parts" "$(jq length "$T/reply.json")" 2
check_eq "joined, the parts are the reply" "$(jq -r 'join(" ")' "$T/reply.json")" "${long% }"
check_match "the first part ends on a whole word" "$(jq -r '.[0]' "$T/reply.json")" 'biryani$'

stop_rabta
