/*
 * reminders.c - reminders that keep money moving, run by the tick.
 *
 * Nothing is scheduled ahead: every tick asks the ledger which milestones
 * have money outstanding (ledger_due_between) and works out from each due
 * date and the venue's date today what is owed to whom:
 *
 *   before   due in 1..3 days   the assignee (and the client when
 *   due      due today          [reminders] remind_clients = yes)
 *   overdue  due yesterday or earlier      finance and the assignee
 *   owner    overdue more than owner_after_days   the owners
 *
 * Each one is claimed in reminders_sent (lead, milestone, kind, due date)
 * in the tick's transaction before it is queued, so it goes out once; a
 * new due date is a new key, and a milestone paid in full is no longer
 * listed, so a payment recorded cancels what was still to come. A plan
 * set less than a day ago gets no before/due reminder yet (the advance due
 * on the booking day is what was just agreed). In quiet
 * hours ([reminders] quiet_start..quiet_end, venue time) nothing is
 * claimed, so staff pings go out at the first tick after quiet_end; the
 * owner's too unless owner_urgent = yes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/templates.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/handlers/handlers.h"
#include "store/ledger.h"
#include "store/reminders.h"

#define PAGE 200
#define PAGES 10
#define BEFORE_DAYS 3
#define LOOKBACK_DAYS 120 /* older overdue milestones are the digest's business */

bool reminders_quiet(const struct config *cfg, int64_t now_s)
{
    struct rb_datetime t = clock_local(now_s);
    int m = t.hour * 60 + t.min, s = cfg->rem_quiet_start_min, e = cfg->rem_quiet_end_min;

    if (s == e) {
        return false;
    }
    return s < e ? (m >= s && m < e) : (m >= s || m < e);
}

/* The vars of a reminder about due d of lead l in lang. New in *out. */
static int due_vars(struct wctx *x, enum lang lang, const struct lead_row *l,
                    const struct ledger_due *d, int days, json_t **out)
{
    struct buf ms;
    char amount[32], date[16];
    int rc;

    buf_init(&ms, 64);
    rc = lead_vars(x, lang, l, out);
    rc = rc ? rc : render(x, lang, milestone_key(d->milestone), NULL, &ms);
    if (!rc) {
        fmt_amount(d->outstanding, amount);
        fmt_date(d->due_date, date);
        json_object_set_new(*out, "milestone", json_string(ms.p));
        json_object_set_new(*out, "due_amount", json_string(amount));
        json_object_set_new(*out, "due", json_string(date));
        json_object_set_new(*out, "days", json_integer(days < 0 ? -days : days));
    }
    buf_release(&ms);
    return rc;
}

/* Tells each of ids[0..n) (skipping 0 and repeats of *told) key about d. */
static int tell_staff(struct wctx *x, const int64_t *ids, size_t n, const struct lead_row *l,
                      const struct ledger_due *d, int days, const char *key, int64_t *told,
                      size_t *ntold)
{
    int rc = RB_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        struct staff_info s;
        json_t *v = NULL;
        bool seen = ids[i] == 0;
        for (size_t j = 0; j < *ntold; j++) {
            seen = seen || told[j] == ids[i];
        }
        if (seen || *ntold >= 16) {
            continue;
        }
        told[(*ntold)++] = ids[i];
        staff_info_init(&s);
        rc = staff_load(x, ids[i], &s);
        if (rc == RB_ENOTFOUND || (!rc && !s.active)) {
            staff_info_release(&s);
            rc = RB_OK;
            continue;
        }
        struct say_opts o = {l->id, "reminder", false, NULL};
        rc = rc ? rc : due_vars(x, staff_lang(&s), l, d, days, &v);
        rc = rc ? rc : notify_staff(x, &s, key, v, &o);
        json_decref(v);
        staff_info_release(&s);
    }
    return rc;
}

/* The client's reminder: automated (held after STOP), by template outside
 * the 24-hour window. */
static int tell_client(struct wctx *x, const struct lead_row *l, const struct ledger_due *d,
                       int days, const char *key)
{
    json_t *v = NULL;
    int rc = due_vars(x, l->client_lang, l, d, days, &v);

    rc = rc ? rc : remind_client(x, l, key, v, "reminder");
    json_decref(v);
    return rc;
}

