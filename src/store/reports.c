/*
 * reports.c - the figures of the owner's view (reports.h), in SQL.
 *
 * Each figure is one statement: the group key is one of a few fixed SQL
 * expressions (key_sql), the totals come from the same statement through
 * GROUPING SETS, so a total's percentile is over all rows, not a mean.
 * Every value is a parameter; only the fixed fragments below are pasted.
 */
#include "store/reports.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const rep_stage_names[REP_STAGES] = {"NEW",    "CONTACTED",   "QUALIFIED", "SITE_VISIT",
                                                 "QUOTED", "NEGOTIATING", "BOOKED",    "LOST"};

#define STAGE_ARRAY                                                                                \
    "ARRAY['NEW','CONTACTED','QUALIFIED','SITE_VISIT','QUOTED','NEGOTIATING','BOOKED','LOST']"

/* A local date ($n) as the instant its day begins in the zone $z. */
#define DAY(n, z) "(" n "::date::timestamp AT TIME ZONE " z ")"

int rep_tune(struct dbconn *c)
{
    int rc = db_exec(c, "SET LOCAL jit = off", 0, NULL, NULL);

    return rc ? rc : db_exec(c, "SET LOCAL work_mem = '32MB'", 0, NULL, NULL);
}

struct rep_query rep_query_make(int64_t venue_id, const char *tz, const struct period *p,
                                int64_t now_s, int stale_hours)
{
    struct rep_query q;

    memset(&q, 0, sizeof(q));
    q.venue_id = venue_id;
    q.tz = tz;
    q.from = p->from;
    q.to = p->to;
    q.now_s = now_s;
    q.stale_hours = stale_hours;
    return q;
}

int rep_by_parse(const char *word, enum rep_by *out)
{
    static const struct {
        const char *w;
        enum rep_by by;
    } words[] = {{"", REP_BY_NONE},         {"none", REP_BY_NONE},
                 {"source", REP_BY_SOURCE}, {"campaign", REP_BY_CAMPAIGN},
                 {"staff", REP_BY_STAFF},   {"stage", REP_BY_STAGE},
                 {"month", REP_BY_MONTH}};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcmp(word ? word : "", words[i].w) == 0) {
            *out = words[i].by;
            return RB_OK;
        }
    }
    return RB_EPARSE;
}

void rep_table_init(struct rep_table *t)
{
    memset(t, 0, sizeof(*t));
    t->total.resp_avg_s = t->total.resp_p90_s = -1;
}

void rep_table_release(struct rep_table *t)
{
    if (t) {
        free(t->rows);
        rep_table_init(t);
    }
}

static void row_init(struct rep_row *r)
{
    memset(r, 0, sizeof(*r));
    r->resp_avg_s = r->resp_p90_s = -1;
}

static struct rep_row *table_push(struct rep_table *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct rep_row *p = realloc(t->rows, cap * sizeof(*p));

        if (!p) {
            return NULL;
        }
        t->rows = p;
        t->cap = cap;
    }
    row_init(&t->rows[t->n]);
    return &t->rows[t->n++];
}

/* ---- the group key ---- */

/* The key and id expressions of a grouping; when is the time column that a
 * month is taken from. Rows are l (leads) and s (the assignee). */
static void key_sql(enum rep_by by, const char *when, char *key, size_t n, char *id, size_t idn)
{
    snprintf(id, idn, "0::bigint");
    switch (by) {
    case REP_BY_NONE:
        snprintf(key, n, "''::text");
        break;
    case REP_BY_SOURCE:
        snprintf(key, n, "l.source");
        break;
    case REP_BY_CAMPAIGN:
        snprintf(key, n, "COALESCE(l.campaign, '')");
        break;
    case REP_BY_STAFF:
        snprintf(key, n, "COALESCE(s.name, '')");
        snprintf(id, idn, "COALESCE(l.assigned_staff_id, 0)");
        break;
    case REP_BY_STAGE:
        snprintf(key, n, "l.stage");
        break;
    case REP_BY_MONTH:
        snprintf(key, n, "to_char(%s AT TIME ZONE $4, 'YYYY-MM')", when);
        break;
    }
}

/* ORDER BY for the grouped rows: totals last is not needed (read apart). */
static const char *order_sql(enum rep_by by, const char *figure)
{
    (void)figure;
    switch (by) {
    case REP_BY_STAGE:
        return "array_position(" STAGE_ARRAY ", k)";
    case REP_BY_MONTH:
        return "k";
    default:
        return NULL;
    }
}

/*
 * Runs sql (grouped: columns grouping flag, k, sid, then one column per
 * field) and fills out: rows, and total from the row whose flag is 1.
 * fields are offsets of int64_t members of struct rep_row.
 */
static int run_grouped(struct dbconn *c, const char *sql, int np, const char *const *p,
                       const size_t *fields, size_t nf, struct rep_table *out)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql, np, p, &r);

    rep_table_release(out);
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        struct rep_row *row = db_bool(r, i, 0) ? &out->total : table_push(out);

        if (!row) {
            rc = RB_ENOMEM;
            break;
        }
        if (row == &out->total) {
            row_init(row);
        }
        snprintf(row->key, sizeof(row->key), "%s", db_str(r, i, 1) ? db_str(r, i, 1) : "");
        row->id = db_i64(r, i, 2);
        for (size_t f = 0; f < nf; f++) {
            *(int64_t *)(void *)((char *)row + fields[f]) = db_i64(r, i, 3 + (int)f);
        }
    }
    if (rc) {
        rep_table_release(out);
    }
    PQclear(r);
    return rc;
}

