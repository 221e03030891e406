#include "store/convo.h"

#include <stdlib.h>

#include "core/buf.h"
#include "core/str.h"

/* The lead: the staff member's newest convo_current row (sql/021), else what
 * conversation_state held before 021. */
static const char sql_get[] =
    "SELECT COALESCE((SELECT lead_id FROM convo_current WHERE staff_id = $1 AND venue_id = $2"
    "  ORDER BY id DESC LIMIT 1),"
    " (SELECT current_lead_id FROM conversation_state WHERE staff_id = $1 AND venue_id = $2), 0),"
    " (SELECT pending::text FROM conversation_state WHERE staff_id = $1 AND venue_id = $2"
    "  AND pending_expires > to_timestamp($3))";
/* Appended: no row lock another transaction waits for (sql/021). */
static const char sql_current[] =
    "INSERT INTO convo_current (staff_id, venue_id, lead_id) VALUES ($1, $2, $3)";
static const char sql_current_many[] =
    "INSERT INTO convo_current (staff_id, venue_id, lead_id)"
    " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])";
/* Every row but its staff member's newest (visible) one. */
static const char sql_compact[] =
    "DELETE FROM convo_current c WHERE venue_id = $1 AND EXISTS (SELECT 1 FROM convo_current n"
    " WHERE n.staff_id = c.staff_id AND n.id > c.id)";
static const char sql_pending[] =
    "INSERT INTO conversation_state (staff_id, venue_id, pending, pending_expires)"
    " VALUES ($1, $2, $3::jsonb, to_timestamp($4)) ON CONFLICT (staff_id) DO UPDATE"
    " SET pending = EXCLUDED.pending, pending_expires = EXCLUDED.pending_expires,"
    " updated_at = now()";

int store_convo_get(struct dbconn *c, int64_t venue, int64_t staff_id, int64_t now_s,
                    int64_t *current, char **pending)
{
    char s[24], v[24], n[24];
    const char *p[3] = {db_i64s(staff_id, s), db_i64s(venue, v), db_i64s(now_s, n)};
    PGresult *r = NULL;
    char *text = NULL;
    int rc = db_exec(c, sql_get, 3, p, &r);

    if (!rc && PQntuples(r) && db_str(r, 0, 1)) {
        text = rb_strdup(db_str(r, 0, 1));
        rc = text ? RB_OK : RB_ENOMEM;
    }
    if (!rc) {
        *current = PQntuples(r) ? db_i64(r, 0, 0) : 0;
        *pending = text;
    }
    PQclear(r);
    return rc;
}

int store_convo_set_current(struct dbconn *c, int64_t venue, int64_t staff_id, int64_t lead_id)
{
    char s[24], v[24], l[24];
    const char *p[3] = {db_i64s(staff_id, s), db_i64s(venue, v), db_i64s(lead_id, l)};

    return db_exec(c, sql_current, 3, p, NULL);
}

int store_convo_set_current_many(struct dbconn *c, const struct convo_current *v, size_t n)
{
    struct buf a[3];
    char one[24];
    int rc = RB_OK;

    if (!n) {
        return RB_OK;
    }
    for (int k = 0; k < 3; k++) {
        buf_init(&a[k], 1u << 20);
        rc = rc ? rc : buf_addc(&a[k], '{');
    }
    for (size_t i = 0; i < n && !rc; i++) {
        const int64_t col[3] = {v[i].staff_id, v[i].venue_id, v[i].lead_id};
        for (int k = 0; k < 3 && !rc; k++) {
            rc = i ? buf_addc(&a[k], ',') : RB_OK;
            rc = rc ? rc : buf_adds(&a[k], db_i64s(col[k], one));
        }
    }
    for (int k = 0; k < 3 && !rc; k++) {
        rc = buf_addc(&a[k], '}');
    }
    if (!rc) {
        const char *p[3] = {a[0].p, a[1].p, a[2].p};
        rc = db_exec(c, sql_current_many, 3, p, NULL);
    }
    for (int k = 0; k < 3; k++) {
        buf_release(&a[k]);
    }
    return rc;
}

int store_convo_compact(struct dbconn *c, int64_t venue)
{
    char v[24];
    const char *p[1] = {db_i64s(venue, v)};

    return db_exec(c, sql_compact, 1, p, NULL);
}

int store_convo_set_pending(struct dbconn *c, int64_t venue, int64_t staff_id, const char *pending,
                            int64_t expires_s)
{
    char s[24], v[24], e[24];
    const char *p[4] = {db_i64s(staff_id, s), db_i64s(venue, v), pending, db_i64s(expires_s, e)};

    return db_exec(c, sql_pending, 4, p, NULL);
}
