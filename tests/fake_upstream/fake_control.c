/*
 * fake_control.c - the /_control/ routes tests steer fake_upstream with:
 * queue failures and Gemini answers, register leads, templates, booking
 * milestones and payments, send signed invoicing webhooks, read back the
 * recorded requests, reset (README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/hmac.h>

#include "fake.h"

#define ON(r) (1u << (r))
#define ON_GRAPH (ON(R_WHATSAPP) | ON(R_LEADS))
#define ON_ALL (ON_GRAPH | ON(R_GEMINI) | ON(R_INVOICING))

/* Each mode's name in /_control/fail and the routes that accept it. */
static const struct mode_info {
    const char *name;
    unsigned routes;
} mode_table[M_COUNT] = {
    [M_NONE] = {"", 0},
    [M_OK] = {"ok", ON_ALL},
    [M_HTTP500] = {"http500", ON_ALL},
    [M_HTTP503] = {"http503", ON_ALL},
    [M_HTTP429] = {"http429", ON_ALL},
    [M_WA131047] = {"wa131047", ON_GRAPH},
    [M_WA131056] = {"wa131056", ON_GRAPH},
    [M_WA190] = {"wa190", ON_GRAPH},
    [M_WA131026] = {"wa131026", ON_GRAPH},
    [M_HANG] = {"hang", ON_ALL},
    [M_GARBAGE] = {"garbage", ON_ALL},
    [M_MAX_TOKENS] = {"max_tokens", ON(R_GEMINI)},
    [M_BLOCKED] = {"blocked", ON(R_GEMINI)},
    [M_BAD_JSON] = {"bad_json", ON(R_GEMINI)},
    [M_ENUM_VIOLATION] = {"enum_violation", ON(R_GEMINI)},
};

/* ---- control routes ------------------------------------------------- */

static enum route route_find(const char *name)
{
    for (int r = 0; name && r < R_COUNT; r++) {
        if (strcmp(name, route_names[r]) == 0) {
            return (enum route)r;
        }
    }
    return R_COUNT;
}

static enum mode mode_find(const char *name)
{
    for (int m = M_OK; name && m < M_COUNT; m++) {
        if (strcmp(name, mode_table[m].name) == 0) {
            return (enum mode)m;
        }
    }
    return M_NONE;
}

/* Reads an optional integer member into *out; false if it is out of range
 * or not an integer. */
static bool int_member(json_t *obj, const char *key, json_int_t dflt, json_int_t lo, json_int_t hi,
                       json_int_t *out)
{
    json_t *v = json_object_get(obj, key);

    *out = v ? json_integer_value(v) : dflt;
    return (!v || json_is_integer(v)) && *out >= lo && *out <= hi;
}

/* Reads a /_control/fail body into *rt and a new queue entry in *entry;
 * returns NULL, or why the body is refused. */
static const char *fail_parse(json_t *b, enum route *rt, json_t **entry)
{
    enum mode m = mode_find(json_string_value(json_object_get(b, "mode")));
    json_int_t count, delay;

    *rt = route_find(json_string_value(json_object_get(b, "route")));
    if (*rt >= N_FAILABLE) {
        return "route must be whatsapp, leads, gemini or invoicing";
    }
    if (!(mode_table[m].routes & ON(*rt))) {
        return "unknown mode for this route";
    }
    if (!int_member(b, "count", 1, 1, COUNT_MAX, &count)) {
        return "count must be an integer from 1 to 1000000";
    }
    if (!int_member(b, "delay_ms", m == M_HANG ? HANG_DEFAULT_MS : 0, 0, DELAY_MAX_MS, &delay)) {
        return "delay_ms must be an integer from 0 to 600000";
    }
    *entry = json_pack("{s:i,s:I,s:I}", "mode", (int)m, "delay_ms", delay, "left", count);
    return *entry ? NULL : "out of memory";
}

