#!/usr/bin/env bash
# PostgreSQL restarted mid-flood: webhooks get 503 while it is down (Meta
# retries them), serve reconnects by itself, and every message is stored and
# processed exactly once.
. "$(dirname "$0")/common.sh"

start_pg
start_fake
start_rabta
rabta_url a >"$T/url"
mkposts 4 40 20 40
poster 4 40 "$T/url" &
P=$!
_some() { [ "$(acked)" -ge 10 ]; }
wait_until 120 _some || bail "poster stuck"
stop_pg fast || bail "pg_ctl stop failed"
echo "# PostgreSQL stopped after $(acked) POSTs" >&2
sleep 3
restart_pg || bail "PostgreSQL did not start again"
wait $P
n503=$(awk '$2 == 503' "$T/4.codes" | wc -l)
other=$(awk '$2 != 503 && $2 != 200' "$T/4.codes" | wc -l)
if [ "$n503" -gt 0 ]; then
    ok "POSTs while PostgreSQL was down got 503 ($n503; $other other non-200)"
else
    not_ok "POSTs while PostgreSQL was down got 503" "$(sort "$T/4.codes" | uniq -c | head)"
fi
check_eq "every POST acknowledged in the end" "$(acked)" 40
wait_for "SELECT count(*) FROM inbound_events WHERE state <> 'done'" 0 180 ||
    not_ok "every event processed" "$WAIT_LAST left"
check_eq "every message stored once" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT dedupe_key) FROM inbound_events")" "800 800"
check_eq "every message logged once" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT wamid) FROM messages WHERE direction = 'in'")" "800 800"
check_eq "one lead per client" "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT contact_id) FROM leads")" "40 40"
stop_rabta a
