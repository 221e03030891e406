-- Money that adds up (issue 10): an append-only ledger of receipts, a
-- milestone plan per booked lead, and what invoicing has been told.
--
-- payment_entries is never updated or deleted (triggers refuse it); a
-- mistake is corrected by a reversing entry (negative amount, `reverses`
-- naming the entry, a reason), and both stay. What is due comes from
-- payment_plan; received and outstanding per milestone are sums over the
-- ledger (store/ledger.c).

CREATE TABLE payment_entries (
    id          bigserial PRIMARY KEY,
    venue_id    bigint NOT NULL REFERENCES venues(id),
    lead_id     bigint NOT NULL REFERENCES leads(id),
    milestone   text CHECK (milestone IS NULL OR milestone IN ('advance', 'mid', 'final')),
    amount      bigint NOT NULL CHECK (amount <> 0),
    method      text CHECK (method IS NULL OR method IN ('cash', 'bank', 'cheque', 'online', 'card')),
    received_at timestamptz NOT NULL DEFAULT now(),
    recorded_by bigint REFERENCES staff(id),
    source      text NOT NULL CHECK (source IN ('chat', 'invoicing', 'legacy')),
    -- the source's own id (invoicing's payment id, "legacy-<payments.id>"): one entry each
    external_id text,
    note        text,
    reverses    bigint UNIQUE REFERENCES payment_entries(id),
    reason      text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id),
    CHECK ((reverses IS NULL AND amount > 0) OR (reverses IS NOT NULL AND amount < 0
           AND reason IS NOT NULL AND length(btrim(reason)) > 0))
);
CREATE INDEX payment_entries_lead ON payment_entries (lead_id, id);
CREATE INDEX payment_entries_venue ON payment_entries (venue_id, received_at);

CREATE FUNCTION payment_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payment_entries is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER payment_entries_no_update BEFORE UPDATE OR DELETE ON payment_entries
    FOR EACH ROW EXECUTE FUNCTION payment_entries_append_only();
CREATE TRIGGER payment_entries_no_truncate BEFORE TRUNCATE ON payment_entries
    FOR EACH STATEMENT EXECUTE FUNCTION payment_entries_append_only();

-- A reversal names an entry of the same lead that is not itself a reversal,
-- and takes back exactly its amount.
CREATE FUNCTION payment_entries_check_reversal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o payment_entries%ROWTYPE;
BEGIN
    IF NEW.reverses IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT * INTO o FROM payment_entries WHERE id = NEW.reverses;
    IF NOT FOUND OR o.lead_id <> NEW.lead_id OR o.reverses IS NOT NULL
       OR NEW.amount <> -o.amount THEN
        RAISE EXCEPTION 'entry % cannot be reversed by this entry', NEW.reverses
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payment_entries_reversal BEFORE INSERT ON payment_entries
    FOR EACH ROW EXECUTE FUNCTION payment_entries_check_reversal();

-- The plan: one row per milestone of a booked lead, what is due and when.
-- Adjustable (by finance or the owner, audited), unlike the ledger.
CREATE TABLE payment_plan (
    venue_id   bigint NOT NULL REFERENCES venues(id),
    lead_id    bigint NOT NULL REFERENCES leads(id),
    milestone  text NOT NULL CHECK (milestone IN ('advance', 'mid', 'final')),
    amount     bigint NOT NULL CHECK (amount >= 0),
    due_date   date NOT NULL,
    set_by     bigint REFERENCES staff(id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lead_id, milestone)
);
CREATE INDEX payment_plan_due ON payment_plan (venue_id, due_date);

-- Receipts told to invoicing: one row per chat entry, pushed by a job with
-- the key "rabta-entry-<id>"; invoicing's payment id once it answered.
CREATE TABLE invoicing_receipts (
    entry_id   bigint PRIMARY KEY REFERENCES payment_entries(id),
    payment_id text,
    pushed_at  timestamptz
);

-- When the open bookings were last read back from invoicing.
ALTER TABLE leads ADD COLUMN invoice_polled_at timestamptz;

-- The old table's money moves into the ledger and its due dates into the plan.
INSERT INTO payment_entries (venue_id, lead_id, milestone, amount, received_at, recorded_by,
                             source, external_id, note)
SELECT venue_id, lead_id, milestone, amount, COALESCE(paid_at, created_at), recorded_by,
       'legacy', 'legacy-' || id, 'from payments (' || source || ')'
  FROM payments WHERE status IN ('paid', 'partial') AND amount > 0 ORDER BY id;
