#!/usr/bin/env bash
# Two finance users recording payments on one lead at the same moment lose
# nothing: 24 receipts posted at once (12 each, all in flight together)
# are 24 ledger entries adding up to the rupee, and each is told once.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
_rabta_home
cat >>"$T/home/config/rabta.conf" <<'CONF'

[staff]
name = Nadia Iqbal
phone = +923331112277
role = finance
lang = en
CONF
start_rabta

cat >"$T/setup.conv" <<'CONV'
staff 923331112266 | help
staff 923331112277 | help
staff 923001110001 | new lead Sana Mir 03001233333
staff 923001110001 | 1 booked
staff 923001110001 | 10 May, Marquee dinner, 40 lakh
sql SELECT stage FROM leads WHERE id = 1 => BOOKED
CONV
converse "$T/setup.conv"

# 24 messages, built first, then posted together
pids=()
for i in $(seq 1 12); do
    conv_body "$T/a$i.json" 923331112266 Farah text "lead 1 paid $((10000 + i)) advance"
    conv_body "$T/b$i.json" 923331112277 Nadia text "lead 1 received $((20000 + i)) mid"
done
for i in $(seq 1 12); do
    post_webhook "$T/a$i.json" >"$T/sa$i" &
    pids+=($!)
    post_webhook "$T/b$i.json" >"$T/sb$i" &
    pids+=($!)
done
wait "${pids[@]}"
check_eq "every webhook was acknowledged" \
    "$(for f in "$T"/sa* "$T"/sb*; do cat "$f"; echo; done | sort | uniq -c | sed 's/^ *//')" "24 200"
wait_quiet 120 || not_ok "settled" "$WAIT_LAST"

# 12 x 10,000 + (1+..+12) + 12 x 20,000 + (1+..+12) = 360,156
check_eventually "24 entries, none lost" \
    "SELECT count(*) || ' ' || sum(amount) FROM payment_entries WHERE lead_id = 1" "24 360156" 30
check_eq "each by its finance user" \
    "$(psql_q "SELECT string_agg(s.name || ' ' || n, ', ' ORDER BY s.name) FROM (SELECT recorded_by, count(*) AS n FROM payment_entries GROUP BY 1) e JOIN staff s ON s.id = e.recorded_by")" \
    "Farah Naz 12, Nadia Iqbal 12"
check_eq "one entry per message" \
    "$(psql_q "SELECT count(DISTINCT external_id) FROM payment_entries WHERE source = 'chat'")" 24
check_eq "each told once" \
    "$(sends_to +923331112277 '.status == 200 and ((.body.text.body // "") | test("^Recorded"))')" 12
check_eq "019: payment_balances holds what the view payment_milestones works out" \
    "$(psql_q "SELECT count(*) FROM payment_balances b FULL JOIN payment_milestones m USING (lead_id, milestone) LEFT JOIN leads l ON l.id = COALESCE(b.lead_id, m.lead_id) WHERE (b.venue_id, b.ord, b.planned, b.due_date, b.received, b.outstanding, b.staff_id) IS DISTINCT FROM (m.venue_id, m.ord, m.planned, m.due_date, m.received, m.outstanding, l.assigned_staff_id)")" 0
