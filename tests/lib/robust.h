/*
 * robust.h - what the test_robust_*.c unit tests share: hostile input into
 * the pure parsing surfaces.
 *
 * Every section feeds inputs made by a fixed-seed generator (the same run
 * every time) into one family of parsers and checks that each call returns
 * one of its documented statuses, that what it returns is well-formed
 * (valid UTF-8, spans inside the original, dates that exist, classes in
 * range) and that outputs are left alone on failure. Inputs are handed over
 * in heap copies of their exact length with no NUL after them, so that under
 * ASan a read past the end is a crash, and everything is freed, so that a
 * leak fails the run at exit.
 *
 *   test_robust_inbound.c
 *     inbound   webhook bodies (tests/fixtures/whatsapp/): byte flips, every
 *               truncation of a few files, \u escapes and lone surrogates,
 *               nesting 10^5 deep, huge numbers, duplicate keys, a wrong type
 *               at every field; a fixture re-serialized must split the same
 *   test_robust_text.c
 *     text      text_normalize(_map), text_fold_pattern, text_lang,
 *               text_next_word on random UTF-8 (valid and not)
 *   test_robust_values.c
 *     values    every value_* parser on token soup and near misses
 *   test_robust_intents.c
 *     intents   intents_match on mixes of intents/examples/labeled.tsv
 *               words, random bytes, 4096-byte and pathological messages; no
 *               message may take more than 1 s (catastrophic backtracking)
 *     extract   extract_event_facts on the same messages
 *   test_robust_egress.c
 *     whatsapp  wa_classify on mutated tests/fixtures/reference bodies
 *     gemini    gemini_read_response, gemini_validate, gemini_retry_delay_ms
 *
 * Each section prints "# section: N inputs in S s, slowest T ms CPU (which)".
 * RABTA_ROBUST_SEED (a number) changes the seed and RABTA_ROBUST_SCALE
 * (1-1000) multiplies the random inputs, for longer runs by hand; a failure
 * prints the seed with the input. Run from the project root or set RABTA_HOME.
 *
 * Here: the generator, reporting (CHECKM, stats), byte strings and file
 * lists, the mutations of the JSON sections, random text, the labeled
 * corpus, and the rules (config/ and intents/) loaded once. Everything is
 * static (inline), for one test file each.
 */
#ifndef RB_TEST_ROBUST_H
#define RB_TEST_ROBUST_H

#include "harness.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <unistr.h>

#include "app/config.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "nlu/intents.h"
#include "nlu/values.h"

#define WA_DIR "tests/fixtures/whatsapp/"
#define REF_DIR "tests/fixtures/reference/"
#define LABELED "intents/examples/labeled.tsv"
#define DEEP 100000 /* nesting depth of the deepest bodies */
#define SLOW_LIMIT_S 1.0

/* ---- the generator ------------------------------------------------------ */

static uint64_t base_seed = 0x5eedf00dcafeULL;
static unsigned scale = 1;
static uint64_t rng;

/* splitmix64: small, fast and the same on every machine. */
static inline uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

/* Each section starts from its own seed, so it can be run and read alone. */
static inline void reseed(unsigned section)
{
    rng = base_seed ^ ((uint64_t)section * 0x100000001B3ULL);
}

/* ---- reporting ---------------------------------------------------------- */

static int shown; /* failures printed in this section */