INSERT INTO payment_plan (venue_id, lead_id, milestone, amount, due_date, set_by)
SELECT venue_id, lead_id, milestone, amount, due_date, recorded_by
  FROM payments WHERE due_date IS NOT NULL;

ALTER TABLE payments RENAME TO payments_legacy;
-- Nothing writes the old table any more.
CREATE TRIGGER payments_legacy_frozen BEFORE INSERT OR UPDATE OR DELETE ON payments_legacy
    FOR EACH ROW EXECUTE FUNCTION payment_entries_append_only();

-- Per planned milestone: what was planned, what came for it (net of
-- reversals), and what is still outstanding. Money for a milestone counts
-- for it; money without one (or for an unplanned milestone) and any excess
-- over a milestone's amount fill the others in order (advance, mid, final).
CREATE VIEW payment_milestones AS
WITH d AS (
    SELECT p.venue_id, p.lead_id, p.milestone, p.amount AS planned, p.due_date,
           array_position(ARRAY['advance', 'mid', 'final'], p.milestone) AS ord,
           COALESCE((SELECT sum(e.amount) FROM payment_entries e
                      WHERE e.lead_id = p.lead_id AND e.milestone = p.milestone), 0) AS direct
      FROM payment_plan p
), pool AS (
    SELECT e.lead_id, sum(e.amount) AS extra
      FROM payment_entries e
     WHERE e.milestone IS NULL OR NOT EXISTS (SELECT 1 FROM payment_plan p
                                              WHERE p.lead_id = e.lead_id
                                                AND p.milestone = e.milestone)
     GROUP BY e.lead_id
), g AS (
    SELECT d.*, d.planned - LEAST(GREATEST(d.direct, 0), d.planned) AS gap,
           COALESCE(pool.extra, 0)
             + sum(GREATEST(d.direct - d.planned, 0)) OVER (PARTITION BY d.lead_id) AS spill
      FROM d LEFT JOIN pool ON pool.lead_id = d.lead_id
)
SELECT venue_id, lead_id, milestone, ord, planned, due_date, direct AS received,
       gap - LEAST(gap, GREATEST(0, spill - COALESCE(sum(gap) OVER (PARTITION BY lead_id
           ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))) AS outstanding
  FROM g;

-- The old shape, read-only, for readers written against it: one row per
-- planned milestone (amount = what is due in all, received = what came,
-- status from what is outstanding) plus money for unplanned milestones.
CREATE VIEW payments AS
SELECT m.venue_id, m.lead_id, m.milestone, m.planned AS amount, m.due_date,
       m.received, m.outstanding,
       (SELECT max(e.received_at) FROM payment_entries e
         WHERE e.lead_id = m.lead_id AND e.milestone = m.milestone) AS paid_at,
       CASE WHEN m.outstanding = 0 THEN 'paid'
            WHEN m.outstanding < m.planned THEN 'partial' ELSE 'due' END AS status
  FROM payment_milestones m
UNION ALL
SELECT min(e.venue_id), e.lead_id, e.milestone, sum(e.amount), NULL::date, sum(e.amount), 0,
       max(e.received_at), 'paid'
  FROM payment_entries e
 WHERE NOT EXISTS (SELECT 1 FROM payment_plan p WHERE p.lead_id = e.lead_id
                   AND p.milestone IS NOT DISTINCT FROM e.milestone)
 GROUP BY e.lead_id, e.milestone HAVING sum(e.amount) > 0;

-- Writers of the old shape (seeds, scripts): a row with a due date becomes
-- a plan milestone, a paid one a ledger entry.
CREATE FUNCTION payments_view_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.due_date IS NOT NULL THEN
        INSERT INTO payment_plan (venue_id, lead_id, milestone, amount, due_date)
        VALUES (NEW.venue_id, NEW.lead_id, NEW.milestone, NEW.amount, NEW.due_date)
        ON CONFLICT (lead_id, milestone) DO UPDATE SET amount = EXCLUDED.amount,
            due_date = EXCLUDED.due_date, updated_at = now();
    END IF;
    IF COALESCE(NEW.status, 'due') IN ('paid', 'partial') AND COALESCE(NEW.received, NEW.amount) > 0
    THEN
        INSERT INTO payment_entries (venue_id, lead_id, milestone, amount, received_at, source,
                                     note)
        VALUES (NEW.venue_id, NEW.lead_id, NEW.milestone, COALESCE(NEW.received, NEW.amount),
                COALESCE(NEW.paid_at, now()), 'legacy', 'written to payments');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payments_insert INSTEAD OF INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_view_insert();
