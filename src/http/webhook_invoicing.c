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
#include "core/str.h"
#include "http/routes.h"
#include "http/webhook.h"

#define SIG_PREFIX "sha256="

/* RB_OK when header is "sha256=" and the hex HMAC-SHA256 of body with secret. */
static int signature_check(const char *secret, const struct buf *body, const char *header)
{
    char want[65];
    size_t plen = strlen(SIG_PREFIX);

    if (!secret || !secret[0] || !header || strlen(header) != plen + 64 ||
        strncmp(header, SIG_PREFIX, plen) != 0 ||
        hmac_sha256_hex(secret, strlen(secret), body->p ? body->p : "", body->len, want)) {
        return RB_EBADSIG;
    }
    return rb_ct_equal(header + plen, 64, want, 64) ? RB_OK : RB_EBADSIG;
}

static const struct webhook_source invoicing_source = {
    .name = "invoicing",
    .sig_header = "X-Invoicing-Signature",
    .verify = signature_check,
    .split = inbound_split_invoicing,
    .malformed = "body is not an invoicing event",
    .skip_empty = true,
};

void invoicing_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    webhook_receive(ctx, req, resp, &invoicing_source, ctx->app->env.invoicing_secret);
}
