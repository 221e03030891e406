/*
 * hmac.h - HMAC-SHA256 and Meta's X-Hub-Signature-256 check.
 * Pure: no I/O, no globals.
 */
#ifndef RB_HMAC_H
#define RB_HMAC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Writes the 64 lowercase hex characters and a NUL into hex[65]. */
RB_MUST_CHECK int hmac_sha256_hex(const char *key, size_t keylen, const void *data, size_t len,
                                  char hex[65]);

/*
 * Checks header (the whole X-Hub-Signature-256 value, "sha256=<64 hex>")
 * against the HMAC of body with secret, in constant time. When that fails and
 * the body has bytes >= 0x80, also tries the body with every non-ASCII
 * character rewritten as lowercase \uXXXX (Meta's escaped form).
 * Returns RB_OK, RB_EBADSIG (missing, malformed or wrong), RB_ENOMEM.
 */
RB_MUST_CHECK int hmac_verify_meta(const char *secret, const void *body, size_t len,
                                   const char *header);

/* Fills out with a "sha256=<hex>" header value for body (for rabta chat and
 * tests). out must hold 72 bytes. */
RB_MUST_CHECK int hmac_sign_meta(const char *secret, const void *body, size_t len, char out[72]);

#endif
