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
#include "domain/intake.h"
#include "egress/invoicing.h"
#include "nlu/catalog.h"
#include "store/invoices.h"
#include "store/ledger.h"

#define POLL_BATCH 20

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

/* Queues the plan's push when lead is in invoicing and its plan changed
 * since invoicing was told (one job per revision). */
static int plan_changed(struct wctx *x, int64_t lead)
{
    int64_t rev = 0;
    char key[64];
    int rc = store_inv_plan_pending(x->db, lead, &rev);

    if (rc || !rev) {
        return rc;
    }
    json_t *job = json_pack("{s:I}", "lead_id", (json_int_t)lead);
    snprintf(key, sizeof(key), "inv-plan:%lld:%lld", (long long)lead, (long long)rev);
    rc = job ? worker_job_add(x, JOB_INVOICING_PLAN, job, 0, key) : RB_ENOMEM;
    json_decref(job);
    return rc;
}

/* The plan made again from l's agreed amount and event date: the
 * milestones chat did not set share what the ones it set leave; the mid
 * and final payments chat did not date follow the event. */
static int plan_redo(struct wctx *x, const struct lead_row *l, const struct ledger_plan *plan,
                     int64_t staff, bool *redone)
{
    struct ledger_plan_conf pc;
    int64_t fixed[LEDGER_MILESTONES], share[LEDGER_MILESTONES];
    int changed = 0, rc;

    for (int k = 0; k < LEDGER_MILESTONES; k++) {
        fixed[k] = !plan->planned[k] ? 0 : plan->amount_set[k] ? plan->amount[k] : -1;
    }
    ledger_plan_shares(l->amount, plan_conf(x, &pc), fixed, share);
    for (int k = 0; k < LEDGER_MILESTONES; k++) {
        share[k] = fixed[k] >= 0 ? -1 : share[k]; /* only the shared ones move */
    }
    rc = plan->agreed == l->amount
             ? RB_OK
             : ledger_plan_amounts(x->db, x->venue_id, l->id, share, l->amount, staff, &changed);
    int moved = 0;
    if (!rc && strcmp(plan->event_date, l->event_date) != 0) {
        rc = ledger_plan_dates(x->db, l->id, l->event_date, &pc, staff, &moved);
    }
    if (!rc && changed + moved > 0) {
        json_t *detail = json_pack("{s:I, s:I, s:s, s:i, s:i}", "from", (json_int_t)plan->agreed,
                                   "amount", (json_int_t)l->amount, "event", l->event_date,
                                   "amounts", changed, "dates", moved);
        rc = detail ? audit(x, staff, "payment.replan", l->id, detail) : RB_ENOMEM;
        json_decref(detail);
    }
    if (!rc) {
        *redone = changed + moved > 0;
        log_event(LOG_INFO, "payment.replanned",
                  "lead=%lld from=%lld amount=%lld event=%s amounts=%d dates=%d", (long long)l->id,
                  (long long)plan->agreed, (long long)l->amount,
                  l->event_date[0] ? l->event_date : "-", changed, moved);
    }
    return rc;
}

int money_plan_sync(struct wctx *x, const struct lead_row *l, int64_t staff, bool *redone)
{
    struct ledger_plan_conf pc;
    struct ledger_plan plan;
    char today[11];
    bool any = false;
    int rc;

    *redone = false;
    if (l->stage != STAGE_BOOKED || l->amount <= 0) {
        return RB_OK;
    }
    rc = ledger_plan_get(x->db, l->id, &plan);
    for (int k = 0; k < LEDGER_MILESTONES; k++) {
        any = any || plan.planned[k];
    }
    if (!rc && any && (plan.agreed != l->amount || strcmp(plan.event_date, l->event_date) != 0)) {
        rc = plan_redo(x, l, &plan, staff, redone);
    } else if (!rc && !any) {
        date_format(clock_local(x->now_s).date, today);
        rc = ledger_plan_make(x->db, x->venue_id, l->id, l->amount, today, l->event_date,
                              plan_conf(x, &pc), staff);
        if (!rc) {
            log_event(LOG_INFO, "payment.planned", "lead=%lld amount=%lld", (long long)l->id,
                      (long long)l->amount);
        }
    }
    return rc ? rc : plan_changed(x, l->id);
}

