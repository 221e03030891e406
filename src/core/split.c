#include "core/split.h"

#include <stdint.h>
#include <stdlib.h>

#include <unigbrk.h>
#include <unistr.h>

/* The UTF-16 units of the character at s (at most n bytes), *adv its bytes. */
static size_t units_at(const uint8_t *s, size_t n, size_t *adv)
{
    ucs4_t c;
    int k = u8_mbtouc(&c, s, n);

    *adv = k > 0 ? (size_t)k : 1;
    return c > 0xFFFF ? 2 : 1;
}

size_t text_utf16_len(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0, u = 0, adv;

    while (i < len) {
        u += units_at(p + i, len - i, &adv);
        i += adv;
    }
    return u;
}

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Where the part starting at start ends: the best break at or before the
 * byte hard (the most that fits); brk marks grapheme boundaries. */
static size_t part_end(const uint8_t *s, const char *brk, size_t start, size_t hard)
{
    size_t half = start + (hard - start) / 2, quarter = start + (hard - start) / 4;
    size_t line = 0, space = 0, graph = 0;

    for (size_t i = hard; i > start; i--) {
        if (!line && i >= half && s[i - 1] == '\n') {
            line = i;
        }
        if (!space && i >= quarter && is_space(s[i - 1]) && i - 1 > start) {
            space = i;
        }
        if (!graph && brk[i]) {
            graph = i;
        }
    }
    return line ? line : space ? space : graph > start ? graph : hard;
}

int text_split(const char *text, size_t len, size_t max, struct text_part **parts, size_t *n)
{
    const uint8_t *s = (const uint8_t *)text;
    struct text_part *out = NULL;
    size_t cap = 0, count = 0, start = 0;
    char *brk = NULL;

    if (max < 16) {
        return RB_EINVAL;
    }
    *parts = NULL;
    *n = 0;
    brk = malloc(len + 1);
    if (!brk) {
        return RB_ENOMEM;
    }
    u8_grapheme_breaks(s, len, brk);
    brk[len] = 1;
    while (start < len || count == 0) {
        size_t i = start, units = 0, adv, end, next;

        while (i < len) {
            size_t u = units_at(s + i, len - i, &adv);
            if (units + u > max) {
                break;
            }
            units += u;
            i += adv;
        }
        end = i >= len ? len : part_end(s, brk, start, i);
        next = end;
        while (end > start && is_space(s[end - 1]) && end < len) {
            end--; /* the break's own white space goes */
        }
        while (next < len && is_space(s[next])) {
            next++;
        }
        if (count == cap) {
            struct text_part *grown = realloc(out, (cap ? cap * 2 : 4) * sizeof(*out));
            if (!grown) {
                free(out);
                free(brk);
                return RB_ENOMEM;
            }
            out = grown;
            cap = cap ? cap * 2 : 4;
        }
        out[count].off = start;
        out[count].len = end - start;
        count++;
        if (next <= start) {
            break; /* nothing left that fits (cannot happen with max >= 16) */
        }
        start = next;
    }
    free(brk);
    *parts = out;
    *n = count;
    return RB_OK;
}
