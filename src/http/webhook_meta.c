/*
 * webhook_meta.c - the two Meta webhooks: WhatsApp messages/statuses and Lead
 * Ads leadgen: the GET handshake, and the POST path of webhook.c with Meta's
 * signature (bounded body → signature → events → one group commit → 200
 * after COMMIT).
 */
#include <string.h>

#include "core/hmac.h"
#include "core/log.h"
#include "core/str.h"
#include "http/routes.h"
#include "http/webhook.h"

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

/* Meta's X-Hub-Signature-256 (hmac.h). */
static int meta_verify(const char *secret, const struct buf *body, const char *header)
{
    return hmac_verify_meta(secret, body->p, body->len, header);
}

static const struct webhook_source whatsapp_source = {
    .name = "whatsapp",
    .sig_header = "X-Hub-Signature-256",
    .verify = meta_verify,
    .split = inbound_split_whatsapp,
    .malformed = "body is not a webhook JSON object",
};

static const struct webhook_source leadgen_source = {
    .name = "meta_leads",
    .sig_header = "X-Hub-Signature-256",
    .verify = meta_verify,
    .split = inbound_split_leadgen,
    .malformed = "body is not a webhook JSON object",
};

void wa_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    webhook_receive(ctx, req, resp, &whatsapp_source, ctx->app->env.wa_app_secret);
}

void leads_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    const char *secret =
        ctx->app->env.meta_app_secret ? ctx->app->env.meta_app_secret : ctx->app->env.wa_app_secret;

    webhook_receive(ctx, req, resp, &leadgen_source, secret);
}
