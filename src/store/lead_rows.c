#include "store/lead_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "nlu/catalog.h"
#include "store/lead_sql.h"
#include "store/leads.h"

static const char sql_get[] = LEAD_COLS " FROM leads l" LEAD_JOINS " WHERE" BY_ID("l.", "$2");
/* the row lock and the read in one round trip */
static const char sql_get_lock[] =
    LEAD_COLS " FROM leads l" LEAD_JOINS " WHERE" BY_ID("l.", "$2") " FOR UPDATE OF l";
/* A client's message: linked to its lead, whose last contact is now; the
 * UPDATE takes the row lock, and the lead is read back in the same statement.
 * $3 the message, 0 for none. */
static const char sql_link_touch[] = "WITH m AS (UPDATE messages SET lead_id = $2 WHERE" BY_ID(
    "", "$3") "),"
              " l AS (UPDATE leads SET last_contact_at = now() WHERE" BY_ID(
                  "", "$2") " RETURNING *) " LEAD_COLS " FROM l" LEAD_JOINS;
/* The same for a lead this transaction made: its last contact is now
 * already, and no other transaction sees the row before the commit, so no
 * row lock is needed. */
static const char sql_link_new[] = "WITH m AS (UPDATE messages SET lead_id = $2 WHERE" BY_ID(
    "", "$3") ") " LEAD_COLS " FROM leads l" LEAD_JOINS " WHERE" BY_ID("l.", "$2");
/* A new lead (store_lead_new), with more columns COLS and their VALS. No row
 * when a unique index says no (an open lead of the contact, a known leadgen
 * id). */
#define LEAD_INSERT(COLS, VALS)                                                                    \
    "INSERT INTO leads (venue_id, contact_id, name, phone, source, campaign, leadgen_id,"          \
    " event_date, guests, returning_of, client_lang, assigned_staff_id, last_contact_at" COLS ")"  \
    " VALUES ($1, NULLIF($2, '0')::bigint, $3, $4, $5, $6, $7, $8::date,"                          \
    " NULLIF($9, '0')::int, NULLIF($10, '0')::bigint, $11, NULLIF($12, '0')::bigint,"              \
    " CASE WHEN $13::bool THEN now() END" VALS ")"                                                 \
    " ON CONFLICT DO NOTHING"
static const char sql_lead_insert[] = LEAD_INSERT("", "") " RETURNING id";
/* A client's new lead, greeted as it is made (the caller queues the greeting
 * in the same transaction; the latency from event $15's arrival), the
 * message that opened it ($14) linked, and the lead read back: one statement
 * where it took three, and no second version of the new row (its greeting's
 * columns are indexed, sql/024). No other transaction sees the new row, so
 * none waits for it. */
static const char sql_lead_insert_get[] = "WITH l AS (" LEAD_INSERT(
    ", greeted_at, greeting_latency_ms",
    ", clock_timestamp(), GREATEST(0, (extract(epoch FROM"
    " clock_timestamp() - COALESCE((SELECT received_at FROM"
    " inbound_events WHERE id = $15), now())) * 1000)::bigint)") " RETURNING *),"
                                                                 " m AS (UPDATE messages SET lead_id = l.id FROM l WHERE" BY_ID(
                                                                     "messages.",
                                                                     "$14") ") " LEAD_COLS
                                                                            " FROM l" LEAD_JOINS;
static const char sql_by_number[] = "SELECT id FROM leads WHERE venue_id = $1 AND id = $2";
static const char sql_by_phone[] =
    "SELECT l.id FROM leads l LEFT JOIN contacts c ON c.id = l.contact_id"
    " WHERE l.venue_id = $1 AND (l.phone = $2 OR c.phone = $2)"
    " ORDER BY (l.stage IN ('BOOKED', 'LOST')), l.id DESC LIMIT 1";
/* Every named lead (newest first, open ones first), with whether its name
 * is the one written, exactly or as its first word(s). */
