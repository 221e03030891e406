-- 019: the owner's figures at size, round two (issue 8): what is owed (payment_balances)
-- and the AI rows by day (ai_log_days), kept exact by triggers.
--
-- payment_balances: payment_milestones (009, 015) kept as a table, one row
-- per planned milestone, exact at every commit. Due and overdue (the
-- dashboard, the chat's "overdue payments", the digest) read it instead of
-- working the view out over every milestone of the venue on each call
-- (windows over the whole plan and the whole ledger, about 0.2-0.4 s at
-- 25,000 booked leads). The view stays the definition: after every write
-- to payment_plan or payment_entries, a statement trigger works the view
-- out again for the leads that statement touched, and only for them, and
-- writes the rows that changed.
--
-- Each row carries its lead's assignee, kept by a trigger on leads, so due
-- and overdue by salesperson read no lead.
--
-- Two writers of one lead: the trigger locks the lead's row (FOR NO KEY
-- UPDATE, which the ledger's and the plan's foreign keys do not wait for)
-- before it reads the view, so the second one waits for the first to commit
-- and then, in READ COMMITTED (every writer of Rabta), reads the ledger with
-- the first one's entry in it; a reassignment in flight is waited for the
-- same way. Leads are locked in id order, so two statements over several
-- leads cannot deadlock on them.
CREATE TABLE payment_balances (
    lead_id     bigint NOT NULL REFERENCES leads(id),
    milestone   text NOT NULL,
    venue_id    bigint NOT NULL REFERENCES venues(id),
    ord         int,
    planned     bigint NOT NULL,
    due_date    date NOT NULL,
    received    bigint NOT NULL,
    outstanding bigint NOT NULL,
    staff_id    bigint,                 -- the lead's assignee (leads.assigned_staff_id)
    PRIMARY KEY (lead_id, milestone)
);
-- what is still owed, by due date: due (today or later) and overdue
-- (before today) are two ranges of it, read from the index alone
CREATE INDEX payment_balances_owed ON payment_balances (venue_id, due_date)
    INCLUDE (lead_id, outstanding, staff_id) WHERE outstanding <> 0;

-- Works payment_milestones out again for the leads given and writes what
-- changed (a milestone gone from the plan leaves the table).
CREATE FUNCTION payment_balances_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql
SET jit = off AS $$
DECLARE
    l bigint;
BEGIN
    -- one lead at a time: the view is read with lead_id = l, which reaches
    -- the plan's and the ledger's indexes (with = ANY it is not pushed down
    -- and the whole ledger is summed)
    FOR l IN SELECT DISTINCT x FROM unnest(ids) x WHERE x IS NOT NULL ORDER BY x LOOP
        PERFORM 1 FROM leads WHERE id = l FOR NO KEY UPDATE;
        INSERT INTO payment_balances AS b (lead_id, milestone, venue_id, ord, planned, due_date,
                                           received, outstanding, staff_id)
        SELECT m.lead_id, m.milestone, m.venue_id, m.ord, m.planned, m.due_date, m.received,
               m.outstanding, (SELECT assigned_staff_id FROM leads WHERE id = l)
          FROM payment_milestones m WHERE m.lead_id = l
        ON CONFLICT (lead_id, milestone) DO UPDATE
           SET venue_id = EXCLUDED.venue_id, ord = EXCLUDED.ord, planned = EXCLUDED.planned,
               due_date = EXCLUDED.due_date, received = EXCLUDED.received,
               outstanding = EXCLUDED.outstanding, staff_id = EXCLUDED.staff_id
         WHERE (b.venue_id, b.ord, b.planned, b.due_date, b.received, b.outstanding, b.staff_id)
               IS DISTINCT FROM (EXCLUDED.venue_id, EXCLUDED.ord, EXCLUDED.planned,
                                 EXCLUDED.due_date, EXCLUDED.received, EXCLUDED.outstanding,
                                 EXCLUDED.staff_id);
        DELETE FROM payment_balances b
         WHERE b.lead_id = l
           AND NOT EXISTS (SELECT 1 FROM payment_plan p
                            WHERE p.lead_id = b.lead_id AND p.milestone = b.milestone);
    END LOOP;
END $$;

CREATE FUNCTION payment_balances_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM payment_balances_refresh((SELECT array_agg(DISTINCT lead_id) FROM n));
    RETURN NULL;
END $$;
CREATE FUNCTION payment_balances_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM payment_balances_refresh((SELECT array_agg(DISTINCT lead_id) FROM o));
    RETURN NULL;
END $$;
CREATE FUNCTION payment_balances_both() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM payment_balances_refresh((SELECT array_agg(DISTINCT lead_id)
                                        FROM (SELECT lead_id FROM n UNION SELECT lead_id FROM o) x));
    RETURN NULL;
END $$;

