/*
 * report_auth.c - GET /report and /report/...: who may look, then which page.
 *
 * Access, in order: a ?grant= (a signed, expiring grant made with
 * REPORT_TOKEN, core/grant.h) is checked and exchanged for a cookie holding
 * the same grant, and the page sends the browser on to the same address
 * without it; an `Authorization: Bearer <REPORT_TOKEN>` header (compared in
 * constant time) is the owner; the cookie's grant. Anything else is 401 with
 * a page that says why. Scope "owner" sees everything, "finance" the
 * dashboard's payment figures and the payments list; no other scope opens
 * the page. With no REPORT_TOKEN the page is off (503; serve logs why).
 *
 * The exchange answers 200 with a same-site <meta refresh> rather than a
 * 303: a SameSite=Strict cookie is not sent on a redirect that follows a
 * cross-site click (a link in WhatsApp Web), but it is on a navigation the
 * page itself starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/grant.h"
#include "core/log.h"
#include "core/str.h"
#include "http/report_html.h"
#include "http/report_pages.h"
#include "http/routes.h"

#define COOKIE "rabta_report"

static const char csp[] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void page_fail(struct report_req *r, int status, const char *title, const char *why)
{
    struct buf *b = &r->resp->body;

    buf_reset(b);
    buf_say(b,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            "<title>%d ",
            status);
    html_esc(b, title);
    buf_say(b, "</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:24px;"
               "background:#f4f5f7;color:#1d2327}main{max-width:560px;margin:0 auto;"
               "background:#fff;padding:16px 20px;border-radius:8px}</style></head><body><main>"
               "<h1>");
    html_esc(b, title);
    buf_say(b, "</h1><p>");
    html_esc(b, why);
    buf_say(b, "</p></main></body></html>\n");
    r->resp->status = buf_err(b) ? 500 : status;
    r->resp->content_type = "text/html; charset=utf-8";
}

void page_done(struct report_req *r)
{
    if (buf_err(&r->resp->body)) {
        log_event(LOG_ERROR, "report.page_failed", "req=%s path=%s err=%s", r->req->id,
                  log_q(r->req->path, (size_t)-1), rb_strerror(buf_err(&r->resp->body)));
        page_fail(r, 500, "Something went wrong", "The page could not be built. Try again.");
        return;
    }
    r->resp->status = 200;
    r->resp->content_type = "text/html; charset=utf-8";
}

/* ---- who is asking ---- */

static bool trusted_peer(const struct http_req *req, const char *list)
{
    char ip[64];
    struct str cur, item;

    if (!list) {
        return false;
    }
    http_peer_ip(req, ip, sizeof(ip));
    cur = str_from(list);
    while (cur.len) {
        str_split(&cur, ',', &item);
        item = str_trim(item);
        if (item.len && str_eqs(item, ip)) {
            return true;
        }
    }
    return false;
}

/* The request came through TLS: X-Forwarded-Proto https from a trusted proxy. */
static bool via_tls(struct report_req *r)
{
    const char *proto = http_header(r->req, "X-Forwarded-Proto");

    return proto && strcmp(proto, "https") == 0 &&
           trusted_peer(r->req, r->ctx->app->env.trusted_proxies);
}

/* The value of cookie name in the Cookie header into out; false if absent. */
static bool cookie_get(const struct http_req *req, const char *name, char *out, size_t n)
{
    const char *h = http_header(req, "Cookie");
    size_t nl = strlen(name);
    struct str cur, item;

    if (!h) {
        return false;
    }
    cur = str_from(h);
    while (cur.len) {
        str_split(&cur, ';', &item);
        item = str_trim(item);
        if (item.len > nl && memcmp(item.p, name, nl) == 0 && item.p[nl] == '=') {
            if (item.len - nl - 1 >= n) {
                return false;
            }
            memcpy(out, item.p + nl + 1, item.len - nl - 1);
            out[item.len - nl - 1] = '\0';
            return true;
        }
    }
    return false;
}

static bool scope_of(const char *word, enum report_scope *out)
{
    if (strcmp(word, "owner") == 0) {
        *out = SCOPE_OWNER;
        return true;
    }
    if (strcmp(word, "finance") == 0) {
        *out = SCOPE_FINANCE;
        return true;
    }
    return false;
}

struct requery {
    struct buf *b;
    int n;
};

static void requery_one(void *cls, const char *key, const char *value)
{
    struct requery *q = cls;

    if (strcmp(key, "grant") == 0) {
        return;
    }
    buf_say(q->b, "%c", q->n++ ? '&' : '?');
    url_enc(q->b, key);
    if (value) {
        buf_say(q->b, "=");
        url_enc(q->b, value);
    }
}