/* The grouped SELECT around inner (a query yielding columns k, sid, ...):
 * GROUPING SETS ((k, sid), ()) or just () for REP_BY_NONE. */
static int build(char *sql, size_t n, enum rep_by by, const char *inner, const char *aggs,
                 const char *having, const char *figure)
{
    const char *ord = order_sql(by, figure);
    char order[256];
    int w;

    if (by == REP_BY_NONE) {
        snprintf(order, sizeof(order), "1");
    } else if (ord) {
        snprintf(order, sizeof(order), "1 DESC, %s", ord);
    } else {
        snprintf(order, sizeof(order), "1 DESC, %s DESC, k", figure);
    }
    if (by == REP_BY_NONE) {
        /* one aggregate over everything: the total alone */
        w = snprintf(sql, n, "SELECT true, '', 0, %s FROM (%s) x", aggs, inner);
    } else {
        w = snprintf(sql, n,
                     "SELECT GROUPING(k, sid) <> 0, k, sid, %s FROM (%s) x"
                     " GROUP BY GROUPING SETS ((k, sid), ()) %s ORDER BY %s",
                     aggs, inner, having ? having : "", order);
    }
    return w > 0 && (size_t)w < n ? RB_OK : RB_EINTERNAL;
}

struct params {
    char v[24], from[11], to[11], now[24], hours[24], staff[24];
    const char *p[7];
};

static void params_make(const struct rep_query *q, struct params *ps)
{
    date_format(q->from, ps->from);
    date_format(q->to, ps->to);
    ps->p[0] = db_i64s(q->venue_id, ps->v);
    ps->p[1] = ps->from;
    ps->p[2] = ps->to;
    ps->p[3] = q->tz && q->tz[0] ? q->tz : "UTC";
    ps->p[4] = db_i64s(q->staff_id, ps->staff);
    ps->p[5] = db_i64s(q->now_s, ps->now);
    ps->p[6] = db_i64s(q->stale_hours, ps->hours);
}

/* $1 venue, $2 from, $3 to, $4 zone, $5 staff filter, $6 now, $7 stale hours */
#define IN_PERIOD(col) col " >= " DAY("$2", "$4") " AND " col " < " DAY("$3", "$4")
#define STAFF_FILTER " AND ($5::bigint = 0 OR l.assigned_staff_id = $5::bigint)"
#define LEAD_JOIN " FROM leads l LEFT JOIN staff s ON s.id = l.assigned_staff_id"
/* the local date of now */
#define TODAY "(to_timestamp($6::bigint) AT TIME ZONE $4)::date"
#define USE_ALL " AND $6::bigint IS NOT NULL AND $7::int IS NOT NULL"

/* The lead of each row (id expression idx) joined as alias a with the
 * columns cols, one probe of leads_pkey a row: a year's 6,000 bookings or
 * receipts were planned as a hash join over a scan of every lead of every
 * year (20-30 ms at 100,000 leads against 3-6 ms; OFFSET 0 keeps the
 * subquery from being flattened into that join). */
#define LEAD_BY_ID(idx, a, cols)                                                                   \
    " JOIN LATERAL (SELECT " cols " FROM leads " a " WHERE " a ".id = " idx " OFFSET 0) " a        \
    " ON true"

#define OFF(f) offsetof(struct rep_row, f)

/* The aggregates of rep_leads over rows with columns stage, amount, resp
 * (the interval first_response_at - created_at); P90 the first-response
 * p90 (LEAD_P90_SORT, LEAD_P90_INDEX). The average is avg(extract(epoch
 * FROM resp)) to the digit: extract is linear in an interval's days and
 * microseconds (timestamptz - timestamptz has no months) and an interval
 * sum is exact, so the numeric sum divided by the count (what avg does)
 * is the same numeric; summing intervals costs no numeric a row. */
#define LEAD_AGGS(P90)                                                                             \
    "count(*), count(resp), count(*) FILTER (WHERE stage = 'BOOKED'), count(resp),"                \
    " COALESCE(round(extract(epoch FROM sum(resp)) / NULLIF(count(resp), 0))::bigint, -1),"        \
    " COALESCE(round(" P90 ")::bigint, -1),"                                                       \
    " COALESCE(sum(amount), 0)::bigint"
/* A period this long or longer reads the percentiles from the indexes of
 * lead_time_pct (sql/024); a shorter one sorts its few leads. */
#define LS_LONG_DAYS 45
#define LEAD_P90_SORT "percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resp))"
/* The same value read in order from an index (lead_time_pct, sql/024) for
 * the period's leads (of salesperson grp, NULL: all, within the filter $5),
 * n those with a reply: no sort of the period's leads, so a year costs
 * what a month does. Only for all leads or a salesperson's. */
#define LEAD_P90_INDEX(grp)                                                                        \
    "lead_time_pct($1, " DAY("$2", "$4") ", " DAY("$3", "$4") ", $5, " grp ", 'resp',"             \
                                                              " count(resp), 0.9)"

static const size_t lead_fields[] = {OFF(leads),      OFF(contacted),  OFF(booked),  OFF(resp_n),
                                     OFF(resp_avg_s), OFF(resp_p90_s), OFF(pipeline)};
