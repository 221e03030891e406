/*
 * graph_leads.h - fetching one Meta Lead Ads lead from the Graph API.
 *
 *   GET {base}/{version}/{leadgen_id}?fields=id,created_time,ad_id,ad_name,
 *       adset_id,adset_name,campaign_id,campaign_name,form_id,is_organic,
 *       platform,field_data
 *   Authorization: Bearer <page token>
 *
 * Ids stay text: Meta sends them as strings or as JSON numbers (18-digit ad
 * ids do not fit a double), so numbers are read with json_integer_value and
 * printed as decimal, never through a double. field_data becomes name ->
 * first value pairs; mapping form keys to lead fields is the caller's job
 * (config [meta_leads]).
 *
 * graph_lead_parse and graph_classify are pure; graph_lead_fetch does the
 * call on the caller's http_client. Nothing here logs or retries.
 */
#ifndef RB_EGRESS_GRAPH_LEADS_H
#define RB_EGRESS_GRAPH_LEADS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "egress/http_client.h"

#define GRAPH_LEAD_FIELDS                                                                          \
    "id,created_time,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,form_id,"         \
    "is_organic,platform,field_data"
#define GRAPH_RESPONSE_MAX ((size_t)256 * 1024)

struct graph_lead_field {
    char *name;  /* "full_name", "which_hall_are_you_interested_in?" */
    char *value; /* the first of its values, "" when the list was empty */
};

/* A lead; every string is owned (new) and may be NULL when Meta left it out. */
struct graph_lead {
    char *id;
    char *created_time; /* "2026-11-20T09:02:09+0000", as sent */
    char *ad_id, *ad_name;
    char *adset_id, *adset_name;
    char *campaign_id, *campaign_name;
    char *form_id;
    char *platform; /* "fb", "ig" */
    int is_organic; /* 1, 0, or -1 when absent */
    struct graph_lead_field *fields;
    size_t nfields;
};

void graph_lead_init(struct graph_lead *l);
/* Frees everything and re-inits. Accepts NULL. */
void graph_lead_release(struct graph_lead *l);

/*
 * Parses a 200 body into out (which must be freshly initialised; it is
 * filled only on success). RB_EPARSE when the body is not a JSON object with
 * an "id"; RB_ENOMEM.
 */
RB_MUST_CHECK int graph_lead_parse(const char *body, size_t len, struct graph_lead *out);

/* The first value of field name, or NULL. Borrowed from l. */
const char *graph_lead_field(const struct graph_lead *l, const char *name);

enum graph_class {
    GRAPH_OK = 0,
    GRAPH_RETRY,     /* 1, 2, 4, 17, 32, 613, 80001, 5xx, timeouts, transport, bad bodies */
    GRAPH_ALERT,     /* 190 token problem, 0/3/10/102/200-299 permissions: keep the job, alert */
    GRAPH_PERMANENT, /* 100/33 (no such lead, test lead, no access) and other 4xx */
};

/* "ok", "retry", "alert", "permanent". */
const char *graph_class_name(enum graph_class c);

struct graph_result {
    enum graph_class cls;
    long http_status;
    enum http_transport transport;
    long long code;    /* error.code, -1 when none */
    long long subcode; /* error.error_subcode, -1 when none */
    char *message;     /* new string or NULL: error.message */
    int64_t total_ms;
};

void graph_result_init(struct graph_result *r);
void graph_result_release(struct graph_result *r);

/*
 * Classifies one exchange into r (released and refilled). Pure. A 200 is
 * GRAPH_OK here; whether its body parses is graph_lead_parse's business.
 * RB_OK or RB_ENOMEM.
 */
RB_MUST_CHECK int graph_classify(long status, enum http_transport t, const char *body, size_t len,
                                 struct graph_result *r);

struct graph_conf {
    const char *base;    /* GRAPH_API_BASE; NULL = https://graph.facebook.com */
    const char *version; /* GRAPH_API_VERSION; NULL = v26.0 */
    const char *token;   /* META_PAGE_TOKEN (or the WhatsApp token); never logged */
};

/*
 * Fetches lead leadgen_id (digits only; anything else is RB_EINVAL) into
 * *lead (freshly initialised; filled only when r->cls is GRAPH_OK) and
 * classifies the exchange into r. Returns RB_OK when r says what happened
 * -- look at r->cls -- including a 200 whose body does not parse (then
 * r->cls is GRAPH_RETRY); RB_EINVAL for a bad id or conf (r->cls
 * GRAPH_PERMANENT for the id, GRAPH_ALERT for the conf); RB_ENOMEM.
 */
RB_MUST_CHECK int graph_lead_fetch(struct http_client *h, const struct graph_conf *conf,
                                   const char *leadgen_id, struct graph_lead *lead,
                                   struct graph_result *r);

#endif
