/*
 * tick.c - domain_tick: what time alone sets off, about once a minute.
 *
 *   escalate  no contact for escalate_hours: the owner is told and the lead
 *             goes round-robin to someone else, once per silence
 *             (leads.escalated_at);
 *   stale     no contact for stale_reminder_hours: the assignee is reminded,
 *             once per silence (leads.reminded_at);
 *   followup  a follow-up fell due: its person is reminded (reminded_at);
 *   visit     a site visit within a day: the assignee and the client
 *             (automated, so held for a client who opted out) are reminded;
 *   quote     QUOTED for quote_followup_days with no word from the client;
 *   digest    the owner's weekly digest, once a week (handlers/digest.c);
 *   money     payment reminders and nurture sequence steps
 *             (handlers/reminders.c, handlers/nurture.c).
 *
 * Every scan takes its rows FOR UPDATE SKIP LOCKED (store/lead_due.h,
 * store/followups.h), at most SCAN_MAX a tick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/templates.h"
#include "core/log.h"
#include "domain/handlers/handlers.h"
#include "domain/money.h"
#include "domain/intake.h"
#include "nlu/catalog.h"
#include "store/convo.h"
#include "store/followups.h"
#include "store/lead_due.h"
#include "store/state.h"

#define SCAN_MAX 50

typedef int (*row_fn)(struct wctx *x, int64_t id);

/* Runs fn on each of the n ids (freed here) after a scan that returned rc. */
static int each(struct wctx *x, int rc, int64_t *ids, size_t n, row_fn fn, const char *what)
{
    for (size_t i = 0; !rc && i < n; i++) {
        rc = fn(x, ids[i]);
    }
    if (!rc && n) {
        log_event(LOG_INFO, "tick.reminded", "kind=%s rows=%zu", what, n);
    }
    free(ids);
    return rc;
}

/* Runs fn on every lead due for kind at threshold (Unix seconds). */
static int scan(struct wctx *x, enum store_due kind, int64_t threshold, row_fn fn, const char *what)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = store_leads_due(x->db, x->venue_id, kind, threshold, SCAN_MAX, &ids, &n);

    return each(x, rc, ids, n, fn, what);
}

/* Tells staff_id about lead lead_id (loaded here). */
static int tell_about(struct wctx *x, int64_t staff_id, int64_t lead_id, const char *key,
                      const char *purpose, const json_t *extra)
{
    struct say_opts o = {lead_id, purpose, true, NULL};
    struct lead_row l;
    int rc;

    lead_row_init(&l);
    rc = lead_load(x, lead_id, false, &l);
    rc = rc ? rc : notify_lead(x, staff_id, key, &l, extra, &o);
    lead_row_release(&l);
    return rc;
}

/* How long the lead has really gone without contact, in hours: since its
 * last contact, else since it came; at least floor (the threshold that
 * found it: a clock a little behind the database's). */
static int64_t silent_hours(const struct wctx *x, const struct lead_row *l, int64_t floor)
{
    int64_t since = l->last_contact_at ? l->last_contact_at : l->created_at;
    int64_t hours = x->now_s > since ? (x->now_s - since) / 3600 : 0;

    return hours < floor ? floor : hours;
}

static int escalate_one(struct wctx *x, int64_t id)
{
    struct lead_row l;
    int64_t *owners = NULL, to = 0;
    size_t n = 0;
    json_t *extra = NULL;
    int rc;

    lead_row_init(&l);
    rc = lead_load(x, id, false, &l);
    rc = rc ? rc : lead_pick_assignee(x, l.source, l.guests, l.assigned, &to);
    rc = rc ? rc : staff_owners(x, &owners, &n);
    if (!rc) {
        extra = json_pack("{s:s, s:i}", "old", l.assignee ? l.assignee : "", "hours",
                          (int)silent_hours(x, &l, x->snap->config->escalate_hours));
        rc = extra ? RB_OK : RB_ENOMEM;
    }
    rc = rc ? rc : store_lead_escalated(x->db, id, to);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = tell_about(x, owners[i], id, to ? "escalated" : "escalated_kept", "escalation", extra);
    }
    if (!rc && to) {
        rc = tell_about(x, to, id, "assigned_escalated", "notice", extra);
        rc = rc ? rc : convo_set_current(x, to, id);
        rc = rc ? rc : tell_about(x, l.assigned, id, "escalation_taken", "reminder", extra);
    }
    if (!rc) {
        log_event(LOG_INFO, "lead.escalated", "lead=%lld from=%lld to=%lld", (long long)id,
                  (long long)l.assigned, (long long)to);
    }
    json_decref(extra);
    free(owners);
    lead_row_release(&l);
    return rc;
}

