/*
 * webhook_meta.c - the two Meta webhooks: WhatsApp messages/statuses and Lead
 * Ads leadgen. Both read top to bottom: bounded body (server.c) → signature
 * → parse into events (pure) → one group commit → 200 after COMMIT.
 */
#include <string.h>

#include "core/hmac.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/inbound.h"
#include "http/ingest.h"
#include "http/routes.h"

typedef int (*split_fn)(const char *body, size_t len, struct inbound_batch *b, struct buf *err);

/* The GET handshake: hub.mode=subscribe and the verify token, in constant time. */
static void verify(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    const char *mode = http_query(req, "hub.mode");
    const char *token = http_query(req, "hub.verify_token");
    const char *challenge = http_query(req, "hub.challenge");
    const char *want = ctx->app->env.wa_verify_token;

    if (!mode || strcmp(mode, "subscribe") != 0 || !token || !challenge || !want || !want[0] ||
        !rb_ct_equal(token, strlen(token), want, strlen(want))) {
        log_event(LOG_WARN, "webhook.verify_refused", "req=%s path=%s", req->id, req->path);
        http_text(resp, 403, "text/plain", "forbidden");
        return;
    }
    log_event(LOG_INFO, "webhook.verified", "req=%s path=%s", req->id, req->path);
    http_text(resp, 200, "text/plain", challenge);
}

void wa_webhook_verify(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    verify(ctx, req, resp);
}

void leads_webhook_verify(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    verify(ctx, req, resp);
}

static void receive(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp,
                    const char *source, const char *secret, split_fn split)
{
    struct app *app = ctx->app;
    struct inbound_batch batch;
    struct buf err;
    size_t fresh = 0;
    int rc;

    inbound_batch_init(&batch);
    buf_init(&err, 512);
    rc = hmac_verify_meta(secret, req->body.p, req->body.len,
                          http_header(req, "X-Hub-Signature-256"));
    if (rc) {
        APP_COUNT(app, webhooks_rejected_sig);
        log_event(LOG_WARN, "webhook.bad_signature", "req=%s source=%s bytes=%zu", req->id, source,
                  req->body.len);
        http_error(resp, 401, "bad_signature", "X-Hub-Signature-256 missing or wrong");
        goto out;
    }
    rc = split(req->body.p, req->body.len, &batch, &err);
    if (rc) {
        APP_COUNT(app, webhooks_bad_json);
        log_event(LOG_WARN, "webhook.malformed", "req=%s source=%s error=%s", req->id, source,
                  log_q(err.p, err.len));
        http_error(resp, http_status_for(rc), "malformed", "body is not a webhook JSON object");
        goto out;
    }
    rc = ingest_submit(ctx->ingest, source, &batch, &fresh);
    if (rc) {
        APP_COUNT(app, webhooks_store_down);
        log_event(LOG_ERROR, "webhook.store_down", "req=%s source=%s events=%zu error=%s", req->id,
                  source, batch.n, rb_strerror(rc));
        http_error(resp, 503, "store_unavailable", "try again");
        resp->retry_after = "5";
        goto out;
    }
    APP_COUNT(app, webhooks_ok);
    APP_COUNT_N(app, events_stored, fresh);
    APP_COUNT_N(app, events_duplicate, batch.n - fresh);
    log_event(LOG_INFO, "webhook.accepted", "req=%s source=%s events=%zu dups=%zu other=%zu",
              req->id, source, batch.n, batch.n - fresh, batch.ignored);
    http_text(resp, 200, "application/json", "{\"status\":\"ok\"}");
out:
    buf_release(&err);
    inbound_batch_release(&batch);
}

void wa_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    receive(ctx, req, resp, "whatsapp", ctx->app->env.wa_app_secret, inbound_split_whatsapp);
}

void leads_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    const char *secret =
        ctx->app->env.meta_app_secret ? ctx->app->env.meta_app_secret : ctx->app->env.wa_app_secret;

    receive(ctx, req, resp, "meta_leads", secret, inbound_split_leadgen);
}
