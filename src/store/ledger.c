#include "store/ledger.h"

#include <stdlib.h>
#include <string.h>

const char *const ledger_milestone_names[LEDGER_MILESTONES + 1] = {"advance", "mid", "final", NULL};

static const char sql_append[] =
    "INSERT INTO payment_entries (venue_id, lead_id, milestone, amount, method, received_at,"
    " recorded_by, source, external_id, note)"
    " VALUES ($1, $2, $3, $4, $5, COALESCE($6::timestamptz, now()), NULLIF($7, '0')::bigint,"
    " $8, $9, $10) ON CONFLICT (source, external_id) DO NOTHING RETURNING id";
static const char sql_known[] =
    "SELECT id FROM payment_entries WHERE source = $1 AND external_id = $2";
static const char sql_get[] =
    "SELECT e.id, e.lead_id, e.amount, COALESCE(e.reverses, 0), COALESCE(r.id, 0),"
    " COALESCE(e.milestone, ''), e.source FROM payment_entries e"
    " LEFT JOIN payment_entries r ON r.reverses = e.id WHERE e.venue_id = $1 AND e.id = $2";
static const char sql_last[] =
    "SELECT e.id FROM payment_entries e WHERE e.venue_id = $1 AND e.lead_id = $2"
    " AND e.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM payment_entries r"
    " WHERE r.reverses = e.id) ORDER BY e.id DESC LIMIT 1";
static const char sql_reverse[] =
    "INSERT INTO payment_entries (venue_id, lead_id, milestone, amount, method, received_at,"
    " recorded_by, source, note, reverses, reason)"
    " SELECT venue_id, lead_id, milestone, -amount, method, now(), NULLIF($3, '0')::bigint,"
    " 'chat', NULL, id, $4 FROM payment_entries WHERE venue_id = $1 AND id = $2"
    " RETURNING id";
static const char sql_status[] =
    "SELECT milestone, planned, received, outstanding, to_char(due_date, 'YYYY-MM-DD')"
    " FROM payment_milestones WHERE venue_id = $1 AND lead_id = $2";
static const char sql_received[] = "SELECT COALESCE(sum(amount), 0),"
                                   " COALESCE(sum(amount) FILTER (WHERE milestone = 'advance'), 0),"
                                   " COALESCE(sum(amount) FILTER (WHERE milestone = 'mid'), 0),"
                                   " COALESCE(sum(amount) FILTER (WHERE milestone = 'final'), 0)"
                                   " FROM payment_entries WHERE venue_id = $1 AND lead_id = $2";
static const char sql_plan_make[] =
    "INSERT INTO payment_plan (venue_id, lead_id, milestone, amount, due_date, set_by)"
    " SELECT $1, $2, m.name, m.amount, GREATEST($3::date, m.due), NULLIF($10, '0')::bigint"
    " FROM (VALUES ('advance', $4::bigint, $3::date + $7::int),"
    "  ('mid', $5::bigint, COALESCE(NULLIF($9, '')::date - $8::int, $3::date)),"
    "  ('final', $6::bigint, COALESCE(NULLIF($9, '')::date - $11::int, $3::date)))"
    "  AS m (name, amount, due)"
    " ON CONFLICT (lead_id, milestone) DO NOTHING";
static const char sql_plan_made[] =
    "INSERT INTO payment_plan_state (lead_id, venue_id, agreed, event_date, booked_on)"
    " VALUES ($1, $2, $3, NULLIF($4, '')::date, $5::date) ON CONFLICT (lead_id) DO UPDATE SET"
    " agreed = EXCLUDED.agreed, event_date = EXCLUDED.event_date,"
    " booked_on = EXCLUDED.booked_on, updated_at = now()";
static const char sql_plan_agreed[] =
    "INSERT INTO payment_plan_state (lead_id, venue_id, agreed) VALUES ($1, $2, $3)"
    " ON CONFLICT (lead_id) DO UPDATE SET agreed = EXCLUDED.agreed, updated_at = now()";
static const char sql_plan_get[] =
    "SELECT p.milestone, p.amount, p.amount_set, p.due_set, COALESCE(s.agreed, 0),"
    " COALESCE(s.revision, 0), COALESCE(to_char(s.event_date, 'YYYY-MM-DD'), ''),"
    " COALESCE(to_char(s.booked_on, 'YYYY-MM-DD'), '')"
    " FROM payment_plan p LEFT JOIN payment_plan_state s ON s.lead_id = p.lead_id"
    " WHERE p.lead_id = $1";
