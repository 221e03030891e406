#include "domain/worker.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "domain/money.h"
#include "domain/relay.h"
#include "domain/sender.h"
#include "egress/http_client.h"
#include "egress/whatsapp.h"
#include "store/contacts.h"
#include "store/events.h"
#include "store/health.h"
#include "store/jobs.h"
#include "store/outbox.h"

#define EVENT_MAX_ATTEMPTS 20
#define EVENT_BATCH 16 /* events per transaction */
#define TICK_EVERY_MS 60000
#define STATS_EVERY_MS 5000 /* the busy tables' statistics checked */

struct workers {
    struct app *app;
    int n;
    pthread_t *threads;
    pthread_t listener;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    unsigned long generation;
    int64_t last_tick_ms;
    struct ratelimit *rl;
};

struct worker {
    struct workers *ws;
    int index;
    struct dbconn *db;
    struct http_client *http;
};

int worker_job_add(struct wctx *x, const char *kind, const json_t *payload, int64_t run_at_s,
                   const char *dedupe_key)
{
    json_t *empty = payload ? NULL : json_object();
    char *json = json_dumps(payload ? payload : empty, JSON_COMPACT);
    int rc = json ? store_job_add(x->db, x->venue_id, kind, json, run_at_s, dedupe_key) : RB_ENOMEM;

    json_decref(empty);
    free(json);
    return rc;
}

static bool ensure_db(struct worker *w);

int worker_convo_current(struct wctx *x, int64_t staff_id, int64_t lead_id)
{
    struct convo_defer *d = x->defer;

    if (!d || !staff_id || !lead_id) {
        return convo_set_current(x, staff_id, lead_id);
    }
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].staff_id == staff_id) {
            d->v[i].lead_id = lead_id; /* the last one wins, as it would have */
            d->v[i].venue_id = x->venue_id;
            return RB_OK;
        }
    }
    if (d->n == CONVO_DEFER_MAX) {
        return convo_set_current(x, staff_id, lead_id);
    }
    d->v[d->n].venue_id = x->venue_id;
    d->v[d->n].staff_id = staff_id;
    d->v[d->n].lead_id = lead_id;
    d->n++;
    return RB_OK;
}

int worker_convo_flush(struct wctx *x)
{
    struct convo_defer *d = x->defer;
    int rc;

    if (!d) {
        return RB_OK;
    }
    rc = store_convo_set_current_many(x->db, d->v, d->n);
    d->n = 0;
    return rc;
}

static void ctx_begin(struct worker *w, struct wctx *x, int64_t venue_id)
{
    memset(x, 0, sizeof(*x));
    x->app = w->ws->app;
    x->snap = app_snapshot_get(x->app);
    x->db = w->db;
    x->http = w->http;
    x->venue_id = venue_id ? venue_id : x->app->venue_id;
    x->now_s = clock_now_ms() / 1000;
}

static void ctx_end(struct wctx *x)
{
    app_snapshot_put(x->app, x->snap);
}

/* E.164 from webhook digits ("923001234567" → "+923001234567"); "" when
 * they are not a phone number (7 to 15 digits, the first not 0). */
static void phone_e164(const char *digits, char out[24])
{
    const char *d = digits && digits[0] == '+' ? digits + 1 : digits;
    size_t n = d ? strspn(d, "0123456789") : 0;

    out[0] = '\0';
    if (d && n >= 7 && n <= 15 && d[n] == '\0' && d[0] != '0') {
        snprintf(out, 24, "+%s", d);
    }
}

/* A sender that is neither a phone number nor a BSUID: the message is kept
 * (no contact; its wa_id as written) and the event fails with the reason. */
static int unknown_sender(struct wctx *x, const struct wa_message *m)
{
    struct message_in in = {x->venue_id,
                            0,
                            0,
                            x->event_id,
                            "client",
                            m->wamid,
                            m->type,
                            m->text,
                            m->media_id,
                            m->media_mime,
                            m->context_id,
                            m->timestamp,
                            m->from ? m->from : ""};
    int64_t msg = 0;
    int rc = store_message_in(x->db, &in, &msg);

    if (rc && rc != RB_ECONFLICT) {
        return rc;
    }
    snprintf(x->failed, sizeof(x->failed), "sender is not a phone number: \"%.120s\"",
             m->from ? m->from : "");
    log_event(LOG_WARN, "message.bad_sender", "event=%lld msg=%lld from=%s", (long long)x->event_id,
              (long long)msg, log_q(m->from, strnlen(m->from ? m->from : "", 120)));
    return RB_OK;
}

