#include "egress/invoicing.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"

/* ---- building and parsing ---------------------------------------------- */

static json_t *inv_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

int inv_build_booking(const struct inv_booking *b, json_t **out)
{
    json_t *o;

    if (!b->lead_id || !b->lead_id[0] || !b->client_name || !b->client_name[0] || !b->event_date ||
        !b->event_date[0] || b->amount <= 0 || b->guests < 0) {
        return RB_EINVAL;
    }
    /* "o" takes each reference; json_pack fails (NULL) on invalid UTF-8 too. */
    o = json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:I}", "lead_id", b->lead_id,
                  "client_name", b->client_name, "phone", inv_str_or_null(b->phone), "event_date",
                  b->event_date, "guests", b->guests > 0 ? json_integer(b->guests) : json_null(),
                  "hall", inv_str_or_null(b->hall), "slot", inv_str_or_null(b->slot), "package",
                  inv_str_or_null(b->package), "amount", (json_int_t)b->amount);
    if (!o) {
        return RB_ENOMEM;
    }
    if (b->milestones && json_object_set(o, "milestones", (json_t *)b->milestones)) {
        json_decref(o);
        return RB_ENOMEM;
    }
    *out = o;
    return RB_OK;
}

void inv_milestones_init(struct inv_milestones *m)
{
    m->v = NULL;
    m->n = 0;
}

void inv_milestones_release(struct inv_milestones *m)
{
    size_t i;

    if (!m) {
        return;
    }
    for (i = 0; i < m->n; i++) {
        free(m->v[i].milestone);
        free(m->v[i].status);
        free(m->v[i].due_date);
        free(m->v[i].paid_at);
    }
    free(m->v);
    inv_milestones_init(m);
}

/* Whole rupees from an integer, an integral real or a digit string. */
static int64_t inv_amount(const json_t *v)
{
    const char *s;
    char *end;
    long long n;

    if (json_is_integer(v)) {
        return json_integer_value(v);
    }
    if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 9e15) {
        return (int64_t)json_real_value(v);
    }
    s = json_string_value(v);
    if (s && *s) {
        n = strtoll(s, &end, 10);
        return *end ? 0 : n;
    }
    return 0;
}

/* The string (or integer) id named field of a JSON object answer into a NEW
 * string. RB_EPARSE when there is none. */
static int inv_parse_id(const char *body, size_t len, const char *field, char **out)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    char *id = NULL;
    int rc;

    rc = json_id_dup(json_object_get(root, field), &id);
    if (!rc && (!id || !id[0])) {
        rc = RB_EPARSE;
    }
    json_decref(root);
    if (rc) {
        free(id);
        return rc;
    }
    *out = id;
    return RB_OK;
}

int inv_parse_created(const char *body, size_t len, char **booking_id)
{
    return inv_parse_id(body, len, "booking_id", booking_id);
}

static int inv_read_milestone(const json_t *item, struct inv_milestone *m)
{
    int rc;

    m->amount = inv_amount(json_object_get(item, "amount"));
    rc = json_id_dup(json_object_get(item, "milestone"), &m->milestone);
    if (!rc) {
        rc = json_id_dup(json_object_get(item, "status"), &m->status);
    }
    if (!rc) {
        rc = json_id_dup(json_object_get(item, "due_date"), &m->due_date);
    }
    if (!rc) {
        rc = json_id_dup(json_object_get(item, "paid_at"), &m->paid_at);
    }
    return rc;
}