static const char sql_names[] =
    "SELECT id, stage NOT IN ('BOOKED', 'LOST'), name,"
    " lower(name) = lower($2) OR left(lower(name), length($2) + 1) = lower($2) || ' '"
    " FROM leads WHERE venue_id = $1 AND name IS NOT NULL AND name <> ''"
    " ORDER BY 2 DESC, id DESC LIMIT 20000";
/* $3 a stage, or NULL: the open stages ($8 true: every stage, "all leads") */
static const char sql_page[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND ($2::bigint = 0 OR assigned_staff_id = $2)"
    " AND (CASE WHEN $3::text IS NULL THEN $8::bool OR stage NOT IN ('BOOKED', 'LOST')"
    " ELSE stage = $3 END)"
    " AND (NOT $4::bool OR COALESCE(last_contact_at, created_at) < to_timestamp($5))"
    " ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7";
static const char sql_closed_counts[] =
    "SELECT count(*) FILTER (WHERE stage = 'BOOKED'), count(*) FILTER (WHERE stage = 'LOST')"
    " FROM leads WHERE venue_id = $1 AND ($2::bigint = 0 OR assigned_staff_id = $2)";
static const char sql_other_open[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND contact_id = $2 AND id <> $3"
    " AND stage NOT IN ('BOOKED', 'LOST') LIMIT 1";
/* the open follow-ups the old assignee had on the lead go with it (the
 * reminders follow the lead); one someone else set stays theirs */
static const char sql_reassign[] =
    "WITH f AS (UPDATE followups SET staff_id = $2::bigint WHERE lead_id = $1::bigint"
    " AND done_at IS NULL AND staff_id = (SELECT assigned_staff_id FROM leads WHERE id = $1::bigint))"
    " UPDATE leads SET assigned_staff_id = $2::bigint, reminded_at = NULL, escalated_at = NULL"
    " WHERE id = $1::bigint";
static const char sql_stage[] =
    "UPDATE leads SET stage = $2, stage_changed_at = now(),"
    " quote_reminded_at = CASE WHEN $2 = 'QUOTED' THEN NULL ELSE quote_reminded_at END"
    " WHERE id = $1";
static const char sql_contacted[] =
    "WITH f AS (UPDATE followups SET done_at = now() WHERE lead_id = $1 AND done_at IS NULL"
    " AND due_at <= now())"
    " UPDATE leads SET first_response_at = COALESCE(first_response_at, now()),"
    " last_contact_at = now() WHERE id = $1";
static const char sql_details[] =
    "UPDATE leads SET event_date = COALESCE($2::date, event_date),"
    " amount = COALESCE($3::bigint, amount), visit_at = COALESCE(to_timestamp($4), visit_at),"
    " visit_reminded_at = CASE WHEN $4 IS NULL THEN visit_reminded_at END,"
    " hall = COALESCE($5, hall), slot = COALESCE($6, slot), guests = COALESCE($7::int, guests)"
    " WHERE id = $1";

static void copy_field(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

void lead_row_init(struct lead_row *l)
{
    memset(l, 0, sizeof(*l));
    l->amount = -1;
    l->client_lang = LANG_ROMAN_UR;
}

void lead_row_release(struct lead_row *l)
{
    if (!l) {
        return;
    }
    free(l->name);
    free(l->assignee);
    free(l->campaign);
    free(l->hall);
    free(l->bsuid);
    lead_row_init(l);
}

/* A copy of column col of row 0 into *dst; false when out of memory. */
static bool dup_col(const PGresult *r, int col, char **dst)
{
    *dst = rb_strdup(db_str(r, 0, col));
    return *dst || !db_str(r, 0, col);
}

int lead_row_fill(const PGresult *r, int base, struct lead_row *l)
{
    const char *lang = db_str(r, 0, base + 20);
    bool ok;

    l->id = db_i64(r, 0, base + 0);
    l->contact_id = db_i64(r, 0, base + 1);
    l->assigned = db_i64(r, 0, base + 2);
    l->returning_of = db_i64(r, 0, base + 3);
    l->guests = db_i64(r, 0, base + 4);
    l->amount = db_i64(r, 0, base + 5);
    l->stage = stage_index(db_str(r, 0, base + 6));
    ok = dup_col(r, base + 7, &l->name);
    ok = dup_col(r, base + 8, &l->assignee) && ok;
    ok = dup_col(r, base + 9, &l->campaign) && ok;
    ok = dup_col(r, base + 10, &l->hall) && ok;
    ok = dup_col(r, base + 11, &l->bsuid) && ok;
    copy_field(l->phone, sizeof(l->phone), db_str(r, 0, base + 12));
    copy_field(l->source, sizeof(l->source), db_str(r, 0, base + 13));
    copy_field(l->event_date, sizeof(l->event_date), db_str(r, 0, base + 14));
    copy_field(l->slot, sizeof(l->slot), db_str(r, 0, base + 15));
    l->visit_at = db_i64(r, 0, base + 16);
    l->created_at = db_i64(r, 0, base + 17);
    l->last_contact_at = db_i64(r, 0, base + 18);
    l->greeted = db_bool(r, 0, base + 19);
    if (!lang || lang_parse(lang, &l->client_lang) != RB_OK) {
        l->client_lang = LANG_ROMAN_UR;
    }
    if (!ok) {
        return RB_ENOMEM;
    }
    return l->stage < 0 ? RB_EINTERNAL : RB_OK;
}

/* Runs sql (a lead read, LEAD_COLS) and fills *out: RB_ENOTFOUND when no row. */
static int lead_read(struct dbconn *c, const char *sql, int np, const char *const *p,
                     struct lead_row *out)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql, np, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        lead_row_release(out);
        rc = lead_row_fill(r, 0, out);
        if (rc) {
            lead_row_release(out);
        }
    }
    PQclear(r);
    return rc;
}

int store_lead_get(struct dbconn *c, int64_t venue, int64_t id, bool lock, struct lead_row *out)
{
    char v[24], i[24];
    const char *p[2] = {db_i64s(venue, v), db_i64s(id, i)};

    return lead_read(c, lock ? sql_get_lock : sql_get, 2, p, out);
}

int store_lead_link_get(struct dbconn *c, int64_t venue, int64_t lead_id, int64_t message_id,
                        bool touch, struct lead_row *out)
{
    char v[24], l[24], m[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(lead_id, l), db_i64s(message_id, m)};

    return lead_read(c, touch ? sql_link_touch : sql_link_new, 3, p, out);
}

static void lead_new_params(int64_t venue, const struct store_lead_new *n, char bufs[5][24],
                            const char *p[13])
{
    p[0] = db_i64s(venue, bufs[0]);
    p[1] = db_i64s(n->contact_id, bufs[1]);
    p[2] = n->name;
    p[3] = n->phone;
    p[4] = n->source;
    p[5] = n->campaign;
    p[6] = n->leadgen_id;
    p[7] = n->event_date;
    p[8] = db_i64s(n->guests, bufs[2]);
    p[9] = db_i64s(n->returning_of, bufs[3]);
    p[10] = n->client_lang;
    p[11] = db_i64s(n->assigned, bufs[4]);
    p[12] = n->contacted_now ? "t" : "f";
}

int store_lead_insert(struct dbconn *c, int64_t venue, const struct store_lead_new *n, int64_t *id)
{
    char bufs[5][24];
    const char *p[13];

    lead_new_params(venue, n, bufs, p);
    return db_query_id(c, sql_lead_insert, 13, p, id);
}

int store_lead_insert_get(struct dbconn *c, int64_t venue, const struct store_lead_new *n,
                          int64_t message_id, int64_t arrival_event, struct lead_row *out)
{
    char bufs[5][24], ms[24], es[24];
    const char *p[15];

    lead_new_params(venue, n, bufs, p);
    p[13] = db_i64s(message_id, ms);
    p[14] = db_i64s(arrival_event, es);
    return lead_read(c, sql_lead_insert_get, 15, p, out);
}

int store_lead_by_number(struct dbconn *c, int64_t venue, const char *digits, int64_t *id)
{
    char v[24];
    const char *p[2] = {db_i64s(venue, v), digits};

    return db_query_id(c, sql_by_number, 2, p, id);
}

int store_lead_by_phone(struct dbconn *c, int64_t venue, const char *phone, int64_t *id)
{
    char v[24];
    const char *p[2] = {db_i64s(venue, v), phone};

    return db_query_id(c, sql_by_phone, 2, p, id);
}

static void name_drop(void *elem)
{
    free(((struct store_lead_name *)elem)->name);
}

void store_lead_names_free(struct store_lead_name *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        name_drop(&v[i]);
    }
    free(v);
}