static const size_t booking_fields[] = {OFF(bookings), OFF(revenue)};
static const size_t stale_fields[] = {OFF(stale)};
static const size_t pay_fields[] = {OFF(received), OFF(received_n), OFF(due),
                                    OFF(due_n),    OFF(overdue),    OFF(overdue_n)};
static const size_t fu_fields[] = {OFF(overdue_followups)};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Builds the grouped statement around inner (see build) and fills out. */
static int figure(struct dbconn *c, const struct rep_query *q, enum rep_by by, const char *inner,
                  const char *aggs, const char *having, const char *fig, const size_t *fields,
                  size_t nf, struct rep_table *out)
{
    char sql[3072];
    struct params ps;
    int rc = build(sql, sizeof(sql), by, inner, aggs, having, fig);

    if (rc) {
        return rc;
    }
    params_make(q, &ps);
    return run_grouped(c, sql, 7, ps.p, fields, nf, out);
}

int rep_leads(struct dbconn *c, const struct rep_query *q, enum rep_by by, struct rep_table *out)
{
    char key[160], id[64], inner[1024];

    key_sql(by, "l.created_at", key, sizeof(key), id, sizeof(id));
    snprintf(inner, sizeof(inner),
             "SELECT %s AS k, %s AS sid, l.stage, l.amount,"
             " l.first_response_at - l.created_at AS resp" LEAD_JOIN
             " WHERE l.venue_id = $1 AND " IN_PERIOD("l.created_at") STAFF_FILTER USE_ALL,
             key, id);
    /* over a long period the p90 of all leads and by salesperson from the
     * index; a short period's, and by source, campaign, stage or month (a
     * chat answer's few groups), sorted */
    bool lng = date_to_days(q->to) - date_to_days(q->from) >= LS_LONG_DAYS;

    return figure(c, q, by, inner,
                  by == REP_BY_NONE && lng ? LEAD_AGGS(LEAD_P90_INDEX("NULL::bigint"))
                  : by == REP_BY_STAFF && lng
                      ? LEAD_AGGS(LEAD_P90_INDEX("CASE WHEN GROUPING(k, sid) = 0 THEN sid END"))
                      : LEAD_AGGS(LEAD_P90_SORT),
                  NULL, "count(*)", lead_fields, N(lead_fields), out);
}

int rep_bookings(struct dbconn *c, const struct rep_query *q, enum rep_by by, struct rep_table *out)
{
    char key[160], id[64], inner[1400];

    key_sql(by, "b.at", key, sizeof(key), id, sizeof(id));
    snprintf(
        inner, sizeof(inner),
        "SELECT %s AS k, %s AS sid, l.amount FROM (SELECT DISTINCT ON (h.lead_id)"
        " h.lead_id, h.at FROM stage_history h WHERE h.venue_id = $1"
        " AND h.to_stage = 'BOOKED' AND " IN_PERIOD("h.at") " ORDER BY h.lead_id, h.at) b" LEAD_BY_ID(
            "b.lead_id", "l",
            "*") " LEFT JOIN staff s ON s.id = l.assigned_staff_id WHERE l.stage = 'BOOKED'" STAFF_FILTER
            USE_ALL,
        key, id);
    return figure(c, q, by, inner, "count(*), COALESCE(sum(amount), 0)::bigint", NULL, "count(*)",
                  booking_fields, N(booking_fields), out);
}

int rep_stale(struct dbconn *c, const struct rep_query *q, enum rep_by by, struct rep_table *out)
{
    char key[160], id[64], inner[1024];

    key_sql(by, "l.created_at", key, sizeof(key), id, sizeof(id));
    snprintf(inner, sizeof(inner),
             "SELECT %s AS k, %s AS sid" LEAD_JOIN
             " WHERE l.venue_id = $1 AND l.stage NOT IN ('BOOKED', 'LOST')"
             " AND l.assigned_staff_id IS NOT NULL"
             " AND COALESCE(l.last_contact_at, l.created_at) < to_timestamp($6::bigint)"
             " - make_interval(hours => $7::int)" STAFF_FILTER
             " AND $2::date IS NOT NULL AND $3::date IS NOT NULL AND $4::text IS NOT NULL",
             key, id);
    return figure(c, q, by, inner, "count(*)", NULL, "count(*)", stale_fields, N(stale_fields),
                  out);
}

/* Payments grouped: received in the period and, when due is true, what
 * the milestones still need now (payment_balances, sql/019: the ledger's
 * view payment_milestones kept as a table by triggers). Each row carries
 * its lead's assignee (p.staff) when a group or the filter needs it, so
 * by salesperson and by none read no lead for the milestones. */
static int payments(struct dbconn *c, const struct rep_query *q, enum rep_by by, bool due,
                    struct rep_table *out)
{
    bool need_staff = by == REP_BY_STAFF || q->staff_id != 0;
    bool need_lead = by != REP_BY_NONE && by != REP_BY_STAFF;
    char key[160], id[64], inner[1800];

