#include "store/convo.h"

#include <stdlib.h>

#include "core/str.h"

static const char sql_get[] =
    "SELECT COALESCE(current_lead_id, 0), CASE WHEN pending_expires > to_timestamp($3)"
    " THEN pending::text END FROM conversation_state WHERE staff_id = $1 AND venue_id = $2";
static const char sql_current[] =
    "INSERT INTO conversation_state (staff_id, venue_id, current_lead_id) VALUES ($1, $2, $3)"
    " ON CONFLICT (staff_id) DO UPDATE SET current_lead_id = EXCLUDED.current_lead_id,"
    " updated_at = now()";
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

int store_convo_set_pending(struct dbconn *c, int64_t venue, int64_t staff_id, const char *pending,
                            int64_t expires_s)
{
    char s[24], v[24], e[24];
    const char *p[4] = {db_i64s(staff_id, s), db_i64s(venue, v), pending, db_i64s(expires_s, e)};

    return db_exec(c, sql_pending, 4, p, NULL);
}
