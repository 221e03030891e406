#include "store/timeline.h"

#include <stdbool.h>
#include <stdlib.h>

#include "core/str.h"

static const char sql_stage_history[] =
    "INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, staff_id, note)"
    " VALUES ($1, $2, $3, $4, NULLIF($5, '0')::bigint, $6)";
static const char sql_note[] =
    "INSERT INTO lead_notes (venue_id, lead_id, staff_id, body) VALUES ($1, $2, $3, $4)";
static const char sql_audit[] =
    "INSERT INTO audit_log (venue_id, staff_id, action, lead_id, detail)"
    " VALUES ($1, NULLIF($2, '0')::bigint, $3, NULLIF($4, '0')::bigint, $5::jsonb)";
static const char sql_history[] =
    "SELECT kind, extract(epoch FROM at)::bigint, a, b, c, who FROM ("
    " SELECT 'stage' AS kind, h.at, h.from_stage AS a, h.to_stage AS b, h.note AS c,"
    "   s.name AS who, h.id AS k FROM stage_history h LEFT JOIN staff s ON s.id = h.staff_id"
    "   WHERE h.lead_id = $1"
    " UNION ALL SELECT 'note', n.at, NULL, NULL, n.body, s.name, n.id FROM lead_notes n"
    "   LEFT JOIN staff s ON s.id = n.staff_id WHERE n.lead_id = $1"
    " UNION ALL SELECT a.action, a.at, a.detail->>'a', a.detail->>'b', NULL, s.name, a.id"
    "   FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id"
    "   WHERE a.lead_id = $1 AND a.action IN ('lead.assign', 'payment.record', 'payment.reverse',"
    " 'nurture.step')"
    " UNION ALL SELECT m.direction, m.created_at, m.type, NULL, m.body,"
    "   COALESCE(s.name, rs.name), m.id"
    "   FROM messages m LEFT JOIN staff s ON s.id = m.staff_id"
    /* a reply to the client is the salesperson's, not the venue's (client.reply audit) */
    "   LEFT JOIN audit_log ra ON ra.lead_id = m.lead_id AND ra.action = 'client.reply'"
    "   AND m.outbox_id IS NOT NULL AND ra.detail->>'outbox' = m.outbox_id::text"
    "   LEFT JOIN staff rs ON rs.id = ra.staff_id"
    "   WHERE m.lead_id = $1 AND m.party = 'client'"
    " UNION ALL SELECT 'waiting', o.created_at, o.kind, NULL, o.body, NULL, o.id"
    "   FROM outbox o WHERE o.lead_id = $1 AND o.state = 'held' AND o.staff_id IS NULL) t"
    " ORDER BY at DESC, k DESC LIMIT $2 OFFSET $3";

int store_stage_history_add(struct dbconn *c, int64_t venue, int64_t lead_id, const char *from,
                            const char *to, int64_t staff_id, const char *note)
{
    char v[24], ls[24], ss[24];
    const char *p[6] = {
        db_i64s(venue, v), db_i64s(lead_id, ls), from, to, db_i64s(staff_id, ss), note};

    return db_exec(c, sql_stage_history, 6, p, NULL);
}

int store_note_add(struct dbconn *c, int64_t venue, int64_t lead_id, int64_t staff_id,
                   const char *body)
{
    char v[24], ls[24], ss[24];
    const char *p[4] = {db_i64s(venue, v), db_i64s(lead_id, ls), db_i64s(staff_id, ss), body};

    return db_exec(c, sql_note, 4, p, NULL);
}

int store_audit_add(struct dbconn *c, int64_t venue, int64_t staff_id, const char *action,
                    int64_t lead_id, const char *detail)
{
    char v[24], s[24], l[24];
    const char *p[5] = {db_i64s(venue, v), db_i64s(staff_id, s), action, db_i64s(lead_id, l),
                        detail};

    return db_exec(c, sql_audit, 5, p, NULL);
}

static void history_drop(void *elem)
{
    struct store_history_row *h = elem;

    free(h->kind);
    free(h->a);
    free(h->b);
    free(h->text);
    free(h->who);
}

void store_history_free(struct store_history_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        history_drop(&v[i]);
    }
    free(v);
}

/* A copy of (row, col) into *dst; false when out of memory. */
static bool dup_cell(const PGresult *r, int row, int col, char **dst)
{
    *dst = rb_strdup(db_str(r, row, col));
    return *dst || !db_str(r, row, col);
}

static int history_fill(const PGresult *r, int i, void *elem)
{
    struct store_history_row *h = elem;
    const char *kind = db_str(r, i, 0);
    bool ok = (h->kind = rb_strdup(kind ? kind : "")) != NULL;

    h->at_s = db_i64(r, i, 1);
    ok = dup_cell(r, i, 2, &h->a) && ok;
    ok = dup_cell(r, i, 3, &h->b) && ok;
    ok = dup_cell(r, i, 4, &h->text) && ok;
    ok = dup_cell(r, i, 5, &h->who) && ok;
    return ok ? RB_OK : RB_ENOMEM;
}

int store_lead_history(struct dbconn *c, int64_t lead_id, int limit, int offset,
                       struct store_history_row **rows, size_t *n)
{
    char ls[24], lim[24], off[24];
    const char *p[3] = {db_i64s(lead_id, ls), db_i64s(limit, lim), db_i64s(offset, off)};
    void *a = NULL;
    int rc = db_query_rows(c, sql_history, 3, p, sizeof(**rows), history_fill, history_drop, &a, n);

    if (!rc) {
        *rows = a;
    }
    return rc;
}