/* POST /_control/fail {"route", "mode", "count", "delay_ms"} */
static void ctl_fail(struct call *c, struct reply *rep)
{
    enum route rt;
    json_t *entry;
    const char *why = fail_parse(c->json, &rt, &entry);

    if (why) {
        reply_bad_request(rep, why);
        return;
    }
    reply_json(
        rep, 200,
        json_pack("{s:b,s:I}", "ok", 1, "queued", queue_push(c->f, c->f->queues[rt], entry)));
}

/* POST /_control/gemini_reply {"text", "count"} */
static void ctl_gemini_reply(struct call *c, struct reply *rep)
{
    json_t *text = json_object_get(c->json, "text");
    json_int_t count, queued;

    if (!json_is_string(text)) {
        reply_bad_request(rep, "text must be a string");
        return;
    }
    if (!int_member(c->json, "count", 1, 1, COUNT_MAX, &count)) {
        reply_bad_request(rep, "count must be an integer from 1 to 1000000");
        return;
    }
    queued = queue_push(c->f, c->f->replies, json_pack("{s:O,s:I}", "text", text, "left", count));
    reply_json(rep, 200, json_pack("{s:b,s:I}", "ok", 1, "queued", queued));
}

/* POST /_control/lead <lead object>: keyed by its "id" (string or number) */
static void ctl_lead(struct call *c, struct reply *rep)
{
    json_t *id = json_object_get(c->json, "id"), *key;

    if (json_is_integer(id)) {
        key = json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id));
    } else if (json_is_string(id) && json_string_length(id) > 0) {
        key = json_incref(id);
    } else {
        key = NULL;
    }
    if (!key) {
        reply_bad_request(rep, "the lead needs an \"id\" (string or integer)");
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    json_object_set_new(c->f->leads, json_string_value(key), json_deep_copy(c->json));
    pthread_mutex_unlock(&c->f->mu);
    reply_json(rep, 200, json_pack("{s:b,s:o}", "ok", 1, "id", key));
}

/* POST /_control/milestones {"booking_id", "milestones": [...]} */
static void ctl_milestones(struct call *c, struct reply *rep)
{
    const char *id = json_string_value(json_object_get(c->json, "booking_id"));
    json_t *ms = json_object_get(c->json, "milestones");

    if (!nonempty(id) || !json_is_array(ms)) {
        reply_bad_request(rep, "need booking_id (string) and milestones (array)");
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    json_object_set_new(c->f->milestones, id, json_deep_copy(ms));
    pthread_mutex_unlock(&c->f->mu);
    reply_json(rep, 200, json_pack("{s:b,s:s}", "ok", 1, "booking_id", id));
}

/* POST /_control/invoicing_payment {"booking_id", "payment": {...}}: a
 * payment the client made to invoicing directly (a payment_id is made
 * when it has none). */
static void ctl_inv_payment(struct call *c, struct reply *rep)
{
    const char *id = json_string_value(json_object_get(c->json, "booking_id"));
    json_t *p = json_object_get(c->json, "payment"), *copy, *pid;
    bool ok;

    if (!nonempty(id) || !json_is_object(p)) {
        reply_bad_request(rep, "need booking_id (string) and payment (object)");
        return;
    }
    copy = json_deep_copy(p);
    pthread_mutex_lock(&c->f->mu);
    if (!json_object_get(copy, "payment_id")) {
        json_object_set_new(copy, "payment_id",
                            json_sprintf("PAY-%" JSON_INTEGER_FORMAT, ++c->f->payment));
    }
    pid = json_incref(json_object_get(copy, "payment_id"));
    ok = payment_add_locked(c->f, id, copy);
    pthread_mutex_unlock(&c->f->mu);
    if (!ok) {
        json_decref(pid);
        reply_text(rep, 404, CT_JSON, "{\"error\":\"no such booking\"}");
        return;
    }
    reply_json(rep, 200, json_pack("{s:b,s:o}", "ok", 1, "payment_id", pid));
}

/* Posts body to url signed with secret ("sha256=<hex>" in
 * X-Invoicing-Signature; a wrong one when forge); the HTTP status, 0 when
 * no answer came. */
static long webhook_post(const char *url, const char *secret, const char *body, bool forge)
{
    unsigned char mac[32];
    unsigned int maclen = 0;
    char hdr[128] = "X-Invoicing-Signature: sha256=";
    size_t at = strlen(hdr);
    struct curl_slist *h = NULL;
    long status = 0;
    CURL *e = curl_easy_init();

    if (!e || !HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body,
                    strlen(body), mac, &maclen)) {
        curl_easy_cleanup(e);
        return 0;
    }
    if (forge) {
        mac[0] ^= 0xff;
    }
    for (unsigned int i = 0; i < maclen; i++) {
        snprintf(hdr + at + 2 * i, 3, "%02x", mac[i]);
    }
    h = curl_slist_append(h, hdr);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(e) == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    return status;
}

