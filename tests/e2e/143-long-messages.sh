#!/usr/bin/env bash
# Long messages arrive: a client's 4,096-character text (emoji, Urdu, line
# breaks) forwarded with its "*#1* Name:" header is over WhatsApp's limit,
# so it goes as parts, each under the limit (the fake refuses more, as the
# API does), in order, cut at a line or a word and never inside an emoji;
# each part is logged with its own wamid on the lead, so a quote-reply to
# any part reaches the client.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start

B=+923331112233
psql_q "UPDATE staff SET away = true WHERE role = 'sales' AND name <> 'Bilal Ahmed'" >/dev/null
conv_post "$B" Bilal text "help" || bail "staff message" "$CONV_ERR"
fake_reset

# the fixture's text, written now (so the client's 24-hour window is open)
jq -c --arg ts "$(date +%s)" '.entry[0].changes[0].value.messages[0].timestamp = $ts' \
    "$WA/text_4096_emoji.json" >"$T/long.json"
check_eq "the client's 4,096 characters: 200" "$(post_webhook "$T/long.json")" 200
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
name=$(psql_q "SELECT name FROM leads WHERE id = 1")
check_eq "the first part carries the lead header" \
    "$(jq -r --arg n "$name" '.[0] | startswith("*#1* " + $n + ": Shadi")' "$T/parts.json")" true
# joined without the white space at the cuts, the parts are the header and
# every character of the client's text, in order
check_eq "the parts in order give back the whole text (sha256 without white space)" \
    "$(jq -j 'join("")' "$T/parts.json" | tr -d ' \n\t' | sha256sum | cut -c1-64)" \
    "$({ printf '*#1* %s: ' "$name"; cat "$WA/text_4096_emoji.body.txt"; } | tr -d ' \n\t' | sha256sum | cut -c1-64)"
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

stop_rabta
