#!/usr/bin/env bash
# Bodies that are not ordinary deliveries: malformed JSON (400), a body over
# the 4 MiB cap (413) and one exactly at it (200), valid JSON with no entry,
# an empty entry list, account-level errors and other fields (200, nothing
# stored as a message).
. "$(dirname "$0")/../lib/lib.sh"

story_start

check_eq "truncated JSON, signed: 400" \
    "$(post_webhook "$WA/malformed.json")" 400
printf '{]' >"$T/bad2.json"
check_eq "'{]', signed: 400" \
    "$(post_webhook "$T/bad2.json")" 400
: >"$T/empty.json"
check_eq "empty body, signed: 400" \
    "$(post_webhook "$T/empty.json")" 400
check_eq "nothing stored for malformed bodies" "$(psql_q 'SELECT count(*) FROM inbound_events')" 0

"$WA/gen_big_body.sh" $((4 * 1024 * 1024 + 1)) wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUQklHT1ZFUkNBUA >"$T/over.json"
check_eq "4 MiB + 1 byte, signed: 413" \
    "$(post_webhook "$T/over.json")" 413
check_eq "nothing stored for the over-cap body" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE dedupe_key = 'msg:wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUQklHT1ZFUkNBUA'")" 0
"$WA/gen_big_body.sh" $((16 * 1024 * 1024)) wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUQklHMTZNSUI >"$T/over16.json"
check_eq "16 MiB, signed: 413" \
    "$(post_webhook "$T/over16.json")" 413
rm -f "$T/over16.json"

"$WA/gen_big_body.sh" $((4 * 1024 * 1024)) wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUQklHQVRDQVAA >"$T/atcap.json"
check_eq "exactly 4 MiB (a large, legitimate delivery): 200" \
    "$(post_webhook "$T/atcap.json")" 200
check_eventually "the 4 MiB body's message is stored" \
    "SELECT body FROM messages WHERE wamid = 'wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUQklHQVRDQVAA'" \
    "Bara message, chhota sawal: rates?"

check_eq "still healthy after the big bodies" \
    "$(http_get "$RABTA_URL/healthz")" 200

check_eq "valid JSON with no entry: 200" \
    "$(post_webhook "$WA/no_entry.json")" 200
check_eq "entry: []: 200" \
    "$(post_webhook "$WA/empty_entry.json")" 200
check_eq "value.errors[] (account-level error): 200" \
    "$(post_webhook "$WA/value_errors.json")" 200
check_eq "field account_update: 200" \
    "$(post_webhook "$WA/account_update.json")" 200
check_eq "no message or status events from them (only the 4 MiB body's message)" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE kind IN ('message', 'status')")" 1
check_eq "no messages rows from them" \
    "$(psql_q "SELECT count(*) FROM messages WHERE direction = 'in'")" 1

stop_rabta
