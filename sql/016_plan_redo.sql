-- Plans that follow the agreed amount (issue 10).
--
-- When a booked lead's agreed amount changes, the milestones finance or the
-- owner did not set by chat share the new amount again (domain/money.c);
-- receipts stay as they are. A milestone whose amount was set in chat
-- (payment.plan) is marked amount_set and keeps it; one whose due date was
-- set in chat is due_set and keeps it when the event date moves (the mid
-- and final payments follow the event otherwise).
--
-- payment_plan_state holds, per lead with a plan, the agreed amount and the
-- event date the plan was last made from, the booking day (no milestone is
-- due before it), and a revision that every change of a plan
-- row moves (a trigger, so no writer can forget it), with the newest
-- revision invoicing has been told of: the plan is pushed again until
-- pushed_revision reaches revision. Every change of a plan row also moves
-- its updated_at.
ALTER TABLE payment_plan ADD COLUMN amount_set boolean NOT NULL DEFAULT false,
                         ADD COLUMN due_set boolean NOT NULL DEFAULT false;

CREATE TABLE payment_plan_state (
    lead_id         bigint PRIMARY KEY REFERENCES leads(id),
    venue_id        bigint NOT NULL REFERENCES venues(id),
    agreed          bigint,                   -- the amount the shares were made from
    event_date      date,                     -- the event date the due dates were made from
    booked_on       date,                     -- the booking day: nothing is due before it
    revision        bigint NOT NULL DEFAULT 0, -- moved by every plan change
    pushed_revision bigint NOT NULL DEFAULT 0, -- the newest revision invoicing has
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Plans made before this migration: revision 1, told to invoicing with the
-- booking when the booking is there.
-- The booking day is not kept anywhere else: the earliest due date (the
-- advance's, due on booking with the shipped config) stands for it.
INSERT INTO payment_plan_state (lead_id, venue_id, agreed, event_date, booked_on, revision,
                                pushed_revision)
SELECT p.lead_id, min(p.venue_id), COALESCE(NULLIF(l.amount, 0), sum(p.amount)), l.event_date,
       min(p.due_date), 1, CASE WHEN l.invoice_booking_id IS NOT NULL THEN 1 ELSE 0 END
  FROM payment_plan p JOIN leads l ON l.id = p.lead_id
 GROUP BY p.lead_id, l.amount, l.event_date, l.invoice_booking_id;

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

-- Writers of the old payments shape give a milestone's amount and due date
-- outright: kept as set, like a change made in chat.
CREATE OR REPLACE FUNCTION payments_view_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.due_date IS NOT NULL THEN
        INSERT INTO payment_plan (venue_id, lead_id, milestone, amount, due_date, amount_set,
                                  due_set)
        VALUES (NEW.venue_id, NEW.lead_id, NEW.milestone, NEW.amount, NEW.due_date, true, true)
        ON CONFLICT (lead_id, milestone) DO UPDATE SET amount = EXCLUDED.amount,
            due_date = EXCLUDED.due_date, amount_set = true, due_set = true, updated_at = now();
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
