#!/usr/bin/env bash
# A soak: signed message webhooks at a steady rate (SOAK_RATE/s, default 20)
# for SOAK_SECONDS (default 120; `SOAK_SECONDS=1800 make soak` for the
# 30-minute run), SOAK_REPEAT_PCT % byte-exact repeats (10), from
# SOAK_PHONES clients (300), against a slow upstream (every WhatsApp send
# answered after SOAK_SLOW_MS, 500). Every SOAK_EVERY s (10) it prints one
# row of the curve: RSS, file descriptors, threads of serve, ack latency
# p50/p99 of the interval, events and sends waiting. Passes when the curve
# is flat: after the first row, descriptors and threads grow by at most 8,
# RSS by at most 25 % + 2 MB, and every acknowledged message is stored once.
# Uses the release bin/rabta when it exists (its RSS is the one that matters).
. "$(dirname "$0")/common.sh"

SOAK_SECONDS=${SOAK_SECONDS:-120}
SOAK_RATE=${SOAK_RATE:-20}
SOAK_REPEAT_PCT=${SOAK_REPEAT_PCT:-10}
SOAK_PHONES=${SOAK_PHONES:-300}
SOAK_SLOW_MS=${SOAK_SLOW_MS:-500}
SOAK_EVERY=${SOAK_EVERY:-10}
[ -x "$ROOT/bin/rabta" ] && RABTA_BIN=$ROOT/bin/rabta

start_pg
start_fake
fake_fail whatsapp ok 1000000 "$SOAK_SLOW_MS"
RABTA_LOG=info start_rabta
PID=${RABTA_PID[a]}
mkdir -p "$T/b"
: >"$T/lat"
: >"$T/sent"

# one I: POSTs message I (a fresh body) or, SOAK_REPEAT_PCT % of the time, an
# earlier body again; its ack latency (ms) goes to $T/lat, its wamid to $T/sent.
one() {
    local i=$1 f
    if ((i > 20 && RANDOM % 100 < SOAK_REPEAT_PCT)); then
        f=$T/b/$((RANDOM % (i - 10))).json
        [ -f "$f" ] || return 0
    else
        f=$T/b/$i.json
        text_body "$f" "wamid.SOAK$(printf %08d "$i")" "92300990$(printf %04d $((i % SOAK_PHONES)))" \
            "Soak $((i % SOAK_PHONES))" "Soak message $i, shadi ka hall chahiye"
        echo "wamid.SOAK$(printf %08d "$i")" >>"$T/sent"
    fi
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 30 \
        -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=$(sign "$f")" \
        --data-binary "@$f" "$RABTA_URL/webhook/whatsapp" >>"$T/lat" 2>/dev/null
}

printf "# %6s %9s %5s %7s %8s %8s %7s %7s\n" t_s rss_kb fds threads p50_ms p99_ms events outbox
rows=()
i=0
start=$(date +%s)
next=$((start + SOAK_EVERY))
mark=0
while [ $(($(date +%s) - start)) -lt "$SOAK_SECONDS" ]; do
    t0=$(date +%s%N)
    pids=()
    for ((k = 0; k < SOAK_RATE; k++)); do
        i=$((i + 1))
        one "$i" &
        pids+=($!)
    done
    wait "${pids[@]}" # only these: serve and PostgreSQL are children too
    # the rest of the second
    left=$((1000 - ($(date +%s%N) - t0) / 1000000))
    [ "$left" -gt 0 ] && sleep "0.$(printf %03d "$left")"
    if [ "$(date +%s)" -ge "$next" ]; then
        next=$((next + SOAK_EVERY))
        lat=$(tail -n +"$((mark + 1))" "$T/lat" | awk '{print $2 * 1000}' | sort -n)
        mark=$(wc -l <"$T/lat")
        n=$(wc -l <<<"$lat")
        p50=$(sed -n "$(((n + 1) / 2))p" <<<"$lat")
        p99=$(sed -n "$(((n * 99 + 99) / 100))p" <<<"$lat")
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
        fds=$(ls "/proc/$PID/fd" | wc -l)
        thr=$(awk '/^Threads:/ {print $2}' "/proc/$PID/status")
        bl=$(psql_q "SELECT (SELECT count(*) FROM inbound_events WHERE state = 'pending') || ' ' ||
            (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending'))")
        row=$(printf '%6s %9s %5s %7s %8.1f %8.1f %7s %7s' "$(($(date +%s) - start))" "$rss" "$fds" \
            "$thr" "${p50:-0}" "${p99:-0}" ${bl})
        echo "# $row"
        rows+=("$row")
    fi
done
check_eq "every POST answered 200" "$(awk '$1 != 200' "$T/lat" | wc -l)" 0
if [ "${#rows[@]}" -ge 2 ]; then
    read -r _ rss0 fd0 th0 _ <<<"${rows[0]}"
    read -r _ rss1 fd1 th1 _ <<<"${rows[${#rows[@]} - 1]}"
    if [ $((fd1 - fd0)) -le 8 ] && [ $((th1 - th0)) -le 8 ]; then
        ok "descriptors $fd0 -> $fd1, threads $th0 -> $th1: flat"
    else
        not_ok "descriptors and threads flat" "fds $fd0 -> $fd1, threads $th0 -> $th1"
    fi
    if [ "$rss1" -le $((rss0 * 125 / 100 + 2048)) ]; then
        ok "RSS $rss0 -> $rss1 kB: flat"
    else
        not_ok "RSS flat" "$rss0 -> $rss1 kB"
    fi
fi
check_eq "every message stored once" \
    "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT dedupe_key) FROM inbound_events WHERE dedupe_key LIKE 'msg:wamid.SOAK%'")" \
    "$(sort -u "$T/sent" | wc -l) $(sort -u "$T/sent" | wc -l)"
echo "# peak RSS (VmHWM) $(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status") kB"
stop_rabta a
