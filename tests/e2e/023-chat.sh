#!/usr/bin/env bash
# `rabta chat` against a sandbox `serve`, driven through fifos as a person at a
# terminal would: a salesperson who has typed nothing sees the new-lead
# notice the moment the client writes (not only after typing a line), every
# message numbered [N]; "> N text" answers the forwarded message by quoting
# it, so the quote-reply path runs and the client gets the answer; a quote of
# a number never shown is refused with a reason and nothing is posted.
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"

story_start a WHATSAPP_TOKEN= GRAPH_API_BASE=
PORT=${RABTA_PORT[a]}
CHAT_PIDS=()

# chat NAME PHONE: `rabta chat` reading the fifo $T/NAME.in (held open on a
# file descriptor of its own), printing to $T/NAME.out.
declare -A CHAT_FD=()
chat() {
    local name=$1 phone=$2 fd
    mkfifo "$T/$name.in"
    (cd "$T/home" && exec env RABTA_HOME="$T/home" RABTA_LISTEN="127.0.0.1:$PORT" \
        WHATSAPP_APP_SECRET="$APP_SECRET" "$RABTA_BIN" chat --from "$phone" --name "$name") \
        <"$T/$name.in" >"$T/$name.out" 2>"$T/$name.err" &
    CHAT_PIDS+=("$!")
    _register "pid $! $RABTA_BIN"
    exec {fd}>"$T/$name.in"
    CHAT_FD[$name]=$fd
}
say() { printf '%s\n' "$2" >&"${CHAT_FD[$1]}"; }
shown() { grep -c '^\[[0-9]*\] bot> ' "$T/$1.out" 2>/dev/null; }
has() { grep -qF -- "$2" "$T/$1.out" 2>/dev/null; }
started() { grep -q '^Chatting as' "$T/$1.out" 2>/dev/null; }

chat bilal 923331112233
chat sara 923331112244
chat usman 923331112255
for n in bilal sara usman; do
    wait_until 30 started "$n" || bail "chat $n did not start" "$(cat "$T/$n.err")"
done
# Each salesperson writes once, which opens their 24-hour window (so what
# follows comes as text, not as a template).
for n in bilal sara usman; do
    say "$n" "salam"
done
for n in bilal sara usman; do
    wait_until 30 has "$n" "[1] bot> " || bail "no answer to $n's salam" "$(cat "$T/$n.out")"
done
chat ayesha 923001234567
wait_until 30 started ayesha || bail "chat ayesha did not start" "$(cat "$T/ayesha.err")"

say ayesha "Assalam o alaikum, 15 March ko shadi ke liye hall chahiye"
check_eventually "the client's message makes a lead" "SELECT count(*) FROM leads" 1
owner=$(psql_q "SELECT lower(split_part(s.name, ' ', 1)) FROM leads l JOIN staff s ON s.id = l.assigned_staff_id")
check_match "the lead has a salesperson" "$owner" '^(bilal|sara|usman)$'
if wait_until 30 has "$owner" "hall chahiye"; then
    ok "the salesperson, who typed nothing, sees the client's words as they arrive"
else
    not_ok "the salesperson sees the forward as it arrives" "$(cat "$T/$owner.out")"
fi
if wait_until 30 has ayesha "[1] bot> "; then
    ok "the client sees the greeting as message [1]"
else
    not_ok "the client sees the greeting" "$(cat "$T/ayesha.out")"
fi

# The forward's number, as shown.
# The forward's number, as shown (a message of several lines has it on its first).
n=$(awk '/^\[[0-9]+\] bot> / { n = substr($1, 2, length($1) - 2) } /hall chahiye/ { f = n } END { print f }' "$T/$owner.out")
check_match "the forward is numbered" "$n" '^[0-9]+$'
say "$owner" "> $n Ji zaroor, 15 March ko Grand Hall khali hai"
if wait_until 30 has ayesha "15 March ko Grand Hall khali hai"; then
    ok "> N text: the answer reaches the client through the quote-reply path"
else
    not_ok "> N text reaches the client" "$(cat "$T/ayesha.out")" "$(tail -n 5 "$T/rabta-a.log")"
fi
check_eq "the posted webhook carried context.id = the forward's wamid" \
    "$(psql_q "SELECT count(*) FROM messages m JOIN sandbox_messages s ON s.wamid = m.context_wamid WHERE m.direction = 'in' AND m.party = 'staff'")" 1
check_eq "the answer is logged on the lead, to the client" \
    "$(psql_q "SELECT count(*) FROM messages WHERE direction = 'out' AND party = 'client' AND body LIKE '%Grand Hall khali hai%'")" 1

before=$(psql_q "SELECT count(*) FROM inbound_events")
say "$owner" "> 99 kya yeh mil gaya?"
if wait_until 15 has "$owner" "no message [99] to quote"; then
    ok "> 99 (never shown): refused with the reason"
else
    not_ok "> 99 refused" "$(cat "$T/$owner.out")"
fi
say "$owner" "> kuch bhi"
wait_until 15 has "$owner" 'to quote a message type' && ok "> without a number: says how to quote" ||
    not_ok "> without a number: says how" "$(cat "$T/$owner.out")"
check_eq "nothing posted for a refused quote" "$(psql_q "SELECT count(*) FROM inbound_events")" "$before"

for n in "${!CHAT_FD[@]}"; do
    exec {CHAT_FD[$n]}>&-
done
for p in "${CHAT_PIDS[@]}"; do
    wait "$p"
    check_eq "chat $p ends with exit 0 on end of input" "$?" 0
done
for n in bilal sara usman ayesha; do
    sanitizer_clean "chat $n" "$T/$n.err"
done
stop_rabta a

# Pointed at an address where nothing listens: says so, and how to point it.
out=$(cd "$T/home" && printf 'salam\n' | env RABTA_HOME="$T/home" RABTA_LISTEN=127.0.0.1:1 \
    WHATSAPP_APP_SECRET="$APP_SECRET" "$RABTA_BIN" chat --from 923001234567 2>&1)
check_match "chat with no server: names the address and RABTA_LISTEN" "$out" \
    'nothing answers at http://127\.0\.0\.1:1 .*RABTA_LISTEN'
