/*
 * text.c - the matching key of a message, and its language.
 *
 * A message is walked one segment at a time: a starter (combining class 0)
 * and the marks after it. NFKC never composes across a starter in the
 * scripts staff write, so normalizing segment by segment gives the same key
 * as normalizing the whole, and tells for every key byte which original
 * bytes it came from. ASCII and the Arabic block are already NFKC and
 * case-folded (but for U+0675-0678), so most segments never reach
 * libunistring. The key is built in a stack sink and appended to the
 * caller's buffer once.
 */
#include "nlu/text.h"

#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "nlu/vocab.h"

/* Code points the fold treats by name. */
enum {
    CP_ZWSP = 0x200B,
    CP_ZWNJ = 0x200C,
    CP_ZWJ = 0x200D,
    CP_VS15 = 0xFE0E,
    CP_VS16 = 0xFE0F,
    CP_KEYCAP = 0x20E3,
    CP_YEH_URDU = 0x06CC,
    CP_YEH_BARREE = 0x06D2,
    CP_KAF_URDU = 0x06A9,
    CP_HEH_GOAL = 0x06C1,
    CP_TEH_MARBUTA_GOAL = 0x06C3,
    CP_ALEF = 0x0627,
    CP_WAW = 0x0648,
};

/* What the fold does with one code point. */
enum fold_kind { FOLD_KEEP, FOLD_DROP, FOLD_SPACE, FOLD_MAP };

struct fold {
    enum fold_kind kind;
    int n; /* FOLD_MAP: code points in to[] */
    ucs4_t to[2];
};

static struct fold fold_map1(ucs4_t a)
{
    struct fold f = {FOLD_MAP, 1, {a, 0}};
    return f;
}

static struct fold fold_kind(enum fold_kind kind)
{
    struct fold f = {kind, 0, {0, 0}};
    return f;
}

/* reference/urdu-text.md §3.1, §3.2: letter variants and hamza carriers. */
static bool fold_letter(ucs4_t c, struct fold *f)
{
    switch (c) {
    case 0x064A: /* ي Arabic yeh */
    case 0x0649: /* ى alef maksura */
    case 0x06D0: /* ې */
    case 0x0626: /* ئ yeh with hamza (key only) */
        *f = fold_map1(CP_YEH_URDU);
        return true;
    case 0x0643: /* ك Arabic kaf */
    case 0x06AA: /* ڪ swash kaf */
        *f = fold_map1(CP_KAF_URDU);
        return true;
    case 0x0647: /* ه Arabic heh */
    case 0x06BE: /* ھ do-chashmi he: folded with ہ (choice (b)) */
    case 0x06D5: /* ە */
    case 0x06C0: /* ۀ */
    case 0x06C2: /* ۂ */
        *f = fold_map1(CP_HEH_GOAL);
        return true;
    case 0x0629: /* ة teh marbuta */
        *f = fold_map1(CP_TEH_MARBUTA_GOAL);
        return true;
    case 0x06D3: /* ۓ → ی + ے, so گۓ is گئے is گیے */
        f->kind = FOLD_MAP;
        f->n = 2;
        f->to[0] = CP_YEH_URDU;
        f->to[1] = CP_YEH_BARREE;
        return true;
    case 0x0624: /* ؤ */
        *f = fold_map1(CP_WAW);
        return true;
    case 0x0623: /* أ */
    case 0x0625: /* إ */
    case 0x0671: /* ٱ */
    case 0x0672: /* ٲ */
    case 0x0673: /* ٳ */
        *f = fold_map1(CP_ALEF);
        return true;
    default:
        return false;
    }
}

/* §3.3: harakat, superscript alef, Quranic marks, tatweel, hamza marks. */
static bool is_dropped_mark(ucs4_t c)
{
    return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0674 || c == 0x0640 ||
           (c >= 0x0610 && c <= 0x061A) || (c >= 0x06D6 && c <= 0x06DC) ||
           (c >= 0x06DF && c <= 0x06E8) || (c >= 0x06EA && c <= 0x06ED) || c == CP_KEYCAP;
}

