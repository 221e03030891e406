-- 021: the lead a salesperson is "on" (what "this" means in their next
-- message) is appended, not upserted. Every notice and forward of a client's
-- message set conversation_state.current_lead_id with an upsert: under load
-- two worker batches that each forwarded to the same salesperson serialized
-- on that row, the second waiting for the first batch's commit (make bench,
-- pg_stat_statements: 1.35 ms a call, mostly that wait). An INSERT takes no
-- lock another batch waits for, so batches no longer queue behind one
-- another on a salesperson.
--
-- The lead is the one of the row with the highest id for the staff member
-- (the last written, as the upsert's last writer won); with none,
-- conversation_state.current_lead_id (written before this migration). The
-- tick deletes every row that is not its staff member's newest
-- (store_convo_compact), so the table stays near one row per salesperson.
CREATE TABLE convo_current (
    id       bigserial PRIMARY KEY,
    staff_id bigint NOT NULL REFERENCES staff(id),
    venue_id bigint NOT NULL REFERENCES venues(id),
    lead_id  bigint NOT NULL REFERENCES leads(id)
);
CREATE INDEX convo_current_staff ON convo_current (staff_id, id);
