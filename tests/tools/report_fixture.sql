-- tests/tools/report_fixture.sql - a venue with KNOWN report figures.
--
-- Loaded by tests/e2e/120-report-figures.sh (psql -v ON_ERROR_STOP=1) into a
-- migrated, seeded database (its one venue, the staff of config/rabta.conf). Times
-- are local (Asia/Karachi, UTC+5) through lt(); figures of a period are fixed
-- (December 2025, January 2026); "now" figures (stale leads, due and overdue
-- payments, overdue follow-ups) are relative to now(): the stale leads' last
-- contact was 30 hours ago (past the 24-hour reminder, short of the 48-hour
-- escalation that would hand them to someone else under a running serve),
-- the others' an hour ago. The figures every
-- period must show are worked out by hand in the test, from this table:
--
-- lead src      campaign       staff  stage now    amount    created (local)   1st reply  greet ms
-- J1   whatsapp                Bilal  BOOKED       8,00,000  2026-01-01 00:30  600 s      1000
-- J2   whatsapp                Bilal  CONTACTED              2026-01-05 10:00  1200 s     2000  stale
-- J3   whatsapp                Sara   NEW                    2026-01-06 10:00  -          3000
-- J4   meta     Winter Promo   Sara   BOOKED      12,00,000  2026-01-10 10:00  1800 s     4000
-- J5   meta     Winter Promo   Usman  QUOTED       5,00,000  2026-01-12 10:00  3600 s     5000
-- J6   meta     Shaadi Season  Usman  LOST                   2026-01-15 10:00  600 s      6000
-- J7   walk_in                 Bilal  SITE_VISIT             2026-01-20 10:00  300 s      7000
-- J8   walk_in                 Bilal  NEGOTIATING  7,00,000  2026-01-31 23:30  900 s      8000  stale
-- D1   whatsapp                Bilal  BOOKED      10,00,000  2025-12-01 10:00  1200 s
-- D2   meta     Winter Promo   Sara   BOOKED       6,00,000  2025-12-10 10:00  2400 s
-- D3   whatsapp                Usman  LOST                   2025-12-15 10:00  600 s
-- D4   walk_in                 Bilal  CONTACTED              2025-12-20 10:00  1800 s
-- D5   whatsapp                Sara   NEW                    2025-12-31 23:30  -                stale
-- F1   whatsapp                Usman  NEW                    2026-02-01 00:10  -                stale
--
-- Moves to BOOKED: D1 2025-12-28, D2 2026-01-03, J1 2026-01-20, J4 2026-01-31 23:50.
-- J6: NEW -> CONTACTED -> LOST. Payments: J1 advance 2,00,000 paid 2026-01-21,
-- J1 final 6,00,000 due in 10 days, J4 advance 3,00,000 paid 2026-01-31 23:55,
-- J4 final 9,00,000 due 5 days ago, D1 advance 5,00,000 paid 2025-12-29,
-- D1 final 5,00,000 due 20 days ago, D2 advance 1,50,000 due in 30 days (every
-- milestone is planned with a date, so a receipt fills its own milestone).
-- ai_log in January: rules 3 (2 with fallback timeout), gemini 2; December: rules 1 (invalid).
-- A follow-up of J2 (Bilal) 2 hours overdue.

BEGIN;
CREATE TEMP TABLE fx (name text, source text, campaign text, staff text, stage text,
    amount bigint, created text, resp int, greet int, stale boolean);
INSERT INTO fx VALUES
 ('J1', 'whatsapp', NULL, 'Bilal Ahmed', 'BOOKED', 800000, '2026-01-01 00:30', 600, 1000, false),
 ('J2', 'whatsapp', NULL, 'Bilal Ahmed', 'CONTACTED', NULL, '2026-01-05 10:00', 1200, 2000, true),
 ('J3', 'whatsapp', NULL, 'Sara Khan', 'NEW', NULL, '2026-01-06 10:00', NULL, 3000, false),
 ('J4', 'meta', 'Winter Promo', 'Sara Khan', 'BOOKED', 1200000, '2026-01-10 10:00', 1800, 4000, false),
 ('J5', 'meta', 'Winter Promo', 'Usman Tariq', 'QUOTED', 500000, '2026-01-12 10:00', 3600, 5000, false),
 ('J6', 'meta', 'Shaadi Season', 'Usman Tariq', 'LOST', NULL, '2026-01-15 10:00', 600, 6000, false),
 ('J7', 'walk_in', NULL, 'Bilal Ahmed', 'SITE_VISIT', NULL, '2026-01-20 10:00', 300, 7000, false),
 ('J8', 'walk_in', NULL, 'Bilal Ahmed', 'NEGOTIATING', 700000, '2026-01-31 23:30', 900, 8000, true),
 ('D1', 'whatsapp', NULL, 'Bilal Ahmed', 'BOOKED', 1000000, '2025-12-01 10:00', 1200, NULL, false),
 ('D2', 'meta', 'Winter Promo', 'Sara Khan', 'BOOKED', 600000, '2025-12-10 10:00', 2400, NULL, false),
 ('D3', 'whatsapp', NULL, 'Usman Tariq', 'LOST', NULL, '2025-12-15 10:00', 600, NULL, false),
 ('D4', 'walk_in', NULL, 'Bilal Ahmed', 'CONTACTED', NULL, '2025-12-20 10:00', 1800, NULL, false),
 ('D5', 'whatsapp', NULL, 'Sara Khan', 'NEW', NULL, '2025-12-31 23:30', NULL, NULL, true),
 ('F1', 'whatsapp', NULL, 'Usman Tariq', 'NEW', NULL, '2026-02-01 00:10', NULL, NULL, true);

