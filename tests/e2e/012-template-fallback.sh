#!/usr/bin/env bash
# 131047 (outside the 24-hour window): when a free-text send is refused with
# it, the configured template goes out instead, exactly once; when a send
# was accepted and 131047 arrives later as a failed status webhook, the
# template goes out exactly once too, also when Meta repeats that status,
# and a failed template does not start a loop.
. "$(dirname "$0")/../lib/lib.sh"

story_start

TEMPLATES='["lead_greeting","staff_update","client_followup"]'

open_staff_windows

# -- 131047 on the send itself ------------------------------------------------
# The window runs from the message's own timestamp: the client writes now.
fake_fail whatsapp wa131047 1
text_body "$T/ayesha.json" wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUQVlFU0hBTk9XMDAx 923001234567 \
    "Ayesha Khan" "Assalam o alaikum! 15 March ko hall available hai?"
check_eq "client message: 200" "$(post_webhook "$T/ayesha.json")" 200
check_eventually "greeting queued" "SELECT count(*) > 0 FROM outbox WHERE purpose = 'greeting'" t
wait_quiet 90 || not_ok "sends settle" "$WAIT_LAST"
fake_requests whatsapp >"$T/a.requests"
check_eq "one send refused with 131047, and it was free text" \
    "$(jq -rs '[.[] | select(.status != 200) | .body.type] | join(",")' "$T/a.requests")" text
R=$(jq -rs 'map(select(.status != 200))[0].body | .to // .recipient' "$T/a.requests")
check_eq "the refused recipient got exactly one template, accepted" \
    "$(jq -s --arg r "$R" '[.[] | select((.body.to == $r or .body.recipient == $r) and .body.type == "template") | .status] | map(tostring) | join(" ")' "$T/a.requests" | tr -d '"')" \
    200
check_eq "the template is a configured one, with a language" \
    "$(jq -rs --arg r "$R" --argjson t "$TEMPLATES" '[.[] | select((.body.to == $r or .body.recipient == $r) and .body.type == "template") | (.body.template.name as $n | $t | index($n) != null) and (.body.template.language.code | length > 0)] | map(tostring) | join(",")' "$T/a.requests")" \
    true
check_eq "the refused text was not sent again" \
    "$(jq -s --arg r "$R" '[.[] | select((.body.to == $r or .body.recipient == $r) and .body.type == "text")] | length' "$T/a.requests")" \
    1
check_eq "every other send went out once as it was" \
    "$(jq -s --arg r "$R" '[.[] | select(.body.to != $r and .body.recipient != $r and .body.type == "template")] | length' "$T/a.requests")" \
    0
# The refused row may stay failed with 131047 (the template as a row of its
# own) or become the template; nothing else may be failed or left over.
check_eq "no outbox row pending; none failed but with 131047" \
    "$(psql_q "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending') OR (state = 'failed' AND error_code IS DISTINCT FROM 131047)")" 0

# -- 131047 later, as a failed status webhook ------------------------------------
K=+923009876543
fake_reset
text_body "$T/kamran.json" wamid.HBgMOTIzMDA5ODc2NTQzFQIAEhgUS0FNUkFOMDAwMDAx 923009876543 \
    "Kamran Baig" "Salam, walima ke liye hall?"
check_eq "second client message: 200" "$(post_webhook "$T/kamran.json")" 200
wait_for "SELECT count(*) FROM outbox WHERE purpose = 'greeting' AND recipient_phone = '$K' AND state = 'sent' AND wamid IS NOT NULL" 1 60 ||
    bail "greeting to $K not sent" "$WAIT_LAST"
G=$(psql_q "SELECT wamid FROM outbox WHERE purpose = 'greeting' AND recipient_phone = '$K'")
wait_quiet 90
check_eq "the greeting was accepted as free text (no template yet)" \
    "$(sends_to "$K" '.status == 200 and .body.type == "text"') $(sends_to "$K" '.body.type == "template"')" "1 0"

with_text "$WA/status_failed_131047.json" wamid.REPLACED_BY_THE_TEST "$G" >"$T/failed.json"
check_eq "failed 131047 status for the greeting: 200" "$(post_webhook "$T/failed.json")" 200
check_eventually "the greeting's message marked failed 131047" \
    "SELECT status || ' ' || error_code FROM messages WHERE wamid = '$G'" "failed 131047"
_one_template() { [ "$(sends_to "$K" '.status == 200 and .body.type == "template"')" = 1 ]; }
if wait_until 60 _one_template; then
    ok "a template goes out to the client after the failed status"
else
    not_ok "a template goes out to the client after the failed status" \
        "accepted templates: $(sends_to "$K" '.status == 200 and .body.type == "template"')"
fi
wait_quiet 90

# Meta repeats the status: still one template.
check_eq "the same failed status again: 200" "$(post_webhook "$T/failed.json")" 200
wait_quiet 90
check_eq "still exactly one template after the repeated status" \
    "$(sends_to "$K" '.body.type == "template"')" 1

# The template itself fails with 131047: no second template, no loop.
TW=$(psql_q "SELECT wamid FROM outbox WHERE recipient_phone = '$K' AND wamid IS NOT NULL AND wamid <> '$G'
             UNION
             SELECT wamid FROM messages WHERE direction = 'out' AND wamid IS NOT NULL AND wamid <> '$G'
                AND contact_id = (SELECT contact_id FROM messages WHERE wamid = '$G')
             LIMIT 1")
if [ -z "$TW" ]; then
    not_ok "the template is logged as an outbound message with its wamid"
else
    ok "the template is logged as an outbound message with its wamid"
    with_text "$WA/status_failed_131047.json" wamid.REPLACED_BY_THE_TEST "$TW" >"$T/failed2.json"
    check_eq "failed 131047 status for the template: 200" "$(post_webhook "$T/failed2.json")" 200
    wait_quiet 90
    check_eventually "the template's status processed" \
        "SELECT count(*) FROM inbound_events WHERE dedupe_key = 'st:$TW:failed' AND state = 'done'" 1
    check_eq "no further template for a failed template" "$(sends_to "$K" '.body.type == "template"')" 1
fi
check_eq "the client got one text and one template in all" \
    "$(sends_to "$K" '.status == 200' )" 2

stop_rabta