/* mid and final follow the event unless chat set their dates; never
 * before the booking day (else the earliest due date) */
static const char sql_plan_dates[] =
    "WITH b AS (SELECT COALESCE((SELECT booked_on FROM payment_plan_state WHERE lead_id = $1),"
    "  (SELECT min(due_date) FROM payment_plan WHERE lead_id = $1)) AS day),"
    " d AS (SELECT p.lead_id, p.milestone, GREATEST(b.day, COALESCE(NULLIF($2, '')::date"
    "  - CASE p.milestone WHEN 'mid' THEN $3::int ELSE $4::int END, b.day)) AS due"
    "  FROM payment_plan p, b WHERE p.lead_id = $1 AND p.milestone IN ('mid', 'final')"
    "  AND NOT p.due_set),"
    " u AS (UPDATE payment_plan p SET due_date = d.due, set_by = NULLIF($5, '0')::bigint FROM d"
    "  WHERE p.lead_id = d.lead_id AND p.milestone = d.milestone AND p.due_date <> d.due"
    "  RETURNING 1),"
    " s AS (UPDATE payment_plan_state SET event_date = NULLIF($2, '')::date, updated_at = now()"
    "  WHERE lead_id = $1 RETURNING 1)"
    " SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM s)";
static const char sql_plan_amount[] =
    "UPDATE payment_plan SET amount = $3::bigint, set_by = NULLIF($4, '0')::bigint"
    " WHERE lead_id = $1 AND milestone = $2 AND amount <> $3::bigint";
static const char sql_plan_set[] =
    "INSERT INTO payment_plan (venue_id, lead_id, milestone, amount, due_date, set_by,"
    " amount_set, due_set)"
    " VALUES ($1, $2, $3, GREATEST($4::bigint, 0), COALESCE($5::date, CURRENT_DATE),"
    " NULLIF($6, '0')::bigint, $4::bigint >= 0, $5::date IS NOT NULL)"
    " ON CONFLICT (lead_id, milestone) DO UPDATE SET"
    " amount = CASE WHEN $4::bigint < 0 THEN payment_plan.amount ELSE EXCLUDED.amount END,"
    " amount_set = payment_plan.amount_set OR $4::bigint >= 0,"
    " due_set = payment_plan.due_set OR $5::date IS NOT NULL,"
    " due_date = COALESCE($5::date, payment_plan.due_date), set_by = EXCLUDED.set_by,"
    " updated_at = now()";
static const char sql_due[] = "SELECT m.lead_id, COALESCE(l.assigned_staff_id, 0), m.milestone,"
                              " to_char(m.due_date, 'YYYY-MM-DD'), m.outstanding"
                              " FROM payment_balances m JOIN leads l ON l.id = m.lead_id"
                              " WHERE m.venue_id = $1 AND m.outstanding > 0 AND l.stage = 'BOOKED'"
                              " AND ($2::date IS NULL OR m.due_date >= $2::date)"
                              " AND ($3::date IS NULL OR m.due_date <= $3::date)"
                              " AND ($4::bigint = 0 OR l.assigned_staff_id = $4::bigint)"
                              " ORDER BY m.due_date, m.lead_id, m.ord LIMIT $5 OFFSET $6";
static const char sql_totals[] =
    "SELECT (SELECT COALESCE(sum(amount), 0) FROM payment_entries WHERE venue_id = $1"
    "   AND ($2::timestamptz IS NULL OR received_at >= $2::timestamptz)"
    "   AND ($3::timestamptz IS NULL OR received_at < $3::timestamptz)),"
    " COALESCE(sum(m.outstanding) FILTER (WHERE m.due_date >= $4::date), 0),"
    " COALESCE(sum(m.outstanding) FILTER (WHERE m.due_date < $4::date), 0),"
    " count(DISTINCT m.lead_id) FILTER (WHERE m.due_date < $4::date AND m.outstanding > 0)"
    " FROM payment_balances m JOIN leads l ON l.id = m.lead_id"
    " WHERE m.venue_id = $1 AND l.stage = 'BOOKED'";

/* Runs sql with the two integer parameters a and b; *r as db_exec. */
static int exec2(struct dbconn *c, const char *sql, int64_t a, int64_t b, PGresult **r)
{
    char as[24], bs[24];
    const char *p[2] = {db_i64s(a, as), db_i64s(b, bs)};

    return db_exec(c, sql, 2, p, r);
}

