#!/usr/bin/env bash
# Two `rabta serve` processes on one database, started at the same moment on
# a fresh database (migrations under the advisory lock), and 1,000 messages
# from 100 clients in POSTs of 50 spread over both, with some POSTs repeated
# as Meta retries do: every message processed exactly once, one contact, one
# lead and one greeting per client, nothing lost, nothing doubled.
. "$(dirname "$0")/../lib/lib.sh"

start_pg
start_fake
launch_rabta a
launch_rabta b
await_rabta a
await_rabta b
A=$(rabta_url a)
B=$(rabta_url b)
check_eq "both started on one fresh database; every migration recorded once" \
    "$(psql_q "SELECT count(*) FROM schema_migrations" 2>&1)" "$(ls "$ROOT"/sql/[0-9]*.sql | wc -l | tr -d ' ')"

N=1000
PER=50
CLIENTS=100
# The body of POST k (0..19): messages k*50 .. k*50+49; message i is from
# client i % 100, so each client's messages are spread over 10 POSTs.
for ((k = 0; k < N / PER; k++)); do
    load_body "$T/post$k.json" $k $PER $CLIENTS 92300550 Load "Load message %d"
done

# Four POSTs at a time, alternating servers; POSTs 3, 8 and 15 are sent
# again to the other server (Meta's retries).
send() { # k base
    echo "$1 $(post_webhook "$T/post$1.json" /webhook/whatsapp "$2")" >>"$T/codes"
}
: >"$T/codes"
jobs_=()
order=($(seq 0 $((N / PER - 1))) 3 8 15)
j=0
for k in "${order[@]}"; do
    if ((j % 2 == 0)); then base=$A; else base=$B; fi
    send "$k" "$base" &
    jobs_+=($!)
    j=$((j + 1))
    if ((${#jobs_[@]} == 4)); then
        wait "${jobs_[@]}"
        jobs_=()
    fi
done
wait "${jobs_[@]}" 2>/dev/null
check_eq "all ${#order[@]} POSTs answered 200" \
    "$(awk '$2 == 200' "$T/codes" | wc -l | tr -d ' ')" "${#order[@]}"

check_eq "1000 message events stored" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE kind = 'message'")" $N
check_eventually "all 1000 processed" \
    "SELECT count(*) FROM inbound_events WHERE kind = 'message' AND state = 'done'" $N 240
check_eq "1000 messages rows, 1000 distinct wamids, each from its own event" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT wamid) || ' ' || count(DISTINCT event_id) FROM messages WHERE direction = 'in'")" \
    "$N $N $N"
check_eq "100 contacts, 100 leads" \
    "$(psql_q "SELECT (SELECT count(*) FROM contacts WHERE phone LIKE '+92300550%') || ' ' || (SELECT count(*) FROM leads WHERE phone LIKE '+92300550%')")" \
    "$CLIENTS $CLIENTS"
check_eq "each lead has its 10 messages" \
    "$(psql_q "SELECT count(*) FROM (SELECT lead_id FROM messages WHERE direction = 'in' GROUP BY lead_id HAVING count(*) = 10) x")" \
    "$CLIENTS"
check_eq "each message's body on the right client's lead" \
    "$(psql_q "SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.direction = 'in' AND c.phone = '+92300550' || lpad(((substring(m.body FROM 'Load message ([0-9]+)'))::int % 100)::text, 4, '0')")" \
    $N
check_eq "one greeting per client" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT recipient_phone) FROM outbox WHERE purpose = 'greeting'")" \
    "$CLIENTS $CLIENTS"
check_eq "no event failed" "$(psql_q "SELECT count(*) FROM inbound_events WHERE state NOT IN ('done', 'ignored')")" 0

stop_rabta a
stop_rabta b
