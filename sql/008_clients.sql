-- Clients (issue 9): long texts go as parts in order, texts to someone whose
-- 24-hour window is closed wait ('held') until they write, a changed number
-- is linked, and a message whose sender is not a phone number keeps it.

-- A row that must not go before row after_id has gone (the parts of a long
-- text, and waiting rows released when their recipient writes).
ALTER TABLE outbox ADD COLUMN after_id bigint;
CREATE INDEX outbox_held ON outbox (venue_id, contact_id) WHERE state = 'held';
CREATE INDEX outbox_after ON outbox (after_id) WHERE after_id IS NOT NULL;

-- A client who changed number (a WhatsApp `system` message): the old contact
-- points at the new one.
ALTER TABLE contacts ADD COLUMN moved_to bigint REFERENCES contacts(id);

-- The sender's WhatsApp id as written, when it is not a phone number (the
-- message is kept with no contact).
ALTER TABLE messages ADD COLUMN sender_wa_id text;
