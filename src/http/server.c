#include "http/server.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "http/routes.h"

#define KIB ((size_t)1024)
#define MIB ((size_t)1024 * 1024)

/* Slow and greedy clients (slowloris, slow POST, many big bodies at once):
 * at most HTTP_CONN_MAX connections, HTTP_PER_IP_MAX from one address, an
 * idle connection closed after HTTP_IDLE_S, a request whose body is still
 * arriving after HTTP_REQUEST_S closed, and at most HTTP_BODY_BUDGET bytes of
 * request bodies held (before their signature is checked) over all
 * connections: past it a POST is answered 503 with Retry-After (Meta
 * retries) and its bytes are read and dropped. */
#define HTTP_CONN_MAX 512u
#define HTTP_PER_IP_MAX 128u
#define HTTP_IDLE_S 15u
#define HTTP_REQUEST_S 30
#define HTTP_BODY_BUDGET (64 * MIB)

static size_t body_bytes; /* held by all connections now (atomic) */

/* R_HEAD: a GET route that answers HEAD too (libmicrohttpd drops the body). */
enum route_flags { R_PREFIX = 1, R_SANDBOX = 2, R_HEAD = 4 };

struct route {
    const char *method;
    const char *path;
    size_t body_max;
    unsigned flags;
    http_handler fn;
};

/* Meta's batches reach 3 MB: the webhook cap is 4 MiB. */
static const struct route routes[] = {
    {"GET", "/webhook/whatsapp", 0, 0, wa_webhook_verify},
    {"POST", "/webhook/whatsapp", 4 * MIB, 0, wa_webhook_post},
    {"GET", "/webhook/meta-leads", 0, 0, leads_webhook_verify},
    {"POST", "/webhook/meta-leads", 4 * MIB, 0, leads_webhook_post},
    {"POST", "/webhook/invoicing", 1 * MIB, 0, invoicing_webhook_post},
    {"GET", "/healthz", 0, 0, health_get},
    {"GET", "/metrics", 0, 0, metrics_get},
    {"GET", "/sandbox/graph/", 0, R_PREFIX | R_SANDBOX, sandbox_graph},
    {"POST", "/sandbox/graph/", 1 * MIB, R_PREFIX | R_SANDBOX, sandbox_graph},
    {"GET", "/report", 0, R_HEAD, report_page},
    {"GET", "/report/", 0, R_PREFIX | R_HEAD, report_page},
};

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_ctx *ctx;
};

struct conn_state {
    const struct route *route;
    struct http_req req;
    bool too_big;
    bool busy;      /* over HTTP_BODY_BUDGET: answered 503 */
    size_t charged; /* bytes of body_bytes this request holds */
    int64_t start_ms;
};

/* Takes n bytes of the budget for st; false (nothing taken) when over it. */
static bool body_charge(struct conn_state *st, size_t n)
{
    size_t now = __atomic_add_fetch(&body_bytes, n, __ATOMIC_RELAXED);

    if (now > HTTP_BODY_BUDGET) {
        __atomic_sub_fetch(&body_bytes, n, __ATOMIC_RELAXED);
        return false;
    }
    st->charged += n;
    return true;
}

static void body_uncharge(struct conn_state *st)
{
    if (st->charged) {
        __atomic_sub_fetch(&body_bytes, st->charged, __ATOMIC_RELAXED);
        st->charged = 0;
    }
}

const char *http_header(const struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

void http_peer_ip(const struct http_req *req, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    out[0] = '\0';
    if (sa && sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)n);
    } else if (sa && sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)n);
    }
}

struct query_each {
    void (*fn)(void *cls, const char *key, const char *value);
    void *cls;
};

static enum MHD_Result query_each_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct query_each *q = cls;

    (void)kind;
    q->fn(q->cls, key, value);
    return MHD_YES;
}

void http_query_each(const struct http_req *req,
                     void (*fn)(void *cls, const char *key, const char *value), void *cls)
{
    struct query_each q = {fn, cls};

    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_each_one, &q);
}

int http_add_header(struct http_resp *resp, const char *name, const char *value)
{
    char *v;

    if (resp->nhdr >= HTTP_RESP_HEADERS) {
        return RB_ETOOBIG;
    }
    v = rb_strdup(value);
    if (!v) {
        return RB_ENOMEM;
    }
    resp->hdr_name[resp->nhdr] = name;
    resp->hdr_value[resp->nhdr++] = v;
    return RB_OK;
}

void http_stream(struct http_resp *resp, http_stream_read read, void *cls,
                 void (*free_fn)(void *cls))
{
    resp->stream_read = read;
    resp->stream_cls = cls;
    resp->stream_free = free_fn;
}

static void resp_release(struct http_resp *resp)
{
    for (int i = 0; i < resp->nhdr; i++) {
        free(resp->hdr_value[i]);
    }
    resp->nhdr = 0;
    if (resp->stream_free) {
        resp->stream_free(resp->stream_cls);
    }
    resp->stream_free = NULL;
    resp->stream_read = NULL;
    buf_release(&resp->body);
}

