/*
 * webhook_invoicing.c - POST /webhook/invoicing: payments the invoicing
 * system received. Bounded body (server.c) → X-Invoicing-Signature
 * ("sha256=" and the hex HMAC-SHA256 of the raw body with
 * INVOICING_WEBHOOK_SECRET, compared in constant time) → events
 * (inbound_split_invoicing, one per payment id) → the group commit into
 * inbound_events → 200 after COMMIT. A replay is a no-op (dedupe key
 * invpay:<payment_id>); the worker turns each event into one ledger entry.
 */
#include <string.h>

#include "core/hmac.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/inbound.h"
#include "http/ingest.h"
#include "http/routes.h"

#define SIG_PREFIX "sha256="

static bool signature_ok(const char *secret, const struct buf *body, const char *header)
{
    char want[65];
    size_t plen = strlen(SIG_PREFIX);

    if (!secret || !secret[0] || !header || strlen(header) != plen + 64 ||
        strncmp(header, SIG_PREFIX, plen) != 0 ||
        hmac_sha256_hex(secret, strlen(secret), body->p ? body->p : "", body->len, want)) {
        return false;
    }
    return rb_ct_equal(header + plen, 64, want, 64);
}

void invoicing_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    struct app *app = ctx->app;
    struct inbound_batch batch;
    struct buf err;
    size_t fresh = 0;
    int rc;

    inbound_batch_init(&batch);
    buf_init(&err, 512);
    if (!signature_ok(app->env.invoicing_secret, &req->body,
                      http_header(req, "X-Invoicing-Signature"))) {
        APP_COUNT(app, webhooks_rejected_sig);
        log_event(LOG_WARN, "webhook.bad_signature", "req=%s source=invoicing bytes=%zu", req->id,
                  req->body.len);
        http_error(resp, 401, "bad_signature", "X-Invoicing-Signature missing or wrong");
        goto out;
    }
    rc = inbound_split_invoicing(req->body.p, req->body.len, &batch, &err);
    if (rc) {
        APP_COUNT(app, webhooks_bad_json);
        log_event(LOG_WARN, "webhook.malformed", "req=%s source=invoicing error=%s", req->id,
                  log_q(err.p ? err.p : "", err.len));
        http_error(resp, http_status_for(rc), "malformed", "body is not an invoicing event");
        goto out;
    }
    rc = batch.n ? ingest_submit(ctx->ingest, "invoicing", &batch, &fresh) : RB_OK;
    if (rc) {
        APP_COUNT(app, webhooks_store_down);
        log_event(LOG_ERROR, "webhook.store_down", "req=%s source=invoicing events=%zu error=%s",
                  req->id, batch.n, rb_strerror(rc));
        http_error(resp, 503, "store_unavailable", "try again");
        resp->retry_after = "5";
        goto out;
    }
    APP_COUNT(app, webhooks_ok);
    APP_COUNT_N(app, events_stored, fresh);
    APP_COUNT_N(app, events_duplicate, batch.n - fresh);
    log_event(LOG_INFO, "webhook.accepted", "req=%s source=invoicing events=%zu dups=%zu other=%zu",
              req->id, batch.n, batch.n - fresh, batch.ignored);
    http_text(resp, 200, "application/json", "{\"status\":\"ok\"}");
out:
    buf_release(&err);
    inbound_batch_release(&batch);
}
