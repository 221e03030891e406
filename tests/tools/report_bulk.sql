-- tests/tools/report_bulk.sql - a big venue for timing the owner's figures:
-- :leads leads (psql -v leads=100000) over the last two years, a move to
-- BOOKED for one in six, history moves, payments for the booked, and two
-- ai_log rows a lead. Loaded into a migrated, seeded database.
BEGIN;
CREATE TEMP TABLE st AS SELECT array_agg(id ORDER BY id) AS ids FROM staff WHERE role = 'sales';
INSERT INTO leads (venue_id, name, phone, source, campaign, stage, assigned_staff_id, amount,
                   created_at, first_response_at, greeting_latency_ms, greeted_at,
                   last_contact_at, stage_changed_at)
SELECT v, 'Bulk ' || i, '+92300' || lpad(i::text, 7, '0'),
       (ARRAY['whatsapp', 'whatsapp', 'meta', 'walk_in'])[1 + i % 4],
       CASE WHEN i % 4 = 2 THEN 'Campaign ' || (i % 7) END,
       (ARRAY['NEW', 'CONTACTED', 'QUALIFIED', 'SITE_VISIT', 'QUOTED', 'NEGOTIATING', 'BOOKED',
              'LOST'])[1 + i % 8],
       (SELECT ids[1 + i % array_length(ids, 1)] FROM st),
       CASE WHEN i % 8 IN (4, 5, 6) THEN 300000 + (i % 20) * 50000 END,
       t, CASE WHEN i % 8 <> 0 THEN t + make_interval(secs => 60 + i % 7200) END,
       800 + i % 3000, t + interval '2 seconds',
       CASE WHEN i % 3 = 0 THEN t ELSE now() - make_interval(hours => i % 40) END, t
FROM (SELECT i, now() - make_interval(secs => (i::bigint * 63072000 / :leads)::int) AS t,
             (SELECT min(id) FROM venues) AS v
      FROM generate_series(1, :leads) i) g;
INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, at)
SELECT venue_id, id, 'NEW', 'CONTACTED', created_at + interval '1 hour' FROM leads WHERE stage <> 'NEW';
INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, at)
SELECT venue_id, id, 'NEGOTIATING', 'BOOKED', created_at + interval '10 days'
FROM leads WHERE stage = 'BOOKED';
INSERT INTO payments (venue_id, lead_id, milestone, amount, due_date, paid_at, status)
SELECT venue_id, id, 'advance', amount / 4, NULL, created_at + interval '11 days', 'paid'
FROM leads WHERE stage = 'BOOKED';
INSERT INTO payments (venue_id, lead_id, milestone, amount, due_date, status)
SELECT venue_id, id, 'final', amount / 2, (created_at + interval '60 days')::date, 'due'
FROM leads WHERE stage = 'BOOKED';
INSERT INTO ai_log (venue_id, staff_id, text, engine, intent, fallback, latency_ms, created_at)
SELECT l.venue_id, l.assigned_staff_id, 'bulk', CASE WHEN k = 1 THEN 'rules' ELSE 'gemini' END,
       'lead.status', CASE WHEN l.id % 10 = 0 THEN 'timeout' END, 5, l.created_at + interval '1 hour'
FROM leads l CROSS JOIN generate_series(1, 2) k;
COMMIT;
ANALYZE;
