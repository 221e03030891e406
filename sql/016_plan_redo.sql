-- Plans that follow the agreed amount (issue 10).
--
-- When a booked lead's agreed amount changes, the milestones finance or the
-- owner did not set by chat share the new amount again (domain/money.c);
-- receipts stay as they are. A milestone whose amount was set in chat
-- (payment.plan) is marked amount_set and keeps it.
--
-- payment_plan_state holds, per lead with a plan, the agreed amount the
-- shares were last made from, and a revision that every change of a plan
-- row moves (a trigger, so no writer can forget it), with the newest
-- revision invoicing has been told of: the plan is pushed again until
-- pushed_revision reaches revision. Every change of a plan row also moves
-- its updated_at.
ALTER TABLE payment_plan ADD COLUMN amount_set boolean NOT NULL DEFAULT false;

CREATE TABLE payment_plan_state (
    lead_id         bigint PRIMARY KEY REFERENCES leads(id),
    venue_id        bigint NOT NULL REFERENCES venues(id),
    agreed          bigint,                   -- the amount the shares were made from
    revision        bigint NOT NULL DEFAULT 0, -- moved by every plan change
    pushed_revision bigint NOT NULL DEFAULT 0, -- the newest revision invoicing has
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Plans made before this migration: revision 1, told to invoicing with the
-- booking when the booking is there.
INSERT INTO payment_plan_state (lead_id, venue_id, agreed, revision, pushed_revision)
SELECT p.lead_id, min(p.venue_id), COALESCE(NULLIF(l.amount, 0), sum(p.amount)), 1,
       CASE WHEN l.invoice_booking_id IS NOT NULL THEN 1 ELSE 0 END
  FROM payment_plan p JOIN leads l ON l.id = p.lead_id
 GROUP BY p.lead_id, l.amount, l.invoice_booking_id;

CREATE FUNCTION payment_plan_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.amount IS NOT DISTINCT FROM OLD.amount
       AND NEW.due_date IS NOT DISTINCT FROM OLD.due_date THEN
        RETURN NEW;
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER payment_plan_touch BEFORE UPDATE ON payment_plan
    FOR EACH ROW EXECUTE FUNCTION payment_plan_touch();

CREATE FUNCTION payment_plan_revise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.amount IS NOT DISTINCT FROM OLD.amount
       AND NEW.due_date IS NOT DISTINCT FROM OLD.due_date THEN
        RETURN NULL;
    END IF;
    INSERT INTO payment_plan_state (lead_id, venue_id, revision)
    VALUES (NEW.lead_id, NEW.venue_id, 1)
    ON CONFLICT (lead_id) DO UPDATE SET revision = payment_plan_state.revision + 1,
        updated_at = now();
    RETURN NULL;
END $$;
CREATE TRIGGER payment_plan_revise AFTER INSERT OR UPDATE ON payment_plan
    FOR EACH ROW EXECUTE FUNCTION payment_plan_revise();
