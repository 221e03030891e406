/*
 * followups.c - followup.schedule and followups.list. A follow-up reminds
 * the person who set it (a salesperson) or the lead's assignee (when the
 * owner sets it); the tick sends the reminder when it falls due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/clock.h"
#include "domain/handlers.h"
#include "nlu/catalog.h"

/* A date without a time is followed up at this local hour. */
#define FOLLOWUP_DEFAULT_HOUR 11
/* No day given: the list runs to this far (9999-12-31). */
#define FOLLOWUP_LIST_END INT64_C(253402214400)

static const char sql_add[] = "INSERT INTO followups (venue_id, lead_id, staff_id, due_at, note)"
                              " VALUES ($1, $2, $3, to_timestamp($4), $5)";
static const char sql_list[] =
    "SELECT extract(epoch FROM f.due_at)::bigint, f.lead_id, f.note FROM followups f"
    " JOIN leads l ON l.id = f.lead_id WHERE f.venue_id = $1 AND f.done_at IS NULL"
    " AND ($2::bigint = 0 OR f.staff_id = $2 OR l.assigned_staff_id = $2)"
    " AND f.due_at >= to_timestamp($3) AND f.due_at < to_timestamp($4)"
    " ORDER BY f.due_at, f.id LIMIT $5 OFFSET $6"; /* soonest first */

/* The due time from slots when (local date and time) or date. */
static int due_of(struct hctx *h, int64_t *due)
{
    struct rb_datetime t;

    if (slot_str(h, "when") && datetime_parse(slot_str(h, "when"), &t) == RB_OK) {
        *due = clock_from_local(t);
        return RB_OK;
    }
    if (slot_str(h, "date") && datetime_parse(slot_str(h, "date"), &t) == RB_OK) {
        t.hour = FOLLOWUP_DEFAULT_HOUR;
        t.min = 0;
        *due = clock_from_local(t);
        return RB_OK;
    }
    return RB_ENOTFOUND;
}

int h_followup_schedule(struct hctx *h)
{
    static const char *const need[] = {"when", NULL};
    int64_t due = 0, who = h->me->id;
    char v[24], ls[24], ws[24], ds[24], when[24];
    json_t *vars = NULL;
    int rc;

    if (due_of(h, &due) != RB_OK) {
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        rc = rc ? rc : ask(h, "ask_followup_when", need, vars);
        json_decref(vars);
        return rc;
    }
    if (h->me->role == ROLE_OWNER && h->lead->assigned) {
        who = h->lead->assigned;
    }
    rc = lead_vars(h->x, h->lang, h->lead, &vars);
    if (rc) {
        return rc;
    }
    fmt_when(due, when);
    json_object_set_new(vars, "when", json_string(when));
    if (due < h->x->now_s - 60) {
        rc = reply(h, "followup_past", vars);
        json_decref(vars);
        return rc;
    }
    const char *p[5] = {db_i64s(h->x->venue_id, v), db_i64s(h->lead->id, ls), db_i64s(who, ws),
                        db_i64s(due, ds), slot_str(h, "text")};
    rc = db_exec(h->x->db, sql_add, 5, p, NULL);
    rc = rc ? rc : reply(h, "followup_set", vars);
    json_decref(vars);
    return rc;
}

/* [from, to) in Unix seconds: the given dates, or every pending one
 * (overdue first, then the coming ones, soonest first) when none is given:
 * "mere follow ups" just after "kal 5 baje follow up" must show it. */
static void list_window(struct hctx *h, int64_t *from, int64_t *to)
{
    struct rb_datetime a, b;

    *from = 0;
    *to = FOLLOWUP_LIST_END;
    if (slot_str(h, "date") && datetime_parse(slot_str(h, "date"), &a) == RB_OK) {
        a.hour = 0;
        a.min = 0;
        b = a;
        if (slot_str(h, "date_to")) {
            if (datetime_parse(slot_str(h, "date_to"), &b) != RB_OK) {
                b = a;
            }
        }
        *from = clock_from_local(a);
        *to = clock_from_local((struct rb_datetime){date_add_days(b.date, 1), 0, 0});
    }
}

static int followup_row(struct hctx *h, const PGresult *r, int i, struct buf *body)
{
    struct lead_row l;
    json_t *vars = NULL;
    char when[24], note[160];
    int rc;

    lead_row_init(&l);
    fmt_when(db_i64(r, i, 0), when);
    flatten_line(db_str(r, i, 2) ? db_str(r, i, 2) : "", note, sizeof(note));
    rc = lead_load(h->x, db_i64(r, i, 1), false, &l);
    rc = rc ? rc : lead_vars(h->x, h->lang, &l, &vars);
    if (!rc) {
        json_object_set_new(vars, "when", json_string(when));
        json_object_set_new(vars, "note", json_string(note));
        json_object_set_new(vars, "overdue", json_string(db_i64(r, i, 0) < h->x->now_s ? "!" : ""));
        rc = buf_addc(body, '\n');
    }
    rc = rc ? rc : render(h->x, h->lang, "followup_row", vars, body);
    json_decref(vars);
    lead_row_release(&l);
    return rc;
}

int h_followups_list(struct hctx *h)
{
    int64_t from, to;
    char v[24], s[24], f[24], t[24], lim[24], off[24];
    struct buf body;
    PGresult *r = NULL;
    int rc, n = 0;

    list_window(h, &from, &to);
    const char *p[6] = {db_i64s(h->x->venue_id, v),
                        db_i64s(h->me->role == ROLE_OWNER ? 0 : h->me->id, s),
                        db_i64s(from, f),
                        db_i64s(to, t),
                        db_i64s(LIST_PAGE + 1, lim),
                        db_i64s(h->offset, off)};
    buf_init(&body, 32768);
    rc = db_exec(h->x->db, sql_list, 6, p, &r);
    if (!rc) {
        n = PQntuples(r);
        rc = render(h->x, h->lang, n ? "followups_head" : "followups_empty", NULL, &body);
    }
    rc = rc ? rc : reply_page(h, r, followup_row, &body);
    PQclear(r);
    buf_release(&body);
    return rc;
}
