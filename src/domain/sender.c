/*
 * sender.c - posts outbox rows to WhatsApp and applies delivery statuses.
 *
 * One row per call, in its own transaction: claim (FOR UPDATE SKIP LOCKED),
 * decide text or template by the recipient's 24-hour window, send, record
 * the outcome on the row, commit. A crash between send and commit leaves the
 * row pending, so a send is at-least-once; nothing is ever dropped.
 */
#include "domain/sender.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/templates.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "egress/http_client.h"
#include "egress/whatsapp.h"
#include "store/db.h"
#include "store/outbox.h"

struct ratelimit {
    pthread_mutex_t mu;
    double tokens, rate;
    int64_t last_ms;
};

int ratelimit_new(int per_second, struct ratelimit **out)
{
    struct ratelimit *r = calloc(1, sizeof(*r));

    if (!r) {
        return RB_ENOMEM;
    }
    pthread_mutex_init(&r->mu, NULL);
    r->rate = per_second > 0 ? per_second : 80;
    r->tokens = r->rate;
    r->last_ms = clock_mono_ms();
    *out = r;
    return RB_OK;
}

void ratelimit_free(struct ratelimit *r)
{
    if (r) {
        pthread_mutex_destroy(&r->mu);
        free(r);
    }
}

/* Adds the tokens earned since the last look; r->mu held. */
static void refill(struct ratelimit *r, int64_t now)
{
    r->tokens += (double)(now - r->last_ms) * r->rate / 1000.0;
    if (r->tokens > r->rate) {
        r->tokens = r->rate;
    }
    r->last_ms = now;
}

void ratelimit_set_rate(struct ratelimit *r, int per_second)
{
    pthread_mutex_lock(&r->mu);
    if (per_second > 0 && (double)per_second != r->rate) {
        refill(r, clock_mono_ms());
        r->rate = per_second;
        if (r->tokens > r->rate) {
            r->tokens = r->rate;
        }
    }
    pthread_mutex_unlock(&r->mu);
}

int ratelimit_try(struct ratelimit *r)
{
    int wait_ms = 0;

    pthread_mutex_lock(&r->mu);
    refill(r, clock_mono_ms());
    if (r->tokens >= 1.0) {
        r->tokens -= 1.0;
    } else {
        wait_ms = (int)((1.0 - r->tokens) * 1000.0 / r->rate) + 1;
    }
    pthread_mutex_unlock(&r->mu);
    return wait_ms;
}

void ratelimit_give_back(struct ratelimit *r)
{
    pthread_mutex_lock(&r->mu);
    r->tokens += 1.0;
    if (r->tokens > r->rate) {
        r->tokens = r->rate;
    }
    pthread_mutex_unlock(&r->mu);
}

static const char sql_claim[] =
    "SELECT o.id, o.kind, o.recipient_phone, o.recipient_bsuid, o.body, o.context_wamid,"
    " o.template_name, o.template_lang, o.template_params::text, o.automated, o.attempts,"
    " COALESCE(o.contact_id, 0), COALESCE(o.staff_id, 0), COALESCE(o.lead_id, 0),"
    " (SELECT max(c.last_inbound_at) FROM contacts c WHERE c.venue_id = o.venue_id AND"
    "   (c.id = o.contact_id OR c.phone = o.recipient_phone OR c.bsuid = o.recipient_bsuid))"
    "   > now() - ($1::int * interval '1 hour') AS in_window,"
    " EXISTS (SELECT 1 FROM opt_outs x JOIN contacts c ON c.id = x.contact_id"
    "   WHERE x.venue_id = o.venue_id AND (c.id = o.contact_id OR c.phone = o.recipient_phone))"
    "   AS opted_out, o.purpose, o.venue_id"
    " FROM outbox o WHERE o.state IN ('pending', 'sending') AND o.next_attempt_at <= now()"
    " AND (o.after_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox a WHERE a.id = o.after_id"
    "   AND a.state IN ('pending', 'sending', 'held')))"
    " ORDER BY o.priority DESC, o.next_attempt_at, o.id LIMIT 1 FOR UPDATE OF o SKIP LOCKED";

