-- tests/bench/report_data.sql - a venue of the report bench's size, made by
-- generate_series: :leads leads over the last two years (sources, stages,
-- campaigns, assignees in turn), :messages messages (10 a lead, both ways,
-- every delivery state), :ai ai_log rows, stage moves for the booked and
-- contacted, payments for the booked. Run with psql -v leads=N -v messages=N
-- -v ai=N on a migrated, seeded database (rabta serve has started once).
\set ON_ERROR_STOP 1
SELECT id AS v FROM venues ORDER BY id LIMIT 1 \gset
SELECT array_agg(id ORDER BY id)::text AS staff, count(*) AS nstaff FROM staff
    WHERE venue_id = :v AND role IN ('sales', 'owner') \gset
SELECT COALESCE(max(id), 0) AS l0 FROM leads \gset

INSERT INTO leads (venue_id, name, phone, source, campaign, stage, assigned_staff_id, created_at,
                   first_response_at, last_contact_at, amount, event_date, guests,
                   stage_changed_at, reminded_at, escalated_at, quote_reminded_at, visit_reminded_at,
                   greeted_at, greeting_latency_ms)
SELECT :v, 'Lead ' || g, '+9231' || lpad(g::text, 8, '0'),
       (ARRAY['whatsapp', 'meta', 'walk_in', 'other'])[1 + g % 4],
       CASE WHEN g % 4 = 1 THEN 'campaign-' || (g % 7) END,
       (ARRAY['NEW', 'CONTACTED', 'QUALIFIED', 'SITE_VISIT', 'QUOTED', 'NEGOTIATING', 'BOOKED',
              'LOST'])[1 + (g * 7) % 8],
       (:'staff'::bigint[])[1 + g % :nstaff],
       c, CASE WHEN g % 5 <> 0 THEN c + make_interval(mins => g % 240) END,
       c + make_interval(hours => g % 72),
       CASE WHEN (g * 7) % 8 IN (4, 5, 6) THEN 300000 + (g % 20) * 50000 END,
       (c + interval '90 days')::date, 100 + g % 900, c + interval '2 days', now(), now(), now(), now(),
       c + interval '3 seconds', 1000 + g % 3000
FROM generate_series(1, :leads) g, LATERAL (SELECT now() - make_interval(secs => g * 631) AS c) t;

INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, staff_id, note, at)
SELECT l.venue_id, l.id, 'NEW', 'CONTACTED', l.assigned_staff_id, NULL, l.first_response_at
FROM leads l WHERE l.id > :l0 AND l.first_response_at IS NOT NULL AND l.stage <> 'NEW';
INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, staff_id, note, at)
SELECT l.venue_id, l.id, 'NEGOTIATING', l.stage, l.assigned_staff_id, 'bench', l.stage_changed_at
FROM leads l WHERE l.id > :l0 AND l.stage IN ('BOOKED', 'LOST');
-- the plan (advance due on booking, final 60 days later) and the advance paid
INSERT INTO payment_plan (venue_id, lead_id, milestone, amount, due_date, set_by)
SELECT l.venue_id, l.id, m.milestone, l.amount / 2, (l.stage_changed_at + m.due)::date,
       l.assigned_staff_id
FROM leads l, (VALUES ('advance', interval '0 days'), ('final', interval '60 days')) m(milestone, due)
WHERE l.id > :l0 AND l.stage = 'BOOKED';
INSERT INTO payment_entries (venue_id, lead_id, milestone, amount, received_at, recorded_by,
                             source, external_id)
SELECT l.venue_id, l.id, 'advance', l.amount / 2, l.stage_changed_at, l.assigned_staff_id,
       'legacy', 'bench-' || l.id
FROM leads l WHERE l.id > :l0 AND l.stage = 'BOOKED';

-- 10 messages a lead: lead k's n-th message n minutes after the lead.
INSERT INTO messages (venue_id, lead_id, staff_id, direction, party, type, body, status,
                      error_code, error_title, created_at, status_at)
SELECT :v, :l0 + k, CASE WHEN g % 3 = 2 THEN (:'staff'::bigint[])[1 + k % :nstaff] END,
       CASE WHEN g % 3 = 0 THEN 'in' ELSE 'out' END,
       CASE WHEN g % 3 = 2 THEN 'staff' ELSE 'client' END, 'text',
       'Bench message ' || g || ': assalam o alaikum, 15 March ko 300 mehman, hall available hai?',
       CASE WHEN g % 3 = 0 THEN 'received'
            ELSE (ARRAY['sent', 'delivered', 'read', 'read', 'failed'])[1 + g % 5] END,
       CASE WHEN g % 3 <> 0 AND g % 5 = 4 THEN 131047 END,
       CASE WHEN g % 3 <> 0 AND g % 5 = 4 THEN 'Re-engagement message' END,
       now() - make_interval(secs => k * 631) + make_interval(mins => (g - 1) / :leads),
       now() - make_interval(secs => k * 631) + make_interval(mins => (g - 1) / :leads + 1)
FROM generate_series(1, :messages) g, LATERAL (SELECT 1 + (g - 1) % :leads AS k) t;

INSERT INTO ai_log (venue_id, staff_id, text, engine, intent, slots, confidence, latency_ms,
                    fallback, created_at)
SELECT :v, (:'staff'::bigint[])[1 + g % :nstaff], 'status ' || (:l0 + k),
       CASE WHEN g % 10 = 0 THEN 'gemini' ELSE 'rules' END,
       (ARRAY['lead.status', 'lead.move', 'lead.note', 'followups.list', 'help'])[1 + g % 5],
       jsonb_build_object('lead', (:l0 + k)::text), 0.5 + (g % 50) / 100.0, 1 + g % 40,
       CASE WHEN g % 25 = 0 THEN 'timeout' END,
       now() - make_interval(secs => k * 631) + interval '1 hour'
FROM generate_series(1, :ai) g, LATERAL (SELECT 1 + (g * 7) % :leads AS k) t;

VACUUM ANALYZE;
