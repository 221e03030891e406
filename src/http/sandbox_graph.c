/*
 * sandbox_graph.c - /sandbox/graph/...: the Graph API's message endpoint for
 * a first try with no Meta account. Takes the same requests, answers the same
 * shapes, and keeps what was sent (sandbox_messages) so `rabta chat` can show
 * it: GET /sandbox/graph/_sent?to=PHONE&after=ID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "http/routes.h"
#include "store/db.h"
#include "store/sandbox.h"

static void sent_list(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    const char *to = http_query(req, "to");
    const char *after = http_query(req, "after");
    struct store_sandbox_msg *v = NULL;
    struct dbconn *c = NULL;
    int n = 0;
    int rc = db_acquire(ctx->app->db, 2000, &c);

    rc = rc ? rc : store_sandbox_sent(c, to ? to : "", after ? after : "0", &v, &n);
    if (rc) {
        http_error(resp, http_status_for(rc), "store", rb_strerror(rc));
    } else {
        resp->status = 200;
        resp->content_type = "application/json";
        buf_say(&resp->body, "{\"messages\":[");
        for (int i = 0; i < n; i++) {
            buf_say(&resp->body, "%s{\"id\":%lld,\"wamid\":\"%s\",\"request\":%s}", i ? "," : "",
                    (long long)v[i].id, v[i].wamid, v[i].request);
        }
        buf_say(&resp->body, "]}");
    }
    store_sandbox_free(v, n);
    db_release(ctx->app->db, c);
}

static void send_message(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp,
                         const char *pnid)
{
    json_t *body = json_loadb(req->body.p, req->body.len, 0, NULL);
    const char *to = json_string_value(json_object_get(body, "to"));
    const char *recipient = json_string_value(json_object_get(body, "recipient"));
    struct dbconn *c = NULL;
    char *wamid = NULL;
    int rc;

    if (!json_is_object(body)) {
        http_error(resp, 400, "invalid_json", "(#100) Invalid parameter");
        goto out;
    }
    if (json_object_get(body, "status")) { /* mark as read */
        http_text(resp, 200, "application/json", "{\"success\":true}");
        goto out;
    }
    if (!to && !recipient) {
        http_error(resp, 400, "missing_recipient", "(#100) The parameter to is required.");
        goto out;
    }
    rc = db_acquire(ctx->app->db, 2000, &c);
    rc = rc ? rc : store_sandbox_keep(c, pnid, to ? to : recipient, req->body.p, &wamid);
    if (rc) {
        http_error(resp, 500, "store", rb_strerror(rc));
        goto out;
    }
    resp->status = 200;
    resp->content_type = "application/json";
    buf_say(
        &resp->body,
        "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"%s\",\"wa_id\":\"%s\"}],"
        "\"messages\":[{\"id\":\"%s\"}]}",
        to ? to : recipient, to && to[0] == '+' ? to + 1 : (to ? to : recipient), wamid);
out:
    free(wamid);
    db_release(ctx->app->db, c);
    json_decref(body);
}

void sandbox_graph(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    const char *rest = req->path + strlen("/sandbox/graph/");
    char version[32], pnid[64];

    if (strcmp(req->method, "GET") == 0 && strcmp(rest, "_sent") == 0) {
        sent_list(ctx, req, resp);
        return;
    }
    if (strcmp(req->method, "POST") == 0 &&
        sscanf(rest, "%31[^/]/%63[^/]/messages", version, pnid) == 2) {
        send_message(ctx, req, resp, pnid);
        return;
    }
    http_error(resp, 400, "unsupported", "(#100) Unsupported request in the sandbox");
}