    key_sql(by, "COALESCE(p.paid_at, p.due_date::timestamp AT TIME ZONE $4)", key, sizeof(key), id,
            sizeof(id));
    if (by == REP_BY_STAFF) {
        snprintf(id, sizeof(id), "COALESCE(p.staff, 0)");
    }
    /* received: the ledger's receipts in the period (a reversal subtracts);
     * due and overdue: what each milestone of a plan still needs, now */
    snprintf(inner, sizeof(inner),
             "SELECT %s AS k, %s AS sid, p.amount, p.rec, p.due, p.late"
             " FROM (SELECT e.lead_id, %s AS staff, e.amount, e.received_at AS paid_at,"
             "   NULL::date AS due_date, true AS rec, false AS due, false AS late"
             "   FROM payment_entries e%s WHERE e.venue_id = $1 AND " IN_PERIOD(
                 "e.received_at") "%s) p"
                                  /* LEFT JOINs on unique keys */
                                  "%s WHERE %s AND $7::int IS NOT NULL",
             key, id, need_staff ? "l0.assigned_staff_id" : "NULL::bigint",
             need_staff ? LEAD_BY_ID("e.lead_id", "l0", "l0.assigned_staff_id") : "",
             due ? " UNION ALL"
                   " SELECT m.lead_id, m.staff_id, m.outstanding, NULL, m.due_date, false,"
                   "   m.due_date >= " TODAY ", m.due_date < " TODAY
                   "   FROM payment_balances m WHERE m.venue_id = $1 AND m.outstanding <> 0"
                 : " AND $6::bigint IS NOT NULL",
             need_lead            ? " LEFT JOIN leads l ON l.id = p.lead_id"
                                    " LEFT JOIN staff s ON s.id = l.assigned_staff_id"
             : by == REP_BY_STAFF ? " LEFT JOIN staff s ON s.id = p.staff"
                                  : "",
             need_staff ? "($5::bigint = 0 OR p.staff = $5::bigint)" : "$5::bigint = 0");
    return figure(
        c, q, by, inner,
        "COALESCE(sum(amount) FILTER (WHERE rec), 0)::bigint,"
        " count(*) FILTER (WHERE rec AND amount > 0) - count(*) FILTER (WHERE rec AND amount < 0),"
        " COALESCE(sum(amount) FILTER (WHERE due), 0)::bigint, count(*) FILTER (WHERE due),"
        " COALESCE(sum(amount) FILTER (WHERE late), 0)::bigint,"
        " count(*) FILTER (WHERE late)",
        " HAVING GROUPING(k, sid) <> 0 OR bool_or(rec OR due OR late)",
        "COALESCE(sum(amount) FILTER (WHERE late), 0)", pay_fields, N(pay_fields), out);
}

int rep_payments(struct dbconn *c, const struct rep_query *q, enum rep_by by, struct rep_table *out)
{
    return payments(c, q, by, true, out);
}

int rep_received(struct dbconn *c, const struct rep_query *q, enum rep_by by, struct rep_table *out)
{
    return payments(c, q, by, false, out);
}

int rep_followups_overdue(struct dbconn *c, const struct rep_query *q, enum rep_by by,
                          struct rep_table *out)
{
    char key[160], id[64], inner[1024];

    key_sql(by, "f.due_at", key, sizeof(key), id, sizeof(id));
    snprintf(inner, sizeof(inner),
             "SELECT %s AS k, %s AS sid FROM followups f JOIN leads l ON l.id = f.lead_id"
             " LEFT JOIN staff s ON s.id = l.assigned_staff_id WHERE f.venue_id = $1"
             " AND f.done_at IS NULL AND f.due_at < to_timestamp($6::bigint)" STAFF_FILTER
             " AND $2::date IS NOT NULL AND $3::date IS NOT NULL AND $7::int IS NOT NULL"
             " AND $4::text IS NOT NULL",
             key, id);
    return figure(c, q, by, inner, "count(*)", NULL, "count(*)", fu_fields, N(fu_fields), out);
}

/* ---- the salesperson table ---- */

/* The team: active staff who are sales or have leads. Who has leads is read
 * by walking the distinct assignees of leads_assignee (venue_id,
 * assigned_staff_id, ...), one index probe each: EXISTS per staff member
 * was planned as a scan of every lead for one who has none. */
static const char sql_team[] =
    "WITH RECURSIVE a(id) AS (SELECT min(assigned_staff_id) FROM leads WHERE venue_id = $1"
    " UNION ALL SELECT (SELECT min(l.assigned_staff_id) FROM leads l WHERE l.venue_id = $1"
    " AND l.assigned_staff_id > a.id) FROM a WHERE a.id IS NOT NULL)"
    " SELECT s.id, s.name FROM staff s WHERE s.venue_id = $1 AND s.active"
    " AND ($2::bigint = 0 OR s.id = $2::bigint)"
    " AND (s.role = 'sales' OR s.id IN (SELECT id FROM a WHERE id IS NOT NULL)) ORDER BY s.id";

static struct rep_row *find_id(struct rep_table *t, int64_t id, const char *name)
{
    struct rep_row *r;

    for (size_t i = 0; i < t->n; i++) {
        if (t->rows[i].id == id) {
            return &t->rows[i];
        }
    }
    r = table_push(t);
    if (r) {
        r->id = id;
        snprintf(r->key, sizeof(r->key), "%s", name);
    }
    return r;
}