enum {
    C_ID,
    C_KIND,
    C_PHONE,
    C_BSUID,
    C_BODY,
    C_CTX,
    C_TNAME,
    C_TLANG,
    C_TPARAMS,
    C_AUTO,
    C_ATTEMPTS,
    C_CONTACT,
    C_STAFF,
    C_LEAD,
    C_WINDOW,
    C_OPTOUT,
    C_PURPOSE,
    C_VENUE
};

static const char sql_sent[] =
    "UPDATE outbox SET state = 'sent', wamid = $2, sent_at = now(), attempts = attempts + 1,"
    " kind = $3, fell_back = fell_back OR $4::bool WHERE id = $1";
static const char sql_log_out[] =
    "INSERT INTO messages (venue_id, lead_id, contact_id, staff_id, direction, party, wamid,"
    " type, body, context_wamid, status, status_at, outbox_id)"
    " SELECT venue_id, lead_id, contact_id, staff_id, 'out',"
    " CASE WHEN staff_id IS NULL THEN 'client' ELSE 'staff' END, $2, $3, $4, context_wamid,"
    " 'queued', now(), id FROM outbox WHERE id = $1 ON CONFLICT DO NOTHING";
/* A status whose biz_opaque_callback_data names a row still 'sending' (its
 * process died after the send, before recording it): the send went out, so
 * the row is recorded as sent now and its lease never resends it. */
#define OPAQUE_PREFIX "rabta-outbox:"
static const char sql_recover_sent[] =
    "WITH o AS (UPDATE outbox SET state = 'sent', wamid = $2, sent_at = now(),"
    "   attempts = attempts + 1 WHERE id = $1 AND venue_id = $3 AND state = 'sending'"
    "   RETURNING id, venue_id, lead_id, contact_id, staff_id, kind, body, context_wamid)"
    " INSERT INTO messages (venue_id, lead_id, contact_id, staff_id, direction, party, wamid,"
    " type, body, context_wamid, status, status_at, outbox_id)"
    " SELECT venue_id, lead_id, contact_id, staff_id, 'out',"
    " CASE WHEN staff_id IS NULL THEN 'client' ELSE 'staff' END, $2, kind, body, context_wamid,"
    " 'queued', now(), id FROM o ON CONFLICT DO NOTHING RETURNING outbox_id";
static const char sql_sending[] =
    "UPDATE outbox SET state = 'sending',"
    " next_attempt_at = now() + ($2::int * interval '1 millisecond') WHERE id = $1";
static const char sql_retry[] =
    "UPDATE outbox SET state = 'pending', attempts = attempts + $4::int, error_code = $3::int,"
    " error_title = $5,"
    " next_attempt_at = now() + ($2::int * interval '1 millisecond') WHERE id = $1";
static const char sql_defer_pair[] =
    "UPDATE outbox SET next_attempt_at = GREATEST(next_attempt_at,"
    " now() + ($2::int * interval '1 millisecond')) WHERE state = 'pending'"
    " AND recipient_phone IS NOT DISTINCT FROM $1 AND id <> $3";
static const char sql_failed[] =
    "UPDATE outbox SET state = $4, attempts = attempts + 1, error_code = $2::int,"
    " error_title = $3, fell_back = fell_back OR $5::bool WHERE id = $1";
static const char sql_unreachable[] =
    "UPDATE contacts SET unreachable = true WHERE id = (SELECT contact_id FROM outbox"
    " WHERE id = $1)";
static const char sql_fallback_row[] =
    "INSERT INTO outbox (venue_id, contact_id, recipient_phone, recipient_bsuid, lead_id,"
    " staff_id, kind, template_name, template_lang, template_params, automated, purpose,"
    " fell_back)"
    " SELECT venue_id, contact_id, recipient_phone, recipient_bsuid, lead_id, staff_id,"
    " 'template', template_name, template_lang,"
    " COALESCE(template_params, jsonb_build_array(left(body, 900))), automated, purpose, true"
    " FROM outbox WHERE id = $1 AND template_name IS NOT NULL RETURNING id";

struct row {
    PGresult *r;
    int64_t id;
    int attempts;
    bool in_window, template_now;
};

static const char *col(const struct row *w, int c)
{
    return db_str(w->r, 0, c);
}

/* The JSON body to post for this row (new reference); a template's
 * parameters in the order its declaration gives (why says what is wrong). */