/* A check that also prints which input failed it (the first 25 per section). */
#define CHECKM(expr, ...)                                                                          \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            harness_case_failed = 1;                                                               \
            harness_failed_checks++;                                                               \
            if (shown++ < 25) {                                                                    \
                printf("  %s:%d: check failed: %s -- ", __FILE__, __LINE__, #expr);                \
                printf(__VA_ARGS__);                                                               \
                printf(" (seed %llu)\n", (unsigned long long)base_seed);                           \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* A printable excerpt of p[0..n): C escapes, at most 120 bytes shown. */
static inline const char *show(const char *p, size_t n)
{
    static char out[4][600];
    static int which;
    char *o = out[which++ & 3];
    size_t i, k = 0;

    for (i = 0; i < n && i < 120 && k + 8 < sizeof out[0]; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
            o[k++] = (char)c;
        } else {
            k += (size_t)snprintf(o + k, sizeof out[0] - k, "\\x%02x", c);
        }
    }
    if (i < n) {
        k += (size_t)snprintf(o + k, sizeof out[0] - k, "...(%zu bytes)", n);
    }
    o[k] = '\0';
    return o;
}

static inline double mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: what one input costs, whatever else the machine
 * is doing (a busy CI box must not fail the 1 s guard). */
static inline double cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct stats {
    const char *name;
    size_t tried;
    double start, slowest;
    char slow_what[160];
};

static inline void stats_begin(struct stats *st, const char *name)
{
    memset(st, 0, sizeof *st);
    st->name = name;
    st->start = mono_s();
    shown = 0;
}

/* Counts one input that started at t0 (cpu_s); what names it when it is
 * the slowest. Returns its CPU seconds. */
RB_PRINTF(3, 4) static inline double stats_one(struct stats *st, double t0, const char *fmt, ...)
{
    double dt = cpu_s() - t0;
    va_list ap;

    st->tried++;
    if (dt > st->slowest) {
        st->slowest = dt;
        va_start(ap, fmt);
        vsnprintf(st->slow_what, sizeof st->slow_what, fmt, ap);
        va_end(ap);
    }
    return dt;
}

static inline void stats_end(const struct stats *st)
{
    printf("# %s: %zu inputs in %.2f s, slowest %.3f ms CPU (%s)\n", st->name, st->tried,
           mono_s() - st->start, st->slowest * 1e3, st->slow_what);
}

/* ---- small helpers ------------------------------------------------------ */

/* A heap copy of exactly n bytes, no NUL after it: ASan sees any over-read. */
static inline char *exact(const void *p, size_t n)
{
    char *c = malloc(n ? n : 1);

    if (!c) {
        abort();
    }
    if (n) {
        memcpy(c, p, n);
    }
    return c;
}

static inline bool utf8_ok(const char *s, size_t n)
{
    return u8_check((const uint8_t *)s, n) == NULL;
}

/* NULL, or a NUL-terminated string of valid UTF-8. */
static inline bool cstr_ok(const char *s)
{
    return !s || utf8_ok(s, strlen(s));
}

/* A growable byte string for building inputs (aborts when out of memory). */
struct bytes {
    char *p;
    size_t len, cap;
};

static inline void by_add(struct bytes *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        b->p = realloc(b->p, cap);
        if (!b->p) {
            abort();
        }
        b->cap = cap;
    }
    if (n) {
        memcpy(b->p + b->len, p, n);
    }
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void by_adds(struct bytes *b, const char *s)
{
    by_add(b, s, strlen(s));
}

static inline void by_addc(struct bytes *b, char c)
{
    by_add(b, &c, 1);
}

static inline void by_cp(struct bytes *b, ucs4_t c)
{
    uint8_t u[6];
    int n = u8_uctomb(u, c, (int)sizeof u);

    if (n > 0) {
        by_add(b, u, (size_t)n);
    }
}

static inline void by_reset(struct bytes *b)
{
    b->len = 0;
    if (b->p) {
        b->p[0] = '\0';
    }
}

static inline void by_free(struct bytes *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Files of dir whose names end in suffix, sorted, as dir/name paths. */
struct names {
    char **v;
    size_t n;
};

static inline int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void names_of(const char *dir, const char *suffix, struct names *out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t sl = strlen(suffix);

    memset(out, 0, sizeof *out);
    if (!d) {
        printf("  cannot open %s\n", dir);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        char *path;
        if (nl < sl || strcmp(e->d_name + nl - sl, suffix) != 0) {
            continue;
        }
        path = malloc(strlen(dir) + nl + 1);
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        if (!path || !out->v) {
            abort();
        }
        sprintf(path, "%s%s", dir, e->d_name);
        out->v[out->n++] = path;
    }
    closedir(d);
    qsort(out->v, out->n, sizeof *out->v, cmp_cstr);
}

static inline void names_free(struct names *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static inline const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* ---- mutations shared by the JSON sections ------------------------------ */

static const char special_bytes[] = {'"', '\\', '{', '}', '[', ']', ':', ',', '\0', 'u', '0', ' '};

/* One random edit of b: flip a bit, set a special byte, delete, duplicate
 * or insert a byte, or cut a range. */
static inline void mutate_once(struct bytes *b)
{
    size_t at = below(b->len + 1), n;
    unsigned char c;

    switch (below(7)) {
    case 0:
        if (b->len) {
            b->p[below(b->len)] ^= (char)(1u << below(8));
        }
        break;
    case 1:
        if (b->len) {
            b->p[below(b->len)] = special_bytes[below(sizeof special_bytes)];
        }
        break;
    case 2:
        if (at < b->len) {
            memmove(b->p + at, b->p + at + 1, b->len - at - 1);
            b->len--;
        }
        break;
    case 3:
        c = (unsigned char)(below(2) ? 0x80 + below(0x80) : below(0x100));
        by_addc(b, 0);
        memmove(b->p + at + 1, b->p + at, b->len - 1 - at);
        b->p[at] = (char)c;
        break;
    case 4: /* duplicate a short range */
        if (b->len) {
            size_t from = below(b->len), k = 1 + below(16);
            char tmp[16];
            if (from + k > b->len) {
                k = b->len - from;
            }
            memcpy(tmp, b->p + from, k);
            for (n = 0; n < k; n++) {
                by_addc(b, 0);
            }
            memmove(b->p + at + k, b->p + at, b->len - k - at);
            memcpy(b->p + at, tmp, k);
        }
        break;
    case 5: /* cut a range */
        n = below(32);
        if (at + n <= b->len) {
            memmove(b->p + at, b->p + at + n, b->len - at - n);
            b->len -= n;
        }
        break;
    default: /* an escape somewhere */
    {
        static const char *const esc[] = {"\\ud83d", "\\ude00",       "\\ud83d\\ude00", "\\u0000",
                                          "\\uffff", "\\u",           "\\ud8",          "\\\\",
                                          "\\\"",    "\\udbff\\udfff"};
        const char *e = esc[below(sizeof esc / sizeof esc[0])];
        size_t el = strlen(e);
        for (n = 0; n < el; n++) {
            by_addc(b, 0);
        }
        memmove(b->p + at + el, b->p + at, b->len - el - at);
        memcpy(b->p + at, e, el);
    }
    }
    if (b->p) {
        b->p[b->len] = '\0';
    }
}

/* Values put in place of every node of a fixture: other types, huge
 * numbers, duplicate keys, escapes, bad bytes, long and deep values. */
static const char *const raw_values[] = {
    "7",
    "-1",
    "0",
    "1.5",
    "1e400",
    "-1e400",
    "99999999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "true",
    "null",
    "[]",
    "{}",
    "\"\"",
    "\"x\"",
    "[\"x\"]",
    "[7,null]",
    "{\"a\":1,\"a\":2}",
    "{\"id\":7,\"type\":[],\"text\":7}",
    "\"\\ud800\"",
    "\"\\udc00x\\ud83d\"",
    "\"\\ud83d\\ude00\"",
    "\"a\\u0000b\"",
    "\"\xff\xfe\"",
    "\"\xed\xa0\x80\"",
    "\"\xf0\x9f\x98\"",
    "@LONG",
    "@DEEP",
};

/* The raw JSON text of raw_values[i] into b. */
static inline void raw_value(size_t i, struct bytes *b)
{
    const char *v = raw_values[i];
    size_t k;

    if (strcmp(v, "@LONG") == 0) {
        by_addc(b, '"');
        for (k = 0; k < 700; k++) {
            by_addc(b, (char)('a' + k % 26));
        }
        by_addc(b, '"');
    } else if (strcmp(v, "@DEEP") == 0) {
        for (k = 0; k < 3000; k++) {
            by_addc(b, '[');
        }
        for (k = 0; k < 3000; k++) {
            by_addc(b, ']');
        }
    } else {
        by_adds(b, v);
    }
}

#define NRAW (sizeof raw_values / sizeof raw_values[0])
#define PLACEHOLDER "\"@@robust@@\""

/* The k-th node of root in depth-first order (0 is root), replaced by the
 * placeholder string: true when there is a k-th node below root. */
static inline bool place_nth(json_t *node, size_t *k)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_object(node)) {
        void *tmp;
        json_object_foreach_safe (node, tmp, key, v) {
            if ((*k)-- == 0) {
                json_object_set_new(node, key, json_string("@@robust@@"));
                return true;
            }
            if (place_nth(v, k)) {
                return true;
            }
        }
    } else if (json_is_array(node)) {
        json_array_foreach (node, i, v) {
            if ((*k)-- == 0) {
                json_array_set_new(node, i, json_string("@@robust@@"));
                return true;
            }
            if (place_nth(v, k)) {
                return true;
            }
        }
    }
    return false;
}

/* The compact text of root with its k-th node (k >= 1) as the placeholder;
 * false when root has fewer nodes. */
static inline bool text_with_hole(const json_t *root, size_t k, struct bytes *out)
{
    json_t *copy = json_deep_copy(root);
    char *s;
    bool found;

    k--;
    found = copy && place_nth(copy, &k);
    s = found ? json_dumps(copy, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(copy);
    by_reset(out);
    if (s) {
        by_adds(out, s);
        free(s);
    }
    return found && s;
}

/* out = text with the placeholder replaced by value. */
static inline void fill_hole(const struct bytes *text, const struct bytes *value, struct bytes *out)
{
    const char *h = strstr(text->p, PLACEHOLDER);
    size_t hl = strlen(PLACEHOLDER);

    by_reset(out);
    if (!h) {
        by_add(out, text->p, text->len);
        return;
    }
    by_add(out, text->p, (size_t)(h - text->p));
    by_add(out, value->p, value->len);
    by_adds(out, h + hl);
}

/* Calls fn on root's text with each node k replaced by each raw value (by a
 * few of them at random unless all), labelled "PATH node K as VALUE". */
static inline void each_node_as_raw(struct stats *st, const char *path, const json_t *root,
                                    bool all,
                                    void (*fn)(struct stats *, const char *, size_t, const char *))
{
    struct bytes hole = {0}, val = {0}, out = {0};
    char label[256];

    for (size_t k = 1; root && text_with_hole(root, k, &hole); k++) {
        for (size_t v = 0; v < NRAW; v++) {
            if (!all && below(NRAW) >= 3) {
                continue;
            }
            by_reset(&val);
            raw_value(v, &val);
            fill_hole(&hole, &val, &out);
            snprintf(label, sizeof label, "%s node %zu as %s", base_name(path), k,
                     show(val.p, val.len < 40 ? val.len : 40));
            fn(st, out.p, out.len, label);
        }
    }
    by_free(&hole);
    by_free(&val);
    by_free(&out);
}

/* ---- random text -------------------------------------------------------- */

struct cp_range {
    ucs4_t lo, hi;
};

/* What staff and clients type, and what breaks normalizers: Urdu letters
 * and their variants, harakat, digits, marks that must go, emoji with their
 * joiners and modifiers, combining storms, expanding ligatures, Hangul. */
static const struct cp_range mixed_ranges[] = {
    {'a', 'z'},           {'A', 'Z'},         {'0', '9'},         {' ', ' '},
    {'!', '/'},           {'\t', '\r'},       {0x0621, 0x064A},   {0x0679, 0x0679},
    {0x067E, 0x067E},     {0x0686, 0x0686},   {0x0688, 0x0688},   {0x0691, 0x0691},
    {0x0698, 0x0698},     {0x06A9, 0x06AF},   {0x06BA, 0x06BE},   {0x06C0, 0x06C3},
    {0x06CC, 0x06D5},     {0x0675, 0x0678},   {0x064B, 0x065F},   {0x0670, 0x0670},
    {0x0640, 0x0640},     {0x06F0, 0x06F9},   {0x0660, 0x066D},   {0x060C, 0x060C},
    {0x061F, 0x061F},     {0x06D4, 0x06D4},   {0x200B, 0x200F},   {0x202A, 0x202E},
    {0x2066, 0x2069},     {0xFEFF, 0xFEFF},   {0x00AD, 0x00AD},   {0x061C, 0x061C},
    {0x034F, 0x034F},     {0xFE00, 0xFE0F},   {0x1F600, 0x1F64F}, {0x1F44D, 0x1F44D},
    {0x1F3FB, 0x1F3FF},   {0x2764, 0x2764},   {0x1F468, 0x1F469}, {0x1F1E6, 0x1F1FF},
    {0xE0020, 0xE007F},   {0x1F3F4, 0x1F3F4}, {0x20E3, 0x20E3},   {0x200D, 0x200D},
    {0x0300, 0x036F},     {0x0483, 0x0489},   {0x1AB0, 0x1AFF},   {0x20D0, 0x20FF},
    {0xFDFA, 0xFDFB},     {0x3300, 0x33FF},   {0x0130, 0x0130},   {0x00DF, 0x00DF},
    {0x1E9E, 0x1E9E},     {0xFB00, 0xFB06},   {0x2460, 0x24FF},   {0xFF01, 0xFF5E},
    {0x0390, 0x0390},     {0x1F80, 0x1FAF},   {0x0345, 0x0345},   {0x2122, 0x2122},
    {0x1100, 0x11FF},     {0xAC00, 0xD7A3},   {0x4E00, 0x4E20},   {0x0900, 0x097F},
    {0x10FFFD, 0x10FFFF}, {0xFFF9, 0xFFFF},   {0x0000, 0x001F},   {0x007F, 0x009F},
    {0x2028, 0x2029},     {0x3000, 0x3000},   {0x00A0, 0x00A0},   {0x2010, 0x2015},
    {0x2018, 0x201F},     {0x2212, 0x2212},   {0x00C0, 0x024F},   {0x0391, 0x03C9},
};

static const struct cp_range urdu_ranges[] = {
    {0x0621, 0x063A}, {0x0641, 0x064A}, {0x0679, 0x0679}, {0x067E, 0x067E}, {0x0686, 0x0686},
    {0x0688, 0x0688}, {0x0691, 0x0691}, {0x0698, 0x0698}, {0x06A9, 0x06AF}, {0x06BA, 0x06BE},
    {0x06C1, 0x06C3}, {0x06CC, 0x06D3}, {0x064B, 0x0652}, {' ', ' '},       {0x06F0, 0x06F9},
};

static const char *const bad_utf8[] = {
    "\x80",         "\xff", "\xc0\x80",     "\xed\xa0\x80", "\xf4\x90\x80\x80",
    "\xe0\x80\x80", "\xc3", "\xf0\x9f\x98", "\xfe",         "\0"};

static inline ucs4_t pick_cp(const struct cp_range *r, size_t n)
{
    const struct cp_range *x = &r[below(n)];

    return x->lo + (ucs4_t)below(x->hi - x->lo + 1);
}

enum gen_mode { GEN_VALID, GEN_DIRTY, GEN_URDU, GEN_EMOJI, GEN_MODES };

/* ncp random characters into b: valid UTF-8 unless mode is GEN_DIRTY. */
static inline void gen_text(struct bytes *b, size_t ncp, enum gen_mode mode)
{
    static const ucs4_t pict[] = {0x1F468, 0x1F469, 0x1F467, 0x1F44D, 0x2764, 0x1F3F4, 0x1F600};

    for (size_t i = 0; i < ncp; i++) {
        switch (mode) {
        case GEN_DIRTY:
            if (below(12) == 0) {
                const char *bad = bad_utf8[below(sizeof bad_utf8 / sizeof bad_utf8[0])];
                by_add(b, bad, bad[0] ? strlen(bad) : 1);
                break;
            }
            /* fall through */
        case GEN_VALID:
            by_cp(b, pick_cp(mixed_ranges, sizeof mixed_ranges / sizeof mixed_ranges[0]));
            break;
        case GEN_URDU:
            by_cp(b, pick_cp(urdu_ranges, sizeof urdu_ranges / sizeof urdu_ranges[0]));
            break;
        case GEN_EMOJI: /* pictographs joined, modified and selected */
            by_cp(b, pict[below(sizeof pict / sizeof pict[0])]);
            if (below(3) == 0) {
                by_cp(b, 0x1F3FB + (ucs4_t)below(5));
            }
            if (below(3) == 0) {
                by_cp(b, 0xFE0F);
            }
            if (below(2) == 0) {
                by_cp(b, 0x200D);
            } else if (below(4) == 0) {
                by_cp(b, pick_cp(mixed_ranges, sizeof mixed_ranges / sizeof mixed_ranges[0]));
            }
            break;
        case GEN_MODES:
            break;
        }
    }
}

/* ---- the labeled corpus ------------------------------------------------- */

/* The text column of labeled.tsv, one line each (never holdout.tsv). */
struct corpus {
    char *data;
    char **line;
    size_t n;
    struct str *word; /* every word of every line, borrowed from data */
    size_t nword;
};

static inline void corpus_load(struct corpus *c)
{
    size_t len = 0;
    char *p, *nl;

    memset(c, 0, sizeof *c);
    c->data = harness_read_file(LABELED, &len);
    CHECK(c->data != NULL);
    for (p = c->data; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
        char *tab = strchr(p, '\t');
        nl = strchr(p, '\n');
        if (nl) {
            *nl = '\0';
        }
        if (!tab || p[0] == '#') {
            continue;
        }
        *tab = '\0';
        c->line = realloc(c->line, (c->n + 1) * sizeof *c->line);
        if (!c->line) {
            abort();
        }
        c->line[c->n++] = p;
        for (char *w = p; *w;) {
            size_t wl = strcspn(w, " ");
            if (wl) {
                c->word = realloc(c->word, (c->nword + 1) * sizeof *c->word);
                if (!c->word) {
                    abort();
                }
                c->word[c->nword++] = str_make(w, wl);
            }
            w += wl;
            w += *w == ' ';
        }
        if (!nl) {
            break;
        }
    }
}

static inline void corpus_free(struct corpus *c)
{
    free(c->data);
    free(c->line);
    free(c->word);
    memset(c, 0, sizeof *c);
}

/* The clocks the values and extract sections read messages at. */
__attribute__((unused)) static const struct nlu_now value_nows[] = {
    {{{2026, 3, 14}, 10, 0}, 92, false},  {{{2026, 3, 14}, 10, 0}, 92, true},
    {{{2024, 2, 29}, 23, 59}, 92, false}, {{{2026, 12, 31}, 23, 59}, 1, true},
    {{{2025, 1, 1}, 0, 0}, 44, false},    {{{2099, 12, 31}, 23, 59}, 92, false},
};

/* ---- the rules: config/ and intents/, loaded once ----------------------- */

static struct config *cfg;
static struct intents *rules;

static inline const char *home(void)
{
    const char *h = getenv("RABTA_HOME");

    return h && h[0] ? h : ".";
}

/* Loads config/ and intents/ once, as test_intents.c does. */
static inline bool rules_load(void)
{
    struct buf err, path;
    struct nlu_env env;
    bool ok = false;

    if (rules) {
        return true;
    }
    buf_init(&err, 0);
    buf_init(&path, 0);
    CHECK(buf_addf(&path, "%s/config/rabta.conf", home()) == RB_OK);
    if (config_load(path.p, &cfg, &err) != RB_OK) {
        printf("  config: %s\n", err.p);
        goto out;
    }
    nlu_env_from_config(&env, cfg);
    buf_reset(&path);
    CHECK(buf_addf(&path, "%s/intents", home()) == RB_OK);
    if (intents_load(path.p, &env, &rules, &err) != RB_OK) {
        printf("  intents: %s\n", err.p);
        goto out;
    }
    ok = true;
out:
    CHECK(ok);
    buf_release(&err);
    buf_release(&path);
    return ok;
}

/* b repeated until the message is n bytes (cut at a character boundary
 * and padded with spaces), after head and before tail. */
static inline void repeat_to(struct bytes *out, const char *head, const char *unit,
                             const char *tail, size_t n)
{
    size_t ul = strlen(unit), tl = strlen(tail);

    by_reset(out);
    by_adds(out, head);
    while (out->len + ul + tl <= n) {
        by_adds(out, unit);
    }
    while (out->len + tl < n) {
        by_addc(out, ' ');
    }
    by_adds(out, tail);
}

/* Reads RABTA_ROBUST_SEED and RABTA_ROBUST_SCALE. */
static inline void robust_init(void)
{
    const char *s = getenv("RABTA_ROBUST_SEED"), *k = getenv("RABTA_ROBUST_SCALE");

    if (s && s[0]) {
        base_seed = strtoull(s, NULL, 0);
    }
    if (k && atoi(k) >= 1 && atoi(k) <= 1000) {
        scale = (unsigned)atoi(k);
    }
}

#endif
