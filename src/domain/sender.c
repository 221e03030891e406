/*
 * sender.c - posts outbox rows to WhatsApp and applies delivery statuses.
 *
 * One row per call, in three steps: (1) a transaction claims the most
 * urgent due row (FOR UPDATE SKIP LOCKED), decides text or template by the
 * recipient's 24-hour window, and commits the row as 'sending' with a lease
 * (next_attempt_at = now + send timeout + 60 s); (2) the HTTP call runs with
 * no transaction open; (3) a transaction of its own records the outcome,
 * retried while the store is down. Nothing is ever dropped. A process that
 * dies between (2) and (3) leaves the row 'sending': when its lease ends it
 * is claimed and sent again, unless a status naming it (the send's
 * biz_opaque_callback_data) arrived first and recorded it as sent
 * (sender_apply_status) - the one window in which a message goes twice.
 * The SQL is store/outbox.c's; the rate limiter domain/ratelimit.c's.
 */
#include "domain/sender.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/templates.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "egress/http_client.h"
#include "egress/whatsapp.h"
#include "store/outbox.h"

/* A status whose biz_opaque_callback_data names a row still 'sending' (its
 * process died after the send, before recording it): the send went out, so
 * the row is recorded as sent now and its lease never resends it. */
#define OPAQUE_PREFIX "rabta-outbox:"

struct row {
    struct outbox_send o;
    int64_t id;
    int attempts;
    bool in_window, template_now;
};

/* The JSON body to post for this row (new reference); a template's
 * parameters in the order its declaration gives (why says what is wrong). */
static int build(const struct config *cfg, const struct row *w, json_t **msg, struct buf *why)
{
    struct wa_recipient to = {w->o.phone, w->o.bsuid};
    json_t *params = NULL, *named = NULL;
    const char **pv = NULL, *lang = NULL;
    size_t n = 0;
    int rc;

    if (!w->template_now) {
        if (w->o.context_wamid) {
            return wa_build_reply(&to, w->o.context_wamid, w->o.body, msg);
        }
        return wa_build_text(&to, w->o.body, false, msg);
    }
    named = w->o.template_params ? json_loads(w->o.template_params, 0, NULL) : NULL;
    if (!named && w->o.body) {
        named = json_pack("[s]", w->o.body);
    }
    rc = templates_order(cfg, w->o.template_name, named, &params, &lang, why);
    json_decref(named);
    if (rc) {
        return rc;
    }
    n = json_array_size(params);
    pv = calloc(n ? n : 1, sizeof(*pv));
    for (size_t i = 0; pv && i < n; i++) {
        pv[i] = json_string_value(json_array_get(params, i));
        pv[i] = pv[i] ? pv[i] : "";
    }
    lang = lang ? lang : w->o.template_lang ? w->o.template_lang : "ur";
    rc = pv ? wa_build_template(&to, w->o.template_name, lang, pv, n, msg) : RB_ENOMEM;
    free(pv);
    json_decref(params);
    return rc;
}

static int record_sent(struct wctx *x, const struct row *w, const struct wa_result *res)
{
    const char *kind = w->template_now ? "template" : "text";
    int rc = store_outbox_sent(x->db, w->id, res->wamid, kind, w->template_now, w->o.body);

    APP_COUNT(x->app, outbox_sent);
    log_event(LOG_INFO, "outbox.sent", "outbox=%lld lead=%lld kind=%s purpose=%s to=%s ms=%lld",
              (long long)w->id, (long long)w->o.lead_id, kind, log_q(w->o.purpose, (size_t)-1),
              log_phone(w->o.phone), (long long)res->total_ms);
    return rc;
}

static int record_retry(struct wctx *x, const struct row *w, const struct wa_result *res,
                        int64_t delay, int count_attempt)
{
    APP_COUNT(x->app, outbox_retried);
    log_event(LOG_WARN, "outbox.retry",
              "outbox=%lld code=%lld http=%ld class=%s attempt=%d ms=%lld", (long long)w->id,
              res->code, res->http_status, wa_class_name(res->cls), w->attempts + 1,
              (long long)delay);
    return store_outbox_retry(x->db, w->id, delay, res->code, count_attempt,
                              res->title ? res->title : http_transport_name(res->transport));
}

