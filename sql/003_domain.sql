-- The lead's life (issue 4): notes, the client's language, and the marks that
-- make each automatic reminder go out once.

-- The language the client wrote in (greetings and automated client messages).
ALTER TABLE leads ADD COLUMN client_lang text
    CHECK (client_lang IS NULL OR client_lang IN ('ur', 'roman_ur', 'en'));
-- Day-before site-visit reminder sent for the current visit_at.
ALTER TABLE leads ADD COLUMN visit_reminded_at timestamptz;
-- "No response N days after the quote" reminder sent for the current QUOTED stage.
ALTER TABLE leads ADD COLUMN quote_reminded_at timestamptz;

CREATE TABLE lead_notes (
    id       bigserial PRIMARY KEY,
    venue_id bigint NOT NULL REFERENCES venues(id),
    lead_id  bigint NOT NULL REFERENCES leads(id),
    staff_id bigint REFERENCES staff(id),
    body     text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lead_notes_lead ON lead_notes (lead_id, at);

-- The tick's scans: open leads by last contact, visits, quotes.
CREATE INDEX leads_open_contact_at ON leads (venue_id, last_contact_at)
    WHERE stage NOT IN ('BOOKED', 'LOST');
CREATE INDEX leads_visit ON leads (venue_id, visit_at) WHERE stage = 'SITE_VISIT';
CREATE INDEX followups_staff ON followups (venue_id, staff_id, due_at) WHERE done_at IS NULL;
CREATE INDEX outbox_lead ON outbox (lead_id, created_at) WHERE lead_id IS NOT NULL;
