/*
 * split.h - a long text cut into parts that each fit a message limit.
 *
 * WhatsApp refuses a text over 4,096 characters. A part ends at a line
 * break when one lies in the last half of the room, else at a space, else
 * at a grapheme boundary (never inside an emoji or a letter with its
 * marks); the break's white space is dropped. Lengths count UTF-16 units,
 * as WhatsApp does (an emoji outside the BMP counts two). Pure.
 */
#ifndef RB_SPLIT_H
#define RB_SPLIT_H

#include <stddef.h>

#include "core/err.h"

/* WhatsApp's own limit, and the room Rabta fills (a margin under it). */
#define WA_TEXT_LIMIT 4096
#define WA_TEXT_PART 4000

struct text_part {
    size_t off, len; /* bytes of the text */
};

/*
 * Cuts s (len bytes of UTF-8) into parts of at most max UTF-16 units:
 * *parts is a new array (free() it) of *n parts, in order; a text that
 * fits is one part. RB_EINVAL when max < 16, RB_ENOMEM.
 */
RB_MUST_CHECK int text_split(const char *s, size_t len, size_t max, struct text_part **parts,
                             size_t *n);

/* The length of s in UTF-16 units (invalid bytes count one each). */
size_t text_utf16_len(const char *s, size_t len);

#endif
