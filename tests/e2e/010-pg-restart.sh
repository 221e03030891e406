#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# PostgreSQL stopped mid-run: webhooks get 503 (so Meta retries) and /healthz
# says 503; once PostgreSQL is back, Rabta reconnects by itself, the retried
# webhooks land, and nothing accepted before the outage is lost: every
# message is stored, processed and greeted exactly once.
. "$(dirname "$0")/../lib/lib.sh"

story_start

# msg I: the body of client I's message (clients 923001110101 ...).
msg() {
    local f=$T/m$1.json
    text_body "$f" "wamid.HBgMOTIzMDAxMTEwMTAxFQIAEhgUUEdSRVNUQVJUMDA$1" "9230011101$(printf %02d "$1")" \
        "Client $1" "Message $1 - shadi ka hall chahiye"
    echo "$f"
}

# Before the outage: accepted, and (most likely) still being processed when
# PostgreSQL goes away.
for i in 1 2 3 4 5; do
    check_eq "before the outage: message $i 200" "$(post_webhook "$(msg $i)")" 200
done

stop_pg fast || bail "pg_ctl stop failed"

_health_503() { [ "$(http_get "$RABTA_URL/healthz")" = 503 ]; }
if wait_until 30 _health_503; then
    ok "PostgreSQL down: /healthz 503"
else
    not_ok "PostgreSQL down: /healthz 503" "got $(http_get "$RABTA_URL/healthz")"
fi
for i in 6 7 8 9 10; do
    check_eq "PostgreSQL down: message $i gets 503" "$(post_webhook "$(msg $i)")" 503
done

restart_pg || bail "PostgreSQL did not start again" "$(tail -n 20 "$PGROOT/server.log")"

# Meta retries until it gets a 200; Rabta reconnects without a restart.
_lands() { [ "$(post_webhook "$1")" = 200 ]; }
for i in 6 7 8 9 10; do
    if wait_until 60 _lands "$(msg $i)"; then
        ok "PostgreSQL back: retried message $i lands (200)"
    else
        not_ok "PostgreSQL back: retried message $i lands (200)" "last status $(post_webhook "$(msg $i)")"
    fi
done
check_eq "PostgreSQL back: /healthz 200" "$(http_get "$RABTA_URL/healthz")" 200

check_eventually "all 10 messages processed" \
    "SELECT count(*) FROM inbound_events WHERE kind = 'message' AND state = 'done'" 10 90
check_eq "10 messages rows, one per wamid" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT wamid) FROM messages WHERE direction = 'in'")" "10 10"
check_eq "10 leads" "$(psql_q "SELECT count(*) FROM leads")" 10
check_eventually "10 greetings, all sent" \
    "SELECT count(*) || ' ' || count(*) FILTER (WHERE state = 'sent') FROM outbox WHERE purpose = 'greeting'" "10 10" 90

# A crash this time (immediate shutdown), a shorter outage, and once more.
stop_pg immediate || bail "pg_ctl stop -m immediate failed"
restart_pg || bail "PostgreSQL did not start again after the crash"
for i in 11 12; do
    if wait_until 60 _lands "$(msg $i)"; then
        ok "after a crash and restart: message $i lands (200)"
    else
        not_ok "after a crash and restart: message $i lands (200)"
    fi
done
check_eventually "after the crash: all 12 messages processed" \
    "SELECT count(*) FROM inbound_events WHERE kind = 'message' AND state = 'done'" 12 90
check_eq "after the crash: 12 messages rows" \
    "$(psql_q "SELECT count(*) FROM messages WHERE direction = 'in'")" 12
wait_quiet 90
for i in $(seq 1 12); do
    phone=+9230011101$(printf %02d "$i")
    n=$(sends_to "$phone" '.status == 200')
    if [ "$n" != 1 ]; then
        not_ok "each client greeted exactly once upstream" "$phone: $n accepted sends"
        break
    fi
    [ "$i" = 12 ] && ok "each client greeted exactly once upstream"
done

stop_rabta