/* POST /_control/invoicing_webhook {"url", "secret", "events": [...],
 * "reverse", "repeat", "forge"}: sends each event (one webhook each, in
 * the order given or reversed), each repeat times, signed with secret
 * (forge: with a wrong signature) -> {"statuses": [...]}. */
static void ctl_inv_webhook(struct call *c, struct reply *rep)
{
    const char *url = json_string_value(json_object_get(c->json, "url"));
    const char *secret = json_string_value(json_object_get(c->json, "secret"));
    json_t *events = json_object_get(c->json, "events"), *statuses;
    bool reverse = json_is_true(json_object_get(c->json, "reverse"));
    bool forge = json_is_true(json_object_get(c->json, "forge"));
    json_int_t repeat;
    size_t n = json_array_size(events);

    if (!nonempty(url) || !nonempty(secret) || !json_is_array(events) ||
        !int_member(c->json, "repeat", 1, 1, 100, &repeat)) {
        reply_bad_request(rep, "need url, secret, events (array), repeat 1-100");
        return;
    }
    statuses = json_array();
    for (size_t k = 0; k < n; k++) {
        json_t *ev = json_array_get(events, reverse ? n - 1 - k : k);
        char *body = json_dumps(ev, JSON_COMPACT);
        for (json_int_t r = 0; body && r < repeat; r++) {
            json_array_append_new(statuses, json_integer(webhook_post(url, secret, body, forge)));
        }
        free(body);
    }
    reply_json(rep, 200, json_pack("{s:b,s:o}", "ok", 1, "statuses", statuses));
}

/* Reads ?route= and ?status=; false (and a 400 in rep) if either is bad. */
static bool record_filter(struct call *c, struct reply *rep, const char **route, long *status)
{
    const char *st = query_arg(c->con, "status");
    char *end;

    *route = query_arg(c->con, "route");
    *status = -1;
    if (*route && route_find(*route) == R_COUNT) {
        reply_bad_request(rep, "unknown route");
        return false;
    }
    if (st) {
        *status = strtol(st, &end, 10);
        if (!*st || *end || *status < 100 || *status > 599) {
            reply_bad_request(rep, "status must be an HTTP status");
            return false;
        }
    }
    return true;
}

