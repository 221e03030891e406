/*
 * webhook.c - the POST path every webhook shares (see webhook.h); the
 * sources (webhook_meta.c, webhook_invoicing.c) bring their signature
 * scheme and their split.
 */
#include "http/webhook.h"

#include <stdio.h>

#include "core/log.h"
#include "http/ingest.h"

void webhook_receive(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp,
                     const struct webhook_source *src, const char *secret)
{
    struct app *app = ctx->app;
    struct inbound_batch batch;
    struct buf err;
    size_t fresh = 0;
    char msg[96];
    int rc;

    inbound_batch_init(&batch);
    buf_init(&err, 512);
    if (src->verify(secret, &req->body, http_header(req, src->sig_header))) {
        APP_COUNT(app, webhooks_rejected_sig);
        log_event(LOG_WARN, "webhook.bad_signature", "req=%s source=%s bytes=%zu", req->id,
                  src->name, req->body.len);
        snprintf(msg, sizeof(msg), "%s missing or wrong", src->sig_header);
        http_error(resp, 401, "bad_signature", msg);
        goto out;
    }
    rc = src->split(req->body.p, req->body.len, &batch, &err);
    if (rc) {
        APP_COUNT(app, webhooks_bad_json);
        log_event(LOG_WARN, "webhook.malformed", "req=%s source=%s error=%s", req->id, src->name,
                  log_q(err.p ? err.p : "", err.len));
        http_error(resp, http_status_for(rc), "malformed", src->malformed);
        goto out;
    }
    rc =
        batch.n || !src->skip_empty ? ingest_submit(ctx->ingest, src->name, &batch, &fresh) : RB_OK;
    if (rc) {
        APP_COUNT(app, webhooks_store_down);
        log_event(LOG_ERROR, "webhook.store_down", "req=%s source=%s events=%zu error=%s", req->id,
                  src->name, batch.n, rb_strerror(rc));
        http_error(resp, 503, "store_unavailable", "try again");
        resp->retry_after = "5";
        goto out;
    }
    APP_COUNT(app, webhooks_ok);
    APP_COUNT_N(app, events_stored, fresh);
    APP_COUNT_N(app, events_duplicate, batch.n - fresh);
    log_event(LOG_INFO, "webhook.accepted", "req=%s source=%s events=%zu dups=%zu other=%zu",
              req->id, src->name, batch.n, batch.n - fresh, batch.ignored);
    http_text(resp, 200, "application/json", "{\"status\":\"ok\"}");
out:
    buf_release(&err);
    inbound_batch_release(&batch);
}