/* Copies the fields of src's rows (listed) into out's rows by id. */
static int merge(struct rep_table *out, const struct rep_table *src, const size_t *fields,
                 size_t nf)
{
    for (size_t i = 0; i < src->n; i++) {
        struct rep_row *d = find_id(out, src->rows[i].id, src->rows[i].key);

        if (!d) {
            return RB_ENOMEM;
        }
        for (size_t f = 0; f < nf; f++) {
            *(int64_t *)(void *)((char *)d + fields[f]) =
                *(const int64_t *)(const void *)((const char *)&src->rows[i] + fields[f]);
        }
    }
    for (size_t f = 0; f < nf; f++) {
        *(int64_t *)(void *)((char *)&out->total + fields[f]) =
            *(const int64_t *)(const void *)((const char *)&src->total + fields[f]);
    }
    return RB_OK;
}

static int by_bookings(const void *a, const void *b)
{
    const struct rep_row *x = a, *y = b;

    if (x->bookings != y->bookings) {
        return x->bookings > y->bookings ? -1 : 1;
    }
    if (x->leads != y->leads) {
        return x->leads > y->leads ? -1 : 1;
    }
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The figures a row holds, each with the fields it fills: rep_leads first. */
static const struct {
    int (*fn)(struct dbconn *, const struct rep_query *, enum rep_by, struct rep_table *);
    const size_t *fields;
    size_t nf;
} figures[] = {{rep_leads, lead_fields, N(lead_fields)},
               {rep_bookings, booking_fields, N(booking_fields)},
               {rep_stale, stale_fields, N(stale_fields)},
               {rep_payments, pay_fields, N(pay_fields)},
               {rep_followups_overdue, fu_fields, N(fu_fields)}};

/* Runs figures[first ...] grouped by by and merges them into out by id. */
static int merge_figures(struct dbconn *c, const struct rep_query *q, enum rep_by by, size_t first,
                         struct rep_table *out)
{
    struct rep_table t;
    int rc = RB_OK;

    rep_table_init(&t);
    for (size_t i = first; !rc && i < N(figures); i++) {
        rc = figures[i].fn(c, q, by, &t);
        rc = rc ? rc : merge(out, &t, figures[i].fields, figures[i].nf);
    }
    rep_table_release(&t);
    return rc;
}

int rep_staff_complete(struct dbconn *c, const struct rep_query *q, struct rep_table *t)
{
    char v[24], s[24];
    const char *p[2] = {db_i64s(q->venue_id, v), db_i64s(q->staff_id, s)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_team, 2, p, &r);

    for (int i = 0; !rc && i < PQntuples(r); i++) {
        rc = find_id(t, db_i64(r, i, 0), db_str(r, i, 1)) ? RB_OK : RB_ENOMEM;
    }
    PQclear(r);
    rc = rc ? rc : merge_figures(c, q, REP_BY_STAFF, 1, t); /* all but rep_leads */
    if (!rc && t->n > 1) {
        qsort(t->rows, t->n, sizeof(t->rows[0]), by_bookings);
    }
    if (rc) {
        rep_table_release(t);
    }
    return rc;
}

int rep_staff_table(struct dbconn *c, const struct rep_query *q, struct rep_table *out)
{
    int rc = rep_leads(c, q, REP_BY_STAFF, out);

    return rc ? rc : rep_staff_complete(c, q, out);
}

int rep_summary(struct dbconn *c, const struct rep_query *q, struct rep_row *out)
{
    struct rep_table t;
    int rc;

    rep_table_init(&t);
    rc = merge_figures(c, q, REP_BY_NONE, 0, &t);
    if (!rc) {
        *out = t.total;
        out->key[0] = '\0';
        out->id = 0;
    }
    rep_table_release(&t);
    return rc;
}

/* ---- funnel, greeting, AI, months ---- */

/* The order of stages a lead moves through (LOST is not on it). */
#define ORDER_ARRAY                                                                                \
    "ARRAY['NEW','CONTACTED','QUALIFIED','SITE_VISIT','QUOTED','NEGOTIATING','BOOKED']"

/* r: how far along the order a lead got (1 = NEW ... 7 = BOOKED). Moves go
 * forward only (lead.move refuses going back and reopening), so a lead's
 * current stage is the furthest it reached, and a LOST lead reached the
 * stage it was lost from (its last move to LOST, found by stage_history_lost;
 * NEW when it has none). LOST_FROM joins it as h. */
#define LOST_FROM                                                                                  \
    " LEFT JOIN LATERAL (SELECT h.from_stage FROM stage_history h WHERE l.stage = 'LOST'"          \
    " AND h.venue_id = $1 AND h.lead_id = l.id AND h.to_stage = 'LOST' ORDER BY h.at DESC"         \
    " LIMIT 1) h ON true"
#define REACH                                                                                      \
    "COALESCE(array_position(" ORDER_ARRAY "::text[],"                                             \
    " CASE WHEN l.stage = 'LOST' THEN h.from_stage ELSE l.stage END), 1)"
/* greeting latency of the period's leads (rows with a column g): p50 and
 * p99 read in order from an index (lead_time_pct, sql/024) */
#define GREETING_PCT(p)                                                                            \
    "COALESCE(round(lead_time_pct($1, " DAY("$2", "$4") ", " DAY(                                  \
        "$3", "$4") ", $5, NULL,"                                                                  \
                    " 'greeting', count(g), " p "))::bigint, -1)"
#define GREETING_AGGS "count(g), " GREETING_PCT("0.5") ", " GREETING_PCT("0.99")
#define PERIOD_LEADS " WHERE l.venue_id = $1 AND " IN_PERIOD("l.created_at") STAFF_FILTER

static const char sql_funnel[] =
    "SELECT l.stage, " REACH " AS r, count(*) FROM leads l" LOST_FROM PERIOD_LEADS " GROUP BY 1, 2";

/* Adds n leads at stage st that reached r (1-based position in the order). */
static void funnel_add(struct rep_funnel *f, const char *st, int64_t reach, int64_t n)
{
    for (int k = 0; k < REP_STAGES; k++) {
        if (strcmp(st, rep_stage_names[k]) == 0) {
            f->at[k] += n;
        }
    }
    if (strcmp(st, "LOST") == 0) {
        f->reached[REP_STAGES - 1] += n;
    }
    /* array positions are 1-based: reach r means stages 0 .. r-1 */
    for (int k = 0; k < reach && k < REP_STAGES - 1; k++) {
        f->reached[k] += n;
    }
    f->total += n;
}

int rep_funnel(struct dbconn *c, const struct rep_query *q, struct rep_funnel *out)
{
    struct params ps;
    PGresult *r = NULL;
    int rc;

    params_make(q, &ps);
    rc = db_exec(c, sql_funnel, 5, ps.p, &r);
    memset(out, 0, sizeof(*out));
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        funnel_add(out, db_str(r, i, 0), db_i64(r, i, 1), db_i64(r, i, 2));
    }
    PQclear(r);
    return rc;
}

