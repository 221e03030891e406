/*
 * fake.h - what the pieces of fake_upstream share: the state (struct fake),
 * one request being answered (struct call) and its reply, the failure modes
 * tests queue, and the helpers every route handler uses.
 *
 *   fake_upstream.c   start-up, libmicrohttpd callbacks, routing, main
 *   fake_common.c     small helpers, replies, recordings, failure queues
 *   fake_control.c    the /_control/ routes tests steer the server with
 *   fake_graph.c      Graph API: WhatsApp sends and Lead Ads retrieval
 *   fake_gemini.c     Gemini generateContent
 *   fake_invoicing.c  the invoicing REST API
 *
 * The threading and ownership rules are at the top of fake_upstream.c.
 */
#ifndef FAKE_UPSTREAM_FAKE_H
#define FAKE_UPSTREAM_FAKE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <microhttpd.h>

#define BODY_MAX ((size_t)8 * 1024 * 1024)
#define HANG_DEFAULT_MS 30000
#define DELAY_MAX_MS 600000
#define COUNT_MAX 1000000
#define TOKEN_LEN 23
#define CONTROL_PREFIX "/_control/"

#define CT_JSON "application/json; charset=UTF-8"
#define CT_TEXT "text/plain; charset=UTF-8"
#define CT_HTML "text/html; charset=UTF-8"
#define CT_NDJSON "application/x-ndjson"

/* Fixed bodies. */
#define NO_ROUTE "{\"error\":\"no_route\"}"
#define GARBAGE "<html>oops</html>"

enum route { R_WHATSAPP, R_LEADS, R_GEMINI, R_INVOICING, R_OTHER, R_COUNT };
#define N_FAILABLE R_OTHER /* routes below this one take failure modes */

/* Each route's name in records and in ?route= filters (fake_common.c). */
extern const char *const route_names[R_COUNT];

enum mode {
    M_NONE,
    M_OK,
    M_HTTP500,
    M_HTTP503,
    M_HTTP429,
    M_WA131047,
    M_WA131056,
    M_WA190,
    M_WA131026,
    M_HANG,
    M_GARBAGE,
    M_MAX_TOKENS,
    M_BLOCKED,
    M_BAD_JSON,
    M_ENUM_VIOLATION,
    M_COUNT
};

/* Bodies from the reference directory; read-only after start-up. */
struct refs {
    char *wa_190, *wa_130429, *wa_131047; /* served byte for byte */
    char *gem_max_tokens, *gem_blocked, *gem_503;
    char *gem_429;        /* error_429.json with retryDelay "1s" */
    json_t *gem_429_json; /* error_429.json as read */
    json_t *lead_100_33;  /* template: the id goes into error.message */
    json_t *send_ok;      /* template: contacts[0], messages[0] replaced */
    json_t *gem_ok;       /* template: part text, usage, ids replaced */
};

/* The one piece of shared mutable state; every field below mu needs it. */
struct fake {
    pthread_mutex_t mu;
    pthread_cond_t wake; /* broadcast when stopping */
    bool stopping;
    json_int_t seq, wamid, booking, tokens, payment, reversal; /* counters, never reset */
    uint64_t salt;
    json_t *records;            /* array of request records */
    json_t *queues[N_FAILABLE]; /* arrays of {mode, delay_ms, left} */
    json_t *replies;            /* array of {text, left} */
    json_t *leads;              /* leadgen id -> lead object */
    json_t *bookings;           /* Idempotency-Key -> booking id */
    json_t *milestones;         /* booking id -> milestones array */
    json_t *templates;          /* approved name -> {"language", "params"}; {} = any */
    json_t *payments;           /* booking id -> payments array */
    json_t *pay_keys;           /* Idempotency-Key of a payment or reversal push -> its id */
    json_t *reversals;          /* booking id -> reversals array */
    json_t *plans;              /* booking id -> {"revision", "amount"} of the last plan push */
    FILE *log;
    struct refs ref;
};

