#!/usr/bin/env bash
# A permanent error while processing an event is not retried for an hour as
# if the store were down: a message whose sender is not a phone number (and
# has no BSUID) fails its event at once with the reason, and the message is
# still kept, with the sender's wa_id as written. A good message right after
# it is handled as usual.
. "$(dirname "$0")/../lib/lib.sh"

story_start

jq -c '.entry[0].changes[0].value.messages[0].from = "not-a-phone"
       | .entry[0].changes[0].value.contacts[0].wa_id = "not-a-phone"
       | .entry[0].changes[0].value.messages[0].id = "wamid.NOTAPHONE1"' "$WA/text.json" >"$T/bad.json"
check_eq "bad sender: 200 (kept, not refused)" "$(post_webhook "$T/bad.json")" 200
check_eventually "the event failed at once, on its first attempt" \
    "SELECT state || ' ' || attempts FROM inbound_events WHERE dedupe_key = 'msg:wamid.NOTAPHONE1'" \
    "failed 1" 20
check_eq "with its reason" \
    "$(psql_q "SELECT last_error FROM inbound_events WHERE dedupe_key = 'msg:wamid.NOTAPHONE1'")" \
    'sender is not a phone number: "not-a-phone"'
check_eq "the message is kept with the sender's wa_id, on no contact and no lead" \
    "$(psql_q "SELECT sender_wa_id || ' ' || (contact_id IS NULL) || ' ' || (lead_id IS NULL) || ' ' || type FROM messages WHERE wamid = 'wamid.NOTAPHONE1'")" \
    "not-a-phone true true text"
check_eq "no lead, no contact, nothing sent" \
    "$(psql_q "SELECT (SELECT count(*) FROM leads) || ' ' || (SELECT count(*) FROM contacts WHERE phone LIKE '%not%') || ' ' || (SELECT count(*) FROM outbox)")" \
    "0 0 0"
check_eq "logged as a permanent failure" "$(grep -c 'event.failed.*class=permanent' "$T/rabta-a.log")" 1

check_eq "a good message: 200" "$(post_webhook "$WA/text.json")" 200
check_eventually "handled: one lead, greeted" "SELECT count(*) FROM leads WHERE greeted_at IS NOT NULL" 1 30
wait_quiet 60 || not_ok "sends settle" "$WAIT_LAST"
check_eq "the failed event stays failed (not retried)" \
    "$(psql_q "SELECT state || ' ' || attempts FROM inbound_events WHERE dedupe_key = 'msg:wamid.NOTAPHONE1'")" \
    "failed 1"

stop_rabta
