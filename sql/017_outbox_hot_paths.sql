-- 017: the two outbox look-ups every queued message makes, measured with
-- pg_stat_statements under make bench's flood (8,000 sends waiting for the
-- rate limit): the coalesce probe read every pending row of its key and
-- sorted them (0.7 ms a call), and the 131056 deferral probe of the insert
-- scanned every pending row (2.2 ms a call). With these they read the one
-- row they want, or an empty index.

-- "the newest pending row of this key": ORDER BY id DESC LIMIT 1 walks the
-- index backwards and stops at the first row.
DROP INDEX IF EXISTS outbox_coalesce;
CREATE INDEX outbox_coalesce ON outbox (coalesce_key, id) WHERE state = 'pending';

-- rows deferred by WhatsApp's pair rate limit (131056): usually none, so the
-- insert's "latest deferred send to this recipient" reads an empty index.
CREATE INDEX outbox_deferred ON outbox (recipient_phone, next_attempt_at)
    WHERE state = 'pending' AND error_code = 131056;