static int process_message(struct wctx *x, const json_t *payload)
{
    struct wa_message m;
    char phone[24];
    int64_t contact = 0, staff = 0, msg = 0;
    int rc = inbound_message(payload, &m);

    if (rc) {
        log_event(LOG_WARN, "event.unusable", "event=%lld kind=message", (long long)x->event_id);
        return RB_OK; /* kept in inbound_events; nothing to act on */
    }
    phone_e164(m.from, phone);
    if (!phone[0] && !m.from_user_id) {
        return unknown_sender(x, &m);
    }
    /* the contact, whether staff, what waited for them released (any
     * message opens the writer's 24-hour window), and the message logged:
     * one round trip. A client's message that goes to a lead goes to the
     * open one when there is one. */
    struct message_in in = {x->venue_id,  0,          0,      x->event_id, NULL,
                            m.wamid,      m.type,     m.text, m.media_id,  m.media_mime,
                            m.context_id, m.timestamp};
    struct inbound_writer wr;
    struct lead_row lead;
    bool lead_read = false;
    in.open_lead = client_message_weight(&m) != CLIENT_NOTHING;
    domain_client_facts(x, &m, x->facts_date, &x->facts_guests);
    x->facts_read = true;
    in.event_date = x->facts_date;
    in.guests = x->facts_guests;
    lead_row_init(&lead);
    rc = store_contact_inbound(x->db, x->venue_id, phone[0] ? phone : NULL, m.from_user_id,
                               m.profile_name, m.timestamp ? m.timestamp : x->now_s, &in,
                               x->likely_new, &wr, &lead, &lead_read);
    if (rc) {
        lead_row_release(&lead);
        return rc;
    }
    contact = wr.contact_id;
    staff = wr.staff_id;
    msg = wr.message_id;
    x->contact_new = wr.created;
    in.party = staff ? "staff" : "client";
    if (wr.released) {
        x->released_last = wr.last;
        x->released_contact = contact;
        x->released_staff = staff;
        log_event(LOG_INFO, "outbox.released", "event=%lld contact=%lld rows=%d",
                  (long long)x->event_id, (long long)contact, wr.released);
    }
    if (!msg) {
        lead_row_release(&lead);
        return RB_OK; /* already logged and handled */
    }
    log_event(LOG_INFO, "message.received", "event=%lld msg=%lld party=%s type=%s from=%s",
              (long long)x->event_id, (long long)msg, in.party, log_q(m.type, (size_t)-1),
              log_phone(phone));
    /* a staff member's message reads what the batch's notices set */
    rc = staff ? worker_convo_flush(x) : RB_OK;
    x->inbound_lead = lead_read ? &lead : NULL;
    rc = rc      ? rc
         : staff ? domain_staff_message(x, &m, staff, msg)
                 : domain_client_message(x, &m, contact, msg);
    x->inbound_lead = NULL;
    lead_row_release(&lead);
    return rc;
}

static int process_event(struct wctx *x, const char *kind, const json_t *payload)
{
    struct wa_status st;

    if (strcmp(kind, "message") == 0) {
        return process_message(x, payload);
    }
    if (strcmp(kind, "status") != 0) {
        int rc = worker_convo_flush(x); /* what follows may read it */
        if (rc) {
            return rc;
        }
    }
    if (strcmp(kind, "status") == 0) {
        if (inbound_status(payload, &st)) {
            return RB_OK;
        }
        return sender_apply_status(x, &st);
    }
    if (strcmp(kind, "leadgen") == 0) {
        return domain_leadgen(x, payload);
    }
    if (strcmp(kind, "payment") == 0) {
        return money_invoicing_event(x, payload);
    }
    if (strcmp(kind, "error") == 0) {
        log_event(LOG_ERROR, "whatsapp.account_error", "event=%lld", (long long)x->event_id);
    }
    if (strcmp(kind, "other") == 0 && json_object_get(payload, "account_update")) {
        return domain_account_update(x, payload);
    }
    return RB_OK;
}

