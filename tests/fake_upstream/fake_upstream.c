/*
 * fake_upstream: the upstream APIs Rabta calls, faked for the test suite.
 *
 * It speaks the wire formats of the WhatsApp Cloud API (sends, mark-as-read),
 * Meta Lead Ads retrieval (both on the Graph API), Gemini generateContent and
 * Rabta's invoicing API, on 127.0.0.1. Tests steer it through /_control/:
 * queue failures per route, queue Gemini answers, register leads, booking
 * milestones and payments, have it send signed invoicing webhooks, and read
 * back every request it received. README.md next to this file is the user's
 * manual.
 *
 * Threads: libmicrohttpd runs one thread per connection, so a request that is
 * told to hang blocks only its own connection. All shared state lives in one
 * struct fake and is touched only under fake.mu; values go in and out of it
 * as deep copies, so no jansson value (or reference count) is shared with a
 * request thread. The reference bodies in fake.ref are read-only once
 * start-up is over. Sleeps wait on fake.wake, so SIGTERM/SIGINT cut them
 * short and shutdown is prompt.
 *
 * Ownership: a request's state (struct req: raw query, body) is made by the
 * URI callback (or the handler's first call) and freed only in the
 * request-completed callback, which also runs when the client goes away.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/hmac.h>

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

/* Fixed bodies. Gemini's follow gemini-api.md §7 and §12.7. */
#define NO_ROUTE "{\"error\":\"no_route\"}"
#define GARBAGE "<html>oops</html>"
#define GEM_KEY_INVALID                                                                            \
    "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass "                       \
    "a valid API key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{"                            \
    "\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":"                           \
    "\"API_KEY_INVALID\",\"domain\":\"googleapis.com\",\"metadata\":{"                             \
    "\"service\":\"generativelanguage.googleapis.com\"}},{\"@type\":"                              \
    "\"type.googleapis.com/google.rpc.LocalizedMessage\",\"locale\":"                              \
    "\"en-US\",\"message\":\"API key not valid. Please pass a valid API "                          \
    "key.\"}]}}"
#define GEM_BAD_BODY                                                                               \
    "{\"error\":{\"code\":400,\"message\":\"Invalid JSON payload received. "                       \
    "Unexpected token.\",\"status\":\"INVALID_ARGUMENT\"}}"
#define GEM_NO_CONTENTS                                                                            \
    "{\"error\":{\"code\":400,\"message\":\"* GenerateContentRequest."                             \
    "contents: contents is not specified\\n\",\"status\":"                                         \
    "\"INVALID_ARGUMENT\"}}"
#define GEM_INTERNAL                                                                               \
    "{\"error\":{\"code\":500,\"message\":\"An internal error has "                                \
    "occurred. Please retry or report in https://developers.generativeai."                         \
    "google/guide/troubleshooting\",\"status\":\"INTERNAL\"}}"
#define GEM_DEADLINE                                                                               \
    "{\"error\":{\"code\":504,\"message\":\"Deadline expired before "                              \
    "operation could complete.\",\"status\":\"DEADLINE_EXCEEDED\"}}"
#define GEM_DEFAULT_TEXT "{\"intent\":\"unknown\",\"slots\":{}}"
#define GEM_BAD_JSON_TEXT "{\"intent\":\"lead.status\",\"slots\":{"
#define GEM_ENUM_TEXT "{\"intent\":\"lead.destroy\",\"slots\":{}}"
#define WA_DETAILS_131056                                                                          \
    "Message failed to send because there were too many messages sent "                            \
    "from this phone number to the same phone number in a short period "                           \
    "of time."
#define WA_DETAILS_131026                                                                          \
    "Message failed to send because the recipient phone number is not a "                          \
    "WhatsApp phone number, has not accepted the new Terms of Service, "                           \
    "or uses an old WhatsApp version."

enum route { R_WHATSAPP, R_LEADS, R_GEMINI, R_INVOICING, R_OTHER, R_COUNT };
#define N_FAILABLE R_OTHER /* routes below this one take failure modes */

static const char *const route_names[R_COUNT] = {
    "whatsapp", "leads", "gemini", "invoicing", "other",
};

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

struct opts {
    unsigned port;
    const char *log;
    const char *ref;
};

/* ---- small helpers -------------------------------------------------- */

static bool nonempty(const char *s)
{
    return s && *s;
}

/* Whether j is the JSON string lit. */
static bool is_text(const json_t *j, const char *lit)
{
    const char *v = json_string_value(j);

    return v && strcmp(v, lit) == 0;
}

static const char *header(struct MHD_Connection *con, const char *name)
{
    return MHD_lookup_connection_value(con, MHD_HEADER_KIND, name);
}

static const char *query_arg(struct MHD_Connection *con, const char *name)
{
    return MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, name);
}

/* Returns the token of "Authorization: Bearer <token>", or NULL. */
static const char *bearer(struct MHD_Connection *con)
{
    const char *auth = header(con, "Authorization");

    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
        return NULL;
    }
    auth += 7;
    while (*auth == ' ') {
        auth++;
    }
    return *auth ? auth : NULL;
}

/* A new JSON string for s, null for NULL, a marker if s is not UTF-8. */
static json_t *jtext(const char *s)
{
    json_t *j;

    if (!s) {
        return json_null();
    }
    j = json_string(s);
    return j ? j : json_string("<not UTF-8>");
}