static int ms_index(const char *m)
{
    for (int i = 0; m && i < LEDGER_MILESTONES; i++) {
        if (strcmp(ledger_milestone_names[i], m) == 0) {
            return i;
        }
    }
    return -1;
}

int ledger_append(struct dbconn *c, const struct ledger_new *n, int64_t *id, bool *added)
{
    char v[24], l[24], a[24], s[24];
    PGresult *r = NULL;
    int rc;

    if (n->amount <= 0 || (n->milestone && ms_index(n->milestone) < 0) || !n->source) {
        return RB_EINVAL;
    }
    const char *p[10] = {db_i64s(n->venue_id, v),
                         db_i64s(n->lead_id, l),
                         n->milestone,
                         db_i64s(n->amount, a),
                         n->method,
                         n->received_at,
                         db_i64s(n->recorded_by, s),
                         n->source,
                         n->external_id,
                         n->note};
    rc = db_exec(c, sql_append, 10, p, &r);
    if (!rc && PQntuples(r) == 1) {
        *id = db_i64(r, 0, 0);
        *added = true;
    } else if (!rc) {
        PQclear(r);
        r = NULL;
        *added = false;
        rc = db_exec(c, sql_known, 2, p + 7, &r);
        rc = rc ? rc : PQntuples(r) == 1 ? RB_OK : RB_EINTERNAL;
        *id = rc ? 0 : db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int ledger_entry_get(struct dbconn *c, int64_t venue, int64_t id, struct ledger_entry *out)
{
    PGresult *r = NULL;
    int rc = exec2(c, sql_get, venue, id, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        memset(out, 0, sizeof(*out));
        out->id = db_i64(r, 0, 0);
        out->lead_id = db_i64(r, 0, 1);
        out->amount = db_i64(r, 0, 2);
        out->reverses = db_i64(r, 0, 3);
        out->reversed_by = db_i64(r, 0, 4);
        strncpy(out->milestone, db_str(r, 0, 5), sizeof(out->milestone) - 1);
        strncpy(out->source, db_str(r, 0, 6), sizeof(out->source) - 1);
    }
    PQclear(r);
    return rc;
}

int ledger_last_receipt(struct dbconn *c, int64_t venue, int64_t lead, int64_t *id)
{
    PGresult *r = NULL;
    int rc = exec2(c, sql_last, venue, lead, &r);

    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

int ledger_reverse(struct dbconn *c, int64_t venue, int64_t lead, int64_t entry, int64_t staff,
                   const char *reason, int64_t *id)
{
    struct ledger_entry e;
    char v[24], i[24], s[24];
    PGresult *r = NULL;
    int rc;

    if (!reason || !reason[0]) {
        return RB_EINVAL;
    }
    rc = ledger_entry_get(c, venue, entry, &e);
    if (!rc && e.lead_id != lead) {
        rc = RB_ENOTFOUND;
    }
    if (!rc && (e.reverses || e.reversed_by)) {
        rc = RB_ECONFLICT;
    }
    if (rc) {
        return rc;
    }
    const char *p[4] = {db_i64s(venue, v), db_i64s(entry, i), db_i64s(staff, s), reason};
    rc = db_exec(c, sql_reverse, 4, p, &r);
    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
        rc = *id ? RB_OK : RB_ENOTFOUND;
    }
    PQclear(r);
    return rc;
}

int ledger_status(struct dbconn *c, int64_t venue, int64_t lead, struct ledger_status *out)
{
    PGresult *r = NULL;
    int rc = exec2(c, sql_status, venue, lead, &r);

    memset(out, 0, sizeof(*out));
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        int k = ms_index(db_str(r, i, 0));
        if (k < 0) {
            continue;
        }
        struct ledger_ms *m = &out->ms[k];
        m->planned = true;
        m->amount = db_i64(r, i, 1);
        m->received = db_i64(r, i, 2);
        m->outstanding = db_i64(r, i, 3);
        strncpy(m->due_date, db_str(r, i, 4), sizeof(m->due_date) - 1);
        out->planned += m->amount;
        out->outstanding += m->outstanding;
    }
    PQclear(r);
    r = NULL;
    rc = rc ? rc : exec2(c, sql_received, venue, lead, &r);
    if (!rc) {
        out->received = db_i64(r, 0, 0);
        for (int k = 0; k < LEDGER_MILESTONES; k++) {
            out->ms[k].received = db_i64(r, 0, k + 1);
        }
    }
    PQclear(r);
    return rc;
}

void ledger_plan_shares(int64_t agreed, const struct ledger_plan_conf *pc,
                        const int64_t fixed[LEDGER_MILESTONES], int64_t out[LEDGER_MILESTONES])
{
    int64_t w[LEDGER_MILESTONES] = {pc->advance_pct, pc->mid_pct,
                                    100 - pc->advance_pct - pc->mid_pct};
    int64_t left = agreed, weight = 0;
    int last = -1;

    for (int k = 0; k < LEDGER_MILESTONES; k++) {
        w[k] = w[k] < 0 ? 0 : w[k];
        if (fixed[k] >= 0) {
            out[k] = fixed[k];
            left -= fixed[k];
        } else {
            weight += w[k];
            last = k;
        }
    }
    left = left < 0 ? 0 : left;
    int64_t pool = left; /* each share is of what was left, rounded */
    for (int k = 0; k < LEDGER_MILESTONES; k++) {
        if (fixed[k] >= 0) {
            continue;
        }
        if (k == last) {
            out[k] = left; /* the rest, so the shares add up to the rupee */
        } else {
            out[k] = weight > 0 ? (pool * w[k] + weight / 2) / weight : 0;
            out[k] = out[k] > left ? left : out[k];
            left -= out[k];
        }
    }
}

int ledger_plan_make(struct dbconn *c, int64_t venue, int64_t lead, int64_t agreed,
                     const char *booked_date, const char *event_date,
                     const struct ledger_plan_conf *pc, int64_t staff)
{
    static const int64_t none[LEDGER_MILESTONES] = {-1, -1, -1};
    char v[24], l[24], a[24], m[24], f[24], ad[24], md[24], fd[24], s[24], ag[24];
    int64_t share[LEDGER_MILESTONES];
    int rc;

    if (agreed <= 0 || !booked_date) {
        return RB_EINVAL;
    }
    ledger_plan_shares(agreed, pc, none, share);
    const char *p[11] = {db_i64s(venue, v),
                         db_i64s(lead, l),
                         booked_date,
                         db_i64s(share[0], a),
                         db_i64s(share[1], m),
                         db_i64s(share[2], f),
                         db_i64s(pc->advance_days, ad),
                         db_i64s(pc->mid_days, md),
                         event_date ? event_date : "",
                         db_i64s(staff, s),
                         db_i64s(pc->final_days, fd)};
    const char *q[5] = {l, v, db_i64s(agreed, ag), event_date ? event_date : "", booked_date};
    rc = db_exec(c, sql_plan_make, 11, p, NULL);
    return rc ? rc : db_exec(c, sql_plan_made, 5, q, NULL);
}

int ledger_plan_get(struct dbconn *c, int64_t lead, struct ledger_plan *out)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead, ls)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_plan_get, 1, p, &r);

    memset(out, 0, sizeof(*out));
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        int k = ms_index(db_str(r, i, 0));
        if (k >= 0) {
            out->planned[k] = true;
            out->amount[k] = db_i64(r, i, 1);
            out->amount_set[k] = db_bool(r, i, 2);
            out->due_set[k] = db_bool(r, i, 3);
        }
        out->agreed = db_i64(r, i, 4);
        out->revision = db_i64(r, i, 5);
        strncpy(out->event_date, db_str(r, i, 6), sizeof(out->event_date) - 1);
        strncpy(out->booked_on, db_str(r, i, 7), sizeof(out->booked_on) - 1);
    }
    PQclear(r);
    return rc;
}

