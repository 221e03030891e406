#!/usr/bin/env bash
# Outbound sends through the outbox: the upstream answers one send with a
# transient error (HTTP 500, HTTP 503, 130429 throughput, 131056 pair rate
# limit) and the next try with 200: the refused request is sent again and
# accepted exactly once; every outbox row ends sent with its wamid, one
# accepted request per row. A permanent error (131026) is not retried: the
# row is failed with the code.
#
# Which of the round's sends (the greeting, the assignee's notification, ...)
# meets the fault depends on timing; the checks hold whichever it is.
. "$(dirname "$0")/../lib/lib.sh"

story_start

open_staff_windows

ROUND_ID=0
# round NAME MODE PHONE: one fault of MODE queued, then a new client writes;
# waits until every send has settled. Requests recorded in $T/NAME.requests.
round() {
    local name=$1 mode=$2 phone=$3 f=$T/$1.json
    wait_quiet 90 || not_ok "$name: outbox settles before the round" "$WAIT_LAST"
    fake_reset
    ROUND_ID=$(psql_q "SELECT coalesce(max(id), 0) FROM outbox")
    fake_fail whatsapp "$mode" 1
    text_body "$f" "wamid.HBgMOTIzMDAxMTEwMTAxFQIAEhgUUkVUUlk$name" "${phone#+}" "Client $name" \
        "Rates batayein please"
    check_eq "$name: client message 200" "$(post_webhook "$f")" 200
    check_eventually "$name: greeting queued" \
        "SELECT count(*) FROM outbox WHERE purpose = 'greeting' AND recipient_phone = '$phone'" 1
    wait_quiet 120 || not_ok "$name: outbox settles" "$WAIT_LAST"
    fake_requests whatsapp >"$T/$name.requests"
}

# faulted_body_statuses NAME: the statuses of every request whose body is the
# refused request's body, in order ("500 200": refused, then accepted once).
faulted_body_statuses() {
    jq -rs '(map(select(.status != 200))[0].body) as $b
            | [.[] | select(.body == $b) | .status | tostring] | join(" ")' "$T/$1.requests"
}

# rows_vs_requests NAME: for every recipient of this round's sends, as many
# accepted requests as outbox rows sent to it (none sent twice, none lost).
rows_vs_requests() {
    local name=$1 r rows sent
    while IFS='|' read -r r rows; do
        sent=$(jq -s --arg r "$r" '[.[] | select((.body.to == $r or .body.recipient == $r) and .status == 200)] | length' \
            "$T/$name.requests")
        if [ "$sent" != "$rows" ]; then
            not_ok "$name: one accepted request per sent outbox row" "$r: $rows rows sent, $sent requests accepted"
            return
        fi
    done < <(psql_q "SELECT coalesce(recipient_phone, recipient_bsuid), count(*) FROM outbox
                     WHERE id > $ROUND_ID AND state = 'sent' AND kind <> 'mark_read' GROUP BY 1")
    ok "$name: one accepted request per sent outbox row"
}

for spec in "http500|+923001110301" "http503|+923001110302" "http429|+923001110303" \
    "wa131056|+923001110304"; do
    mode=${spec%%|*}
    phone=${spec#*|}
    round "$mode" "$mode" "$phone"
    check_eq "$mode: exactly one request got the fault" \
        "$(jq -s '[.[] | select(.status != 200)] | length' "$T/$mode.requests")" 1
    check_eq "$mode: the refused request sent again and accepted, once" \
        "$(faulted_body_statuses "$mode")" \
        "$(jq -rs 'map(select(.status != 200))[0].status | tostring' "$T/$mode.requests") 200"
    check_eq "$mode: every outbox row of the round sent" \
        "$(psql_q "SELECT count(*) FROM outbox WHERE id > $ROUND_ID AND state <> 'sent'")" 0
    check_eq "$mode: every sent message has its wamid" \
        "$(psql_q "SELECT count(*) FROM outbox WHERE id > $ROUND_ID AND kind <> 'mark_read' AND wamid IS NULL")" 0
    check_eq "$mode: the greeting sent once, one wamid, logged as one outbound message" \
        "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT o.wamid) || ' ' || count(m.id) FROM outbox o LEFT JOIN messages m ON m.wamid = o.wamid AND m.direction = 'out' WHERE o.purpose = 'greeting' AND o.recipient_phone = '$phone' AND o.state = 'sent'")" \
        "1 1 1"
    check_eq "$mode: one accepted request to the client" \
        "$(jq -s --arg r "$phone" '[.[] | select(.body.to == $r and .status == 200)] | length' "$T/$mode.requests")" 1
    rows_vs_requests "$mode"
done

# A permanent error: no retry, the row failed with the code.
round wa131026 wa131026 +923001110305
check_eq "wa131026: one request refused" \
    "$(jq -s '[.[] | select(.status != 200)] | length' "$T/wa131026.requests")" 1
check_eq "wa131026: the refused request not sent again" "$(faulted_body_statuses wa131026)" 400
check_eq "wa131026: one outbox row failed, with the code" \
    "$(psql_q "SELECT count(*) || ' ' || string_agg(error_code::text, ',') FROM outbox WHERE id > $ROUND_ID AND state = 'failed'")" \
    "1 131026"
rows_vs_requests wa131026

stop_rabta
