-- 018: a client's message makes its lead's last_contact_at now, the most
-- frequent write of the leads table (one per client message). With that
-- column in two indexes (003's leads_open_contact_at, 015's
-- leads_stale_staff: key and INCLUDE), every such write was a non-HOT
-- update: a new row version and an entry in each of the table's ten
-- indexes (pg_stat_statements under make bench: the top statement). With
-- no index on it the write is a HOT update (the row's new version on the
-- same page, no index touched), and fillfactor leaves room on a page for it.
--
-- Who read those two indexes: the stale-lead reminders and escalations of
-- the tick (store/lead_due.c) and the report's stale figure
-- (store/reports.c: rep_stale), both "open, assigned, no contact since a
-- time": they now read the open leads of the venue through leads_assignee
-- (venue_id, assigned_staff_id, stage) and check the time on the row
-- (EXPLAIN on 100,000 leads: README, Performance). No list sorts by the
-- column through an index (leads_open_contact_at's predicate never matched
-- the list's WHERE).
DROP INDEX IF EXISTS leads_open_contact_at;
DROP INDEX IF EXISTS leads_stale_staff;
ALTER TABLE leads SET (fillfactor = 85);

-- Rows held for a recipient whose 24-hour window is closed are released
-- when they write, found by contact or by phone (store_outbox_release and
-- the contact's touch): the phone had no index, so every held row of the
-- venue was read for every new client (make bench: 200 held staff notices,
-- read once per new lead). With this one the two conditions each read an index.
CREATE INDEX outbox_held_phone ON outbox (venue_id, recipient_phone) WHERE state = 'held';