/* §3.6: punctuation, dashes, quotes. 0 when c is not one of them. */
static ucs4_t fold_punct(ucs4_t c)
{
    if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212) {
        return '-';
    }
    switch (c) {
    case 0x061F:
        return '?';
    case 0x060C:
    case 0x066C:
        return ',';
    case 0x061B:
        return ';';
    case 0x06D4:
    case 0x066B:
        return '.';
    case 0x066A:
        return '%';
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
        return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
        return '"';
    default:
        return 0;
    }
}

/* The per-code-point fold of §3, for a code point that is already NFKC and
 * case-folded. Emoji sequences are handled by the caller. */
static struct fold fold_cp(ucs4_t c)
{
    struct fold f;
    ucs4_t p;
    int digit;

    if (c < 0x80) {
        if (c <= 0x20 || c == 0x7F) {
            return fold_kind(FOLD_SPACE);
        }
        return fold_kind(FOLD_KEEP);
    }
    if (fold_letter(c, &f)) {
        return f;
    }
    if (is_dropped_mark(c)) {
        return fold_kind(FOLD_DROP);
    }
    if (c == CP_ZWNJ || c == CP_ZWSP) {
        return fold_kind(FOLD_SPACE);
    }
    digit = uc_decimal_value(c);
    if (digit >= 0) {
        return fold_map1((ucs4_t)('0' + digit));
    }
    p = fold_punct(c);
    if (p) {
        return fold_map1(p);
    }
    if (uc_is_property_default_ignorable_code_point(c)) {
        return fold_kind(FOLD_DROP);
    }
    if (uc_is_property_white_space(c) || uc_is_general_category(c, UC_CATEGORY_Cc)) {
        return fold_kind(FOLD_SPACE);
    }
    return fold_kind(FOLD_KEEP);
}

/* A character that starts or is an emoji on its own. */
static bool is_emoji_base(ucs4_t c)
{
    return uc_is_property_extended_pictographic(c) || uc_is_property_emoji_modifier(c) ||
           (c >= 0x1F1E6 && c <= 0x1F1FF); /* regional indicators (flags) */
}

/* A character that continues an emoji sequence: presentation selectors, skin
 * tones, tag characters of subdivision flags. */
static bool is_emoji_continuation(ucs4_t c)
{
    return c == CP_VS15 || c == CP_VS16 || uc_is_property_emoji_modifier(c) ||
           (c >= 0xE0020 && c <= 0xE007F);
}

/* Segments that NFKC and case folding leave as they are: ASCII (lowered by
 * the caller) and the Arabic blocks but for the four high-hamza letters. */
static bool is_stable_alone(ucs4_t c)
{
    return c < 0x80 || (c >= 0x0600 && c <= 0x06FF && !(c >= 0x0675 && c <= 0x0678)) ||
           (c >= 0x0750 && c <= 0x077F);
}

/*
 * The output under construction: key bytes and, when asked, one span per key
 * byte. Starts in stack storage and moves to the heap only for long messages.
 */
#define SINK_STACK_BYTES 512

struct sink {
    char *key;
    struct text_span *spans; /* NULL when no map was asked for */
    size_t len, cap;
    size_t max; /* the caller's remaining room */
    char key_stack[SINK_STACK_BYTES];
    struct text_span span_stack[SINK_STACK_BYTES];
};

static void sink_init(struct sink *k, bool want_map, size_t max)
{
    k->key = k->key_stack;
    k->spans = want_map ? k->span_stack : NULL;
    k->len = 0;
    k->cap = SINK_STACK_BYTES;
    k->max = max;
}

static void sink_release(struct sink *k)
{
    if (k->key != k->key_stack) {
        free(k->key);
    }
    if (k->spans && k->spans != k->span_stack) {
        free(k->spans);
    }
}

/* Makes room for extra more bytes. hint: the input length, so one heap
 * allocation usually suffices when the stack is too small. */
static int sink_grow(struct sink *k, size_t extra, size_t hint)
{
    size_t cap = k->cap;
    char *key;
    struct text_span *spans = NULL;

    if (k->len + extra <= k->cap) {
        return RB_OK;
    }
    if (k->len + extra > k->max) {
        return RB_ETOOBIG;
    }
    if (cap < hint + hint / 4 + 64) {
        cap = hint + hint / 4 + 64;
    }
    while (cap < k->len + extra) {
        cap *= 2;
    }
    key = malloc(cap);
    if (k->spans) {
        spans = malloc(cap * sizeof *spans);
    }
    if (!key || (k->spans && !spans)) {
        free(key);
        free(spans);
        return RB_ENOMEM;
    }
    memcpy(key, k->key, k->len);
    if (k->spans) {
        memcpy(spans, k->spans, k->len * sizeof *spans);
    }
    sink_release(k);
    k->key = key;
    if (k->spans) {
        k->spans = spans;
    }
    k->cap = cap;
    return RB_OK;
}