/* GET /_control/requests[?route=R][&status=S] -> NDJSON */
static void ctl_requests(struct call *c, struct reply *rep)
{
    const char *route;
    long status;
    char *buf = NULL;
    size_t len = 0, i;
    json_t *rec;
    FILE *mem;

    if (!record_filter(c, rep, &route, &status)) {
        return;
    }
    mem = open_memstream(&buf, &len);
    if (!mem) {
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    json_array_foreach (c->f->records, i, rec) {
        if (!record_matches(rec, route, status)) {
            continue;
        }
        json_dumpf(rec, mem, JSON_COMPACT);
        fputc('\n', mem);
    }
    pthread_mutex_unlock(&c->f->mu);
    if (fclose(mem) == 0) {
        rep->status = 200;
        rep->ctype = CT_NDJSON;
        rep->body = buf;
    } else {
        free(buf);
    }
}

/* GET /_control/count[?route=R][&status=S] -> {"count":N} */
static void ctl_count(struct call *c, struct reply *rep)
{
    const char *route;
    long status;
    json_int_t n = 0;
    size_t i;
    json_t *rec;

    if (!record_filter(c, rep, &route, &status)) {
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    json_array_foreach (c->f->records, i, rec) {
        n += record_matches(rec, route, status);
    }
    pthread_mutex_unlock(&c->f->mu);
    reply_json(rep, 200, json_pack("{s:I}", "count", n));
}

/* POST /_control/templates {"name": {"language": "ur", "params": 2}, ...}: the
 * approved templates (replacing the set; {} accepts any template again). */
static void ctl_templates(struct call *c, struct reply *rep)
{
    const char *name;
    json_t *t;

    json_object_foreach (c->json, name, t) {
        json_t *n = json_object_get(t, "params");
        if (!json_is_string(json_object_get(t, "language")) || !json_is_integer(n) ||
            json_integer_value(n) < 0) {
            reply_bad_request(rep, "each template needs \"language\" (string) and \"params\" "
                                   "(integer >= 0)");
            return;
        }
    }
    pthread_mutex_lock(&c->f->mu);
    json_decref(c->f->templates);
    c->f->templates = json_deep_copy(c->json);
    pthread_mutex_unlock(&c->f->mu);
    reply_json(rep, 200,
               json_pack("{s:b,s:I}", "ok", 1, "templates", (json_int_t)json_object_size(c->json)));
}

/* POST /_control/reset: forgets everything but the id counters. */
static void ctl_reset(struct call *c, struct reply *rep)
{
    struct fake *f = c->f;

    pthread_mutex_lock(&f->mu);
    json_array_clear(f->records);
    for (int r = 0; r < N_FAILABLE; r++) {
        json_array_clear(f->queues[r]);
    }
    json_array_clear(f->replies);
    json_object_clear(f->leads);
    json_object_clear(f->bookings);
    json_object_clear(f->milestones);
    json_object_clear(f->templates);
    json_object_clear(f->payments);
    json_object_clear(f->pay_keys);
    json_object_clear(f->reversals);
    json_object_clear(f->plans);
    pthread_mutex_unlock(&f->mu);
    reply_text(rep, 200, CT_JSON, "{\"ok\":true}");
}

static const struct control {
    const char *method, *path;
    bool needs_object; /* body must be a JSON object */
    void (*fn)(struct call *, struct reply *);
} controls[] = {
    {"POST", "/_control/fail", true, ctl_fail},
    {"POST", "/_control/gemini_reply", true, ctl_gemini_reply},
    {"POST", "/_control/lead", true, ctl_lead},
    {"POST", "/_control/milestones", true, ctl_milestones},
    {"POST", "/_control/templates", true, ctl_templates},
    {"POST", "/_control/invoicing_payment", true, ctl_inv_payment},
    {"POST", "/_control/invoicing_webhook", true, ctl_inv_webhook},
    {"GET", "/_control/requests", false, ctl_requests},
    {"GET", "/_control/count", false, ctl_count},
    {"POST", "/_control/reset", false, ctl_reset},
};

void control(struct call *c, struct reply *rep)
{
    for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
        const struct control *k = &controls[i];

        if (strcmp(c->url, k->path) != 0 || strcmp(c->method, k->method) != 0) {
            continue;
        }
        if (c->req->too_big) {
            reply_text(rep, 413, CT_JSON, "{\"error\":\"body_too_large\"}");
        } else if (k->needs_object && !json_is_object(c->json)) {
            reply_bad_request(rep, "body must be a JSON object");
        } else {
            k->fn(c, rep);
        }
        return;
    }
    reply_text(rep, 404, CT_JSON, NO_ROUTE);
}