static int name_fill(const PGresult *r, int i, void *elem)
{
    struct store_lead_name *l = elem;

    l->id = db_i64(r, i, 0);
    l->open = db_bool(r, i, 1);
    l->written = db_bool(r, i, 3);
    l->name = rb_strdup(PQgetvalue(r, i, 2));
    return l->name ? RB_OK : RB_ENOMEM;
}

int store_lead_names(struct dbconn *c, int64_t venue, const char *name,
                     struct store_lead_name **rows, size_t *n)
{
    char v[24];
    const char *p[2] = {db_i64s(venue, v), name};
    void *a = NULL;
    int rc = db_query_rows(c, sql_names, 2, p, sizeof(**rows), name_fill, name_drop, &a, n);

    if (!rc) {
        *rows = a;
    }
    return rc;
}

int store_leads_page(struct dbconn *c, const struct store_lead_filter *f, int limit, int offset,
                     int64_t **ids, size_t *n)
{
    char v[24], s[24], cut[24], lim[24], off[24];
    const char *p[8] = {db_i64s(f->venue, v), db_i64s(f->staff_id, s),       f->stage,
                        f->stale ? "t" : "f", db_i64s(f->stale_before, cut), db_i64s(limit, lim),
                        db_i64s(offset, off), f->every_stage ? "t" : "f"};

    return db_query_ids(c, sql_page, 8, p, ids, n);
}

