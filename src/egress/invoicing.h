/*
 * invoicing.h - the client of our invoicing API.
 *
 *   POST {base}/v1/bookings          create (idempotent by Idempotency-Key)
 *        Authorization: Bearer <INVOICING_API_KEY>
 *        Idempotency-Key: <key>
 *        {"lead_id","client_name","phone","event_date","guests","hall",
 *         "slot","package","amount"}
 *        201 (created) or 200 (the key was seen: the same booking)
 *        -> {"booking_id": "INV-7", ...}
 *        (with "milestones": [{"milestone","amount","due_date"}] when planned)
 *   GET  {base}/v1/bookings/{id}     -> {"booking_id", "milestones": [
 *        {"milestone","amount","status","due_date","paid_at"}, ...],
 *        "payments": [{"payment_id","milestone","amount","method",
 *        "received_at","reference"}, ...]}
 *   POST {base}/v1/bookings/{id}/payments   a receipt recorded in Rabta
 *        (idempotent by Idempotency-Key)
 *        {"reference","milestone","amount","method","received_at"}
 *        201 or 200 -> {"payment_id": "PAY-3", ...}
 *   POST {base}/v1/bookings/{id}/reversals  a receipt taken back in Rabta
 *        (idempotent by Idempotency-Key, the reversal's own reference)
 *        {"reference","reverses","reverses_reference","milestone","amount",
 *         "reason","reversed_at"}
 *        201 or 200 -> {"reversal_id": "REV-2", ...}
 *   POST {base}/v1/bookings/{id}/plan       the milestone plan again after
 *        a change (idempotent by Idempotency-Key; a lower revision than
 *        the one invoicing has is ignored there)
 *        {"revision","amount","milestones":[{"milestone","amount","due_date"}]}
 *        201 or 200 -> {"booking_id": "INV-7", ...}
 *
 * base is INVOICING_API_BASE as configured (the fake upstream serves it
 * under /invoicing). The same idempotency key must be sent on every retry
 * of one push (use something stable such as "lead-42-booking"), so a retry
 * after a lost answer cannot book twice.
 *
 * Builders, parsers and inv_classify are pure; the two calls use the
 * caller's http_client. Nothing here logs or retries.
 */
#ifndef RB_EGRESS_INVOICING_H
#define RB_EGRESS_INVOICING_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"
#include "egress/http_client.h"

#define INV_RESPONSE_MAX ((size_t)256 * 1024)

/* A booking to push; strings borrowed, NULL ones are sent as null. */
struct inv_booking {
    const char *lead_id; /* "42" */
    const char *client_name;
    const char *phone;      /* E.164 */
    const char *event_date; /* YYYY-MM-DD */
    int64_t guests;         /* 0 = unknown (sent as null) */
    const char *hall;
    const char *slot; /* lunch, dinner, full_day */
    const char *package;
    int64_t amount;           /* whole rupees, > 0 */
    const json_t *milestones; /* borrowed, NULL = none: the plan, an array of
                                 {"milestone","amount","due_date"} */
};

/*
 * The JSON body of b as a NEW object. RB_EINVAL when lead_id, client_name or
 * event_date is missing or amount is not positive; RB_ENOMEM.
 */
RB_MUST_CHECK int inv_build_booking(const struct inv_booking *b, json_t **out);

struct inv_milestone {
    char *milestone; /* "advance", "mid", "final" (as the API names them) */
    int64_t amount;  /* rupees; 0 when absent */
    char *status;    /* "paid", "pending", "overdue"... as sent */
    char *due_date;  /* may be NULL */
    char *paid_at;   /* may be NULL */
};

struct inv_milestones {
    struct inv_milestone *v;
    size_t n;
};

void inv_milestones_init(struct inv_milestones *m);
void inv_milestones_release(struct inv_milestones *m);

/* Parses {"booking_id": "..."} (a string or an integer id) into a NEW
 * string. RB_EPARSE when there is none. */
RB_MUST_CHECK int inv_parse_created(const char *body, size_t len, char **booking_id);
/* Parses {"milestones": [...]} (or a bare array) into out (freshly
 * initialised, filled only on success). Entries without a "milestone" name
 * are skipped. RB_EPARSE, RB_ENOMEM. */
RB_MUST_CHECK int inv_parse_milestones(const char *body, size_t len, struct inv_milestones *out);

enum inv_class {
    INV_OK = 0,
    INV_RETRY,     /* 5xx, 408, 429, timeouts, transport, unreadable 2xx */
    INV_ALERT,     /* 401, 403: the key is wrong; keep the job, alert */
    INV_PERMANENT, /* other 4xx: this request will never succeed */
};

/* "ok", "retry", "alert", "permanent". */
const char *inv_class_name(enum inv_class c);

struct inv_result {
    enum inv_class cls;
    long http_status;
    enum http_transport transport;
    char *error;      /* new string or NULL: the body's "error" (string or
                         {"message"}) for logs */
    char *booking_id; /* new string: set on INV_OK from inv_booking_create */
    char *payment_id; /* new string: set on INV_OK from inv_payment_create
                         (the reversal's id from inv_reversal_create) */
    int64_t total_ms;
};

void inv_result_init(struct inv_result *r);
void inv_result_release(struct inv_result *r);

/* Classifies an exchange by status and transport into r (released first).
 * Pure; RB_OK or RB_ENOMEM. A 2xx is INV_OK here. */
RB_MUST_CHECK int inv_classify(long status, enum http_transport t, const char *body, size_t len,
                               struct inv_result *r);