int inv_parse_milestones(const char *body, size_t len, struct inv_milestones *out)
{
    struct inv_milestones ms;
    json_t *root = json_loadb(body, len, 0, NULL);
    const json_t *list = json_is_array(root) ? root : json_object_get(root, "milestones");
    const json_t *item;
    size_t i;
    int rc = RB_OK;

    inv_milestones_init(&ms);
    if (!json_is_array(list)) {
        rc = RB_EPARSE;
        goto out;
    }
    ms.v = calloc(json_array_size(list) + 1, sizeof(*ms.v));
    if (!ms.v) {
        rc = RB_ENOMEM;
        goto out;
    }
    json_array_foreach (list, i, item) {
        if (!json_is_string(json_object_get(item, "milestone"))) {
            continue;
        }
        rc = inv_read_milestone(item, &ms.v[ms.n]);
        ms.n++; /* counted even when half read, so release frees it */
        if (rc) {
            goto out;
        }
    }
out:
    json_decref(root);
    if (rc) {
        inv_milestones_release(&ms);
        return rc;
    }
    *out = ms;
    return RB_OK;
}

void inv_payments_init(struct inv_payments *p)
{
    p->v = NULL;
    p->n = 0;
}

void inv_payment_release(struct inv_payment *p)
{
    free(p->payment_id);
    free(p->milestone);
    free(p->method);
    free(p->received_at);
    free(p->reference);
    memset(p, 0, sizeof(*p));
}

void inv_payments_release(struct inv_payments *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        inv_payment_release(&p->v[i]);
    }
    free(p->v);
    inv_payments_init(p);
}

int inv_read_payment(const json_t *o, struct inv_payment *p)
{
    int rc;

    memset(p, 0, sizeof(*p));
    if (!json_is_object(o)) {
        return RB_EPARSE;
    }
    p->amount = inv_amount(json_object_get(o, "amount"));
    rc = json_id_dup(json_object_get(o, "payment_id"), &p->payment_id);
    rc = rc ? rc : json_id_dup(json_object_get(o, "milestone"), &p->milestone);
    rc = rc ? rc : json_id_dup(json_object_get(o, "method"), &p->method);
    rc = rc ? rc : json_id_dup(json_object_get(o, "received_at"), &p->received_at);
    rc = rc ? rc : json_id_dup(json_object_get(o, "reference"), &p->reference);
    if (!rc && (!p->payment_id || !p->payment_id[0])) {
        rc = RB_EPARSE;
    }
    if (rc) {
        inv_payment_release(p);
    }
    return rc;
}

int inv_parse_payments(const char *body, size_t len, struct inv_payments *out)
{
    struct inv_payments ps;
    json_t *root = json_loadb(body, len, 0, NULL);
    const json_t *list = json_object_get(root, "payments");
    const json_t *item;
    size_t i;
    int rc = json_is_object(root) ? RB_OK : RB_EPARSE;

    inv_payments_init(&ps);
    if (!rc && list && !json_is_array(list)) {
        rc = RB_EPARSE;
    }
    if (!rc && list) {
        ps.v = calloc(json_array_size(list) + 1, sizeof(*ps.v));
        rc = ps.v ? RB_OK : RB_ENOMEM;
    }
    json_array_foreach (rc ? NULL : list, i, item) {
        int one = inv_read_payment(item, &ps.v[ps.n]);
        if (one == RB_ENOMEM) {
            rc = one;
            break;
        }
        ps.n += one == RB_OK;
    }
    json_decref(root);
    if (rc) {
        inv_payments_release(&ps);
        return rc;
    }
    *out = ps;
    return RB_OK;
}

int inv_build_receipt(const struct inv_receipt *p, json_t **out)
{
    json_t *o;

    if (!p->reference || !p->reference[0] || p->amount <= 0) {
        return RB_EINVAL;
    }
    o = json_pack("{s:s, s:o, s:I, s:o, s:o}", "reference", p->reference, "milestone",
                  inv_str_or_null(p->milestone), "amount", (json_int_t)p->amount, "method",
                  inv_str_or_null(p->method), "received_at", inv_str_or_null(p->received_at));
    if (!o) {
        return RB_ENOMEM;
    }
    *out = o;
    return RB_OK;
}

