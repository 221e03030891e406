#!/usr/bin/env bash
# Three `rabta serve` processes on one PostgreSQL, 1,200 messages from 90
# clients posted to all three; one of them killed (-9) mid-run and its
# poster sent to a survivor (a load balancer's retry): the other two take
# its work; every message stored, logged and processed once; one contact,
# one lead and one greeting queued per client.
. "$(dirname "$0")/common.sh"

start_pg
start_fake
fake_fail whatsapp ok 100000 100
launch_rabta a
launch_rabta b
launch_rabta c
for n in a b c; do
    await_rabta $n
    rabta_url $n >"$T/url-$n"
done
for p in 1 2 3; do
    mkposts $p 20 20 30
done
poster 1 20 "$T/url-a" &
P1=$!
poster 2 20 "$T/url-b" &
P2=$!
poster 3 20 "$T/url-c" &
P3=$!
_some() { [ "$(acked)" -ge 15 ]; }
wait_until 120 _some || bail "posters stuck"
kill -KILL "${RABTA_PID[b]}"
wait "${RABTA_PID[b]}" 2>/dev/null
unset "RABTA_PID[b]"
rabta_url a >"$T/url-b" # b's POSTs go to a from now on
echo "# serve b killed after $(acked) POSTs" >&2
wait $P1 $P2 $P3
check_eq "every POST acknowledged" "$(acked)" 60
wait_for "SELECT count(*) FROM inbound_events WHERE state <> 'done'" 0 180 ||
    not_ok "every event processed" "$WAIT_LAST left"
check_eq "every message stored once" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT dedupe_key) FROM inbound_events")" "1200 1200"
check_eq "every message logged once" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT wamid) FROM messages WHERE direction = 'in'")" "1200 1200"
check_eq "one contact, one lead per client" \
    "$(psql_q "SELECT (SELECT count(*) FROM contacts WHERE phone LIKE '+9230088%') || ' ' ||
        (SELECT count(DISTINCT contact_id) || ' ' || count(*) FROM leads)")" "90 90 90"
check_eq "every lead greeted" "$(psql_q "SELECT count(*) FROM leads WHERE greeted_at IS NOT NULL")" 90
stop_rabta a
stop_rabta c
