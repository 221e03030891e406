/* clang-format off */
/* links: nlu/text nlu/vocab */
/* clang-format on */
/*
 * test_robust_text.c - random UTF-8, valid and not, into nlu/text.h:
 * text_normalize(_map), text_fold_pattern, text_lang, text_next_word. The
 * generator, the checks and the knobs (RABTA_ROBUST_SEED, RABTA_ROBUST_SCALE)
 * are described in tests/lib/robust.h.
 */
#include "robust.h"
#include "words.h"

#include <unictype.h>

#include "nlu/text.h"

/* ---- text --------------------------------------------------------------- */

/* Arabic-script letters only (no marks, digits or spaces). */
static const struct cp_range urdu_letter_ranges[] = {
    {0x0621, 0x063A}, {0x0641, 0x064A}, {0x0679, 0x0679}, {0x067E, 0x067E},
    {0x0686, 0x0686}, {0x0688, 0x0688}, {0x0691, 0x0691}, {0x0698, 0x0698},
    {0x06A9, 0x06AF}, {0x06BA, 0x06BE}, {0x06C1, 0x06C3}, {0x06CC, 0x06D3},
};

/* Characters with no letters in them: digits, punctuation, emoji, joiners. */
static const struct cp_range nonletter_ranges[] = {
    {'0', '9'},       {' ', ' '},         {'!', '/'},         {0x06F0, 0x06F9},
    {0x0660, 0x0669}, {0x1F600, 0x1F64F}, {0x1F3FB, 0x1F3FF}, {0x200D, 0x200D},
    {0xFE0F, 0xFE0F}, {0x2764, 0x2764},   {0x061F, 0x061F},   {0x06D4, 0x06D4},
};

static bool is_pictish(ucs4_t c)
{
    return uc_is_property_extended_pictographic(c) || uc_is_property_emoji_modifier(c) ||
           (c >= 0x1F1E6 && c <= 0x1F1FF) || c == 0xFE0F || c == 0xFE0E ||
           (c >= 0xE0020 && c <= 0xE007F);
}