int money_plan_ensure(struct wctx *x, const struct lead_row *l, int64_t staff)
{
    bool redone;

    return money_plan_sync(x, l, staff, &redone);
}

int money_plan_set(struct wctx *x, int64_t lead, const char *milestone, int64_t amount,
                   const char *due_date, int64_t staff)
{
    int rc = ledger_plan_set(x->db, x->venue_id, lead, milestone, amount, due_date, staff);

    return rc ? rc : plan_changed(x, lead);
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
    bool needed = false;
    int rc;

    if (!configured(x)) {
        return RB_OK;
    }
    rc = store_inv_poll_needed(x->db, x->venue_id, &needed);
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
    char key[48];
    json_t *job =
        json_pack("{s:I, s:I}", "lead_id", (json_int_t)lead, "entry_id", (json_int_t)entry);
    int rc = job ? store_inv_receipt_add(x->db, entry) : RB_ENOMEM;

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
        return *end || id <= 0 ? RB_OK : store_inv_receipt_done(x->db, id, p->payment_id);
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
    int64_t n;
    int rc = store_inv_lead_by_booking(x->db, x->venue_id, booking, id);

    if (!rc && !*id && lead_text && str_to_i64(str_from(lead_text), 1, INT64_MAX, &n) == RB_OK) {
        rc = store_inv_lead_booked(x->db, x->venue_id, n, id);
    }
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

/* The end of every push: what r says is logged (outcome); when invoicing
 * took it, record(x, id, arg, r) notes what it left behind, in a
 * transaction of its own. */
static int
push_end(struct wctx *x, const char *what, int64_t id, int rc, const struct inv_result *r,
         int (*record)(struct wctx *x, int64_t id, int64_t arg, const struct inv_result *r),
         int64_t arg)
{
    rc = outcome(what, id, rc, r);
    if (rc || r->cls != INV_OK) {
        return rc;
    }
    rc = db_begin(x->db);
    rc = rc ? rc : record(x, id, arg, r);
    rc = rc ? rc : db_commit(x->db);
    if (rc) {
        db_rollback(x->db);
    }
    return rc;
}

/* Invoicing has lead's plan up to revision rev: a change made meanwhile
 * is pushed next. */
static int plan_told(struct wctx *x, int64_t lead, int64_t rev)
{
    int64_t now = 0;
    int rc = store_inv_plan_pushed(x->db, lead, rev, &now);

    return rc ? rc : now > rev ? plan_changed(x, lead) : RB_OK;
}

static int booking_recorded(struct wctx *x, int64_t lead, int64_t rev, const struct inv_result *r)
{
    int rc = store_inv_booking_done(x->db, lead, r->booking_id);

    log_event(LOG_INFO, "invoicing.pushed", "lead=%lld booking=%s", (long long)lead,
              log_q(r->booking_id ? r->booking_id : "", (size_t)-1));
    return rc ? rc : plan_told(x, lead, rev);
}

static int plan_recorded(struct wctx *x, int64_t lead, int64_t rev, const struct inv_result *r)
{
    (void)r;
    log_event(LOG_INFO, "invoicing.plan_pushed", "lead=%lld revision=%lld", (long long)lead,
              (long long)rev);
    return plan_told(x, lead, rev);
}

static int receipt_recorded(struct wctx *x, int64_t entry, int64_t reverses,
                            const struct inv_result *r)
{
    log_event(LOG_INFO, reverses ? "invoicing.reversal_pushed" : "invoicing.receipt_pushed",
              "entry=%lld payment=%s", (long long)entry,
              log_q(r->payment_id ? r->payment_id : "", (size_t)-1));
    return store_inv_receipt_done(x->db, entry, r->payment_id);
}

/* lead's plan, its revision and the agreed amount it comes from. */
static int plan_read(struct wctx *x, int64_t lead, json_t **plan, int64_t *rev, int64_t *agreed)
{
    char *text = NULL;
    int rc = ledger_plan_json(x->db, lead, &text, rev, agreed);

    if (!rc) {
        *plan = json_loads(text, 0, NULL);
        rc = *plan ? RB_OK : RB_ENOMEM;
    }
    free(text);
    return rc;
}

static int job_push_booking(struct wctx *x, const json_t *payload)
{
    int64_t id = json_integer_value(json_object_get(payload, "lead_id"));
    struct inv_conf conf = conf_of(x);
    struct inv_booking b;
    struct inv_result r;
    struct lead_row l;
    char ls[24], key[48];
    json_t *plan = NULL;
    int64_t rev = 0, agreed = 0;
    bool pending = false;
    int rc;

    if (!configured(x)) {
        log_event(LOG_INFO, "invoicing.skipped", "lead=%lld reason=not_configured", (long long)id);
        return RB_OK;
    }
    rc = store_inv_booking_pending(x->db, x->venue_id, id, &pending);
    if (rc || !pending) {
        return rc;
    }
    lead_row_init(&l);
    inv_result_init(&r);
    rc = lead_load(x, id, false, &l);
    rc = rc ? rc : plan_read(x, id, &plan, &rev, &agreed);
    if (rc) {
        goto out;
    }
    memset(&b, 0, sizeof(b));
    b.lead_id = db_i64s(id, ls);
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
    rc = push_end(x, "lead", id, rc, &r, booking_recorded, rev);
out:
    json_decref(plan);
    inv_result_release(&r);
    lead_row_release(&l);
    return rc;
}

/* The plan again, after it changed once the booking was in invoicing. */
static int job_push_plan(struct wctx *x, const json_t *payload)
{
    int64_t id = json_integer_value(json_object_get(payload, "lead_id"));
    struct inv_conf conf = conf_of(x);
    struct inv_result r;
    char key[64], *booking = NULL;
    json_t *plan = NULL;
    int64_t rev = 0, agreed = 0;
    int rc;

    if (!configured(x)) {
        return RB_OK;
    }
    inv_result_init(&r);
    rc = store_inv_booking_of(x->db, id, &booking);
    rc = rc || !booking ? rc : plan_read(x, id, &plan, &rev, &agreed);
    if (!rc && booking && rev > 0) {
        snprintf(key, sizeof(key), "lead-%lld-plan-%lld", (long long)id, (long long)rev);
        rc = inv_plan_push(x->http, &conf, booking, key, rev, agreed, plan, &r);
        rc = push_end(x, "lead", id, rc, &r, plan_recorded, rev);
    }
    json_decref(plan);
    free(booking);
    inv_result_release(&r);
    return rc;
}

/* Whether reversal got can be pushed now: RB_OK to push, RB_ECONFLICT
 * while the receipt it takes back is not in invoicing yet, RB_ENOTFOUND
 * when invoicing never had that receipt (nothing to take back there). */
static int reversal_ready(const struct store_inv_receipt *got)
{
    if (strcmp(got->reverses_source, "invoicing") == 0) {
        return got->reverses_id ? RB_OK : RB_ENOTFOUND;
    }
    if (strcmp(got->reverses_source, "chat") != 0 || !got->reverses_queued) {
        return RB_ENOTFOUND;
    }
    return got->reverses_id ? RB_OK : RB_ECONFLICT;
}

/* A chat receipt or a reversal (with its own key rabta-entry-N either way)
 * to got's booking. */
static int push_entry(struct wctx *x, int64_t entry, const struct store_inv_receipt *got,
                      struct inv_result *r)
{
    struct inv_conf conf = conf_of(x);
    char ref[40], orig[40];

    snprintf(ref, sizeof(ref), "rabta-entry-%lld", (long long)entry);
    if (got->reverses) {
        struct inv_reversal v;
        snprintf(orig, sizeof(orig), "rabta-entry-%lld", (long long)got->reverses);
        memset(&v, 0, sizeof(v));
        v.reference = ref;
        v.reverses = got->reverses_id;
        v.reverses_reference = strcmp(got->reverses_source, "chat") == 0 ? orig : NULL;
        v.milestone = got->milestone[0] ? got->milestone : NULL;
        v.amount = -got->amount;
        v.reason = got->reason;
        v.reversed_at = got->received_at[0] ? got->received_at : NULL;
        return inv_reversal_create(x->http, &conf, got->booking_id, &v, r);
    }
    struct inv_receipt rec;
    memset(&rec, 0, sizeof(rec));
    rec.reference = ref;
    rec.milestone = got->milestone[0] ? got->milestone : NULL;
    rec.amount = got->amount;
    rec.method = got->method[0] ? got->method : NULL;
    rec.received_at = got->received_at[0] ? got->received_at : NULL;
    return inv_payment_create(x->http, &conf, got->booking_id, &rec, r);
}

static int job_push_receipt(struct wctx *x, const json_t *payload)
{
    int64_t entry = json_integer_value(json_object_get(payload, "entry_id"));
    struct inv_result r;
    struct store_inv_receipt got;
    int rc;

    if (!configured(x)) {
        return RB_OK;
    }
    inv_result_init(&r);
    rc = store_inv_receipt_get(x->db, entry, &got);
    if (rc == RB_ENOTFOUND || (!rc && got.pushed)) {
        rc = RB_OK; /* gone, or pushed already */
        goto out;
    }
    if (!rc && !got.booking_id) {
        /* the booking is not in invoicing yet: its push comes first */
        log_event(LOG_INFO, "invoicing.receipt_waits", "entry=%lld reason=no_booking",
                  (long long)entry);
        rc = RB_ECONFLICT;
    }
    if (!rc && got.reverses) {
        rc = reversal_ready(&got);
        if (rc == RB_ENOTFOUND) {
            log_event(LOG_INFO, "invoicing.skipped", "entry=%lld reason=reverses_unknown_%s",
                      (long long)entry, got.reverses_source);
            rc = RB_OK;
            goto out;
        }
        if (rc) {
            log_event(LOG_INFO, "invoicing.receipt_waits", "entry=%lld reason=reversed_not_pushed",
                      (long long)entry);
        }
    }
    if (!rc) {
        rc = push_entry(x, entry, &got, &r);
        rc = push_end(x, "entry", entry, rc, &r, receipt_recorded, got.reverses);
    }
out:
    inv_result_release(&r);
    store_inv_receipt_release(&got);
    return rc;
}

/* Reads one booking back and applies its payments in one transaction. */
static int poll_one(struct wctx *x, int64_t lead, const char *booking)
{
    struct inv_conf conf = conf_of(x);
    struct inv_payments ps;
    struct inv_result r;
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
        rc = rc ? rc : store_inv_polled(x->db, lead);
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
    struct store_inv_due *due = NULL;
    int rc, n = 0, failed = 0;

    if (!configured(x)) {
        return RB_OK;
    }
    rc = store_inv_poll_due(x->db, x->venue_id, x->snap->config->pay_poll_seconds, POLL_BATCH, &due,
                            &n);
    for (int i = 0; !rc && i < n; i++) {
        int one = poll_one(x, due[i].lead_id, due[i].booking_id);
        if (one == RB_ESTORE || one == RB_ENOMEM) {
            rc = one;
        }
        failed += one != RB_OK; /* one booking failing does not hold up the others */
    }
    store_inv_due_free(due, n);
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
           strcmp(kind, JOB_INVOICING_POLL) == 0 || strcmp(kind, JOB_INVOICING_PLAN) == 0;
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
    if (strcmp(kind, JOB_INVOICING_PLAN) == 0) {
        return job_push_plan(x, payload);
    }
    return RB_ENOTFOUND;
}
