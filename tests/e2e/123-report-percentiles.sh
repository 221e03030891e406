#!/usr/bin/env bash
# The first-response p90 and the greeting p50 / p99 read in order from the
# indexes of sql/024 (lead_time_pct) are percentile_cont of the period's
# leads, exactly (the same float8, not a rounding of it): on 1,500 random
# leads over three years (replies to the microsecond, equal values, leads
# with no reply, no greeting, no assignee), for periods of a day, a month, a
# quarter, a year and none, for every salesperson filter and group, at
# p = 0, 0.5, 0.9, 0.99 and 1; again after replies, greetings and
# reassignments change and leads go; and `rabta report` (the chat's and the
# digest's statements) gives percentile_cont's p90 and avg's average (now an
# interval sum) to the second, by salesperson too.
. "$(dirname "$0")/../lib/lib.sh"

start_pg
start_fake
rabta_cli staff list || bail "seeding the venue failed" "$(cat "$T/cli.err")"

psql_q "INSERT INTO leads (venue_id, name, source, stage, assigned_staff_id, created_at,
                           first_response_at, greeting_latency_ms)
SELECT v.id, 'P' || g, (ARRAY['whatsapp', 'meta', 'walk_in', 'other'])[1 + g % 4], 'NEW',
       CASE WHEN g % 7 = 0 THEN NULL ELSE (SELECT array_agg(id ORDER BY id) FROM staff
                                            WHERE venue_id = v.id)[1 + g % 3] END,
       c, CASE WHEN g % 5 = 0 THEN NULL
               WHEN g % 3 = 0 THEN c + make_interval(mins => g % 40)
               ELSE c + make_interval(secs => random() * 90000) END,
       CASE WHEN g % 11 = 0 THEN NULL WHEN g % 2 = 0 THEN 1000 + g % 50
            ELSE (random() * 20000)::bigint END
  FROM venues v, generate_series(1, 1500) g,
       LATERAL (SELECT timestamptz '2026-12-01 00:00+05' - make_interval(secs => g * 63113) AS c) t
 WHERE v.id = (SELECT min(id) FROM venues)" >/dev/null || bail "loading the leads failed"

# mismatches: how many (period, filter, group, p) give another value than
# percentile_cont over the same leads (IS DISTINCT FROM: NULL for none).
mismatches() {
    psql_q "
WITH per(f, t) AS (VALUES
    (timestamptz '2026-03-10 00:00+05', timestamptz '2026-03-11 00:00+05'),
    (timestamptz '2026-02-01 00:00+05', timestamptz '2026-03-01 00:00+05'),
    (timestamptz '2025-10-01 00:00+05', timestamptz '2026-01-01 00:00+05'),
    (timestamptz '2025-01-01 00:00+05', timestamptz '2026-01-01 00:00+05'),
    (timestamptz '2026-01-01 00:00+05', timestamptz '2026-12-08 00:00+05'),
    (timestamptz '2020-01-01 00:00+05', timestamptz '2020-02-01 00:00+05')),
 v AS (SELECT min(id) AS v FROM venues),
 who AS (SELECT 0::bigint AS s UNION SELECT id FROM staff),
 grp AS (SELECT NULL::bigint AS g UNION ALL SELECT 0 UNION ALL SELECT id FROM staff),
 ps AS (SELECT unnest(ARRAY[0, 0.5, 0.9, 0.99, 1]::float8[]) AS p),
 cases AS (
    SELECT per.f, per.t, who.s, grp.g, ps.p, w.*
      FROM per, who, grp, ps, v,
           LATERAL (SELECT percentile_cont(ps.p) WITHIN GROUP
                               (ORDER BY extract(epoch FROM l.first_response_at - l.created_at)) AS rp,
                           count(l.first_response_at) AS rn,
                           percentile_cont(ps.p) WITHIN GROUP (ORDER BY l.greeting_latency_ms) AS gp,
                           count(l.greeting_latency_ms) AS gn
                      FROM leads l
                     WHERE l.venue_id = v.v AND l.created_at >= per.f AND l.created_at < per.t
                       AND (who.s = 0 OR l.assigned_staff_id = who.s)
                       AND (grp.g IS NULL OR COALESCE(l.assigned_staff_id, 0) = grp.g)) w)
SELECT count(*) FROM cases, v
 WHERE lead_time_pct(v.v, f, t, s, g, 'resp', rn, p) IS DISTINCT FROM rp
    OR lead_time_pct(v.v, f, t, s, g, 'greeting', gn, p) IS DISTINCT FROM gp"
}
cases() { psql_q "SELECT 6 * (1 + count(*)) * (2 + count(*)) * 5 FROM staff"; }