/* What text.h promises of a key. */
static void check_key(const char *k, size_t n, const char *label)
{
    const uint8_t *p = (const uint8_t *)k, *end = p + n;
    ucs4_t c, prev = 0;
    int run = 0;

    CHECKM(utf8_ok(k, n) && !memchr(k, '\0', n), "key is not UTF-8 without NUL: %s", label);
    if (!utf8_ok(k, n)) {
        return;
    }
    CHECKM(n == 0 || (k[0] != ' ' && k[n - 1] != ' '), "key \"%s\" has outer spaces: %s",
           show(k, n), label);
    while (p < end) {
        p += u8_mbtouc(&c, p, (size_t)(end - p));
        if (c >= 'a' && c <= 'z' && c == prev) {
            run++;
        } else {
            run = 1;
        }
        CHECKM(run < 3, "key \"%s\" keeps a run of '%c': %s", show(k, n), (char)c, label);
        CHECKM(!(c >= 'A' && c <= 'Z'), "key \"%s\" has upper case: %s", show(k, n), label);
        CHECKM(c >= 0x20 && c != 0x7f, "key \"%s\" has a control byte: %s", show(k, n), label);
        CHECKM(!(c == ' ' && prev == ' '), "key \"%s\" has two spaces: %s", show(k, n), label);
        CHECKM(!(c == 0x200E || c == 0x200F || c == 0x061C || c == 0xFEFF ||
                 (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x0640 ||
                 (c >= 0x064B && c <= 0x065F) || c == 0x0670),
               "key \"%s\" keeps U+%04X (a mark that is dropped): %s", show(k, n), (unsigned)c,
               label);
        CHECKM(c < 0x80 || uc_decimal_value(c) < 0, "key \"%s\" keeps the digit U+%04X: %s",
               show(k, n), (unsigned)c, label);
        CHECKM(c < 0x80 || !uc_is_property_white_space(c), "key \"%s\" keeps the space U+%04X: %s",
               show(k, n), (unsigned)c, label);
        CHECKM(!(c == 0x064A || c == 0x0649 || c == 0x0643 || c == 0x0647 || c == 0x06BE ||
                 c == 0x0629 || c == 0x0623 || c == 0x0625),
               "key \"%s\" keeps the unfolded letter U+%04X: %s", show(k, n), (unsigned)c, label);
        if (c == 0x200D) {
            ucs4_t next = 0;
            if (p < end) {
                u8_mbtouc(&next, p, (size_t)(end - p));
            }
            CHECKM(is_pictish(prev) && p < end && is_pictish(next),
                   "key \"%s\" keeps a ZWJ outside an emoji: %s", show(k, n), label);
        }
        prev = c;
    }
}

/*
 * True when the key keeps a combining mark. Such a key need not be its own
 * key: marks around a character the fold drops (a CGJ, a ZWJ, a variation
 * selector) come out in the order they were written, and normalizing the
 * key again puts them in canonical order ("j" U+20D1 U+034F U+20EF gives
 * "j" U+20D1 U+20EF, whose key is "j" U+20EF U+20D1). text.h does not
 * promise idempotence; reported, and left out of the check.
 */
static bool has_marks(const char *k, size_t n)
{
    const uint8_t *p = (const uint8_t *)k, *end = p + n;
    ucs4_t c;

    while (p < end) {
        p += u8_mbtouc(&c, p, (size_t)(end - p));
        if (uc_combining_class(c) != 0) {
            return true;
        }
    }
    return false;
}

static void check_normalize(struct stats *st, const char *s, size_t n, const char *what)
{
    bool valid = utf8_ok(s, n) && !memchr(s, '\0', n);
    struct buf key, key2, out, map;
    char *c = exact(s, n);
    char label[300];
    double t0 = cpu_s();
    int rc, rc2;

    snprintf(label, sizeof label, "%s \"%s\"", what, show(s, n));
    CHECKM(text_utf8_valid(c, n) == valid, "text_utf8_valid says %d: %s", !valid, label);
    buf_init(&key, (size_t)64 << 20);
    rc = text_normalize(c, n, &key);
    CHECKM(rc == (valid ? RB_OK : RB_EPARSE), "text_normalize rc %d: %s", rc, label);
    if (rc == RB_OK) {
        check_key(key.p, key.len, label);
    }
    if (rc == RB_OK && !has_marks(key.p, key.len)) {
        /* a key is its own key (but see has_marks) */
        char *k = exact(key.p, key.len);
        buf_init(&key2, (size_t)64 << 20);
        rc2 = text_normalize(k, key.len, &key2);
        CHECKM(rc2 == RB_OK && key2.len == key.len && memcmp(key2.p, key.p, key.len) == 0,
               "not idempotent: key \"%s\" becomes \"%s\": %s", show(key.p, key.len),
               show(key2.p, key2.len), label);
        buf_release(&key2);
        free(k);
    }

    /* the map: the same key, one span per key byte, each inside the original */
    buf_init(&out, (size_t)64 << 20);
    buf_init(&map, (size_t)1 << 30);
    CHECK(buf_adds(&out, "pre") == RB_OK);
    rc2 = text_normalize_map(c, n, &out, &map);
    CHECKM(rc2 == rc, "text_normalize_map rc %d, text_normalize %d: %s", rc2, rc, label);
    if (rc2 == RB_OK && rc == RB_OK) {
        size_t nk = out.len - 3, ns = map.len / sizeof(struct text_span);
        CHECKM(nk == key.len && memcmp(out.p + 3, key.p, nk) == 0, "map key differs: %s", label);
        CHECKM(map.len % sizeof(struct text_span) == 0 && ns == nk,
               "%zu spans for %zu key bytes: %s", ns, nk, label);
        uint32_t last_start = 0;
        for (size_t i = 0; i < ns && i < nk; i++) {
            struct text_span sp;
            memcpy(&sp, map.p + i * sizeof sp, sizeof sp);
            CHECKM(sp.start < sp.end && sp.end <= n, "span %zu [%u, %u) of %zu bytes: %s", i,
                   sp.start, sp.end, n, label);
            CHECKM(sp.start >= last_start, "span %zu starts before span %zu: %s", i, i - 1, label);
            last_start = sp.start;
        }
        for (int t = 0; t < 8 && nk > 0; t++) {
            size_t a = below(nk), b = a + 1 + below(nk - a), from = 99, to = 0;
            text_map_span(&map, a, b, &from, &to);
            CHECKM(from < to && to <= n, "text_map_span(%zu, %zu) = [%zu, %zu) of %zu: %s", a, b,
                   from, to, n, label);
        }
    }
    buf_release(&out);
    buf_release(&map);

    /* a ceiling too low: RB_ETOOBIG, and out and map as they were */
    if (rc == RB_OK && key.len > 2) {
        buf_init(&out, key.len + 1);
        buf_init(&map, (size_t)1 << 30);
        CHECK(buf_adds(&out, "xy") == RB_OK && buf_adds(&map, "m") == RB_OK);
        rc2 = text_normalize_map(c, n, &out, &map);
        CHECKM(rc2 == RB_ETOOBIG && out.len == 2 && strcmp(out.p, "xy") == 0 && map.len == 1 &&
                   map.p[0] == 'm',
               "over the ceiling: rc %d, out \"%s\", map %zu bytes: %s", rc2, show(out.p, out.len),
               map.len, label);
        buf_release(&out);
        buf_release(&map);
    }
    buf_release(&key);
    stats_one(st, t0, "normalize %s", label);
    free(c);
}

static void check_lang_words_pattern(struct stats *st, const char *s, size_t n, const char *what)
{
    char *c = exact(s, n);
    bool valid = utf8_ok(s, n) && !memchr(s, '\0', n);
    struct str cur = str_make(c, n), w;
    const char *last_end = c;
    size_t words = 0;
    struct buf pat;
    char label[300];
    double t0 = cpu_s();
    int rc;

    snprintf(label, sizeof label, "%s \"%s\"", what, show(s, n));
    for (int fb = LANG_UR; fb <= LANG_EN; fb++) {
        enum lang l = text_lang_or(c, n, (enum lang)fb);
        CHECKM(l == LANG_UR || l == LANG_ROMAN_UR || l == LANG_EN, "text_lang_or %d: %s", (int)l,
               label);
    }
    while (text_next_word(&cur, &w)) {
        CHECKM(w.len > 0 && w.p >= last_end && w.p + w.len <= c + n,
               "word at %td, %zu bytes, outside the text or behind the last: %s", w.p - c, w.len,
               label);
        CHECKM(cur.p == w.p + w.len && cur.len == (size_t)(c + n - cur.p),
               "cursor not right after the word: %s", label);
        CHECKM(!valid || utf8_ok(w.p, w.len), "word \"%s\" cuts a character: %s", show(w.p, w.len),
               label);
        CHECKM(!strchr(" \t\n\r.,;:!?\"'()", w.p[0]), "word starts with \"%c\": %s", w.p[0], label);
        last_end = w.p + w.len;
        if (++words > n) {
            CHECKM(false, "text_next_word does not end: %s", label);
            break;
        }
    }
    CHECKM(cur.len == 0, "cursor not at the end after the last word: %s", label);

    buf_init(&pat, (size_t)16 << 20);
    CHECK(buf_adds(&pat, "(?:") == RB_OK);
    rc = text_fold_pattern(c, n, &pat);
    CHECKM(rc == (valid ? RB_OK : RB_EPARSE), "text_fold_pattern rc %d: %s", rc, label);
    CHECKM(rc == RB_OK ? utf8_ok(pat.p, pat.len) : (pat.len == 3 && strcmp(pat.p, "(?:") == 0),
           "text_fold_pattern output: %s", label);
    buf_release(&pat);
    stats_one(st, t0, "lang/words/pattern %s", label);
    free(c);
}

TEST(text_survives_hostile_utf8)
{
    struct stats st;
    struct bytes b = {0};
    char what[64];

    reseed(2);
    stats_begin(&st, "text");
    for (unsigned i = 0; i < 1500 * scale; i++) {
        enum gen_mode mode = (enum gen_mode)(i % GEN_MODES);
        size_t ncp = i % 50 == 0 ? 1000 + below(3000) : below(40);
        by_reset(&b);
        gen_text(&b, ncp, mode);
        snprintf(what, sizeof what, "random #%u (mode %d)", i, (int)mode);
        check_normalize(&st, b.p ? b.p : "", b.len, what);
        check_lang_words_pattern(&st, b.p ? b.p : "", b.len, what);
    }
    /* raw bytes, anything at all */
    for (unsigned i = 0; i < 300 * scale; i++) {
        by_reset(&b);
        for (size_t k = below(64); k > 0; k--) {
            by_addc(&b, (char)below(256));
        }
        snprintf(what, sizeof what, "bytes #%u", i);
        check_normalize(&st, b.p ? b.p : "", b.len, what);
        check_lang_words_pattern(&st, b.p ? b.p : "", b.len, what);
    }
    /* no letters: the fallback language; Urdu letters only: Urdu */
    for (unsigned i = 0; i < 200 * scale; i++) {
        by_reset(&b);
        for (size_t k = 1 + below(20); k > 0; k--) {
            by_cp(&b,
                  pick_cp(nonletter_ranges, sizeof nonletter_ranges / sizeof nonletter_ranges[0]));
        }
        CHECKM(text_lang_or(b.p, b.len, LANG_ROMAN_UR) == LANG_ROMAN_UR &&
                   text_lang_or(b.p, b.len, LANG_UR) == LANG_UR,
               "no letters in \"%s\" but a language", show(b.p, b.len));
        by_reset(&b);
        for (size_t k = 1 + below(20); k > 0; k--) {
            by_cp(&b, pick_cp(urdu_letter_ranges,
                              sizeof urdu_letter_ranges / sizeof urdu_letter_ranges[0]));
        }
        CHECKM(text_lang(b.p, b.len) == LANG_UR, "\"%s\" is Urdu letters but not LANG_UR",
               show(b.p, b.len));
        st.tried += 2;
    }
    /* long inputs: storms of one thing */
    static const struct {
        const char *head;
        ucs4_t rep;
        size_t n;
    } storms[] = {
        {"a", 0x0301, 100000},
        {"\xd9\x87", 0x0654, 100000},
        {"", 'a', 300000},
        {"", 'A', 300000},
        {"\xf0\x9f\x91\xa8", 0x200D, 50000},
        {"", 0x200C, 100000},
        {"", 0xFDFA, 20000},
        {"", 0x1F44D, 100000},
        {"", 0x0640, 100000},
        {"", 0x06F5, 100000},
        {"", ' ', 300000},
        {"", 0x1F1F5, 100001},
        {"", 0xE0041, 100000},
        {"", 0x0130, 100000},
    };
    for (size_t i = 0; i < sizeof storms / sizeof storms[0]; i++) {
        by_reset(&b);
        by_adds(&b, storms[i].head);
        for (size_t k = 0; k < storms[i].n; k++) {
            by_cp(&b, storms[i].rep);
            if (storms[i].rep == 0x200D) {
                by_cp(&b, 0x1F469);
            }
        }
        snprintf(what, sizeof what, "storm of %zu U+%04X", storms[i].n, (unsigned)storms[i].rep);
        check_normalize(&st, b.p, b.len, what);
        check_lang_words_pattern(&st, b.p, b.len, what);
    }
    /* one MiB of valid text of every kind, then the same with bad bytes in it */
    static const enum gen_mode clean[] = {GEN_VALID, GEN_URDU, GEN_EMOJI};
    by_reset(&b);
    while (b.len < ((size_t)1 << 20)) {
        gen_text(&b, 64, clean[below(3)]);
    }
    check_normalize(&st, b.p, b.len, "1 MiB");
    check_lang_words_pattern(&st, b.p, b.len, "1 MiB");
    for (size_t k = 0; k < 16; k++) {
        b.p[below(b.len)] = (char)(0x80 + below(0x80));
    }
    check_normalize(&st, b.p, b.len, "1 MiB with bad bytes");
    check_lang_words_pattern(&st, b.p, b.len, "1 MiB with bad bytes");
    by_free(&b);
    stats_end(&st);
}

int main(void)
{
    struct vocab *vocab = test_words_install();

    robust_init();
    RUN(text_survives_hostile_utf8);
    vocab_free(vocab);
    return harness_done();
}
