#!/usr/bin/env bash
# Meta retries: the same POST twice is one event, one message, one contact,
# one lead and one greeting; a retry that re-batches a seen message with a
# new one stores only the new one.
. "$(dirname "$0")/../lib/lib.sh"

story_start

W=wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0E5RjJDNEU2QjhEMEExQzNFNUYA
code1=$(post_webhook "$WA/text.json")
code2=$(post_webhook "$WA/text.json")
check_eq "first POST: 200" "$code1" 200
check_eq "same POST again: 200" "$code2" 200
check_eventually "the event is processed" \
    "SELECT state FROM inbound_events WHERE dedupe_key = 'msg:$W'" done
check_eq "one inbound_events row" "$(psql_q "SELECT count(*) FROM inbound_events")" 1
check_eq "one messages row" "$(psql_q "SELECT count(*) FROM messages WHERE wamid = '$W'")" 1
check_eq "one contact for the client" \
    "$(psql_q "SELECT count(*) FROM contacts WHERE phone = '+923001234567'")" 1
check_eq "one lead" "$(psql_q "SELECT count(*) FROM leads")" 1

# Once more after processing: still a no-op.
code3=$(post_webhook "$WA/text.json")
check_eq "the same POST after processing: 200" "$code3" 200
wait_quiet 60
check_eq "still one inbound_events row" "$(psql_q "SELECT count(*) FROM inbound_events")" 1
check_eq "still one messages row" "$(psql_q "SELECT count(*) FROM messages WHERE direction = 'in'")" 1
check_eq "one greeting queued" "$(psql_q "SELECT count(*) FROM outbox WHERE purpose = 'greeting'")" 1

# A retry re-batching the seen message with a new one: dedupe per event.
code=$(post_webhook "$WA/rebatch.json")
check_eq "re-batched POST: 200" "$code" 200
check_eventually "the new message of the re-batched POST is stored" \
    "SELECT count(*) FROM messages WHERE direction = 'in'" 2
check_eq "the seen message still once" "$(psql_q "SELECT count(*) FROM messages WHERE wamid = '$W'")" 1
check_eq "two inbound_events rows" "$(psql_q "SELECT count(*) FROM inbound_events")" 2
wait_quiet 60
check_eq "both messages on the one lead" \
    "$(psql_q "SELECT count(DISTINCT lead_id) || ' ' || count(*) FROM messages WHERE direction = 'in' AND lead_id IS NOT NULL")" "1 2"
check_eq "still one lead" "$(psql_q "SELECT count(*) FROM leads")" 1
check_eq "still one greeting" "$(psql_q "SELECT count(*) FROM outbox WHERE purpose = 'greeting'")" 1
check_eq "one greeting request to the client accepted upstream" \
    "$(sends_to +923001234567 '.status == 200')" 1

stop_rabta
