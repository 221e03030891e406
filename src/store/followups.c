#include "store/followups.h"

#include <stdbool.h>
#include <stdlib.h>

#include "core/str.h"

static const char sql_add[] = "INSERT INTO followups (venue_id, lead_id, staff_id, due_at, note)"
                              " VALUES ($1, $2, $3, to_timestamp($4), $5)";
static const char sql_next_due[] =
    "SELECT extract(epoch FROM due_at)::bigint FROM followups WHERE lead_id = $1"
    " AND done_at IS NULL ORDER BY due_at LIMIT 1";
static const char sql_close[] =
    "UPDATE followups SET done_at = now() WHERE lead_id = $1 AND done_at IS NULL";
static const char sql_page[] =
    "SELECT extract(epoch FROM f.due_at)::bigint, f.lead_id, f.note FROM followups f"
    " JOIN leads l ON l.id = f.lead_id WHERE f.venue_id = $1 AND f.done_at IS NULL"
    " AND ($2::bigint = 0 OR f.staff_id = $2 OR l.assigned_staff_id = $2)"
    " AND f.due_at >= to_timestamp($3) AND f.due_at < to_timestamp($4)"
    " ORDER BY f.due_at, f.id LIMIT $5 OFFSET $6"; /* soonest first */
static const char sql_due[] =
    "SELECT f.id FROM followups f WHERE f.venue_id = $1 AND f.done_at IS NULL"
    " AND f.reminded_at IS NULL AND f.due_at <= to_timestamp($2)"
    " ORDER BY f.due_at LIMIT $3 FOR UPDATE SKIP LOCKED";
static const char sql_get[] =
    "SELECT f.lead_id, COALESCE(f.staff_id, l.assigned_staff_id, 0), f.note,"
    " extract(epoch FROM f.due_at)::bigint FROM followups f JOIN leads l ON l.id = f.lead_id"
    " WHERE f.id = $1";
static const char sql_reminded[] = "UPDATE followups SET reminded_at = now() WHERE id = $1";

int store_followup_add(struct dbconn *c, int64_t venue, int64_t lead_id, int64_t staff_id,
                       int64_t due_s, const char *note)
{
    char v[24], ls[24], ws[24], ds[24];
    const char *p[5] = {db_i64s(venue, v), db_i64s(lead_id, ls), db_i64s(staff_id, ws),
                        db_i64s(due_s, ds), note};

    return db_exec(c, sql_add, 5, p, NULL);
}

int store_followup_next_due(struct dbconn *c, int64_t lead_id, int64_t *due_s)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead_id, ls)};

    return db_query_id(c, sql_next_due, 1, p, due_s);
}

int store_followups_close(struct dbconn *c, int64_t lead_id)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead_id, ls)};

    return db_exec(c, sql_close, 1, p, NULL);
}

static void followup_drop(void *elem)
{
    free(((struct store_followup *)elem)->note);
}

void store_followups_free(struct store_followup *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        followup_drop(&v[i]);
    }
    free(v);
}

static int followup_fill(const PGresult *r, int i, void *elem)
{
    struct store_followup *f = elem;

    f->due_s = db_i64(r, i, 0);
    f->lead_id = db_i64(r, i, 1);
    f->note = rb_strdup(db_str(r, i, 2));
    return f->note || !db_str(r, i, 2) ? RB_OK : RB_ENOMEM;
}

int store_followups_page(struct dbconn *c, int64_t venue, int64_t staff_id, int64_t from_s,
                         int64_t to_s, int limit, int offset, struct store_followup **rows,
                         size_t *n)
{
    char v[24], s[24], f[24], t[24], lim[24], off[24];
    const char *p[6] = {db_i64s(venue, v), db_i64s(staff_id, s), db_i64s(from_s, f),
                        db_i64s(to_s, t),  db_i64s(limit, lim),  db_i64s(offset, off)};
    void *a = NULL;
    int rc = db_query_rows(c, sql_page, 6, p, sizeof(**rows), followup_fill, followup_drop, &a, n);

    if (!rc) {
        *rows = a;
    }
    return rc;
}

int store_followups_due(struct dbconn *c, int64_t venue, int64_t now_s, int max, int64_t **ids,
                        size_t *n)
{
    char v[24], t[24], m[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(now_s, t), db_i64s(max, m)};

    return db_query_ids(c, sql_due, 3, p, ids, n);
}

int store_followup_get(struct dbconn *c, int64_t id, struct store_followup *out, bool *found)
{
    char fs[24];
    const char *p[1] = {db_i64s(id, fs)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_get, 1, p, &r);

    *found = false;
    if (!rc && PQntuples(r)) {
        char *note = rb_strdup(db_str(r, 0, 2));

        rc = note || !db_str(r, 0, 2) ? RB_OK : RB_ENOMEM;
        if (!rc) {
            out->id = id;
            out->lead_id = db_i64(r, 0, 0);
            out->staff_id = db_i64(r, 0, 1);
            out->note = note;
            out->due_s = db_i64(r, 0, 3);
            *found = true;
        }
    }
    PQclear(r);
    return rc;
}

int store_followup_reminded(struct dbconn *c, int64_t id)
{
    char s[24];
    const char *p[1] = {db_i64s(id, s)};

    return db_exec(c, sql_reminded, 1, p, NULL);
}
