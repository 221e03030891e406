#!/usr/bin/env bash
# Backup and restore, as README "Running it for real" says: pg_dump of the
# live database while serve runs (a consistent snapshot), the machine lost
# (cluster stopped and deleted), a fresh cluster, pg_restore, `rabta serve`
# on it: the leads, messages and outbox are there, a known client's next
# message joins their lead, a new client is greeted, nothing is sent twice.
. "$(dirname "$0")/../lib/lib.sh"

story_start

msg() { # I PHONE TEXT
    local f=$T/m$1.json
    text_body "$f" "wamid.HBgMOTIzMDAxMTEwMTAxFQIAEhgUQkFDS1VQMDAwMDAwMDAwMD$1" "$2" "Client $1" "$3"
    echo "$f"
}
for i in 1 2 3; do
    check_eq "before the backup: client $i writes (200)" \
        "$(post_webhook "$(msg $i 92300771000$i "Assalam o alaikum, shadi ka hall chahiye")")" 200
done
wait_quiet 60 || not_ok "before the backup: everything processed and sent" "$WAIT_LAST pending"
before=$(psql_q "SELECT (SELECT count(*) FROM leads) || ' ' || (SELECT count(*) FROM messages)
    || ' ' || (SELECT count(*) FROM outbox WHERE state = 'sent')")
sends_before=$(fake_requests whatsapp | jq -s '[.[] | select(.status == 200)] | length')

# The backup, taken while serve runs.
"$PGBIN/pg_dump" -h "$PGROOT" -p "$PGPORT" -U postgres -Fc -f "$T/rabta.dump" rabta ||
    bail "pg_dump failed"
ok "pg_dump -Fc while serve runs ($(stat -c %s "$T/rabta.dump") bytes)"

# The machine is lost: serve killed, the cluster stopped and deleted.
kill -KILL "${RABTA_PID[a]}"
wait "${RABTA_PID[a]}" 2>/dev/null
unset "RABTA_PID[a]"
stop_pg immediate
as_pg rm -rf "$PGDATA_DIR"

# A fresh cluster and database, the dump restored into it.
start_pg
"$PGBIN/pg_restore" -h "$PGROOT" -p "$PGPORT" -U postgres -d rabta --no-owner --exit-on-error \
    "$T/rabta.dump" 2>"$T/restore.err" || bail "pg_restore failed" "$(cat "$T/restore.err")"
ok "pg_restore into a fresh cluster"
check_eq "leads, messages, sent rows as they were" \
    "$(psql_q "SELECT (SELECT count(*) FROM leads) || ' ' || (SELECT count(*) FROM messages)
    || ' ' || (SELECT count(*) FROM outbox WHERE state = 'sent')")" "$before"

# rabta migrate is a no-op on it; serve resumes.
rabta_cli migrate
check_eq "rabta migrate on the restored database: exit 0" "$?" 0
start_rabta b
check_eq "serve on the restored database: /healthz 200" "$(http_get "$(rabta_url b)/healthz")" 200
check_eq "a known client writes again: 200" \
    "$(post_webhook "$(msg 4 923007710001 "Date kya available hai?")" /webhook/whatsapp "$(rabta_url b)")" 200
check_eq "a new client writes: 200" \
    "$(post_webhook "$(msg 5 923007710009 "Assalam o alaikum")" /webhook/whatsapp "$(rabta_url b)")" 200
check_eq "a retry of a message from before the backup is a no-op (200)" \
    "$(post_webhook "$T/m1.json" /webhook/whatsapp "$(rabta_url b)")" 200
wait_quiet 60 || not_ok "after the restore: everything processed and sent" "$WAIT_LAST pending"
check_eq "the known client's message joined their lead (no new lead)" \
    "$(psql_q "SELECT count(*) FROM leads WHERE phone = '+923007710001'")" 1
check_eq "the new client has a lead, greeted" \
    "$(psql_q "SELECT count(*) FROM leads WHERE phone = '+923007710009' AND greeted_at IS NOT NULL")" 1
check_eq "four leads in all" "$(psql_q "SELECT count(*) FROM leads")" 4
check_eq "nothing from before the backup sent again (one greeting each)" \
    "$(sends_to +923007710001)" 1
check_eq "the new client greeted once" "$(sends_to +923007710009)" 1
sends_after=$(fake_requests whatsapp | jq -s '[.[] | select(.status == 200)] | length')
if [ "$sends_after" -gt "$sends_before" ]; then
    ok "the outbox resumed on the restored database ($((sends_after - sends_before)) sends)"
else
    not_ok "the outbox resumed on the restored database"
fi
stop_rabta b
