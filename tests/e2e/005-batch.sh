#!/usr/bin/env bash
# One POST with several entries, changes and messages (and a status): every
# one is stored; each sender gets the profile name of its own contacts[]
# item (matched by wa_id, not position); a staff phone's message is logged as
# staff, not as a lead. A business number this deployment does not serve is
# acknowledged but makes no lead.
. "$(dirname "$0")/../lib/lib.sh"

story_start

code=$(post_webhook "$WA/batch.json")
check_eq "batched POST: 200" "$code" 200
check_eq "6 events stored at once (5 messages, 1 status)" \
    "$(psql_q "SELECT count(*) FILTER (WHERE kind = 'message') || ' ' || count(*) FILTER (WHERE kind = 'status') FROM inbound_events")" \
    "5 1"
check_eventually "all 6 events processed" "SELECT count(*) FROM inbound_events WHERE state = 'done'" 6
check_eq "5 inbound messages rows" "$(psql_q "SELECT count(*) FROM messages WHERE direction = 'in'")" 5
check_eq "3 client contacts, names matched by wa_id" \
    "$(psql_q "SELECT string_agg(phone || '=' || profile_name, ',' ORDER BY phone) FROM contacts WHERE phone IN ('+923001112201', '+923001112202', '+923001112203')")" \
    "+923001112201=Sana Javed,+923001112202=Hina Pervaiz,+923001112203=Rida Aslam"
check_eq "3 leads, one per client" \
    "$(psql_q "SELECT count(*) FROM leads WHERE phone IN ('+923001112201', '+923001112202', '+923001112203')")" 3
check_eq "Hina's two messages on one lead" \
    "$(psql_q "SELECT count(DISTINCT m.lead_id) || ' ' || count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.direction = 'in' AND c.phone = '+923001112202'")" \
    "1 2"
check_eq "bodies kept per message" \
    "$(psql_q "SELECT string_agg(body, '|' ORDER BY wamid) FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.direction = 'in' AND c.phone = '+923001112202'")" \
    "Mehndi ke liye lawn available hai?|Aur rates kya hain?"
check_eq "client messages are party client" \
    "$(psql_q "SELECT count(*) FROM messages WHERE direction = 'in' AND party = 'client'")" 4
check_eq "Bilal's message is party staff, with his staff id" \
    "$(psql_q "SELECT m.party || ' ' || s.name FROM messages m JOIN staff s ON s.id = m.staff_id WHERE m.wamid = 'wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUQkFUQ0gwMDAwMDAwMDRE'")" \
    "staff Bilal Ahmed"
check_eq "no lead for the staff phone" \
    "$(psql_q "SELECT count(*) FROM leads WHERE phone = '+923331112233'")" 0
check_eq "the status for a message we never sent is kept and done" \
    "$(psql_q "SELECT state FROM inbound_events WHERE dedupe_key = 'st:wamid.HBgMOTIzMDAxMTEyMjAxFQIAERgSQkFUQ0hTVEFUVVMwMDAxAA==:delivered'")" \
    done

code=$(post_webhook "$WA/unknown_phone_number_id.json")
check_eq "a phone_number_id we do not serve: 200" "$code" 200
wait_quiet 60
check_eq "no contact, lead or message for it" \
    "$(psql_q "SELECT (SELECT count(*) FROM contacts WHERE phone = '+923001112204') + (SELECT count(*) FROM leads WHERE phone = '+923001112204') + (SELECT count(*) FROM messages WHERE wamid = 'wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUT1RIRVJOVU1CRVIwMDAx')")" \
    0
check_eq "no send to it" "$(sends_to +923001112204)" 0
check_eq "every event done or ignored, none failed" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE state NOT IN ('done', 'ignored')")" 0

stop_rabta
