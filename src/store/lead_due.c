#include "store/lead_due.h"

static const char sql_escalate[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND stage NOT IN ('BOOKED', 'LOST')"
    " AND assigned_staff_id IS NOT NULL AND COALESCE(last_contact_at, created_at) < to_timestamp($2)"
    " AND (escalated_at IS NULL OR escalated_at < COALESCE(last_contact_at, created_at))"
    " ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED";
static const char sql_stale[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND stage NOT IN ('BOOKED', 'LOST')"
    " AND assigned_staff_id IS NOT NULL AND COALESCE(last_contact_at, created_at) < to_timestamp($2)"
    " AND (reminded_at IS NULL OR reminded_at < COALESCE(last_contact_at, created_at))"
    " ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED";
static const char sql_visits[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND stage = 'SITE_VISIT'"
    " AND visit_at > to_timestamp($2) - interval '1 day' AND visit_at <= to_timestamp($2)"
    " AND visit_reminded_at IS NULL ORDER BY visit_at LIMIT $3 FOR UPDATE SKIP LOCKED";
static const char sql_quotes[] =
    "SELECT l.id FROM leads l WHERE l.venue_id = $1 AND l.stage = 'QUOTED'"
    " AND l.stage_changed_at < to_timestamp($2) AND l.quote_reminded_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.lead_id = l.id AND m.direction = 'in'"
    " AND m.party = 'client' AND m.created_at > l.stage_changed_at)"
    " ORDER BY l.id LIMIT $3 FOR UPDATE SKIP LOCKED";
static const char sql_mark_stale[] = "UPDATE leads SET reminded_at = now() WHERE id = $1";
static const char sql_mark_visit[] = "UPDATE leads SET visit_reminded_at = now() WHERE id = $1";
static const char sql_mark_quote[] = "UPDATE leads SET quote_reminded_at = now() WHERE id = $1";
/* a lead handed on: the old assignee's open follow-ups go with it */
static const char sql_mark_escalated[] =
    "WITH f AS (UPDATE followups SET staff_id = NULLIF($2::text, '0')::bigint"
    " WHERE lead_id = $1::bigint AND done_at IS NULL AND NULLIF($2::text, '0') IS NOT NULL"
    " AND staff_id = (SELECT assigned_staff_id FROM leads WHERE id = $1::bigint))"
    " UPDATE leads SET escalated_at = now(), reminded_at = now(),"
    " assigned_staff_id = COALESCE(NULLIF($2::text, '0')::bigint, assigned_staff_id)"
    " WHERE id = $1::bigint";

int store_leads_due(struct dbconn *c, int64_t venue, enum store_due kind, int64_t before, int max,
                    int64_t **ids, size_t *n)
{
    static const char *const sql[] = {sql_escalate, sql_stale, sql_visits, sql_quotes};
    char v[24], t[24], m[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(before, t), db_i64s(max, m)};

    if ((unsigned)kind >= sizeof(sql) / sizeof(sql[0])) {
        return RB_EINVAL;
    }
    return db_query_ids(c, sql[kind], 3, p, ids, n);
}

int store_lead_due_done(struct dbconn *c, int64_t lead_id, enum store_due kind)
{
    char s[24];
    const char *p[1] = {db_i64s(lead_id, s)};
    const char *sql = kind == DUE_STALE   ? sql_mark_stale
                      : kind == DUE_VISIT ? sql_mark_visit
                      : kind == DUE_QUOTE ? sql_mark_quote
                                          : NULL;

    return sql ? db_exec(c, sql, 1, p, NULL) : RB_EINVAL;
}

int store_lead_escalated(struct dbconn *c, int64_t lead_id, int64_t to)
{
    char ls[24], ts[24];
    const char *p[2] = {db_i64s(lead_id, ls), db_i64s(to, ts)};

    return db_exec(c, sql_mark_escalated, 2, p, NULL);
}
