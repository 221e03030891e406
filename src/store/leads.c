#include "store/leads.h"

#include <stdlib.h>

static const char sql_open_lead[] = "SELECT id FROM leads WHERE venue_id = $1 AND contact_id = $2"
                                    " AND stage NOT IN ('BOOKED', 'LOST') ORDER BY id LIMIT 1";
/* A booked client stays that lead's client until the event day has passed
 * (a booking with no date yet stays theirs too). */
static const char sql_booked_lead[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND contact_id = $2 AND stage = 'BOOKED'"
    " AND (event_date IS NULL OR event_date >= $3::date) ORDER BY id DESC LIMIT 1";
static const char sql_last_lead[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND contact_id = $2 ORDER BY id DESC LIMIT 1";
/* The latest lead, its assignee when still one to give a lead to, and
 * whether it was lost recently enough to reopen. */
static const char sql_returning[] =
    "SELECT l.id, COALESCE(s.id, 0), l.stage = 'LOST' AND $3::int > 0"
    "  AND l.stage_changed_at > now() - make_interval(hours => $3::int)"
    " FROM leads l LEFT JOIN staff s ON s.id = l.assigned_staff_id AND s.venue_id = l.venue_id"
    "  AND s.role = 'sales' AND s.active AND NOT s.away"
    " WHERE l.venue_id = $1 AND l.contact_id = $2 ORDER BY l.id DESC LIMIT 1";
/* Back to the stage its last move to LOST came from; the history says who
 * moved it (nobody: the client's message). */
static const char sql_reopen[] =
    "WITH u AS (UPDATE leads l SET stage = COALESCE((SELECT h.from_stage FROM stage_history h"
    "   WHERE h.lead_id = l.id AND h.to_stage = 'LOST' AND h.from_stage NOT IN ('LOST', 'BOOKED')"
    "   ORDER BY h.at DESC, h.id DESC LIMIT 1), 'CONTACTED'),"
    "  stage_changed_at = now(), assigned_staff_id = NULLIF($3, '0')::bigint"
    " WHERE l.venue_id = $1 AND l.id = $2 AND l.stage = 'LOST' AND NOT EXISTS (SELECT 1"
    "  FROM leads o WHERE o.venue_id = $1 AND o.contact_id = l.contact_id"
    "  AND o.stage NOT IN ('BOOKED', 'LOST'))"
    " RETURNING l.id, l.stage)"
    " INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, note)"
    " SELECT $1, id, 'LOST', stage, 'reopened: the client wrote again' FROM u RETURNING lead_id";
static const char sql_fill_open[] =
    "UPDATE leads SET campaign = COALESCE(campaign, $2), event_date = COALESCE(event_date,"
    " $3::date), guests = COALESCE(guests, NULLIF($4, '0')::int), name = COALESCE(name, $5),"
    " leadgen_id = COALESCE(leadgen_id, $6) WHERE id = $1";
static const char sql_assign[] =
    "UPDATE leads SET assigned_staff_id = $2 WHERE venue_id = $1 AND id = $3";
static const char sql_leadgen_known[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND leadgen_id = $2";
static const char sql_moved[] =
    "UPDATE contacts SET moved_to = $3 WHERE venue_id = $1 AND id = $2 AND id <> $3";
static const char sql_move_leads[] =
    "UPDATE leads SET contact_id = $3, phone = $4 WHERE venue_id = $1 AND contact_id = $2"
    " AND (stage NOT IN ('BOOKED', 'LOST') OR (stage = 'BOOKED' AND (event_date IS NULL"
    "  OR event_date >= $5::date)))"
    " AND NOT EXISTS (SELECT 1 FROM leads n WHERE n.venue_id = $1 AND n.contact_id = $3"
    "  AND n.stage NOT IN ('BOOKED', 'LOST')) RETURNING id";

/* The first column of the first row as an id, 0 when no row. */
static int one_id(struct dbconn *c, const char *sql, int np, const char *const *p, int64_t *id)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql, np, p, &r);

    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

int store_lead_open_of_contact(struct dbconn *c, int64_t venue, int64_t contact_id, int64_t *id)
{
    char v[24], cs[24];
    const char *p[2] = {db_i64s(venue, v), db_i64s(contact_id, cs)};

    return one_id(c, sql_open_lead, 2, p, id);
}

int store_lead_booked_of_contact(struct dbconn *c, int64_t venue, int64_t contact_id,
                                 const char *today, int64_t *id)
{
    char v[24], cs[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(contact_id, cs), today};

    return one_id(c, sql_booked_lead, 3, p, id);
}

int store_lead_last_of_contact(struct dbconn *c, int64_t venue, int64_t contact_id, int64_t *id)
{
    char v[24], cs[24];
    const char *p[2] = {db_i64s(venue, v), db_i64s(contact_id, cs)};

    return one_id(c, sql_last_lead, 2, p, id);
}

int store_lead_returning(struct dbconn *c, int64_t venue, int64_t contact_id, int reopen_hours,
                         struct store_returning *out)
{
    char v[24], cs[24], h[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(contact_id, cs), db_i64s(reopen_hours, h)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_returning, 3, p, &r);

    *out = (struct store_returning){0};
    if (!rc && PQntuples(r)) {
        out->id = db_i64(r, 0, 0);
        out->staff = db_i64(r, 0, 1);
        out->reopen = db_bool(r, 0, 2);
    }
    PQclear(r);
    return rc;
}

int store_lead_reopen(struct dbconn *c, int64_t venue, int64_t lead_id, int64_t staff_id, bool *ok)
{
    char v[24], l[24], s[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(lead_id, l), db_i64s(staff_id, s)};
    int64_t id = 0;
    int rc = one_id(c, sql_reopen, 3, p, &id);

    *ok = !rc && id;
    return rc;
}

int store_lead_fill_form(struct dbconn *c, int64_t lead_id, const char *campaign, const char *date,
                         int64_t guests, const char *name, const char *leadgen_id)
{
    char l[24], g[24];
    const char *p[6] = {db_i64s(lead_id, l), campaign, date, db_i64s(guests, g), name, leadgen_id};

    return db_exec(c, sql_fill_open, 6, p, NULL);
}

int store_lead_assign(struct dbconn *c, int64_t venue, int64_t lead_id, int64_t staff_id)
{
    char v[24], s[24], l[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(staff_id, s), db_i64s(lead_id, l)};

    return db_exec(c, sql_assign, 3, p, NULL);
}

int store_lead_leadgen_known(struct dbconn *c, int64_t venue, const char *leadgen_id, bool *known)
{
    char v[24];
    const char *p[2] = {db_i64s(venue, v), leadgen_id};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_leadgen_known, 2, p, &r);

    if (!rc) {
        *known = PQntuples(r) > 0;
    }
    PQclear(r);
    return rc;
}

int store_leads_move_contact(struct dbconn *c, int64_t venue, int64_t from, int64_t to,
                             const char *phone, const char *today, int64_t **ids, int *n)
{
    char v[24], f[24], t[24];
    const char *p[5] = {db_i64s(venue, v), db_i64s(from, f), db_i64s(to, t), phone, today};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_moved, 3, p, NULL);

    *ids = NULL;
    *n = 0;
    rc = rc ? rc : db_exec(c, sql_move_leads, 5, p, &r);
    if (!rc && PQntuples(r) > 0) {
        *ids = calloc((size_t)PQntuples(r), sizeof(**ids));
        rc = *ids ? RB_OK : RB_ENOMEM;
        for (int i = 0; !rc && i < PQntuples(r); i++) {
            (*ids)[i] = db_i64(r, i, 0);
        }
        *n = rc ? 0 : PQntuples(r);
    }
    PQclear(r);
    return rc;
}
