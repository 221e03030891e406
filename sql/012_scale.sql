-- Scale: what a new client waits for goes first, and assignment takes no lock.
--
-- inbound_events.priority, set at ingest: 0 a message from a phone no contact
-- has yet (a new client: the greeting), 1 every other message and event,
-- 2 delivery statuses. Workers claim by priority, then due time, then id, so
-- under a flood a new lead is greeted before the backlog of forwards.
ALTER TABLE inbound_events ADD COLUMN priority smallint NOT NULL DEFAULT 1;
DROP INDEX IF EXISTS inbound_events_pending;
CREATE INDEX inbound_events_pending ON inbound_events (priority, next_attempt_at, id)
    WHERE state = 'pending';

-- Round-robin assignment by a sequence (no lock held until the commit, as
-- the venue row's rr_last_staff needed): the n-th new lead goes to the
-- (n mod staff)-th salesperson on duty.
CREATE SEQUENCE IF NOT EXISTS rr_seq;
