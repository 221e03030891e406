#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# Slow and greedy clients cannot exhaust `rabta serve` (src/http/server.c):
# request bodies held before their signature is checked are capped over all
# connections (64 MiB: past it a POST gets 503 with Retry-After, and the
# budget comes back when those connections end); one address holds at most
# 128 connections (slowloris from 127.0.0.1 while a client on 127.0.0.2 is
# served); an idle connection is closed after 15 s; a body still trickling in
# after 30 s is cut off.
. "$(dirname "$0")/../lib/lib.sh"
trap "" PIPE # writes to a connection the server closed fail instead of killing the script

story_start
PORT=${RABTA_PORT[a]}
PID=${RABTA_PID[a]}

# A client on another loopback address: not counted against 127.0.0.1.
other_get() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 --interface 127.0.0.2 \
        "http://127.0.0.1:$PORT$1" 2>/dev/null
    true
}
other_post() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 --interface 127.0.0.2 \
        -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=$(sign "$1")" \
        --data-binary "@$1" "http://127.0.0.1:$PORT/webhook/whatsapp" 2>/dev/null
    true
}
threads() { awk '/^Threads:/ {print $2}' "/proc/$PID/status"; }

text_body "$T/ok1.json" "wamid.HBgMOTIzMDAxMTEwMTAxFQIAEhgUU0xPVzAwMDAwMDAwMDAwMQ" 923001110301 \
    "Slow One" "Assalam o alaikum, hall chahiye"
text_body "$T/ok2.json" "wamid.HBgMOTIzMDAxMTEwMTAxFQIAEhgUU0xPVzAwMDAwMDAwMDAwMg" 923001110302 \
    "Slow Two" "Assalam o alaikum, hall chahiye"
text_body "$T/ok3.json" "wamid.HBgMOTIzMDAxMTEwMTAxFQIAEhgUU0xPVzAwMDAwMDAwMDAwMw" 923001110303 \
    "Slow Three" "Assalam o alaikum, hall chahiye"
check_eq "a client on 127.0.0.2 is served" "$(other_get /healthz)" 200

# ---- bodies held before the signature check: 64 MiB over all connections ----
# 16 POSTs of (4 MiB - 10) bytes each, all but the last 10 bytes sent: the
# budget is then full, and a small signed POST is refused with 503.
BIG=$((4 * 1024 * 1024 - 10))
head -c $((BIG - 10)) /dev/zero | tr '\0' ' ' >"$T/big.part"
big_fds=()
for i in $(seq 1 16); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || bail "cannot connect"
    big_fds+=("$fd")
    printf 'POST /webhook/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: %d\r\n\r\n' "$BIG" >&"$fd"
    cat "$T/big.part" >&"$fd"
done
# the server has read them when a POST is refused (a wait on that, not a sleep)
_busy() { [ "$(other_post "$T/ok1.json")" = 503 ]; }
wait_until 30 _busy
check_eq "64 MiB of bodies held unverified: the next POST gets 503 (Meta retries)" \
    "$(other_post "$T/ok1.json")" 503
curl -s -D "$T/busy.h" -o /dev/null --max-time 10 --interface 127.0.0.2 \
    -H "X-Hub-Signature-256: sha256=$(sign "$T/ok1.json")" --data-binary "@$T/ok1.json" \
    "http://127.0.0.1:$PORT/webhook/whatsapp" >/dev/null 2>&1
check_match "the 503 says when to retry" "$(tr -d '\r' <"$T/busy.h")" '^Retry-After: 1$'
for fd in "${big_fds[@]}"; do
    exec {fd}>&-
done
_post_ok() { [ "$(other_post "$T/ok1.json")" = 200 ]; }
if wait_until 20 _post_ok; then
    ok "the held connections gone: the budget is back, the POST gets 200"
else
    not_ok "the held connections gone: the budget is back, the POST gets 200" \
        "status $(other_post "$T/ok1.json")"
fi

# ---- slowloris from one address: at most 128 connections ----------------------
t0=$(threads)
slow_fds=()
for i in $(seq 1 160); do
    if exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then
        slow_fds+=("$fd")
        printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a' >&"$fd" 2>/dev/null
    fi
done
# the server holds its 128 when one more from 127.0.0.1 is refused
_self_refused() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz" 2>/dev/null)" = 000 ]
}
wait_until 60 _self_refused
# A header byte on each: the ones the server kept stay open.
for fd in "${slow_fds[@]}"; do
    printf 'a' >&"$fd" 2>/dev/null
done
t1=$(threads)
check_eq "slowloris, 160 half-sent requests: the client on 127.0.0.2 is still served" \
    "$(other_get /healthz)" 200
check_eq "and its signed POST lands" "$(other_post "$T/ok2.json")" 200
self=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz" 2>/dev/null)
check_eq "a 161st connection from 127.0.0.1 is refused (per-address limit)" "${self:-000}" 000
if [ $((t1 - t0)) -le 140 ]; then
    ok "threads for the slow connections: $((t1 - t0)) (at most 128 + a few)"
else
    not_ok "threads for the slow connections bounded" "$t0 -> $t1"
fi

# ---- idle connections closed; a trickling body cut off ------------------------
# The slowloris connections now send nothing: closed after 15 s idle, and
# 127.0.0.1 is served again. Meanwhile a POST body of 100,000 bytes trickles
# in at 100 bytes a second: cut off after 30 s, long before it would end.
exec {trickle}<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null || true
_self_ok() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz" 2>/dev/null)" = 200 ]
}
if wait_until 60 _self_ok; then
    ok "idle connections closed by the server: 127.0.0.1 is served again"
else
    not_ok "idle connections closed by the server: 127.0.0.1 is served again"
fi
for fd in "${slow_fds[@]}"; do
    exec {fd}>&-
done
exec {trickle}<>"/dev/tcp/127.0.0.1/$PORT" || bail "cannot connect for the trickle"
printf 'POST /webhook/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 100000\r\n\r\n' >&"$trickle"
start=$(date +%s)
cut=0
chunk=$(head -c 100 /dev/zero | tr '\0' ' ')
for i in $(seq 1 120); do
    if ! printf '%s' "$chunk" >&"$trickle" 2>/dev/null; then
        cut=1
        break
    fi
    sleep 1
done
took=$(($(date +%s) - start))
exec {trickle}>&-
check_eq "a body trickling in at 100 B/s is cut off (after $took s, at most $((took * 100)) of 100,000 bytes)" \
    "$cut" 1
if [ "$took" -ge 29 ]; then
    ok "not before the 30 s a slow but honest upload gets"
else
    not_ok "not before the 30 s a slow but honest upload gets" "cut after $took s"
fi
check_eq "afterwards: a signed POST lands" "$(other_post "$T/ok3.json")" 200
check_eq "serve is alive" "$(other_get /healthz)" 200
check_eq "every accepted message stored once" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE dedupe_key LIKE 'msg:wamid.HBgMOTIzMDAxMTEwMTAxFQIAEhgUU0xPV%'")" 3

stop_rabta a
