-- A send in flight is committed as 'sending' (with a lease in next_attempt_at)
-- before the HTTP call, so no transaction stays open while WhatsApp answers;
-- a 'sending' row whose lease ran out (its process died) is due again.
DROP INDEX IF EXISTS outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state IN ('pending', 'sending');
