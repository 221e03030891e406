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
 *
 * The parts: this file (start-up, libmicrohttpd callbacks, routing), the
 * routes in fake_graph.c, fake_gemini.c and fake_invoicing.c, the /_control/
 * routes in fake_control.c, and what they share in fake_common.c and
 * fake.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fake.h"

struct opts {
    unsigned port;
    const char *log;
    const char *ref;
};

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
