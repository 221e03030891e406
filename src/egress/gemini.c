/* gemini.c - the call: errors, retries within the budget, and gemini_parse. */
#include "egress/gemini.h"
#include "egress/gemini_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistr.h>

/* ---- errors ------------------------------------------------------------ */

/* The entry of error.details whose "@type" ends in suffix, or NULL. */
static const json_t *gm_error_detail(const json_t *err, const char *suffix)
{
    const json_t *d;
    const char *type;
    size_t i, n = strlen(suffix);

    json_array_foreach (json_object_get(err, "details"), i, d) {
        type = json_string_value(json_object_get(d, "@type"));
        if (type && strlen(type) >= n && strcmp(type + strlen(type) - n, suffix) == 0) {
            return d;
        }
    }
    return NULL;
}

/* A protobuf Duration ("21s", "1.5s") in ms; -1 when malformed. */
static int64_t gm_duration_ms(const char *s)
{
    char *end;
    double secs;

    if (!s || !*s) {
        return -1;
    }
    errno = 0;
    secs = strtod(s, &end);
    if (errno || end == s || strcmp(end, "s") != 0 || !(secs >= 0.0) || secs > 86400.0) {
        return -1;
    }
    return (int64_t)(secs * 1000.0 + 0.5);
}

int64_t gemini_retry_delay_ms(const char *body, size_t len)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const json_t *info = gm_error_detail(json_object_get(root, "error"), "google.rpc.RetryInfo");
    int64_t ms = gm_duration_ms(json_string_value(json_object_get(info, "retryDelay")));

    json_decref(root);
    return ms;
}

/* A 429 that waiting seconds will not cure: a per-day quota or "limit: 0"
 * (§7.2). */
static bool gm_quota_hopeless(const json_t *err)
{
    const char *msg = json_string_value(json_object_get(err, "message"));
    const json_t *qf = gm_error_detail(err, "google.rpc.QuotaFailure"), *v;
    const char *id;
    size_t i;

    if (msg && strstr(msg, "limit: 0")) {
        return true;
    }
    json_array_foreach (json_object_get(qf, "violations"), i, v) {
        id = json_string_value(json_object_get(v, "quotaId"));
        if (id && strstr(id, "PerDay")) {
            return true;
        }
    }
    return false;
}

/* ---- the call ---------------------------------------------------------- */

#define GM_MIN_ATTEMPT_MS 100 /* no attempt with less budget than this */

struct gm_call {
    struct http_client *h;
    const struct gemini_catalog *cat;
    const struct gemini_ctx *ctx;
    const char *model;
    const char *text;
    size_t len;
    bool thinking;  /* thinkingConfig is in body */
    struct buf url; /* .../models/{model}:generateContent */
    struct buf key; /* "x-goog-api-key: ..." */
    char *body;
    int64_t deadline; /* clock_mono_ms */
    uint64_t seed;
    struct http_response res;
};

