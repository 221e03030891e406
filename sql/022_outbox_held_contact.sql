-- 022: the rows held for a contact found by its id alone. Every inbound
-- message releases what was held for its writer (store_contact_inbound),
-- by contact or by phone. With outbox_held on (venue_id, contact_id) and
-- outbox_held_phone on (venue_id, recipient_phone), both partial on
-- state = 'held', a plan made while the outbox was nearly empty (prepared
-- statements keep it) took outbox_held_phone for the contact's rows too,
-- with venue_id its only condition: every held row of the venue read for
-- every inbound message (make bench with auto_explain: 1,654 rows, 43 ms,
-- the top statement). Contact ids are unique across venues, so the contact's
-- rows need no venue column, and no other index can look like this one.
CREATE INDEX outbox_held_contact ON outbox (contact_id) WHERE state = 'held';
DROP INDEX IF EXISTS outbox_held;
