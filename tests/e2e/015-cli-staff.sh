#!/usr/bin/env bash
# The command line: `rabta migrate` on an empty database (again: a no-op),
# `rabta staff add` / `rabta staff list`, the staff of
# config/rabta.conf seeded once, and a newly added salesperson recognised as
# staff when they write.
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"

start_pg
start_fake
NSQL=$(ls "$ROOT"/sql/[0-9]*.sql | wc -l | tr -d ' ')

rabta_cli migrate
check_eq "migrate on an empty database: exit 0" "$?" 0
check_eq "every sql/NNN_*.sql recorded in schema_migrations" \
    "$(psql_q "SELECT count(*) FROM schema_migrations")" "$NSQL"
check_eq "core tables exist" \
    "$(psql_q "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('venues', 'staff', 'contacts', 'leads', 'messages', 'inbound_events', 'outbox', 'jobs')")" 8
rabta_cli migrate
check_eq "migrate again: exit 0" "$?" 0
check_eq "migrate again: nothing re-applied" "$(psql_q "SELECT count(*) FROM schema_migrations")" "$NSQL"

rabta_cli staff list
check_eq "staff list: exit 0" "$?" 0
check_eq "staff list: the 5 staff of rabta.conf" \
    "$(grep -c -E 'Imran Sheikh|Bilal Ahmed|Sara Khan|Usman Tariq|Farah Naz' "$T/cli.out")" 5
check_eq "config staff stored with E.164 phones and roles" \
    "$(psql_q "SELECT string_agg(name || ' ' || phone || ' ' || role, ', ' ORDER BY phone) FROM staff")" \
    "Imran Sheikh +923001110001 owner, Bilal Ahmed +923331112233 sales, Sara Khan +923331112244 sales, Usman Tariq +923331112255 sales, Farah Naz +923331112266 finance"

rabta_cli staff add --name "Zara Malik" --phone +923331112277 --role sales --lang en
check_eq "staff add: exit 0" "$?" 0
check_eq "staff add: the row" \
    "$(psql_q "SELECT name || ' ' || phone || ' ' || role || ' ' || lang || ' ' || active FROM staff WHERE phone = '+923331112277'")" \
    "Zara Malik +923331112277 sales en true"
rabta_cli staff add --name "Nadia Rauf" --phone 0333-1112288 --role finance
check_eq "staff add with a local number: exit 0" "$?" 0
check_eq "staff add: local number stored as E.164, lang defaults to ur" \
    "$(psql_q "SELECT name || ' ' || role || ' ' || lang FROM staff WHERE phone = '+923331112288'")" \
    "Nadia Rauf finance ur"

rabta_cli staff add --name "Bad Role" --phone +923331112299 --role boss
rc=$?
check_match "staff add --role boss: refused (non-zero exit)" "$rc" '^[1-9]'
rabta_cli staff add --name "No Phone" --role sales
rc=$?
check_match "staff add without --phone: refused" "$rc" '^[1-9]'
rabta_cli staff add --name "Bad Phone" --phone 12ab --role sales
rc=$?
check_match "staff add with a phone that is not one: refused" "$rc" '^[1-9]'
rabta_cli staff add --name "Bad Lang" --phone +923331112298 --role sales --lang fr
rc=$?
check_match "staff add --lang fr: refused" "$rc" '^[1-9]'
check_eq "nothing stored by the refused adds" \
    "$(psql_q "SELECT count(*) FROM staff WHERE phone IN ('+923331112299', '+923331112298') OR name IN ('No Phone', 'Bad Phone')")" 0

rabta_cli staff list
check_eq "staff list shows the new staff with their phones" \
    "$(grep -E 'Zara Malik|Nadia Rauf' "$T/cli.out" | grep -oE '\+92333111(2277|2288)' | tr '\n' ' ')" \
    "+923331112277 +923331112288 "

# serve seeds only once: no duplicate config staff after a start and a restart.
start_rabta
stop_rabta
start_rabta
check_eq "7 staff after two starts (config staff not seeded twice)" "$(psql_q "SELECT count(*) FROM staff")" 7

text_body "$T/zara.json" wamid.HBgMOTIzMzMxMTEyMjc3FQIAEhgUWkFSQTAwMDAwMDAx 923331112277 "Zara" "aaj ke leads"
check_eq "message from the new salesperson: 200" "$(post_webhook "$T/zara.json")" 200
check_eventually "logged as staff, from Zara" \
    "SELECT m.party || ' ' || s.name FROM messages m JOIN staff s ON s.id = m.staff_id WHERE m.wamid = 'wamid.HBgMOTIzMzMxMTEyMjc3FQIAEhgUWkFSQTAwMDAwMDAx'" \
    "staff Zara Malik"
check_eq "no lead for a staff phone" "$(psql_q "SELECT count(*) FROM leads WHERE phone = '+923331112277'")" 0

stop_rabta