static json_int_t fake_next(struct fake *f, json_int_t *counter)
{
    json_int_t n;

    pthread_mutex_lock(&f->mu);
    n = ++*counter;
    pthread_mutex_unlock(&f->mu);
    return n;
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Fills out with a fresh opaque id such as Meta's fbtrace_id or Gemini's
 * responseId: TOKEN_LEN base64url characters. */
static void make_token(struct fake *f, char out[TOKEN_LEN + 1])
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                              "qrstuvwxyz0123456789-_";
    uint64_t st = f->salt + (uint64_t)fake_next(f, &f->tokens), z = 0;

    for (int i = 0; i < TOKEN_LEN; i++) {
        if (i % 10 == 0) {
            z = splitmix(&st);
        }
        out[i] = abc[z & 63];
        z >>= 6;
    }
    out[TOKEN_LEN] = '\0';
}

/* Waits ms milliseconds, or less if the server starts stopping. */
static void fake_sleep(struct fake *f, long ms)
{
    struct timespec until;
    int rc = 0;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&f->mu);
    while (!f->stopping && rc != ETIMEDOUT) {
        rc = pthread_cond_timedwait(&f->wake, &f->mu, &until);
    }
    pthread_mutex_unlock(&f->mu);
}

/* ---- replies -------------------------------------------------------- */

static void reply_text(struct reply *rep, unsigned status, const char *ctype, const char *text)
{
    free(rep->body);
    rep->status = status;
    rep->ctype = ctype;
    rep->body = strdup(text);
}

/* Takes j. */
static void reply_json(struct reply *rep, unsigned status, json_t *j)
{
    free(rep->body);
    rep->status = status;
    rep->ctype = CT_JSON;
    rep->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
}

static void reply_bad_request(struct reply *rep, const char *detail)
{
    reply_json(rep, 400, json_pack("{s:s,s:s}", "error", "bad_request", "detail", detail));
}

/* Out of memory while building a reply turns it into an empty 500. */
static void reply_fix(struct reply *rep)
{
    if (!rep->body || !rep->status) {
        free(rep->body);
        rep->body = strdup("");
        rep->status = 500;
        rep->ctype = CT_TEXT;
    }
}

/* Queues rep on con and takes its body. */
static enum MHD_Result reply_send(struct MHD_Connection *con, struct reply *rep)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    reply_fix(rep);
    if (!rep->body) {
        return MHD_NO;
    }
    resp = MHD_create_response_from_buffer_with_free_callback(strlen(rep->body), rep->body, &free);
    if (!resp) {
        free(rep->body);
        return MHD_NO;
    }
    rep->body = NULL;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->ctype);
    if (rep->retry_after) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, rep->retry_after);
    }
    ret = MHD_queue_response(con, rep->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void reply_garbage(struct reply *rep)
{
    reply_text(rep, 200, CT_HTML, GARBAGE);
}

/* ---- recordings ----------------------------------------------------- */

/* The body as recorded: parsed JSON, else the raw text, else null. A copy,
 * so that the records share nothing with request threads. */
static json_t *body_value(const struct call *c)
{
    json_t *s;

    if (c->json) {
        return json_deep_copy(c->json);
    }
    if (c->req->too_big || c->req->len == 0) {
        return json_null();
    }
    s = json_stringn(c->req->body, c->req->len);
    return s ? s : json_sprintf("<%zu bytes, not UTF-8>", c->req->len);
}

/* Now on the wall clock in microseconds since the epoch: when a request
 * reached us, comparable with other processes' clocks on this machine (the
 * benchmarks measure webhook ack -> send arrival with it). */
static json_int_t wall_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (json_int_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Records the request with status null and returns a new reference to the
 * record, for record_finish(). NULL when out of memory. */
static json_t *record_begin(struct call *c, enum route rt)
{
    struct fake *f = c->f;
    json_int_t received_us = wall_us();
    /* clang-format off */
    json_t *rec = json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:n,s:o}",
                            "seq", (json_int_t)0,
                            "route", route_names[rt],
                            "method", jtext(c->method),
                            "path", jtext(c->url),
                            "query", jtext(c->req->query),
                            "auth", jtext(header(c->con, "Authorization")),
                            "idempotency_key", jtext(header(c->con, "Idempotency-Key")),
                            "api_key", jtext(header(c->con, "x-goog-api-key")),
                            "status",
                            "body", body_value(c));
    /* clang-format on */

    if (!rec) {
        return NULL;
    }
    json_object_set_new(rec, "received_us", json_integer(received_us));
    pthread_mutex_lock(&f->mu);
    json_object_set_new(rec, "seq", json_integer(++f->seq));
    json_array_append(f->records, rec);
    pthread_mutex_unlock(&f->mu);
    return rec;
}

/* Sets the record's status, logs it, and releases rec. */
static void record_finish(struct fake *f, json_t *rec, unsigned status)
{
    if (!rec) {
        return;
    }
    pthread_mutex_lock(&f->mu);
    json_object_set_new(rec, "status", json_integer(status));
    if (f->log) {
        json_dumpf(rec, f->log, JSON_COMPACT);
        fputc('\n', f->log);
        fflush(f->log);
    }
    json_decref(rec);
    pthread_mutex_unlock(&f->mu);
}

/* route, status: filters; NULL and -1 match everything. */
static bool record_matches(json_t *rec, const char *route, long status)
{
    const char *r = json_string_value(json_object_get(rec, "route"));
    json_t *st = json_object_get(rec, "status");

    if (route && (!r || strcmp(r, route) != 0)) {
        return false;
    }
    return status < 0 || (json_is_integer(st) && json_integer_value(st) == status);
}

/* ---- failure queues and canned Gemini answers ------------------------ */