static const char sql_greeting[] =
    "SELECT " GREETING_AGGS " FROM (SELECT l.greeting_latency_ms AS g FROM leads l" PERIOD_LEADS
    ") x";

int rep_greeting(struct dbconn *c, const struct rep_query *q, struct rep_latency *out)
{
    struct params ps;
    PGresult *r = NULL;
    int rc;

    params_make(q, &ps);
    rc = db_exec(c, sql_greeting, 5, ps.p, &r);
    if (!rc) {
        out->n = db_i64(r, 0, 0);
        out->p50_ms = db_i64(r, 0, 1);
        out->p99_ms = db_i64(r, 0, 2);
    }
    PQclear(r);
    return rc;
}

/*
 * The period's leads read once and grouped every way at once, in one
 * hashed aggregate. Column 0 says which: 0 by staff, 1 by source, 2 by
 * campaign (k, sid, then the rep_leads figures), 3 the total of all three
 * (and greeting latency: n, p50, p99 in the last three columns), 4 the
 * funnel (stage, r, count). Nothing is sorted: the percentiles (first
 * response of the total and of each salesperson, greeting) are read from
 * the indexes of lead_time_pct (sql/024); the source and campaign rows
 * carry no first-response p90 (-1: the page shows none).
 */
#define LS_TOTAL "GROUPING(sid, sname, source, campaign, stage, r) = 63"
static const char sql_lead_sets[] =
    "SELECT CASE WHEN GROUPING(sid, sname) = 0 THEN 0 WHEN GROUPING(source) = 0 THEN 1"
    " WHEN GROUPING(campaign) = 0 THEN 2 WHEN GROUPING(stage, r) = 0 THEN 4 ELSE 3 END,"
    " COALESCE(sname, source, campaign, stage, ''), COALESCE(sid, 0), COALESCE(r, 0), " LEAD_AGGS(
        "CASE WHEN GROUPING(sid, sname) = 0 OR " LS_TOTAL " THEN " LEAD_P90_INDEX(
            "CASE WHEN GROUPING(sid, sname) = 0 THEN sid END") " END") ","
                                                                       " count(g), CASE WHEN " LS_TOTAL
                                                                       " THEN " GREETING_PCT(
                                                                           "0.5") " ELSE -1 END,"
                                                                                  " CASE WHEN " LS_TOTAL
                                                                                  " THEN " GREETING_PCT(
                                                                                      "0.99") " ELSE -1 END"
                                                                                              " FROM (SELECT COALESCE(l.assigned_staff_id, 0) AS sid, COALESCE(s.name, '') AS sname,"
                                                                                              " l.source, COALESCE(l.campaign, '') AS campaign, l.stage, " REACH
                                                                                              " AS r, l.amount,"
                                                                                              " l.first_response_at - l.created_at AS resp, l.greeting_latency_ms AS g" LEAD_JOIN
                                                                                                  LOST_FROM
                                                                                                      PERIOD_LEADS
                                                                                              ") x"
                                                                                              " GROUP BY GROUPING SETS ((sid, sname), (source), (campaign), (stage, r), ())"
                                                                                              " ORDER BY 1, 5 DESC, 2";

/* The same for a short period (under LS_LONG_DAYS days), where sorting the
 * period's few leads costs less than reading the percentiles' indexes
 * (lead_time_pct would sort them once per percentile): read once (a
 * materialized CTE), the percentiles by percentile_cont; column 0 as above
 * but greeting latency in a row of its own, 5. */