void http_text(struct http_resp *resp, int status, const char *type, const char *text)
{
    resp->status = status;
    resp->content_type = type;
    buf_reset(&resp->body);
    if (buf_adds(&resp->body, text)) {
        resp->status = 500;
    }
}

void http_error(struct http_resp *resp, int status, const char *code, const char *message)
{
    resp->status = status;
    resp->content_type = "application/json";
    buf_reset(&resp->body);
    buf_say(&resp->body, "{\"error\":\"%s\",\"message\":\"%s\"}", code, message);
}

int http_status_for(int rc)
{
    switch (rc) {
    case RB_OK:
        return 200;
    case RB_EBADSIG:
        return 401;
    case RB_EPERM:
        return 403;
    case RB_ENOTFOUND:
        return 404;
    case RB_ETOOBIG:
        return 413;
    case RB_EPARSE:
    case RB_EINVAL:
        return 400;
    case RB_ECONFLICT:
        return 409;
    case RB_ERATELIMIT:
        return 429;
    case RB_ESTORE:
    case RB_ETIMEOUT:
        return 503;
    default:
        return 500;
    }
}

/* The route for method and url; NULL with allow[] listing the methods the
 * path does take ("" when no route has the path). */
static const struct route *find_route(const char *method, const char *url, bool sandbox,
                                      char *allow, size_t allow_n)
{
    allow[0] = '\0';
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const struct route *r = &routes[i];
        bool hit = (r->flags & R_PREFIX) ? strncmp(url, r->path, strlen(r->path)) == 0
                                         : strcmp(url, r->path) == 0;
        if (!hit || ((r->flags & R_SANDBOX) && !sandbox)) {
            continue;
        }
        if (strcmp(method, r->method) == 0 ||
            ((r->flags & R_HEAD) && strcmp(method, "HEAD") == 0)) {
            return r;
        }
        if (!strstr(allow, r->method)) {
            size_t len = strlen(allow);
            snprintf(allow + len, allow_n - len, "%s%s%s", len ? ", " : "", r->method,
                     (r->flags & R_HEAD) ? ", HEAD" : "");
        }
    }
    return NULL;
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *out, size_t max)
{
    struct http_resp *resp = cls;
    ssize_t n;

    (void)pos;
    n = resp->stream_read(resp->stream_cls, out, max);
    if (n == 0) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    return n < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : n;
}

static void stream_done(void *cls)
{
    struct http_resp *resp = cls;

    resp_release(resp);
    free(resp);
}

/* Queues resp. A stream takes resp (moved to the heap, released when the
 * response is done); otherwise the caller still releases it. */
static enum MHD_Result send_resp(struct MHD_Connection *conn, struct http_resp *resp)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (resp->stream_read) {
        struct http_resp *heap = malloc(sizeof(*heap));
        if (!heap) {
            resp_release(resp);
            return MHD_NO;
        }
        *heap = *resp;
        memset(resp, 0, sizeof(*resp));
        buf_init(&resp->body, 1);
        resp = heap;
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * KIB, stream_reader, heap,
                                              stream_done);
        if (!r) {
            stream_done(heap);
            return MHD_NO;
        }
    } else {
        r = MHD_create_response_from_buffer(resp->body.len, resp->body.p, MHD_RESPMEM_MUST_COPY);
    }
    if (!r) {
        return MHD_NO;
    }
    if (resp->content_type) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    }
    if (resp->retry_after) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, resp->retry_after);
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            resp->cache_control ? resp->cache_control : "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < resp->nhdr; i++) {
        MHD_add_response_header(r, resp->hdr_name[i], resp->hdr_value[i]);
    }
    ret = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result simple(struct MHD_Connection *conn, int status, const char *code,
                              const char *msg)
{
    struct http_resp resp = {0};
    enum MHD_Result ret;

    buf_init(&resp.body, 4096);
    http_error(&resp, status, code, msg);
    ret = send_resp(conn, &resp);
    resp_release(&resp);
    return ret;
}

static enum MHD_Result not_allowed(struct MHD_Connection *conn, const char *allow)
{
    struct http_resp resp = {0};
    enum MHD_Result ret;

    buf_init(&resp.body, 4096);
    http_error(&resp, 405, "method_not_allowed", "method not allowed");
    if (http_add_header(&resp, MHD_HTTP_HEADER_ALLOW, allow)) {
        resp.status = 500;
    }
    ret = send_resp(conn, &resp);
    resp_release(&resp);
    return ret;
}

static struct conn_state *state_new(const struct route *r, struct MHD_Connection *conn,
                                    const char *method, const char *url)
{
    static unsigned long long seq;
    struct conn_state *st = calloc(1, sizeof(*st));

    if (!st) {
        return NULL;
    }
    st->route = r;
    st->req.method = method;
    st->req.path = url;
    st->req.conn = conn;
    st->start_ms = clock_mono_ms();
    buf_init(&st->req.body, r->body_max ? r->body_max : 1);
    snprintf(st->req.id, sizeof(st->req.id), "%08llx",
             (unsigned long long)__atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED) ^
                 ((unsigned long long)st->start_ms << 20));
    return st;
}