int inv_build_reversal(const struct inv_reversal *v, json_t **out)
{
    json_t *o;

    if (!v->reference || !v->reference[0] || !v->reason || !v->reason[0] || v->amount <= 0 ||
        (!v->reverses && !v->reverses_reference)) {
        return RB_EINVAL;
    }
    o = json_pack("{s:s, s:o, s:o, s:o, s:I, s:s, s:o}", "reference", v->reference, "reverses",
                  inv_str_or_null(v->reverses), "reverses_reference",
                  inv_str_or_null(v->reverses_reference), "milestone",
                  inv_str_or_null(v->milestone), "amount", (json_int_t)v->amount, "reason",
                  v->reason, "reversed_at", inv_str_or_null(v->reversed_at));
    if (!o) {
        return RB_ENOMEM;
    }
    *out = o;
    return RB_OK;
}

int inv_build_plan(int64_t revision, int64_t amount, const json_t *milestones, json_t **out)
{
    json_t *o;

    if (revision <= 0 || amount < 0 || !json_is_array(milestones)) {
        return RB_EINVAL;
    }
    o = json_pack("{s:I, s:I, s:O}", "revision", (json_int_t)revision, "amount", (json_int_t)amount,
                  "milestones", (json_t *)milestones);
    if (!o) {
        return RB_ENOMEM;
    }
    *out = o;
    return RB_OK;
}

/* ---- classification ---------------------------------------------------- */

const char *inv_class_name(enum inv_class c)
{
    switch (c) {
    case INV_OK:
        return "ok";
    case INV_RETRY:
        return "retry";
    case INV_ALERT:
        return "alert";
    case INV_PERMANENT:
        return "permanent";
    }
    return "permanent";
}

void inv_result_init(struct inv_result *r)
{
    memset(r, 0, sizeof(*r));
    r->cls = INV_RETRY;
}

void inv_result_release(struct inv_result *r)
{
    if (!r) {
        return;
    }
    free(r->error);
    free(r->booking_id);
    free(r->payment_id);
    inv_result_init(r);
}

static enum inv_class inv_status_class(long status)
{
    if (status >= 200 && status < 300) {
        return INV_OK;
    }
    if (status >= 500 || status == 408 || status == 429) {
        return INV_RETRY;
    }
    if (status == 401 || status == 403) {
        return INV_ALERT;
    }
    if (status >= 400) {
        return INV_PERMANENT;
    }
    return INV_RETRY; /* 1xx/3xx: not what this API answers */
}

int inv_classify(long status, enum http_transport t, const char *body, size_t len,
                 struct inv_result *r)
{
    json_t *root;
    const json_t *e;
    const char *msg;

    inv_result_release(r);
    r->http_status = status;
    r->transport = t;
    r->cls = t == HTTP_T_OK ? inv_status_class(status) : INV_RETRY;
    if (t != HTTP_T_OK || r->cls == INV_OK || !body) {
        return RB_OK;
    }
    root = json_loadb(body, len, 0, NULL);
    e = json_object_get(root, "error");
    msg =
        json_is_string(e) ? json_string_value(e) : json_string_value(json_object_get(e, "message"));
    if (msg) {
        r->error = strdup(msg);
    }
    json_decref(root);
    return msg && !r->error ? RB_ENOMEM : RB_OK;
}

/* ---- calls ------------------------------------------------------------- */

/* The URL {base}/v1/bookings[/{id}] and the bearer header line. */
static int inv_prepare(const struct inv_conf *conf, const char *id, struct buf *url,
                       struct buf *auth)
{
    const char *base = conf->base;
    size_t blen = base ? strlen(base) : 0;

    while (blen > 0 && base[blen - 1] == '/') {
        blen--;
    }
    if (blen == 0 || !http_header_value_ok(base) || !http_header_value_ok(conf->api_key)) {
        return RB_EINVAL;
    }
    if (buf_add(url, base, blen) || buf_adds(url, "/v1/bookings") ||
        (id && buf_addf(url, "/%s", id)) ||
        buf_addf(auth, "Authorization: Bearer %s", conf->api_key)) {
        return buf_err(url) ? buf_err(url) : buf_err(auth);
    }
    return RB_OK;
}

