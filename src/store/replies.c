#include "store/replies.h"

static const char sql_quoted[] =
    "SELECT lead_id, purpose IN ('forward', 'notice') FROM outbox"
    " WHERE venue_id = $1 AND wamid = $2 AND lead_id IS NOT NULL"
    " UNION ALL SELECT m.lead_id, COALESCE(o.purpose IN ('forward', 'notice'), false)"
    " FROM messages m LEFT JOIN outbox o ON o.id = m.outbox_id"
    " WHERE m.venue_id = $1 AND m.wamid = $2 AND m.lead_id IS NOT NULL LIMIT 1";
static const char sql_window[] =
    "SELECT COALESCE(last_inbound_at > now() - ($3::int * interval '1 hour'), false),"
    " EXISTS (SELECT 1 FROM outbox o WHERE o.venue_id = $1 AND o.contact_id = $2"
    "  AND o.purpose = 'reply' AND o.state IN ('pending', 'held'))"
    " FROM contacts WHERE venue_id = $1 AND id = $2";
static const char sql_set_lead[] =
    "UPDATE messages SET lead_id = $3 WHERE venue_id = $1 AND id = $2 AND lead_id IS NULL";

int store_quoted_lead(struct dbconn *c, int64_t venue, const char *wamid, int64_t *lead,
                      bool *relay)
{
    char v[24];
    const char *p[2] = {db_i64s(venue, v), wamid};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_quoted, 2, p, &r);

    *lead = 0;
    *relay = false;
    if (!rc && PQntuples(r)) {
        *lead = db_i64(r, 0, 0);
        *relay = db_bool(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

int store_client_window(struct dbconn *c, int64_t venue, int64_t contact_id, int window_hours,
                        bool *open, bool *waiting)
{
    char v[24], cs[24], w[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(contact_id, cs), db_i64s(window_hours, w)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_window, 3, p, &r);

    if (!rc) {
        *open = PQntuples(r) > 0 && db_bool(r, 0, 0);
        *waiting = PQntuples(r) > 0 && db_bool(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

int store_message_set_lead(struct dbconn *c, int64_t venue, int64_t message_id, int64_t lead_id)
{
    char v[24], m[24], ls[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(message_id, m), db_i64s(lead_id, ls)};

    return db_exec(c, sql_set_lead, 3, p, NULL);
}
