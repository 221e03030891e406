#include "store/report_lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* ---- filters as parameters ---- */

#define TS(col) "to_char((" col ") AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI')"
/* $from / $to: dates in the venue's time zone, both inclusive. */
#define SINCE(col, p)                                                                              \
    " AND (" p "::date IS NULL OR " col " >= (" p "::date)::timestamp AT TIME ZONE $2)"
#define UNTIL(col, p)                                                                              \
    " AND (" p "::date IS NULL OR " col " < (" p "::date + 1)::timestamp AT TIME ZONE $2)"

/* The ai_log rows about lead L: its slots name L, or the same staff
 * member's transaction (same now()) wrote something about L. A subquery of
 * ids, each side an index lookup (ai_log_lead, ai_log_created). */
#define AI_IDS_ABOUT(L)                                                                            \
    "(SELECT x.id FROM ai_log x WHERE x.venue_id = $1 AND x.slots->>'lead' = (" L ")::text"        \
    " UNION SELECT x.id FROM ai_log x JOIN ("                                                      \
    "   SELECT at, staff_id FROM stage_history WHERE lead_id = " L                                 \
    "   UNION ALL SELECT at, staff_id FROM lead_notes WHERE lead_id = " L                          \
    "   UNION ALL SELECT at, staff_id FROM audit_log WHERE lead_id = " L                           \
    "   UNION ALL SELECT created_at, staff_id FROM followups WHERE lead_id = " L                   \
    "   UNION ALL SELECT created_at, staff_id FROM outbox WHERE lead_id = " L                      \
    " ) w ON x.venue_id = $1 AND x.created_at = w.at"                                              \
    "   AND (w.staff_id IS NULL OR x.staff_id = w.staff_id))"