static bool inv_key_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;

    return n > 0 && n <= 200 &&
           strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~:-") == n;
}

/* Sends one request and classifies it into r; RB_OK unless the request
 * could not be made (RB_EINVAL, RB_ENOMEM). */
static int inv_exchange(struct http_client *h, const struct http_request *req,
                        struct http_response *res, struct inv_result *r)
{
    int rc = http_perform(h, req, res);

    if (rc == RB_EINVAL || rc == RB_ENOMEM) {
        return rc;
    }
    rc = inv_classify(res->status, res->transport, res->body.p, res->body.len, r);
    r->total_ms = res->total_ms;
    return rc;
}

/*
 * The one write: POSTs json to {base}/v1/bookings[/{booking_id}[tail]] with
 * Idempotency-Key key (both checked by the caller) and classifies the
 * answer into r; on a 2xx the answer's id_field becomes *id (new; a 2xx
 * without one is INV_RETRY). Return codes as inv_booking_create.
 */
static int inv_post(struct http_client *h, const struct inv_conf *conf, const char *booking_id,
                    const char *tail, const char *key, const json_t *json, const char *id_field,
                    char **id, struct inv_result *r)
{
    struct buf url, auth, idem;
    struct http_response res;
    struct http_request req = {"POST", NULL, NULL, NULL, 0, 0};
    const char *headers[3] = {NULL, NULL, NULL};
    char *body = NULL;
    int rc;

    buf_init(&url, 4096);
    buf_init(&auth, 8192);
    buf_init(&idem, 512);
    http_response_init(&res, INV_RESPONSE_MAX);
    r->cls = INV_ALERT;
    rc = inv_prepare(conf, booking_id, &url, &auth);
    rc = rc ? rc : tail ? buf_adds(&url, tail) : RB_OK;
    rc = rc ? rc : buf_addf(&idem, "Idempotency-Key: %s", key);
    if (!rc) {
        body = json_dumps(json, JSON_COMPACT);
        rc = body ? RB_OK : RB_ENOMEM;
    }
    if (rc) {
        goto out;
    }
    headers[0] = auth.p;
    headers[1] = idem.p;
    req.url = url.p;
    req.headers = headers;
    req.body = body;
    req.body_len = strlen(body);
    rc = inv_exchange(h, &req, &res, r);
    if (!rc && r->cls == INV_OK) {
        rc = inv_parse_id(res.body.p, res.body.len, id_field, id);
        if (rc == RB_EPARSE) {
            r->cls = INV_RETRY; /* a 2xx we cannot read */
            rc = RB_OK;
        }
    }
out:
    free(body);
    http_response_release(&res);
    buf_release(&idem);
    buf_release(&auth);
    buf_release(&url);
    return rc;
}

/*
 * Every write: r is reset; built is the body builder's outcome (json its
 * NEW body); the key and the booking id (when given) are checked, then
 * inv_post sends it. json is released; running out of memory retries.
 */
static int inv_write(struct http_client *h, const struct inv_conf *conf, const char *booking_id,
                     const char *tail, const char *key, int built, json_t *json,
                     const char *id_field, char **id, struct inv_result *r)
{
    int rc = built;

    inv_result_release(r);
    r->cls = INV_PERMANENT;
    if (!rc && (!inv_key_ok(key) || (booking_id && !http_path_segment_ok(booking_id)))) {
        rc = RB_EINVAL;
    }
    rc = rc ? rc : inv_post(h, conf, booking_id, tail, key, json, id_field, id, r);
    json_decref(json);
    if (rc == RB_ENOMEM) {
        r->cls = INV_RETRY;
    }
    return rc;
}

int inv_booking_create(struct http_client *h, const struct inv_conf *conf,
                       const struct inv_booking *b, const char *idempotency_key,
                       struct inv_result *r)
{
    json_t *json = NULL;
    int rc = inv_build_booking(b, &json);