/* Pops the next answer of a queue of {..., left}: returns a new, unshared
 * copy of the head entry (NULL if the queue is empty). The head leaves the
 * queue when its count runs out. */
static json_t *queue_pop(struct fake *f, json_t *queue)
{
    json_t *head, *copy;
    json_int_t left;

    pthread_mutex_lock(&f->mu);
    head = json_array_get(queue, 0);
    copy = json_deep_copy(head);
    left = json_integer_value(json_object_get(head, "left")) - 1;
    if (head && left > 0) {
        json_object_set_new(head, "left", json_integer(left));
    } else if (head) {
        json_array_remove(queue, 0);
    }
    pthread_mutex_unlock(&f->mu);
    return copy;
}

/* Appends entry (taken) and returns the number of answers now queued. */
static json_int_t queue_push(struct fake *f, json_t *queue, json_t *entry)
{
    json_int_t total = 0;
    size_t i;
    json_t *e;

    pthread_mutex_lock(&f->mu);
    json_array_append_new(queue, entry);
    json_array_foreach (queue, i, e) {
        total += json_integer_value(json_object_get(e, "left"));
    }
    pthread_mutex_unlock(&f->mu);
    return total;
}

static struct fault fault_pop(struct fake *f, enum route rt)
{
    struct fault ft = {M_NONE, 0};
    json_t *head = queue_pop(f, f->queues[rt]);

    if (head) {
        ft.mode = (enum mode)json_integer_value(json_object_get(head, "mode"));
        ft.delay_ms = (long)json_integer_value(json_object_get(head, "delay_ms"));
        json_decref(head);
    }
    return ft;
}

/* Returns a new copy of the next canned Gemini text, or NULL. */
static char *gemini_text_pop(struct fake *f)
{
    json_t *head = queue_pop(f, f->replies);
    const char *text = json_string_value(json_object_get(head, "text"));
    char *copy = text ? strdup(text) : NULL;

    json_decref(head);
    return copy;
}

/* ---- Graph API: WhatsApp sends and Lead Ads ------------------------- */

/* A new Graph error body (whatsapp-cloud-api.md §8.1). */
static json_t *graph_error(struct fake *f, json_int_t code, const char *message,
                           const char *details)
{
    char trace[TOKEN_LEN + 1];
    json_t *err;

    make_token(f, trace);
    trace[0] = 'A'; /* as Meta's do */
    err = json_pack("{s:s,s:s,s:I}", "message", message, "type", "OAuthException", "code", code);
    if (err && details) {
        json_object_set_new(
            err, "error_data",
            json_pack("{s:s,s:s}", "messaging_product", "whatsapp", "details", details));
    }
    if (err) {
        json_object_set_new(err, "fbtrace_id", json_string(trace));
    }
    return err ? json_pack("{s:o}", "error", err) : NULL;
}

static void graph_fail(struct call *c, struct reply *rep, unsigned status, json_int_t code,
                       const char *message)
{
    reply_json(rep, status, graph_error(c->f, code, message, NULL));
}

static void graph_bad_token(struct call *c, struct reply *rep)
{
    graph_fail(c, rep, 401, 190, "Invalid OAuth access token - Cannot parse access token");
}

/* The Graph API's transient "unknown error" (code 1). */
static json_t *graph_unknown_error(struct fake *f)
{
    char trace[TOKEN_LEN + 1];

    make_token(f, trace);
    trace[0] = 'A';
    return json_pack("{s:{s:s,s:s,s:i,s:i,s:b,s:s}}", "error", "message",
                     "An unknown error occurred", "type", "OAuthException", "code", 1,
                     "error_subcode", 99, "is_transient", 1, "fbtrace_id", trace);
}

static void graph_fault(struct call *c, struct reply *rep)
{
    const struct refs *r = &c->f->ref;

    switch (c->fault.mode) {
    case M_HTTP500:
        reply_json(rep, 500, graph_unknown_error(c->f));
        break;
    case M_HTTP503:
        reply_text(rep, 503, CT_TEXT, "upstream unavailable");
        break;
    case M_HTTP429:
        reply_text(rep, 400, CT_JSON, r->wa_130429);
        break;
    case M_WA131047:
        reply_text(rep, 400, CT_JSON, r->wa_131047);
        break;
    case M_WA131056:
        reply_json(rep, 400,
                   graph_error(c->f, 131056,
                               "(#131056) (Business Account, Consumer Account) pair "
                               "rate limit hit",
                               WA_DETAILS_131056));
        break;
    case M_WA190:
        reply_text(rep, 401, CT_JSON, r->wa_190);
        break;
    case M_WA131026:
        reply_json(rep, 400,
                   graph_error(c->f, 131026, "(#131026) Message undeliverable", WA_DETAILS_131026));
        break;
    case M_HANG:
        reply_text(rep, 504, CT_TEXT, "upstream request timeout");
        break;
    default:
        reply_garbage(rep);
        break;
    }
}

/* Characters of a UTF-8 string as WhatsApp counts them (UTF-16 units). */
static size_t wa_chars(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80) {
            n += *p >= 0xF0 ? 2 : 1;
        }
    }
    return n;
}

/* Checks a send or mark-as-read body; returns NULL or the (#100) message
 * to answer with. */
