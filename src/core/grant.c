#include "core/grant.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/hmac.h"

static bool scope_ok(const char *s, size_t n)
{
    if (n == 0 || n >= GRANT_SCOPE_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

int grant_make(const char *secret, const char *scope, time_t expires, struct buf *out)
{
    char head[96], hex[65];
    int n;

    if (!secret || !secret[0] || !scope || !scope_ok(scope, strlen(scope)) || expires < 0) {
        return RB_EINVAL;
    }
    n = snprintf(head, sizeof(head), "v1.%s.%lld", scope, (long long)expires);
    if (n < 0 || (size_t)n >= sizeof(head)) {
        return RB_EINVAL;
    }
    if (hmac_sha256_hex(secret, strlen(secret), head, (size_t)n, hex)) {
        return RB_EINTERNAL;
    }
    return buf_addf(out, "%s.%s", head, hex);
}

int grant_check(const char *secret, const char *token, size_t len, time_t now,
                char scope[GRANT_SCOPE_MAX], time_t *expires)
{
    const char *p, *end = token + len, *dot1, *dot2;
    char hex[65];
    long long exp = 0;
    size_t slen, hlen;

    if (!secret || !secret[0]) {
        return RB_EINVAL;
    }
    if (!token || len < 3 + 1 + 1 + 1 + 1 + 64 || memcmp(token, "v1.", 3) != 0) {
        return RB_EBADSIG;
    }
    p = token + 3;
    dot1 = memchr(p, '.', (size_t)(end - p));
    if (!dot1) {
        return RB_EBADSIG;
    }
    slen = (size_t)(dot1 - p);
    if (!scope_ok(p, slen)) {
        return RB_EBADSIG;
    }
    dot2 = memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1));
    if (!dot2 || dot2 == dot1 + 1 || dot2 - dot1 - 1 > 18 || end - dot2 - 1 != 64) {
        return RB_EBADSIG;
    }
    for (const char *d = dot1 + 1; d < dot2; d++) {
        if (*d < '0' || *d > '9') {
            return RB_EBADSIG;
        }
        exp = exp * 10 + (*d - '0');
    }
    hlen = (size_t)(dot2 - token);
    if (hmac_sha256_hex(secret, strlen(secret), token, hlen, hex)) {
        return RB_EINTERNAL;
    }
    if (CRYPTO_memcmp(hex, dot2 + 1, 64) != 0) {
        return RB_EBADSIG;
    }
    if ((long long)now >= exp) {
        return RB_EEXPIRED;
    }
    memcpy(scope, p, slen);
    scope[slen] = '\0';
    if (expires) {
        *expires = (time_t)exp;
    }
    return RB_OK;
}
