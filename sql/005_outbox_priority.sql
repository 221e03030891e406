-- What a client waits for (the greeting, a salesperson's reply) goes before
-- staff notices and forwards when sends queue up behind the rate limit.
ALTER TABLE outbox ADD COLUMN priority smallint NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS outbox_due;
CREATE INDEX outbox_due ON outbox (priority DESC, next_attempt_at, id)
    WHERE state IN ('pending', 'sending');