/* The state of one text_normalize call. */
struct norm {
    struct sink sink;
    size_t hint;
    bool pending_space;
    struct text_span space_span;
    bool pending_zwj;
    struct text_span zwj_span;
    bool in_emoji;
    char run_c; /* the ASCII letter of the current run, 0 after anything else */
    int run_n;
};

static int sink_put(struct norm *n, const char *bytes, size_t len, struct text_span sp)
{
    struct sink *k = &n->sink;
    size_t i;
    int rc = sink_grow(k, len, n->hint);

    if (rc) {
        return rc;
    }
    memcpy(k->key + k->len, bytes, len);
    if (k->spans) {
        for (i = 0; i < len; i++) {
            k->spans[k->len + i] = sp;
        }
    }
    k->len += len;
    return RB_OK;
}

/* §1 step 5: a run of three or more of one ASCII letter becomes one. Returns
 * true when c was absorbed into the run (nothing to write). */
static bool squeeze(struct norm *n, char c, struct text_span sp)
{
    struct sink *k = &n->sink;

    if (c < 'a' || c > 'z') {
        n->run_c = 0;
        n->run_n = 0;
        return false;
    }
    if (c != n->run_c) {
        n->run_c = c;
        n->run_n = 1;
        return false;
    }
    n->run_n++;
    if (n->run_n < 3) {
        return false;
    }
    if (n->run_n == 3) {
        k->len--; /* "aa" + "a": keep the first only */
    }
    if (k->spans) {
        k->spans[k->len - 1].end = sp.end;
    }
    return true;
}

/* Writes one key code point, after the space that is pending if any. */
static int emit(struct norm *n, ucs4_t c, struct text_span sp)
{
    uint8_t bytes[6];
    int len;
    int rc;

    if (n->pending_space) {
        n->pending_space = false;
        if (n->sink.len > 0) {
            n->run_c = 0;
            rc = sink_put(n, " ", 1, n->space_span);
            if (rc) {
                return rc;
            }
        }
    }
    if (c < 0x80) {
        char ch = (char)c;
        if (squeeze(n, ch, sp)) {
            return RB_OK;
        }
        return sink_put(n, &ch, 1, sp);
    }
    n->run_c = 0;
    len = u8_uctomb(bytes, c, (int)sizeof bytes);
    if (len <= 0) {
        return RB_EINTERNAL;
    }
    return sink_put(n, (const char *)bytes, (size_t)len, sp);
}

static void want_space(struct norm *n, struct text_span sp)
{
    if (!n->pending_space) {
        n->pending_space = true;
        n->space_span = sp;
    }
}

/* Steps 3 and 4 for one NFKC, case-folded code point from original bytes sp. */
static int fold_one(struct norm *n, ucs4_t c, struct text_span sp)
{
    struct fold f;
    int i, rc;

    if (c < 0x80) {
        n->pending_zwj = false;
        n->in_emoji = false;
        f = fold_cp(c);
        if (f.kind == FOLD_SPACE) {
            want_space(n, sp);
            return RB_OK;
        }
        return emit(n, c, sp);
    }
    if (n->pending_zwj) {
        n->pending_zwj = false;
        if (is_emoji_base(c)) {
            rc = emit(n, CP_ZWJ, n->zwj_span);
            if (rc) {
                return rc;
            }
        }
    }
    if (is_emoji_base(c) || (n->in_emoji && is_emoji_continuation(c))) {
        n->in_emoji = true;
        return emit(n, c, sp);
    }
    if (c == CP_ZWJ && n->in_emoji) {
        n->pending_zwj = true; /* kept only if another pictograph follows */
        n->zwj_span = sp;
        return RB_OK;
    }
    n->in_emoji = false;
    f = fold_cp(c);
    switch (f.kind) {
    case FOLD_KEEP:
        return emit(n, c, sp);
    case FOLD_DROP:
        return RB_OK;
    case FOLD_SPACE:
        want_space(n, sp);
        return RB_OK;
    case FOLD_MAP:
        for (i = 0; i < f.n; i++) {
            rc = emit(n, f.to[i], sp);
            if (rc) {
                return rc;
            }
        }
        return RB_OK;
    }
    return RB_EINTERNAL;
}