int store_leads_closed_counts(struct dbconn *c, int64_t venue, int64_t staff_id, int64_t *booked,
                              int64_t *lost)
{
    char v[24], s[24];
    const char *p[2] = {db_i64s(venue, v), db_i64s(staff_id, s)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_closed_counts, 2, p, &r);

    if (!rc) {
        *booked = db_i64(r, 0, 0);
        *lost = db_i64(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

int store_lead_other_open(struct dbconn *c, int64_t venue, int64_t contact_id, int64_t lead_id,
                          int64_t *other)
{
    char v[24], cs[24], ls[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(contact_id, cs), db_i64s(lead_id, ls)};

    return db_query_id(c, sql_other_open, 3, p, other);
}

int store_lead_reassign(struct dbconn *c, int64_t lead_id, int64_t staff_id)
{
    char ls[24], ss[24];
    const char *p[2] = {db_i64s(lead_id, ls), db_i64s(staff_id, ss)};

    return db_exec(c, sql_reassign, 2, p, NULL);
}

int store_lead_set_stage(struct dbconn *c, int64_t lead_id, const char *stage)
{
    char ls[24];
    const char *p[2] = {db_i64s(lead_id, ls), stage};

    return db_exec(c, sql_stage, 2, p, NULL);
}

int store_lead_contacted(struct dbconn *c, int64_t lead_id)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead_id, ls)};

    return db_exec(c, sql_contacted, 1, p, NULL);
}

int store_lead_set_details(struct dbconn *c, int64_t lead_id, const struct store_lead_details *d)
{
    char ls[24], am[24], vs[24], gs[24];
    const char *p[7] = {db_i64s(lead_id, ls),
                        d->event_date,
                        d->amount >= 0 ? db_i64s(d->amount, am) : NULL,
                        d->visit_at ? db_i64s(d->visit_at, vs) : NULL,
                        d->hall,
                        d->slot,
                        d->guests > 0 ? db_i64s(d->guests, gs) : NULL};

    return db_exec(c, sql_details, 7, p, NULL);
}
