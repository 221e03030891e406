#include "egress/http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

struct http_client {
    CURL *curl;
    long connect_timeout_ms;
    long total_timeout_ms;
    char error[CURL_ERROR_SIZE];
};

const char *http_transport_name(enum http_transport t)
{
    switch (t) {
    case HTTP_T_OK:
        return "ok";
    case HTTP_T_TIMEOUT:
        return "timeout";
    case HTTP_T_CONNECT:
        return "connect";
    case HTTP_T_OTHER:
        return "other";
    }
    return "other";
}

void http_response_init(struct http_response *r, size_t max_body)
{
    r->status = 0;
    buf_init(&r->body, max_body);
    r->total_ms = 0;
    r->transport = HTTP_T_OK;
}

void http_response_release(struct http_response *r)
{
    if (!r) {
        return;
    }
    buf_release(&r->body);
    r->status = 0;
    r->total_ms = 0;
    r->transport = HTTP_T_OK;
}

int http_client_new(long connect_timeout_ms, long total_timeout_ms, struct http_client **out)
{
    struct http_client *c;

    RB_ASSERT(connect_timeout_ms > 0 && total_timeout_ms > 0);
    c = calloc(1, sizeof(*c));
    if (!c) {
        return RB_ENOMEM;
    }
    c->curl = curl_easy_init();
    if (!c->curl) {
        free(c);
        return RB_ENOMEM;
    }
    c->connect_timeout_ms = connect_timeout_ms;
    c->total_timeout_ms = total_timeout_ms;
    *out = c;
    return RB_OK;
}

void http_client_set_timeouts(struct http_client *c, long connect_timeout_ms, long total_timeout_ms)
{
    if (c && connect_timeout_ms > 0 && total_timeout_ms > 0) {
        c->connect_timeout_ms = connect_timeout_ms;
        c->total_timeout_ms = total_timeout_ms;
    }
}

void http_client_free(struct http_client *c)
{
    if (!c) {
        return;
    }
    curl_easy_cleanup(c->curl);
    free(c);
}

const char *http_client_error(const struct http_client *c)
{
    return c->error;
}

bool http_header_value_ok(const char *s)
{
    if (!s || !*s) {
        return false;
    }
    return strpbrk(s, "\r\n") == NULL;
}

bool http_path_segment_ok(const char *s)
{
    const char *p;

    if (!s || !*s) {
        return false;
    }
    for (p = s; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '~' || ch == '-';
        if (!ok) {
            return false;
        }
    }
    return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* curl write callback: appends to the response body; returning less than
 * asked aborts the transfer (CURLE_WRITE_ERROR) when the ceiling is passed. */
static size_t http_on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct buf *b = userp;
    size_t n = size * nmemb;

    if (buf_add(b, data, n)) {
        return 0;
    }
    return n;
}

static enum http_transport http_classify_curl(CURLcode cc)
{
    switch (cc) {
    case CURLE_OK:
        return HTTP_T_OK;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_T_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
        return HTTP_T_CONNECT;
    default:
        return HTTP_T_OTHER;
    }
}

/* Builds the header list: the caller's lines, then Content-Type for a body.
 * RB_EINVAL for a line with CR or LF. */
static int http_headers(const struct http_request *req, struct curl_slist **out)
{
    struct curl_slist *list = NULL, *next;
    const char *const *h;

    for (h = req->headers; h && *h; h++) {
        if (strpbrk(*h, "\r\n")) {
            curl_slist_free_all(list);
            return RB_EINVAL;
        }
        next = curl_slist_append(list, *h);
        if (!next) {
            curl_slist_free_all(list);
            return RB_ENOMEM;
        }
        list = next;
    }
    if (req->body) {
        /* "Expect:" stops curl from waiting for 100-continue on big bodies. */
        static const char *const extra[] = {"Content-Type: application/json", "Expect:"};
        size_t i;
        for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
            next = curl_slist_append(list, extra[i]);
            if (!next) {
                curl_slist_free_all(list);
                return RB_ENOMEM;
            }
            list = next;
        }
    }
    *out = list;
    return RB_OK;
}

/* Sets every option of one call; the handle was reset just before. */
static int http_setopts(struct http_client *c, const struct http_request *req,
                        struct curl_slist *headers, struct http_response *res)
{
    CURL *h = c->curl;
    long total = req->timeout_ms > 0 ? req->timeout_ms : c->total_timeout_ms;
    long connect = c->connect_timeout_ms < total ? c->connect_timeout_ms : total;
    CURLcode cc = CURLE_OK;

    cc |= curl_easy_setopt(h, CURLOPT_URL, req->url);
    cc |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    cc |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect);
    cc |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total);
    cc |= curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    cc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    cc |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    cc |= curl_easy_setopt(h, CURLOPT_USERAGENT, "rabta/1");
    cc |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->error);
    cc |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_on_body);
    cc |= curl_easy_setopt(h, CURLOPT_WRITEDATA, &res->body);
    cc |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (req->body) {
        cc |= curl_easy_setopt(h, CURLOPT_POST, 1L);
        cc |= curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
        cc |= curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else {
        cc |= curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    return cc == CURLE_OK ? RB_OK : RB_EINVAL;
}

/* Maps a finished transfer to res and a return code. */
static int http_finish(struct http_client *c, CURLcode cc, struct http_response *res)
{
    curl_off_t us = 0;
    bool too_big = res->body.err == RB_ETOOBIG;

    if (curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME_T, &us) == CURLE_OK) {
        res->total_ms = (int64_t)(us / 1000);
    }
    res->transport = http_classify_curl(cc);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &res->status);
        return RB_OK;
    }
    res->status = 0;
    if (!c->error[0]) {
        snprintf(c->error, sizeof(c->error), "%s", curl_easy_strerror(cc));
    }
    if (too_big) {
        return RB_ETOOBIG;
    }
    if (cc == CURLE_OUT_OF_MEMORY) {
        return RB_ENOMEM;
    }
    return res->transport == HTTP_T_TIMEOUT ? RB_ETIMEOUT : RB_EUPSTREAM;
}

int http_perform(struct http_client *c, const struct http_request *in, struct http_response *res)
{
    struct http_request req = *in;
    struct curl_slist *headers = NULL;
    CURLcode cc;
    int rc;

    buf_reset(&res->body);
    res->status = 0;
    res->total_ms = 0;
    res->transport = HTTP_T_OTHER;
    c->error[0] = '\0';
    if (!req.url || !req.method) {
        return RB_EINVAL;
    }
    if (strcmp(req.method, "GET") == 0) {
        req.body = NULL;
        req.body_len = 0;
    } else if (strcmp(req.method, "POST") != 0 || !req.body) {
        return RB_EINVAL;
    }
    rc = http_headers(&req, &headers);
    if (rc) {
        goto out;
    }
    curl_easy_reset(c->curl); /* keeps live connections and the DNS cache */
    rc = http_setopts(c, &req, headers, res);
    if (rc) {
        goto out;
    }
    cc = curl_easy_perform(c->curl);
    rc = http_finish(c, cc, res);
out:
    curl_slist_free_all(headers);
    return rc;
}

int http_post_json(struct http_client *c, const char *url, const char *const *headers,
                   const char *body, size_t len, struct http_response *res)
{
    struct http_request req = {"POST", url, headers, body, len, 0};

    return http_perform(c, &req, res);
}

int http_get(struct http_client *c, const char *url, const char *const *headers,
             struct http_response *res)
{
    struct http_request req = {"GET", url, headers, NULL, 0, 0};

    return http_perform(c, &req, res);
}
