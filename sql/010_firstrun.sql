-- WhatsApp account_update changes (ACCOUNT_RESTRICTION, DISABLED_UPDATE,
-- ACCOUNT_VIOLATION, VERIFIED_ACCOUNT ...): the inbound event keeps the raw
-- value (kind 'other', payload {"account_update": ...}); this keeps what it
-- said, one row per change, for the admin and the owner to look back on.
CREATE TABLE account_updates (
    id          bigserial PRIMARY KEY,
    venue_id    bigint REFERENCES venues(id),
    event_id    bigint REFERENCES inbound_events(id),
    event       text NOT NULL,          -- ACCOUNT_RESTRICTION ...
    restricts   boolean NOT NULL,       -- limits what the number can send
    detail      text,                   -- restriction types, ban state, violation
    until_at    timestamptz,            -- the restriction's expiration, when given
    value       jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_updates_venue ON account_updates (venue_id, received_at);
