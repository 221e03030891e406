/*
 * money.c - the plan a booked lead gets, and the invoicing round trip: the
 * booking push with its plan, each chat receipt pushed, payments read back
 * by webhook events and by a periodic poll. See money.h.
 */
#include "domain/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/leads.h"
#include "egress/invoicing.h"
#include "nlu/catalog.h"
#include "store/ledger.h"

#define POLL_BATCH 20

static const char sql_has_plan[] = "SELECT EXISTS (SELECT 1 FROM payment_plan WHERE lead_id = $1)";
static const char sql_plan_json[] =
    "SELECT COALESCE(json_agg(json_build_object('milestone', milestone, 'amount', amount,"
    " 'due_date', to_char(due_date, 'YYYY-MM-DD')) ORDER BY"
    " array_position(ARRAY['advance', 'mid', 'final'], milestone)), '[]')::text"
    " FROM payment_plan WHERE lead_id = $1";
static const char sql_receipt_add[] =
    "INSERT INTO invoicing_receipts (entry_id) VALUES ($1) ON CONFLICT DO NOTHING";
static const char sql_receipt_get[] =
    "SELECT e.lead_id, COALESCE(e.milestone, ''), e.amount, COALESCE(e.method, ''),"
    " to_char(e.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " COALESCE(l.invoice_booking_id, ''), r.pushed_at IS NOT NULL"
    " FROM invoicing_receipts r JOIN payment_entries e ON e.id = r.entry_id"
    " JOIN leads l ON l.id = e.lead_id WHERE r.entry_id = $1";
static const char sql_receipt_done[] =
    "UPDATE invoicing_receipts SET payment_id = COALESCE(payment_id, $2),"
    " pushed_at = COALESCE(pushed_at, now()) WHERE entry_id = $1";
static const char sql_invoice_pending[] =
    "SELECT invoice_booking_id IS NULL FROM leads WHERE venue_id = $1 AND id = $2";
static const char sql_invoice_done[] =
    "UPDATE leads SET invoice_booking_id = $2 WHERE id = $1 AND invoice_booking_id IS NULL";
static const char sql_poll_due[] =
    "SELECT id, invoice_booking_id FROM leads WHERE venue_id = $1 AND stage = 'BOOKED'"
    " AND invoice_booking_id IS NOT NULL AND (invoice_polled_at IS NULL"
    " OR invoice_polled_at <= now() - ($2::int * interval '1 second'))"
    " ORDER BY invoice_polled_at NULLS FIRST, id LIMIT $3";
static const char sql_poll_needed[] =
    "SELECT NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'invoicing_poll' AND state = 'pending'"
    " AND venue_id = $1) AND EXISTS (SELECT 1 FROM leads WHERE venue_id = $1"
    " AND stage = 'BOOKED' AND invoice_booking_id IS NOT NULL)";