static const char *wa_check(json_t *b)
{
    const char *mp = json_string_value(json_object_get(b, "messaging_product"));
    json_t *status = json_object_get(b, "status");
    json_t *to = json_object_get(b, "to"), *rcpt = json_object_get(b, "recipient");

    if (!json_is_object(b)) {
        return "(#100) Invalid parameter";
    }
    if (!mp) {
        return "(#100) The parameter messaging_product is required.";
    }
    if (strcmp(mp, "whatsapp") != 0) {
        return "(#100) Param messaging_product must be one of {WHATSAPP}";
    }
    if (status && !is_text(status, "read")) {
        return "(#100) Invalid parameter";
    }
    if (status && !json_is_string(json_object_get(b, "message_id"))) {
        return "(#100) The parameter message_id is required.";
    }
    if (status) {
        return NULL;
    }
    if (!json_is_string(json_object_get(b, "type"))) {
        return "(#100) The parameter type is required.";
    }
    if (!json_is_string(to) && !json_is_string(rcpt)) {
        return "(#100) The parameter to is required.";
    }
    const char *text = json_string_value(json_object_get(json_object_get(b, "text"), "body"));
    if (text && wa_chars(text) > 4096) {
        return "(#100) Param text['body'] must be at most 4096 characters long.";
    }
    return NULL;
}

/* A new JSON string of the digits of s ("+92 300..." -> "92300..."). */
static json_t *digits_of(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    size_t n = 0;
    json_t *j;

    if (!d) {
        return NULL;
    }
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            d[n++] = *s;
        }
    }
    d[n] = '\0';
    j = json_string(d);
    free(d);
    return j;
}

/* 200 in the shape of send_text_response.json, with a fresh wamid. */
static void wa_accept(struct call *c, struct reply *rep)
{
    json_t *b = c->json, *resp = json_deep_copy(c->f->ref.send_ok);
    const char *to = json_string_value(json_object_get(b, "to"));
    const char *rcpt = json_string_value(json_object_get(b, "recipient"));
    const char *type = json_string_value(json_object_get(b, "type"));
    json_t *contact, *msg;

    contact = to ? json_pack("{s:s,s:o}", "input", to, "wa_id", digits_of(to))
                 : json_pack("{s:s,s:s}", "input", rcpt, "user_id", rcpt);
    msg = json_sprintf("wamid.FAKE%" JSON_INTEGER_FORMAT, fake_next(c->f, &c->f->wamid));
    msg = msg ? json_pack("{s:o}", "id", msg) : NULL;
    if (msg && strcmp(type, "template") == 0) {
        json_object_set_new(msg, "message_status", json_string("accepted"));
    }
    json_array_set_new(json_object_get(resp, "contacts"), 0, contact);
    json_array_set_new(json_object_get(resp, "messages"), 0, msg);
    reply_json(rep, contact && msg ? 200 : 500, resp);
}

/*
 * A template send checked against the approved templates (/_control/templates),
 * as WhatsApp does: an unknown name or language is 132001, a body with another
 * number of parameters 132000. Returns true when it answered.
 */
static bool wa_template_refused(struct call *c, struct reply *rep)
{
    json_t *tpl = json_object_get(c->json, "template"), *comps, *comp, *approved;
    const char *name = json_string_value(json_object_get(tpl, "name"));
    const char *lang = json_string_value(json_object_get(json_object_get(tpl, "language"), "code"));
    json_int_t want = -1, got = 0;
    char want_lang[32] = "";
    char *details = NULL;
    size_t i;

    pthread_mutex_lock(&c->f->mu);
    if (json_object_size(c->f->templates) == 0) {
        pthread_mutex_unlock(&c->f->mu);
        return false;
    }
    approved = json_object_get(c->f->templates, name ? name : "");
    if (approved) {
        want = json_integer_value(json_object_get(approved, "params"));
        snprintf(want_lang, sizeof(want_lang), "%s",
                 json_string_value(json_object_get(approved, "language"))
                     ? json_string_value(json_object_get(approved, "language"))
                     : "");
    }
    pthread_mutex_unlock(&c->f->mu);
    if (!approved || !lang || strcmp(lang, want_lang) != 0) {
        if (asprintf(&details, "template name (%.64s) does not exist in %.16s", name ? name : "",
                     lang ? lang : "") < 0) {
            return false;
        }
        reply_json(rep, 404,
                   graph_error(c->f, 132001,
                               "(#132001) Template name does not exist in the "
                               "translation",
                               details));
        free(details);
        return true;
    }
    comps = json_object_get(tpl, "components");
    json_array_foreach (comps, i, comp) {
        if (is_text(json_object_get(comp, "type"), "body")) {
            got += (json_int_t)json_array_size(json_object_get(comp, "parameters"));
        }
    }
    if (got == want) {
        return false;
    }
    if (asprintf(&details,
                 "body: number of localizable_params (%" JSON_INTEGER_FORMAT
                 ") does not match the expected number of params (%" JSON_INTEGER_FORMAT ")",
                 got, want) < 0) {
        return false;
    }
    reply_json(rep, 400,
               graph_error(c->f, 132000,
                           "(#132000) Number of parameters does not match the "
                           "expected number of params",
                           details));
    free(details);
    return true;
}

/* POST /{version}/{phone_number_id}/messages */
static void wa_send(struct call *c, struct reply *rep)
{
    const char *why, *type;
    char *details;

    if (c->fault.mode > M_OK) {
        graph_fault(c, rep);
        return;
    }
    if (!bearer(c->con)) {
        graph_bad_token(c, rep);
        return;
    }
    why = wa_check(c->json);
    if (why) {
        graph_fail(c, rep, 400, 100, why);
        return;
    }
    if (json_object_get(c->json, "status")) {
        reply_text(rep, 200, CT_JSON, "{\"success\":true}");
        return;
    }
    type = json_string_value(json_object_get(c->json, "type"));
    if (strcmp(type, "template") == 0 && json_object_get(c->json, type) &&
        wa_template_refused(c, rep)) {
        return;
    }
    if (json_object_get(c->json, type)) {
        wa_accept(c, rep);
        return;
    }
    if (asprintf(&details, "Parameter '%.64s' is required for type '%.64s'.", type, type) < 0) {
        return;
    }
    reply_json(rep, 400,
               graph_error(c->f, 131008, "(#131008) Required parameter is missing", details));
    free(details);
}

