/*
 * server.h - the HTTP server: libmicrohttpd, one route table, bounded bodies.
 *
 * Each route names its method, path (exact, or a prefix ending in '/'), body
 * ceiling and handler. The body is collected into a struct buf with that
 * ceiling; past it the rest is drained, not kept, and the route answers 413
 * without its handler running. Handlers fill a struct http_resp; they never
 * touch libmicrohttpd.
 */
#ifndef RB_HTTP_SERVER_H
#define RB_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "context/app.h"
#include "core/buf.h"

struct ingest;
struct MHD_Connection;

struct http_req {
    const char *method;
    const char *path;            /* without the query */
    struct MHD_Connection *conn; /* for http_header / http_query */
    struct buf body;
    char id[12]; /* request id for log lines */
};

#define HTTP_RESP_HEADERS 8

/*
 * A body produced piece by piece after the handler returns (a CSV export):
 * read fills up to max bytes at out and returns how many, 0 at the end, or
 * -1 on failure (the connection is closed). It runs on the connection's
 * thread; free_fn (optional) releases cls when the response is done.
 */
typedef ssize_t (*http_stream_read)(void *cls, char *out, size_t max);

struct http_resp {
    int status;
    const char *content_type; /* static */
    struct buf body;
    const char *retry_after;   /* static, optional */
    const char *cache_control; /* static, optional */
    /* more headers (http_add_header): names static, values owned */
    const char *hdr_name[HTTP_RESP_HEADERS];
    char *hdr_value[HTTP_RESP_HEADERS];
    int nhdr;
    /* set by http_stream: the body comes from stream_read instead of body */
    http_stream_read stream_read;
    void *stream_cls;
    void (*stream_free)(void *cls);
};

struct http_ctx {
    struct app *app;
    struct ingest *ingest;
};

typedef void (*http_handler)(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);

/* A request header or query argument (borrowed until the request ends). */
const char *http_header(const struct http_req *req, const char *name);
const char *http_query(const struct http_req *req, const char *name);

/* The peer's IP address as text into out (empty when unknown). */
void http_peer_ip(const struct http_req *req, char *out, size_t n);
/* Calls fn for every query argument, in order (key, value; value may be NULL). */
void http_query_each(const struct http_req *req,
                     void (*fn)(void *cls, const char *key, const char *value), void *cls);

/* Adds a response header (value copied); RB_ETOOBIG past HTTP_RESP_HEADERS. */
RB_MUST_CHECK int http_add_header(struct http_resp *resp, const char *name, const char *value);
/* Makes the body a stream (see http_stream_read); takes cls. */
void http_stream(struct http_resp *resp, http_stream_read read, void *cls,
                 void (*free_fn)(void *cls));

/* Sets a JSON body {"error": code, "message": msg}. */
void http_error(struct http_resp *resp, int status, const char *code, const char *message);
/* Sets a text body. */
void http_text(struct http_resp *resp, int status, const char *type, const char *text);
/* The HTTP status for an rb_err (RB_EBADSIG 401, RB_ETOOBIG 413, ...). */
int http_status_for(int rc);

struct http_server;

RB_MUST_CHECK int http_start(struct http_ctx *ctx, const char *listen, struct http_server **out,
                             struct buf *err);
void http_stop(struct http_server *s);

#endif
