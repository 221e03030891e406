-- Scale, part two: one event per client at a time, in order, and only a new
-- client's FIRST message ahead of the queue.
--
-- inbound_events.sender: a message's "from" (the sender's digits as Meta
-- wrote them), NULL for statuses and other events. A worker claims a
-- message only when no earlier event of the same sender is still pending
-- (in progress elsewhere or waiting for a retry): a client's messages are
-- handled in the order they were stored, and two workers never hold one
-- client's rows at once (no deadlock on the contact or the lead).
--
-- priority 0 (012) now goes to a message from a phone with no contact and
-- no pending event yet: the one that opens the lead and queues the
-- greeting. Before, every message of a phone not yet handled was 0, which
-- under a flood put the whole backlog in the first band.
ALTER TABLE inbound_events ADD COLUMN sender text;
CREATE INDEX inbound_events_sender_pending ON inbound_events (sender, id)
    WHERE state = 'pending' AND sender IS NOT NULL;
