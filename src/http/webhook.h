/*
 * webhook.h - the POST path every webhook shares: bounded body (server.c) →
 * signature → events (a pure split) → one group commit into inbound_events →
 * 200 after COMMIT. A failure answers 401 (signature), 400/413 (body) or 503
 * with Retry-After (store), each counted and logged once, with the source.
 */
#ifndef RB_HTTP_WEBHOOK_H
#define RB_HTTP_WEBHOOK_H

#include <stdbool.h>

#include "core/buf.h"
#include "domain/inbound.h"
#include "http/server.h"

/* RB_OK when header signs body with secret (a source's own scheme). */
typedef int (*webhook_verify_fn)(const char *secret, const struct buf *body, const char *header);
typedef int (*webhook_split_fn)(const char *body, size_t len, struct inbound_batch *b,
                                struct buf *err);

struct webhook_source {
    const char *name;       /* "whatsapp", "meta_leads", "invoicing": logs and ingest */
    const char *sig_header; /* the header carrying the signature */
    webhook_verify_fn verify;
    webhook_split_fn split;
    const char *malformed; /* the 400's message */
    bool skip_empty;       /* no events: 200 without a commit */
};

/* Answers one webhook POST from src, with secret (borrowed; NULL or empty
 * fails every signature). */
void webhook_receive(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp,
                     const struct webhook_source *src, const char *secret);

#endif