/* lead_retrieve_error_100_33.json with id in place of the quoted id. */
static json_t *lead_missing(struct call *c)
{
    json_t *body = json_deep_copy(c->f->ref.lead_100_33);
    json_t *err = json_object_get(body, "error");
    const char *msg = json_string_value(json_object_get(err, "message"));
    const char *open = msg ? strchr(msg, '\'') : NULL;
    const char *close = open ? strchr(open + 1, '\'') : NULL;
    char trace[TOKEN_LEN + 1];

    if (close) {
        json_object_set_new(err, "message",
                            json_sprintf("%.*s%s%s", (int)(open + 1 - msg), msg, c->arg, close));
    }
    make_token(c->f, trace);
    trace[0] = 'A';
    json_object_set_new(err, "fbtrace_id", json_string(trace));
    return body;
}

/* GET /{version}/{leadgen_id} */
static void lead_get(struct call *c, struct reply *rep)
{
    json_t *lead;

    if (c->fault.mode > M_OK) {
        graph_fault(c, rep);
        return;
    }
    if (!bearer(c->con) && !nonempty(query_arg(c->con, "access_token"))) {
        graph_bad_token(c, rep);
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    lead = json_deep_copy(json_object_get(c->f->leads, c->arg));
    pthread_mutex_unlock(&c->f->mu);
    if (lead) {
        reply_json(rep, 200, lead);
    } else {
        reply_json(rep, 400, lead_missing(c));
    }
}

/* ---- Gemini --------------------------------------------------------- */

/* 200 in the shape of response_ok.json with text as the model's output. */
static void gem_answer(struct call *c, struct reply *rep, const char *text)
{
    json_t *resp = json_deep_copy(c->f->ref.gem_ok);
    json_t *cand = json_array_get(json_object_get(resp, "candidates"), 0);
    json_t *parts = json_object_get(json_object_get(cand, "content"), "parts");
    json_t *usage = json_object_get(resp, "usageMetadata");
    json_t *details = json_array_get(json_object_get(usage, "promptTokensDetails"), 0);
    json_int_t in = (json_int_t)(c->req->len / 4 + 1);
    json_int_t out = (json_int_t)(strlen(text) / 3 + 1);
    char rid[TOKEN_LEN + 1];

    make_token(c->f, rid);
    json_object_set_new(json_array_get(parts, 0), "text", jtext(text));
    json_object_set_new(usage, "promptTokenCount", json_integer(in));
    json_object_set_new(usage, "candidatesTokenCount", json_integer(out));
    json_object_set_new(usage, "totalTokenCount", json_integer(in + out));
    json_object_set_new(details, "tokenCount", json_integer(in));
    json_object_set_new(resp, "modelVersion", jtext(c->arg));
    json_object_set_new(resp, "responseId", json_string(rid));
    reply_json(rep, 200, resp);
}

static void gem_fault(struct call *c, struct reply *rep)
{
    const struct refs *r = &c->f->ref;

    switch (c->fault.mode) {
    case M_HTTP500:
        reply_text(rep, 500, CT_JSON, GEM_INTERNAL);
        break;
    case M_HTTP503:
        reply_text(rep, 503, CT_JSON, r->gem_503);
        break;
    case M_HTTP429:
        reply_text(rep, 429, CT_JSON, r->gem_429);
        break;
    case M_HANG:
        reply_text(rep, 504, CT_JSON, GEM_DEADLINE);
        break;
    case M_MAX_TOKENS:
        reply_text(rep, 200, CT_JSON, r->gem_max_tokens);
        break;
    case M_BLOCKED:
        reply_text(rep, 200, CT_JSON, r->gem_blocked);
        break;
    case M_BAD_JSON:
        gem_answer(c, rep, GEM_BAD_JSON_TEXT);
        break;
    case M_ENUM_VIOLATION:
        gem_answer(c, rep, GEM_ENUM_TEXT);
        break;
    default:
        reply_garbage(rep);
        break;
    }
}

/* POST /v1beta/models/{model}:generateContent */
static void gem_generate(struct call *c, struct reply *rep)
{
    char *text;

    if (c->fault.mode > M_OK) {
        gem_fault(c, rep);
        return;
    }
    if (!nonempty(header(c->con, "x-goog-api-key"))) {
        reply_text(rep, 400, CT_JSON, GEM_KEY_INVALID);
        return;
    }
    if (!json_is_object(c->json)) {
        reply_text(rep, 400, CT_JSON, GEM_BAD_BODY);
        return;
    }
    if (json_array_size(json_object_get(c->json, "contents")) == 0) {
        reply_text(rep, 400, CT_JSON, GEM_NO_CONTENTS);
        return;
    }
    text = gemini_text_pop(c->f);
    gem_answer(c, rep, text ? text : GEM_DEFAULT_TEXT);
    free(text);
}

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
static bool payment_add_locked(struct fake *f, const char *id, json_t *p)
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

static void inv_handle(struct call *c, struct reply *rep)
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

/* ---- routing -------------------------------------------------------- */

struct seg {
    const char *p;
    size_t n;
};

/* Splits "/a/b/c" into borrowed slices; returns how many (max + 1 when
 * there are more than max). Empty segments count. */
static size_t split_path(const char *url, struct seg *segs, size_t max)
{
    size_t n = 0;

    while (*url == '/' && n <= max) {
        const char *start = ++url;

        url += strcspn(url, "/");
        if (n < max) {
            segs[n] = (struct seg){start, (size_t)(url - start)};
        }
        n++;
    }
    return n;
}

static bool seg_is(struct seg s, const char *lit)
{
    return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* "v26.0": 'v', digits, '.', digits. */
static bool seg_is_version(struct seg s)
{
    size_t i = 1, dot = 0;

    if (s.n < 4 || s.p[0] != 'v') {
        return false;
    }
    for (; i < s.n; i++) {
        if (s.p[i] == '.' && !dot && i > 1) {
            dot = i;
        } else if (s.p[i] < '0' || s.p[i] > '9') {
            return false;
        }
    }
    return dot && dot + 1 < s.n;
}

static enum route take(char **arg, struct seg s, enum route rt)
{
    if (s.n == 0) {
        return R_OTHER;
    }
    *arg = strndup(s.p, s.n);
    return *arg ? rt : R_OTHER;
}

/* Which upstream route url names; sets *arg to its variable part. */
static enum route classify(const char *method, const char *url, char **arg)
{
    static const char gen[] = ":generateContent";
    bool post = strcmp(method, "POST") == 0, get = strcmp(method, "GET") == 0;
    struct seg s[5];
    size_t n = split_path(url, s, 5);

    if (post && n == 3 && seg_is(s[0], "v1beta") && seg_is(s[1], "models") &&
        s[2].n > strlen(gen) && memcmp(s[2].p + s[2].n - strlen(gen), gen, strlen(gen)) == 0) {
        return take(arg, (struct seg){s[2].p, s[2].n - strlen(gen)}, R_GEMINI);
    }
    if (n >= 3 && seg_is(s[0], "invoicing") && seg_is(s[1], "v1") && seg_is(s[2], "bookings")) {
        if (post && n == 3) {
            return R_INVOICING;
        }
        if (post && n == 5 &&
            (seg_is(s[4], "payments") || seg_is(s[4], "reversals") || seg_is(s[4], "plan"))) {
            return take(arg, s[3], R_INVOICING); /* a receipt, reversal or plan for booking arg */
        }
        return get && n == 4 ? take(arg, s[3], R_INVOICING) : R_OTHER;
    }
    if (post && n == 3 && seg_is_version(s[0]) && seg_is(s[2], "messages")) {
        return take(arg, s[1], R_WHATSAPP);
    }
    if (get && n == 2 && seg_is_version(s[0])) {
        return take(arg, s[1], R_LEADS);
    }
    return R_OTHER;
}

static void (*const route_handlers[N_FAILABLE])(struct call *, struct reply *) = {
    [R_WHATSAPP] = wa_send,
    [R_LEADS] = lead_get,
    [R_GEMINI] = gem_generate,
    [R_INVOICING] = inv_handle,
};

static void upstream(struct call *c, struct reply *rep)
{
    enum route rt = classify(c->method, c->url, &c->arg);
    json_t *rec = record_begin(c, rt);

    if (c->req->too_big) {
        reply_text(rep, 413, CT_JSON, "{\"error\":\"body_too_large\"}");
    } else if (rt == R_OTHER) {
        reply_text(rep, 404, CT_JSON, NO_ROUTE);
    } else {
        c->fault = fault_pop(c->f, rt);
        /* an invoicing write that hangs is done first: the answer is lost */
        bool work_first = rt == R_INVOICING && c->fault.mode == M_HANG;
        if (c->fault.delay_ms > 0 && !work_first) {
            fake_sleep(c->f, c->fault.delay_ms);
        }
        route_handlers[rt](c, rep);
        if (c->fault.delay_ms > 0 && work_first) {
            fake_sleep(c->f, c->fault.delay_ms);
        }
    }
    reply_fix(rep);
    record_finish(c->f, rec, rep->status);
}

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

static void control(struct call *c, struct reply *rep)
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

/* ---- libmicrohttpd callbacks ---------------------------------------- */

static void req_free(struct req *r)
{
    if (!r) {
        return;
    }
    free(r->query);
    free(r->body);
    free(r);
}

/* A new request state; uri is the raw request target, or NULL. */
static struct req *req_new(const char *uri)
{
    struct req *r = calloc(1, sizeof *r);
    const char *q = uri ? strchr(uri, '?') : NULL;

    if (!r) {
        return NULL;
    }
    r->query = strdup(q ? q + 1 : "");
    if (!r->query) {
        free(r);
        return NULL;
    }
    return r;
}

/* Appends an upload chunk; past BODY_MAX the body is dropped (drained). */
static void req_append(struct req *r, const char *data, size_t n)
{
    size_t cap = r->cap ? r->cap : 4096;
    char *grown;

    if (r->too_big) {
        return;
    }
    if (n > BODY_MAX - r->len) {
        r->too_big = true;
        return;
    }
    while (cap < r->len + n + 1) {
        cap *= 2;
    }
    if (cap != r->cap) {
        grown = realloc(r->body, cap);
        if (!grown) {
            r->too_big = true;
            return;
        }
        r->body = grown;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    (void)cls;
    (void)con;
    return req_new(uri);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)con;
    (void)toe;
    req_free(*req_cls);
    *req_cls = NULL;
}

static enum MHD_Result serve(struct fake *f, struct MHD_Connection *con, const char *url,
                             const char *method, const struct req *r)
{
    struct call c = {.f = f, .con = con, .method = method, .url = url, .req = r};
    struct reply rep = {0};
    enum MHD_Result ret;

    if (r->len && !r->too_big) {
        c.json = json_loadb(r->body, r->len, JSON_DECODE_ANY, NULL);
    }
    if (strncmp(url, CONTROL_PREFIX, strlen(CONTROL_PREFIX)) == 0) {
        control(&c, &rep);
    } else {
        upstream(&c, &rep);
    }
    ret = reply_send(con, &rep);
    json_decref(c.json);
    free(c.arg);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
    struct req *r = *req_cls;

    (void)version;
    if (!r) {
        r = req_new(NULL);
        if (!r) {
            return MHD_NO;
        }
        *req_cls = r;
    }
    if (!r->started) {
        r->started = true;
        return MHD_YES;
    }
    if (*upload_size) {
        req_append(r, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return serve(cls, con, url, method, r);
}

/* ---- start-up and shutdown ------------------------------------------ */

/* Prints a start-up error and returns -1. */
__attribute__((format(printf, 1, 2))) static int startup_error(const char *fmt, ...)
{
    va_list ap;

    fputs("fake_upstream: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/* A new NUL-terminated copy of the file at path, or NULL (errno set). */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!fp) {
        return NULL;
    }
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1))) {
        if (fread(buf, 1, (size_t)n, fp) == (size_t)n) {
            buf[n] = '\0';
        } else {
            free(buf);
            buf = NULL;
            errno = EIO;
        }
    }
    fclose(fp);
    return buf;
}

/* Reads dir/rel, which must be JSON; keeps its text in *text or its parsed
 * value in *json (one of them is non-NULL). */
static int ref_load(const char *dir, const char *rel, char **text, json_t **json)
{
    char *path = NULL, *buf = NULL;
    json_t *val = NULL;
    json_error_t jerr;
    int rc = -1;

    if (asprintf(&path, "%s/%s", dir, rel) < 0) {
        return -1;
    }
    buf = slurp(path);
    if (!buf) {
        startup_error("cannot read %s: %s (is --ref %s right?)", path, strerror(errno), dir);
        goto out;
    }
    val = json_loads(buf, 0, &jerr);
    if (!val) {
        startup_error("%s:%d: not JSON: %s", path, jerr.line, jerr.text);
        goto out;
    }
    if (text) {
        *text = buf;
        buf = NULL;
    } else {
        *json = val;
        val = NULL;
    }
    rc = 0;
out:
    json_decref(val);
    free(buf);
    free(path);
    return rc;
}

/* error_429.json with its RetryInfo retryDelay set to "1s", as text. */
static int refs_make_429(struct refs *r)
{
    json_t *copy = json_deep_copy(r->gem_429_json), *d;
    json_t *details = json_object_get(json_object_get(copy, "error"), "details");
    const char *type;
    size_t i;
    int found = 0;

    json_array_foreach (details, i, d) {
        type = json_string_value(json_object_get(d, "@type"));
        if (type && strstr(type, "google.rpc.RetryInfo")) {
            json_object_set_new(d, "retryDelay", json_string("1s"));
            found = 1;
        }
    }
    r->gem_429 = found ? json_dumps(copy, JSON_INDENT(2)) : NULL;
    json_decref(copy);
    return r->gem_429 ? 0 : -1;
}

/* Checks that the templates have the members the handlers fill in. */
static int refs_check(const struct refs *r)
{
    json_t *cand = json_array_get(json_object_get(r->gem_ok, "candidates"), 0);
    json_t *parts = json_object_get(json_object_get(cand, "content"), "parts");
    const char *msg =
        json_string_value(json_object_get(json_object_get(r->lead_100_33, "error"), "message"));

    if (!json_is_object(json_array_get(parts, 0)) ||
        !json_is_object(json_object_get(r->gem_ok, "usageMetadata"))) {
        return startup_error("gemini/response_ok.json lacks "
                             "candidates[0].content.parts[0] or usageMetadata");
    }
    if (!json_array_size(json_object_get(r->send_ok, "contacts")) ||
        !json_array_size(json_object_get(r->send_ok, "messages"))) {
        return startup_error("whatsapp/send_text_response.json lacks "
                             "contacts[0] or messages[0]");
    }
    if (!msg || !strchr(msg, '\'')) {
        return startup_error("whatsapp/lead_retrieve_error_100_33.json "
                             "has no quoted id in error.message");
    }
    return 0;
}

static int refs_load(struct refs *r, const char *dir)
{
    const struct {
        const char *rel;
        char **text;
        json_t **json;
    } files[] = {
        {"whatsapp/error_response_190.json", &r->wa_190, NULL},
        {"whatsapp/error_response_130429.json", &r->wa_130429, NULL},
        {"whatsapp/error_response_131047.json", &r->wa_131047, NULL},
        {"whatsapp/lead_retrieve_error_100_33.json", NULL, &r->lead_100_33},
        {"whatsapp/send_text_response.json", NULL, &r->send_ok},
        {"gemini/response_ok.json", NULL, &r->gem_ok},
        {"gemini/response_max_tokens.json", &r->gem_max_tokens, NULL},
        {"gemini/response_blocked.json", &r->gem_blocked, NULL},
        {"gemini/error_503.json", &r->gem_503, NULL},
        {"gemini/error_429.json", NULL, &r->gem_429_json},
    };

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (ref_load(dir, files[i].rel, files[i].text, files[i].json)) {
            return -1;
        }
    }
    if (refs_make_429(r)) {
        return startup_error("gemini/error_429.json has no RetryInfo detail");
    }
    return refs_check(r);
}