/* An error no retry can mend (input the store refuses, a malformed value)
 * against one that passes (the store or an upstream down, a race). */
static bool permanent(int rc)
{
    return rc == RB_EINVAL || rc == RB_EPARSE || rc == RB_ETOOBIG;
}

static void event_failed(struct worker *w, const struct event_claim *e, int rc)
{
    struct snapshot *s = app_snapshot_get(w->ws->app);
    int delay =
        (int)wa_backoff_ms(e->attempts + 1, s->config->event_retry_ms, 300000, (uint64_t)e->id);
    bool perm = permanent(rc);
    int give_up = perm || e->attempts + 1 >= EVENT_MAX_ATTEMPTS;
    char why[96];

    snprintf(why, sizeof(why), "%s%s", perm ? "permanent: " : "", rb_strerror(rc));
    db_rollback(w->db);
    APP_COUNT(w->ws->app, events_failed);
    log_event(give_up ? LOG_ERROR : LOG_WARN, "event.failed",
              "event=%lld attempt=%d error=%s class=%s retry_ms=%d", (long long)e->id,
              e->attempts + 1, rb_strerror(rc), perm ? "permanent" : "transient",
              give_up ? -1 : delay);
    if (store_event_retry(w->db, e->id, delay, why, give_up)) {
        /* store down: the row stays pending and is claimed again later */
    }
    app_snapshot_put(w->ws->app, s);
}

/* One event's work inside the caller's transaction, with the staff text
 * already parsed when pre is not NULL. When no retry can help (x.failed
 * set), what could be kept is kept and the event is marked failed in the
 * same transaction: *settled is then true and it is not "done". */
static int event_body(struct worker *w, const struct event_claim *e, struct preparsed *pre,
                      struct convo_defer *defer, bool *settled)
{
    struct wctx x;
    json_t *payload;
    int rc;

    *settled = false;
    ctx_begin(w, &x, e->venue_id);
    x.event_id = e->id;
    x.likely_new = e->priority == 0;
    x.pre = pre && pre->done ? pre : NULL;
    x.defer = defer;
    payload = json_loads(e->payload, 0, NULL);
    rc = payload ? process_event(&x, e->kind, payload) : RB_OK;
    if (!rc && x.failed[0]) {
        rc = store_event_retry(w->db, e->id, 0, x.failed, 1);
        log_event(LOG_ERROR, "event.failed", "event=%lld class=permanent reason=%s",
                  (long long)e->id, log_q(x.failed, (size_t)-1));
        *settled = rc == RB_OK;
    }
    ctx_end(&x);
    json_decref(payload);
    return rc;
}

/*
 * Whether the event is a text from an active staff member, not an answer to
 * a question the bot asked, that may be sent to Gemini: such a message is
 * parsed before its transaction opens (run_event). Replies to clients (#N,
 * a quoted relay) are not parsed. Reads in the claiming transaction.
 */
static int wants_preparse(struct wctx *x, const char *kind, const json_t *payload,
                          struct wa_message *m, bool *yes)
{
    const char *key = x->app->env.gemini_key;
    int64_t staff = 0;
    char phone[24];
    bool pending = true;
    int rc;

    *yes = false;
    if (!key || !key[0] || strcmp(kind, "message") != 0 || inbound_message(payload, m) ||
        !m->text || !m->text[0] || m->text[0] == '#' || m->context_id || strlen(m->text) > 4096) {
        return RB_OK;
    }
    phone_e164(m->from, phone);
    if (!phone[0]) {
        return RB_OK;
    }
    rc = store_staff_by_phone(x->db, x->venue_id, phone, &staff);
    if (rc == RB_ENOTFOUND) {
        return RB_OK;
    }
    rc = rc ? rc : domain_staff_pending(x, staff, &pending);
    *yes = !rc && !pending;
    return rc;
}

/*
 * For a staff text (wants_preparse): leases the claimed event, commits, and
 * parses with no transaction open (Gemini may take seconds); then opens a
 * new transaction and takes the event back. RB_ENOTFOUND when another
 * worker has it by then (the lease ran out).
 */
