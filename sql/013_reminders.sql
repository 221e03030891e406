-- Reminders that keep money moving, and nurture sequences (issue 10).
--
-- The tick works out from the plan and the ledger (payment_milestones of
-- 009) what is due; every reminder it sends is claimed here first, in the
-- tick's transaction, so each (lead, subject, kind, due) goes out once. A
-- changed due date is a new key (a new reminder); a milestone paid in full
-- is no longer listed, so nothing more is sent for it. Nurture sequence
-- steps use the same table: subject "seq:NAME", kind "step N", due the
-- Unix second the lead entered the trigger stage.
CREATE TABLE reminders_sent (
    id        bigserial PRIMARY KEY,
    venue_id  bigint NOT NULL REFERENCES venues(id),
    lead_id   bigint NOT NULL REFERENCES leads(id),
    subject   text NOT NULL, -- a milestone (advance, mid, final) or seq:NAME
    kind      text NOT NULL, -- before, due, overdue, owner; step N
    due       text NOT NULL, -- the milestone's due date; the sequence's start
    sent_at   timestamptz NOT NULL DEFAULT now(),
    -- a staff nudge's text for the client: quote-reply "ok" to the nudge sends it
    suggestion text,
    UNIQUE (lead_id, subject, kind, due)
);
CREATE INDEX reminders_sent_venue ON reminders_sent (venue_id, sent_at);
