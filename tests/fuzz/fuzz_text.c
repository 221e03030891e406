/* links: nlu/text nlu/values */
/* seeds: tests/fixtures/values build/fuzz/seeds/intents */
/*
 * libFuzzer target: nlu/text.h (normalize with its map, the pattern fold,
 * the language, word iteration) and every nlu/values.h parser on the raw
 * input and on its key. Aborts when a key is not UTF-8 or a span leaves the
 * original.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "nlu/text.h"
#include "nlu/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void values(struct str s)
{
    static const struct nlu_now now = {{{2026, 3, 14}, 10, 0}, 92, false};
    struct rb_date from, to;
    struct rb_datetime when;
    bool range;
    int h, m;
    int64_t v;
    char phone[20], period[16];
    const char *canon;

    (void)value_date(s, &now, &from, &to, &range);
    (void)value_when(s, &now, &when);
    (void)value_time(s, &h, &m);
    (void)value_amount(s, &v);
    (void)value_guests(s, &v);
    (void)value_phone(s, 92, phone);
    (void)value_phone(s, 1, phone);
    (void)value_slot(s, &canon);
    (void)value_milestone(s, &canon);
    (void)value_period(s, &now, period);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct buf key, map, pat;
    struct str cur = str_make(s, size), w;

    buf_init(&key, (size_t)16 << 20);
    buf_init(&map, (size_t)256 << 20);
    buf_init(&pat, (size_t)16 << 20);
    if (text_normalize_map(s, size, &key, &map) == RB_OK) {
        if (u8_check((const uint8_t *)key.p, key.len) != NULL ||
            map.len != key.len * sizeof(struct text_span)) {
            abort();
        }
        for (size_t i = 0; i < key.len; i++) {
            struct text_span sp;
            memcpy(&sp, map.p + i * sizeof sp, sizeof sp);
            if (sp.start >= sp.end || sp.end > size) {
                abort();
            }
        }
        values(str_make(key.p, key.len));
    }
    (void)text_fold_pattern(s, size, &pat);
    (void)text_lang_or(s, size, LANG_ROMAN_UR);
    while (text_next_word(&cur, &w)) {
        if (w.len == 0 || w.p < s || w.p + w.len > s + size) {
            abort();
        }
    }
    values(str_make(s, size));
    buf_release(&key);
    buf_release(&map);
    buf_release(&pat);
    return 0;
}
