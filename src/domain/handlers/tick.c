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
 * Every scan takes its rows FOR UPDATE SKIP LOCKED, at most SCAN_MAX a tick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/templates.h"
#include "core/log.h"
#include "domain/handlers.h"
#include "domain/money.h"
#include "domain/intake.h"
#include "nlu/catalog.h"
#include "store/state.h"

#define SCAN_MAX "50"

static const char sql_escalate[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND stage NOT IN ('BOOKED', 'LOST')"
    " AND assigned_staff_id IS NOT NULL AND COALESCE(last_contact_at, created_at) < to_timestamp($2)"
    " AND (escalated_at IS NULL OR escalated_at < COALESCE(last_contact_at, created_at))"
    " ORDER BY id LIMIT " SCAN_MAX " FOR UPDATE SKIP LOCKED";
static const char sql_stale[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND stage NOT IN ('BOOKED', 'LOST')"
    " AND assigned_staff_id IS NOT NULL AND COALESCE(last_contact_at, created_at) < to_timestamp($2)"
    " AND (reminded_at IS NULL OR reminded_at < COALESCE(last_contact_at, created_at))"
    " ORDER BY id LIMIT " SCAN_MAX " FOR UPDATE SKIP LOCKED";
static const char sql_followups[] =
    "SELECT f.id FROM followups f WHERE f.venue_id = $1 AND f.done_at IS NULL"
    " AND f.reminded_at IS NULL AND f.due_at <= to_timestamp($2)"
    " ORDER BY f.due_at LIMIT " SCAN_MAX " FOR UPDATE SKIP LOCKED";
static const char sql_visits[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND stage = 'SITE_VISIT'"
    " AND visit_at > to_timestamp($2) - interval '1 day' AND visit_at <= to_timestamp($2)"
    " AND visit_reminded_at IS NULL ORDER BY visit_at LIMIT " SCAN_MAX " FOR UPDATE SKIP LOCKED";
static const char sql_quotes[] =
    "SELECT l.id FROM leads l WHERE l.venue_id = $1 AND l.stage = 'QUOTED'"
    " AND l.stage_changed_at < to_timestamp($2) AND l.quote_reminded_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.lead_id = l.id AND m.direction = 'in'"
    " AND m.party = 'client' AND m.created_at > l.stage_changed_at)"
    " ORDER BY l.id LIMIT " SCAN_MAX " FOR UPDATE SKIP LOCKED";
static const char sql_followup_row[] =
    "SELECT f.lead_id, COALESCE(f.staff_id, l.assigned_staff_id, 0), f.note,"
    " extract(epoch FROM f.due_at)::bigint FROM followups f JOIN leads l ON l.id = f.lead_id"
    " WHERE f.id = $1";
static const char sql_mark_followup[] = "UPDATE followups SET reminded_at = now() WHERE id = $1";
static const char sql_mark_stale[] = "UPDATE leads SET reminded_at = now() WHERE id = $1";
static const char sql_mark_escalated[] =
    "UPDATE leads SET escalated_at = now(), reminded_at = now(),"
    " assigned_staff_id = COALESCE(NULLIF($2, '0')::bigint, assigned_staff_id) WHERE id = $1";
static const char sql_mark_visit[] = "UPDATE leads SET visit_reminded_at = now() WHERE id = $1";
static const char sql_mark_quote[] = "UPDATE leads SET quote_reminded_at = now() WHERE id = $1";

typedef int (*row_fn)(struct wctx *x, int64_t id);

/* Runs sql (venue, threshold as Unix seconds) and fn on every id. */
static int scan(struct wctx *x, const char *sql, int64_t threshold, row_fn fn, const char *what)
{
    char v[24], t[24];
    const char *p[2] = {db_i64s(x->venue_id, v), db_i64s(threshold, t)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql, 2, p, &r), n = 0;

    for (int i = 0; !rc && i < PQntuples(r); i++) {
        rc = fn(x, db_i64(r, i, 0));
        n++;
    }
    if (!rc && n) {
        log_event(LOG_INFO, "tick.reminded", "kind=%s rows=%d", what, n);
    }
    PQclear(r);
    return rc;
}

static int mark(struct wctx *x, const char *sql, int64_t id)
{
    char s[24];
    const char *p[1] = {db_i64s(id, s)};

    return db_exec(x->db, sql, 1, p, NULL);
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

static int escalate_one(struct wctx *x, int64_t id)
{
    struct lead_row l;
    int64_t *owners = NULL, to = 0;
    size_t n = 0;
    char ls[24], ts[24];
    json_t *extra = NULL;
    int rc;

    lead_row_init(&l);
    rc = lead_load(x, id, false, &l);
    rc = rc ? rc : lead_pick_assignee(x, l.source, l.guests, l.assigned, &to);
    rc = rc ? rc : staff_owners(x, &owners, &n);
    if (!rc) {
        extra = json_pack("{s:s, s:i}", "old", l.assignee ? l.assignee : "", "hours",
                          x->snap->config->escalate_hours);
        rc = extra ? RB_OK : RB_ENOMEM;
    }
    const char *p[2] = {db_i64s(id, ls), db_i64s(to, ts)};
    rc = rc ? rc : db_exec(x->db, sql_mark_escalated, 2, p, NULL);
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

/* Marks the lead (mark_sql) and reminds its assignee with prompt key, whose
 * one number is var = value (hours of silence, days since the quote). */
static int remind_assignee(struct wctx *x, int64_t id, const char *mark_sql, const char *key,
                           const char *var, int value)
{
    struct lead_row l;
    json_t *extra = json_pack("{s:i}", var, value);
    int rc = extra ? RB_OK : RB_ENOMEM;

    lead_row_init(&l);
    rc = rc ? rc : lead_load(x, id, false, &l);
    rc = rc ? rc : mark(x, mark_sql, id);
    rc = rc ? rc : tell_about(x, l.assigned, id, key, "reminder", extra);
    json_decref(extra);
    lead_row_release(&l);
    return rc;
}

static int stale_one(struct wctx *x, int64_t id)
{
    return remind_assignee(x, id, sql_mark_stale, "stale_reminder", "hours",
                           x->snap->config->stale_reminder_hours);
}

static int followup_one(struct wctx *x, int64_t id)
{
    char fs[24], when[24], note[200];
    const char *p[1] = {db_i64s(id, fs)};
    PGresult *r = NULL;
    json_t *extra = NULL;
    int rc = db_exec(x->db, sql_followup_row, 1, p, &r);

    if (!rc && PQntuples(r)) {
        fmt_when(db_i64(r, 0, 3), when);
        flatten_line(db_str(r, 0, 2) ? db_str(r, 0, 2) : "", note, sizeof(note));
        extra = json_pack("{s:s, s:s}", "when", when, "note", note);
        rc = extra ? RB_OK : RB_ENOMEM;
        rc = rc ? rc : mark(x, sql_mark_followup, id);
        rc =
            rc ? rc
               : tell_about(x, db_i64(r, 0, 1), db_i64(r, 0, 0), "followup_due", "reminder", extra);
    }
    json_decref(extra);
    PQclear(r);
    return rc;
}

/* The client's half of a visit reminder: automated, so held after STOP. */
static int visit_client(struct wctx *x, const struct lead_row *l, const char *visit)
{
    json_t *vars = json_pack("{s:s}", "visit", visit);
    int rc = vars ? remind_client(x, l, "visit_reminder_client", vars) : RB_ENOMEM;

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
    rc = rc ? rc : mark(x, sql_mark_visit, id);
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
    return remind_assignee(x, id, sql_mark_quote, "quote_followup", "days",
                           x->snap->config->quote_followup_days);
}

int domain_tick(struct wctx *x)
{
    const struct config *cfg = x->snap->config;
    int64_t now = x->now_s;
    int rc =
        scan(x, sql_escalate, now - (int64_t)cfg->escalate_hours * 3600, escalate_one, "escalate");

    rc = rc ? rc
            : scan(x, sql_stale, now - (int64_t)cfg->stale_reminder_hours * 3600, stale_one,
                   "stale");
    rc = rc ? rc : scan(x, sql_followups, now, followup_one, "followup");
    rc = rc ? rc : scan(x, sql_visits, now + 86400, visit_one, "visit");
    rc = rc ? rc
            : scan(x, sql_quotes, now - (int64_t)cfg->quote_followup_days * 86400, quote_one,
                   "quote");
    rc = rc ? rc : money_tick(x); /* the invoicing poll keeps running */
    rc = rc ? rc : digest_tick(x);
    rc = rc ? rc : reminders_tick(x);
    return rc ? rc : store_state_tick(x->db, now);
}