static int build(const struct config *cfg, const struct row *w, json_t **msg, struct buf *why)
{
    struct wa_recipient to = {col(w, C_PHONE), col(w, C_BSUID)};
    json_t *params = NULL, *named = NULL;
    const char **pv = NULL, *lang = NULL;
    size_t n = 0;
    int rc;

    if (!w->template_now) {
        if (col(w, C_CTX)) {
            return wa_build_reply(&to, col(w, C_CTX), col(w, C_BODY), msg);
        }
        return wa_build_text(&to, col(w, C_BODY), false, msg);
    }
    named = col(w, C_TPARAMS) ? json_loads(col(w, C_TPARAMS), 0, NULL) : NULL;
    if (!named && col(w, C_BODY)) {
        named = json_pack("[s]", col(w, C_BODY));
    }
    rc = templates_order(cfg, col(w, C_TNAME), named, &params, &lang, why);
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
    lang = lang ? lang : col(w, C_TLANG) ? col(w, C_TLANG) : "ur";
    rc = pv ? wa_build_template(&to, col(w, C_TNAME), lang, pv, n, msg) : RB_ENOMEM;
    free(pv);
    json_decref(params);
    return rc;
}

static int record_sent(struct wctx *x, const struct row *w, const struct wa_result *res)
{
    char ids[24];
    const char *kind = w->template_now ? "template" : "text";
    const char *p[4] = {db_i64s(w->id, ids), res->wamid, kind, w->template_now ? "t" : "f"};
    const char *q[4] = {ids, res->wamid, kind, col(w, C_BODY)};
    int rc = db_exec(x->db, sql_sent, 4, p, NULL);

    if (!rc && res->wamid) {
        rc = db_exec(x->db, sql_log_out, 4, q, NULL);
    }
    APP_COUNT(x->app, outbox_sent);
    log_event(LOG_INFO, "outbox.sent", "outbox=%lld lead=%lld kind=%s purpose=%s to=%s ms=%lld",
              (long long)w->id, (long long)db_i64(w->r, 0, C_LEAD), kind,
              log_q(col(w, C_PURPOSE), (size_t)-1), log_phone(col(w, C_PHONE)),
              (long long)res->total_ms);
    return rc;
}

static int record_retry(struct wctx *x, const struct row *w, const struct wa_result *res,
                        int64_t delay, int count_attempt)
{
    char ids[24], ds[24], cs[24], as[24];
    const char *p[5] = {db_i64s(w->id, ids), db_i64s(delay, ds),
                        res->code > 0 ? db_i64s(res->code, cs) : NULL, db_i64s(count_attempt, as),
                        res->title ? res->title : http_transport_name(res->transport)};

    APP_COUNT(x->app, outbox_retried);
    log_event(LOG_WARN, "outbox.retry",
              "outbox=%lld code=%lld http=%ld class=%s attempt=%d ms=%lld", (long long)w->id,
              res->code, res->http_status, wa_class_name(res->cls), w->attempts + 1,
              (long long)delay);
    return db_exec(x->db, sql_retry, 5, p, NULL);
}

static int record_failed(struct wctx *x, const struct row *w, const struct wa_result *res,
                         bool fell_back)
{
    char ids[24], cs[24];
    const char *p[5] = {db_i64s(w->id, ids), res->code > 0 ? db_i64s(res->code, cs) : NULL,
                        res->title, "failed", fell_back ? "t" : "f"};
    int rc = db_exec(x->db, sql_failed, 5, p, NULL);

    APP_COUNT(x->app, outbox_failed);
    log_event(LOG_WARN, "outbox.failed", "outbox=%lld lead=%lld code=%lld title=%s",
              (long long)w->id, (long long)db_i64(w->r, 0, C_LEAD), res->code,
              log_q(res->title, (size_t)-1));
    if (!rc && res->code == 131026) {
        rc = db_exec(x->db, sql_unreachable, 1, p, NULL);
    }
    return rc;
}

/* 131047 on free text: fail this row and queue its template once. */
static int fall_back(struct wctx *x, const struct row *w, const struct wa_result *res)
{
    char ids[24];
    const char *p[1] = {db_i64s(w->id, ids)};
    PGresult *r = NULL;
    int rc;

    if (w->template_now || !col(w, C_TNAME)) {
        return record_failed(x, w, res, false);
    }
    rc = record_failed(x, w, res, true);
    if (!rc) {
        rc = db_exec(x->db, sql_fallback_row, 1, p, &r);
    }
    if (!rc) {
        APP_COUNT(x->app, outbox_fallbacks);
        log_event(LOG_INFO, "outbox.template_fallback", "outbox=%lld new=%s", (long long)w->id,
                  PQntuples(r) ? PQgetvalue(r, 0, 0) : "none");
    }
    PQclear(r);
    return rc;
}

