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
#include "domain/handlers/handlers.h"
#include "nlu/catalog.h"
#include "store/followups.h"

/* A date without a time is followed up at this local hour. */
#define FOLLOWUP_DEFAULT_HOUR 11
/* No day given: the list runs to this far (9999-12-31). */
#define FOLLOWUP_LIST_END INT64_C(253402214400)

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
    char when[24];
    json_t *vars = NULL;
    int rc;

    if (due_of(h, &due) != RB_OK) {
        return ask_lead(h, "ask_followup_when", need);
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
    rc = store_followup_add(h->x->db, h->x->venue_id, h->lead->id, who, due, slot_str(h, "text"));
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

static int followup_row(struct hctx *h, const void *rows, size_t i, struct buf *body)
{
    const struct store_followup *f = (const struct store_followup *)rows + i;
    struct lead_row l;
    json_t *vars = NULL;
    char when[24], note[160];
    int rc;

    lead_row_init(&l);
    fmt_when(f->due_s, when);
    flatten_line(f->note ? f->note : "", note, sizeof(note));
    rc = lead_load(h->x, f->lead_id, false, &l);
    rc = rc ? rc : lead_vars(h->x, h->lang, &l, &vars);
    if (!rc) {
        json_object_set_new(vars, "when", json_string(when));
        json_object_set_new(vars, "note", json_string(note));
        json_object_set_new(vars, "overdue", json_string(f->due_s < h->x->now_s ? "!" : ""));
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
    struct store_followup *rows = NULL;
    size_t n = 0;
    struct buf body;
    int rc;

    list_window(h, &from, &to);
    buf_init(&body, 32768);
    rc = store_followups_page(h->x->db, h->x->venue_id, h->me->role == ROLE_OWNER ? 0 : h->me->id,
                              from, to, LIST_PAGE + 1, h->offset, &rows, &n);
    if (!rc && from > 0) {
        /* a day asked for ("kal ke follow ups") is named: "none" alone reads
         * as none at all */
        char a[16], b[16], days[40];
        fmt_date(slot_str(h, "date"), a);
        fmt_date(slot_str(h, "date_to") ? slot_str(h, "date_to") : slot_str(h, "date"), b);
        if (strcmp(a, b) == 0 || !b[0]) {
            snprintf(days, sizeof(days), "%s", a);
        } else {
            snprintf(days, sizeof(days), "%s - %s", a, b);
        }
        json_t *v = json_pack("{s:s}", "date", days);
        rc = v ? render(h->x, h->lang, n ? "followups_head_day" : "followups_empty_day", v, &body)
               : RB_ENOMEM;
        json_decref(v);
    } else {
        rc = rc ? rc : render(h->x, h->lang, n ? "followups_head" : "followups_empty", NULL, &body);
    }
    rc = rc ? rc : reply_page(h, rows, n, followup_row, &body);
    store_followups_free(rows, n);
    buf_release(&body);
    return rc;
}
