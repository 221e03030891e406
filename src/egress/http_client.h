/*
 * http_client.h - a small libcurl wrapper for the upstream APIs.
 *
 * One struct http_client per thread: it owns one CURL easy handle, reused
 * from call to call so connections are kept alive (curl keeps its connection
 * cache across curl_easy_reset). A client is never shared between threads.
 * curl_global_init runs once in main before any thread starts; this module
 * never calls it.
 *
 * Every call sets CURLOPT_NOSIGNAL, Accept-Encoding "" (any encoding curl
 * can decode), http/https only, no redirects, a connect timeout and a total
 * timeout in milliseconds. The response body is collected into a struct buf
 * whose ceiling the caller chooses; a longer body aborts the transfer.
 *
 * There are no retries in here: callers classify the outcome (status,
 * transport class, body) and decide.
 */
#ifndef RB_EGRESS_HTTP_CLIENT_H
#define RB_EGRESS_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct http_client;

/* How the exchange ended at the transport level. */
enum http_transport {
    HTTP_T_OK = 0,  /* a whole response came back (any HTTP status) */
    HTTP_T_TIMEOUT, /* connect or total timeout */
    HTTP_T_CONNECT, /* DNS failure, refused, unreachable, TLS handshake */
    HTTP_T_OTHER,   /* reset, empty reply, send/recv error, body over its ceiling */
};

/* "ok", "timeout", "connect", "other" (static). */
const char *http_transport_name(enum http_transport t);

struct http_response {
    long status;                   /* HTTP status, 0 when none arrived */
    struct buf body;               /* owned; the ceiling set by http_response_init */
    int64_t total_ms;              /* wall time of the exchange */
    enum http_transport transport; /* HTTP_T_OK when status is meaningful */
};

/* Empties r with a body ceiling of max_body bytes (0 = BUF_MAX_DEFAULT). */
void http_response_init(struct http_response *r, size_t max_body);
/* Frees the body; r stays usable (empty, same ceiling). Accepts NULL. */
void http_response_release(struct http_response *r);

/*
 * A new client with default timeouts (milliseconds, > 0). The handle is
 * created here; RB_ENOMEM when curl cannot make one. *out is set only on
 * success; free with http_client_free.
 */
/* Changes the default timeouts (milliseconds, > 0) for the calls that follow
 * (a reload of the config); the client must not be in a call. */
void http_client_set_timeouts(struct http_client *c, long connect_timeout_ms,
                              long total_timeout_ms);
RB_MUST_CHECK int http_client_new(long connect_timeout_ms, long total_timeout_ms,
                                  struct http_client **out);
/* Closes the handle and its connections. Accepts NULL. */
void http_client_free(struct http_client *c);

struct http_request {
    const char *method;         /* "GET" or "POST" */
    const char *url;            /* borrowed */
    const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL; borrowed */
    const char *body;           /* POST only: sent as Content-Type application/json */
    size_t body_len;
    long timeout_ms; /* total timeout for this call; 0 = the client's default */
};

/*
 * Performs req and fills res (which the caller initialised; its old content
 * is reset first). res is filled in every case, success or not:
 *   RB_OK        a response arrived: res->status, res->body, res->total_ms;
 *   RB_ETIMEOUT  res->transport HTTP_T_TIMEOUT;
 *   RB_EUPSTREAM res->transport HTTP_T_CONNECT or HTTP_T_OTHER;
 *   RB_ETOOBIG   the body passed its ceiling (transport HTTP_T_OTHER);
 *   RB_EINVAL    a bad method, URL or header (a CR or LF in a header line);
 *   RB_ENOMEM.
 * A header value never goes to a log; curl's message for the last failure
 * is available from http_client_error.
 */
RB_MUST_CHECK int http_perform(struct http_client *c, const struct http_request *req,
                               struct http_response *res);

/* http_perform with the client's default timeout. */
RB_MUST_CHECK int http_post_json(struct http_client *c, const char *url, const char *const *headers,
                                 const char *body, size_t len, struct http_response *res);
RB_MUST_CHECK int http_get(struct http_client *c, const char *url, const char *const *headers,
                           struct http_response *res);

/* curl's description of the last transport failure, "" if none. Borrowed:
 * valid until the next call on c. */
const char *http_client_error(const struct http_client *c);

/*
 * Helpers for the API modules (pure):
 * http_header_value_ok: true when s is non-empty and has no CR, LF or NUL
 * (safe to put in a header line).
 * http_path_segment_ok: true when s is non-empty and only [A-Za-z0-9._~-]
 * (safe to put in a URL path without escaping).
 */
bool http_header_value_ok(const char *s);
bool http_path_segment_ok(const char *s);

#endif
