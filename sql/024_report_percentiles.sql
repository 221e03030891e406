-- 024: the owner's figures over a long period (issue 8, round three): the
-- percentiles of first-response time and greeting latency read from an
-- index in order instead of sorting the period's leads.
--
-- percentile_cont(p) over n values (NULLs left out) is, exactly (PostgreSQL's
-- percentile_cont_final_common): r = p * (n - 1); the values at the 0-based
-- ranks floor(r) and ceil(r) of the ascending order, lo and hi; the result
-- lo + (hi - lo) * (r - floor(r)) in float8 (lo alone when the ranks are
-- equal). With n known (a count the caller has), the two values are the
-- rows at offsets n - 1 - ceil(r) and n - 1 - floor(r) of the descending
-- order: an index kept in that order gives them after reading about
-- (1 - p) * n of the period's entries (the year's p90 of 47,000 leads: 4,700
-- entries, no sort), where percentile_cont reads the period's leads, works
-- the interval out as numeric, casts it to float8 and sorts (the year's
-- dashboard: about 60 % of its time). The value in the index is the same
-- expression percentile_cont sorts (extract(epoch ...) is numeric, cast to
-- float8 by percentile_cont(float8)); a bigint latency sorts as its float8.
--
-- created_at (and the assignee) ride in the indexes, so the period (and the
-- salesperson filter) are checked there; a lead's first reply, its greeting
-- and its reassignment change them (each once or rarely); the touch of every
-- message (last_contact_at, 018) stays a HOT update.
--
-- The columns an expression is made of ride along too, or PostgreSQL reads
-- the lead's row for each entry (the year's p90: 8,300 buffers, 7.4 ms;
-- with them an index-only scan, 65 buffers, 1.3 ms).
CREATE INDEX leads_resp_order ON leads
    (venue_id, (extract(epoch FROM first_response_at - created_at)::float8))
    INCLUDE (created_at, first_response_at, assigned_staff_id) WHERE first_response_at IS NOT NULL;
CREATE INDEX leads_resp_staff_order ON leads
    (venue_id, (COALESCE(assigned_staff_id, 0)),
     (extract(epoch FROM first_response_at - created_at)::float8))
    INCLUDE (created_at, first_response_at, assigned_staff_id) WHERE first_response_at IS NOT NULL;
CREATE INDEX leads_greeting_order ON leads (venue_id, greeting_latency_ms)
    INCLUDE (created_at, assigned_staff_id) WHERE greeting_latency_ms IS NOT NULL;

-- lead_time_pct: percentile_cont(p) of the leads of venue v created in
-- [f, t), of first-response seconds (what = 'resp') or greeting
-- milliseconds ('greeting'), among the leads of salesperson staff (0: all;
-- a lead with no assignee is salesperson 0) and, when grp is not NULL, of
-- the salesperson grp (0: the unassigned). n is how many of those leads have
-- the value (count(resp) / count(g) of the same leads); NULL when n < 1.
CREATE FUNCTION lead_time_pct(v bigint, f timestamptz, t timestamptz, staff bigint, grp bigint,
                              what text, n bigint, p float8) RETURNS float8
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    r    float8;
    lo   bigint;
    hi   bigint;
    who  bigint;
    span float8;
    res  float8;
    a    float8[];
BEGIN
    IF n IS NULL OR n < 1 OR p IS NULL THEN
        RETURN NULL;
    END IF;
    r := p * (n - 1);
    lo := floor(r);
    hi := ceil(r);
    who := CASE WHEN grp IS NOT NULL THEN grp WHEN staff <> 0 THEN staff END;
    IF grp IS NOT NULL AND staff <> 0 AND grp <> staff THEN
        RETURN NULL;
    END IF;
    IF what NOT IN ('resp', 'greeting') THEN
        RAISE EXCEPTION 'lead_time_pct: unknown value %', what;
    END IF;
    -- The index pays when the entries it reads before the two, about
    -- (n - lo) times the venue's leads over the period's (taken as the
    -- venue's days over the period's), are fewer than twice the period's
    -- (which percentile_cont would read and sort): a year's p90 and p50,
    -- any p99. Otherwise (a month's p90) the period's leads are sorted, by
    -- percentile_cont itself.
    SELECT extract(epoch FROM GREATEST(t, now()) - min(l.created_at))
           / GREATEST(extract(epoch FROM t - f), 1)
      INTO span FROM leads l WHERE l.venue_id = v;
    IF span IS NULL OR (n - lo) * span > 2 * n THEN
        IF what = 'resp' THEN
            SELECT percentile_cont(p) WITHIN GROUP
                       (ORDER BY extract(epoch FROM l.first_response_at - l.created_at))
              INTO res FROM leads l
             WHERE l.venue_id = v AND l.created_at >= f AND l.created_at < t
               AND (who IS NULL OR COALESCE(l.assigned_staff_id, 0) = who);
        ELSE
            SELECT percentile_cont(p) WITHIN GROUP (ORDER BY l.greeting_latency_ms)
              INTO res FROM leads l
             WHERE l.venue_id = v AND l.created_at >= f AND l.created_at < t
               AND (who IS NULL OR COALESCE(l.assigned_staff_id, 0) = who);
        END IF;
        RETURN res;
    END IF;
    IF what = 'resp' AND who IS NULL THEN
        SELECT array_agg(x ORDER BY x) INTO a FROM (
            SELECT extract(epoch FROM l.first_response_at - l.created_at)::float8 AS x
              FROM leads l
             WHERE l.venue_id = v AND l.first_response_at IS NOT NULL
               AND l.created_at >= f AND l.created_at < t
             ORDER BY 1 DESC OFFSET n - 1 - hi LIMIT hi - lo + 1) s;
    ELSIF what = 'resp' THEN
        SELECT array_agg(x ORDER BY x) INTO a FROM (
            SELECT extract(epoch FROM l.first_response_at - l.created_at)::float8 AS x
              FROM leads l
             WHERE l.venue_id = v AND l.first_response_at IS NOT NULL
               AND COALESCE(l.assigned_staff_id, 0) = who
               AND l.created_at >= f AND l.created_at < t
             ORDER BY COALESCE(l.assigned_staff_id, 0) DESC, 1 DESC
             OFFSET n - 1 - hi LIMIT hi - lo + 1) s;
    ELSIF what = 'greeting' THEN
        SELECT array_agg(x ORDER BY x) INTO a FROM (
            SELECT l.greeting_latency_ms::float8 AS x
              FROM leads l
             WHERE l.venue_id = v AND l.greeting_latency_ms IS NOT NULL
               AND (who IS NULL OR COALESCE(l.assigned_staff_id, 0) = who)
               AND l.created_at >= f AND l.created_at < t
             ORDER BY l.greeting_latency_ms DESC OFFSET n - 1 - hi LIMIT hi - lo + 1) s;
    ELSE
        RAISE EXCEPTION 'lead_time_pct: unknown value %', what;
    END IF;
    IF a IS NULL THEN
        RETURN NULL;
    END IF;
    IF hi > lo THEN
        RETURN a[1] + (a[2] - a[1]) * (r - lo);
    END IF;
    RETURN a[1];
END $$;
