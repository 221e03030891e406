/*
 * buf.h - a bounded, growable byte buffer.
 *
 * Invariants: after buf_init, b->p is never NULL and b->p[b->len] == '\0'.
 * Every buffer has a ceiling (max bytes of content) chosen at init; an append
 * that would pass it fails with RB_ETOOBIG and leaves the content as it was.
 * The first failure is remembered in b->err so code that builds a page with
 * many appends can check once at the end (buf_err).
 *
 * Ownership: the buffer owns b->p. buf_release frees it and resets the
 * buffer to empty (still usable); buf_detach hands the storage to the caller
 * (a new string, free() it) and resets the buffer.
 */
#ifndef RB_BUF_H
#define RB_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

struct buf {
    char *p;
    size_t len;
    size_t cap; /* allocated bytes, 0 while p points at the shared empty string */
    size_t max; /* ceiling on len */
    int err;    /* first failure, RB_OK if none */
};

#define BUF_MAX_DEFAULT ((size_t)1 << 20)

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
/* Empties the content, keeps the storage and the ceiling, clears err. */
void buf_reset(struct buf *b);
/* Returns a new NUL-terminated string (caller frees); the buffer is reset. */
char *buf_detach(struct buf *b, size_t *len);

RB_MUST_CHECK int buf_add(struct buf *b, const void *data, size_t len);
RB_MUST_CHECK int buf_adds(struct buf *b, const char *s);
RB_MUST_CHECK int buf_addc(struct buf *b, char c);
RB_MUST_CHECK RB_PRINTF(2, 3) int buf_addf(struct buf *b, const char *fmt, ...);
RB_MUST_CHECK int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Appends a formatted message where a failure needs no handling of its own:
 * it is remembered in b->err (for error messages into a caller's err). */
RB_PRINTF(2, 3) void buf_say(struct buf *b, const char *fmt, ...);
/* Appends s with & < > " ' escaped for HTML text and attribute values. */
RB_MUST_CHECK int buf_add_html(struct buf *b, const char *s, size_t len);
/* Appends s for a key=value log line: quoted, with control bytes, quotes and
 * backslashes escaped (never raw client bytes in a log). */
RB_MUST_CHECK int buf_add_logval(struct buf *b, const char *s, size_t len);
/* Appends lowercase hex of data. */
RB_MUST_CHECK int buf_add_hex(struct buf *b, const unsigned char *data, size_t len);
/* Shortens the content to len (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);
/* The first failure since init/reset, RB_OK if none. */
static inline int buf_err(const struct buf *b)
{
    return b->err;
}

#endif
