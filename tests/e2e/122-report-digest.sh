#!/usr/bin/env bash
# The weekly digest: due today (digest_day = today, digest_time 00:00), the
# owner gets last week against the week before, once, even with two serve
# processes ticking at once and a restart; as the notify template while the
# owner's 24-hour window is closed, as text once it is open. The figures are
# the rows inserted below, worked out by hand.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

OWNER=+923001110001
start_pg
start_fake
digest_due_today
rabta_cli staff list || bail "seeding the venue failed" "$(cat "$T/cli.err")"

# Last week (Monday M): W1 WhatsApp Bilal booked 5 lakh, W2 WhatsApp Sara, W3
# Meta Usman, each answered in 10 minutes. The week before: P1 walk-in Bilal,
# answered in 20 minutes, stale now. W1's advance of 1 lakh was due yesterday.
psql_q "
CREATE TEMP TABLE w AS SELECT date_trunc('week', now() AT TIME ZONE 'Asia/Karachi')::date - 7 AS m;
CREATE FUNCTION pg_temp.at(int) RETURNS timestamptz LANGUAGE sql
    AS \$\$ SELECT ((SELECT m FROM w) + \$1 + time '12:00') AT TIME ZONE 'Asia/Karachi' \$\$;
INSERT INTO leads (venue_id, name, source, stage, assigned_staff_id, amount, created_at,
                   first_response_at, last_contact_at)
SELECT v.id, x.name, x.source, x.stage, s.id, x.amount, pg_temp.at(x.day),
       pg_temp.at(x.day) + make_interval(secs => x.resp), now() - x.quiet
FROM (VALUES ('W1', 'whatsapp', 'BOOKED', 'Bilal Ahmed', 500000, 1, 600, interval '1 hour'),
             ('W2', 'whatsapp', 'CONTACTED', 'Sara Khan', NULL, 2, 600, interval '1 hour'),
             ('W3', 'meta', 'CONTACTED', 'Usman Tariq', NULL, 3, 600, interval '1 hour'),
             ('P1', 'walk_in', 'NEW', 'Bilal Ahmed', NULL, -5, 1200, interval '30 hours'))
     AS x(name, source, stage, staff, amount, day, resp, quiet)
JOIN staff s ON s.name = x.staff CROSS JOIN (SELECT min(id) AS id FROM venues) v;
INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, at)
SELECT venue_id, id, 'QUOTED', 'BOOKED', pg_temp.at(4) FROM leads WHERE name = 'W1';
INSERT INTO payments (venue_id, lead_id, milestone, amount, due_date, status)
SELECT venue_id, id, 'advance', 100000, (now() AT TIME ZONE 'Asia/Karachi')::date - 1, 'due'
FROM leads WHERE name = 'W1';" >/dev/null || bail "loading the week's rows failed"
LAST=$(psql_q "SELECT to_char(m, 'DD/MM') || ' - ' || to_char(m + 6, 'DD/MM/YYYY') || ' vs '
                   || to_char(m - 7, 'DD/MM') || ' - ' || to_char(m - 1, 'DD/MM/YYYY')
               FROM (SELECT date_trunc('week', now() AT TIME ZONE 'Asia/Karachi')::date - 7 AS m) w")

DIGEST="\*Weekly report: $LAST\* / Leads: 3 vs 1 \(\+200 %\) / Bookings: 1 vs 0 \(\+1\) / Revenue: Rs 5,00,000 vs Rs 0 \(\+Rs 5,00,000\) / Conversion: 33.3 % vs 0 % \(\+33.3 pts\) / First reply: 10 min vs 20 min \(−10 min\) / Leads by source: WhatsApp 2, Meta ads 1 / Stale leads: Bilal Ahmed 1 / Overdue payments: Rs 1,00,000 \(1\) / Full report \(24 h\): http://127\.0\.0\.1:[0-9]+/report\?grant=v1\.owner\.[0-9]+\.[0-9a-f]{64}"
# the template carries the digest as one line
DIGEST_LINE=${DIGEST// \/ / }

# two serve processes start together: both tick within seconds
launch_rabta a
launch_rabta b
await_rabta a
await_rabta b
# each runs its first tick 2 s after it starts; wait for the digest one of
# them claims and sends (no tick leaves a trace of its own to wait on)
wait_for "SELECT count(*) > 0 FROM app_state WHERE key LIKE 'digest:%'" t 60 ||
    not_ok "a digest claimed" "$WAIT_LAST"
wait_quiet 60
check_eq "two servers ticking: one digest claimed" \
    "$(psql_q "SELECT count(*) FROM app_state WHERE key LIKE 'digest:%'")" 1
check_eq "two servers ticking: one digest sent to the owner" \
    "$(sends_to "$OWNER" '.status == 200 and .body.type == "template"')" 1
check_eq "window closed: it went as the notify template" \
    "$(sends_to "$OWNER" '.status == 200 and .body.template.name == "staff_update"')" 1
CONV_CURSOR=0
got=$(conv_sends "$OWNER")
if printf '%s\n' "$got" | grep -Eq -- "^template:staff_update $DIGEST_LINE$"; then
    ok "the digest's figures (template)"
else
    not_ok "the digest's figures (template)" "got: $got" "expected: template:staff_update $DIGEST_LINE"
fi
stop_rabta b

# a restart on the same day sends nothing more
cat >"$T/again.conv" <<'EOF_CONV'
tick
expect-none +923001110001
EOF_CONV
converse "$T/again.conv"

# once the owner has written (window open) it is text; forget this week's claim
# to send it again
cat >"$T/open.conv" <<EOF_CONV
staff 923001110001 | salam
exec DELETE FROM app_state WHERE key LIKE 'digest:%'
tick
expect +923001110001 | ^$DIGEST\$
fake whatsapp [.[] | select(.body.to == "+923001110001" and .body.type == "text" and (.body.text.body | startswith("*Weekly report")))] | length => 1
EOF_CONV
converse "$T/open.conv"