static int preparse(struct worker *w, struct wctx *x, const struct event_claim *e,
                    const struct wa_message *m, struct preparsed *pre)
{
    int lease = 4 * x->snap->config->gemini_timeout_ms + 10000;
    int rc = store_event_lease(w->db, e->id, lease);

    rc = rc ? rc : db_commit(w->db);
    if (rc) {
        return rc;
    }
    pre->text = rb_strdup(m->text);
    pre->rc =
        pre->text ? domain_staff_parse(x, pre->text, PARSER_AUTO, &pre->pr, &pre->t) : RB_ENOMEM;
    pre->done = true;
    x->pre = pre;
    rc = db_begin(w->db);
    if (!rc) {
        rc = store_event_retake(w->db, e->id);
    }
    return rc;
}

/* Whether claimed event e is a staff text to parse before its transaction
 * (wants_preparse): such events leave a batch and run alone (run_event_id). */
static bool event_wants_preparse(struct worker *w, const struct event_claim *e)
{
    struct wa_message m;
    struct wctx x;
    json_t *payload;
    bool yes = false;

    if (!w->ws->app->env.gemini_key || !w->ws->app->env.gemini_key[0]) {
        return false;
    }
    ctx_begin(w, &x, e->venue_id);
    payload = json_loads(e->payload, 0, NULL);
    if (payload && wants_preparse(&x, e->kind, payload, &m, &yes)) {
        yes = false;
    }
    ctx_end(&x);
    json_decref(payload);
    return yes;
}

/*
 * Event id alone in one transaction: the way back after a batch failed, so
 * that only the event at fault is retried, and the way of a staff text that
 * may go to Gemini: it is parsed first with no transaction open (preparse),
 * then handled in a transaction of its own. RB_ENOTFOUND when it is no
 * longer pending (another worker took it).
 */
static int run_event_id(struct worker *w, int64_t id)
{
    struct event_claim e = {0};
    struct preparsed pre;
    struct wa_message m;
    struct wctx x;
    json_t *payload = NULL;
    bool ask = false, settled = false;
    int rc = db_begin(w->db);

    if (rc) {
        return rc;
    }
    rc = store_event_claim_id(w->db, id, &e);
    if (rc) {
        db_rollback(w->db);
        return rc;
    }
    memset(&pre, 0, sizeof pre);
    parse_result_init(&pre.pr);
    parser_trace_init(&pre.t);
    ctx_begin(w, &x, e.venue_id);
    x.event_id = e.id;
    payload = json_loads(e.payload, 0, NULL);
    rc = payload ? wants_preparse(&x, e.kind, payload, &m, &ask) : RB_OK;
    if (!rc && ask) {
        rc = preparse(w, &x, &e, &m, &pre);
        if (rc == RB_ENOTFOUND) {
            db_rollback(w->db); /* another worker has it now */
            ctx_end(&x);
            rc = RB_OK;
            goto out;
        }
    }
    ctx_end(&x);
    rc = rc ? rc : event_body(w, &e, &pre, NULL, &settled);
    rc = rc || settled ? rc : store_events_done(w->db, &e.id, 1);
    rc = rc ? rc : db_commit(w->db);
    if (rc) {
        event_failed(w, &e, rc);
    } else {
        APP_COUNT(w->ws->app, events_processed);
    }
out:
    free(pre.text);
    parse_result_release(&pre.pr);
    parser_trace_release(&pre.t);
    json_decref(payload);
    event_claim_release(&e);
    return rc;
}

/*
 * Up to EVENT_BATCH due events in ONE transaction: one claim, one set-based
 * done, one commit (one WAL flush) for all of them, where one event per
 * transaction spent most of its time in BEGIN/claim/done/COMMIT round trips
 * and a commit's flush. New clients' first messages are claimed first, at
 * most one event per client (store_events_claim), and the salespeople's
 * current leads are appended last, in one statement (worker_convo_flush:
 * no row lock, so no batch waits for another on a salesperson). When any of them fails, the whole
 * batch rolls back and each is run again alone, so a failure is recorded against its own event
 * only. RB_ENOTFOUND when none is due.
 */
