-- The owner's report pages (issue 8, src/store/report_lists.c): indexes for
-- the lists and one lead's timeline at 1,000,000 messages and 200,000
-- ai_log rows.

-- /report/conversations, newest first.
CREATE INDEX messages_created ON messages (venue_id, created_at);
-- The AI decisions about a lead: those whose slots name it ...
CREATE INDEX ai_log_lead ON ai_log (venue_id, (slots->>'lead'));
-- ... and those of the transaction that wrote a follow-up for it (stage
-- moves, notes, audit rows and sends have their lead index already).
CREATE INDEX followups_lead ON followups (lead_id, created_at);