static void refs_release(struct refs *r)
{
    free(r->wa_190);
    free(r->wa_130429);
    free(r->wa_131047);
    free(r->gem_max_tokens);
    free(r->gem_blocked);
    free(r->gem_503);
    free(r->gem_429);
    json_decref(r->gem_429_json);
    json_decref(r->lead_100_33);
    json_decref(r->send_ok);
    json_decref(r->gem_ok);
    memset(r, 0, sizeof *r);
}

static void fake_release(struct fake *f)
{
    json_decref(f->records);
    for (int r = 0; r < N_FAILABLE; r++) {
        json_decref(f->queues[r]);
    }
    json_decref(f->replies);
    json_decref(f->leads);
    json_decref(f->bookings);
    json_decref(f->milestones);
    json_decref(f->templates);
    json_decref(f->payments);
    json_decref(f->pay_keys);
    json_decref(f->reversals);
    json_decref(f->plans);
    if (f->log) {
        fclose(f->log);
    }
    refs_release(&f->ref);
    pthread_cond_destroy(&f->wake);
    pthread_mutex_destroy(&f->mu);
}

/* Fills f; on failure prints why. fake_release() is safe either way. */
static int fake_init(struct fake *f, const struct opts *o)
{
    pthread_condattr_t ca;
    bool ok = true;

    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->wake, &ca);
    pthread_condattr_destroy(&ca);
    f->salt = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
    f->records = json_array();
    f->replies = json_array();
    f->leads = json_object();
    f->bookings = json_object();
    f->milestones = json_object();
    f->templates = json_object();
    f->payments = json_object();
    f->pay_keys = json_object();
    f->reversals = json_object();
    f->plans = json_object();
    for (int r = 0; r < N_FAILABLE; r++) {
        f->queues[r] = json_array();
        ok = ok && f->queues[r];
    }
    if (!ok || !f->records || !f->replies || !f->leads || !f->bookings || !f->milestones ||
        !f->templates || !f->payments || !f->pay_keys || !f->reversals || !f->plans) {
        return startup_error("out of memory");
    }
    if (o->log && !(f->log = fopen(o->log, "a"))) {
        return startup_error("cannot open %s: %s", o->log, strerror(errno));
    }
    return refs_load(&f->ref, o->ref);
}