int ledger_plan_amounts(struct dbconn *c, int64_t venue, int64_t lead,
                        const int64_t amount[LEDGER_MILESTONES], int64_t agreed, int64_t staff,
                        int *changed)
{
    char v[24], l[24], a[24], s[24], ag[24];
    const char *q[3] = {db_i64s(lead, l), db_i64s(venue, v), db_i64s(agreed, ag)};
    int rc = RB_OK;

    *changed = 0;
    for (int k = 0; !rc && k < LEDGER_MILESTONES; k++) {
        PGresult *r = NULL;
        if (amount[k] < 0) {
            continue;
        }
        const char *p[4] = {l, ledger_milestone_names[k], db_i64s(amount[k], a), db_i64s(staff, s)};
        rc = db_exec(c, sql_plan_amount, 4, p, &r);
        *changed += !rc && atoi(PQcmdTuples(r)) > 0;
        PQclear(r);
    }
    return rc ? rc : db_exec(c, sql_plan_agreed, 3, q, NULL);
}

int ledger_plan_dates(struct dbconn *c, int64_t lead, const char *event_date,
                      const struct ledger_plan_conf *pc, int64_t staff, int *changed)
{
    char l[24], md[24], fd[24], s[24];
    const char *p[5] = {db_i64s(lead, l), event_date ? event_date : "", db_i64s(pc->mid_days, md),
                        db_i64s(pc->final_days, fd), db_i64s(staff, s)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_plan_dates, 5, p, &r);

    *changed = rc ? 0 : (int)db_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

int ledger_plan_set(struct dbconn *c, int64_t venue, int64_t lead, const char *milestone,
                    int64_t amount, const char *due_date, int64_t staff)
{
    char v[24], l[24], a[24], s[24];

    if (ms_index(milestone) < 0) {
        return RB_EINVAL;
    }
    const char *p[6] = {db_i64s(venue, v),  db_i64s(lead, l), milestone,
                        db_i64s(amount, a), due_date,         db_i64s(staff, s)};
    return db_exec(c, sql_plan_set, 6, p, NULL);
}

int ledger_due_between(struct dbconn *c, int64_t venue, const char *from, const char *to,
                       int64_t assignee, int max, int offset, struct ledger_due **rows, size_t *n)
{
    char v[24], as[24], mx[24], of[24];
    const char *p[6] = {db_i64s(venue, v),  from, to, db_i64s(assignee, as), db_i64s(max, mx),
                        db_i64s(offset, of)};
    PGresult *r = NULL;
    struct ledger_due *out = NULL;
    int rc = db_exec(c, sql_due, 6, p, &r);

    *rows = NULL;
    *n = 0;
    if (!rc) {
        out = calloc((size_t)PQntuples(r) + 1, sizeof(*out));
        rc = out ? RB_OK : RB_ENOMEM;
    }
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        out[i].lead_id = db_i64(r, i, 0);
        out[i].assignee = db_i64(r, i, 1);
        strncpy(out[i].milestone, db_str(r, i, 2), sizeof(out[i].milestone) - 1);
        strncpy(out[i].due_date, db_str(r, i, 3), sizeof(out[i].due_date) - 1);
        out[i].outstanding = db_i64(r, i, 4);
    }
    if (!rc) {
        *rows = out;
        *n = (size_t)PQntuples(r);
    } else {
        free(out);
    }
    PQclear(r);
    return rc;
}