static int record_failed(struct wctx *x, const struct row *w, const struct wa_result *res,
                         bool fell_back)
{
    int rc = store_outbox_failed(x->db, w->id, res->code, res->title, "failed", fell_back,
                                 res->code == 131026);

    APP_COUNT(x->app, outbox_failed);
    log_event(LOG_WARN, "outbox.failed", "outbox=%lld lead=%lld code=%lld title=%s",
              (long long)w->id, (long long)w->o.lead_id, res->code, log_q(res->title, (size_t)-1));
    return rc;
}

/* 131047 on free text: fail this row and queue its template once. */
static int fall_back(struct wctx *x, const struct row *w, const struct wa_result *res)
{
    int64_t fb = 0;
    int rc;

    if (w->template_now || !w->o.template_name) {
        return record_failed(x, w, res, false);
    }
    rc = record_failed(x, w, res, true);
    if (!rc) {
        rc = store_outbox_fallback(x->db, w->id, &fb);
    }
    if (!rc) {
        APP_COUNT(x->app, outbox_fallbacks);
        log_event(LOG_INFO, "outbox.template_fallback", "outbox=%lld new=%lld", (long long)w->id,
                  (long long)fb);
    }
    return rc;
}

static int record(struct wctx *x, const struct row *w, const struct wa_result *res)
{
    const struct config *cfg = x->snap->config;
    uint64_t seed = (uint64_t)w->id * 2654435761u ^ (uint64_t)w->attempts;

    switch (res->cls) {
    case WA_OK:
        return record_sent(x, w, res);
    case WA_TEMPLATE_FALLBACK:
        return fall_back(x, w, res);
    case WA_PERMANENT:
        return record_failed(x, w, res, false);
    case WA_STOP_ALERT:
        log_event(LOG_ERROR, "outbox.alert", "outbox=%lld code=%lld title=%s", (long long)w->id,
                  res->code, log_q(res->title, (size_t)-1));
        return record_retry(x, w, res, 60000, 0);
    case WA_PAIR_LIMIT: {
        int64_t d = wa_backoff_ms(w->attempts + 1,
                                  cfg->pair_min_interval_ms ? cfg->pair_min_interval_ms : 6000,
                                  600000, seed);
        int rc = record_retry(x, w, res, d, 1);
        APP_COUNT(x->app, outbox_pair_limited);
        return rc ? rc : store_outbox_defer_pair(x->db, w->o.phone, d, w->id);
    }
    case WA_RETRY:
    default:
        if (w->attempts + 1 >= cfg->max_attempts) {
            return record_failed(x, w, res, false);
        }
        return record_retry(x, w, res, wa_backoff_ms(w->attempts + 1, 1000, 300000, seed), 1);
    }
}

/* How long a claimed send may stay 'sending' before another worker takes it
 * again (its process died between the send and recording it). */
static int64_t lease_ms(const struct config *cfg)
{
    return (int64_t)cfg->send_timeout_ms + 60000;
}

/*
 * Records res for the row in a transaction of its own. The send has
 * happened: while the store is down this keeps trying (reconnecting with
 * backoff) rather than leave the row to be sent again; only when serve is
 * stopping does it give up, and the row's lease then makes it due again.
 */
