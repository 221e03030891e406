-- The owner's figures at size (issue 8): what the dashboard and the chat
-- answers read on every call, made cheaper without changing a figure.
--
-- payment_milestones (009): the same definition, but each milestone's money
-- ("direct") comes from one join with the ledger summed by lead and
-- milestone instead of a subquery per milestone, which PostgreSQL pasted
-- into each of the three places that read it (three index probes per plan
-- row: due and overdue of a whole venue, 25,000 milestones, cost about
-- 0.4 s). A filter on lead_id still reaches the ledger's index (the join is
-- on lead_id), so one lead's milestones are read as before.
CREATE OR REPLACE VIEW payment_milestones AS
WITH d AS (
    SELECT p.venue_id, p.lead_id, p.milestone, p.amount AS planned, p.due_date,
           array_position(ARRAY['advance', 'mid', 'final'], p.milestone) AS ord,
           COALESCE(e.direct, 0) AS direct
      FROM payment_plan p
      LEFT JOIN (SELECT e.lead_id, e.milestone, sum(e.amount) AS direct
                   FROM payment_entries e
                  WHERE e.milestone IS NOT NULL
                  GROUP BY e.lead_id, e.milestone) e
        ON e.lead_id = p.lead_id AND e.milestone = p.milestone
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

-- Stale leads (006's leads_stale) counted by salesperson from the index
-- alone: the assignee and the two times are carried in it, so the count is
-- an index-only scan instead of a visit to every open lead's row.
CREATE INDEX leads_stale_staff ON leads (venue_id, (COALESCE(last_contact_at, created_at)))
    INCLUDE (assigned_staff_id, last_contact_at, created_at)
    WHERE stage NOT IN ('BOOKED', 'LOST') AND assigned_staff_id IS NOT NULL;
DROP INDEX leads_stale;
