#!/usr/bin/env bash
# Webhook edges. A reaction, a removed reaction, an edit and "chat opened"
# as a client's first messages open no lead and greet nobody; only a real
# message does. Then every kind of message with no plain body reaches the
# salesperson as a readable line (a Flow's answers, an order's items and
# total, "edited: ...", "removed a reaction", the call-permission answer,
# what WhatsApp cannot show), never "[Message]" nor an empty "*#1* Name:";
# what carries nothing sends nothing. A system notice that the client
# changed number links the new number and moves the lead, greets nobody.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start

A=923001234567
B=+923331112233
SEQ=0
# post_msg FROM MESSAGE-JSON (without from, id, timestamp): a signed webhook,
# then everything settles; the sends since then are in $T/since.json.
post_msg() {
    SEQ=$((SEQ + 1))
    local cursor
    cursor=$(fake_requests whatsapp | jq -s 'map(.seq) | max // 0')
    jq -nc --arg pnid "$PNID" --arg from "$1" --argjson m "$2" --arg id "wamid.EDGE$SEQ" \
        --arg ts "$(date +%s)" '{object: "whatsapp_business_account", entry: [{id: "1",
          changes: [{field: "messages", value: {messaging_product: "whatsapp",
            metadata: {display_phone_number: "923215550100", phone_number_id: $pnid},
            contacts: [{profile: {name: "Ayesha Khan"}, wa_id: $from}],
            messages: [({from: $from, id: $id, timestamp: $ts} + $m)]}}]}]}' >"$T/m$SEQ.json"
    check_eq "message $SEQ ($(jq -r .type <<<"$2")): 200" "$(post_webhook "$T/m$SEQ.json")" 200
    wait_for "SELECT count(*) FROM inbound_events WHERE dedupe_key = 'msg:wamid.EDGE$SEQ' AND state = 'done'" 1 30 ||
        not_ok "message $SEQ handled" "$WAIT_LAST"
    wait_quiet 60 || not_ok "sends settle" "$WAIT_LAST"
    fake_requests whatsapp | jq -s --argjson c "$cursor" '[.[] | select(.seq > $c)]' >"$T/since.json"
}
# sent_to RECIPIENT: the texts (and templates) sent to it since the last post, one a line
sent_to() {
    jq -r --arg r "$1" '.[] | select(.body.to == $r) | .body
        | if .type == "template" then "template:" + .template.name else .text.body end' "$T/since.json"
}

psql_q "UPDATE staff SET away = true WHERE role = 'sales' AND name <> 'Bilal Ahmed'" >/dev/null
conv_post "$B" Bilal text "help" || bail "staff message" "$CONV_ERR"

# -- first messages that are not a real message -----------------------------
post_msg $A '{"type": "reaction", "reaction": {"message_id": "wamid.OLD1", "emoji": "👍"}}'
post_msg $A '{"type": "reaction", "reaction": {"message_id": "wamid.OLD1"}}'
post_msg $A '{"type": "edit", "edit": {"original_message_id": "wamid.OLD2", "message": {"type": "text", "text": {"body": "hall chahiye"}}}}'
post_msg $A '{"type": "request_welcome"}'
check_eq "a reaction, a removed reaction, an edit, chat opened: no lead" \
    "$(psql_q "SELECT count(*) FROM leads")" 0
check_eq "... and nothing sent to the client nor about them" \
    "$(psql_q "SELECT count(*) FROM outbox WHERE recipient_phone = '+$A' OR lead_id IS NOT NULL")" 0
check_eq "... but all four kept" \
    "$(psql_q "SELECT count(*) FROM messages WHERE direction = 'in' AND party = 'client'")" 4

# -- the real first message ----------------------------------------------------
post_msg $A '{"type": "text", "text": {"body": "Assalam o alaikum, 15 March ko hall chahiye"}}'
check_eq "a real message opens the lead and greets" \
    "$(psql_q "SELECT count(*) FROM leads WHERE greeted_at IS NOT NULL")" 1

