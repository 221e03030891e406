#!/usr/bin/env bash
# Delivery statuses of Rabta's own sends move forward only (sent < delivered
# < read), in whatever order they arrive; failed is terminal and keeps the
# error code and title; a status for a wamid Rabta never sent is kept and
# marked done, and changes nothing.
. "$(dirname "$0")/../lib/lib.sh"

story_start

# greeting_wamid PHONE: waits for the greeting to PHONE to be sent; prints its wamid.
greeting_wamid() {
    wait_for "SELECT count(*) FROM outbox WHERE purpose = 'greeting' AND recipient_phone = '$1' AND state = 'sent' AND wamid IS NOT NULL" 1 60 ||
        return 1
    psql_q "SELECT wamid FROM outbox WHERE purpose = 'greeting' AND recipient_phone = '$1'"
}

# post_status FIXTURE WAMID: the fixture with its status id set to WAMID.
post_status() {
    with_text "$WA/$1" wamid.REPLACED_BY_THE_TEST "$2" >"$T/status.json"
    post_webhook "$T/status.json"
}

# status_of WAMID: waits for every status event of WAMID to be processed, then
# prints the message's status (and error code and title when failed).
status_of() {
    wait_for "SELECT count(*) FROM inbound_events WHERE dedupe_key LIKE 'st:' || '$1' || ':%' AND state <> 'done'" 0 30
    psql_q "SELECT status || coalesce(' ' || error_code || ' ' || error_title, '') FROM messages WHERE wamid = '$1'"
}

post_webhook "$WA/text.json" >/dev/null
post_webhook "$WA/location.json" >/dev/null
post_webhook "$WA/bsuid_with_phone.json" >/dev/null
A=$(greeting_wamid +923001234567) || bail "no greeting sent to Ayesha" "$WAIT_LAST"
H=$(greeting_wamid +923451234567) || bail "no greeting sent to Hamza" "$WAIT_LAST"
M=$(greeting_wamid +923001239876) || bail "no greeting sent to Maryam" "$WAIT_LAST"
check_eq "the greetings are logged as outbound messages" \
    "$(psql_q "SELECT count(*) FROM messages WHERE direction = 'out' AND wamid IN ('$A', '$H', '$M')")" 3
wait_quiet 60
check_eq "each sent outbox row is one outbound message (no second row without wamid)" \
    "$(psql_q "SELECT count(*) FROM outbox o WHERE o.state = 'sent' AND o.kind <> 'mark_read'
                 AND (SELECT count(*) FROM messages m WHERE m.direction = 'out' AND m.outbox_id = o.id) <> 1")" 0
check_eq "every outbound message of a sent row carries its wamid" \
    "$(psql_q "SELECT count(*) FROM messages m JOIN outbox o ON o.id = m.outbox_id WHERE m.direction = 'out' AND o.state = 'sent' AND m.wamid IS NULL")" 0

# In order: sent, delivered, read.
check_eq "H sent: 200" "$(post_status status_sent.json "$H")" 200
check_eq "H: status sent" "$(status_of "$H")" sent
check_eq "H delivered: 200" "$(post_status status_delivered.json "$H")" 200
check_eq "H: status delivered" "$(status_of "$H")" delivered
check_eq "H read: 200" "$(post_status status_read.json "$H")" 200
check_eq "H: status read" "$(status_of "$H")" read

# Out of order: read first (Meta skips delivered when both happen at once),
# then the late delivered and sent.
check_eq "A read: 200" "$(post_status status_read.json "$A")" 200
check_eq "A: read straight away" "$(status_of "$A")" read
check_eq "A delivered (late): 200" "$(post_status status_delivered.json "$A")" 200
check_eq "A: stays read after a late delivered" "$(status_of "$A")" read
check_eq "A sent (late): 200" "$(post_status status_sent.json "$A")" 200
check_eq "A: stays read after a late sent" "$(status_of "$A")" read
check_eq "A: three status events stored" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE dedupe_key LIKE 'st:$A:%'")" 3

# Failed is terminal and keeps the error.
check_eq "M failed 131026: 200" "$(post_status status_failed_131026.json "$M")" 200
check_eq "M: failed with code and title" "$(status_of "$M")" "failed 131026 Message undeliverable"
post_status status_delivered.json "$M" >/dev/null
post_status status_read.json "$M" >/dev/null
check_eq "M: still failed after delivered and read" "$(status_of "$M")" "failed 131026 Message undeliverable"

# A status for a message Rabta never sent.
U=wamid.HBgMOTIzMDA5ODc2NTQzFQIAERgSNEI1QzZEN0U4RjkwQTFCMkMzAA==
check_eq "status for an unknown wamid: 200" "$(post_webhook "$WA/status_failed_unknown.json")" 200
check_eventually "unknown wamid: event stored and marked done" \
    "SELECT state FROM inbound_events WHERE dedupe_key = 'st:$U:failed'" done
check_eq "unknown wamid: no messages row made up for it" \
    "$(psql_q "SELECT count(*) FROM messages WHERE wamid = '$U'")" 0
wait_quiet 60
check_eq "unknown wamid: no template sent to its recipient" "$(sends_to +923009876543)" 0
check_eq "no event failed" "$(psql_q "SELECT count(*) FROM inbound_events WHERE state <> 'done'")" 0

stop_rabta