static int record_result(struct wctx *x, const struct row *w, const struct wa_result *res)
{
    int delay_ms = 100;

    for (;;) {
        int rc = db_ok(x->db) ? RB_OK : db_reconnect(x->db);
        rc = rc ? rc : db_begin(x->db);
        rc = rc ? rc : record(x, w, res);
        rc = rc ? rc : db_commit(x->db);
        if (!rc) {
            return RB_OK;
        }
        db_rollback(x->db);
        if (rc != RB_ESTORE || x->app->stopping) {
            log_event(LOG_ERROR, "outbox.unrecorded", "outbox=%lld error=%s", (long long)w->id,
                      rb_strerror(rc));
            return rc;
        }
        log_event(LOG_WARN, "outbox.record_retry", "outbox=%lld in_ms=%d", (long long)w->id,
                  delay_ms);
        struct timespec ts = {delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        delay_ms = delay_ms < 5000 ? delay_ms * 2 : 5000;
    }
}

/* ---- a closed 24-hour window: what a person wrote waits ---- */

/* Texts to staff, and a salesperson's reply to a client, wait for the
 * recipient's next message rather than be replaced by a template (which
 * would carry none of their words); automated texts to clients still go as
 * their template. */
/* A text a person should read whole waits for their window (staff notices, a
 * salesperson's reply); the weekly digest does not: it is a summary that
 * reads whole as its one-line template. */
static bool holdable(const struct row *w)
{
    const char *purpose = w->o.purpose;

    if (purpose && strcmp(purpose, "digest") == 0) {
        return false;
    }
    return strcmp(w->o.kind, "text") == 0 &&
           (w->o.staff_id != 0 || (purpose && strcmp(purpose, "reply") == 0));
}

/* The staff template's one line: how many messages wait, about which leads. */
static int waiting_line(struct wctx *x, const struct row *w, struct buf *out)
{
    struct staff_info s;
    json_t *vars = NULL;
    int64_t count = 0;
    char *leads = NULL;
    int rc = store_outbox_held_leads(x->db, x->venue_id, w->o.phone, w->o.bsuid, &count, &leads);

    staff_info_init(&s);
    rc = rc ? rc : staff_load(x, w->o.staff_id, &s);
    if (!rc) {
        vars = json_pack("{s:I, s:s}", "count", (json_int_t)count, "leads", leads);
        rc = vars ? RB_OK : RB_ENOMEM;
    }
    if (!rc) {
        rc = render(x, staff_lang(&s), leads[0] ? "waiting_staff_leads" : "waiting_staff", vars,
                    out);
    }
    json_decref(vars);
    staff_info_release(&s);
    free(leads);
    return rc;
}

/* Queues the template that tells the recipient something waits for them. */
static int waiting_notice(struct wctx *x, const struct row *w)
{
    bool staff = w->o.staff_id != 0;
    char line[900];
    struct outbox_msg m;
    struct buf body;
    json_t *params = NULL;
    int64_t id = 0;
    int rc = RB_OK;

    buf_init(&body, 1024);
    memset(&m, 0, sizeof(m));
    m.venue_id = x->venue_id;
    m.contact_id = w->o.contact_id;
    m.phone = w->o.phone;
    m.bsuid = w->o.bsuid;
    m.lead_id = w->o.lead_id;
    m.staff_id = w->o.staff_id;
    m.kind = "template";
    m.template_name = w->o.template_name;
    m.template_lang = w->o.template_lang;
    m.purpose = "waiting";
    if (staff) {
        rc = waiting_line(x, w, &body);
        flatten_line(body.p, line, sizeof(line));
        params = rc ? NULL : json_pack("[s]", line);
        rc = rc ? rc : (params ? RB_OK : RB_ENOMEM);
        m.body = line;
    } else {
        params = w->o.template_params ? json_loads(w->o.template_params, 0, NULL) : NULL;
        m.body = w->o.template_name;
    }
    m.template_params = params;
    rc = rc ? rc : store_outbox_add(x->db, &m, &id);
    json_decref(params);
    buf_release(&body);
    return rc;
}

/* The recipient's window is closed: this row and every other text waiting
 * for them are held (nothing is sent, nothing recorded as sent) until they
 * write; a template tells them so, at most once an hour. */
static int hold(struct wctx *x, const struct row *w)
{
    bool recent = false;
    int held = 0;
    int rc = store_outbox_hold(x->db, x->venue_id, w->id, w->o.phone, w->o.bsuid, &held, &recent);

    if (!rc && !recent && w->o.template_name) {
        rc = waiting_notice(x, w);
    }
    if (!rc) {
        log_event(LOG_INFO, "outbox.held", "outbox=%lld lead=%lld held=%d notice=%s to=%s",
                  (long long)w->id, (long long)w->o.lead_id, held,
                  recent               ? "recent"
                  : w->o.template_name ? "queued"
                                       : "no_template",
                  log_phone(w->o.phone));
    }
    return rc;
}

/* Sends the claimed row (its 'sending' state committed) and records how it went. */
static int deliver(struct wctx *x, struct row *w, const json_t *msg)
{
    struct app *app = x->app;
    const char *pnid =
        app->env.phone_number_id ? app->env.phone_number_id : x->snap->config->phone_number_id;
    struct wa_conf conf = {app->env.graph_base, app->env.graph_version, pnid,
                           app->env.wa_token ? app->env.wa_token : "sandbox"};
    struct wa_result res;
    int rc;

    wa_result_init(&res);
    rc = wa_send(x->http, &conf, msg, &res);
    if (rc && rc != RB_EINVAL) {
        /* nothing went out (no memory, say): try again shortly */
        res.cls = WA_RETRY;
    }
    rc = record_result(x, w, &res);
    wa_result_release(&res);
    return rc;
}

int sender_run_one(struct wctx *x, struct ratelimit *rl, int *wait_ms)
{
    struct row w;
    json_t *msg = NULL;
    bool sending = false;
    struct buf why;
    int rc;

    memset(&w, 0, sizeof(w));
    buf_init(&why, 512);
    /* The token first: a worker never waits for one with a row claimed
     * (a transaction open), and never waits at all: it turns to events. */
    ratelimit_set_rate(rl, x->snap->config->rate_per_second); /* the current snapshot's */
    *wait_ms = ratelimit_try(rl);
    if (*wait_ms > 0) {
        return RB_ERATELIMIT;
    }
    rc = db_begin(x->db);
    rc = rc ? rc : store_outbox_claim_send(x->db, x->snap->config->window_hours, &w.o);
    if (rc) {
        goto out;
    }
    w.id = w.o.id;
    w.attempts = w.o.attempts;
    w.in_window = w.o.in_window;
    w.template_now =
        strcmp(w.o.kind, "template") == 0 || (!w.in_window && w.o.template_name != NULL);
    if (w.o.automated && w.o.opted_out) {
        log_event(LOG_INFO, "outbox.held", "outbox=%lld reason=opted_out", (long long)w.id);
        rc = store_outbox_failed(x->db, w.id, 0, "opted out", "cancelled", false, false);
    } else if (!w.in_window && holdable(&w)) {
        rc = hold(x, &w);
    } else if ((rc = build(x->snap->config, &w, &msg, &why)) != RB_OK) {
        struct wa_result res;
        wa_result_init(&res);
        res.cls = WA_PERMANENT;
        res.title = rb_strdup(why.len ? why.p : rb_strerror(rc));
        rc = record_failed(x, &w, &res, false);
        wa_result_release(&res);
    } else {
        char opaque[48];
        snprintf(opaque, sizeof(opaque), OPAQUE_PREFIX "%lld", (long long)w.id);
        rc = json_object_set_new(msg, "biz_opaque_callback_data", json_string(opaque)) ? RB_ENOMEM
                                                                                       : RB_OK;
        rc = rc ? rc : store_outbox_sending(x->db, w.id, lease_ms(x->snap->config));
        sending = rc == RB_OK;
    }
    if (!rc) {
        rc = db_commit(x->db);
    }
    if (!rc && sending) {
        rc = deliver(x, &w, msg);
    } else {
        sending = false;
    }
out:
    if (!sending) {
        ratelimit_give_back(rl);
    }
    buf_release(&why);
    json_decref(msg);
    outbox_send_release(&w.o);
    db_rollback(x->db);
    return rc;
}

/* The outbox row a biz_opaque_callback_data names, 0 when it names none. */
static int64_t opaque_row(const char *opaque)
{
    const char *d;
    size_t n;

    if (!opaque || strncmp(opaque, OPAQUE_PREFIX, strlen(OPAQUE_PREFIX)) != 0) {
        return 0;
    }
    d = opaque + strlen(OPAQUE_PREFIX);
    n = strspn(d, "0123456789");
    return n > 0 && n <= 18 && d[n] == '\0' ? strtoll(d, NULL, 10) : 0;
}

int sender_apply_status(struct wctx *x, const struct wa_status *s)
{
    int rank = inbound_status_rank(s->status);
    int64_t row = opaque_row(s->biz_opaque), fb = 0;
    bool recovered = false;
    int rc = RB_OK;

    if (rank == 0) {
        return RB_OK; /* a status we do not track (e.g. deleted) */
    }
    if (row) {
        rc = store_outbox_recover_sent(x->db, x->venue_id, row, s->wamid, &recovered);
        if (!rc && recovered) {
            log_event(LOG_WARN, "outbox.recovered", "outbox=%lld wamid=%s status=%s",
                      (long long)row, log_q(s->wamid, (size_t)-1), log_q(s->status, (size_t)-1));
        }
        if (rc) {
            return rc;
        }
    }
    rc = store_message_status(x->db, x->venue_id, s->wamid, s->status,
                              s->timestamp ? s->timestamp : x->now_s, s->error_code, s->error_title,
                              rank);
    if (rc || s->error_code != 131047) {
        return rc;
    }
    /* Accepted, then refused as outside the window: the template goes out once. */
    rc = store_outbox_fell_back(x->db, x->venue_id, s->wamid, s->error_title, &fb);
    if (!rc && fb) {
        APP_COUNT(x->app, outbox_fallbacks);
        log_event(LOG_INFO, "outbox.template_fallback", "outbox=%lld via=status", (long long)fb);
    }
    return rc;
}