static int run_events(struct worker *w)
{
    struct event_claim e[EVENT_BATCH];
    int64_t ids[EVENT_BATCH];
    struct convo_defer defer;
    size_t n = 0, i;
    int rc = db_begin(w->db);

    defer.n = 0;
    rc = rc ? rc : store_events_claim(w->db, e, EVENT_BATCH, &n);
    if (rc) {
        db_rollback(w->db);
        return rc;
    }
    size_t ndone = 0, nlater = 0;
    int64_t later[EVENT_BATCH];
    for (i = 0; i < n && !rc; i++) {
        bool settled;
        if (event_wants_preparse(w, &e[i])) {
            later[nlater++] = e[i].id; /* parsed with no transaction open, below */
            continue;
        }
        rc = event_body(w, &e[i], NULL, &defer, &settled);
        if (!settled) {
            ids[ndone++] = e[i].id;
        }
    }
    if (!rc) {
        struct wctx x;
        ctx_begin(w, &x, 0);
        x.defer = &defer;
        rc = worker_convo_flush(&x);
        ctx_end(&x);
    }
    rc = rc ? rc : store_events_done(w->db, ids, ndone);
    rc = rc ? rc : db_commit(w->db);
    if (rc) {
        db_rollback(w->db);
        log_event(LOG_INFO, "event.batch_split", "events=%zu error=%s", n, rb_strerror(rc));
        for (i = 0; i < n; i++) {
            if (run_event_id(w, e[i].id) == RB_ESTORE && !ensure_db(w)) {
                break; /* store down: the rest stay pending */
            }
        }
    } else {
        APP_COUNT_N(w->ws->app, events_processed, n - nlater);
        for (i = 0; i < nlater; i++) {
            if (run_event_id(w, later[i]) == RB_ESTORE && !ensure_db(w)) {
                break; /* store down: the rest stay pending */
            }
        }
    }
    for (i = 0; i < n; i++) {
        event_claim_release(&e[i]);
    }
    return RB_OK;
}

static int run_job(struct worker *w)
{
    struct job_claim j;
    struct wctx x;
    json_t *payload;
    int rc = store_job_claim(w->db, &j);

    if (rc) {
        return rc;
    }
    /* A money job (the invoicing push and pull) makes its HTTP calls and its
     * own short transactions itself; any other job's call runs in
     * domain_job_outside with no transaction open, then domain_job in one.
     * The claim leased the row either way. */
    bool remote = money_job_remote(j.kind);
    ctx_begin(w, &x, j.venue_id);
    payload = json_loads(j.payload, 0, NULL);
    rc = remote ? RB_OK : domain_job_outside(&x, j.kind, payload);
    rc = rc || remote ? rc : db_begin(w->db);
    rc = rc ? rc : domain_job(&x, j.kind, payload);
    if (!rc && x.job_error[0]) {
        log_event(LOG_WARN, "job.failed_for_good", "job=%lld kind=%s reason=%s", (long long)j.id,
                  log_q(j.kind, (size_t)-1), log_q(x.job_error, (size_t)-1));
        rc = store_job_failed(w->db, j.id, x.job_error);
    } else if (!rc) {
        rc = store_job_done(w->db, j.id);
    }
    if (!rc && !remote) {
        rc = db_commit(w->db);
    }
    if (rc) {
        if (!remote) {
            db_rollback(w->db);
        }
        int64_t delay =
            wa_backoff_ms(j.attempts + 1, x.snap->config->job_retry_ms, 600000, (uint64_t)j.id);
        log_event(LOG_WARN, "job.failed", "job=%lld kind=%s attempt=%d error=%s", (long long)j.id,
                  log_q(j.kind, (size_t)-1), j.attempts + 1, rb_strerror(rc));
        if (store_job_retry(w->db, j.id, delay, rb_strerror(rc))) {
            /* store down: retried when its lease ends */
        }
    }
    if (x.outside_free) {
        x.outside_free(x.outside);
    }
    json_decref(payload);
    job_claim_release(&j);
    ctx_end(&x);
    return rc == RB_ENOTFOUND ? RB_EINTERNAL : rc;
}