/* NFKC and case folding of one segment through libunistring, then the fold. */
static int fold_segment(struct norm *n, const uint8_t *seg, size_t len, struct text_span sp)
{
    uint8_t stack[64];
    size_t rlen = sizeof stack;
    uint8_t *r = u8_casefold(seg, len, NULL, UNINORM_NFKC, stack, &rlen);
    size_t i = 0;
    int rc = RB_OK;

    if (!r) {
        return RB_ENOMEM;
    }
    while (i < rlen && rc == RB_OK) {
        ucs4_t c;
        int k = u8_mbtouc(&c, r + i, rlen - i);
        i += (size_t)k;
        rc = fold_one(n, c, sp);
    }
    if (r != stack) {
        free(r);
    }
    return rc;
}

static ucs4_t ascii_lower(ucs4_t c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* The segment walk over valid UTF-8 s. */
static int normalize_walk(struct norm *n, const uint8_t *s, size_t len)
{
    size_t i = 0;
    int rc = RB_OK;

    while (i < len && rc == RB_OK) {
        size_t start = i;
        bool alone = true;
        ucs4_t c;
        struct text_span sp;

        i += (size_t)u8_mbtouc(&c, s + i, len - i);
        while (i < len && s[i] >= 0x80) {
            ucs4_t m;
            int k = u8_mbtouc(&m, s + i, len - i);
            if (uc_combining_class(m) == 0) {
                break;
            }
            i += (size_t)k;
            alone = false;
        }
        sp.start = (uint32_t)start;
        sp.end = (uint32_t)i;
        if (alone && is_stable_alone(c)) {
            rc = fold_one(n, ascii_lower(c), sp);
        } else {
            rc = fold_segment(n, s + start, i - start, sp);
        }
    }
    return rc;
}

int text_normalize_map(const char *s, size_t len, struct buf *out, struct buf *map)
{
    struct norm n; /* about 5 KiB, all of it stack */
    size_t room = out->max > out->len ? out->max - out->len : 0;
    int rc;

    if (!text_utf8_valid(s, len)) {
        return RB_EPARSE;
    }
    if (len >= UINT32_MAX) {
        return RB_ETOOBIG;
    }
    sink_init(&n.sink, map != NULL, room);
    n.hint = len;
    n.pending_space = false;
    n.pending_zwj = false;
    n.in_emoji = false;
    n.run_c = 0;
    n.run_n = 0;
    rc = normalize_walk(&n, (const uint8_t *)s, len);
    if (rc) {
        goto out;
    }
    if (map) {
        rc = buf_add(map, n.sink.spans, n.sink.len * sizeof(struct text_span));
        if (rc) {
            goto out;
        }
    }
    rc = buf_add(out, n.sink.key, n.sink.len);
    if (rc && map) {
        buf_truncate(map, map->len - n.sink.len * sizeof(struct text_span));
    }
out:
    sink_release(&n.sink);
    return rc;
}

int text_normalize(const char *s, size_t len, struct buf *out)
{
    return text_normalize_map(s, len, out, NULL);
}

void text_map_span(const struct buf *map, size_t key_from, size_t key_to, size_t *from, size_t *to)
{
    struct text_span a, b;

    RB_ASSERT(key_from < key_to);
    RB_ASSERT(key_to * sizeof(struct text_span) <= map->len);
    memcpy(&a, map->p + key_from * sizeof a, sizeof a);
    memcpy(&b, map->p + (key_to - 1) * sizeof b, sizeof b);
    *from = a.start;
    *to = b.end;
}

bool text_utf8_valid(const char *s, size_t len)
{
    if (len == 0) {
        return true;
    }
    return u8_check((const uint8_t *)s, len) == NULL && memchr(s, '\0', len) == NULL;
}

/* One folded pattern character: escaped when it became regex syntax. */
static int pattern_put(struct buf *out, ucs4_t c)
{
    uint8_t bytes[6];
    int len;

    if (c == '?' || c == '.' || c == '-') {
        char esc[2] = {'\\', (char)c};
        return buf_add(out, esc, 2);
    }
    len = u8_uctomb(bytes, c, (int)sizeof bytes);
    if (len <= 0) {
        return RB_EINTERNAL;
    }
    return buf_add(out, bytes, (size_t)len);
}

/* NFKC, case folding and the fold of one non-ASCII pattern character. */
static int pattern_fold_char(struct buf *out, const uint8_t *s, size_t len)
{
    uint8_t stack[64];
    size_t rlen = sizeof stack;
    uint8_t *r = u8_casefold(s, len, NULL, UNINORM_NFKC, stack, &rlen);
    size_t i = 0;
    int j, rc = RB_OK;

    if (!r) {
        return RB_ENOMEM;
    }
    while (i < rlen && rc == RB_OK) {
        ucs4_t c;
        struct fold f;

        i += (size_t)u8_mbtouc(&c, r + i, rlen - i);
        f = fold_cp(c);
        if (f.kind == FOLD_KEEP) {
            rc = pattern_put(out, c);
        } else if (f.kind == FOLD_SPACE) {
            rc = buf_addc(out, ' ');
        } else if (f.kind == FOLD_MAP) {
            for (j = 0; j < f.n && rc == RB_OK; j++) {
                rc = pattern_put(out, f.to[j]);
            }
        }
    }
    if (r != stack) {
        free(r);
    }
    return rc;
}

int text_fold_pattern(const char *s, size_t len, struct buf *out)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t old = out->len;
    size_t i = 0;
    int rc = RB_OK;

    if (!text_utf8_valid(s, len)) {
        return RB_EPARSE;
    }
    while (i < len && rc == RB_OK) {
        size_t start = i;
        ucs4_t c;

        if (u[i] < 0x80) {
            rc = buf_addc(out, (char)u[i]);
            i++;
            continue;
        }
        i += (size_t)u8_mbtouc(&c, u + i, len - i);
        while (i < len && u[i] >= 0x80) {
            ucs4_t m;
            int k = u8_mbtouc(&m, u + i, len - i);
            if (uc_combining_class(m) == 0) {
                break;
            }
            i += (size_t)k;
        }
        rc = pattern_fold_char(out, u + start, i - start);
    }
    if (rc) {
        buf_truncate(out, old);
    }
    return rc;
}

