/*
 * fake_invoicing.c - fake_upstream's invoicing REST API: bookings made
 * idempotently, their milestones, payments, reversals and plans.
 */
#include <stdlib.h>
#include <string.h>

#include "fake.h"

/* ---- invoicing ------------------------------------------------------ */

static void inv_fault(struct call *c, struct reply *rep)
{
    switch (c->fault.mode) {
    case M_HTTP500:
        reply_text(rep, 500, CT_JSON, "{\"error\":\"internal_error\"}");
        break;
    case M_HTTP503:
        reply_text(rep, 503, CT_JSON, "{\"error\":\"unavailable\"}");
        break;
    case M_HTTP429:
        reply_text(rep, 429, CT_JSON, "{\"error\":\"rate_limited\"}");
        rep->retry_after = "1";
        break;
    case M_HANG:
        reply_text(rep, 504, CT_JSON, "{\"error\":\"timeout\"}");
        break;
    default:
        reply_garbage(rep);
        break;
    }
}

/* Finds or creates the booking for key. Returns a new copy of its id and
 * sets *existed; NULL when out of memory. */
static char *booking_upsert(struct fake *f, const char *key, bool *existed)
{
    const char *id;
    char *copy = NULL;
    json_t *made;

    pthread_mutex_lock(&f->mu);
    id = json_string_value(json_object_get(f->bookings, key));
    *existed = id != NULL;
    if (!id) {
        made = json_sprintf("INV-%" JSON_INTEGER_FORMAT, ++f->booking);
        id = json_string_value(made);
        json_object_set_new_nocheck(f->bookings, key, made);
        if (id && !json_object_get(f->milestones, id)) {
            json_object_set_new(f->milestones, id, json_array());
        }
    }
    copy = id ? strdup(id) : NULL;
    pthread_mutex_unlock(&f->mu);
    return copy;
}

/* POST /invoicing/v1/bookings */
static void inv_create(struct call *c, struct reply *rep)
{
    const char *key = header(c->con, "Idempotency-Key");
    bool existed;
    char *id;

    if (!nonempty(key)) {
        reply_text(rep, 400, CT_JSON, "{\"error\":\"idempotency_key_required\"}");
        return;
    }
    if (!json_is_object(c->json)) {
        reply_text(rep, 400, CT_JSON, "{\"error\":\"invalid_json\"}");
        return;
    }
    id = booking_upsert(c->f, key, &existed);
    if (id) {
        reply_json(
            rep, existed ? 200 : 201,
            json_pack("{s:s,s:s}", "booking_id", id, "status", existed ? "existing" : "created"));
    }
    free(id);
}

/* GET /invoicing/v1/bookings/{booking_id} */
static void inv_get(struct call *c, struct reply *rep)
{
    json_t *ms, *ps, *rs, *plan;

    pthread_mutex_lock(&c->f->mu);
    ms = json_deep_copy(json_object_get(c->f->milestones, c->arg));
    ps = json_deep_copy(json_object_get(c->f->payments, c->arg));
    rs = json_deep_copy(json_object_get(c->f->reversals, c->arg));
    plan = json_deep_copy(json_object_get(c->f->plans, c->arg));
    pthread_mutex_unlock(&c->f->mu);
    if (!ms) {
        json_decref(ps);
        json_decref(rs);
        json_decref(plan);
        reply_text(rep, 404, CT_JSON, "{\"error\":\"not_found\"}");
    } else {
        json_t *o =
            json_pack("{s:o,s:o,s:o,s:o}", "booking_id", jtext(c->arg), "milestones", ms,
                      "payments", ps ? ps : json_array(), "reversals", rs ? rs : json_array());
        if (o && plan) {
            json_object_set(o, "revision", json_object_get(plan, "revision"));
            json_object_set(o, "amount", json_object_get(plan, "amount"));
        }
        json_decref(plan);
        reply_json(rep, 200, o);
    }
}

/* Adds payment p (taken) to booking id; false when there is no booking. */
bool payment_add_locked(struct fake *f, const char *id, json_t *p)
{
    json_t *list = json_object_get(f->payments, id);

    if (!json_object_get(f->milestones, id)) {
        json_decref(p);
        return false;
    }
    if (!list) {
        list = json_array();
        json_object_set_new(f->payments, id, list);
    }
    json_array_append_new(list, p);
    return true;
}