static bool declared_too_big(struct MHD_Connection *conn, const struct route *r)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");

    return cl && strtoull(cl, NULL, 10) > r->body_max;
}

static enum MHD_Result run_route(struct http_ctx *ctx, struct MHD_Connection *conn,
                                 struct conn_state *st)
{
    struct http_resp resp = {0};
    enum MHD_Result ret;

    if (st->busy) {
        struct http_resp busy = {0};
        buf_init(&busy.body, 4096);
        http_error(&busy, 503, "busy", "too many request bodies in flight; retry");
        busy.retry_after = "1";
        ret = send_resp(conn, &busy);
        buf_release(&busy.body);
        log_event(LOG_WARN, "http.busy", "req=%s path=%s", st->req.id, st->req.path);
        return ret;
    }
    if (st->too_big) {
        log_event(LOG_WARN, "http.too_big", "req=%s path=%s max=%zu", st->req.id, st->req.path,
                  st->route->body_max);
        return simple(conn, 413, "too_big", "request body over the limit");
    }
    buf_init(&resp.body, 8 * MIB);
    resp.status = 500;
    st->route->fn(ctx, &st->req, &resp);
    ret = send_resp(conn, &resp);
    resp_release(&resp);
    return ret;
}

static enum MHD_Result dispatch(void *cls, struct MHD_Connection *conn, const char *url,
                                const char *method, const char *version, const char *upload,
                                size_t *upload_size, void **con_cls)
{
    struct http_ctx *ctx = cls;
    struct conn_state *st = *con_cls;
    char allow[64];

    (void)version;
    if (!st) {
        const struct route *r =
            find_route(method, url, ctx->app->env.sandbox, allow, sizeof(allow));
        if (!r) {
            return allow[0] ? not_allowed(conn, allow)
                            : simple(conn, 404, "not_found", "no such route");
        }
        st = state_new(r, conn, method, url);
        if (!st) {
            return MHD_NO;
        }
        *con_cls = st;
        st->too_big = r->body_max && declared_too_big(conn, r);
        return MHD_YES;
    }
    if (*upload_size) {
        if (clock_mono_ms() - st->start_ms > HTTP_REQUEST_S * 1000) {
            log_event(LOG_WARN, "http.slow_body", "req=%s path=%s bytes=%zu", st->req.id,
                      st->req.path, st->req.body.len);
            return MHD_NO; /* a body trickling in for longer: the connection is closed */
        }
        if (!st->too_big && !st->busy && !body_charge(st, *upload_size)) {
            st->busy = true;
            buf_release(&st->req.body);
        }
        if (!st->too_big && !st->busy && buf_add(&st->req.body, upload, *upload_size)) {
            st->too_big = true;
            buf_release(&st->req.body);
        }
        *upload_size = 0; /* consumed, or drained once too big */
        return MHD_YES;
    }
    return run_route(ctx, conn, st);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct conn_state *st = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (st) {
        body_uncharge(st);
        buf_release(&st->req.body);
        free(st);
        *con_cls = NULL;
    }
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    long port;

    memset(sa, 0, sizeof(*sa));
    if (!colon || (size_t)(colon - listen) >= sizeof(host)) {
        return RB_EINVAL;
    }
    snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
    port = strtol(colon + 1, NULL, 10);
    if (port <= 0 || port > 65535) {
        return RB_EINVAL;
    }
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0) {
        snprintf(host, sizeof(host), "127.0.0.1");
    }
    return inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) == 1 ? RB_OK : RB_EINVAL;
}

int http_start(struct http_ctx *ctx, const char *listen, struct http_server **out, struct buf *err)
{
    struct http_server *s;
    struct sockaddr_in sa;

    if (parse_listen(listen, &sa)) {
        buf_say(err, "RABTA_LISTEN \"%s\" is not host:port", listen);
        return RB_EINVAL;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        return RB_ENOMEM;
    }
    s->ctx = ctx;
    s->daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, dispatch, ctx, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_NOTIFY_COMPLETED, completed, ctx, MHD_OPTION_CONNECTION_LIMIT, HTTP_CONN_MAX,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_PER_IP_MAX, MHD_OPTION_CONNECTION_TIMEOUT,
        HTTP_IDLE_S, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_THREAD_STACK_SIZE,
        (size_t)(256 * KIB), MHD_OPTION_END);
    if (!s->daemon) {
        buf_say(err, "cannot listen on %s (in use?)", listen);
        free(s);
        return RB_EINVAL;
    }
    *out = s;
    return RB_OK;
}

void http_stop(struct http_server *s)
{
    if (!s) {
        return;
    }
    MHD_stop_daemon(s->daemon);
    free(s);
}
