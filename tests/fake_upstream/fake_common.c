/*
 * fake_common.c - what every part of fake_upstream uses: small helpers,
 * replies, the recordings of requests, and the queues of failures and of
 * canned Gemini answers (fake.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fake.h"

const char *const route_names[R_COUNT] = {
    "whatsapp", "leads", "gemini", "invoicing", "other",
};

/* ---- small helpers -------------------------------------------------- */

bool nonempty(const char *s)
{
    return s && *s;
}

/* Whether j is the JSON string lit. */
bool is_text(const json_t *j, const char *lit)
{
    const char *v = json_string_value(j);

    return v && strcmp(v, lit) == 0;
}

const char *header(struct MHD_Connection *con, const char *name)
{
    return MHD_lookup_connection_value(con, MHD_HEADER_KIND, name);
}

const char *query_arg(struct MHD_Connection *con, const char *name)
{
    return MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, name);
}

/* Returns the token of "Authorization: Bearer <token>", or NULL. */
const char *bearer(struct MHD_Connection *con)
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
json_t *jtext(const char *s)
{
    json_t *j;

    if (!s) {
        return json_null();
    }
    j = json_string(s);
    return j ? j : json_string("<not UTF-8>");
}

json_int_t fake_next(struct fake *f, json_int_t *counter)
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
void make_token(struct fake *f, char out[TOKEN_LEN + 1])
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
void fake_sleep(struct fake *f, long ms)
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

void reply_text(struct reply *rep, unsigned status, const char *ctype, const char *text)
{
    free(rep->body);
    rep->status = status;
    rep->ctype = ctype;
    rep->body = strdup(text);
}

/* Takes j. */
void reply_json(struct reply *rep, unsigned status, json_t *j)
{
    free(rep->body);
    rep->status = status;
    rep->ctype = CT_JSON;
    rep->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
}

void reply_bad_request(struct reply *rep, const char *detail)
{
    reply_json(rep, 400, json_pack("{s:s,s:s}", "error", "bad_request", "detail", detail));
}

/* Out of memory while building a reply turns it into an empty 500. */
void reply_fix(struct reply *rep)
{
    if (!rep->body || !rep->status) {
        free(rep->body);
        rep->body = strdup("");
        rep->status = 500;
        rep->ctype = CT_TEXT;
    }
}

/* Queues rep on con and takes its body. */
enum MHD_Result reply_send(struct MHD_Connection *con, struct reply *rep)
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

void reply_garbage(struct reply *rep)
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
json_t *record_begin(struct call *c, enum route rt)
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
void record_finish(struct fake *f, json_t *rec, unsigned status)
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
bool record_matches(json_t *rec, const char *route, long status)
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
json_int_t queue_push(struct fake *f, json_t *queue, json_t *entry)
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

struct fault fault_pop(struct fake *f, enum route rt)
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
char *gemini_text_pop(struct fake *f)
{
    json_t *head = queue_pop(f, f->replies);
    const char *text = json_string_value(json_object_get(head, "text"));
    char *copy = text ? strdup(text) : NULL;

    json_decref(head);
    return copy;
}