static void maybe_tick(struct worker *w)
{
    struct workers *ws = w->ws;
    int64_t now = clock_mono_ms();
    struct wctx x;
    bool mine = false;
    int rc;

    pthread_mutex_lock(&ws->mu);
    if (now - ws->last_tick_ms < TICK_EVERY_MS) {
        pthread_mutex_unlock(&ws->mu);
        return;
    }
    ws->last_tick_ms = now;
    pthread_mutex_unlock(&ws->mu);
    rc = db_begin(w->db);
    rc = rc ? rc : store_tick_lock(w->db, &mine);
    if (!rc && mine) {
        ctx_begin(w, &x, 0);
        x.now_s += clock_test_offset_s(x.app->env.sandbox); /* tests only */
        rc = domain_tick(&x);
        rc = rc ? rc : db_commit(w->db);
        ctx_end(&x);
        if (rc) {
            log_event(LOG_WARN, "tick.failed", "error=%s", rb_strerror(rc));
        }
    }
    db_rollback(w->db);
}

static bool ensure_db(struct worker *w)
{
    if (db_ok(w->db)) {
        return true;
    }
    if (!w->db) {
        return db_connect(w->ws->app->conninfo, &w->db, NULL) == RB_OK;
    }
    return db_reconnect(w->db) == RB_OK;
}

static void wait_for_work(struct workers *ws, unsigned long seen, int ms)
{
    struct timespec dl;

    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += ms / 1000;
    dl.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&ws->mu);
    while (ws->generation == seen && !ws->app->stopping) {
        if (pthread_cond_timedwait(&ws->wake, &ws->mu, &dl)) {
            break;
        }
    }
    pthread_mutex_unlock(&ws->mu);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct workers *ws = w->ws;
    struct wctx x;

    while (!ws->app->stopping) {
        unsigned long seen = __atomic_load_n(&ws->generation, __ATOMIC_ACQUIRE);
        int did = 0;
        if (!ensure_db(w)) {
            wait_for_work(ws, seen, 1000);
            continue;
        }
        int throttled_ms = 0, src;
        did += run_events(w) != RB_ENOTFOUND;
        ctx_begin(w, &x, 0);
        http_client_set_timeouts(w->http, x.snap->config->connect_timeout_ms,
                                 x.snap->config->send_timeout_ms);
        src = sender_run_one(&x, ws->rl, &throttled_ms);
        did += src != RB_ENOTFOUND && src != RB_ERATELIMIT;
        ctx_end(&x);
        did += run_job(w) != RB_ENOTFOUND;
        maybe_tick(w);
        if (!did) {
            struct snapshot *s = app_snapshot_get(ws->app);
            int poll_ms = s->config->poll_ms;
            app_snapshot_put(ws->app, s);
            /* sends are waiting for the rate: come back when a token is due */
            wait_for_work(ws, seen,
                          src == RB_ERATELIMIT && throttled_ms < poll_ms ? throttled_ms : poll_ms);
        }
    }
    db_disconnect(w->db);
    http_client_free(w->http);
    free(w);
    return NULL;
}

static void wake_all(struct workers *ws)
{
    pthread_mutex_lock(&ws->mu);
    ws->generation++;
    pthread_cond_broadcast(&ws->wake);
    pthread_mutex_unlock(&ws->mu);
}

/* Wakes as many sleeping workers as there are new units of work (a busy
 * worker loops until it finds none, so it needs no wake-up); waking all of
 * them for every batch made the idle ones run empty claims by the dozen. */
static void wake_some(struct workers *ws, long units)
{
    pthread_mutex_lock(&ws->mu);
    ws->generation++;
    if (units >= ws->n) {
        pthread_cond_broadcast(&ws->wake);
    } else {
        for (long i = 0; i < units; i++) {
            pthread_cond_signal(&ws->wake);
        }
    }
    pthread_mutex_unlock(&ws->mu);
}

