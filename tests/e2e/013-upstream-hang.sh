#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# An upstream that accepts the connection and never answers: each hung send
# times out, is retried and goes out once; more hung requests than there are
# workers do not stall the sender, and sends queued later still go out while
# the hung requests are still hanging.
. "$(dirname "$0")/../lib/lib.sh"

conf_set send_timeout_ms 2000
conf_set connect_timeout_ms 1000
story_start

open_staff_windows
FIRST=$(psql_q "SELECT coalesce(max(id), 0) FROM outbox") # the story's rows come after

# Six hung requests (more than the 4 workers), each hanging for 5 minutes.
fake_fail whatsapp hang 6 300000
text_body "$T/c1.json" wamid.HBgMOTIzMDAxMTEwNDAxFQIAEhgUSEFORzAwMDAwMDAx 923001110401 "Client One" "Hall available?"
text_body "$T/c2.json" wamid.HBgMOTIzMDAxMTEwNDAyFQIAEhgUSEFORzAwMDAwMDAy 923001110402 "Client Two" "Rates?"
check_eq "client 1: 200" "$(post_webhook "$T/c1.json")" 200
check_eq "client 2: 200" "$(post_webhook "$T/c2.json")" 200

_hanging() { fake_requests whatsapp | jq -s '[.[] | select(.status == null)] | length'; }
_some_hang() { [ "$(_hanging)" -ge 1 ]; }
if wait_until 30 _some_hang; then
    ok "the upstream holds requests without answering"
else
    not_ok "the upstream holds requests without answering" "$(fake_requests whatsapp | head -c 2000)"
fi

check_eventually "both greetings sent despite the hung requests" \
    "SELECT count(*) FROM outbox WHERE purpose = 'greeting' AND state = 'sent' AND wamid IS NOT NULL" 2 120

# Later sends go out while the first hung requests are still hanging.
text_body "$T/c3.json" wamid.HBgMOTIzMDAxMTEwNDAzFQIAEhgUSEFORzAwMDAwMDAz 923001110403 "Client Three" "Menu?"
check_eq "client 3: 200" "$(post_webhook "$T/c3.json")" 200
check_eventually "client 3's greeting sent too" \
    "SELECT count(*) FROM outbox WHERE purpose = 'greeting' AND recipient_phone = '+923001110403' AND state = 'sent'" 1 60
check_match "requests still hanging upstream meanwhile" "$(_hanging)" '^[1-9]'

wait_quiet 120 || not_ok "every send settles" "$WAIT_LAST"
check_eq "no outbox row failed or left behind" \
    "$(psql_q "SELECT count(*) FROM outbox WHERE state <> 'sent'")" 0
fake_requests whatsapp >"$T/requests"
check_eq "all six hangs were met (the sender kept retrying)" \
    "$(jq -s '[.[] | select(.status == null or .status == 504)] | length' "$T/requests")" 6
bad=
while IFS='|' read -r r rows; do
    sent=$(jq -s --arg r "$r" '[.[] | select((.body.to == $r or .body.recipient == $r) and .status == 200)] | length' "$T/requests")
    [ "$sent" = "$rows" ] || bad="$bad $r: $rows rows sent, $sent requests accepted;"
done < <(psql_q "SELECT coalesce(recipient_phone, recipient_bsuid), count(*) FROM outbox WHERE id > $FIRST AND state = 'sent' AND kind <> 'mark_read' GROUP BY 1")
if [ -z "$bad" ]; then
    ok "each send accepted exactly once upstream"
else
    not_ok "each send accepted exactly once upstream" "$bad"
fi
check_eq "each client greeted once" \
    "$(for p in +923001110401 +923001110402 +923001110403; do sends_to "$p" '.status == 200'; done | tr '\n' ' ')" \
    "1 1 1 "

stop_rabta