struct inv_conf {
    const char *base;    /* INVOICING_API_BASE, e.g. https://invoicing.example/api */
    const char *api_key; /* INVOICING_API_KEY; never logged */
};

/*
 * Pushes b with idempotency_key (1-200 bytes of [A-Za-z0-9._~:-]); on a 200
 * or 201 with a booking id r->cls is INV_OK and r->booking_id is set; a 2xx
 * without one is INV_RETRY. Returns RB_OK when r says what happened;
 * RB_EINVAL for a bad booking, key or conf (r->cls INV_PERMANENT for the
 * first two, INV_ALERT for the conf); RB_ENOMEM.
 */
RB_MUST_CHECK int inv_booking_create(struct http_client *h, const struct inv_conf *conf,
                                     const struct inv_booking *b, const char *idempotency_key,
                                     struct inv_result *r);

/*
 * Reads the milestones of booking_id ([A-Za-z0-9._~-]) into *out (freshly
 * initialised; filled only when r->cls is INV_OK; a 200 that does not parse
 * is INV_RETRY). A 404 is INV_PERMANENT. Same return codes as above.
 */
RB_MUST_CHECK int inv_booking_get(struct http_client *h, const struct inv_conf *conf,
                                  const char *booking_id, struct inv_milestones *out,
                                  struct inv_result *r);

/* A payment as invoicing reports it (strings new, NULL when absent). */
struct inv_payment {
    char *payment_id;
    char *milestone;
    int64_t amount; /* rupees; 0 when absent or unreadable */
    char *method;
    char *received_at;
    char *reference; /* ours ("rabta-entry-12") when Rabta pushed it */
};

struct inv_payments {
    struct inv_payment *v;
    size_t n;
};

void inv_payment_release(struct inv_payment *p); /* zeroes it */
void inv_payments_init(struct inv_payments *p);
void inv_payments_release(struct inv_payments *p);
/* Reads one payment object into p (freshly initialised). RB_EPARSE when
 * it has no payment_id; RB_ENOMEM. */
RB_MUST_CHECK int inv_read_payment(const json_t *o, struct inv_payment *p);
/* Parses {"payments": [...]} into out (entries without a payment_id are
 * skipped; a booking without the array has none). RB_EPARSE, RB_ENOMEM. */
RB_MUST_CHECK int inv_parse_payments(const char *body, size_t len, struct inv_payments *out);

/* A receipt to push; strings borrowed, NULL sent as null. */
struct inv_receipt {
    const char *reference; /* "rabta-entry-12", also the idempotency key */
    const char *milestone;
    int64_t amount; /* > 0 */
    const char *method;
    const char *received_at; /* ISO 8601 */
};

/* The JSON body of a receipt as a NEW object; RB_EINVAL, RB_ENOMEM. */
RB_MUST_CHECK int inv_build_receipt(const struct inv_receipt *p, json_t **out);

/*
 * Pushes receipt p to booking_id with its reference as the idempotency key;
 * on INV_OK r->payment_id is set (a 2xx without one is INV_RETRY). Return
 * codes as inv_booking_create.
 */
RB_MUST_CHECK int inv_payment_create(struct http_client *h, const struct inv_conf *conf,
                                     const char *booking_id, const struct inv_receipt *p,
                                     struct inv_result *r);

/*
 * Reads booking_id's payments into *out (freshly initialised; filled only
 * when r->cls is INV_OK). As inv_booking_get.
 */
RB_MUST_CHECK int inv_booking_payments(struct http_client *h, const struct inv_conf *conf,
                                       const char *booking_id, struct inv_payments *out,
                                       struct inv_result *r);

/* A reversal to push: a receipt taken back. Strings borrowed, NULL sent as
 * null; reverses (invoicing's payment id) or reverses_reference (the
 * original's "rabta-entry-N") is needed. */
struct inv_reversal {
    const char *reference;          /* "rabta-entry-15", also the idempotency key */
    const char *reverses;           /* "PAY-31" */
    const char *reverses_reference; /* "rabta-entry-12" when Rabta pushed it */
    const char *milestone;
    int64_t amount; /* > 0: what is taken back */
    const char *reason;
    const char *reversed_at; /* ISO 8601 */
};

/* The JSON body of a reversal as a NEW object; RB_EINVAL, RB_ENOMEM. */
RB_MUST_CHECK int inv_build_reversal(const struct inv_reversal *v, json_t **out);

/*
 * Pushes reversal v to booking_id with its reference as the idempotency key;
 * on INV_OK r->payment_id holds invoicing's reversal id. Return codes as
 * inv_booking_create.
 */
RB_MUST_CHECK int inv_reversal_create(struct http_client *h, const struct inv_conf *conf,
                                      const char *booking_id, const struct inv_reversal *v,
                                      struct inv_result *r);

/* The body of a plan push, {"revision","amount","milestones"}, as a NEW
 * object (milestones, an array, is copied by reference). RB_EINVAL for a
 * revision that is not positive, a negative amount or no array. */
RB_MUST_CHECK int inv_build_plan(int64_t revision, int64_t amount, const json_t *milestones,
                                 json_t **out);

/*
 * Pushes booking_id's plan (revision, agreed amount, milestones) with
 * idempotency_key ("lead-42-plan-3"); on INV_OK r->booking_id is set.
 * Return codes as inv_booking_create.
 */
RB_MUST_CHECK int inv_plan_push(struct http_client *h, const struct inv_conf *conf,
                                const char *booking_id, const char *idempotency_key,
                                int64_t revision, int64_t amount, const json_t *milestones,
                                struct inv_result *r);

#endif