/* LISTEN for new events, sends and jobs; wakes the workers. */
static void *listener_main(void *arg)
{
    struct workers *ws = arg;
    struct dbconn *c = NULL;
    int64_t stats_at = 0;

    while (!ws->app->stopping) {
        if (db_ok(c) && clock_mono_ms() >= stats_at) {
            int n = 0;
            /* the busy tables' statistics while they grow (see store/health.h) */
            if (store_refresh_stats(c, &n) == RB_OK && n) {
                log_event(LOG_DEBUG, "db.analyzed", "tables=%d", n);
            }
            stats_at = clock_mono_ms() + STATS_EVERY_MS;
        }
        if (!db_ok(c)) {
            if ((c ? db_reconnect(c) : db_connect(ws->app->conninfo, &c, NULL)) ||
                store_listen_work(c)) {
                struct timespec ts = {0, 500 * 1000000L};
                nanosleep(&ts, NULL);
                continue;
            }
            wake_all(ws); /* anything missed while disconnected */
        }
        struct pollfd pfd = {PQsocket(db_pg(c)), POLLIN, 0};
        if (poll(&pfd, 1, 250) > 0) {
            PGnotify *n;
            long units = 0;
            PQconsumeInput(db_pg(c));
            while ((n = PQnotifies(db_pg(c))) != NULL) {
                long k = n->extra && n->extra[0] ? strtol(n->extra, NULL, 10) : 1;
                units += k > 0 && k < 1000000 ? k : 1;
                PQfreemem(n);
            }
            if (units) {
                wake_some(ws, units);
            }
        }
    }
    db_disconnect(c);
    return NULL;
}

/*
 * The first tick comes FIRST_TICK_MS after start. RABTA_FIRST_TICK_MS (tests
 * only: honoured like RABTA_CLOCK_OFFSET_S, by the test build and in the
 * sandbox) sets another delay, 0 for at once: the tick step of
 * tests/fixtures/conversations/converse.sh restarts serve to move its clock
 * and then waits for that tick.
 */
#define FIRST_TICK_MS 2000
static int64_t first_tick_ms(bool allowed)
{
    const char *v = getenv("RABTA_FIRST_TICK_MS");
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : -1;

#ifdef RB_DEBUG
    allowed = true;
#endif
    return allowed && v && v[0] && end && !*end && n >= 0 && n <= FIRST_TICK_MS ? n : FIRST_TICK_MS;
}

int workers_start(struct app *app, int n, struct workers **out)
{
    struct workers *ws = calloc(1, sizeof(*ws));
    struct snapshot *s = app_snapshot_get(app);
    int rc = RB_OK;

    if (!ws) {
        app_snapshot_put(app, s);
        return RB_ENOMEM;
    }
    ws->app = app;
    ws->n = n;
    ws->threads = calloc((size_t)n, sizeof(*ws->threads));
    pthread_mutex_init(&ws->mu, NULL);
    pthread_cond_init(&ws->wake, NULL);
    ws->last_tick_ms = clock_mono_ms() - TICK_EVERY_MS + first_tick_ms(app->env.sandbox);
    rc = ws->threads ? ratelimit_new(s->config->rate_per_second, &ws->rl) : RB_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        struct worker *w = calloc(1, sizeof(*w));
        rc =
            w ? http_client_new(s->config->connect_timeout_ms, s->config->send_timeout_ms, &w->http)
              : RB_ENOMEM;
        if (!rc) {
            w->ws = ws;
            w->index = i;
            rc = pthread_create(&ws->threads[i], NULL, worker_main, w) ? RB_EINTERNAL : RB_OK;
        }
        if (rc && w) {
            http_client_free(w->http);
            free(w);
        }
        if (rc) {
            ws->n = i;
        }
    }
    if (!rc) {
        rc = pthread_create(&ws->listener, NULL, listener_main, ws) ? RB_EINTERNAL : RB_OK;
    }
    app_snapshot_put(app, s);
    if (rc) {
        app->stopping = 1;
        workers_stop(ws);
        return rc;
    }
    *out = ws;
    return RB_OK;
}

void workers_stop(struct workers *ws)
{
    if (!ws) {
        return;
    }
    ws->app->stopping = 1;
    wake_all(ws);
    for (int i = 0; i < ws->n; i++) {
        pthread_join(ws->threads[i], NULL);
    }
    if (ws->listener) {
        pthread_join(ws->listener, NULL);
    }
    ratelimit_free(ws->rl);
    pthread_mutex_destroy(&ws->mu);
    pthread_cond_destroy(&ws->wake);
    free(ws->threads);
    free(ws);
}