static int record(struct wctx *x, const struct row *w, const struct wa_result *res)
{
    const struct config *cfg = x->snap->config;
    uint64_t seed = (uint64_t)w->id * 2654435761u ^ (uint64_t)w->attempts;
    char ids[24], ds[24], ps[24];

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
        const char *p[3] = {col(w, C_PHONE), db_i64s(d, ds), db_i64s(w->id, ids)};
        int rc = record_retry(x, w, res, d, 1);
        APP_COUNT(x->app, outbox_pair_limited);
        return rc ? rc : db_exec(x->db, sql_defer_pair, 3, p, NULL);
    }
    case WA_RETRY:
    default:
        if (w->attempts + 1 >= cfg->max_attempts) {
            return record_failed(x, w, res, false);
        }
        (void)ps;
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
    const char *purpose = col(w, C_PURPOSE);

    if (purpose && strcmp(purpose, "digest") == 0) {
        return false;
    }
    return strcmp(col(w, C_KIND), "text") == 0 &&
           (db_i64(w->r, 0, C_STAFF) != 0 || (purpose && strcmp(purpose, "reply") == 0));
}

/* One recipient's holds in turn, so two workers do not both send the template. */
static const char sql_hold_lock[] =
    "SELECT pg_advisory_xact_lock(7283453, hashtext(COALESCE($1, $2, '')))";
static const char sql_hold[] =
    "UPDATE outbox SET state = 'held' WHERE id IN (SELECT id FROM outbox WHERE venue_id = $1"
    " AND (id = $2 OR (state = 'pending' AND kind = 'text'"
    "  AND recipient_phone IS NOT DISTINCT FROM $3 AND recipient_bsuid IS NOT DISTINCT FROM $4"
    "  AND (staff_id IS NOT NULL OR purpose = 'reply') AND purpose IS DISTINCT FROM 'digest'))"
    " FOR UPDATE SKIP LOCKED) RETURNING id";
static const char sql_waiting_recent[] =
    "SELECT EXISTS (SELECT 1 FROM outbox WHERE venue_id = $1 AND purpose = 'waiting'"
    " AND recipient_phone IS NOT DISTINCT FROM $2 AND recipient_bsuid IS NOT DISTINCT FROM $3"
    " AND state NOT IN ('failed', 'cancelled') AND created_at > now() - interval '1 hour')";
static const char sql_held_leads[] =
    "SELECT COALESCE(sum(x.n), 0)::bigint, COALESCE(string_agg(x.label, ', ' ORDER BY x.first),"
    " '') FROM (SELECT min(o.id) AS first, count(*) AS n, CASE WHEN o.lead_id IS NOT NULL THEN"
    "  '#' || o.lead_id || COALESCE(' ' || l.name, '') END AS label"
    " FROM outbox o LEFT JOIN leads l ON l.id = o.lead_id WHERE o.venue_id = $1"
    " AND o.state = 'held' AND o.recipient_phone IS NOT DISTINCT FROM $2"
    " AND o.recipient_bsuid IS NOT DISTINCT FROM $3 GROUP BY o.lead_id, l.name) x";

/* The staff template's one line: how many messages wait, about which leads. */
static int waiting_line(struct wctx *x, const struct row *w, struct buf *out)
{
    char v[24];
    const char *p[3] = {db_i64s(x->venue_id, v), col(w, C_PHONE), col(w, C_BSUID)};
    struct staff_info s;
    PGresult *r = NULL;
    json_t *vars = NULL;
    int rc = db_exec(x->db, sql_held_leads, 3, p, &r);

    staff_info_init(&s);
    rc = rc ? rc : staff_load(x, db_i64(w->r, 0, C_STAFF), &s);
    if (!rc) {
        vars = json_pack("{s:I, s:s}", "count", (json_int_t)db_i64(r, 0, 0), "leads",
                         db_str(r, 0, 1) ? db_str(r, 0, 1) : "");
        rc = vars ? RB_OK : RB_ENOMEM;
    }
    if (!rc) {
        const char *leads = db_str(r, 0, 1);
        rc = render(x, staff_lang(&s), leads && leads[0] ? "waiting_staff_leads" : "waiting_staff",
                    vars, out);
    }
    json_decref(vars);
    staff_info_release(&s);
    PQclear(r);
    return rc;
}

