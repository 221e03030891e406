-- The owner's figures (issue 8, src/store/reports.c): indexes for the
-- statements that read a period or "now" at 100,000 leads.

-- Bookings of a period: moves to BOOKED by time.
CREATE INDEX stage_history_booked ON stage_history (venue_id, at) WHERE to_stage = 'BOOKED';
-- Stale leads now: open, assigned, by last contact (or creation).
CREATE INDEX leads_stale ON leads (venue_id, (COALESCE(last_contact_at, created_at)))
    WHERE stage NOT IN ('BOOKED', 'LOST') AND assigned_staff_id IS NOT NULL;
-- Payments received in a period, and those not paid yet (due, overdue).
CREATE INDEX payments_paid ON payments (venue_id, paid_at) WHERE status = 'paid';
CREATE INDEX payments_unpaid ON payments (venue_id, due_date) WHERE status <> 'paid';
-- The funnel: the stage a LOST lead was lost from.
CREATE INDEX stage_history_lost ON stage_history (venue_id, lead_id, at) WHERE to_stage = 'LOST';