static const char sql_polled[] = "UPDATE leads SET invoice_polled_at = now() WHERE id = $1";
static const char sql_lead_by_booking[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND invoice_booking_id = $2";
static const char sql_lead_booked[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND id = $2 AND stage = 'BOOKED'";

static bool configured(const struct wctx *x);

static const struct ledger_plan_conf *plan_conf(const struct wctx *x, struct ledger_plan_conf *pc)
{
    const struct config *c = x->snap->config;

    pc->advance_pct = c->pay_advance_pct;
    pc->advance_days = c->pay_advance_days;
    pc->mid_pct = c->pay_mid_pct;
    pc->mid_days = c->pay_mid_days;
    pc->final_days = c->pay_final_days;
    return pc;
}

static int has_plan(struct wctx *x, int64_t lead, bool *yes)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead, ls)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_has_plan, 1, p, &r);

    if (!rc) {
        *yes = db_bool(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int money_plan_ensure(struct wctx *x, const struct lead_row *l, int64_t staff)
{
    struct ledger_plan_conf pc;
    char today[11];
    bool yes = false;
    int rc;

    if (l->stage != STAGE_BOOKED || l->amount <= 0) {
        return RB_OK;
    }
    rc = has_plan(x, l->id, &yes);
    if (rc || yes) {
        return rc;
    }
    date_format(clock_local(x->now_s).date, today);
    rc = ledger_plan_make(x->db, x->venue_id, l->id, l->amount, today, l->event_date,
                          plan_conf(x, &pc), staff);
    if (!rc) {
        log_event(LOG_INFO, "payment.planned", "lead=%lld amount=%lld", (long long)l->id,
                  (long long)l->amount);
    }
    return rc;
}

/* The next poll, a period from now; at most one queued per period (the
 * dedupe key names it). */
static int poll_schedule(struct wctx *x)
{
    int period = x->snap->config->pay_poll_seconds;
    int64_t at = x->now_s + period;
    char key[64];

    json_t *job = json_object();
    int rc;

    snprintf(key, sizeof(key), "inv-poll:%lld:%lld", (long long)x->venue_id,
             (long long)(at / period));
    rc = job ? worker_job_add(x, JOB_INVOICING_POLL, job, at, key) : RB_ENOMEM;
    json_decref(job);
    return rc;
}

int money_tick(struct wctx *x)
{
    char v[24];
    const char *p[1] = {db_i64s(x->venue_id, v)};
    PGresult *r = NULL;
    int rc;

    if (!configured(x)) {
        return RB_OK;
    }
    rc = db_exec(x->db, sql_poll_needed, 1, p, &r);
    bool needed = !rc && db_bool(r, 0, 0);
    PQclear(r);
    return rc ? rc : needed ? poll_schedule(x) : RB_OK;
}

int money_on_booked(struct wctx *x, const struct lead_row *l)
{
    char key[64];
    json_t *job = json_pack("{s:I}", "lead_id", (json_int_t)l->id);
    int rc = job ? money_plan_ensure(x, l, 0) : RB_ENOMEM;

    snprintf(key, sizeof(key), "invoice:lead-%lld", (long long)l->id);
    rc = rc ? rc : worker_job_add(x, JOB_INVOICING_PUSH, job, 0, key);
    rc = rc ? rc : poll_schedule(x);
    json_decref(job);
    return rc;
}

int money_receipt_queued(struct wctx *x, int64_t lead, int64_t entry)
{
    char es[24], key[48];
    const char *p[1] = {db_i64s(entry, es)};
    json_t *job =
        json_pack("{s:I, s:I}", "lead_id", (json_int_t)lead, "entry_id", (json_int_t)entry);
    int rc = job ? db_exec(x->db, sql_receipt_add, 1, p, NULL) : RB_ENOMEM;

    snprintf(key, sizeof(key), "inv-receipt:%lld", (long long)entry);
    rc = rc ? rc : worker_job_add(x, JOB_INVOICING_RECEIPT, job, 0, key);
    json_decref(job);
    return rc;
}

/* ---- what invoicing reports ---- */

static bool one_of(const char *s, const char *const *set)
{
    for (size_t i = 0; s && set[i]; i++) {
        if (strcmp(s, set[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* "2026-12-07T10:00:00Z", "2026-12-07 10:00:00+05", "2026-12-07": a shape
 * PostgreSQL reads; anything else is dropped (the entry then says now). */
static const char *iso_or_null(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n < 10 || n > 40 || s[4] != '-' || s[7] != '-') {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!strchr("0123456789-:T .+Z", s[i])) {
            return NULL;
        }
    }
    return s;
}

/*
 * One payment of lead as invoicing reported it, in the caller's
 * transaction: ours (reference rabta-entry-N) only gets its payment id
 * noted; another becomes a ledger entry once (by payment id), and the
 * assignee hears of it.
 */
static int apply_payment(struct wctx *x, int64_t lead_id, const struct inv_payment *p)
{
    static const char *const methods[] = {"cash", "bank", "cheque", "online", "card", NULL};
    static const char *const ms[] = {"advance", "mid", "final", NULL};
    struct ledger_new n;
    struct lead_row l;
    int64_t entry = 0;
    bool added = false;
    int rc;

    if (p->reference && strncmp(p->reference, "rabta-entry-", 12) == 0) {
        char *end;
        long long id = strtoll(p->reference + 12, &end, 10);
        const char *q[2] = {p->reference + 12, p->payment_id};
        return *end || id <= 0 ? RB_OK : db_exec(x->db, sql_receipt_done, 2, q, NULL);
    }
    if (p->amount <= 0) {
        log_event(LOG_WARN, "invoicing.payment_ignored", "lead=%lld payment=%s reason=amount",
                  (long long)lead_id, log_q(p->payment_id, (size_t)-1));
        return RB_OK;
    }
    lead_row_init(&l);
    rc = lead_load(x, lead_id, true, &l); /* payments of one lead in turn */
    memset(&n, 0, sizeof(n));
    n.venue_id = x->venue_id;
    n.lead_id = lead_id;
    n.milestone = one_of(p->milestone, ms) ? p->milestone : NULL;
    n.amount = p->amount;
    n.method = one_of(p->method, methods) ? p->method : NULL;
    n.received_at = iso_or_null(p->received_at);
    n.source = "invoicing";
    n.external_id = p->payment_id;
    rc = rc ? rc : ledger_append(x->db, &n, &entry, &added);
    if (!rc && added) {
        char am[32];
        struct say_opts o = {lead_id, "notice", true, NULL};
        json_t *detail =
            json_pack("{s:s?, s:I, s:I, s:s}", "a", n.milestone, "b", (json_int_t)n.amount, "entry",
                      (json_int_t)entry, "payment", p->payment_id);
        rc = detail ? audit(x, 0, "payment.record", lead_id, detail) : RB_ENOMEM;
        json_decref(detail);
        fmt_amount(n.amount, am);
        json_t *extra = json_pack("{s:s, s:s}", "paid_now", am, "payment", p->payment_id);
        rc = rc           ? rc
             : !extra     ? RB_ENOMEM
             : l.assigned ? notify_lead(x, l.assigned, "pay_notice_invoicing", &l, extra, &o)
                          : RB_OK;
        json_decref(extra);
        log_event(LOG_INFO, "invoicing.payment_recorded", "lead=%lld entry=%lld payment=%s",
                  (long long)lead_id, (long long)entry, log_q(p->payment_id, (size_t)-1));
    }
    lead_row_release(&l);
    return rc;
}

static int lead_of(struct wctx *x, const char *booking, const char *lead_text, int64_t *id)
{
    char v[24];
    const char *p[2] = {db_i64s(x->venue_id, v), booking};
    PGresult *r = NULL;
    int rc = booking ? db_exec(x->db, sql_lead_by_booking, 2, p, &r) : RB_OK;

    *id = !rc && r && PQntuples(r) ? db_i64(r, 0, 0) : 0;
    PQclear(r);
    r = NULL;
    if (!rc && !*id && lead_text) {
        p[1] = lead_text;
        int64_t n;
        if (str_to_i64(str_from(lead_text), 1, INT64_MAX, &n) == RB_OK) {
            rc = db_exec(x->db, sql_lead_booked, 2, p, &r);
            *id = !rc && PQntuples(r) ? db_i64(r, 0, 0) : 0;
        }
    }
    PQclear(r);
    return rc;
}

int money_invoicing_event(struct wctx *x, const json_t *payload)
{
    struct inv_payment p;
    char *booking = NULL, *lead_text = NULL;
    int64_t lead = 0;
    int rc = inv_read_payment(json_object_get(payload, "payment"), &p);

    if (rc == RB_EPARSE) {
        log_event(LOG_WARN, "invoicing.event_ignored", "event=%lld reason=no_payment",
                  (long long)x->event_id);
        return RB_OK;
    }
    rc = rc ? rc : json_id_dup(json_object_get(payload, "booking_id"), &booking);
    rc = rc ? rc : json_id_dup(json_object_get(payload, "lead_id"), &lead_text);
    rc = rc ? rc : lead_of(x, booking, lead_text, &lead);
    if (!rc && !lead) {
        /* the booking's push may not be recorded yet: tried again later */
        log_event(LOG_WARN, "invoicing.payment_unmatched", "event=%lld booking=%s",
                  (long long)x->event_id, log_q(booking ? booking : "", (size_t)-1));
        rc = RB_ECONFLICT;
    }
    rc = rc ? rc : apply_payment(x, lead, &p);
    free(booking);
    free(lead_text);
    inv_payment_release(&p);
    return rc;
}

/* ---- the remote jobs (no transaction open) ---- */

static struct inv_conf conf_of(const struct wctx *x)
{
    struct inv_conf c = {x->app->env.invoicing_base, x->app->env.invoicing_key};
    return c;
}

static bool configured(const struct wctx *x)
{
    return x->app->env.invoicing_base && x->app->env.invoicing_base[0];
}

/* RB_OK when r says the call worked or will never work (logged); an error
 * (the job retries) otherwise. */
static int outcome(const char *what, int64_t id, int rc, const struct inv_result *r)
{
    if (rc == RB_EINVAL) {
        log_event(LOG_ERROR, "invoicing.push_failed", "%s=%lld class=%s reason=invalid", what,
                  (long long)id, inv_class_name(r->cls));
        return r->cls == INV_ALERT ? RB_EUPSTREAM : RB_OK;
    }
    if (rc || r->cls == INV_OK) {
        return rc;
    }
    log_event(r->cls == INV_RETRY ? LOG_WARN : LOG_ERROR, "invoicing.push_failed",
              "%s=%lld class=%s status=%ld transport=%s error=%s", what, (long long)id,
              inv_class_name(r->cls), r->http_status, http_transport_name(r->transport),
              log_q(r->error ? r->error : "", (size_t)-1));
    return r->cls == INV_PERMANENT ? RB_OK : RB_EUPSTREAM;
}

/* One statement in a transaction of its own. */
static int exec_alone(struct wctx *x, const char *sql, int n, const char *const *p)
{
    int rc = db_begin(x->db);

    rc = rc ? rc : db_exec(x->db, sql, n, p, NULL);
    rc = rc ? rc : db_commit(x->db);
    if (rc) {
        db_rollback(x->db);
    }
    return rc;
}

static int job_push_booking(struct wctx *x, const json_t *payload)
{
    int64_t id = json_integer_value(json_object_get(payload, "lead_id"));
    struct inv_conf conf = conf_of(x);
    struct inv_booking b;
    struct inv_result r;
    struct lead_row l;
    char v[24], ls[24], key[48];
    const char *p[2] = {db_i64s(x->venue_id, v), db_i64s(id, ls)};
    json_t *plan = NULL;
    PGresult *res = NULL;
    int rc;

    if (!configured(x)) {
        log_event(LOG_INFO, "invoicing.skipped", "lead=%lld reason=not_configured", (long long)id);
        return RB_OK;
    }
    rc = db_exec(x->db, sql_invoice_pending, 2, p, &res);
    bool pending = !rc && PQntuples(res) > 0 && db_bool(res, 0, 0);
    PQclear(res);
    res = NULL;
    if (rc || !pending) {
        return rc;
    }
    lead_row_init(&l);
    inv_result_init(&r);
    rc = lead_load(x, id, false, &l);
    rc = rc ? rc : db_exec(x->db, sql_plan_json, 1, p + 1, &res);
    if (!rc) {
        plan = json_loads(db_str(res, 0, 0), 0, NULL);
        rc = plan ? RB_OK : RB_ENOMEM;
    }
    PQclear(res);
    if (rc) {
        goto out;
    }
    memset(&b, 0, sizeof(b));
    b.lead_id = ls;
    b.client_name = l.name ? l.name : (l.phone[0] ? l.phone : "client");
    b.phone = l.phone[0] ? l.phone : NULL;
    b.event_date = l.event_date[0] ? l.event_date : NULL;
    b.guests = l.guests;
    b.hall = l.hall;
    b.slot = l.slot[0] ? l.slot : NULL;
    b.amount = l.amount;
    b.milestones = json_array_size(plan) ? plan : NULL;
    snprintf(key, sizeof(key), "lead-%lld-booking", (long long)id);
    rc = inv_booking_create(x->http, &conf, &b, key, &r);
    rc = outcome("lead", id, rc, &r);
    if (!rc && r.cls == INV_OK && r.booking_id) {
        const char *q[2] = {ls, r.booking_id};
        rc = exec_alone(x, sql_invoice_done, 2, q);
        log_event(LOG_INFO, "invoicing.pushed", "lead=%lld booking=%s", (long long)id,
                  log_q(r.booking_id, (size_t)-1));
    }
out:
    json_decref(plan);
    inv_result_release(&r);
    lead_row_release(&l);
    return rc;
}

static int job_push_receipt(struct wctx *x, const json_t *payload)
{
    int64_t entry = json_integer_value(json_object_get(payload, "entry_id"));
    struct inv_conf conf = conf_of(x);
    struct inv_receipt rec;
    struct inv_result r;
    char es[24], ref[40];
    const char *p[1] = {db_i64s(entry, es)};
    PGresult *res = NULL;
    int rc;

    if (!configured(x)) {
        return RB_OK;
    }
    rc = db_exec(x->db, sql_receipt_get, 1, p, &res);
    if (!rc && (PQntuples(res) == 0 || db_bool(res, 0, 6))) {
        PQclear(res);
        return RB_OK; /* gone, or pushed already */
    }
    if (!rc && !db_str(res, 0, 5)[0]) {
        /* the booking is not in invoicing yet: its push comes first */
        log_event(LOG_INFO, "invoicing.receipt_waits", "entry=%lld reason=no_booking",
                  (long long)entry);
        rc = RB_ECONFLICT;
    }
    if (rc) {
        PQclear(res);
        return rc;
    }
    snprintf(ref, sizeof(ref), "rabta-entry-%lld", (long long)entry);
    memset(&rec, 0, sizeof(rec));
    rec.reference = ref;
    rec.milestone = db_str(res, 0, 1)[0] ? db_str(res, 0, 1) : NULL;
    rec.amount = db_i64(res, 0, 2);
    rec.method = db_str(res, 0, 3)[0] ? db_str(res, 0, 3) : NULL;
    rec.received_at = db_str(res, 0, 4);
    inv_result_init(&r);
    rc = inv_payment_create(x->http, &conf, db_str(res, 0, 5), &rec, &r);
    rc = outcome("entry", entry, rc, &r);
    if (!rc && r.cls == INV_OK) {
        const char *q[2] = {es, r.payment_id};
        rc = exec_alone(x, sql_receipt_done, 2, q);
        log_event(LOG_INFO, "invoicing.receipt_pushed", "entry=%lld payment=%s", (long long)entry,
                  log_q(r.payment_id, (size_t)-1));
    }
    inv_result_release(&r);
    PQclear(res);
    return rc;
}

/* Reads one booking back and applies its payments in one transaction. */
static int poll_one(struct wctx *x, int64_t lead, const char *booking)
{
    struct inv_conf conf = conf_of(x);
    struct inv_payments ps;
    struct inv_result r;
    char ls[24];
    const char *p[1] = {db_i64s(lead, ls)};
    int rc;

    inv_payments_init(&ps);
    inv_result_init(&r);
    rc = inv_booking_payments(x->http, &conf, booking, &ps, &r);
    rc = outcome("lead", lead, rc, &r);
    if (!rc && r.cls == INV_OK) {
        rc = db_begin(x->db);
        for (size_t i = 0; !rc && i < ps.n; i++) {
            rc = apply_payment(x, lead, &ps.v[i]);
        }
        rc = rc ? rc : db_exec(x->db, sql_polled, 1, p, NULL);
        rc = rc ? rc : db_commit(x->db);
        if (rc) {
            db_rollback(x->db);
        }
    }
    inv_payments_release(&ps);
    inv_result_release(&r);
    return rc;
}

static int job_poll(struct wctx *x)
{
    char v[24], per[24], lim[24];
    const char *p[3] = {db_i64s(x->venue_id, v), db_i64s(x->snap->config->pay_poll_seconds, per),
                        db_i64s(POLL_BATCH, lim)};
    PGresult *res = NULL;
    int rc, failed = 0;

    if (!configured(x)) {
        return RB_OK;
    }
    rc = db_exec(x->db, sql_poll_due, 3, p, &res);
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        int one = poll_one(x, db_i64(res, i, 0), db_str(res, i, 1));
        if (one == RB_ESTORE || one == RB_ENOMEM) {
            rc = one;
        }
        failed += one != RB_OK; /* one booking failing does not hold up the others */
    }
    PQclear(res);
    if (failed) {
        log_event(LOG_WARN, "invoicing.poll_partial", "failed=%d", failed);
    }
    /* the next run, whatever happened to this one */
    int next = db_begin(x->db);
    next = next ? next : poll_schedule(x);
    next = next ? next : db_commit(x->db);
    if (next) {
        db_rollback(x->db);
    }
    return rc ? rc : next;
}

bool money_job_remote(const char *kind)
{
    return strcmp(kind, JOB_INVOICING_PUSH) == 0 || strcmp(kind, JOB_INVOICING_RECEIPT) == 0 ||
           strcmp(kind, JOB_INVOICING_POLL) == 0;
}

int money_job(struct wctx *x, const char *kind, const json_t *payload)
{
    if (!x->http) {
        return RB_EINTERNAL;
    }
    if (strcmp(kind, JOB_INVOICING_PUSH) == 0) {
        return job_push_booking(x, payload);
    }
    if (strcmp(kind, JOB_INVOICING_RECEIPT) == 0) {
        return job_push_receipt(x, payload);
    }
    if (strcmp(kind, JOB_INVOICING_POLL) == 0) {
        return job_poll(x);
    }
    return RB_ENOTFOUND;
}
