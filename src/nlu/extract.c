#include "nlu/extract.h"

#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "nlu/text.h"

#define EXTRACT_MAX 4096
#define WORDS_MAX 256
#define WINDOW 4 /* "15 march 2027", "agle mahine ki 15"... longest slice tried */

static bool has_digit(struct str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] >= '0' && s.p[i] <= '9') {
            return true;
        }
    }
    return false;
}

/* The key bytes from the start of word a to the end of word b. */
static struct str span(const struct str *w, size_t a, size_t b)
{
    return (struct str){w[a].p, (size_t)(w[b].p + w[b].len - w[a].p)};
}

void extract_event_facts(const char *text, size_t len, const struct nlu_now *now,
                         struct event_facts *out)
{
    struct str words[WORDS_MAX], cur, w;
    struct buf key;
    size_t n = 0;

    memset(out, 0, sizeof(*out));
    if (!text || len == 0 || len > EXTRACT_MAX) {
        return;
    }
    buf_init(&key, EXTRACT_MAX * 4);
    if (text_normalize(text, len, &key) != RB_OK || key.len == 0) {
        buf_release(&key);
        return;
    }
    cur = (struct str){key.p, key.len};
    while (n < WORDS_MAX && text_next_word(&cur, &w)) {
        words[n++] = w;
    }
    /* at each word the longest reading wins: "10-01-2026" is that day, not "10-01" */
    for (size_t i = 0; i < n && (!out->has_date || !out->guests); i++) {
        bool date_done = out->has_date, guests_done = out->guests != 0;
        for (size_t j = i + WINDOW - 1 < n ? i + WINDOW - 1 : n - 1; j + 1 > i; j--) {
            struct str s = span(words, i, j);
            struct rb_date from, to;
            bool range = false;
            int64_t g;

            if (!has_digit(s)) {
                continue;
            }
            /* guests need their word: a bare number is anything */
            if (!guests_done && j > i && !has_digit(words[j]) && value_guests(s, &g) == RB_OK) {
                guests_done = true;
                out->guests = g > 0 ? g : 0;
            }
            if (!date_done && value_date(s, now, &from, &to, &range) == RB_OK) {
                date_done = true;
                if (!range && date_cmp(from, now->now.date) >= 0) {
                    out->has_date = true;
                    out->date = from;
                }
            }
        }
    }
    buf_release(&key);
}
