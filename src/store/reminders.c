#include "store/reminders.h"

#include <stdlib.h>
#include <string.h>

static const char sql_claim[] =
    "INSERT INTO reminders_sent (venue_id, lead_id, subject, kind, due)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lead_id, subject, kind, due) DO NOTHING"
    " RETURNING id";

int reminder_claim(struct dbconn *c, int64_t venue, int64_t lead, const char *subject,
                   const char *kind, const char *due, bool *claimed)
{
    char vs[24], ls[24];
    const char *p[5] = {db_i64s(venue, vs), db_i64s(lead, ls), subject, kind, due};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_claim, 5, p, &r);

    *claimed = !rc && PQntuples(r) == 1;
    PQclear(r);
    return rc;
}

static const char sql_suggest[] =
    "UPDATE reminders_sent SET suggestion = $5 WHERE lead_id = $1 AND subject = $2"
    " AND kind = $3 AND due = $4";

int reminder_suggest(struct dbconn *c, int64_t lead, const char *subject, const char *kind,
                     const char *due, const char *text)
{
    char ls[24];
    const char *p[5] = {db_i64s(lead, ls), subject, kind, due, text};

    return db_exec(c, sql_suggest, 5, p, NULL);
}

static const char sql_nudge_text[] =
    "SELECT r.suggestion FROM outbox o JOIN reminders_sent r ON r.lead_id = o.lead_id"
    " WHERE o.venue_id = $1 AND o.wamid = $2 AND o.purpose = 'nudge'"
    " AND r.suggestion IS NOT NULL ORDER BY r.id DESC LIMIT 1";

int reminder_nudge_text(struct dbconn *c, int64_t venue, const char *wamid, char **out)
{
    char vs[24];
    const char *p[2] = {db_i64s(venue, vs), wamid};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_nudge_text, 2, p, &r);

    *out = NULL;
    if (!rc && PQntuples(r) == 1 && db_str(r, 0, 0)) {
        *out = strdup(db_str(r, 0, 0));
        rc = *out ? RB_OK : RB_ENOMEM;
    }
    PQclear(r);
    return rc;
}

static const char sql_fresh[] =
    "SELECT updated_at > to_timestamp($3) - interval '1 day' FROM payment_plan"
    " WHERE lead_id = $1 AND milestone = $2";

int reminder_plan_fresh(struct dbconn *c, int64_t lead, const char *milestone, int64_t now_s,
                        bool *fresh)
{
    char ls[24], ns[24];
    const char *p[3] = {db_i64s(lead, ls), milestone, db_i64s(now_s, ns)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_fresh, 3, p, &r);

    *fresh = !rc && PQntuples(r) == 1 && db_bool(r, 0, 0);
    PQclear(r);
    return rc;
}

/* The stage's leads since $3; for LOST the newest move to LOST carries the
 * reason. A client's message after the move counts as a reply. */
static const char sql_nurture[] =
    "SELECT l.id, extract(epoch FROM l.stage_changed_at)::bigint,"
    " EXISTS (SELECT 1 FROM messages m WHERE m.lead_id = l.id AND m.direction = 'in'"
    "  AND m.party = 'client' AND m.created_at > l.stage_changed_at)"
    " FROM leads l WHERE l.venue_id = $1 AND l.stage = $2"
    " AND l.stage_changed_at >= to_timestamp($3)"
    " AND ($4::text IS NULL OR (SELECT h.note FROM stage_history h WHERE h.lead_id = l.id"
    "  AND h.to_stage = l.stage ORDER BY h.at DESC, h.id DESC LIMIT 1)"
    "  ILIKE '%' || $4::text || '%')"
    " ORDER BY l.stage_changed_at, l.id LIMIT $5";

int nurture_leads(struct dbconn *c, int64_t venue, const char *stage, int64_t since_s,
                  const char *reason_like, int max, struct nurture_lead **rows, size_t *n)
{
    char vs[24], ss[24], ms[24];
    const char *p[5] = {db_i64s(venue, vs), stage, db_i64s(since_s, ss), reason_like,
                        db_i64s(max, ms)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_nurture, 5, p, &r);

    *rows = NULL;
    *n = 0;
    if (!rc && PQntuples(r)) {
        *rows = calloc((size_t)PQntuples(r), sizeof(**rows));
        rc = *rows ? RB_OK : RB_ENOMEM;
    }
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        (*rows)[i].lead_id = db_i64(r, i, 0);
        (*rows)[i].entered_s = db_i64(r, i, 1);
        (*rows)[i].client_replied = db_bool(r, i, 2);
        *n = (size_t)i + 1;
    }
    PQclear(r);
    return rc;
}