/* Queues the template that tells the recipient something waits for them. */
static int waiting_notice(struct wctx *x, const struct row *w)
{
    bool staff = db_i64(w->r, 0, C_STAFF) != 0;
    char line[900];
    struct outbox_msg m;
    struct buf body;
    json_t *params = NULL;
    int64_t id = 0;
    int rc = RB_OK;

    buf_init(&body, 1024);
    memset(&m, 0, sizeof(m));
    m.venue_id = x->venue_id;
    m.contact_id = db_i64(w->r, 0, C_CONTACT);
    m.phone = col(w, C_PHONE);
    m.bsuid = col(w, C_BSUID);
    m.lead_id = db_i64(w->r, 0, C_LEAD);
    m.staff_id = db_i64(w->r, 0, C_STAFF);
    m.kind = "template";
    m.template_name = col(w, C_TNAME);
    m.template_lang = col(w, C_TLANG);
    m.purpose = "waiting";
    if (staff) {
        rc = waiting_line(x, w, &body);
        flatten_line(body.p, line, sizeof(line));
        params = rc ? NULL : json_pack("[s]", line);
        rc = rc ? rc : (params ? RB_OK : RB_ENOMEM);
        m.body = line;
    } else {
        params = col(w, C_TPARAMS) ? json_loads(col(w, C_TPARAMS), 0, NULL) : NULL;
        m.body = col(w, C_TNAME);
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
    char v[24], ids[24];
    const char *p[4] = {db_i64s(x->venue_id, v), db_i64s(w->id, ids), col(w, C_PHONE),
                        col(w, C_BSUID)};
    const char *q[3] = {v, col(w, C_PHONE), col(w, C_BSUID)};
    PGresult *r = NULL;
    bool recent = false;
    int held = 0;
    int rc = db_exec(x->db, sql_hold_lock, 2, p + 2, NULL);

    rc = rc ? rc : db_exec(x->db, sql_hold, 4, p, &r);
    held = rc ? 0 : PQntuples(r);
    PQclear(r);
    r = NULL;
    rc = rc ? rc : db_exec(x->db, sql_waiting_recent, 3, q, &r);
    if (!rc) {
        recent = db_bool(r, 0, 0);
    }
    PQclear(r);
    if (!rc && !recent && col(w, C_TNAME)) {
        rc = waiting_notice(x, w);
    }
    if (!rc) {
        log_event(LOG_INFO, "outbox.held", "outbox=%lld lead=%lld held=%d notice=%s to=%s",
                  (long long)w->id, (long long)db_i64(w->r, 0, C_LEAD), held,
                  recent            ? "recent"
                  : col(w, C_TNAME) ? "queued"
                                    : "no_template",
                  log_phone(col(w, C_PHONE)));
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
    char window[24], ids[24], lease[24];
    const char *p[1] = {db_i64s(x->snap->config->window_hours, window)};
    struct row w = {0};
    json_t *msg = NULL;
    bool sending = false;
    struct buf why;
    int rc;

    buf_init(&why, 512);
    /* The token first: a worker never waits for one with a row claimed
     * (a transaction open), and never waits at all: it turns to events. */
    ratelimit_set_rate(rl, x->snap->config->rate_per_second); /* the current snapshot's */
    *wait_ms = ratelimit_try(rl);
    if (*wait_ms > 0) {
        return RB_ERATELIMIT;
    }
    rc = db_begin(x->db);
    if (!rc) {
        rc = db_exec(x->db, sql_claim, 1, p, &w.r);
    }
    if (!rc && PQntuples(w.r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (rc) {
        goto out;
    }
    w.id = db_i64(w.r, 0, C_ID);
    w.attempts = (int)db_i64(w.r, 0, C_ATTEMPTS);
    w.in_window = db_bool(w.r, 0, C_WINDOW);
    w.template_now =
        strcmp(col(&w, C_KIND), "template") == 0 || (!w.in_window && col(&w, C_TNAME) != NULL);
    if (db_bool(w.r, 0, C_AUTO) && db_bool(w.r, 0, C_OPTOUT)) {
        const char *q[5] = {db_i64s(w.id, ids), NULL, "opted out", "cancelled", "f"};
        log_event(LOG_INFO, "outbox.held", "outbox=%lld reason=opted_out", (long long)w.id);
        rc = db_exec(x->db, sql_failed, 5, q, NULL);
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
        const char *q[2] = {db_i64s(w.id, ids), db_i64s(lease_ms(x->snap->config), lease)};
        char opaque[48];
        snprintf(opaque, sizeof(opaque), OPAQUE_PREFIX "%lld", (long long)w.id);
        rc = json_object_set_new(msg, "biz_opaque_callback_data", json_string(opaque)) ? RB_ENOMEM
                                                                                       : RB_OK;
        rc = rc ? rc : db_exec(x->db, sql_sending, 2, q, NULL);
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
    PQclear(w.r);
    db_rollback(x->db);
    return rc;
}

static const char sql_status[] =
    "UPDATE messages SET status = $3, status_at = to_timestamp($4::bigint),"
    " error_code = COALESCE($5::int, error_code), error_title = COALESCE($6, error_title)"
    " WHERE venue_id = $1 AND wamid = $2 AND (CASE status WHEN 'sent' THEN 1"
    "  WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END) < $7::int"
    " RETURNING outbox_id";
static const char sql_failed_send[] =
    "SELECT id FROM outbox WHERE venue_id = $1 AND wamid = $2 AND NOT fell_back"
    " AND kind = 'text' AND template_name IS NOT NULL FOR UPDATE";
static const char sql_mark_fell_back[] =
    "UPDATE outbox SET fell_back = true, error_code = 131047, error_title = $2 WHERE id = $1";

int sender_apply_status(struct wctx *x, const struct wa_status *s)
{
    char vs[24], ts[24], cs[24], rs[24];
    int rank = inbound_status_rank(s->status);
    const char *p[7] = {db_i64s(x->venue_id, vs),
                        s->wamid,
                        s->status,
                        db_i64s(s->timestamp ? s->timestamp : x->now_s, ts),
                        s->error_code ? db_i64s(s->error_code, cs) : NULL,
                        s->error_title,
                        db_i64s(rank, rs)};
    PGresult *r = NULL;
    int rc;

    if (rank == 0) {
        return RB_OK; /* a status we do not track (e.g. deleted) */
    }
    if (s->biz_opaque && strncmp(s->biz_opaque, OPAQUE_PREFIX, strlen(OPAQUE_PREFIX)) == 0) {
        const char *q[3] = {s->biz_opaque + strlen(OPAQUE_PREFIX), s->wamid, vs};
        rc = strspn(q[0], "0123456789") == strlen(q[0]) && q[0][0]
                 ? db_exec(x->db, sql_recover_sent, 3, q, &r)
                 : RB_OK;
        if (!rc && r && PQntuples(r) == 1) {
            log_event(LOG_WARN, "outbox.recovered", "outbox=%s wamid=%s status=%s",
                      PQgetvalue(r, 0, 0), log_q(s->wamid, (size_t)-1),
                      log_q(s->status, (size_t)-1));
        }
        PQclear(r);
        r = NULL;
        if (rc) {
            return rc;
        }
    }
    rc = db_exec(x->db, sql_status, 7, p, &r);
    PQclear(r);
    r = NULL;
    if (rc || s->error_code != 131047) {
        return rc;
    }
    /* Accepted, then refused as outside the window: the template goes out once. */
    rc = db_exec(x->db, sql_failed_send, 2, p, &r);
    if (!rc && PQntuples(r) == 1) {
        const char *q[2] = {PQgetvalue(r, 0, 0), s->error_title};
        rc = db_exec(x->db, sql_mark_fell_back, 2, q, NULL);
        if (!rc) {
            rc = db_exec(x->db, sql_fallback_row, 1, q, NULL);
        }
        if (!rc) {
            APP_COUNT(x->app, outbox_fallbacks);
            log_event(LOG_INFO, "outbox.template_fallback", "outbox=%s via=status",
                      PQgetvalue(r, 0, 0));
        }
    }
    PQclear(r);
    return rc;
}