static void usage(FILE *to)
{
    fprintf(to, "usage: fake_upstream --port PORT [--log FILE] [--ref DIR]\n"
                "  --port PORT  listen on 127.0.0.1:PORT (0: any free port);\n"
                "               the first stdout line is port=N\n"
                "  --log FILE   also append each recorded request as a JSON line\n"
                "  --ref DIR    reference directory (default tests/fixtures/reference)\n");
}

/* Returns 0 to go on, 1 after --help, 2 on a usage error. */
static int opts_parse(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"port", required_argument, NULL, 'p'},
        {"log", required_argument, NULL, 'l'},
        {"ref", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    char *end;
    unsigned long port;

    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (ch) {
        case 'p':
            errno = 0;
            port = strtoul(optarg, &end, 10);
            if (errno || !*optarg || *end || port > 65535) {
                fprintf(stderr, "fake_upstream: bad port '%s'\n", optarg);
                return 2;
            }
            o->port = (unsigned)port;
            break;
        case 'l':
            o->log = optarg;
            break;
        case 'r':
            o->ref = optarg;
            break;
        case 'h':
            usage(stdout);
            return 1;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    return 0;
}

static struct MHD_Daemon *daemon_start(struct fake *f, unsigned port)
{
    struct sockaddr_in sa = {
        .sin_family = AF_INET,
        .sin_port = htons((uint16_t)port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_AUTO | MHD_USE_ERROR_LOG;

    /* clang-format off */
    return MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, &on_request, f,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_URI_LOG_CALLBACK, &on_uri, f,
                            MHD_OPTION_NOTIFY_COMPLETED, &on_completed, f,
                            MHD_OPTION_END);
    /* clang-format on */
}

/* Wakes every sleeping request so that the daemon can stop at once. */
static void fake_stop(struct fake *f)
{
    pthread_mutex_lock(&f->mu);
    f->stopping = true;
    pthread_cond_broadcast(&f->wake);
    pthread_mutex_unlock(&f->mu);
}

int main(int argc, char **argv)
{
    struct opts o = {.port = 0, .log = NULL, .ref = "tests/fixtures/reference"};
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    struct fake f;
    sigset_t sigs;
    int rc, sig;

    rc = opts_parse(argc, argv, &o);
    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread: webhooks it sends */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* threads inherit it */
    signal(SIGPIPE, SIG_IGN);
    if (fake_init(&f, &o)) {
        fake_release(&f);
        return 1;
    }
    d = daemon_start(&f, o.port);
    info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info) {
        fprintf(stderr, "fake_upstream: cannot listen on 127.0.0.1:%u\n", o.port);
        if (d) {
            MHD_stop_daemon(d);
        }
        fake_release(&f);
        return 1;
    }
    printf("port=%u\n", (unsigned)info->port);
    fflush(stdout);
    fprintf(stderr, "fake_upstream: listening on 127.0.0.1:%u, ref=%s\n", (unsigned)info->port,
            o.ref);
    sigwait(&sigs, &sig);
    fake_stop(&f);
    MHD_stop_daemon(d);
    fake_release(&f);
    return 0;
}