static uint64_t gm_splitmix64(uint64_t *state)
{
    uint64_t x = (*state += 0x9E3779B97F4A7C15ULL);

    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* 300-800 ms before retrying a 5xx or a transport error (§7.3). */
static int64_t gm_jitter_ms(struct gm_call *c)
{
    return 300 + (int64_t)(gm_splitmix64(&c->seed) % 501);
}

static void gm_sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

    while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* (Re)builds c->body, with or without thinkingConfig. */
static int gm_call_body(struct gm_call *c, bool thinking)
{
    json_t *req = NULL;
    int rc = gemini_build_request(c->cat, c->model, c->ctx, c->text, c->len, thinking, &req);

    if (rc) {
        return rc;
    }
    free(c->body);
    c->body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    c->thinking = thinking;
    return c->body ? RB_OK : RB_ENOMEM;
}

/* The URL and the key header; RB_EINVAL when conf cannot be used. */
static int gm_call_conf(struct gm_call *c, const struct gemini_conf *conf)
{
    const char *base = conf->base && conf->base[0] ? conf->base : GEMINI_BASE_DEFAULT;
    size_t blen = strlen(base);

    c->model = conf->model && conf->model[0] ? conf->model : GEMINI_MODEL_DEFAULT;
    if (strncmp(c->model, "models/", 7) == 0) {
        c->model += 7;
    }
    while (blen > 0 && base[blen - 1] == '/') {
        blen--;
    }
    if (blen == 0 || !http_header_value_ok(base) || !http_path_segment_ok(c->model) ||
        !http_header_value_ok(conf->api_key)) {
        return RB_EINVAL;
    }
    if (buf_add(&c->url, base, blen) ||
        buf_addf(&c->url, "/v1beta/models/%s:generateContent", c->model) ||
        buf_addf(&c->key, "x-goog-api-key: %s", conf->api_key)) {
        return RB_ENOMEM;
    }
    return RB_OK;
}

static void gm_set_reason(struct gemini_info *info, const char *reason)
{
    snprintf(info->fallback, sizeof(info->fallback), "%s", reason);
}

/*
 * After a non-200 answer: records error.message and decides whether the one
 * retry is worth it. Returns the delay before it in ms, or -1 for none.
 */
static int64_t gm_retry_policy(struct gm_call *c, struct gemini_info *info)
{
    long status = c->res.status;
    json_t *root = json_loadb(c->res.body.p, c->res.body.len, 0, NULL);
    const json_t *err = json_object_get(root, "error");
    const char *msg = json_string_value(json_object_get(err, "message"));
    int64_t delay = -1;

    free(info->error_message);
    info->error_message = msg ? strdup(msg) : NULL;
    if (status == 429) {
        delay = gemini_retry_delay_ms(c->res.body.p, c->res.body.len);
        if (gm_quota_hopeless(err) || delay > GEMINI_RETRY_DELAY_MAX_MS) {
            delay = -1;
        } else if (delay < 0) {
            delay = gm_jitter_ms(c);
        }
    } else if (status == 408 || status == 500 || status == 502 || status == 503 || status == 504) {
        delay = gm_jitter_ms(c);
    } else if (status == 400 && c->thinking && msg && strcasestr(msg, "thinking")) {
        /* the model refuses our thinking settings: once more without (§4.6) */
        delay = gm_call_body(c, false) ? -1 : 0;
    }
    json_decref(root);
    return delay;
}

/*
 * One attempt within what is left of the budget. RB_OK for a 200 (body in
 * c->res); otherwise the code gemini_parse returns, info->fallback set and
 * *retry_ms the delay before a retry (-1: do not retry).
 */
static int gm_attempt(struct gm_call *c, struct gemini_info *info, int64_t *retry_ms)
{
    int64_t left = c->deadline - clock_mono_ms();
    char server_timeout[48];
    const char *headers[3] = {c->key.p, server_timeout, NULL};
    struct http_request req = {"POST", c->url.p, headers, c->body, strlen(c->body), (long)left};
    int rc;

    *retry_ms = -1;
    if (left < GM_MIN_ATTEMPT_MS) {
        gm_set_reason(info, "timeout");
        return RB_ETIMEOUT;
    }
    /* lets the server give up when we do (§1) */
    snprintf(server_timeout, sizeof(server_timeout), "X-Server-Timeout: %lld",
             (long long)((left + 999) / 1000));
    rc = http_perform(c->h, &req, &c->res);
    info->attempts++;
    info->http_status = c->res.status;
    if (rc == RB_EINVAL || rc == RB_ENOMEM) {
        gm_set_reason(info, rc == RB_EINVAL ? "config" : "no_memory");
        return rc;
    }
    if (c->res.transport != HTTP_T_OK) {
        bool timeout = c->res.transport == HTTP_T_TIMEOUT;
        gm_set_reason(info, timeout                              ? "timeout"
                            : c->res.transport == HTTP_T_CONNECT ? "connect_error"
                                                                 : "transport_error");
        *retry_ms = timeout ? 0 : gm_jitter_ms(c);
        return timeout ? RB_ETIMEOUT : RB_EUPSTREAM;
    }
    if (c->res.status == 200) {
        info->fallback[0] = '\0';
        return RB_OK;
    }
    snprintf(info->fallback, sizeof(info->fallback), "http_%ld", c->res.status);
    *retry_ms = gm_retry_policy(c, info);
    return c->res.status == 429 ? RB_ERATELIMIT : RB_EUPSTREAM;
}

/* The message checks done before anything is sent. */
static int gm_input_check(const char *text, size_t len, struct gemini_info *info)
{
    size_t i;

    if (!text || u8_check((const uint8_t *)text, len) || memchr(text, 0, len)) {
        gm_set_reason(info, "bad_utf8");
        return RB_EINVAL;
    }
    for (i = 0; i < len && (unsigned char)text[i] <= ' '; i++) {
    }
    if (i == len) {
        gm_set_reason(info, "empty_input");
        return RB_EINVAL;
    }
    if (u8_mbsnlen((const uint8_t *)text, len) > GEMINI_INPUT_MAX) {
        gm_set_reason(info, "too_long");
        return RB_ETOOBIG;
    }
    return RB_OK;
}

/* Reads and validates a 200 answer into out. */
static int gm_answer(struct gm_call *c, struct parse_result *out, struct gemini_info *info)
{
    struct buf detail;
    char *answer = NULL, *message = NULL;
    const char *reason;
    int rc;

    buf_init(&detail, 4096);
    reason = gemini_read_response(c->res.body.p, c->res.body.len, info, &answer);
    rc = reason ? RB_EUPSTREAM : RB_OK;
    if (!reason) {
        message = gemini_clean_text(c->text, c->len);
        reason = message ? gemini_validate(c->cat, answer, message, c->ctx->lang_hint, out, &detail)
                         : "no_memory";
        rc = reason ? RB_EPARSE : RB_OK;
    }
    if (reason) {
        gm_set_reason(info, reason);
        rc = strcmp(reason, "no_memory") == 0 ? RB_ENOMEM : rc;
    }
    if (detail.len) {
        buf_truncate(&detail, detail.len - (detail.p[detail.len - 1] == '\n'));
        free(info->detail);
        info->detail = strdup(detail.p);
    }
    free(message);
    free(answer);
    buf_release(&detail);
    return rc;
}

int gemini_parse(struct http_client *h, const struct gemini_conf *conf,
                 const struct gemini_catalog *cat, const struct gemini_ctx *ctx, const char *text,
                 size_t len, struct parse_result *out, struct gemini_info *info)
{
    int64_t start = clock_mono_ms(), delay;
    struct gm_call c = {h, cat, ctx, NULL, text, len, false};
    int rc;

    gemini_info_release(info);
    buf_init(&c.url, 4096);
    buf_init(&c.key, 4096);
    http_response_init(&c.res, GEMINI_RESPONSE_MAX);
    c.deadline = start + (conf->timeout_ms > 0 ? conf->timeout_ms : GEMINI_TIMEOUT_MS_DEFAULT);
    c.seed = (uint64_t)start ^ (uint64_t)(uintptr_t)&c;
    rc = gm_input_check(text, len, info);
    if (!rc) {
        rc = gm_call_conf(&c, conf);
        gm_set_reason(info, rc == RB_EINVAL ? "config" : rc ? "no_memory" : "");
    }
    if (!rc) {
        rc = gm_call_body(&c, true);
        gm_set_reason(info, rc == RB_ENOMEM ? "no_memory" : rc ? "config" : "");
    }
    if (rc) {
        goto out;
    }
    for (;;) {
        rc = gm_attempt(&c, info, &delay);
        if (!rc || delay < 0 || info->attempts >= 2 ||
            clock_mono_ms() + delay + GM_MIN_ATTEMPT_MS > c.deadline) {
            break; /* an answer, or no (time for a) retry */
        }
        gm_sleep_ms(delay);
    }
    if (!rc) {
        rc = gm_answer(&c, out, info);
    }
out:
    info->latency_ms = clock_mono_ms() - start;
    free(c.body);
    http_response_release(&c.res);
    buf_release(&c.key);
    buf_release(&c.url);
    return rc;
}

int gemini_prompt_check(const struct gemini_catalog *cat, struct buf *err)
{
    struct parse_result pr;
    struct buf detail;
    const struct gemini_example *ex;
    const char *reason;
    size_t i;
    int rc = RB_OK;

    parse_result_init(&pr);
    buf_init(&detail, 4096);
    for (i = 0; i < cat->nexamples; i++) {
        ex = &cat->examples[i];
        buf_reset(&detail);
        reason = gemini_validate(cat, ex->model, ex->user, LANG_EN, &pr, &detail);
        if (reason && strcmp(reason, "no_memory") == 0) {
            rc = RB_ENOMEM;
            break;
        }
        if (reason) {
            buf_truncate(&detail, detail.len ? detail.len - 1 : 0);
            buf_say(err, "%s:%d: the example answer fails validation: %s (%s)\n",
                    ex->file ? ex->file : "examples", ex->line, reason, detail.p);
            rc = RB_EPARSE;
        }
    }
    parse_result_release(&pr);
    buf_release(&detail);
    return rc;
}
