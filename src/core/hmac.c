#include "core/hmac.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/buf.h"

int hmac_sha256_hex(const char *key, size_t keylen, const void *data, size_t len, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    unsigned int i;

    if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, md, &mdlen) || mdlen != 32) {
        return RB_EINTERNAL;
    }
    for (i = 0; i < mdlen; i++) {
        hex[i * 2] = digits[md[i] >> 4];
        hex[i * 2 + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
    return RB_OK;
}

static bool is_hex64(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return s[64] == '\0';
}

static bool digest_matches(const char *secret, const void *body, size_t len, const char *want)
{
    char hex[65];
    char lower[65];
    size_t i;

    if (hmac_sha256_hex(secret, strlen(secret), body, len, hex)) {
        return false;
    }
    for (i = 0; i < 65; i++) {
        char c = want[i];
        lower[i] = (c >= 'A' && c <= 'F') ? (char)(c + 32) : c;
    }
    return CRYPTO_memcmp(hex, lower, 64) == 0;
}

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length or 0. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0 && n >= 2 && (s[1] & 0xc0) == 0x80) {
        *cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
        return *cp >= 0x80 ? 2 : 0;
    }
    if ((s[0] & 0xf0) == 0xe0 && n >= 3 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
        *cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
        return *cp >= 0x800 ? 3 : 0;
    }
    if ((s[0] & 0xf8) == 0xf0 && n >= 4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
        (s[3] & 0xc0) == 0x80) {
        *cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
              (s[3] & 0x3fu);
        return (*cp >= 0x10000 && *cp <= 0x10ffff) ? 4 : 0;
    }
    return 0;
}

static int escape_non_ascii(const unsigned char *s, size_t n, struct buf *out)
{
    size_t i = 0;
    int rc = RB_OK;

    while (i < n && !rc) {
        unsigned cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            return RB_EPARSE;
        }
        if (cp < 0x80) {
            rc = buf_addc(out, (char)cp);
        } else if (cp < 0x10000) {
            rc = buf_addf(out, "\\u%04x", cp);
        } else {
            cp -= 0x10000;
            rc = buf_addf(out, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
        }
        i += k;
    }
    return rc;
}

static bool has_high_bytes(const unsigned char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] >= 0x80) {
            return true;
        }
    }
    return false;
}

int hmac_verify_meta(const char *secret, const void *body, size_t len, const char *header)
{
    struct buf esc;
    bool ok;

    if (!secret || !secret[0] || !header || strncmp(header, "sha256=", 7) != 0) {
        return RB_EBADSIG;
    }
    header += 7;
    if (!is_hex64(header)) {
        return RB_EBADSIG;
    }
    if (digest_matches(secret, body, len, header)) {
        return RB_OK;
    }
    if (!has_high_bytes(body, len)) {
        return RB_EBADSIG;
    }
    buf_init(&esc, len * 12 + 16);
    ok = escape_non_ascii(body, len, &esc) == RB_OK &&
         digest_matches(secret, esc.p, esc.len, header);
    buf_release(&esc);
    return ok ? RB_OK : RB_EBADSIG;
}

int hmac_sign_meta(const char *secret, const void *body, size_t len, char out[72])
{
    char hex[65];
    int rc = hmac_sha256_hex(secret, strlen(secret), body, len, hex);

    if (rc) {
        return rc;
    }
    memcpy(out, "sha256=", 7);
    memcpy(out + 7, hex, 65);
    return RB_OK;
}