/* Marks the lead done for kind and reminds its assignee with prompt key,
 * whose one number is var = value (hours of silence, days since the quote). */
static int remind_assignee(struct wctx *x, int64_t id, enum store_due kind, const char *key,
                           const char *var, int value)
{
    struct lead_row l;
    json_t *extra = json_pack("{s:i}", var, value);
    int rc = extra ? RB_OK : RB_ENOMEM;

    lead_row_init(&l);
    rc = rc ? rc : lead_load(x, id, false, &l);
    rc = rc ? rc : store_lead_due_done(x->db, id, kind);
    rc = rc ? rc : tell_about(x, l.assigned, id, key, "reminder", extra);
    json_decref(extra);
    lead_row_release(&l);
    return rc;
}

/* The reminder says how long the lead has really gone without contact
 * (silent_hours), not the threshold: hours, or days from 48 hours on. */
static int stale_one(struct wctx *x, int64_t id)
{
    struct lead_row l;
    int64_t hours;
    int rc;

    lead_row_init(&l);
    rc = lead_load(x, id, false, &l);
    hours = silent_hours(x, &l, x->snap->config->stale_reminder_hours);
    lead_row_release(&l);
    return rc ? rc
           : hours >= 48
               ? remind_assignee(x, id, DUE_STALE, "stale_reminder_days", "days", (int)(hours / 24))
               : remind_assignee(x, id, DUE_STALE, "stale_reminder", "hours", (int)hours);
}

static int followup_one(struct wctx *x, int64_t id)
{
    char when[24], note[200];
    struct store_followup f = {0};
    json_t *extra = NULL;
    bool found = false;
    int rc = store_followup_get(x->db, id, &f, &found);

    if (!rc && found) {
        fmt_when(f.due_s, when);
        flatten_line(f.note ? f.note : "", note, sizeof(note));
        extra = json_pack("{s:s, s:s}", "when", when, "note", note);
        rc = extra ? RB_OK : RB_ENOMEM;
        rc = rc ? rc : store_followup_reminded(x->db, id);
        rc = rc ? rc : tell_about(x, f.staff_id, f.lead_id, "followup_due", "reminder", extra);
    }
    json_decref(extra);
    free(f.note);
    return rc;
}

/* Reminds of every follow-up fallen due. */
static int scan_followups(struct wctx *x, int64_t now)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = store_followups_due(x->db, x->venue_id, now, SCAN_MAX, &ids, &n);

    return each(x, rc, ids, n, followup_one, "followup");
}

/* The client's half of a visit reminder: automated, so held after STOP. */
static int visit_client(struct wctx *x, const struct lead_row *l, const char *visit)
{
    json_t *vars = json_pack("{s:s}", "visit", visit);
    int rc = vars ? remind_client(x, l, "visit_reminder_client", vars, "reminder") : RB_ENOMEM;

    json_decref(vars);
    return rc;
}

static int visit_one(struct wctx *x, int64_t id)
{
    struct lead_row l;
    char visit[24];
    int rc;

    lead_row_init(&l);
    rc = lead_load(x, id, false, &l);
    rc = rc ? rc : store_lead_due_done(x->db, id, DUE_VISIT);
    if (!rc) {
        fmt_when(l.visit_at, visit);
        rc = tell_about(x, l.assigned, id, "visit_reminder_staff", "reminder", NULL);
    }
    rc = rc ? rc : visit_client(x, &l, visit);
    lead_row_release(&l);
    return rc;
}

static int quote_one(struct wctx *x, int64_t id)
{
    return remind_assignee(x, id, DUE_QUOTE, "quote_followup", "days",
                           x->snap->config->quote_followup_days);
}

int domain_tick(struct wctx *x)
{
    const struct config *cfg = x->snap->config;
    int64_t now = x->now_s;
    int rc =
        scan(x, DUE_ESCALATE, now - (int64_t)cfg->escalate_hours * 3600, escalate_one, "escalate");

    rc = rc ? rc
            : scan(x, DUE_STALE, now - (int64_t)cfg->stale_reminder_hours * 3600, stale_one,
                   "stale");
    rc = rc ? rc : scan_followups(x, now);
    rc = rc ? rc : scan(x, DUE_VISIT, now + 86400, visit_one, "visit");
    rc = rc ? rc
            : scan(x, DUE_QUOTE, now - (int64_t)cfg->quote_followup_days * 86400, quote_one,
                   "quote");
    rc = rc ? rc : money_tick(x); /* the invoicing poll keeps running */
    rc = rc ? rc : digest_tick(x);
    rc = rc ? rc : reminders_tick(x);
    rc = rc ? rc : store_convo_compact(x->db, x->venue_id); /* replaced current leads */
    return rc ? rc : store_state_tick(x->db, now);
}