static const char sql_lead_sets_short[] =
    "WITH x AS MATERIALIZED (SELECT COALESCE(l.assigned_staff_id, 0) AS sid,"
    " COALESCE(s.name, '') AS sname, l.source, COALESCE(l.campaign, '') AS campaign, l.stage,"
    " " REACH " AS r, l.amount, l.first_response_at - l.created_at AS resp,"
    " l.greeting_latency_ms AS g" LEAD_JOIN LOST_FROM PERIOD_LEADS ")"
    " SELECT CASE WHEN GROUPING(sid, sname) = 0 THEN 0 WHEN GROUPING(source) = 0 THEN 1"
    " WHEN GROUPING(campaign) = 0 THEN 2 ELSE 3 END, COALESCE(sname, source, campaign, ''),"
    " COALESCE(sid, 0), 0, " LEAD_AGGS(
        "CASE WHEN GROUPING(source) = 0 OR GROUPING(campaign) = 0"
        " THEN NULL ELSE " LEAD_P90_SORT
        " END") ", 0, 0, 0"
                " FROM x GROUP BY GROUPING SETS ((sid, sname), (source), (campaign), ())"
                " UNION ALL SELECT 4, stage, 0, r, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM x GROUP BY stage, r"
                " UNION ALL SELECT 5, '', 0, 0, 0, 0, 0, 0, 0, 0, 0, count(g),"
                " COALESCE(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY g))::bigint, -1),"
                " COALESCE(round(percentile_cont(0.99) WITHIN GROUP (ORDER BY g))::bigint, -1) FROM x"
                " ORDER BY 1, 5 DESC, 2";

void rep_lead_sets_init(struct rep_lead_sets *s)
{
    memset(s, 0, sizeof(*s));
    rep_table_init(&s->staff);
    rep_table_init(&s->source);
    rep_table_init(&s->campaign);
    s->greeting.p50_ms = s->greeting.p99_ms = -1;
}

void rep_lead_sets_release(struct rep_lead_sets *s)
{
    if (s) {
        rep_table_release(&s->staff);
        rep_table_release(&s->source);
        rep_table_release(&s->campaign);
        rep_lead_sets_init(s);
    }
}

/* Sets a row's key, id and rep_leads fields from row i of r. */
static void lead_row(const PGresult *r, int i, struct rep_row *row)
{
    snprintf(row->key, sizeof(row->key), "%s", db_str(r, i, 1) ? db_str(r, i, 1) : "");
    row->id = db_i64(r, i, 2);
    for (size_t f = 0; f < N(lead_fields); f++) {
        *(int64_t *)(void *)((char *)row + lead_fields[f]) = db_i64(r, i, 4 + (int)f);
    }
}

int rep_lead_sets(struct dbconn *c, const struct rep_query *q, struct rep_lead_sets *out)
{
    struct rep_table *tables[3] = {&out->staff, &out->source, &out->campaign};
    struct params ps;
    PGresult *r = NULL;
    bool shrt = date_to_days(q->to) - date_to_days(q->from) < LS_LONG_DAYS;
    int rc;

    rep_lead_sets_release(out);
    params_make(q, &ps);
    rc = db_exec(c, shrt ? sql_lead_sets_short : sql_lead_sets, 5, ps.p, &r);
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        int64_t set = db_i64(r, i, 0);
        struct rep_row *row;

        if (set <= 2) {
            row = table_push(tables[set]);
            if (!row) {
                rc = RB_ENOMEM;
                break;
            }
            lead_row(r, i, row);
        } else if (set == 3) {
            for (int t = 0; t < 3; t++) {
                lead_row(r, i, &tables[t]->total);
                tables[t]->total.key[0] = '\0';
            }
        } else if (set == 4) {
            funnel_add(&out->funnel, db_str(r, i, 1), db_i64(r, i, 3), db_i64(r, i, 4));
        }
        if (set == 5 || (set == 3 && !shrt)) {
            out->greeting.n = db_i64(r, i, 11);
            out->greeting.p50_ms = db_i64(r, i, 12);
            out->greeting.p99_ms = db_i64(r, i, 13);
        }
    }
    PQclear(r);
    if (rc) {
        rep_lead_sets_release(out);
    }
    return rc;
}

/*
 * A period's AI rows: the whole UTC days inside it from ai_log_days (kept by
 * triggers, sql/019), the rest (the part-days at its two ends, or all of a
 * period shorter than a day) from ai_log itself. F and T are the period's
 * instants, LO..HI the UTC days wholly inside [F, T), and the rows read
 * from ai_log are those in [F, A) and [B, T): A..B is LO..HI as instants,
 * or an empty range at min(LO, T) when there is no whole day.
 */
#define F_I DAY("$2", "$4")
#define T_I DAY("$3", "$4")
#define UTC_LO                                                                                     \
    "(CASE WHEN date_trunc('day', " F_I " AT TIME ZONE 'UTC') = (" F_I " AT TIME ZONE 'UTC')"      \
    " THEN (" F_I " AT TIME ZONE 'UTC')::date ELSE (" F_I " AT TIME ZONE 'UTC')::date + 1 END)"
#define UTC_HI "((" T_I " AT TIME ZONE 'UTC')::date)"
#define EDGE_A "LEAST(" UTC_LO "::timestamp AT TIME ZONE 'UTC', " T_I ")"
#define EDGE_B "GREATEST(" UTC_HI "::timestamp AT TIME ZONE 'UTC', " EDGE_A ")"
#define AI_ROWS(col, days_filter, raw_filter)                                                      \
    "SELECT " col " AS c, n FROM ai_log_days WHERE venue_id = $1 AND day >= " UTC_LO               \
    " AND day < " UTC_HI " AND ($5::bigint = 0 OR staff_id = $5::bigint)" days_filter              \
    " UNION ALL SELECT " col ", 1 FROM ai_log WHERE venue_id = $1 AND created_at >= " F_I          \
    " AND created_at < " EDGE_A " AND ($5::bigint = 0 OR staff_id = $5::bigint)" raw_filter        \
    " UNION ALL SELECT " col ", 1 FROM ai_log WHERE venue_id = $1 AND created_at >= " EDGE_B       \
    " AND created_at < " T_I " AND ($5::bigint = 0 OR staff_id = $5::bigint)" raw_filter