int ledger_venue_totals(struct dbconn *c, int64_t venue, const char *from, const char *to,
                        const char *today, struct ledger_totals *out)
{
    char v[24];
    const char *p[4] = {db_i64s(venue, v), from, to, today};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_totals, 4, p, &r);

    if (!rc) {
        out->received = db_i64(r, 0, 0);
        out->due = db_i64(r, 0, 1);
        out->overdue = db_i64(r, 0, 2);
        out->overdue_leads = db_i64(r, 0, 3);
    }
    PQclear(r);
    return rc;
}

static const char sql_has_plan[] = "SELECT EXISTS (SELECT 1 FROM payment_plan WHERE lead_id = $1)";
static const char sql_plan_json[] =
    "SELECT COALESCE(json_agg(json_build_object('milestone', milestone, 'amount', amount,"
    " 'due_date', to_char(due_date, 'YYYY-MM-DD')) ORDER BY"
    " array_position(ARRAY['advance', 'mid', 'final'], milestone)), '[]')::text,"
    " COALESCE((SELECT revision FROM payment_plan_state WHERE lead_id = $1), 0),"
    " COALESCE((SELECT agreed FROM payment_plan_state WHERE lead_id = $1), sum(amount), 0)"
    " FROM payment_plan WHERE lead_id = $1";

int ledger_plan_exists(struct dbconn *c, int64_t lead, bool *yes)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead, ls)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_has_plan, 1, p, &r);

    if (!rc) {
        *yes = db_bool(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int ledger_plan_json(struct dbconn *c, int64_t lead, char **json, int64_t *revision,
                     int64_t *agreed)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead, ls)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_plan_json, 1, p, &r);

    *json = NULL;
    if (!rc) {
        *json = strdup(db_str(r, 0, 0));
        rc = *json ? RB_OK : RB_ENOMEM;
        *revision = db_i64(r, 0, 1);
        *agreed = db_i64(r, 0, 2);
    }
    PQclear(r);
    return rc;
}