/* POST /invoicing/v1/bookings/{booking_id}/payments: a receipt Rabta
 * recorded; idempotent by Idempotency-Key (the same key answers 200 with
 * the same payment id, whatever the body). */
static void inv_pay(struct call *c, struct reply *rep)
{
    const char *key = header(c->con, "Idempotency-Key");
    json_t *amount = json_object_get(c->json, "amount"), *made = NULL;
    const char *have;
    char *id = NULL;
    bool existed = false, booked = true;

    if (!nonempty(key)) {
        reply_text(rep, 400, CT_JSON, "{\"error\":\"idempotency_key_required\"}");
        return;
    }
    if (!json_is_object(c->json) || !json_is_integer(amount) || json_integer_value(amount) <= 0) {
        reply_text(rep, 422, CT_JSON, "{\"error\":\"invalid_payment\"}");
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    have = json_string_value(json_object_get(c->f->pay_keys, key));
    existed = have != NULL;
    if (!have) {
        made = json_sprintf("PAY-%" JSON_INTEGER_FORMAT, ++c->f->payment);
        json_t *p = json_deep_copy(c->json);
        json_object_set(p, "payment_id", made);
        booked = payment_add_locked(c->f, c->arg, p);
        if (booked) {
            json_object_set_nocheck(c->f->pay_keys, key, made);
        }
        have = json_string_value(made);
    }
    id = have ? strdup(have) : NULL;
    json_decref(made);
    pthread_mutex_unlock(&c->f->mu);
    if (!booked) {
        reply_text(rep, 404, CT_JSON, "{\"error\":\"not_found\"}");
    } else if (id) {
        reply_json(
            rep, existed ? 200 : 201,
            json_pack("{s:s,s:s}", "payment_id", id, "status", existed ? "existing" : "created"));
    }
    free(id);
}

/* The payment of booking id that reversal body v names (by "reverses",
 * its payment_id, or "reverses_reference", its reference); borrowed, NULL
 * when none. Under f->mu. */
static json_t *payment_named_locked(struct fake *f, const char *id, const json_t *v)
{
    const char *pid = json_string_value(json_object_get(v, "reverses"));
    const char *ref = json_string_value(json_object_get(v, "reverses_reference"));
    json_t *list = json_object_get(f->payments, id), *p;
    size_t i;

    json_array_foreach (list, i, p) {
        const char *a = json_string_value(json_object_get(p, "payment_id"));
        const char *b = json_string_value(json_object_get(p, "reference"));
        if ((pid && a && strcmp(pid, a) == 0) || (ref && b && strcmp(ref, b) == 0)) {
            return p;
        }
    }
    return NULL;
}

/* POST /invoicing/v1/bookings/{booking_id}/reversals: a receipt taken back
 * in Rabta; idempotent by Idempotency-Key. The payment it names must be
 * the booking's (404 payment_not_found) and not reversed yet (409
 * already_reversed); the reversal is kept in the booking's reversals and
 * the payment gets "reversed_by". */
static void inv_reverse(struct call *c, struct reply *rep)
{
    const char *key = header(c->con, "Idempotency-Key");
    json_t *amount = json_object_get(c->json, "amount"), *made = NULL, *pay, *list;
    const char *have;
    char *id = NULL;
    int status = 201;

    if (!nonempty(key)) {
        reply_text(rep, 400, CT_JSON, "{\"error\":\"idempotency_key_required\"}");
        return;
    }
    if (!json_is_object(c->json) || !json_is_integer(amount) || json_integer_value(amount) <= 0 ||
        !json_is_string(json_object_get(c->json, "reason"))) {
        reply_text(rep, 422, CT_JSON, "{\"error\":\"invalid_reversal\"}");
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    have = json_string_value(json_object_get(c->f->pay_keys, key));
    pay = have ? NULL : payment_named_locked(c->f, c->arg, c->json);
    if (have) {
        status = 200;
    } else if (!json_object_get(c->f->milestones, c->arg)) {
        status = 404;
    } else if (!pay) {
        status = 404;
    } else if (json_object_get(pay, "reversed_by")) {
        status = 409;
    } else {
        made = json_sprintf("REV-%" JSON_INTEGER_FORMAT, ++c->f->reversal);
        json_t *r = json_deep_copy(c->json);
        json_object_set(r, "reversal_id", made);
        json_object_set(pay, "reversed_by", made);
        list = json_object_get(c->f->reversals, c->arg);
        if (!list) {
            list = json_array();
            json_object_set_new(c->f->reversals, c->arg, list);
        }
        json_array_append_new(list, r);
        json_object_set_nocheck(c->f->pay_keys, key, made);
        have = json_string_value(made);
    }
    id = have ? strdup(have) : NULL;
    json_decref(made);
    pthread_mutex_unlock(&c->f->mu);
    if (status == 404) {
        reply_text(rep, 404, CT_JSON, "{\"error\":\"payment_not_found\"}");
    } else if (status == 409) {
        reply_text(rep, 409, CT_JSON, "{\"error\":\"already_reversed\"}");
    } else if (id) {
        reply_json(rep, status,
                   json_pack("{s:s,s:s}", "reversal_id", id, "status",
                             status == 200 ? "existing" : "created"));
    }
    free(id);
}

/* POST /invoicing/v1/bookings/{booking_id}/plan: the plan again; the
 * highest revision wins (a lower or equal one is kept as "stale"). */
static void inv_plan(struct call *c, struct reply *rep)
{
    const char *key = header(c->con, "Idempotency-Key");
    json_t *rev = json_object_get(c->json, "revision"),
           *ms = json_object_get(c->json, "milestones");
    json_t *plan;
    json_int_t have = 0;
    bool known, newer = false;

    if (!nonempty(key)) {
        reply_text(rep, 400, CT_JSON, "{\"error\":\"idempotency_key_required\"}");
        return;
    }
    if (!json_is_object(c->json) || !json_is_integer(rev) || json_integer_value(rev) <= 0 ||
        !json_is_array(ms)) {
        reply_text(rep, 422, CT_JSON, "{\"error\":\"invalid_plan\"}");
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    known = json_object_get(c->f->milestones, c->arg) != NULL;
    plan = json_object_get(c->f->plans, c->arg);
    have = json_integer_value(json_object_get(plan, "revision"));
    if (known && json_integer_value(rev) > have) {
        newer = true;
        have = json_integer_value(rev);
        json_object_set_new(c->f->milestones, c->arg, json_deep_copy(ms));
        json_object_set_new(c->f->plans, c->arg,
                            json_pack("{s:I,s:O?}", "revision", have, "amount",
                                      json_object_get(c->json, "amount")));
    }
    pthread_mutex_unlock(&c->f->mu);
    if (!known) {
        reply_text(rep, 404, CT_JSON, "{\"error\":\"not_found\"}");
    } else {
        reply_json(rep, 200,
                   json_pack("{s:s,s:I,s:s}", "booking_id", c->arg, "revision", have, "status",
                             newer ? "updated" : "stale"));
    }
}

/* Which write a POST with a booking id is: ".../payments", ".../reversals"
 * or ".../plan". */
static void inv_write(struct call *c, struct reply *rep)
{
    size_t n = strlen(c->url);

    if (!c->arg) {
        inv_create(c, rep);
    } else if (n > 10 && strcmp(c->url + n - 10, "/reversals") == 0) {
        inv_reverse(c, rep);
    } else if (n > 5 && strcmp(c->url + n - 5, "/plan") == 0) {
        inv_plan(c, rep);
    } else {
        inv_pay(c, rep);
    }
}

void inv_handle(struct call *c, struct reply *rep)
{
    bool get = strcmp(c->method, "GET") == 0;

    if (c->fault.mode == M_HANG && !get && bearer(c->con)) {
        /* the work is done, the answer is lost: what a retry must survive */
        inv_write(c, rep);
        inv_fault(c, rep);
    } else if (c->fault.mode > M_OK) {
        inv_fault(c, rep);
    } else if (!bearer(c->con)) {
        reply_text(rep, 401, CT_JSON, "{\"error\":\"unauthorized\"}");
    } else if (c->arg && get) {
        inv_get(c, rep);
    } else {
        inv_write(c, rep);
    }
}