CREATE FUNCTION pg_temp.v() RETURNS bigint LANGUAGE sql
    AS $$ SELECT min(id) FROM venues $$;
CREATE FUNCTION pg_temp.lt(text) RETURNS timestamptz LANGUAGE sql IMMUTABLE
    AS $$ SELECT $1::timestamp AT TIME ZONE 'Asia/Karachi' $$;
CREATE FUNCTION pg_temp.lead(text) RETURNS bigint LANGUAGE sql
    AS $$ SELECT id FROM leads WHERE venue_id = pg_temp.v() AND name = $1 $$;
CREATE FUNCTION pg_temp.staff(text) RETURNS bigint LANGUAGE sql
    AS $$ SELECT id FROM staff WHERE venue_id = pg_temp.v() AND name = $1 $$;

INSERT INTO leads (venue_id, name, source, campaign, stage, assigned_staff_id, amount,
                   created_at, first_response_at, greeting_latency_ms, greeted_at,
                   last_contact_at, stage_changed_at)
SELECT pg_temp.v(), name, source, campaign, stage, pg_temp.staff(staff), amount, pg_temp.lt(created),
       pg_temp.lt(created) + make_interval(secs => resp), greet,
       CASE WHEN greet IS NOT NULL THEN pg_temp.lt(created) + make_interval(secs => greet / 1000.0) END,
       now() - CASE WHEN stale THEN interval '30 hours' ELSE interval '1 hour' END,
       pg_temp.lt(created)
FROM fx ORDER BY created;

INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, staff_id, at) VALUES
 (pg_temp.v(), pg_temp.lead('D1'), 'NEGOTIATING', 'BOOKED', pg_temp.staff('Bilal Ahmed'), pg_temp.lt('2025-12-28 12:00')),
 (pg_temp.v(), pg_temp.lead('D2'), 'QUOTED', 'BOOKED', pg_temp.staff('Sara Khan'), pg_temp.lt('2026-01-03 12:00')),
 (pg_temp.v(), pg_temp.lead('J1'), 'NEGOTIATING', 'BOOKED', pg_temp.staff('Bilal Ahmed'), pg_temp.lt('2026-01-20 12:00')),
 (pg_temp.v(), pg_temp.lead('J4'), 'QUOTED', 'BOOKED', pg_temp.staff('Sara Khan'), pg_temp.lt('2026-01-31 23:50')),
 (pg_temp.v(), pg_temp.lead('J6'), 'NEW', 'CONTACTED', pg_temp.staff('Usman Tariq'), pg_temp.lt('2026-01-15 10:10')),
 (pg_temp.v(), pg_temp.lead('J6'), 'CONTACTED', 'LOST', pg_temp.staff('Usman Tariq'), pg_temp.lt('2026-01-16 10:00'));

INSERT INTO payments (venue_id, lead_id, milestone, amount, due_date, paid_at, status) VALUES
 (pg_temp.v(), pg_temp.lead('J1'), 'advance', 200000, '2026-01-21', pg_temp.lt('2026-01-21 12:00'), 'paid'),
 (pg_temp.v(), pg_temp.lead('J1'), 'final', 600000, (now() AT TIME ZONE 'Asia/Karachi')::date + 10, NULL, 'due'),
 (pg_temp.v(), pg_temp.lead('J4'), 'advance', 300000, '2026-01-31', pg_temp.lt('2026-01-31 23:55'), 'paid'),
 (pg_temp.v(), pg_temp.lead('J4'), 'final', 900000, (now() AT TIME ZONE 'Asia/Karachi')::date - 5, NULL, 'due'),
 (pg_temp.v(), pg_temp.lead('D1'), 'advance', 500000, '2025-12-29', pg_temp.lt('2025-12-29 12:00'), 'paid'),
 (pg_temp.v(), pg_temp.lead('D1'), 'final', 500000, (now() AT TIME ZONE 'Asia/Karachi')::date - 20, NULL, 'due'),
 (pg_temp.v(), pg_temp.lead('D2'), 'advance', 150000, (now() AT TIME ZONE 'Asia/Karachi')::date + 30, NULL, 'due');

INSERT INTO ai_log (venue_id, staff_id, text, engine, intent, fallback, latency_ms, created_at) VALUES
 (pg_temp.v(), pg_temp.staff('Bilal Ahmed'), 'a', 'rules', 'lead.status', NULL, 1, pg_temp.lt('2026-01-02 10:00')),
 (pg_temp.v(), pg_temp.staff('Bilal Ahmed'), 'b', 'rules', 'lead.status', 'timeout', 4000, pg_temp.lt('2026-01-03 10:00')),
 (pg_temp.v(), pg_temp.staff('Sara Khan'), 'c', 'rules', 'unknown', 'timeout', 4000, pg_temp.lt('2026-01-04 10:00')),
 (pg_temp.v(), pg_temp.staff('Sara Khan'), 'd', 'gemini', 'lead.move', NULL, 900, pg_temp.lt('2026-01-05 10:00')),
 (pg_temp.v(), pg_temp.staff('Usman Tariq'), 'e', 'gemini', 'lead.note', NULL, 800, pg_temp.lt('2026-01-31 23:59')),
 (pg_temp.v(), pg_temp.staff('Usman Tariq'), 'f', 'rules', 'unknown', 'invalid', 5, pg_temp.lt('2025-12-31 23:59'));

INSERT INTO followups (venue_id, lead_id, staff_id, due_at, note) VALUES
 (pg_temp.v(), pg_temp.lead('J2'), pg_temp.staff('Bilal Ahmed'), now() - interval '2 hours', 'call back');
COMMIT;