static bool is_word_cp(ucs4_t c)
{
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    return uc_is_general_category(c, UC_CATEGORY_L) || uc_is_general_category(c, UC_CATEGORY_M) ||
           uc_is_general_category(c, UC_CATEGORY_N);
}

/* The code point at s[0..n) and its length; an invalid byte is one unit of
 * U+FFFD, so every byte string can be walked. */
static size_t next_cp(const char *s, size_t n, ucs4_t *c)
{
    const uint8_t *u = (const uint8_t *)s;
    int k;

    if (u[0] < 0x80) {
        *c = u[0];
        return 1;
    }
    k = u8_mbtouc(c, u, n);
    return k > 0 ? (size_t)k : 1;
}

int text_words(const char *s, size_t len, struct buf *out)
{
    struct buf key;
    struct str cur, w;
    size_t start = out->len;
    int rc;

    buf_init(&key, len * 4 + 16);
    rc = text_normalize(s, len, &key);
    cur = (struct str){key.p, key.len};
    while (!rc && text_next_word(&cur, &w)) {
        if (out->len > start) {
            rc = buf_addc(out, ' ');
        }
        rc = rc ? rc : buf_add(out, w.p, w.len);
    }
    buf_release(&key);
    return rc;
}

#define PHRASE_MAX 80

int text_phrase_index(const char *s, size_t len, const char *const *phrases)
{
    struct buf words, ph;
    int found = -1;

    if (!s || len > PHRASE_MAX) {
        return -1;
    }
    buf_init(&words, PHRASE_MAX * 4 + 16);
    buf_init(&ph, PHRASE_MAX * 4 + 16);
    if (text_words(s, len, &words) == RB_OK) {
        for (int i = 0; found < 0 && phrases[i]; i++) {
            buf_reset(&ph);
            if (text_words(phrases[i], strlen(phrases[i]), &ph) == RB_OK && ph.len == words.len &&
                memcmp(ph.p, words.p, ph.len) == 0) {
                found = i;
            }
        }
    }
    buf_release(&ph);
    buf_release(&words);
    return found;
}