/* Per-request state, owned by libmicrohttpd's request context. */
struct req {
    bool started;
    bool too_big;
    char *query; /* raw query string without '?', "" when absent */
    char *body;
    size_t len, cap;
};

struct fault {
    enum mode mode;
    long delay_ms;
};

/* One request being answered. */
struct call {
    struct fake *f;
    struct MHD_Connection *con;
    const char *method, *url;
    const struct req *req;
    json_t *json;       /* parsed body or NULL (owned) */
    char *arg;          /* variable path part: id, model (owned) */
    struct fault fault; /* M_NONE when the route's queue was empty */
};

struct reply {
    unsigned status;
    const char *ctype;
    char *body; /* malloc'd, owned */
    const char *retry_after;
};

/* ---- fake_common.c -------------------------------------------------- */

bool nonempty(const char *s);
/* Whether j is the JSON string lit. */
bool is_text(const json_t *j, const char *lit);
const char *header(struct MHD_Connection *con, const char *name);
const char *query_arg(struct MHD_Connection *con, const char *name);
/* Returns the token of "Authorization: Bearer <token>", or NULL. */
const char *bearer(struct MHD_Connection *con);
/* A new JSON string for s, null for NULL, a marker if s is not UTF-8. */
json_t *jtext(const char *s);
/* ++*counter under f->mu. */
json_int_t fake_next(struct fake *f, json_int_t *counter);
/* Fills out with a fresh opaque id such as Meta's fbtrace_id or Gemini's
 * responseId: TOKEN_LEN base64url characters. */
void make_token(struct fake *f, char out[TOKEN_LEN + 1]);
/* Waits ms milliseconds, or less if the server starts stopping. */
void fake_sleep(struct fake *f, long ms);

void reply_text(struct reply *rep, unsigned status, const char *ctype, const char *text);
/* Takes j. */
void reply_json(struct reply *rep, unsigned status, json_t *j);
void reply_bad_request(struct reply *rep, const char *detail);
/* Out of memory while building a reply turns it into an empty 500. */
void reply_fix(struct reply *rep);
/* Queues rep on con and takes its body. */
enum MHD_Result reply_send(struct MHD_Connection *con, struct reply *rep);
void reply_garbage(struct reply *rep);

/* Records the request with status null and returns a new reference to the
 * record, for record_finish(). NULL when out of memory. */
json_t *record_begin(struct call *c, enum route rt);
/* Sets the record's status, logs it, and releases rec. */
void record_finish(struct fake *f, json_t *rec, unsigned status);
/* route, status: filters; NULL and -1 match everything. */
bool record_matches(json_t *rec, const char *route, long status);

/* Appends entry (taken) and returns the number of answers now queued. */
json_int_t queue_push(struct fake *f, json_t *queue, json_t *entry);
/* The next queued failure of route rt; {M_NONE, 0} when there is none. */
struct fault fault_pop(struct fake *f, enum route rt);
/* Returns a new copy of the next canned Gemini text, or NULL. */
char *gemini_text_pop(struct fake *f);

/* ---- the routes (fake_graph.c, fake_gemini.c, fake_invoicing.c) ------ */

/* POST /{version}/{phone_number_id}/messages */
void wa_send(struct call *c, struct reply *rep);
/* GET /{version}/{leadgen_id} */
void lead_get(struct call *c, struct reply *rep);
/* POST /v1beta/models/{model}:generateContent */
void gem_generate(struct call *c, struct reply *rep);
/* Every /invoicing/v1/bookings route. */
void inv_handle(struct call *c, struct reply *rep);
/* Adds payment p (taken) to booking id; false when there is no booking.
 * Under f->mu. */
bool payment_add_locked(struct fake *f, const char *id, json_t *p);

/* ---- fake_control.c ------------------------------------------------- */

/* Answers a request under /_control/. */
void control(struct call *c, struct reply *rep);

#endif
