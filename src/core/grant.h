/*
 * grant.h - signed, expiring access grants (the report page's link).
 *
 * A grant is "v1.<scope>.<expires>.<sig>": scope is a short word of
 * [a-z0-9_] (what the bearer may see: "owner", "finance"), expires is a Unix
 * time in decimal, sig is the lowercase hex HMAC-SHA256 of
 * "v1.<scope>.<expires>" keyed with the secret (REPORT_TOKEN). The format is
 * URL- and cookie-safe, so the same string serves as the link's ?grant= value
 * and as the session cookie. Pure: no I/O, no globals.
 */
#ifndef RB_GRANT_H
#define RB_GRANT_H

#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"

#define GRANT_SCOPE_MAX 32

/* Appends a grant for scope valid until expires to out. RB_EINVAL for an empty
 * secret or a scope that is not 1..31 of [a-z0-9_]. */
RB_MUST_CHECK int grant_make(const char *secret, const char *scope, time_t expires,
                             struct buf *out);

/*
 * Checks token (len bytes, not NUL-terminated necessarily) against secret at
 * time now, comparing the signature in constant time. On success copies the
 * scope to scope[GRANT_SCOPE_MAX] and, if expires is not NULL, the expiry.
 * Returns RB_OK, RB_EBADSIG (malformed, forged or wrong secret), RB_EEXPIRED
 * (well-signed but past its time), RB_EINVAL (empty secret).
 */
RB_MUST_CHECK int grant_check(const char *secret, const char *token, size_t len, time_t now,
                              char scope[GRANT_SCOPE_MAX], time_t *expires);

#endif