bool text_next_word(struct str *cursor, struct str *word)
{
    size_t i = 0, start, k;
    ucs4_t c;

    while (i < cursor->len) {
        k = next_cp(cursor->p + i, cursor->len - i, &c);
        if (is_word_cp(c)) {
            break;
        }
        i += k;
    }
    if (i == cursor->len) {
        cursor->p += cursor->len;
        cursor->len = 0;
        return false;
    }
    start = i;
    while (i < cursor->len) {
        k = next_cp(cursor->p + i, cursor->len - i, &c);
        if (!is_word_cp(c)) {
            break;
        }
        i += k;
    }
    word->p = cursor->p + start;
    word->len = i - start;
    cursor->p += i;
    cursor->len -= i;
    return true;
}

/*
 * The language markers live in intents/language.words (vocab.h): words that
 * mark Roman Urdu (not also common English), English words that mark
 * English (not loanwords Roman Urdu sentences use), Roman Urdu number words
 * (half a vote) and words that say nothing about the language.
 */

/* The word lower-cased and squeezed as in the key, into w[cap]; false when
 * it does not fit (no marker is that long). */
static bool word_key(struct str word, char *w, size_t cap)
{
    size_t i, n = 0;
    char run_c = 0;
    int run_n = 0;

    for (i = 0; i < word.len; i++) {
        char c = (char)ascii_lower((unsigned char)word.p[i]);
        if (c == run_c) {
            run_n++;
        } else {
            run_c = c;
            run_n = 1;
        }
        if (run_n == 3) {
            n--; /* "aa" + "a": keep the first only */
        }
        if (run_n >= 3) {
            continue;
        }
        if (n + 1 >= cap) {
            return false;
        }
        w[n++] = c;
    }
    w[n] = '\0';
    return true;
}

static bool in_list(const char *w, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++) {
        if (strcmp(w, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Counts Arabic-script and Latin letters. */
static void count_letters(const char *s, size_t len, size_t *arabic, size_t *latin)
{
    size_t i = 0;

    *arabic = 0;
    *latin = 0;
    while (i < len) {
        ucs4_t c;
        const uc_script_t *sc;

        i += next_cp(s + i, len - i, &c);
        if (c < 0x80) {
            *latin += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            continue;
        }
        if (!uc_is_general_category(c, UC_CATEGORY_L)) {
            continue;
        }
        sc = uc_script(c);
        if (sc && strcmp(sc->name, "Arabic") == 0) {
            (*arabic)++;
        } else if (sc && strcmp(sc->name, "Latin") == 0) {
            (*latin)++;
        }
    }
}

enum lang text_lang_or(const char *s, size_t len, enum lang fallback)
{
    size_t arabic, latin, roman = 0, english = 0;
    struct str cur = str_make(s, len), word;
    bool only_neutral = true;
    char w[16];

    count_letters(s, len, &arabic, &latin);
    if (arabic + latin == 0) {
        return fallback;
    }
    if (arabic > latin) {
        return LANG_UR;
    }
    /* Latin script: Roman Urdu when its Urdu words are at least as many as
     * its English ones (ties go to Roman Urdu: "Ali booked 8 lakh") */
    while (text_next_word(&cur, &word)) {
        if (!word_key(word, w, sizeof w)) {
            only_neutral = false;
            continue;
        }
        if (in_list(w, vocab_words(VOC_HALF))) {
            roman += 1; /* a number word: half a vote ("42 advance 2 lakh received" is English) */
        } else if (vocab_has_sorted(VOC_ROMAN, w)) {
            roman += 2;
        } else if (vocab_has_sorted(VOC_ENGLISH, w)) {
            english += 2;
        }
        if (!in_list(w, vocab_words(VOC_NEUTRAL)) && (w[0] < '0' || w[0] > '9')) {
            only_neutral = false;
        }
    }
    if (roman > 0 && roman >= english) {
        return LANG_ROMAN_UR;
    }
    return only_neutral ? fallback : LANG_EN;
}

size_t text_arabic_letters(const char *s, size_t len)
{
    size_t arabic, latin;

    count_letters(s, len, &arabic, &latin);
    return arabic;
}

enum lang text_lang(const char *s, size_t len)
{
    return text_lang_or(s, len, LANG_EN);
}
