#!/usr/bin/env bash
# Several clients write at once, each several messages in a row, while four
# workers run batches: every event is processed once, with no deadlock; a
# client's messages are handled in the order they were stored (one event
# per client at a time, sql/014_event_order.sql); only each client's first
# message jumps the queue (priority 0); one lead and one greeting per client.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
start_rabta

PHONES=8
MSGS=6
texts=("Salam, shadi ke liye hall chahiye" "15 March ko" "300 mehmaan honge"
    "per head kitna banega?" "menu bhej dein" "shukriya")
for p in $(seq 1 "$PHONES"); do
    for k in $(seq 1 "$MSGS"); do
        conv_body "$T/p$p-$k.json" "9230077700$((10 + p))" "Client $p" text "${texts[$((k - 1))]}"
    done
done
# Each client's messages one after the other (each acknowledged before the
# next is posted), the clients in parallel.
posters=()
for p in $(seq 1 "$PHONES"); do
    (
        for k in $(seq 1 "$MSGS"); do
            code=$(post_webhook "$T/p$p-$k.json")
            [ "$code" = 200 ] || echo "p$p-$k: $code" >>"$T/post-errors"
        done
    ) &
    posters+=($!)
done
wait "${posters[@]}"
check_eq "every post acknowledged" "$(cat "$T/post-errors" 2>/dev/null | wc -l)" 0
wait_quiet 120 || not_ok "everything settles" "$WAIT_LAST"

total=$((PHONES * MSGS))
check_eq "all $total events done, none failed" \
    "$(psql_q "SELECT count(*) FILTER (WHERE state = 'done') || ' ' || count(*) FILTER (WHERE state = 'failed') FROM inbound_events WHERE sender LIKE '9230077700%'")" \
    "$total 0"
check_eq "each stored once as a message" \
    "$(psql_q "SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.direction = 'in' AND c.phone LIKE '+9230077700%'")" \
    "$total"
check_eq "per client, messages handled in the order their events were stored" \
    "$(psql_q "SELECT count(*) FROM (SELECT m.event_id, lag(m.event_id) OVER (PARTITION BY m.contact_id ORDER BY m.id) AS prev FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.direction = 'in' AND c.phone LIKE '+9230077700%') s WHERE s.prev > s.event_id")" \
    0
check_eq "priority 0 for each client's first message only" \
    "$(psql_q "SELECT count(*) FILTER (WHERE priority = 0) || ' ' || count(*) FILTER (WHERE priority = 0 AND id = first) FROM (SELECT priority, id, min(id) OVER (PARTITION BY sender) AS first FROM inbound_events WHERE sender LIKE '9230077700%') s")" \
    "$PHONES $PHONES"
check_eq "one lead per client" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT phone) FROM leads WHERE phone LIKE '+9230077700%'")" \
    "$PHONES $PHONES"
greeted=0
for p in $(seq 1 "$PHONES"); do
    [ "$(sends_to "+9230077700$((10 + p))")" = 1 ] && greeted=$((greeted + 1))
done
check_eq "each client greeted exactly once" "$greeted" "$PHONES"
check_eq "no deadlock in the log" "$(grep -ci deadlock "$T/rabta-a.log")" 0

stop_rabta