/* Claims (lead, milestone, kind, due date); *go false when sent before. */
static int claim(struct wctx *x, const struct ledger_due *d, const char *kind, bool *go)
{
    return reminder_claim(x->db, x->venue_id, d->lead_id, d->milestone, kind, d->due_date, go);
}

/* What milestone d calls for today (days = due - today). */
static int remind_one(struct wctx *x, const struct ledger_due *d, int days, bool quiet,
                      bool owner_ok, int *sent)
{
    const struct config *cfg = x->snap->config;
    int64_t told[16], *ids = NULL;
    size_t ntold = 0, n = 0;
    struct lead_row l;
    bool go = false, loaded = false;
    int rc = RB_OK;

    lead_row_init(&l);
    bool fresh = false;
    if (!quiet && days >= 0 && days <= BEFORE_DAYS) {
        rc = reminder_plan_fresh(x->db, d->lead_id, d->milestone, x->now_s, &fresh);
    }
    if (!rc && !quiet && !fresh && days >= 0 && days <= BEFORE_DAYS) {
        const char *kind = days ? "before" : "due";
        rc = claim(x, d, kind, &go);
        if (!rc && go) {
            rc = lead_load(x, d->lead_id, false, &l);
            loaded = !rc;
            rc = rc ? rc
                    : tell_staff(x, &d->assignee, 1, &l, d, days, days ? "rem_before" : "rem_due",
                                 told, &ntold);
            if (!rc && strcmp(cfg->rem_clients, "yes") == 0) {
                rc = tell_client(x, &l, d, days, days ? "rem_client_before" : "rem_client_due");
            }
            *sent += !rc;
        }
    }
    if (!rc && !quiet && days < 0) {
        rc = claim(x, d, "overdue", &go);
        if (!rc && go) {
            rc = loaded ? RB_OK : lead_load(x, d->lead_id, false, &l);
            loaded = !rc;
            rc = rc ? rc : staff_by_role(x, "finance", &ids, &n);
            rc = rc ? rc : tell_staff(x, ids, n, &l, d, days, "rem_overdue", told, &ntold);
            rc = rc ? rc : tell_staff(x, &d->assignee, 1, &l, d, days, "rem_overdue", told, &ntold);
            free(ids);
            ids = NULL;
            *sent += !rc;
        }
    }
    if (!rc && owner_ok && days < -cfg->rem_owner_days) {
        rc = claim(x, d, "owner", &go);
        if (!rc && go) {
            ntold = 0;
            rc = loaded ? RB_OK : lead_load(x, d->lead_id, false, &l);
            rc = rc ? rc : staff_owners(x, &ids, &n);
            rc = rc ? rc : tell_staff(x, ids, n, &l, d, days, "rem_owner", told, &ntold);
            free(ids);
            *sent += !rc;
        }
    }
    lead_row_release(&l);
    return rc;
}

int reminders_tick(struct wctx *x)
{
    const struct config *cfg = x->snap->config;
    struct rb_date today = clock_local(x->now_s).date;
    bool quiet = reminders_quiet(cfg, x->now_s);
    bool owner_ok = !quiet || strcmp(cfg->rem_owner_urgent, "yes") == 0;
    char from[11], to[11];
    int rc = RB_OK, sent = 0;

    if (quiet && !owner_ok) {
        return nurture_tick(x);
    }
    date_format(date_add_days(today, -LOOKBACK_DAYS), from);
    date_format(date_add_days(today, BEFORE_DAYS), to);
    for (int page = 0; !rc && page < PAGES; page++) {
        struct ledger_due *rows = NULL;
        size_t n = 0;
        rc = ledger_due_between(x->db, x->venue_id, from, to, 0, PAGE, page * PAGE, &rows, &n);
        for (size_t i = 0; !rc && i < n; i++) {
            struct rb_datetime due;
            if (datetime_parse(rows[i].due_date, &due) != RB_OK) {
                continue;
            }
            int days = (int)(date_to_days(due.date) - date_to_days(today));
            rc = remind_one(x, &rows[i], days, quiet, owner_ok, &sent);
        }
        free(rows);
        if (n < PAGE) {
            break;
        }
    }
    if (!rc && sent) {
        log_event(LOG_INFO, "tick.reminded", "kind=payment rows=%d", sent);
    }
    return rc ? rc : nurture_tick(x);
}