# -- every kind gets a readable line --------------------------------------------
post_msg $A '{"type": "reaction", "reaction": {"message_id": "wamid.OLD1"}}'
check_eq "removed reaction" "$(sent_to $B)" "*#1* Ayesha Khan ne apna react hata diya."
post_msg $A '{"type": "edit", "edit": {"original_message_id": "wamid.EDGE5", "message": {"type": "text", "text": {"body": "20 March kar dein"}}}}'
check_eq "edit keeps the new text" "$(sent_to $B)" "*#1* Ayesha Khan ne message badla: 20 March kar dein"
post_msg $A '{"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {"name": "flow", "body": "Sent", "response_json": "{\"flow_token\": \"T1\", \"event_date\": \"2026-03-15\", \"guests\": \"300\"}"}}}'
check_eq "a Flow answer lists the answers (not the token)" "$(sent_to $B)" \
    "*#1* Ayesha Khan ne form bhara: event_date: 2026-03-15, guests: 300"
post_msg $A '{"type": "interactive", "interactive": {"type": "call_permission_reply", "call_permission_reply": {"response": "accept", "is_permanent": false}}}'
check_eq "call permission" "$(sent_to $B)" "*#1* Ayesha Khan ne call ki ijazat de di."
post_msg $A '{"type": "interactive", "errors": [{"code": 131051, "title": "Message type unknown"}], "interactive": {"type": "button_reply"}}'
check_eq "an interactive with an error carries nothing: nothing sent" "$(sent_to $B)" ""
post_msg $A '{"type": "order", "order": {"catalog_id": "C1", "text": "Advance", "product_items": [{"product_retailer_id": "hall-deposit", "quantity": 2, "item_price": 50000, "currency": "PKR"}, {"product_retailer_id": "stage", "quantity": 1, "item_price": 25000, "currency": "PKR"}]}}'
check_eq "an order keeps its items and total" "$(sent_to $B)" \
    "*#1* Ayesha Khan ne order bheja: 2 x hall-deposit @ 50000 PKR, 1 x stage @ 25000 PKR; total 125000 PKR; Advance"
post_msg $A '{"type": "unsupported", "errors": [{"code": 131051}], "unsupported": {"type": "poll_creation"}}'
check_match "unsupported is named, not [Message]" "$(sent_to $B)" \
    '^\*#1\* Ayesha Khan ne kuch aisa bheja jo WhatsApp yahan nahi dikhata \(poll_creation\)'
post_msg $A '{"type": "request_welcome"}'
check_eq "chat opened sends nothing" "$(sent_to $B)" ""
check_eq "no forward was ever empty or [Message]" \
    "$(fake_requests whatsapp | jq -s '[.[] | .body.text.body // "" | select(test(": *$") or test("\\[Message\\]"))] | length')" 0

# -- a changed number -------------------------------------------------------------
post_msg $A '{"type": "system", "system": {"body": "Ayesha Khan changed from 923001234567 to 923001234599", "wa_id": "923001234599", "type": "user_changed_number"}}'
check_eq "the client is not greeted" "$(sent_to +$A)" ""
check_match "the salesperson hears of the new number" "$(sent_to $B)" \
    '^\*#1\* Ayesha Khan ne apna WhatsApp number badal kar \+923001234599 kar liya hai'
check_eq "the lead moved to the new number; still one lead" \
    "$(psql_q "SELECT count(*) || ' ' || max(phone) FROM leads")" "1 +923001234599"
post_msg 923001234599 '{"type": "text", "text": {"body": "Naya number yeh hai"}}'
check_eq "the new number's message goes to the same lead, no greeting" \
    "$(sent_to $B) | $(sent_to +923001234599)" "*#1* Ayesha Khan: Naya number yeh hai | "

stop_rabta