/* The grant in the link: set the cookie, then on to the address without it. */
static void exchange(struct report_req *r, const char *grant)
{
    const char *secret = r->ctx->app->env.report_token;
    char scope[GRANT_SCOPE_MAX], cookie[512];
    enum report_scope sc;
    time_t now = time(NULL), exp = 0;
    struct buf url;
    int rc = grant_check(secret, grant, strlen(grant), now, scope, &exp);

    if (rc == RB_EEXPIRED) {
        log_event(LOG_INFO, "report.grant_expired", "req=%s", r->req->id);
        page_fail(r, 401, "This link has expired",
                  "Report links last 24 hours. Ask the bot for a new one: send \"report link\".");
        return;
    }
    if (rc) {
        log_event(LOG_WARN, "report.grant_refused", "req=%s", r->req->id);
        page_fail(r, 401, "This link is not valid",
                  "The link is damaged or was not made by this venue's bot. Ask the bot for a "
                  "new one: send \"report link\".");
        return;
    }
    if (!scope_of(scope, &sc)) {
        page_fail(r, 403, "Not for this page", "This link does not open the report.");
        return;
    }
    snprintf(cookie, sizeof(cookie),
             COOKIE "=%s; Path=/report; Max-Age=%lld; HttpOnly; "
                    "SameSite=Strict%s",
             grant, (long long)(exp - now), via_tls(r) ? "; Secure" : "");
    buf_init(&url, 8192);
    buf_say(&url, "%s", r->req->path);
    struct requery q = {&url, 0};
    http_query_each(r->req, requery_one, &q);
    if (buf_err(&url) || http_add_header(r->resp, "Set-Cookie", cookie)) {
        buf_release(&url);
        page_fail(r, 400, "Address too long", "The address is too long.");
        return;
    }
    log_event(LOG_INFO, "report.grant_accepted", "req=%s scope=%s", r->req->id, scope);
    struct buf *b = &r->resp->body;
    buf_say(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
               "<meta http-equiv=\"refresh\" content=\"0;url=");
    html_esc(b, url.p);
    buf_say(b, "\"><title>Opening the report</title></head><body><p><a href=\"");
    html_esc(b, url.p);
    buf_say(b, "\">Open the report</a></p></body></html>\n");
    buf_release(&url);
    page_done(r);
}

/* True when access is granted (r->scope set); otherwise r->resp is the answer. */
static bool access_ok(struct report_req *r)
{
    const char *secret = r->ctx->app->env.report_token;
    const char *grant = http_query(r->req, "grant");
    const char *auth = http_header(r->req, "Authorization");
    char value[512], scope[GRANT_SCOPE_MAX];
    int rc;

    if (!secret) {
        page_fail(r, 503, "The report page is off",
                  "This server has no REPORT_TOKEN, so the report page is switched off.");
        return false;
    }
    if (grant) {
        exchange(r, grant);
        return false;
    }
    if (auth && strncmp(auth, "Bearer ", 7) == 0) {
        const char *t = auth + 7;
        if (rb_ct_equal(t, strlen(t), secret, strlen(secret))) {
            r->scope = SCOPE_OWNER;
            return true;
        }
        log_event(LOG_WARN, "report.bearer_refused", "req=%s", r->req->id);
        page_fail(r, 401, "Not signed in", "The token given is not this venue's report token.");
        return false;
    }
    if (cookie_get(r->req, COOKIE, value, sizeof(value))) {
        rc = grant_check(secret, value, strlen(value), time(NULL), scope, NULL);
        if (!rc && scope_of(scope, &r->scope)) {
            return true;
        }
        page_fail(r, 401, rc == RB_EEXPIRED ? "Your access has expired" : "Not signed in",
                  "Open the report with the link the bot sends: send \"report link\" to the "
                  "bot on WhatsApp.");
        return false;
    }
    page_fail(r, 401, "Not signed in",
              "This page needs the link the bot sends to the owner: send \"report link\" to the "
              "bot on WhatsApp.");
    return false;
}

/* ---- the pages ---- */

static bool finance_may(const char *rest)
{
    return rest[0] == '\0' || strcmp(rest, "payments") == 0;
}

static void route(struct report_req *r)
{
    const char *rest = r->req->path + strlen("/report");

    rest += rest[0] == '/';
    if (r->scope == SCOPE_FINANCE && !finance_may(rest)) {
        page_fail(r, 403, "Payments only",
                  "This link shows the payment figures and the payments list only.");
        return;
    }
    if (rest[0] == '\0') {
        page_dashboard(r);
    } else if (strcmp(rest, "leads") == 0) {
        page_leads(r);
    } else if (strncmp(rest, "leads/", 6) == 0) {
        page_lead(r, rest + 6);
    } else if (strcmp(rest, "conversations") == 0) {
        page_convs(r);
    } else if (strcmp(rest, "ai") == 0) {
        page_ai(r);
    } else if (strcmp(rest, "payments") == 0) {
        page_payments(r);
    } else {
        page_fail(r, 404, "No such page", "The report has no page at this address.");
    }
}

void report_page(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    struct report_req r = {.ctx = ctx, .req = req, .resp = resp};

    r.snap = app_snapshot_get(ctx->app);
    r.venue = ctx->app->venue_id;
    r.tz = r.snap->config->time_zone;
    r.venue_name = r.snap->config->venue_name;
    html_money_set(r.snap->config->report_money_grouping, r.snap->config->report_currency);
    html_labels_set(r.snap->prompts);
    if (access_ok(&r)) {
        route(&r);
    }
    if (http_add_header(resp, "Content-Security-Policy", csp) ||
        http_add_header(resp, "Referrer-Policy", "no-referrer") ||
        http_add_header(resp, "X-Frame-Options", "DENY")) {
        resp->status = 500;
    }
    app_snapshot_put(ctx->app, r.snap);
}