check_eq "the cases are there: 6 periods x filters x groups x 5 percentiles" \
    "$(psql_q "SELECT count(*) > 1000 FROM leads")" t
check_eq "024: lead_time_pct is percentile_cont in $(cases) cases of first reply and greeting" \
    "$(mismatches)" 0

# what the indexes hold changes: replies, greetings, reassignments, deletions
psql_q "UPDATE leads SET first_response_at = created_at + interval '17 minutes 0.5 seconds'
         WHERE first_response_at IS NULL AND id % 2 = 0" >/dev/null
psql_q "UPDATE leads SET greeting_latency_ms = 1025 WHERE id % 9 = 0" >/dev/null
psql_q "UPDATE leads SET assigned_staff_id = (SELECT max(id) FROM staff) WHERE id % 4 = 1" >/dev/null
psql_q "UPDATE leads SET assigned_staff_id = NULL WHERE id % 13 = 2" >/dev/null
psql_q "DELETE FROM leads WHERE id % 17 = 3" >/dev/null
check_eq "024: and again after replies, greetings, reassignments and deletions" "$(mismatches)" 0

# The figures the chat, the digest and `rabta report` give: the year's
# p90 (all and by salesperson) and greeting latency, against percentile_cont.
rabta_cli report --period 2025 --format json || bail "rabta report failed" "$(cat "$T/cli.err")"
OUT=$(cat "$T/cli.out")
want=$(psql_q "SELECT json_build_array(round(percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)))::bigint,
                 round(percentile_cont(0.5) WITHIN GROUP (ORDER BY greeting_latency_ms))::bigint,
                 round(percentile_cont(0.99) WITHIN GROUP (ORDER BY greeting_latency_ms))::bigint)::text
         FROM leads WHERE created_at >= timestamptz '2025-01-01 00:00+05'
          AND created_at < timestamptz '2026-01-01 00:00+05'" | tr -d ' ')
check_eq "rabta report 2025: first reply p90, greeting p50 and p99 as percentile_cont" \
    "$(jq -c '[.periods[0].summary.response_p90_s, .greeting.p50_ms, .greeting.p99_ms]' <<<"$OUT")" \
    "$want"
want=$(psql_q "SELECT json_agg(p ORDER BY s)::text FROM (
         SELECT assigned_staff_id s, round(percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)))::bigint p
           FROM leads WHERE created_at >= timestamptz '2025-01-01 00:00+05'
            AND created_at < timestamptz '2026-01-01 00:00+05' AND assigned_staff_id IS NOT NULL
            AND first_response_at IS NOT NULL GROUP BY 1) x" | tr -d ' ')
avg=$(psql_q "SELECT json_agg(p ORDER BY s)::text FROM (
         SELECT assigned_staff_id s, round(avg(extract(epoch FROM first_response_at - created_at)))::bigint p
           FROM leads WHERE created_at >= timestamptz '2025-01-01 00:00+05'
            AND created_at < timestamptz '2026-01-01 00:00+05' AND assigned_staff_id IS NOT NULL
            AND first_response_at IS NOT NULL GROUP BY 1) x" | tr -d ' ')
rabta_cli report --period 2025 --metric response_time --group-by staff --format json ||
    bail "rabta report by staff failed" "$(cat "$T/cli.err")"
OUT=$(cat "$T/cli.out")
check_eq "rabta report 2025 by salesperson: each p90 as percentile_cont" \
    "$(jq -c '[.periods[0].rows[] | select(.id > 0) | [.id, .response_p90_s]] | sort | map(.[1])' <<<"$OUT" 2>&1)" \
    "$want"
check_eq "rabta report 2025 by salesperson: each average as avg(extract(epoch ...))" \
    "$(jq -c '[.periods[0].rows[] | select(.id > 0) | [.id, .response_avg_s]] | sort | map(.[1])' <<<"$OUT" 2>&1)" \
    "$avg"
check_eq "the averages are not whole minutes (microseconds in the replies)" \
    "$(psql_q "SELECT count(*) > 100 FROM leads WHERE extract(microseconds FROM first_response_at - created_at)::bigint % 1000000 <> 0")" t
