#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
    b->p = buf_empty;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : BUF_MAX_DEFAULT;
    b->err = RB_OK;
}

void buf_release(struct buf *b)
{
    if (!b) {
        return;
    }
    if (b->cap) {
        free(b->p);
    }
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->p[0] = '\0';
    b->err = RB_OK;
    if (!b->cap) {
        b->p = buf_empty;
    }
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *s;

    if (b->cap) {
        s = b->p;
    } else {
        s = calloc(1, 1);
    }
    if (len) {
        *len = b->len;
    }
    buf_init(b, b->max);
    return s;
}

static int buf_fail(struct buf *b, int rc)
{
    if (!b->err) {
        b->err = rc;
    }
    return rc;
}

static int buf_grow(struct buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > b->max || b->len > b->max - extra) {
        return buf_fail(b, RB_ETOOBIG);
    }
    need = b->len + extra + 1;
    if (need <= b->cap) {
        return RB_OK;
    }
    cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap *= 2;
    }
    if (cap > b->max + 1) {
        cap = b->max + 1;
    }
    if (b->cap) {
        p = realloc(b->p, cap);
    } else {
        p = malloc(cap);
        if (p) {
            p[0] = '\0';
        }
    }
    if (!p) {
        return buf_fail(b, RB_ENOMEM);
    }
    b->p = p;
    b->cap = cap;
    return RB_OK;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
    int rc = buf_grow(b, len);

    if (rc) {
        return rc;
    }
    if (len) {
        memcpy(b->p + b->len, data, len);
    }
    b->len += len;
    b->p[b->len] = '\0';
    return RB_OK;
}

int buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;
    int rc;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        return buf_fail(b, RB_EINVAL);
    }
    rc = buf_grow(b, (size_t)n);
    if (rc) {
        return rc;
    }
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return RB_OK;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void buf_say(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    if (!b) {
        return;
    }
    va_start(ap, fmt);
    if (buf_vaddf(b, fmt, ap)) {
        /* remembered in b->err */
    }
    va_end(ap);
}

int buf_add_html(struct buf *b, const char *s, size_t len)
{
    size_t i, start = 0;
    const char *rep;
    int rc = RB_OK;

    for (i = 0; i < len && !rc; i++) {
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        rc = buf_add(b, s + start, i - start);
        if (!rc) {
            rc = buf_adds(b, rep);
        }
        start = i + 1;
    }
    if (!rc) {
        rc = buf_add(b, s + start, len - start);
    }
    return rc;
}

int buf_add_logval(struct buf *b, const char *s, size_t len)
{
    size_t i;
    int rc = buf_addc(b, '"');

    for (i = 0; i < len && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            rc = buf_addf(b, "\\%c", c);
        } else if (c < 0x20 || c == 0x7f) {
            rc = buf_addf(b, "\\x%02x", c);
        } else {
            rc = buf_addc(b, (char)c);
        }
    }
    if (!rc) {
        rc = buf_addc(b, '"');
    }
    return rc;
}

int buf_add_hex(struct buf *b, const unsigned char *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;
    int rc = buf_grow(b, len * 2);

    if (rc) {
        return rc;
    }
    for (i = 0; i < len; i++) {
        b->p[b->len++] = hex[data[i] >> 4];
        b->p[b->len++] = hex[data[i] & 15];
    }
    b->p[b->len] = '\0';
    return RB_OK;
}

void buf_truncate(struct buf *b, size_t len)
{
    RB_ASSERT(len <= b->len);
    if (len < b->len) {
        b->len = len;
        b->p[len] = '\0';
    }
}