static const char sql_ai_engines[] = "SELECT GROUPING(c) <> 0, c, 0, sum(n)::bigint FROM (" AI_ROWS(
    "engine", "",
    "") ") x"
        " GROUP BY GROUPING SETS ((c), ()) HAVING sum(n) <> 0 OR GROUPING(c) <> 0 ORDER BY 1, 4 DESC, 2";
static const char sql_ai_fallbacks[] =
    "SELECT GROUPING(c) <> 0, c, 0, sum(n)::bigint FROM (" AI_ROWS(
        "COALESCE(fallback, '')", " AND fallback <> ''",
        " AND fallback IS NOT NULL AND fallback <> ''") ") x"
                                                        " GROUP BY GROUPING SETS ((c), ())"
                                                        " HAVING sum(n) <> 0 OR GROUPING(c) <> 0"
                                                        " ORDER BY 1, 4 DESC, 2";

int rep_ai_engines(struct dbconn *c, const struct rep_query *q, struct rep_table *out)
{
    static const size_t fields[] = {OFF(leads)};
    struct params ps;

    params_make(q, &ps);
    return run_grouped(c, sql_ai_engines, 5, ps.p, fields, 1, out);
}

int rep_ai_fallbacks(struct dbconn *c, const struct rep_query *q, struct rep_table *out)
{
    static const size_t fields[] = {OFF(leads)};
    struct params ps;

    params_make(q, &ps);
    return run_grouped(c, sql_ai_fallbacks, 5, ps.p, fields, 1, out);
}

static const char sql_months[] =
    "SELECT false, to_char(m, 'YYYY-MM'), 0,"
    " (SELECT count(*) FROM leads l WHERE l.venue_id = $1"
    "   AND l.created_at >= (m::timestamp AT TIME ZONE $4)"
    "   AND l.created_at < ((m + interval '1 month')::timestamp AT TIME ZONE $4)" STAFF_FILTER "),"
    " b.n, b.rev FROM generate_series($2::date - interval '11 months', $2::date,"
    " interval '1 month') AS m"
    " CROSS JOIN LATERAL (SELECT count(*) AS n, COALESCE(sum(l.amount), 0)::bigint AS rev FROM"
    "  (SELECT DISTINCT h.lead_id FROM stage_history h WHERE h.venue_id = $1"
    "   AND h.to_stage = 'BOOKED' AND h.at >= (m::timestamp AT TIME ZONE $4)"
    "   AND h.at < ((m + interval '1 month')::timestamp AT TIME ZONE $4)) bk"
    "  JOIN leads l ON l.id = bk.lead_id WHERE l.stage = 'BOOKED'" STAFF_FILTER ") b"
    " WHERE $3::date IS NOT NULL ORDER BY m";

int rep_months(struct dbconn *c, const struct rep_query *q, struct rep_table *out)
{
    static const size_t fields[] = {OFF(leads), OFF(bookings), OFF(revenue)};
    struct rep_query mq = *q;
    struct rb_date last = date_add_days(q->to, -1);
    struct params ps;
    int rc;

    mq.from.y = last.y;
    mq.from.m = last.m;
    mq.from.d = 1;
    params_make(&mq, &ps);
    rc = run_grouped(c, sql_months, 5, ps.p, fields, N(fields), out);
    for (size_t i = 0; !rc && i < out->n; i++) {
        out->total.leads += out->rows[i].leads;
        out->total.bookings += out->rows[i].bookings;
        out->total.revenue += out->rows[i].revenue;
    }
    return rc;
}

/* ---- formatting ---- */

void rep_money(int64_t rupees, bool lakh, const char *currency, char out[REP_MONEY_MAX])
{
    char digits[24], grouped[40];
    size_t n, g = 0, pos = 0;
    uint64_t v = rupees < 0 ? (uint64_t)0 - (uint64_t)rupees : (uint64_t)rupees;

    snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
    n = strlen(digits);
    /* group sizes from the right: 3 then 2s (lakh) or 3s */
    for (size_t i = 0; i < n; i++) {
        size_t left = n - i; /* digits from here to the end */
        grouped[g++] = digits[i];
        if (left > 1) {
            size_t after = left - 1;
            bool comma =
                lakh ? (after == 3 || (after > 3 && (after - 3) % 2 == 0)) : after % 3 == 0;
            if (comma) {
                grouped[g++] = ',';
            }
        }
    }
    grouped[g] = '\0';
    if (currency && currency[0]) {
        pos = (size_t)snprintf(out, REP_MONEY_MAX, "%s ", currency);
    }
    snprintf(out + (pos < REP_MONEY_MAX ? pos : 0), REP_MONEY_MAX - (pos < REP_MONEY_MAX ? pos : 0),
             "%s%s", rupees < 0 ? "-" : "", grouped);
}

double rep_pct(int64_t num, int64_t den)
{
    if (den <= 0) {
        return -1;
    }
    return (double)(int64_t)((double)num * 1000.0 / (double)den + 0.5) / 10.0;
}
