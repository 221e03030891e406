-- What the sandbox Graph endpoint (no WHATSAPP_TOKEN) was asked to send, so
-- `rabta chat` can show the bot's replies.
CREATE TABLE sandbox_messages (
    id              bigserial PRIMARY KEY,
    phone_number_id text NOT NULL,
    recipient       text,
    wamid           text NOT NULL UNIQUE,
    request         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sandbox_messages_recipient ON sandbox_messages (recipient, id);
