#!/usr/bin/env bash
# Identity by business-scoped user id (BSUID): a message with BSUID and phone,
# then one with the BSUID only (no from, no wa_id), is one contact and one
# lead; the other way round the phone is linked to the BSUID-only contact.
# A contact known only by BSUID is written to with "recipient", and a status
# naming it by recipient_user_id only still applies.
. "$(dirname "$0")/../lib/lib.sh"

story_start

MU=PK.13491208655302741918
NU=PK.20481357924680135790

check_eq "Maryam, phone and BSUID: 200" "$(post_webhook "$WA/bsuid_with_phone.json")" 200
check_eventually "Maryam: one contact with phone and BSUID" \
    "SELECT phone || ' ' || bsuid || ' ' || profile_name FROM contacts WHERE bsuid = '$MU' OR phone = '+923001239876'" \
    "+923001239876 $MU Maryam Iqbal"
check_eq "Maryam, BSUID only: 200" "$(post_webhook "$WA/bsuid_only.json")" 200
check_eventually "Maryam: both messages stored" \
    "SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.bsuid = '$MU' AND m.direction = 'in'" 2
check_eq "Maryam: still one contact" \
    "$(psql_q "SELECT count(*) FROM contacts WHERE bsuid = '$MU' OR phone = '+923001239876'")" 1
check_eq "Maryam: one lead" \
    "$(psql_q "SELECT count(*) FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE c.bsuid = '$MU' OR c.phone = '+923001239876'")" 1
check_eq "Maryam: both messages on that lead" \
    "$(psql_q "SELECT count(DISTINCT m.lead_id) FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.bsuid = '$MU' AND m.lead_id IS NOT NULL")" 1
check_eq "Maryam: the BSUID-only message's body" \
    "$(psql_q "SELECT body FROM messages WHERE wamid = 'wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUQlNVSUQwMDAwMDAwMDJC'")" \
    "Aur barat ka bhi"

# BSUID first, phone later.
check_eq "Nida, BSUID only: 200" "$(post_webhook "$WA/bsuid_only_new.json")" 200
check_eventually "Nida: a contact known by BSUID alone (no phone invented)" \
    "SELECT coalesce(phone, 'no-phone') || ' ' || bsuid FROM contacts WHERE bsuid = '$NU'" "no-phone $NU"
check_eventually "Nida: a greeting sent to her BSUID" \
    "SELECT count(*) FROM outbox WHERE purpose = 'greeting' AND recipient_bsuid = '$NU' AND state = 'sent' AND wamid IS NOT NULL" 1 60
check_eq "Nida: the greeting went out with recipient = BSUID, no to" \
    "$(fake_requests whatsapp | jq -s --arg u "$NU" '[.[] | select(.body.recipient == $u and .status == 200 and (.body | has("to") | not))] | length')" 1
G=$(psql_q "SELECT wamid FROM outbox WHERE purpose = 'greeting' AND recipient_bsuid = '$NU'")
with_text "$WA/status_delivered_bsuid.json" wamid.REPLACED_BY_THE_TEST "$G" >"$T/st.json"
check_eq "status naming the recipient by recipient_user_id only: 200" "$(post_webhook "$T/st.json")" 200
check_eventually "Nida: that status applies to the greeting" \
    "SELECT status FROM messages WHERE wamid = '$G'" delivered

check_eq "Nida, phone and BSUID: 200" "$(post_webhook "$WA/bsuid_new_with_phone.json")" 200
check_eventually "Nida: the phone is linked to the same contact" \
    "SELECT phone || ' ' || bsuid FROM contacts WHERE bsuid = '$NU'" "+923001239877 $NU"
check_eq "Nida: one contact" \
    "$(psql_q "SELECT count(*) FROM contacts WHERE bsuid = '$NU' OR phone = '+923001239877'")" 1
check_eq "Nida: one lead" \
    "$(psql_q "SELECT count(*) FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE c.bsuid = '$NU' OR c.phone = '+923001239877'")" 1
check_eq "Nida: both messages on that lead" \
    "$(psql_q "SELECT count(DISTINCT m.lead_id) || ' ' || count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.bsuid = '$NU' AND m.direction = 'in'")" \
    "1 2"
wait_quiet 60
check_eq "Nida: greeted once" \
    "$(psql_q "SELECT count(*) FROM outbox WHERE purpose = 'greeting' AND (recipient_bsuid = '$NU' OR recipient_phone = '+923001239877')")" 1
check_eq "every event done" "$(psql_q "SELECT count(*) FROM inbound_events WHERE state <> 'done'")" 0

stop_rabta