    return inv_write(h, conf, NULL, NULL, idempotency_key, rc, json, "booking_id", &r->booking_id,
                     r);
}

/* GET /v1/bookings/{id}, its body read by parse into out: the booking's
 * milestones and its payments come from the same answer. */
static int inv_booking_read(struct http_client *h, const struct inv_conf *conf,
                            const char *booking_id,
                            int (*parse)(const char *body, size_t len, void *out), void *out,
                            struct inv_result *r)
{
    struct buf url, auth;
    struct http_response res;
    struct http_request req = {"GET", NULL, NULL, NULL, 0, 0};
    const char *headers[2] = {NULL, NULL};
    int rc;

    buf_init(&url, 4096);
    buf_init(&auth, 8192);
    http_response_init(&res, INV_RESPONSE_MAX);
    inv_result_release(r);
    r->cls = INV_PERMANENT;
    rc = http_path_segment_ok(booking_id) ? RB_OK : RB_EINVAL;
    if (!rc) {
        r->cls = INV_ALERT;
        rc = inv_prepare(conf, booking_id, &url, &auth);
    }
    if (rc) {
        goto out;
    }
    headers[0] = auth.p;
    req.url = url.p;
    req.headers = headers;
    rc = inv_exchange(h, &req, &res, r);
    if (!rc && r->cls == INV_OK) {
        rc = parse(res.body.p, res.body.len, out);
        if (rc == RB_EPARSE) {
            r->cls = INV_RETRY; /* a 2xx we cannot read */
            rc = RB_OK;
        }
    }
out:
    if (rc == RB_ENOMEM) {
        r->cls = INV_RETRY;
    }
    http_response_release(&res);
    buf_release(&auth);
    buf_release(&url);
    return rc;
}

static int parse_milestones(const char *body, size_t len, void *out)
{
    return inv_parse_milestones(body, len, out);
}

static int parse_payments(const char *body, size_t len, void *out)
{
    return inv_parse_payments(body, len, out);
}

int inv_booking_get(struct http_client *h, const struct inv_conf *conf, const char *booking_id,
                    struct inv_milestones *out, struct inv_result *r)
{
    return inv_booking_read(h, conf, booking_id, parse_milestones, out, r);
}

int inv_payment_create(struct http_client *h, const struct inv_conf *conf, const char *booking_id,
                       const struct inv_receipt *p, struct inv_result *r)
{
    json_t *json = NULL;
    int rc = booking_id ? inv_build_receipt(p, &json) : RB_EINVAL;

    return inv_write(h, conf, booking_id, "/payments", p->reference, rc, json, "payment_id",
                     &r->payment_id, r);
}

int inv_reversal_create(struct http_client *h, const struct inv_conf *conf, const char *booking_id,
                        const struct inv_reversal *v, struct inv_result *r)
{
    json_t *json = NULL;
    int rc = booking_id ? inv_build_reversal(v, &json) : RB_EINVAL;

    return inv_write(h, conf, booking_id, "/reversals", v->reference, rc, json, "reversal_id",
                     &r->payment_id, r);
}

int inv_plan_push(struct http_client *h, const struct inv_conf *conf, const char *booking_id,
                  const char *idempotency_key, int64_t revision, int64_t amount,
                  const json_t *milestones, struct inv_result *r)
{
    json_t *json = NULL;
    int rc = booking_id ? inv_build_plan(revision, amount, milestones, &json) : RB_EINVAL;

    return inv_write(h, conf, booking_id, "/plan", idempotency_key, rc, json, "booking_id",
                     &r->booking_id, r);
}

int inv_booking_payments(struct http_client *h, const struct inv_conf *conf, const char *booking_id,
                         struct inv_payments *out, struct inv_result *r)
{
    return inv_booking_read(h, conf, booking_id, parse_payments, out, r);
}