-- The ledger takes inserts only (009 refuses the rest); the plan all three.
CREATE TRIGGER payment_balances_entries AFTER INSERT ON payment_entries
    REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION payment_balances_new();
CREATE TRIGGER payment_balances_plan_insert AFTER INSERT ON payment_plan
    REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION payment_balances_new();
CREATE TRIGGER payment_balances_plan_update AFTER UPDATE ON payment_plan
    REFERENCING NEW TABLE AS n OLD TABLE AS o FOR EACH STATEMENT
    EXECUTE FUNCTION payment_balances_both();
CREATE TRIGGER payment_balances_plan_delete AFTER DELETE ON payment_plan
    REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION payment_balances_old();

-- A lead given to someone else takes its milestones with it.
CREATE FUNCTION payment_balances_assignee() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE payment_balances SET staff_id = NEW.assigned_staff_id
     WHERE lead_id = NEW.id AND staff_id IS DISTINCT FROM NEW.assigned_staff_id;
    RETURN NULL;
END $$;
CREATE TRIGGER payment_balances_assignee AFTER UPDATE OF assigned_staff_id ON leads
    FOR EACH ROW WHEN (OLD.assigned_staff_id IS DISTINCT FROM NEW.assigned_staff_id)
    EXECUTE FUNCTION payment_balances_assignee();

-- The plans and receipts already there.
INSERT INTO payment_balances (lead_id, milestone, venue_id, ord, planned, due_date, received,
                              outstanding, staff_id)
SELECT m.lead_id, m.milestone, m.venue_id, m.ord, m.planned, m.due_date, m.received,
       m.outstanding, l.assigned_staff_id
  FROM payment_milestones m JOIN leads l ON l.id = m.lead_id;

-- An emptied plan (TRUNCATE, in a test's clean-up) empties the copy.
CREATE FUNCTION payment_balances_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM payment_balances;
    RETURN NULL;
END $$;
CREATE TRIGGER payment_balances_plan_truncate AFTER TRUNCATE ON payment_plan
    FOR EACH STATEMENT EXECUTE FUNCTION payment_balances_truncated();

-- ai_log_days: the AI rows counted per UTC day, staff member, engine and
-- fallback reason, kept by statement triggers on ai_log (in the writer's
-- transaction, so exact at every commit). A period of the report (local
-- days of the venue) is the whole UTC days inside it from here plus the
-- rows of the two part-days at its ends from ai_log itself (two short
-- ranges of ai_log_created), so a year costs what two days do, in any time
-- zone. ai_log is only inserted into (one row per parse); an UPDATE,
-- DELETE or TRUNCATE by hand is followed too.
CREATE TABLE ai_log_days (
    venue_id bigint NOT NULL REFERENCES venues(id),
    day      date NOT NULL,            -- (created_at AT TIME ZONE 'UTC')::date
    staff_id bigint NOT NULL,          -- 0: none
    engine   text NOT NULL,
    fallback text NOT NULL,            -- '': none
    n        bigint NOT NULL,
    PRIMARY KEY (venue_id, day, staff_id, engine, fallback)
);

CREATE FUNCTION ai_log_days_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO ai_log_days AS d (venue_id, day, staff_id, engine, fallback, n)
        SELECT venue_id, (created_at AT TIME ZONE 'UTC')::date, COALESCE(staff_id, 0), engine,
               COALESCE(fallback, ''), -count(*)
          FROM o WHERE venue_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (venue_id, day, staff_id, engine, fallback) DO UPDATE SET n = d.n + EXCLUDED.n;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO ai_log_days AS d (venue_id, day, staff_id, engine, fallback, n)
        SELECT venue_id, (created_at AT TIME ZONE 'UTC')::date, COALESCE(staff_id, 0), engine,
               COALESCE(fallback, ''), count(*)
          FROM n WHERE venue_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (venue_id, day, staff_id, engine, fallback) DO UPDATE SET n = d.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ai_log_days_insert AFTER INSERT ON ai_log
    REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ai_log_days_add();
CREATE TRIGGER ai_log_days_update AFTER UPDATE ON ai_log
    REFERENCING NEW TABLE AS n OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION ai_log_days_add();
CREATE TRIGGER ai_log_days_delete AFTER DELETE ON ai_log
    REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION ai_log_days_add();
CREATE FUNCTION ai_log_days_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ai_log_days;
    RETURN NULL;
END $$;
CREATE TRIGGER ai_log_days_truncate AFTER TRUNCATE ON ai_log
    FOR EACH STATEMENT EXECUTE FUNCTION ai_log_days_truncated();

INSERT INTO ai_log_days (venue_id, day, staff_id, engine, fallback, n)
SELECT venue_id, (created_at AT TIME ZONE 'UTC')::date, COALESCE(staff_id, 0), engine,
       COALESCE(fallback, ''), count(*)
  FROM ai_log WHERE venue_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