bool rl_sort_ok(const char *s)
{
    static const char *const known[] = {"created", "name", "stage", "contact", "amount"};

    for (size_t i = 0; s && i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(s, known[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- leads ---- */

#define LEADS_SELECT                                                                               \
    "SELECT l.id, l.name, l.phone, l.source, l.campaign, l.stage, s.name,"                         \
    " to_char(l.event_date, 'YYYY-MM-DD'), l.hall, l.slot, l.guests::text, l.amount::text, " TS(   \
        "l.created_at") ", " TS("l.last_contact_at") ", " TS("l.first_response_at") " FROM leads l LEFT JOIN staff s ON s.id = l.assigned_staff_id"
/* $3 stage, $4 staff, $5 source, $6 from, $7 to, $8 name (ILIKE pattern),
 * $9 phone digits (LIKE pattern) */
#define LEADS_WHERE                                                                                    \
    " WHERE l.venue_id = $1 AND ($3::text IS NULL OR l.stage = $3)"                                    \
    " AND ($4::bigint = 0 OR l.assigned_staff_id = $4) AND ($5::text IS NULL OR l.source = $5)" SINCE( \
        "l.created_at", "$6")                                                                          \
        UNTIL(                                                                                         \
            "l.created_at",                                                                            \
            "$7") " AND ($8::text IS NULL OR l.name ILIKE $8 OR ($9::text IS NOT NULL AND l.phone LIKE $9))"
#define LEADS_PAGE(order) LEADS_SELECT LEADS_WHERE " ORDER BY " order " LIMIT $10 OFFSET $11"

static const struct {
    const char *sort;
    bool asc;
    const char *sql;
} leads_sql[] = {
    {"created", false, LEADS_PAGE("l.created_at DESC, l.id DESC")},
    {"created", true, LEADS_PAGE("l.created_at, l.id")},
    {"name", false, LEADS_PAGE("lower(l.name) DESC NULLS LAST, l.id DESC")},
    {"name", true, LEADS_PAGE("lower(l.name) NULLS LAST, l.id")},
    {"stage", false,
     LEADS_PAGE("array_position(ARRAY['NEW','CONTACTED','QUALIFIED','SITE_VISIT','QUOTED',"
                "'NEGOTIATING','BOOKED','LOST'], l.stage) DESC, l.id DESC")},
    {"stage", true,
     LEADS_PAGE("array_position(ARRAY['NEW','CONTACTED','QUALIFIED','SITE_VISIT','QUOTED',"
                "'NEGOTIATING','BOOKED','LOST'], l.stage), l.id")},
    {"contact", false, LEADS_PAGE("l.last_contact_at DESC NULLS LAST, l.id DESC")},
    {"contact", true, LEADS_PAGE("l.last_contact_at NULLS FIRST, l.id")},
    {"amount", false, LEADS_PAGE("l.amount DESC NULLS LAST, l.id DESC")},
    {"amount", true, LEADS_PAGE("l.amount NULLS FIRST, l.id")},
};
static const char sql_leads_batch[] =
    LEADS_SELECT LEADS_WHERE " AND l.id > $10 ORDER BY l.id LIMIT $11";
static const char sql_lead_get[] = LEADS_SELECT " WHERE l.venue_id = $1 AND l.id = $3";

/* The name pattern: the text with LIKE's own characters escaped; the phone
 * pattern: its digits (a leading 0 of a local number dropped), if 4 or more. */
static int q_patterns(const char *q, struct buf *name, struct buf *phone)
{
    const char *d;
    size_t digits = 0;

    if (!q || !q[0]) {
        return RB_OK;
    }
    buf_say(name, "%%");
    for (const char *s = q; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\') {
            buf_say(name, "\\");
        }
        buf_say(name, "%c", *s);
        digits += *s >= '0' && *s <= '9';
    }
    buf_say(name, "%%");
    if (digits >= 4) {
        buf_say(phone, "%%");
        for (d = q; *d && (*d < '0' || *d > '9'); d++) {
        }
        if (*d == '0') {
            d++;
        }
        for (; *d; d++) {
            if (*d >= '0' && *d <= '9') {
                buf_say(phone, "%c", *d);
            }
        }
        buf_say(phone, "%%");
    }
    return buf_err(name) ? buf_err(name) : buf_err(phone);
}

/* ---- running a list: a page or a batch ---- */

/* How a list's rows reach the caller: emit makes the typed row of row i
 * (the list's fn in fn, with cls), calls it and sets *id to the row's id. */
struct sink {
    int (*emit)(const struct sink *k, const PGresult *r, int i, int64_t *id);
    union {
        rl_lead_fn lead;
        rl_conv_fn conv;
        rl_ai_fn ai;
        rl_payment_fn pay;
    } fn;
    void *cls;
};

/* A page (offset, limit; *more) or a CSV batch (*after; *n). */
struct window {
    bool batch;
    int offset, limit;
    bool *more;
    int64_t *after;
    int *n;
};
#define PAGE(o, l, m)                                                                              \
    {                                                                                              \
        .batch = false, .offset = (o), .limit = (l), .more = (m)                                   \
    }
#define BATCH(a, k)                                                                                \
    {                                                                                              \
        .batch = true, .limit = RL_BATCH, .after = (a), .n = (k)                                   \
    }

static int page_args(int offset, int limit, char ls[24], char os[24])
{
    if (offset < 0 || offset > RL_MAX_OFFSET || limit < 1 || limit > 500) {
        return RB_EINVAL;
    }
    db_i64s(limit + 1, ls);
    db_i64s(offset, os);
    return RB_OK;
}

/*
 * Runs sql, whose last two of np parameters are the window's (a page: limit
 * + 1 and the offset; a batch: the id after which and RL_BATCH), and gives
 * the rows to k, at most the window's limit.
 */
static int run_window(struct dbconn *c, const char *sql, int np, const char **p,
                      const struct window *w, const struct sink *k)
{
    char x1[24], x2[24];
    int64_t last = 0, *lastp = w->batch ? w->after : &last;
    PGresult *r = NULL;
    int n = 0, rc;

    if (w->batch) {
        db_i64s(*w->after, x1);
        db_i64s(RL_BATCH, x2);
        rc = RB_OK;
    } else {
        rc = page_args(w->offset, w->limit, x1, x2);
    }
    p[np - 2] = x1;
    p[np - 1] = x2;
    rc = rc ? rc : db_exec(c, sql, np, p, &r);
    for (int i = 0; !rc && i < PQntuples(r) && i < w->limit; i++) {
        rc = k->emit(k, r, i, lastp);
        n++;
    }
    if (!rc && PQntuples(r) > w->limit) {
        n = w->limit + 1;
    }
    PQclear(r);
    if (w->batch) {
        *w->n = n > RL_BATCH ? RL_BATCH : n;
    } else {
        *w->more = n > w->limit;
    }
    return rc;
}

static void lead_row(const PGresult *r, int i, struct rl_lead *l)
{
    l->id = db_i64(r, i, 0);
    l->name = db_str(r, i, 1);
    l->phone = db_str(r, i, 2);
    l->source = db_str(r, i, 3);
    l->campaign = db_str(r, i, 4);
    l->stage = db_str(r, i, 5);
    l->staff = db_str(r, i, 6);
    l->event_date = db_str(r, i, 7);
    l->hall = db_str(r, i, 8);
    l->slot = db_str(r, i, 9);
    l->guests = db_str(r, i, 10);
    l->amount = db_str(r, i, 11);
    l->created = db_str(r, i, 12);
    l->last_contact = db_str(r, i, 13);
    l->first_response = db_str(r, i, 14);
}

static int emit_lead(const struct sink *k, const PGresult *r, int i, int64_t *id)
{
    struct rl_lead l;

    lead_row(r, i, &l);
    *id = l.id;
    return k->fn.lead(k->cls, &l);
}

static int leads_run(struct dbconn *c, int64_t venue, const struct rl_filter *f, const char *sql,
                     const struct window *w, rl_lead_fn fn, void *cls)
{
    char vs[24], ss[24];
    struct buf name, phone;
    struct sink k = {emit_lead, {.lead = fn}, cls};
    int rc;

    buf_init(&name, 1024);
    buf_init(&phone, 1024);
    rc = q_patterns(f->q, &name, &phone);
    const char *p[11] = {db_i64s(venue, vs),
                         f->tz,
                         f->stage,
                         db_i64s(f->staff_id, ss),
                         f->source,
                         f->from,
                         f->to,
                         name.len ? name.p : NULL,
                         phone.len ? phone.p : NULL,
                         NULL,
                         NULL};
    rc = rc ? rc : run_window(c, sql, 11, p, w, &k);
    buf_release(&name);
    buf_release(&phone);
    return rc;
}

int rl_leads(struct dbconn *c, int64_t venue, const struct rl_filter *f, int offset, int limit,
             rl_lead_fn fn, void *cls, bool *more)
{
    const char *sort = f->sort ? f->sort : "created";
    struct window w = PAGE(offset, limit, more);

    for (size_t i = 0; i < sizeof(leads_sql) / sizeof(leads_sql[0]); i++) {
        if (strcmp(leads_sql[i].sort, sort) == 0 && leads_sql[i].asc == f->asc) {
            return leads_run(c, venue, f, leads_sql[i].sql, &w, fn, cls);
        }
    }
    return RB_EINVAL;
}

int rl_leads_batch(struct dbconn *c, int64_t venue, const struct rl_filter *f, int64_t *after,
                   rl_lead_fn fn, void *cls, int *n)
{
    struct window w = BATCH(after, n);

    return leads_run(c, venue, f, sql_leads_batch, &w, fn, cls);
}

int rl_lead_get(struct dbconn *c, int64_t venue, const char *tz, int64_t id, rl_lead_fn fn,
                void *cls)
{
    char vs[24], is[24];
    const char *p[3] = {db_i64s(venue, vs), tz, db_i64s(id, is)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_lead_get, 3, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        struct rl_lead l;
        lead_row(r, 0, &l);
        rc = fn(cls, &l);
    }
    PQclear(r);
    return rc;
}

/* The lists other than leads: parameters $1 venue, $2 zone, then (when
 * staff) $3 employee, then from, to, lead, and the window's two. */
static int filter_run(struct dbconn *c, int64_t venue, const struct rl_filter *f, const char *sql,
                      bool staff, const struct window *w, const struct sink *k)
{
    char vs[24], ss[24], ls[24];
    const char *p[8] = {db_i64s(venue, vs), f->tz, db_i64s(f->staff_id, ss)};
    int np = staff ? 3 : 2;

    p[np++] = f->from;
    p[np++] = f->to;
    p[np++] = db_i64s(f->lead_id, ls);
    return run_window(c, sql, np + 2, p, w, k);
}

/* ---- conversations ---- */

#define CONV_SELECT                                                                                                 \
    "SELECT m.id, m.lead_id, " TS(                                                                                  \
        "m.created_at") ", l.name, COALESCE(ct.phone, l.phone),"                                                    \
                        " s.name, m.direction, m.party, m.type, m.body, m.status, " TS(                             \
                            "m.status_at") ","                                                                      \
                                           " m.error_code::text, m.error_title"                                     \
                                           " FROM messages m JOIN leads l ON l.id = m.lead_id"                      \
                                           " LEFT JOIN staff s ON s.id = COALESCE(m.staff_id, l.assigned_staff_id)" \
                                           " LEFT JOIN contacts ct ON ct.id = l.contact_id"
/* $3 employee, $4 from, $5 to, $6 lead */
#define CONV_WHERE                                                                                 \
    " WHERE m.venue_id = $1 AND m.lead_id IS NOT NULL"                                             \
    " AND ($3::bigint = 0 OR COALESCE(m.staff_id, l.assigned_staff_id) = $3)" SINCE(               \
        "m.created_at", "$4")                                                                      \
        UNTIL("m.created_at", "$5") " AND ($6::bigint = 0 OR m.lead_id = $6)"
static const char sql_convs[] =
    CONV_SELECT CONV_WHERE " ORDER BY m.created_at DESC, m.id DESC LIMIT $7 OFFSET $8";
static const char sql_convs_batch[] =
    CONV_SELECT CONV_WHERE " AND m.id > $7 ORDER BY m.id LIMIT $8";

static int emit_conv(const struct sink *k, const PGresult *r, int i, int64_t *id)
{
    struct rl_conv m = {.id = db_i64(r, i, 0),
                        .lead_id = db_i64(r, i, 1),
                        .at = db_str(r, i, 2),
                        .lead_name = db_str(r, i, 3),
                        .client_phone = db_str(r, i, 4),
                        .staff = db_str(r, i, 5),
                        .direction = db_str(r, i, 6),
                        .party = db_str(r, i, 7),
                        .type = db_str(r, i, 8),
                        .body = db_str(r, i, 9),
                        .status = db_str(r, i, 10),
                        .status_at = db_str(r, i, 11),
                        .error_code = db_str(r, i, 12),
                        .error_title = db_str(r, i, 13)};

    *id = m.id;
    return k->fn.conv(k->cls, &m);
}

int rl_convs(struct dbconn *c, int64_t venue, const struct rl_filter *f, int offset, int limit,
             rl_conv_fn fn, void *cls, bool *more)
{
    struct window w = PAGE(offset, limit, more);
    struct sink k = {emit_conv, {.conv = fn}, cls};

    return filter_run(c, venue, f, sql_convs, true, &w, &k);
}

int rl_convs_batch(struct dbconn *c, int64_t venue, const struct rl_filter *f, int64_t *after,
                   rl_conv_fn fn, void *cls, int *n)
{
    struct window w = BATCH(after, n);
    struct sink k = {emit_conv, {.conv = fn}, cls};

    return filter_run(c, venue, f, sql_convs_batch, true, &w, &k);
}

/* ---- ai_log ---- */

#define AI_COLS(a)                                                                                 \
    "s.name, " a ".text, " a ".engine, " a ".intent, " a ".slots::text,"                           \
    " to_char(" a ".confidence, 'FM0.00'), " a ".fallback, " a ".latency_ms::text, " a ".model"
#define AI_SELECT                                                                                  \
    "SELECT a.id, " TS("a.created_at") ", " AI_COLS(                                               \
        "a") " FROM ai_log a LEFT JOIN staff s ON s.id = a.staff_id"
/* $3 employee, $4 from, $5 to, $6 lead */
#define AI_WHERE_BASE                                                                              \
    " WHERE a.venue_id = $1 AND ($3::bigint = 0 OR a.staff_id = $3)" SINCE("a.created_at", "$4")   \
        UNTIL("a.created_at", "$5")
/* Without a lead ($6 = 0), and about one lead: a statement of its own, so
 * the lead's few rows drive the plan instead of a scan of every row. */
#define AI_WHERE AI_WHERE_BASE " AND $6::bigint = 0"
#define AI_WHERE_LEAD AI_WHERE_BASE " AND a.id IN " AI_IDS_ABOUT("$6::bigint")
static const char sql_ais[] =
    AI_SELECT AI_WHERE " ORDER BY a.created_at DESC, a.id DESC LIMIT $7 OFFSET $8";
static const char sql_ais_batch[] = AI_SELECT AI_WHERE " AND a.id > $7 ORDER BY a.id LIMIT $8";
static const char sql_ais_lead[] =
    AI_SELECT AI_WHERE_LEAD " ORDER BY a.created_at DESC, a.id DESC LIMIT $7 OFFSET $8";
static const char sql_ais_lead_batch[] =
    AI_SELECT AI_WHERE_LEAD " AND a.id > $7 ORDER BY a.id LIMIT $8";

static void ai_row(const PGresult *r, int i, int col, struct rl_ai *a)
{
    a->staff = db_str(r, i, col);
    a->text = db_str(r, i, col + 1);
    a->engine = db_str(r, i, col + 2);
    a->intent = db_str(r, i, col + 3);
    a->slots = db_str(r, i, col + 4);
    a->confidence = db_str(r, i, col + 5);
    a->fallback = db_str(r, i, col + 6);
    a->latency_ms = db_str(r, i, col + 7);
    a->model = db_str(r, i, col + 8);
}

static int emit_ai(const struct sink *k, const PGresult *r, int i, int64_t *id)
{
    struct rl_ai a = {.id = db_i64(r, i, 0), .at = db_str(r, i, 1)};

    ai_row(r, i, 2, &a);
    *id = a.id;
    return k->fn.ai(k->cls, &a);
}

int rl_ais(struct dbconn *c, int64_t venue, const struct rl_filter *f, int offset, int limit,
           rl_ai_fn fn, void *cls, bool *more)
{
    struct window w = PAGE(offset, limit, more);
    struct sink k = {emit_ai, {.ai = fn}, cls};

    return filter_run(c, venue, f, f->lead_id ? sql_ais_lead : sql_ais, true, &w, &k);
}

int rl_ais_batch(struct dbconn *c, int64_t venue, const struct rl_filter *f, int64_t *after,
                 rl_ai_fn fn, void *cls, int *n)
{
    struct window w = BATCH(after, n);
    struct sink k = {emit_ai, {.ai = fn}, cls};

    return filter_run(c, venue, f, f->lead_id ? sql_ais_lead_batch : sql_ais_batch, true, &w, &k);
}

/* ---- payments ---- */

#define PAY_SELECT                                                                                 \
    "SELECT p.id, p.lead_id, l.name, p.milestone, p.amount::text,"                                 \
    " to_char(p.due_date, 'YYYY-MM-DD'), " TS(                                                     \
        "p.paid_at") ", p.status, p.source,"                                                       \
                     " p.status <> 'paid' AND p.due_date < (now() AT TIME ZONE $2)::date"          \
                     " FROM (SELECT v.*, v.lead_id * 4 + CASE v.milestone WHEN 'advance' THEN 1"   \
                     "   WHEN 'mid' THEN 2 WHEN 'final' THEN 3 ELSE 0 END AS id,"                  \
                     "   (SELECT string_agg(DISTINCT e.source, ',') FROM payment_entries e"        \
                     "     WHERE e.lead_id = v.lead_id"                                            \
                     "     AND e.milestone IS NOT DISTINCT FROM v.milestone) AS source"            \
                     "   FROM payments v) p JOIN leads l ON l.id = p.lead_id"
/* $3 from, $4 to (due date), $5 lead */
#define PAY_WHERE                                                                                  \
    " WHERE p.venue_id = $1 AND ($3::date IS NULL OR p.due_date >= $3::date)"                      \
    " AND ($4::date IS NULL OR p.due_date <= $4::date) AND ($5::bigint = 0 OR p.lead_id = $5)"
static const char sql_pays[] =
    PAY_SELECT PAY_WHERE " ORDER BY p.due_date DESC NULLS LAST, p.id DESC LIMIT $6 OFFSET $7";
static const char sql_pays_batch[] = PAY_SELECT PAY_WHERE " AND p.id > $6 ORDER BY p.id LIMIT $7";

static int emit_pay(const struct sink *k, const PGresult *r, int i, int64_t *id)
{
    struct rl_payment y = {.id = db_i64(r, i, 0),
                           .lead_id = db_i64(r, i, 1),
                           .lead_name = db_str(r, i, 2),
                           .milestone = db_str(r, i, 3),
                           .amount = db_str(r, i, 4),
                           .due_date = db_str(r, i, 5),
                           .paid_at = db_str(r, i, 6),
                           .status = db_str(r, i, 7),
                           .source = db_str(r, i, 8),
                           .overdue = db_bool(r, i, 9)};

    *id = y.id;
    return k->fn.pay(k->cls, &y);
}

int rl_payments(struct dbconn *c, int64_t venue, const struct rl_filter *f, int offset, int limit,
                rl_payment_fn fn, void *cls, bool *more)
{
    struct window w = PAGE(offset, limit, more);
    struct sink k = {emit_pay, {.pay = fn}, cls};

    return filter_run(c, venue, f, sql_pays, false, &w, &k);
}

int rl_payments_batch(struct dbconn *c, int64_t venue, const struct rl_filter *f, int64_t *after,
                      rl_payment_fn fn, void *cls, int *n)
{
    struct window w = BATCH(after, n);
    struct sink k = {emit_pay, {.pay = fn}, cls};

    return filter_run(c, venue, f, sql_pays_batch, false, &w, &k);
}

/* ---- one lead's timeline ---- */

#define NO_AI ", NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text"
static const char sql_timeline[] =
    "SELECT kind, to_char(at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI:SS'), who, a, b, body, status,"
    " ecode, etitle, type, engine, intent, slots, conf, fallback, latency, model FROM ("
    " SELECT 'stage' AS kind, h.at, s.name AS who, h.from_stage AS a, h.to_stage AS b,"
    "   h.note AS body, NULL::text AS status, NULL::text AS ecode, NULL::text AS etitle,"
    "   NULL::text AS type, NULL::text AS engine, NULL::text AS intent, NULL::text AS slots,"
    "   NULL::text AS conf, NULL::text AS fallback, NULL::text AS latency, NULL::text AS model,"
    "   1 AS ord, h.id AS k"
    "   FROM stage_history h LEFT JOIN staff s ON s.id = h.staff_id"
    "   WHERE h.lead_id = $3 AND h.venue_id = $1"
    " UNION ALL SELECT 'note', n.at, s.name, NULL, NULL, n.body, NULL, NULL, NULL, NULL" NO_AI
    ", 2, n.id FROM lead_notes n LEFT JOIN staff s ON s.id = n.staff_id"
    "   WHERE n.lead_id = $3 AND n.venue_id = $1"
    " UNION ALL SELECT 'assign', x.at, s.name, x.detail->>'a', x.detail->>'b', NULL, NULL, NULL,"
    "   NULL, NULL" NO_AI ", 3, x.id FROM audit_log x LEFT JOIN staff s ON s.id = x.staff_id"
    "   WHERE x.lead_id = $3 AND x.venue_id = $1 AND x.action = 'lead.assign'"
    " UNION ALL SELECT 'followup', f.created_at, s.name,"
    "   to_char(f.due_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI'), NULL, f.note,"
    "   CASE WHEN f.done_at IS NULL THEN 'open' ELSE 'done' END, NULL, NULL,"
    "   CASE WHEN f.auto THEN 'auto' END" NO_AI ", 4, f.id"
    "   FROM followups f LEFT JOIN staff s ON s.id = f.staff_id"
    "   WHERE f.lead_id = $3 AND f.venue_id = $1"
    /* each receipt and reversal of the ledger, and each milestone of the plan */
    " UNION ALL SELECT 'payment', e.received_at, s.name, e.milestone, e.amount::text, NULL,"
    "   CASE WHEN e.reverses IS NOT NULL THEN 'reversed #' || e.reverses ELSE 'received' END,"
    "   NULL, e.reason, e.source" NO_AI ", 5, e.id"
    "   FROM payment_entries e LEFT JOIN staff s ON s.id = e.recorded_by"
    "   WHERE e.lead_id = $3 AND e.venue_id = $1"
    " UNION ALL SELECT 'payment', pp.updated_at, s.name, pp.milestone, pp.amount::text,"
    "   to_char(pp.due_date, 'YYYY-MM-DD'), 'planned', NULL, NULL, 'plan'" NO_AI ", 5, 0"
    "   FROM payment_plan pp LEFT JOIN staff s ON s.id = pp.set_by"
    "   WHERE pp.lead_id = $3 AND pp.venue_id = $1"
    " UNION ALL SELECT 'message', m.created_at, s.name, m.direction, m.party, m.body, m.status,"
    "   m.error_code::text, m.error_title, m.type" NO_AI ", 6, m.id"
    "   FROM messages m LEFT JOIN staff s ON s.id = m.staff_id"
    "   WHERE m.lead_id = $3 AND m.venue_id = $1"
    " UNION ALL SELECT 'ai', a.created_at, s.name, NULL, NULL, a.text, NULL, NULL, NULL, NULL,"
    "   a.engine, a.intent, a.slots::text, to_char(a.confidence, 'FM0.00'), a.fallback,"
    "   a.latency_ms::text, a.model, 0, a.id"
    "   FROM ai_log a LEFT JOIN staff s ON s.id = a.staff_id"
    "   WHERE a.id IN " AI_IDS_ABOUT("$3") ") t ORDER BY at, ord, k LIMIT $4";

int rl_timeline(struct dbconn *c, int64_t venue, const char *tz, int64_t id, rl_item_fn fn,
                void *cls, bool *cut)
{
    char vs[24], is[24], ls[24];
    const char *p[4] = {db_i64s(venue, vs), tz, db_i64s(id, is), db_i64s(RL_TIMELINE_MAX + 1, ls)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_timeline, 4, p, &r);

    for (int i = 0; !rc && i < PQntuples(r) && i < RL_TIMELINE_MAX; i++) {
        struct rl_item t = {.kind = db_str(r, i, 0),
                            .at = db_str(r, i, 1),
                            .who = db_str(r, i, 2),
                            .a = db_str(r, i, 3),
                            .b = db_str(r, i, 4),
                            .text = db_str(r, i, 5),
                            .status = db_str(r, i, 6),
                            .error_code = db_str(r, i, 7),
                            .error_title = db_str(r, i, 8),
                            .type = db_str(r, i, 9)};
        t.ai.at = t.at;
        t.ai.staff = t.who;
        t.ai.text = t.text;
        t.ai.engine = db_str(r, i, 10);
        t.ai.intent = db_str(r, i, 11);
        t.ai.slots = db_str(r, i, 12);
        t.ai.confidence = db_str(r, i, 13);
        t.ai.fallback = db_str(r, i, 14);
        t.ai.latency_ms = db_str(r, i, 15);
        t.ai.model = db_str(r, i, 16);
        rc = fn(cls, &t);
    }
    *cut = !rc && PQntuples(r) > RL_TIMELINE_MAX;
    PQclear(r);
    return rc;
}

/* ---- staff ---- */

static const char sql_staff[] =
    "SELECT id, name, role FROM staff WHERE venue_id = $1 ORDER BY lower(name), id";

int rl_staff(struct dbconn *c, int64_t venue, rl_staff_fn fn, void *cls)
{
    char vs[24];
    const char *p[1] = {db_i64s(venue, vs)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_staff, 1, p, &r);

    for (int i = 0; !rc && i < PQntuples(r); i++) {
        struct rl_staff s = {db_i64(r, i, 0), db_str(r, i, 1), db_str(r, i, 2)};
        rc = fn(cls, &s);
    }
    PQclear(r);
    return rc;
}
