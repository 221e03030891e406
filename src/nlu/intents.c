/*
 * intents.c - the intents/ rule engine: the loader of .frag and .intent
 * files, pattern expansion and compilation, and matching (see intents.h;
 * the file format is documented for admins in intents/README.md).
 *
 * Loading runs in three phases so that any file may use what another
 * defines: (1) read every file into fragments, synonyms, intents and raw
 * patterns; (2) add the built-in fragments (halls and staff from the
 * config, one {SLOT_synonyms} per slot with synonyms); (3) expand and
 * compile every pattern. Errors are collected, never fatal to the scan.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "nlu/intents.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>
#include <unictype.h>
#include <unistr.h>

#include "core/str.h"
#include "nlu/classify.h"
#include "nlu/text.h"
#include "nlu/values.h"

#define MSG_MAX 4096          /* bytes of one message */
#define KEY_MAX (4 * MSG_MAX) /* normalized text may grow a little */
#define FILE_MAX (1u << 20)   /* bytes of one intents/ file */
#define EXPAND_DEPTH 16       /* fragments within fragments */
#define DUP_GROUPS 8          /* groups of one name in a pattern */
#define MATCH_LIMIT 200000    /* PCRE2 backtracking bound per pattern */
#define FUZZY_MIN 5           /* letters of a word the typo reading looks at */

/* ---- the loaded set ---- */

struct frag {
    char *name;
    char *body;
    char *plain; /* built-in word lists: "a|b|c", for triggers and stopwords */
    const char *file;
    int line;
};

struct syn {
    char *slot;
    char *key; /* the phrase normalized, spaces removed */
    char *phrase;
    char *value;
    const char *file;
    int line;
};

struct pat_slot {
    const struct slot_def *def;
    int ngroups;
    uint32_t groups[DUP_GROUPS];
};

struct pattern {
    pcre2_code *re;   /* compiled at load; never changed after */
    pcre2_code *jit;  /* a JIT-compiled copy, made on the pattern's JIT_AFTER-th
                       * use and published atomically (pat_code); NULL until then */
    unsigned tries;   /* uses so far, counted (atomically) until jit is made */
    size_t intent;
    int priority;
    double confidence; /* < 0: computed from coverage */
    const char *file;
    int line;
    struct pat_slot *slots;
    size_t nslots;
    json_t *sets;  /* constant slots, an object */
    bool question; /* tried only on a message that ends with ? or ؟ */
};

struct intent {
    char *name;
    char *description;
    unsigned roles;
    bool past;
    char **slots;
    bool *required;
    size_t nslots, capslots;
    struct intent_example *examples;
    size_t nexamples, capexamples;
    const char *file;
    int line;
    char *trigger; /* the raw `trigger:` list, until resolved */
    int trigger_line;
    uint64_t bit; /* this intent's bit in trigger masks, 0 when it has no trigger */
    size_t find_from, find_to; /* its slot finders: pats[find_from .. find_to) */
};

/*
 * A set of normalized words and phrases, each with a mask of intents: open
 * addressing, FNV-1a. Used for the trigger prefilter and the stopwords.
 */
struct wordset {
    char **keys;
    uint64_t *masks;
    size_t cap, n;
};

struct hall_key {
    char *key; /* normalized name or alias, spaces removed */
    char *name;
};

struct intents {
    struct intent *intents;
    size_t nintents, capintents;
    struct intent_info *infos;
    struct pattern *pats;
    size_t npats, cappats;
    size_t nmain; /* pats[0 .. nmain) are the files' patterns, the rest slot finders */
    size_t *order; /* pattern indexes by priority, highest first, then in file order */
    struct syn *syns;
    size_t nsyns, capsyns;
    char **drops; /* normalized phrases dropped from the ends of names */
    size_t ndrops, capdrops;
    struct hall_key *halls;
    size_t nhalls;
    char **files;
    size_t nfiles, capfiles;
    int country_code;
    bool armed; /* loading done: uses now count toward JIT (pat_code) */
    uint32_t max_pairs;
    pcre2_match_context *mctx;
    struct wordset triggers;  /* phrase → intents it may start */
    struct wordset stopwords; /* WORD_STOP: never part of a name; WORD_FUZZY: typo targets */
    char **stop_raw;          /* the raw `stopwords:` and `fuzzy:` lists, until resolved */
    int *stop_line;
    const char **stop_file;
    uint64_t *stop_kind; /* WORD_STOP or WORD_FUZZY, per raw list */
    size_t nstop_raw, capstop_raw;
    const char **fuzzy; /* the WORD_FUZZY words, borrowed from stopwords */
    size_t nfuzzy, nfuzzy_cap;
    struct classifier *model; /* learned from the examples; NULL with fewer than 2 intents */
    size_t nexamples;         /* sentences it learned from */
    struct memo *memo;        /* the examples themselves, by model_text, sorted */
    size_t nmemo;
};

/* One example sentence as the model reads it, and its intent. */
struct memo {
    char *text;
    size_t intent;
};

/* ---- loading state ---- */

struct raw_pat {
    char *src;
    size_t intent;
    int priority;
    double confidence;
    char *set;
    bool question;
    const char *file;
    int line;
};

struct loader {
    struct intents *set;
    const struct nlu_env *env;
    struct frag *frags;
    size_t nfrags, capfrags;
    struct raw_pat *raws;
    size_t nraws, capraws;
    struct buf *err;
    int nerr;
    int oom;
};

/* ---- small helpers ---- */

/* Makes room for one more element in *arr (n used, *cap allocated). */
static int grow(void *arr, size_t *cap, size_t n, size_t size)
{
    void **p = arr;
    size_t ncap;
    void *q;

    if (n < *cap) {
        return RB_OK;
    }
    ncap = *cap ? *cap * 2 : 8;
    q = realloc(*p, ncap * size);
    if (!q) {
        return RB_ENOMEM;
    }
    *p = q;
    *cap = ncap;
    return RB_OK;
}

RB_PRINTF(4, 5)
static void lerr(struct loader *L, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int rc;

    L->nerr++;
    if (file && line > 0) {
        rc = buf_addf(L->err, "%s:%d: ", file, line);
    } else if (file) {
        rc = buf_addf(L->err, "%s: ", file);
    } else {
        rc = RB_OK;
    }
    va_start(ap, fmt);
    if (!rc) {
        rc = buf_vaddf(L->err, fmt, ap);
    }
    va_end(ap);
    if (!rc) {
        rc = buf_addc(L->err, '\n');
    }
    (void)rc; /* a full error buffer still counts the error */
}

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct str trim(struct str s)
{
    while (s.len && is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_space(s.p[s.len - 1])) {
        s.len--;
    }
    return s;
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Bytes a lookup key leaves out: spaces and word-separating punctuation. */
static bool squeezed_out(char c)
{
    return c == ' ' || (c != '\0' && strchr("?!,;:.\"()[]{}*~`<>|=", c) != NULL);
}

/* Normalizes s and removes spaces and punctuation: the lookup key of a
 * synonym or a hall. */
static char *squeeze_key(const char *s, size_t n)
{
    struct buf b;
    char *out = NULL;
    size_t i, j;

    buf_init(&b, KEY_MAX);
    if (text_normalize(s, n, &b) == RB_OK) {
        for (i = 0, j = 0; i < b.len; i++) {
            if (!squeezed_out(b.p[i])) {
                b.p[j++] = b.p[i];
            }
        }
        out = dupn(b.p, j);
    }
    buf_release(&b);
    return out;
}

/* ---- word sets ---- */

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void wordset_release(struct wordset *w)
{
    size_t i;

    for (i = 0; i < w->cap; i++) {
        free(w->keys[i]);
    }
    free(w->keys);
    free(w->masks);
    memset(w, 0, sizeof *w);
}

/* The slot of key p[0..n): where it is, or the empty slot where it goes. */
static size_t wordset_slot(const struct wordset *w, const char *p, size_t n)
{
    size_t i = (size_t)(fnv1a(p, n) & (w->cap - 1));

    while (w->keys[i] && !(strlen(w->keys[i]) == n && memcmp(w->keys[i], p, n) == 0)) {
        i = (i + 1) & (w->cap - 1);
    }
    return i;
}

static int wordset_grow(struct wordset *w)
{
    struct wordset big = {NULL, NULL, w->cap ? w->cap * 2 : 256, 0};
    size_t i, j;

    big.keys = calloc(big.cap, sizeof *big.keys);
    big.masks = calloc(big.cap, sizeof *big.masks);
    if (!big.keys || !big.masks) {
        free(big.keys);
        free(big.masks);
        return RB_ENOMEM;
    }
    for (i = 0; i < w->cap; i++) {
        if (w->keys[i]) {
            j = wordset_slot(&big, w->keys[i], strlen(w->keys[i]));
            big.keys[j] = w->keys[i];
            big.masks[j] = w->masks[i];
            big.n++;
        }
    }
    free(w->keys);
    free(w->masks);
    *w = big;
    return RB_OK;
}

/* Adds phrase p[0..n) with the bits of mask (or-ed into an existing one). */
static int wordset_add(struct wordset *w, const char *p, size_t n, uint64_t mask)
{
    size_t i;

    if ((w->n + 1) * 2 > w->cap && wordset_grow(w)) {
        return RB_ENOMEM;
    }
    i = wordset_slot(w, p, n);
    if (!w->keys[i]) {
        w->keys[i] = dupn(p, n);
        if (!w->keys[i]) {
            return RB_ENOMEM;
        }
        w->n++;
    }
    w->masks[i] |= mask;
    return RB_OK;
}

/* The mask of phrase p[0..n), 0 when it is not in the set. */
static uint64_t wordset_get(const struct wordset *w, const char *p, size_t n)
{
    size_t i;

    if (!w->cap) {
        return 0;
    }
    i = wordset_slot(w, p, n);
    return w->keys[i] ? w->masks[i] : 0;
}

/* The two kinds of words of the `stopwords` set. */
enum { WORD_STOP = 1, WORD_FUZZY = 2 };

/* ---- the key: normalized text with a map back to the original ---- */

/*
 * The text patterns run on: text_normalize's key, then emoji and the
 * punctuation that only separates words (? ! , ; quotes, brackets, a dot
 * not between digits) turned into spaces, runs of spaces made one, ends
 * trimmed. A colon, or a dash standing alone ("reply Ali - ok"), stays as
 * ":" glued to the word before it ("reply ali: ok"): it often ends a lead or
 * a name. Each byte remembers the normalized byte it came from, and
 * text_map_span leads from there to the original message.
 */
struct key {
    struct buf k;
    struct buf norm;
    struct buf map;
    uint32_t *idx; /* per byte of k: its byte in norm */
    const char *orig;
    size_t olen;
    bool question; /* the message ends with ? or ؟ (emoji and spaces after it aside) */
};

static bool cp_dropped(ucs4_t c)
{
    return c == 0x200D || c == 0xFE0E || c == 0xFE0F || c == 0x20E3 ||
           uc_is_property_emoji_modifier(c) || (c >= 0xE0020 && c <= 0xE007F);
}

static bool cp_blank(ucs4_t c)
{
    return uc_is_property_extended_pictographic(c) || (c >= 0x1F1E6 && c <= 0x1F1FF);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

enum key_class { KC_KEEP, KC_SPACE, KC_COLON };

/* What the key makes of the ASCII byte s[r] of the normalized text. */
static enum key_class punct_class(const char *s, size_t n, size_t r)
{
    char c = s[r], prev = r > 0 ? s[r - 1] : ' ', next = r + 1 < n ? s[r + 1] : ' ';
    bool between = is_digit(prev) && is_digit(next);

    switch (c) {
    case '.':
    case ',':
        return between ? KC_KEEP : KC_SPACE;
    case ':':
        return between ? KC_KEEP : KC_COLON;
    case '-':
        if (prev == '/' || (prev != ' ' && next != ' ' && next != '>')) {
            return KC_KEEP; /* 0300-1234567, follow-up, 6,50,000/- */
        }
        return prev == '-' || next == '-' ? KC_SPACE : KC_COLON;
    default:
        return strchr("?!;\"()[]{}*~`<>|=", c) ? KC_SPACE : KC_KEEP;
    }
}

static void key_init(struct key *K)
{
    memset(K, 0, sizeof *K);
    buf_init(&K->k, KEY_MAX);
    buf_init(&K->norm, KEY_MAX);
    buf_init(&K->map, (size_t)KEY_MAX * sizeof(struct text_span));
}

static void key_release(struct key *K)
{
    buf_release(&K->k);
    buf_release(&K->norm);
    buf_release(&K->map);
    free(K->idx);
    K->idx = NULL;
}

/* Appends one byte of norm (at index from) to the key. */
static int key_put(struct key *K, char c, size_t from)
{
    int rc = buf_addc(&K->k, c);

    if (!rc) {
        K->idx[K->k.len - 1] = (uint32_t)from;
    }
    return rc;
}

/* A ":" glued to the word before it, once; none at the start. */
static int key_colon(struct key *K, size_t from)
{
    while (K->k.len && K->k.p[K->k.len - 1] == ' ') {
        buf_truncate(&K->k, K->k.len - 1);
    }
    if (!K->k.len || K->k.p[K->k.len - 1] == ':') {
        return RB_OK;
    }
    return key_put(K, ':', from);
}

static int key_build(struct key *K, const char *orig, size_t olen)
{
    const char *s;
    size_t r = 0, n;
    bool space = true, colon = false;
    enum key_class kc;
    ucs4_t c;
    int len, rc;

    K->orig = orig;
    K->olen = olen;
    rc = text_normalize_map(orig, olen, &K->norm, &K->map);
    if (rc) {
        return rc;
    }
    s = K->norm.p;
    n = K->norm.len;
    /* a colon may add a space after it: the key is at most twice as long */
    K->idx = malloc((2 * n + 1) * sizeof *K->idx);
    if (!K->idx) {
        return RB_ENOMEM;
    }
    while (r < n && !rc) {
        len = u8_mbtouc(&c, (const uint8_t *)s + r, n - r);
        len = len > 0 ? len : 1;
        kc = c < 0x80 ? punct_class(s, n, r) : KC_KEEP;
        if (cp_dropped(c)) {
            r += (size_t)len;
            continue;
        }
        if (kc == KC_COLON) {
            rc = key_colon(K, r);
            space = false;
            colon = true;
            r += (size_t)len;
            continue;
        }
        if (c == ' ' || cp_blank(c) || kc == KC_SPACE) {
            if (!space && K->k.len) {
                rc = key_put(K, ' ', r);
            }
            space = true;
            colon = false;
            r += (size_t)len;
            continue;
        }
        if (colon && K->k.len && K->k.p[K->k.len - 1] == ':') {
            rc = key_put(K, ' ', r);
        }
        colon = false;
        for (; len > 0 && !rc; len--, r++) {
            rc = key_put(K, s[r], r);
        }
        space = false;
    }
    while (!rc && K->k.len && (K->k.p[K->k.len - 1] == ' ' || K->k.p[K->k.len - 1] == ':')) {
        buf_truncate(&K->k, K->k.len - 1);
    }
    /* the key drops "?": remember whether the message ended with one (after the
     * last letter or digit, which the key's last byte came from) */
    if (!rc && K->k.len) {
        for (r = (size_t)K->idx[K->k.len - 1] + 1; r < n && !K->question; r++) {
            K->question = s[r] == '?';
        }
    }
    return rc;
}

/* True when a and b are one edit apart: a letter inserted, deleted or
 * replaced, or two neighbours swapped ("statsu" / "status"). */
static bool one_edit(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i = 0;

    while (i < na && i < nb && a[i] == b[i]) {
        i++;
    }
    if (na == nb) {
        if (i == na) {
            return false;
        }
        if (memcmp(a + i + 1, b + i + 1, na - i - 1) == 0) {
            return true;
        }
        return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] &&
               memcmp(a + i + 2, b + i + 2, na - i - 2) == 0;
    }
    if (na + 1 == nb) {
        return memcmp(a + i, b + i + 1, na - i) == 0;
    }
    if (nb + 1 == na) {
        return memcmp(a + i + 1, b + i, nb - i) == 0;
    }
    return false;
}

static bool is_az(char c)
{
    return c >= 'a' && c <= 'z';
}

/* The consonants of a Latin word, a doubled one once ("follow" -> "flw"). */
static size_t consonants(const char *w, size_t n, char *out, size_t cap)
{
    size_t o = 0;

    for (size_t i = 0; i < n && o < cap; i++) {
        if (strchr("aeiou", w[i]) || (o && out[o - 1] == w[i])) {
            continue;
        }
        out[o++] = w[i];
    }
    return o;
}

/*
 * The `fuzzy:` word that w[0..n), written without its vowels ("stts",
 * "hstry", "flw", "rcvd", "advnc", "asgn"), stands for: a word of 3+
 * letters with no vowel but maybe its first letter, shorter than exactly one
 * fuzzy word whose consonants are its own. NULL otherwise.
 */
static const char *shorthand_target(const struct intents *S, const char *w, size_t n)
{
    char a[32], b[32];
    const char *hit = NULL;
    size_t i, na, nb, vowels = 0;

    if (n < 3 || n >= sizeof a) {
        return NULL;
    }
    for (i = 1; i < n; i++) {
        vowels += strchr("aeiou", w[i]) != NULL;
    }
    if (vowels > 0) {
        return NULL;
    }
    na = consonants(w, n, a, sizeof a);
    for (i = 0; i < S->nfuzzy; i++) {
        size_t m = strlen(S->fuzzy[i]);

        if (m <= n || m >= sizeof b) {
            continue;
        }
        nb = consonants(S->fuzzy[i], m, b, sizeof b);
        if (na != nb || memcmp(a, b, na) != 0) {
            continue;
        }
        if (hit && strcmp(hit, S->fuzzy[i]) != 0) {
            return NULL; /* two words fit: no guess */
        }
        hit = S->fuzzy[i];
    }
    return hit;
}

/* The `fuzzy:` word that the unknown word w[0..n) misspells: one edit away,
 * the same first letter, and no other fuzzy word as close; or that it
 * abbreviates (shorthand_target). NULL otherwise. */
static const char *fuzzy_target(const struct intents *S, const char *w, size_t n)
{
    const char *hit = NULL;
    size_t i, m;

    if (wordset_get(&S->stopwords, w, n) || wordset_get(&S->triggers, w, n)) {
        return NULL; /* a word the rules know */
    }
    if (n < FUZZY_MIN) {
        return shorthand_target(S, w, n);
    }
    if ((hit = shorthand_target(S, w, n)) != NULL) {
        return hit;
    }
    for (i = 0; i < S->nfuzzy; i++) {
        m = strlen(S->fuzzy[i]);
        if (S->fuzzy[i][0] != w[0] || m + 1 < n || n + 1 < m || !one_edit(w, n, S->fuzzy[i], m)) {
            continue;
        }
        if (hit && strcmp(hit, S->fuzzy[i]) != 0) {
            return NULL; /* two words as close: no guess */
        }
        hit = S->fuzzy[i];
    }
    return hit;
}

/*
 * Reads misspelt command words as the words they misspell ("statsu" as
 * "status", "folow" as "follow"): each Latin word of the key that is one
 * edit from exactly one `fuzzy:` word becomes it. Every byte of the new word
 * maps into the old word's span, so slots cut from the original still read
 * as written. On any failure the key stays as it was.
 */
static int key_fuzzy(const struct intents *S, struct key *K)
{
    const char *k = K->k.p, *t;
    size_t i = 0, j, ws, we, n = K->k.len, tn;
    struct buf nk;
    uint32_t *nidx;
    bool changed = false, letters;
    int rc = RB_OK;

    if (!S->nfuzzy || !n) {
        return RB_OK;
    }
    /* a word of 3+ letters becomes one of at most 31 */
    nidx = malloc((12 * n + 64) * sizeof *nidx);
    if (!nidx) {
        return RB_ENOMEM;
    }
    buf_init(&nk, KEY_MAX);
    while (i < n && !rc) {
        if (k[i] == ' ') {
            rc = buf_addc(&nk, ' ');
            nidx[nk.len - 1] = K->idx[i++];
            continue;
        }
        ws = i;
        while (i < n && k[i] != ' ') {
            i++;
        }
        we = i > ws && k[i - 1] == ':' ? i - 1 : i; /* the token [ws, i), its word [ws, we) */
        letters = we > ws;
        for (j = ws; j < we && letters; j++) {
            letters = is_az(k[j]);
        }
        t = letters ? fuzzy_target(S, k + ws, we - ws) : NULL;
        tn = t ? strlen(t) : 0;
        for (j = 0; t && j < tn && !rc; j++) {
            rc = buf_addc(&nk, t[j]);
            nidx[nk.len - 1] = K->idx[ws + (j < we - ws ? j : we - ws - 1)];
        }
        for (j = t ? we : ws; j < i && !rc; j++) {
            rc = buf_addc(&nk, k[j]);
            nidx[nk.len - 1] = K->idx[j];
        }
        changed = changed || t;
    }
    if (!rc && changed) {
        buf_release(&K->k);
        K->k = nk;
        free(K->idx);
        K->idx = nidx;
        return RB_OK;
    }
    buf_release(&nk);
    free(nidx);
    return rc == RB_ENOMEM ? rc : RB_OK;
}

/* Maps the key range [ks, ke) to the original. */
static bool key_to_orig(const struct key *K, size_t ks, size_t ke, size_t *os, size_t *oe)
{
    size_t ns, ne, last;

    if (ke <= ks || ke > K->k.len) {
        return false;
    }
    ns = K->idx[ks];
    last = K->idx[ke - 1];
    ne = last + 1;
    /* the end of the code point at last */
    while (ne < K->norm.len && ((unsigned char)K->norm.p[ne] & 0xC0) == 0x80) {
        ne++;
    }
    if (ne <= ns || ne > K->map.len / sizeof(struct text_span)) {
        return false;
    }
    text_map_span(&K->map, ns, ne, os, oe);
    return *oe > *os && *oe <= K->olen;
}

/* ---- reading files ---- */

static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = NULL;
    char *p = NULL;
    size_t n;
    int rc = RB_OK;

    f = fopen(path, "rb");
    if (!f) {
        rc = errno == ENOENT ? RB_ENOTFOUND : RB_EINVAL;
        goto out;
    }
    p = malloc(FILE_MAX + 1);
    if (!p) {
        rc = RB_ENOMEM;
        goto out;
    }
    n = fread(p, 1, FILE_MAX + 1, f);
    if (ferror(f)) {
        rc = RB_EINVAL;
        goto out;
    }
    if (n > FILE_MAX) {
        rc = RB_ETOOBIG;
        goto out;
    }
    p[n] = '\0';
    *out = p;
    *len = n;
    p = NULL;
out:
    free(p);
    if (f) {
        fclose(f);
    }
    return rc;
}

static const char *set_file(struct loader *L, const char *path)
{
    struct intents *S = L->set;
    char *p;

    if (grow(&S->files, &S->capfiles, S->nfiles, sizeof *S->files)) {
        return NULL;
    }
    p = rb_strdup(path);
    if (!p) {
        return NULL;
    }
    S->files[S->nfiles++] = p;
    return p;
}

/* Splits "a | b | c" and calls fn on each trimmed, non-empty part. */
static int each_alt(struct loader *L, struct str list, const char *file, int line,
                    int (*fn)(struct loader *, struct str, const char *, int, void *), void *arg)
{
    struct str part;
    int rc;

    while (list.len) {
        str_split(&list, '|', &part);
        part = trim(part);
        if (!part.len) {
            continue;
        }
        rc = fn(L, part, file, line, arg);
        if (rc) {
            return rc;
        }
    }
    return RB_OK;
}

struct syn_head {
    char *slot;
    char *value;
};

static int add_synonym(struct loader *L, struct str phrase, const char *file, int line, void *arg)
{
    struct syn_head *h = arg;
    struct intents *S = L->set;
    struct syn *y;
    char *key;
    size_t i;

    key = squeeze_key(phrase.p, phrase.len);
    if (!key) {
        return RB_ENOMEM;
    }
    for (i = 0; i < S->nsyns; i++) {
        y = &S->syns[i];
        if (strcmp(y->slot, h->slot) == 0 && strcmp(y->key, key) == 0) {
            if (strcmp(y->value, h->value) != 0) {
                lerr(L, file, line, "synonym \"%.*s\" of %s is already %s (%s:%d)", (int)phrase.len,
                     phrase.p, h->slot, y->value, y->file, y->line);
            }
            free(key);
            return RB_OK;
        }
    }
    if (grow(&S->syns, &S->capsyns, S->nsyns, sizeof *S->syns)) {
        free(key);
        return RB_ENOMEM;
    }
    y = &S->syns[S->nsyns];
    y->slot = rb_strdup(h->slot);
    y->value = rb_strdup(h->value);
    y->phrase = dupn(phrase.p, phrase.len);
    y->key = key;
    y->file = file;
    y->line = line;
    S->nsyns++;
    if (!y->slot || !y->value || !y->phrase) {
        return RB_ENOMEM;
    }
    return RB_OK;
}

/* True when value is an acceptable canonical value of the slot def. */
static bool canonical_ok(const struct slot_def *def, const char *value)
{
    json_t *v = json_string(value);
    bool ok = v && slot_value_valid(def, v);

    json_decref(v);
    return ok;
}

/* "synonym SLOT VALUE: a | b | c": head is "SLOT VALUE", rest the list. */
static int parse_synonym(struct loader *L, struct str head, struct str rest, const char *file,
                         int line)
{
    struct syn_head h = {NULL, NULL};
    struct str slot, value;
    const struct slot_def *def;
    int rc = RB_OK;

    head = trim(head);
    str_split(&head, ' ', &slot);
    value = trim(head);
    if (!slot.len || !value.len) {
        lerr(L, file, line, "a synonym line reads \"synonym SLOT VALUE: phrase | phrase\"");
        return RB_OK;
    }
    h.slot = str_dup(slot);
    h.value = str_dup(value);
    if (!h.slot || !h.value) {
        rc = RB_ENOMEM;
        goto out;
    }
    def = slot_def_find(h.slot);
    if (!def) {
        lerr(L, file, line, "unknown slot \"%s\"", h.slot);
        goto out;
    }
    if (!canonical_ok(def, h.value)) {
        lerr(L, file, line, "\"%s\" is not a canonical value of slot %s", h.value, h.slot);
        goto out;
    }
    rc = each_alt(L, rest, file, line, add_synonym, &h);
out:
    free(h.slot);
    free(h.value);
    return rc;
}

static int add_drop(struct loader *L, struct str phrase, const char *file, int line, void *arg)
{
    struct intents *S = L->set;
    struct buf b;
    int rc;

    (void)file;
    (void)line;
    (void)arg;
    if (grow(&S->drops, &S->capdrops, S->ndrops, sizeof *S->drops)) {
        return RB_ENOMEM;
    }
    buf_init(&b, KEY_MAX);
    rc = text_normalize(phrase.p, phrase.len, &b);
    if (!rc) {
        S->drops[S->ndrops++] = buf_detach(&b, NULL);
    }
    buf_release(&b);
    return rc;
}

/* "{name} = body" */
static int parse_fragment(struct loader *L, struct str line_s, const char *file, int line)
{
    struct str name, body;
    struct frag *f;
    size_t i;

    if (!str_split(&line_s, '=', &name)) {
        lerr(L, file, line, "a fragment reads \"{name} = pattern\"");
        return RB_OK;
    }
    name = trim(name);
    body = trim(line_s);
    if (name.len < 3 || name.p[name.len - 1] != '}') {
        lerr(L, file, line, "a fragment reads \"{name} = pattern\"");
        return RB_OK;
    }
    name.p++;
    name.len -= 2;
    for (i = 0; i < name.len; i++) {
        if (!ident_char(name.p[i])) {
            lerr(L, file, line, "fragment name \"%.*s\": use a-z, 0-9 and _", (int)name.len,
                 name.p);
            return RB_OK;
        }
    }
    for (i = 0; i < L->nfrags; i++) {
        if (strlen(L->frags[i].name) == name.len &&
            memcmp(L->frags[i].name, name.p, name.len) == 0) {
            lerr(L, file, line, "fragment {%.*s} is already defined at %s:%d", (int)name.len,
                 name.p, L->frags[i].file, L->frags[i].line);
            return RB_OK;
        }
    }
    if (grow(&L->frags, &L->capfrags, L->nfrags, sizeof *L->frags)) {
        return RB_ENOMEM;
    }
    f = &L->frags[L->nfrags];
    f->name = str_dup(name);
    f->body = str_dup(body);
    f->plain = NULL;
    f->file = file;
    f->line = line;
    L->nfrags++;
    return f->name && f->body ? RB_OK : RB_ENOMEM;
}

/* ---- .intent files ---- */

#define EXAMPLE_NOW_DEFAULT "2026-03-14T10:00"

static int parse_roles(struct loader *L, struct intent *in, struct str s, const char *file,
                       int line)
{
    struct str w;
    char name[16];
    unsigned r;

    while (s.len) {
        str_split(&s, ' ', &w);
        w = trim(w);
        while (w.len && w.p[w.len - 1] == ',') {
            w.len--;
        }
        if (!w.len) {
            continue;
        }
        if (str_eqs(w, "everyone") || str_eqs(w, "all")) {
            in->roles |= ROLE_OWNER | ROLE_SALES | ROLE_FINANCE | ROLE_ADMIN;
            continue;
        }
        r = 0;
        if (w.len < sizeof name) {
            memcpy(name, w.p, w.len);
            name[w.len] = '\0';
            r = role_parse(name);
        }
        if (!r) {
            lerr(L, file, line, "unknown role \"%.*s\" (owner, sales, finance, admin, everyone)",
                 (int)w.len, w.p);
        }
        in->roles |= r;
    }
    return RB_OK;
}

static int parse_slots(struct loader *L, struct intent *in, struct str s, const char *file,
                       int line)
{
    struct str w;
    bool opt;
    char *name;

    while (s.len) {
        str_split(&s, ' ', &w);
        w = trim(w);
        while (w.len && w.p[w.len - 1] == ',') {
            w.len--;
        }
        if (!w.len) {
            continue;
        }
        opt = w.p[w.len - 1] == '?';
        if (opt) {
            w.len--;
        }
        name = str_dup(w);
        if (!name) {
            return RB_ENOMEM;
        }
        if (!slot_def_find(name)) {
            lerr(L, file, line, "unknown slot \"%s\"", name);
            free(name);
            continue;
        }
        if (grow(&in->slots, &in->capslots, in->nslots, sizeof *in->slots)) {
            free(name);
            return RB_ENOMEM;
        }
        in->required = realloc(in->required, in->capslots * sizeof *in->required);
        if (!in->required) {
            free(name);
            return RB_ENOMEM;
        }
        in->slots[in->nslots] = name;
        in->required[in->nslots] = !opt;
        in->nslots++;
    }
    return RB_OK;
}

static int parse_example(struct loader *L, struct intent *in, struct str s, const char *now,
                         const char *file, int line)
{
    struct intent_example *ex;
    json_error_t jerr;
    json_t *j = NULL;
    const char *arrow = NULL, *p;
    struct str text = s, expect = str_from("{}");
    char *dumped = NULL;

    for (p = s.p; p + 4 <= s.p + s.len; p++) {
        if (memcmp(p, " => ", 4) == 0) {
            arrow = p;
        }
    }
    if (arrow) {
        text = trim(str_make(s.p, (size_t)(arrow - s.p)));
        expect = trim(str_make(arrow + 4, s.len - (size_t)(arrow - s.p) - 4));
    }
    j = json_loadb(expect.p, expect.len, 0, &jerr);
    if (!j || !json_is_object(j)) {
        lerr(L, file, line, "expected slots are not a JSON object: %s", j ? "" : jerr.text);
        json_decref(j);
        return RB_OK;
    }
    dumped = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!dumped || grow(&in->examples, &in->capexamples, in->nexamples, sizeof *in->examples)) {
        free(dumped);
        return RB_ENOMEM;
    }
    ex = &in->examples[in->nexamples];
    ex->text = str_dup(text);
    ex->expect = dumped;
    ex->now = rb_strdup(now);
    ex->file = file;
    ex->line = line;
    in->nexamples++;
    return ex->text && ex->now ? RB_OK : RB_ENOMEM;
}

static int add_raw_pattern(struct loader *L, size_t intent, struct str src, const char *file,
                           int line)
{
    struct raw_pat *r;

    if (grow(&L->raws, &L->capraws, L->nraws, sizeof *L->raws)) {
        return RB_ENOMEM;
    }
    r = &L->raws[L->nraws];
    memset(r, 0, sizeof *r);
    r->src = str_dup(src);
    r->intent = intent;
    r->confidence = -1.0;
    r->file = file;
    r->line = line;
    L->nraws++;
    return r->src ? RB_OK : RB_ENOMEM;
}

/* An indented "priority:", "confidence:" or "set:" line after a pattern. */
static int parse_attr(struct loader *L, struct raw_pat *r, struct str key, struct str val,
                      const char *file, int line)
{
    int64_t n;
    char tmp[32];
    char *end;
    double d;

    if (!r) {
        lerr(L, file, line, "\"%.*s\" must follow a pattern line", (int)key.len, key.p);
        return RB_OK;
    }
    if (str_eqs(key, "priority")) {
        if (str_to_i64(val, -100, 100, &n) != RB_OK) {
            lerr(L, file, line, "priority must be a whole number from -100 to 100");
        } else {
            r->priority = (int)n;
        }
        return RB_OK;
    }
    if (str_eqs(key, "confidence")) {
        d = -1.0;
        if (val.len < sizeof tmp) {
            memcpy(tmp, val.p, val.len);
            tmp[val.len] = '\0';
            d = strtod(tmp, &end);
            if (*end) {
                d = -1.0;
            }
        }
        if (d < 0.0 || d > 1.0) {
            lerr(L, file, line, "confidence must be a number from 0 to 1");
        } else {
            r->confidence = d;
        }
        return RB_OK;
    }
    if (str_eqs(key, "question")) {
        if (str_eqs(val, "yes")) {
            r->question = true;
        } else if (!str_eqs(val, "no")) {
            lerr(L, file, line, "question must be yes or no");
        }
        return RB_OK;
    }
    if (str_eqs(key, "set")) {
        free(r->set);
        r->set = str_dup(val);
        return r->set ? RB_OK : RB_ENOMEM;
    }
    lerr(L, file, line, "unknown pattern setting \"%.*s\" (priority, confidence, set, question)",
         (int)key.len, key.p);
    return RB_OK;
}

struct file_state {
    const char *file;
    bool frag;
    size_t intent;    /* index in set->intents (intent files) */
    size_t first_raw; /* raws of this file start here */
    char now[32];     /* clock for the examples that follow */
};

/* Keeps a `stopwords:` (kind WORD_STOP) or `fuzzy:` (WORD_FUZZY) list for
 * when every fragment is known. */
static int add_stop_raw(struct loader *L, struct str val, const char *file, int line, uint64_t kind)
{
    struct intents *S = L->set;
    size_t cap = S->capstop_raw;

    if (grow(&S->stop_raw, &S->capstop_raw, S->nstop_raw, sizeof *S->stop_raw)) {
        return RB_ENOMEM;
    }
    if (S->capstop_raw != cap) {
        S->stop_line = realloc(S->stop_line, S->capstop_raw * sizeof *S->stop_line);
        S->stop_file = realloc(S->stop_file, S->capstop_raw * sizeof *S->stop_file);
        S->stop_kind = realloc(S->stop_kind, S->capstop_raw * sizeof *S->stop_kind);
        if (!S->stop_line || !S->stop_file || !S->stop_kind) {
            return RB_ENOMEM;
        }
    }
    S->stop_raw[S->nstop_raw] = str_dup(val);
    S->stop_line[S->nstop_raw] = line;
    S->stop_file[S->nstop_raw] = file;
    S->stop_kind[S->nstop_raw] = kind;
    S->nstop_raw++;
    return S->stop_raw[S->nstop_raw - 1] ? RB_OK : RB_ENOMEM;
}

/* "now: YYYY-MM-DDTHH:MM", the clock of the examples that follow. */
static int parse_now(struct loader *L, struct file_state *F, struct str val, int line)
{
    struct rb_datetime t;
    char *s = str_dup(val);

    if (!s) {
        return RB_ENOMEM;
    }
    if (val.len >= sizeof F->now || datetime_parse(s, &t) != RB_OK) {
        lerr(L, F->file, line, "now must read YYYY-MM-DDTHH:MM");
    } else {
        memcpy(F->now, val.p, val.len);
        F->now[val.len] = '\0';
    }
    free(s);
    return RB_OK;
}

/* One line of either kind of file; key is before the first ':'. */
static int parse_keyed(struct loader *L, struct file_state *F, struct str key, struct str val,
                       int line)
{
    struct intent *in = F->frag ? NULL : &L->set->intents[F->intent];

    if (str_starts_with(key, "synonym ")) {
        return parse_synonym(L, str_make(key.p + 8, key.len - 8), val, F->file, line);
    }
    if (str_eqs(key, "drop-from-names")) {
        return each_alt(L, val, F->file, line, add_drop, NULL);
    }
    if (str_eqs(key, "stopwords")) {
        return add_stop_raw(L, val, F->file, line, WORD_STOP);
    }
    if (str_eqs(key, "fuzzy")) {
        return add_stop_raw(L, val, F->file, line, WORD_FUZZY);
    }
    if (in && str_eqs(key, "trigger")) {
        free(in->trigger);
        in->trigger = str_dup(val);
        in->trigger_line = line;
        return in->trigger ? RB_OK : RB_ENOMEM;
    }
    if (!in) {
        lerr(L, F->file, line, "\"%.*s\" belongs in an .intent file", (int)key.len, key.p);
        return RB_OK;
    }
    if (str_eqs(key, "intent")) {
        free(in->name);
        in->name = str_dup(val);
        in->line = line;
        return in->name ? RB_OK : RB_ENOMEM;
    }
    if (str_eqs(key, "description")) {
        free(in->description);
        in->description = str_dup(val);
        return in->description ? RB_OK : RB_ENOMEM;
    }
    if (str_eqs(key, "roles")) {
        return parse_roles(L, in, val, F->file, line);
    }
    if (str_eqs(key, "slots")) {
        return parse_slots(L, in, val, F->file, line);
    }
    if (str_eqs(key, "tense")) {
        if (!str_eqs(val, "past") && !str_eqs(val, "future")) {
            lerr(L, F->file, line, "tense is past or future");
        }
        in->past = str_eqs(val, "past");
        return RB_OK;
    }
    if (str_eqs(key, "pattern")) {
        return add_raw_pattern(L, F->intent, val, F->file, line);
    }
    if (str_eqs(key, "example")) {
        return parse_example(L, in, val, F->now, F->file, line);
    }
    if (str_eqs(key, "now")) {
        return parse_now(L, F, val, line);
    }
    lerr(L, F->file, line, "unknown setting \"%.*s\"", (int)key.len, key.p);
    return RB_OK;
}

static int parse_line(struct loader *L, struct file_state *F, struct str s, int line)
{
    struct str t = trim(s), key, rest;
    bool indented = s.len && (s.p[0] == ' ' || s.p[0] == '\t');
    struct raw_pat *last;

    if (!t.len || t.p[0] == '#') {
        return RB_OK;
    }
    if (t.p[0] == '{') {
        if (!F->frag) {
            lerr(L, F->file, line, "fragments belong in a .frag file");
            return RB_OK;
        }
        return parse_fragment(L, t, F->file, line);
    }
    rest = t;
    if (!str_split(&rest, ':', &key)) {
        lerr(L, F->file, line, "expected \"key: value\"");
        return RB_OK;
    }
    key = trim(key);
    rest = trim(rest);
    if (indented) {
        last = L->nraws > F->first_raw ? &L->raws[L->nraws - 1] : NULL;
        return parse_attr(L, last, key, rest, F->file, line);
    }
    return parse_keyed(L, F, key, rest, line);
}

/* The file name without directory and extension must be the intent name. */
static void check_intent_file(struct loader *L, struct intent *in, const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n, i;

    base = base ? base + 1 : path;
    n = strlen(base) - strlen(".intent");
    if (!in->name) {
        lerr(L, path, 0, "no \"intent:\" line");
        return;
    }
    if (strlen(in->name) != n || memcmp(in->name, base, n) != 0) {
        lerr(L, path, in->line, "intent \"%s\" must live in %s.intent", in->name, in->name);
    }
    if (!in->roles) {
        lerr(L, path, in->line, "no \"roles:\" line");
    }
    for (i = 0; i < L->set->nintents - 1; i++) {
        if (L->set->intents[i].name && strcmp(L->set->intents[i].name, in->name) == 0) {
            lerr(L, path, in->line, "intent \"%s\" is defined twice", in->name);
        }
    }
}

static int load_file(struct loader *L, const char *path, bool frag)
{
    struct file_state F;
    struct intents *S = L->set;
    struct str all, ln;
    char *text = NULL;
    size_t len = 0;
    int rc, line = 0;

    memset(&F, 0, sizeof F);
    F.file = set_file(L, path);
    if (!F.file) {
        return RB_ENOMEM;
    }
    F.frag = frag;
    F.first_raw = L->nraws;
    strcpy(F.now, EXAMPLE_NOW_DEFAULT);
    rc = read_file(path, &text, &len);
    if (rc) {
        lerr(L, path, 0, "cannot read: %s", rb_strerror(rc));
        return rc == RB_ENOMEM ? rc : RB_OK;
    }
    if (!text_utf8_valid(text, len)) {
        lerr(L, path, 0, "not valid UTF-8");
        goto out;
    }
    if (!frag) {
        rc = grow(&S->intents, &S->capintents, S->nintents, sizeof *S->intents);
        if (rc) {
            goto out;
        }
        F.intent = S->nintents++;
        memset(&S->intents[F.intent], 0, sizeof S->intents[F.intent]);
        S->intents[F.intent].file = F.file;
    }
    all = str_make(text, len);
    while (all.len) {
        str_split(&all, '\n', &ln);
        line++;
        rc = parse_line(L, &F, ln, line);
        if (rc) {
            goto out;
        }
    }
    if (!frag) {
        check_intent_file(L, &S->intents[F.intent], path);
    }
out:
    free(text);
    return rc;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);

    return n > m && strcmp(s + n - m, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads the .frag files, then the .intent files, each in name order. */
static int load_dir(struct loader *L, const char *dir)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    struct buf path;
    int rc = RB_OK, pass;

    d = opendir(dir);
    if (!d) {
        char msg[128];
        lerr(L, dir, 0, "cannot open directory: %s", strerror_r(errno, msg, sizeof(msg)));
        return RB_ENOTFOUND;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' ||
            (!has_suffix(e->d_name, ".intent") && !has_suffix(e->d_name, ".frag"))) {
            continue;
        }
        rc = grow(&names, &cap, n, sizeof *names);
        if (rc || !(names[n] = rb_strdup(e->d_name))) {
            rc = RB_ENOMEM;
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof *names, cmp_str);
    buf_init(&path, 4096);
    for (pass = 0; pass < 2 && !rc; pass++) {
        for (i = 0; i < n && !rc; i++) {
            if (has_suffix(names[i], ".frag") != (pass == 0)) {
                continue;
            }
            buf_reset(&path);
            rc = buf_addf(&path, "%s/%s", dir, names[i]);
            if (!rc) {
                rc = load_file(L, path.p, pass == 0);
            }
        }
    }
    buf_release(&path);
out:
    closedir(d);
    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return rc;
}

/* ---- built-in fragments ---- */

static int add_regex_escaped(struct buf *b, const char *s, bool spaces_loose)
{
    int rc = RB_OK;

    for (; *s && !rc; s++) {
        if (*s == ' ') {
            rc = buf_adds(b, spaces_loose ? "\\s*" : " ");
        } else if (strchr("\\^$.|?*+()[]{}#-/", *s)) {
            rc = buf_addc(b, '\\');
            if (!rc) {
                rc = buf_addc(b, *s);
            }
        } else {
            rc = buf_addc(b, *s);
        }
    }
    return rc;
}

static int cmp_len_desc(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

    if (la != lb) {
        return la < lb ? 1 : -1;
    }
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Adds fragment name = an alternation of the phrases (normalized, longest
 * first, regex characters escaped), bounded by non-word characters.
 */
static int add_alternation(struct loader *L, const char *name, char **phrases, size_t n)
{
    struct buf b;
    struct frag *f = NULL;
    size_t i;
    int rc = RB_OK;

    if (n) {
        qsort(phrases, n, sizeof *phrases, cmp_len_desc);
    }
    buf_init(&b, 1u << 20);
    rc = buf_adds(&b, n ? "(?<!\\w)(?:" : "(?!)");
    for (i = 0; i < n && !rc; i++) {
        if (i > 0 && strcmp(phrases[i], phrases[i - 1]) == 0) {
            continue;
        }
        if (i > 0) {
            rc = buf_addc(&b, '|');
        }
        if (!rc) {
            rc = add_regex_escaped(&b, phrases[i], true);
        }
    }
    if (!rc && n) {
        rc = buf_adds(&b, ")(?!\\w)");
    }
    if (!rc) {
        rc = grow(&L->frags, &L->capfrags, L->nfrags, sizeof *L->frags);
    }
    if (!rc) {
        f = &L->frags[L->nfrags++];
        f->name = rb_strdup(name);
        f->body = buf_detach(&b, NULL);
        f->plain = NULL;
        f->file = "(built in)";
        f->line = 0;
        rc = f->name && f->body ? RB_OK : RB_ENOMEM;
    }
    for (i = 0; i < n && !rc; i++) {
        rc = buf_addf(&b, "%s%s", i ? "|" : "", phrases[i]);
    }
    if (!rc) {
        f->plain = buf_detach(&b, NULL);
    }
    buf_release(&b);
    return rc;
}

struct strlist {
    char **v;
    size_t n, cap;
};

static void strlist_release(struct strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Adds the normalized form of s (len bytes) to l. */
static int strlist_add_norm(struct strlist *l, const char *s, size_t len)
{
    struct buf b;
    int rc;

    if (grow(&l->v, &l->cap, l->n, sizeof *l->v)) {
        return RB_ENOMEM;
    }
    buf_init(&b, KEY_MAX);
    rc = text_normalize(s, len, &b);
    if (!rc && b.len) {
        l->v[l->n++] = buf_detach(&b, NULL);
    }
    buf_release(&b);
    return rc;
}

/* A built-in fragment with a fixed body. */
static int builtin_plain(struct loader *L, const char *name, const char *body)
{
    struct frag *f;

    if (grow(&L->frags, &L->capfrags, L->nfrags, sizeof *L->frags)) {
        return RB_ENOMEM;
    }
    f = &L->frags[L->nfrags++];
    f->name = rb_strdup(name);
    f->body = rb_strdup(body);
    f->plain = NULL;
    f->file = "(built in)";
    f->line = 0;
    return f->name && f->body ? RB_OK : RB_ENOMEM;
}

static int add_hall_key(struct intents *S, const char *spelling, const char *name)
{
    struct hall_key *h;

    h = realloc(S->halls, (S->nhalls + 1) * sizeof *S->halls);
    if (!h) {
        return RB_ENOMEM;
    }
    S->halls = h;
    h = &S->halls[S->nhalls];
    h->key = squeeze_key(spelling, strlen(spelling));
    h->name = rb_strdup(name);
    S->nhalls++;
    return h->key && h->name ? RB_OK : RB_ENOMEM;
}

static int builtin_halls(struct loader *L)
{
    struct strlist l = {NULL, 0, 0};
    const struct hall_conf *h;
    size_t i, j;
    int rc = RB_OK;

    for (i = 0; i < L->env->nhalls && !rc; i++) {
        h = &L->env->halls[i];
        rc = strlist_add_norm(&l, h->name, strlen(h->name));
        if (!rc) {
            rc = add_hall_key(L->set, h->name, h->name);
        }
        for (j = 0; j < h->naliases && !rc; j++) {
            rc = strlist_add_norm(&l, h->aliases[j], strlen(h->aliases[j]));
            if (!rc) {
                rc = add_hall_key(L->set, h->aliases[j], h->name);
            }
        }
    }
    if (!rc) {
        rc = add_alternation(L, "config_halls", l.v, l.n);
    }
    strlist_release(&l);
    return rc;
}

/* Staff: full names and first names. */
static int builtin_staff(struct loader *L)
{
    struct strlist l = {NULL, 0, 0};
    const char *name, *sp;
    size_t i;
    int rc = RB_OK;

    for (i = 0; i < L->env->nstaff && !rc; i++) {
        name = L->env->staff[i].name;
        rc = strlist_add_norm(&l, name, strlen(name));
        sp = strchr(name, ' ');
        if (!rc && sp) {
            rc = strlist_add_norm(&l, name, (size_t)(sp - name));
        }
    }
    if (!rc) {
        rc = add_alternation(L, "config_staff", l.v, l.n);
    }
    strlist_release(&l);
    return rc;
}

/* One {SLOT_synonyms} fragment per slot of the catalog. */
static int builtin_synonyms(struct loader *L)
{
    const struct slot_def *defs;
    struct strlist l = {NULL, 0, 0};
    char name[64];
    size_t nd, i, j;
    int rc = RB_OK;

    defs = slot_defs(&nd);
    for (i = 0; i < nd && !rc; i++) {
        for (j = 0; j < L->set->nsyns && !rc; j++) {
            if (strcmp(L->set->syns[j].slot, defs[i].name) == 0) {
                rc = strlist_add_norm(&l, L->set->syns[j].phrase, strlen(L->set->syns[j].phrase));
            }
        }
        snprintf(name, sizeof name, "%s_synonyms", defs[i].name);
        if (!rc) {
            rc = add_alternation(L, name, l.v, l.n);
        }
        strlist_release(&l);
    }
    return rc;
}

/* ---- expansion and compilation ---- */

static const struct frag *frag_find(const struct loader *L, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < L->nfrags; i++) {
        if (strlen(L->frags[i].name) == n && memcmp(L->frags[i].name, name, n) == 0) {
            return &L->frags[i];
        }
    }
    return NULL;
}

/*
 * Expansion state of one pattern. A fragment of more than a few bytes is
 * not copied at each use: it becomes a subroutine call (?&_fN) and its body
 * is defined once at the end, in (?(DEFINE)(?<_fN>...)), which keeps big
 * patterns under PCRE2's size limit. A fragment whose body captures a slot
 * is always copied (captures made inside a subroutine call do not last).
 */
struct expand_ctx {
    struct loader *L;
    const char *file;
    int line;
    bool failed;
    bool *called; /* per fragment: used as a subroutine */
};

#define CALL_MIN_BYTES 48

/* True when body fills a slot itself ((?<name>...) or {fragment:slot}). */
static bool frag_captures(const char *body)
{
    const char *p;

    for (p = body; *p; p++) {
        if (p[0] == '(' && p[1] == '?' && p[2] == '<' && p[3] != '=' && p[3] != '!') {
            return true;
        }
        if (p[0] == '{' && strchr(p, ':') && strchr(p, ':') < strchr(p, '}') &&
            !(strchr(p, ':')[1] == '_' && strchr(p, ':')[2] == '}')) {
            return true;
        }
    }
    return false;
}

static bool frag_callable(const struct frag *f)
{
    return (strlen(f->body) >= CALL_MIN_BYTES || strchr(f->body, '{')) && !frag_captures(f->body);
}

static int expand(struct expand_ctx *X, const char *s, int depth, struct buf *out);

/*
 * A reference {name}, {name:slot} or {name:_} starting at s ('{'). Returns
 * the bytes consumed, 0 when s is not a reference (a quantifier like {2,4}).
 */
static size_t expand_ref(struct expand_ctx *X, const char *s, int depth, struct buf *out, int *rc)
{
    const char *p = s + 1, *name = p, *cap = NULL;
    size_t nname, ncap = 0;
    const struct frag *f;
    char capname[64];

    while (ident_char(*p) && !(*p >= '0' && *p <= '9' && p == name)) {
        p++;
    }
    nname = (size_t)(p - name);
    if (!nname || (*p != '}' && *p != ':')) {
        return 0;
    }
    if (*p == ':') {
        cap = ++p;
        while (ident_char(*p)) {
            p++;
        }
        ncap = (size_t)(p - cap);
        if (*p != '}') {
            return 0;
        }
    }
    f = frag_find(X->L, name, nname);
    if (!f) {
        lerr(X->L, X->file, X->line, "unknown fragment {%.*s}", (int)nname, name);
        X->failed = true;
        return (size_t)(p + 1 - s);
    }
    if (!cap && depth == 0 && slot_def_find(f->name)) {
        cap = name;
        ncap = nname;
    }
    if (cap && ncap == 1 && cap[0] == '_') {
        cap = NULL;
    }
    if (cap && ncap < sizeof capname) {
        memcpy(capname, cap, ncap);
        capname[ncap] = '\0';
        *rc = buf_addf(out, "(?<%s>", capname);
    } else {
        *rc = buf_adds(out, "(?:");
    }
    if (!*rc && X->called && frag_callable(f)) {
        X->called[f - X->L->frags] = true;
        *rc = buf_addf(out, "(?&_f%zu)", (size_t)(f - X->L->frags));
    } else if (!*rc) {
        *rc = expand(X, f->body, depth + 1, out);
    }
    if (!*rc) {
        *rc = buf_addc(out, ')');
    }
    return (size_t)(p + 1 - s);
}

/* Appends the DEFINE block of every fragment called (and of those they call). */
static int expand_defines(struct expand_ctx *X, struct buf *out)
{
    bool *done = calloc(X->L->nfrags ? X->L->nfrags : 1, sizeof *done);
    bool more = true;
    size_t i;
    int rc = RB_OK;

    if (!done) {
        return RB_ENOMEM;
    }
    while (more && !rc && !X->failed) {
        more = false;
        for (i = 0; i < X->L->nfrags && !rc; i++) {
            if (!X->called[i] || done[i]) {
                continue;
            }
            done[i] = more = true;
            rc = buf_addf(out, "(?(DEFINE)(?<_f%zu>", i);
            if (!rc) {
                rc = expand(X, X->L->frags[i].body, 1, out);
            }
            if (!rc) {
                rc = buf_adds(out, "))");
            }
        }
    }
    free(done);
    return rc;
}

/* Appends s to out with every fragment reference replaced by its body. */
static int expand(struct expand_ctx *X, const char *s, int depth, struct buf *out)
{
    bool in_class = false;
    size_t used;
    int rc = RB_OK;

    if (depth > EXPAND_DEPTH) {
        lerr(X->L, X->file, X->line, "fragments nest too deep (a fragment that uses itself?)");
        X->failed = true;
        return RB_OK;
    }
    while (*s && !rc && !X->failed) {
        if (*s == '\\' && s[1]) {
            rc = buf_add(out, s, 2);
            s += 2;
            continue;
        }
        if (*s == '[' && !in_class) {
            in_class = true;
            rc = buf_addc(out, *s++);
            if (!rc && *s == '^') {
                rc = buf_addc(out, *s++);
            }
            if (!rc && *s == ']') {
                rc = buf_addc(out, *s++);
            }
            continue;
        }
        if (*s == ']' && in_class) {
            in_class = false;
        }
        if (*s == '{' && !in_class) {
            used = expand_ref(X, s, depth, out, &rc);
            if (used) {
                s += used;
                continue;
            }
        }
        rc = buf_addc(out, *s++);
    }
    return rc;
}

static bool intent_has_slot(const struct intent *in, const char *slot)
{
    size_t i;

    for (i = 0; i < in->nslots; i++) {
        if (strcmp(in->slots[i], slot) == 0) {
            return true;
        }
    }
    return false;
}

/* Fills P->slots from the pattern's named groups. */
static int pattern_groups(struct loader *L, struct pattern *P, const struct intent *in)
{
    uint32_t count = 0, size = 0, i, g;
    PCRE2_SPTR table = NULL, entry;
    const struct slot_def *def;
    const char *name;
    size_t j;

    pcre2_pattern_info(P->re, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(P->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info(P->re, PCRE2_INFO_NAMETABLE, &table);
    P->slots = calloc(count ? count : 1, sizeof *P->slots);
    if (!P->slots) {
        return RB_ENOMEM;
    }
    for (i = 0; i < count; i++) {
        entry = table + (size_t)i * size;
        g = ((uint32_t)entry[0] << 8) | entry[1];
        name = (const char *)entry + 2;
        if (name[0] == '_' && name[1] == 'f') {
            continue; /* a fragment defined once and called (expand_defines) */
        }
        def = slot_def_find(name);
        if (!def || !intent_has_slot(in, name)) {
            lerr(L, P->file, P->line, "group \"%s\" is not a slot of %s", name,
                 in->name ? in->name : "this intent");
            continue;
        }
        for (j = 0; j < P->nslots && P->slots[j].def != def; j++) {
        }
        if (j == P->nslots) {
            P->slots[P->nslots++].def = def;
        }
        if (P->slots[j].ngroups < DUP_GROUPS) {
            P->slots[j].groups[P->slots[j].ngroups++] = g;
        }
    }
    return RB_OK;
}

/* "slot=value slot=value" of a `set:` line. */
static int pattern_sets(struct loader *L, struct pattern *P, const struct intent *in,
                        const char *set)
{
    struct str s = str_from(set), w, k;
    const struct slot_def *def;
    char *slot = NULL, *value = NULL;
    int rc = RB_OK;

    P->sets = json_object();
    if (!P->sets) {
        return RB_ENOMEM;
    }
    while (s.len && !rc) {
        str_split(&s, ' ', &w);
        w = trim(w);
        if (!w.len) {
            continue;
        }
        if (!str_split(&w, '=', &k)) {
            lerr(L, P->file, P->line, "set: expects slot=value");
            continue;
        }
        slot = str_dup(k);
        value = str_dup(w);
        if (!slot || !value) {
            rc = RB_ENOMEM;
        } else if (!(def = slot_def_find(slot)) || !intent_has_slot(in, slot)) {
            lerr(L, P->file, P->line, "set: \"%s\" is not a slot of %s", slot, in->name);
        } else if (!canonical_ok(def, value)) {
            lerr(L, P->file, P->line, "set: \"%s\" is not a canonical value of %s", value, slot);
        } else if (json_object_set_new(P->sets, slot, json_string(value))) {
            rc = RB_ENOMEM;
        }
        free(slot);
        free(value);
        slot = value = NULL;
    }
    return rc;
}

/*
 * The PCRE2 source of raw pattern r: fragments expanded (called ones defined
 * at the end) and Urdu literals folded as the key is, so that a pattern's
 * بھیجو matches the key of بھیجو. Problems go to L's errors; *ok says
 * whether out holds a pattern.
 */
static int pattern_source(struct loader *L, const struct raw_pat *r, struct buf *out, bool *ok)
{
    struct expand_ctx X = {L, r->file, r->line, false, NULL};
    struct buf src;
    int rc;

    *ok = false;
    buf_init(&src, 1u << 22);
    X.called = calloc(L->nfrags ? L->nfrags : 1, sizeof *X.called);
    if (!X.called) {
        rc = RB_ENOMEM;
        goto out;
    }
    rc = expand(&X, r->src, 0, &src);
    if (!rc && !X.failed) {
        rc = expand_defines(&X, &src);
    }
    if (rc || X.failed) {
        goto out;
    }
    rc = text_fold_pattern(src.p, src.len, out);
    if (rc && rc != RB_ENOMEM) {
        lerr(L, r->file, r->line, "pattern cannot be folded: %s", rb_strerror(rc));
        rc = RB_OK;
        goto out;
    }
    *ok = rc == RB_OK;
out:
    free(X.called);
    buf_release(&src);
    return rc;
}

static int compile_one(struct loader *L, const struct raw_pat *r)
{
    struct intents *S = L->set;
    struct pattern *P;
    struct buf src;
    PCRE2_UCHAR msg[256];
    PCRE2_SIZE off = 0;
    uint32_t caps = 0;
    int rc, ecode = 0;
    bool ok;

    buf_init(&src, 1u << 22);
    rc = pattern_source(L, r, &src, &ok);
    if (!rc && ok) {
        rc = grow(&S->pats, &S->cappats, S->npats, sizeof *S->pats);
    }
    if (rc || !ok) {
        goto out;
    }
    P = &S->pats[S->npats];
    memset(P, 0, sizeof *P);
    P->re =
        pcre2_compile((PCRE2_SPTR)src.p, src.len,
                      PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES | PCRE2_CASELESS, &ecode, &off, NULL);
    if (!P->re) {
        pcre2_get_error_message(ecode, msg, sizeof msg);
        lerr(L, r->file, r->line,
             "pattern does not compile: %s (at byte %zu of the expanded pattern)",
             (const char *)msg, (size_t)off);
        goto out;
    }
    S->npats++;
    P->intent = r->intent;
    P->priority = r->priority;
    P->confidence = r->confidence;
    P->question = r->question;
    P->file = r->file;
    P->line = r->line;
    /* JIT comes later, for the patterns in use (pat_code) */
    pcre2_pattern_info(P->re, PCRE2_INFO_CAPTURECOUNT, &caps);
    if (caps + 1 > S->max_pairs) {
        S->max_pairs = caps + 1;
    }
    rc = pattern_groups(L, P, &S->intents[r->intent]);
    if (!rc) {
        rc = pattern_sets(L, P, &S->intents[r->intent], r->set ? r->set : "");
    }
out:
    buf_release(&src);
    return rc;
}

/* ---- word lists: triggers and stopwords ---- */

struct list_ctx {
    struct loader *L;
    struct wordset *set;
    uint64_t mask;
    const char *file;
    int line;
};

/* Adds one literal phrase, normalized, and its form without spaces. */
static int list_add_phrase(struct list_ctx *C, struct str phrase)
{
    struct buf b;
    size_t i, j;
    int rc;

    buf_init(&b, KEY_MAX);
    rc = text_normalize(phrase.p, phrase.len, &b);
    if (!rc && b.len) {
        rc = wordset_add(C->set, b.p, b.len, C->mask);
    }
    if (!rc && memchr(b.p, ' ', b.len)) {
        for (i = 0, j = 0; i < b.len; i++) {
            if (b.p[i] != ' ') {
                b.p[j++] = b.p[i];
            }
        }
        rc = wordset_add(C->set, b.p, j, C->mask);
    }
    buf_release(&b);
    return rc;
}

static int list_add(struct list_ctx *C, struct str list, int depth);

/* {name} in a word list: the phrases of a plain fragment, or of a built-in list
 * (a slot's synonyms, the halls, the staff). */
static int list_add_fragment(struct list_ctx *C, struct str name, int depth)
{
    const struct frag *f = frag_find(C->L, name.p, name.len);

    if (!f) {
        lerr(C->L, C->file, C->line, "unknown fragment {%.*s}", (int)name.len, name.p);
        return RB_OK;
    }
    return list_add(C, str_from(f->plain ? f->plain : f->body), depth + 1);
}

/* "a | b c | {fragment}": plain words and phrases only, no regex. */
static int list_add(struct list_ctx *C, struct str list, int depth)
{
    struct str part;
    size_t i;
    int rc = RB_OK;

    if (depth > EXPAND_DEPTH) {
        lerr(C->L, C->file, C->line, "fragments nest too deep");
        return RB_OK;
    }
    while (list.len && !rc) {
        str_split(&list, '|', &part);
        part = trim(part);
        if (!part.len) {
            continue;
        }
        if (part.p[0] == '{' && part.p[part.len - 1] == '}') {
            rc = list_add_fragment(C, str_make(part.p + 1, part.len - 2), depth);
            continue;
        }
        for (i = 0; i < part.len && !strchr("\\()[]?*+.^${}", part.p[i]); i++) {
        }
        if (i < part.len) {
            lerr(C->L, C->file, C->line, "\"%.*s\" in a word list is not a plain word or phrase",
                 (int)part.len, part.p);
            continue;
        }
        rc = list_add_phrase(C, part);
    }
    return rc;
}

/* S->fuzzy: the words of the `fuzzy:` lists, which must be lower-case Latin
 * words of at least FUZZY_MIN letters (a misspelling is one edit from them). */
static int build_fuzzy(struct loader *L)
{
    struct intents *S = L->set;
    const struct wordset *w = &S->stopwords;
    size_t i, j, n;

    for (i = 0; i < w->cap; i++) {
        if (!w->keys[i] || !(w->masks[i] & WORD_FUZZY)) {
            continue;
        }
        n = strlen(w->keys[i]);
        for (j = 0; j < n && w->keys[i][j] >= 'a' && w->keys[i][j] <= 'z'; j++) {
        }
        if (j < n || n < FUZZY_MIN) {
            for (j = 0; j < S->nstop_raw && S->stop_kind[j] != WORD_FUZZY; j++) {
            }
            lerr(L, S->stop_file[j], S->stop_line[j],
                 "fuzzy word \"%s\": only a-z, at least %d letters", w->keys[i], FUZZY_MIN);
            continue;
        }
        if (grow(&S->fuzzy, &S->nfuzzy_cap, S->nfuzzy, sizeof *S->fuzzy)) {
            return RB_ENOMEM;
        }
        S->fuzzy[S->nfuzzy++] = w->keys[i];
    }
    return RB_OK;
}

/* Builds the trigger set (one bit per intent with a trigger) and the stopwords. */
static int build_word_lists(struct loader *L)
{
    struct intents *S = L->set;
    struct list_ctx C = {L, &S->triggers, 0, NULL, 0};
    size_t i, bits = 0;
    int rc = RB_OK;

    for (i = 0; i < S->nintents && !rc; i++) {
        if (!S->intents[i].trigger || bits == 64) {
            continue; /* no trigger (or more than 64): its patterns are always tried */
        }
        S->intents[i].bit = (uint64_t)1 << bits++;
        C.mask = S->intents[i].bit;
        C.file = S->intents[i].file;
        C.line = S->intents[i].trigger_line;
        rc = list_add(&C, str_from(S->intents[i].trigger), 0);
    }
    C.set = &S->stopwords;
    for (i = 0; i < S->nstop_raw && !rc; i++) {
        C.mask = S->stop_kind[i];
        C.file = S->stop_file[i];
        C.line = S->stop_line[i];
        rc = list_add(&C, str_from(S->stop_raw[i]), 0);
    }
    if (!rc) {
        rc = build_fuzzy(L);
    }
    return rc;
}

/* The intents whose trigger words occur in the key (phrases of up to 4 words). */
static uint64_t trigger_mask(const struct intents *S, const struct key *K)
{
    const char *k = K->k.p;
    size_t starts[MSG_MAX / 2 + 2], ends[MSG_MAX / 2 + 2], n = 0, i = 0, j, len;
    char squeezed[256];
    uint64_t mask = 0;

    while (i < K->k.len && n < sizeof starts / sizeof starts[0]) {
        starts[n] = i;
        while (i < K->k.len && k[i] != ' ') {
            i++;
        }
        ends[n] = i > starts[n] && k[i - 1] == ':' ? i - 1 : i;
        n++;
        i++;
    }
    for (i = 0; i < n; i++) {
        len = 0;
        for (j = i; j < n && j < i + 4; j++) {
            mask |= wordset_get(&S->triggers, k + starts[i], ends[j] - starts[i]);
            if (len + (ends[j] - starts[j]) < sizeof squeezed) {
                memcpy(squeezed + len, k + starts[j], ends[j] - starts[j]);
                len += ends[j] - starts[j];
                mask |= j > i ? wordset_get(&S->triggers, squeezed, len) : 0;
            }
        }
        if (k[starts[i]] == '#') {
            mask |= wordset_get(&S->triggers, "#", 1);
        }
    }
    return mask;
}

/*
 * The callout of {not_stopword} ((?C1)): fails the match at this point when
 * a stopword starts here. data is the set (read-only).
 */
static int stopword_callout(pcre2_callout_block *cb, void *data)
{
    const struct intents *S = data;
    const char *p = (const char *)cb->subject + cb->current_position;
    size_t n = cb->subject_length - cb->current_position, w = 0;

    if (cb->callout_number != 1) {
        return 0;
    }
    while (w < n && (((unsigned char)p[w] >= 0x80) || (p[w] >= 'a' && p[w] <= 'z') ||
                     (p[w] >= '0' && p[w] <= '9') || p[w] == '-')) {
        w++;
    }
    return w && (wordset_get(&S->stopwords, p, w) & WORD_STOP) ? 1 : 0;
}

/* ---- the set ---- */

static void intent_release(struct intent *in)
{
    size_t i;

    free(in->name);
    free(in->description);
    free(in->trigger);
    for (i = 0; i < in->nslots; i++) {
        free(in->slots[i]);
    }
    free(in->slots);
    free(in->required);
    for (i = 0; i < in->nexamples; i++) {
        free((char *)in->examples[i].text);
        free((char *)in->examples[i].expect);
        free((char *)in->examples[i].now);
    }
    free(in->examples);
}

void intents_free(struct intents *S)
{
    size_t i;

    if (!S) {
        return;
    }
    for (i = 0; i < S->nintents; i++) {
        intent_release(&S->intents[i]);
    }
    free(S->intents);
    free(S->infos);
    for (i = 0; i < S->npats; i++) {
        pcre2_code_free(S->pats[i].re);
        pcre2_code_free(S->pats[i].jit);
        free(S->pats[i].slots);
        json_decref(S->pats[i].sets);
    }
    free(S->pats);
    free(S->order);
    for (i = 0; i < S->nsyns; i++) {
        free(S->syns[i].slot);
        free(S->syns[i].key);
        free(S->syns[i].phrase);
        free(S->syns[i].value);
    }
    free(S->syns);
    for (i = 0; i < S->ndrops; i++) {
        free(S->drops[i]);
    }
    free(S->drops);
    for (i = 0; i < S->nhalls; i++) {
        free(S->halls[i].key);
        free(S->halls[i].name);
    }
    free(S->halls);
    for (i = 0; i < S->nfiles; i++) {
        free(S->files[i]);
    }
    free(S->files);
    pcre2_match_context_free(S->mctx);
    classifier_free(S->model);
    for (i = 0; i < S->nmemo; i++) {
        free(S->memo[i].text);
    }
    free(S->memo);
    wordset_release(&S->triggers);
    wordset_release(&S->stopwords);
    for (i = 0; i < S->nstop_raw; i++) {
        free(S->stop_raw[i]);
    }
    free(S->stop_raw);
    free(S->stop_line);
    free(S->stop_file);
    free(S->stop_kind);
    free((void *)S->fuzzy);
    free(S);
}

static void loader_release(struct loader *L)
{
    size_t i;

    for (i = 0; i < L->nfrags; i++) {
        free(L->frags[i].name);
        free(L->frags[i].body);
        free(L->frags[i].plain);
    }
    free(L->frags);
    for (i = 0; i < L->nraws; i++) {
        free(L->raws[i].src);
        free(L->raws[i].set);
    }
    free(L->raws);
}

/* The public view of each intent, in file name order. */
static int build_infos(struct intents *S)
{
    struct intent_info *info;
    struct intent *in;
    size_t i;

    S->infos = calloc(S->nintents ? S->nintents : 1, sizeof *S->infos);
    if (!S->infos) {
        return RB_ENOMEM;
    }
    for (i = 0; i < S->nintents; i++) {
        in = &S->intents[i];
        info = &S->infos[i];
        info->name = in->name;
        info->roles = in->roles;
        info->description = in->description ? in->description : "";
        info->slots = (const char *const *)in->slots;
        info->slot_required = in->required;
        info->nslots = in->nslots;
        info->examples = in->examples;
        info->nexamples = in->nexamples;
        info->past = in->past;
    }
    return RB_OK;
}

void nlu_env_from_config(struct nlu_env *env, const struct config *c)
{
    env->halls = c->halls;
    env->nhalls = c->nhalls;
    env->staff = c->staff;
    env->nstaff = c->nstaff;
    env->country_code = c->country_code;
}

struct prio_idx {
    int priority;
    size_t idx;
};

static int cmp_prio_idx(const void *a, const void *b)
{
    const struct prio_idx *x = a, *y = b;

    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

/* S->order: the patterns by priority, highest first (matching stops at the
 * first priority that gives a winner), in file order within one priority. */
static int build_order(struct intents *S)
{
    struct prio_idx *tmp;
    size_t i, n = S->nmain ? S->nmain : 1;

    S->order = malloc(n * sizeof *S->order);
    tmp = malloc(n * sizeof *tmp);
    if (!S->order || !tmp) {
        free(tmp);
        return RB_ENOMEM;
    }
    for (i = 0; i < S->nmain; i++) {
        tmp[i].priority = S->pats[i].priority;
        tmp[i].idx = i;
    }
    qsort(tmp, S->nmain, sizeof *tmp, cmp_prio_idx);
    for (i = 0; i < S->nmain; i++) {
        S->order[i] = tmp[i].idx;
    }
    free(tmp);
    return RB_OK;
}

/* ---- slot finders and the model ---- */

/*
 * The slots a slot finder looks for, in the order they are looked for: a
 * span taken by one (a phone, an amount, a date) is not read again as
 * another (a lead number, a name).
 */
static const char *const find_order[] = {
    "phone",  "when",    "date",     "amount", "guests",         "hall",
    "slot",   "milestone", "stage",  "scope",  "metric",         "group_by",
    "period", "compare_period", "staff", "lead", "lead_else",    "staff_else",
    "name",   NULL};

/*
 * Slot finders: for each slot of each intent, a pattern that finds it
 * anywhere in a message, a word's start to a word's end: the fragment
 * `{find_SLOT}` when the files define one, else `{SLOT}`; and, when the
 * files define `{find_SLOT_else}`, a second one tried when the first found
 * nothing (a lead by number first, then by name). They read the slots of
 * an intent the model chose, when no pattern of that intent matched.
 * compare_period is the second period.
 */
static int compile_finders(struct loader *L)
{
    struct intents *S = L->set;
    struct raw_pat r;
    char src[96], full[160], name[48], slot[32];
    const char *f, *us;
    size_t i, k;
    int rc = RB_OK;
    bool alt;

    for (i = 0; i < S->nintents && !rc; i++) {
        S->intents[i].find_from = S->npats;
        for (k = 0; find_order[k] && !rc; k++) {
            f = find_order[k];
            us = strstr(f, "_else");
            alt = us != NULL;
            snprintf(slot, sizeof slot, "%.*s", (int)(alt ? (size_t)(us - f) : strlen(f)), f);
            if (!intent_has_slot(&S->intents[i], slot)) {
                continue;
            }
            snprintf(name, sizeof name, "find_%s", f);
            if (frag_find(L, name, strlen(name))) {
                snprintf(src, sizeof src, "{%s:%s}", name, slot);
            } else if (alt) {
                continue;
            } else if (strcmp(slot, "compare_period") == 0 && frag_find(L, "period", 6)) {
                snprintf(src, sizeof src, "{period:compare_period}");
            } else if (frag_find(L, slot, strlen(slot))) {
                snprintf(src, sizeof src, "{%s}", slot);
            } else {
                continue;
            }
            snprintf(full, sizeof full, "(?<![\\p{L}\\p{M}\\p{N}])(?:%s)(?![\\p{L}\\p{M}\\p{N}])",
                     src);
            memset(&r, 0, sizeof r);
            r.src = full;
            r.intent = i;
            r.confidence = -1.0;
            r.file = S->intents[i].file;
            r.line = 0;
            rc = compile_one(L, &r);
        }
        S->intents[i].find_to = S->npats;
    }
    return rc;
}

struct samples {
    struct clf_sample *s;
    size_t n, cap;
};

static void samples_release(struct samples *T)
{
    for (size_t i = 0; i < T->n; i++) {
        free((char *)T->s[i].key);
    }
    free(T->s);
}

/* What the model reads: the key, and " ?" when the message asked (the key
 * drops the "?", and "Ahmed?" asks for a status where "Ahmed" calls him). */
static char *model_text(const struct key *K)
{
    char *t = malloc(K->k.len + 3);

    if (t) {
        memcpy(t, K->k.p, K->k.len);
        memcpy(t + K->k.len, K->question ? " ?" : "", K->question ? 3 : 1);
    }
    return t;
}

/* Adds text, read into its matching key, as an example of intent label. */
static int sample_add(struct loader *L, struct samples *T, const char *text, size_t len, int label)
{
    struct key K;
    char *k;
    int rc;

    if (len > MSG_MAX || !text_utf8_valid(text, len)) {
        return RB_EPARSE;
    }
    key_init(&K);
    rc = key_build(&K, text, len);
    if (!rc) {
        rc = key_fuzzy(L->set, &K);
    }
    if (!rc && K.k.len) {
        k = model_text(&K);
        rc = k ? grow(&T->s, &T->cap, T->n, sizeof *T->s) : RB_ENOMEM;
        if (rc) {
            free(k);
        } else {
            T->s[T->n++] = (struct clf_sample){k, strlen(k), label};
        }
    }
    key_release(&K);
    return rc;
}

static int intent_index(const struct intents *S, const char *name)
{
    for (size_t i = 0; i < S->nintents; i++) {
        if (strcmp(S->intents[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* One labeled file of examples/: text, now, {"intent":...}, lang per line. */
static int read_examples(struct loader *L, const char *path, struct samples *T)
{
    const char *file = set_file(L, path);
    struct str all, ln, col[4];
    char *text = NULL;
    size_t len = 0;
    json_t *j;
    int line = 0, c, label, rc;

    if (!file) {
        return RB_ENOMEM;
    }
    rc = read_file(path, &text, &len);
    if (rc) {
        lerr(L, file, 0, "cannot read: %s", rb_strerror(rc));
        return rc == RB_ENOMEM ? rc : RB_OK;
    }
    all = str_make(text, len);
    while (all.len && rc != RB_ENOMEM) {
        str_split(&all, '\n', &ln);
        line++;
        if (!ln.len) {
            continue;
        }
        for (c = 0; c < 3; c++) {
            if (!str_split(&ln, '\t', &col[c]) && c < 2) {
                break;
            }
        }
        if (c < 3) {
            lerr(L, file, line, "expected text<TAB>now<TAB>{\"intent\":...}");
            continue;
        }
        j = json_loadb(col[2].p, col[2].len, 0, NULL);
        label = intent_index(L->set, json_string_value(json_object_get(j, "intent"))
                                         ? json_string_value(json_object_get(j, "intent"))
                                         : "");
        json_decref(j);
        if (label < 0) {
            lerr(L, file, line, "no known intent in the third column");
            continue;
        }
        rc = sample_add(L, T, col[0].p, col[0].len, label);
        if (rc == RB_EPARSE) {
            lerr(L, file, line, "the text is not valid UTF-8 or is too long");
        }
    }
    free(text);
    return rc == RB_ENOMEM ? rc : RB_OK;
}

/* Every *.tsv of dir/examples, in name order; none is fine. */
static int read_examples_dir(struct loader *L, const char *dir, struct samples *T)
{
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    struct dirent *e;
    struct buf path;
    DIR *d;
    int rc = RB_OK;

    buf_init(&path, 4096);
    if (buf_addf(&path, "%s/examples", dir)) {
        return RB_ENOMEM;
    }
    d = opendir(path.p);
    if (!d) {
        buf_release(&path);
        return RB_OK;
    }
    while ((e = readdir(d)) != NULL && !rc) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".tsv")) {
            continue;
        }
        rc = grow(&names, &cap, n, sizeof *names);
        if (!rc && !(names[n++] = rb_strdup(e->d_name))) {
            rc = RB_ENOMEM;
        }
    }
    closedir(d);
    if (!rc) {
        qsort(names, n, sizeof *names, cmp_str);
    }
    for (i = 0; i < n && !rc; i++) {
        buf_reset(&path);
        rc = buf_addf(&path, "%s/examples/%s", dir, names[i]);
        if (!rc) {
            rc = read_examples(L, path.p, T);
        }
    }
    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    buf_release(&path);
    return rc;
}

static int cmp_memo(const void *a, const void *b)
{
    const struct memo *x = a, *y = b;
    int c = strcmp(x->text, y->text);

    return c ? c : (x->intent > y->intent) - (x->intent < y->intent);
}

/*
 * The examples by text, so that a message an admin taught word for word
 * gets the intent taught even where a pattern says otherwise. A text taught
 * as two intents is left out.
 */
static int build_memo(struct intents *S, const struct samples *T)
{
    size_t i, j, n = 0;

    S->memo = calloc(T->n, sizeof *S->memo);
    if (!S->memo) {
        return RB_ENOMEM;
    }
    for (i = 0; i < T->n; i++) {
        S->memo[i].text = rb_strdup(T->s[i].key);
        S->memo[i].intent = (size_t)T->s[i].label;
        S->nmemo++;
        if (!S->memo[i].text) {
            return RB_ENOMEM;
        }
    }
    qsort(S->memo, S->nmemo, sizeof *S->memo, cmp_memo);
    for (i = 0; i < S->nmemo; i = j) {
        bool mixed = false;

        for (j = i + 1; j < S->nmemo && strcmp(S->memo[j].text, S->memo[i].text) == 0; j++) {
            mixed = mixed || S->memo[j].intent != S->memo[i].intent;
        }
        for (size_t k = i + 1; k < j; k++) {
            free(S->memo[k].text);
        }
        if (mixed) {
            free(S->memo[i].text);
        } else {
            S->memo[n++] = S->memo[i];
        }
    }
    S->nmemo = n;
    return RB_OK;
}

/* The intent taught for exactly this text, or -1. */
static int memo_find(const struct intents *S, const char *text)
{
    struct memo key = {(char *)text, 0};
    size_t lo = 0, hi = S->nmemo, mid;
    int c;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = strcmp(key.text, S->memo[mid].text);
        if (c == 0) {
            return (int)S->memo[mid].intent;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return -1;
}

/* Trains the model on every `example:` line and every examples/ file. */
static int build_model(struct loader *L, const char *dir)
{
    struct intents *S = L->set;
    struct samples T = {NULL, 0, 0};
    size_t i, j;
    int rc = RB_OK;

    if (S->nintents < 2 || S->nintents > 64) {
        return RB_OK;
    }
    for (i = 0; i < S->nintents && rc != RB_ENOMEM; i++) {
        for (j = 0; j < S->intents[i].nexamples && rc != RB_ENOMEM; j++) {
            const char *t = S->intents[i].examples[j].text;

            rc = sample_add(L, &T, t, strlen(t), (int)i);
        }
    }
    if (rc != RB_ENOMEM) {
        rc = read_examples_dir(L, dir, &T);
    }
    if (!rc && T.n) {
        rc = classifier_train(T.s, T.n, (int)S->nintents, &S->model);
        S->nexamples = T.n;
    }
    if (!rc && T.n) {
        rc = build_memo(S, &T);
    }
    samples_release(&T);
    return rc == RB_ENOMEM ? rc : RB_OK;
}

/* Loads into L->set; returns a code, L->nerr counts the problems. */
static int load_all(struct loader *L, const char *dir)
{
    size_t i;
    int rc;

    rc = load_dir(L, dir);
    if (!rc) {
        rc = builtin_halls(L);
    }
    if (!rc) {
        rc = builtin_staff(L);
    }
    if (!rc) {
        rc = builtin_synonyms(L);
    }
    if (!rc) {
        rc = builtin_plain(L, "not_stopword", "(?C1)");
    }
    if (!rc) {
        rc = build_word_lists(L);
    }
    for (i = 0; i < L->nraws && !rc; i++) {
        rc = compile_one(L, &L->raws[i]);
    }
    L->set->nmain = L->set->npats;
    if (!rc) {
        rc = compile_finders(L);
    }
    if (!rc) {
        rc = build_infos(L->set);
    }
    if (!rc) {
        rc = build_order(L->set);
    }
    if (!rc) {
        L->set->mctx = pcre2_match_context_create(NULL);
        if (!L->set->mctx) {
            rc = RB_ENOMEM;
        } else {
            pcre2_set_match_limit(L->set->mctx, MATCH_LIMIT);
            pcre2_set_callout(L->set->mctx, stopword_callout, L->set);
        }
    }
    if (!rc && !L->nerr) {
        rc = build_model(L, dir);
    }
    return rc;
}

int intents_load(const char *dir, const struct nlu_env *env, struct intents **out, struct buf *err)
{
    struct loader L;
    struct nlu_env none = {NULL, 0, NULL, 0, 92};
    int rc;

    memset(&L, 0, sizeof L);
    L.env = env ? env : &none;
    L.err = err;
    L.set = calloc(1, sizeof *L.set);
    if (!L.set) {
        return RB_ENOMEM;
    }
    L.set->country_code = L.env->country_code ? L.env->country_code : 92;
    rc = load_all(&L, dir);
    if (!rc && L.nerr) {
        rc = RB_EPARSE;
    }
    if (!rc) {
        L.set->armed = true;
        *out = L.set;
        L.set = NULL;
    }
    intents_free(L.set);
    loader_release(&L);
    return rc;
}

const struct intent_info *intents_list(const struct intents *S, size_t *n)
{
    *n = S->nintents;
    return S->infos;
}

const struct intent_info *intents_find(const struct intents *S, const char *name)
{
    size_t i;

    for (i = 0; i < S->nintents; i++) {
        if (strcmp(S->intents[i].name, name) == 0) {
            return &S->infos[i];
        }
    }
    return NULL;
}

/* ---- matching: from captures to canonical slots ---- */

struct xctx {
    const struct intents *S;
    const struct key *K;
    const struct intent *in;
    const struct pattern *P;
    const PCRE2_SIZE *ov;
    struct nlu_now nn;
    json_t *slots;
};

/* The first group of slot def in the match that took part: [*s, *e). */
static bool capture_of(const struct xctx *X, const struct slot_def *def, size_t *s, size_t *e)
{
    size_t i;
    int g;

    for (i = 0; i < X->P->nslots; i++) {
        if (X->P->slots[i].def != def) {
            continue;
        }
        for (g = 0; g < X->P->slots[i].ngroups; g++) {
            uint32_t n = X->P->slots[i].groups[g];

            if (X->ov[2 * n] != PCRE2_UNSET && X->ov[2 * n + 1] > X->ov[2 * n]) {
                *s = X->ov[2 * n];
                *e = X->ov[2 * n + 1];
                return true;
            }
        }
    }
    return false;
}

static bool is_trim_punct(char c)
{
    return c == ' ' || (c != '#' && c != '+' && strchr(".,:;!?-_'\"()*/", c) != NULL);
}

static struct str key_slice(const struct xctx *X, size_t s, size_t e)
{
    return str_make(X->K->k.p + s, e - s);
}

/* The canonical value of a synonym of slot, NULL when none. */
static const char *syn_lookup(const struct intents *S, const char *slot, struct str s)
{
    char tmp[256];
    size_t i, n = 0;

    for (i = 0; i < s.len; i++) {
        if (!squeezed_out(s.p[i])) {
            if (n + 1 >= sizeof tmp) {
                return NULL;
            }
            tmp[n++] = s.p[i];
        }
    }
    tmp[n] = '\0';
    for (i = 0; i < S->nsyns; i++) {
        if (strcmp(S->syns[i].key, tmp) == 0 && strcmp(S->syns[i].slot, slot) == 0) {
            return S->syns[i].value;
        }
    }
    return NULL;
}

/* Drops the "drop-from-names" phrases and punctuation from both ends. */
static void strip_name(const struct xctx *X, size_t *s, size_t *e)
{
    const char *k = X->K->k.p;
    bool changed = true;
    size_t i, n;

    while (changed) {
        changed = false;
        while (*e > *s && is_trim_punct(k[*e - 1])) {
            (*e)--;
        }
        while (*e > *s && is_trim_punct(k[*s])) {
            (*s)++;
        }
        if (*e - *s > 2 && k[*e - 2] == '\'' && k[*e - 1] == 's') {
            *e -= 2; /* Hamza's */
            changed = true;
        }
        for (i = 0; i < X->S->ndrops; i++) {
            n = strlen(X->S->drops[i]);
            if (*e - *s > n + 1 && memcmp(k + *s, X->S->drops[i], n) == 0 && k[*s + n] == ' ') {
                *s += n + 1;
                changed = true;
            }
            if (*e - *s > n + 1 && memcmp(k + *e - n, X->S->drops[i], n) == 0 &&
                k[*e - n - 1] == ' ') {
                *e -= n + 1;
                changed = true;
            }
        }
    }
}

/* Trims white space and punctuation off the start of an original slice,
 * and for names punctuation and symbols off its end too. */
static struct str trim_orig(struct str o, bool name)
{
    ucs4_t c;
    const uint8_t *p;
    size_t back;

    while (o.len && is_trim_punct(o.p[0])) {
        o.p++;
        o.len--;
    }
    while (!name && o.len && is_space(o.p[o.len - 1])) {
        o.len--; /* free text keeps its last "?" or "." */
    }
    while (name && o.len) {
        p = u8_prev(&c, (const uint8_t *)o.p + o.len, (const uint8_t *)o.p);
        if (!p) {
            break;
        }
        back = (size_t)((const uint8_t *)o.p + o.len - p);
        if (c < 0x80 ? !is_trim_punct((char)c)
                     : (!name || uc_is_alnum(c) || uc_is_general_category(c, UC_CATEGORY_M))) {
            break;
        }
        o.len -= back;
    }
    return o;
}

/*
 * The text as written for key range [s, e), or the key text. Free text that
 * runs to the end of the key runs to the end of the message, so that its
 * last "?" or emoji stays.
 */
static json_t *as_written(const struct xctx *X, size_t s, size_t e, bool name)
{
    size_t os, oe;
    struct str o;

    if (key_to_orig(X->K, s, e, &os, &oe)) {
        if (!name && e == X->K->k.len) {
            oe = X->K->olen;
        }
        o = trim_orig(str_make(X->K->orig + os, oe - os), name);
    } else {
        o = trim_orig(key_slice(X, s, e), name);
    }
    return o.len ? json_stringn(o.p, o.len) : NULL;
}

static int put_slot(struct xctx *X, const char *name, json_t *v)
{
    if (!v) {
        return RB_EPARSE;
    }
    return json_object_set_new(X->slots, name, v) ? RB_ENOMEM : RB_OK;
}

static int conv_name(struct xctx *X, const char *slot, size_t s, size_t e)
{
    strip_name(X, &s, &e);
    if (e <= s) {
        return RB_EPARSE;
    }
    return put_slot(X, slot, as_written(X, s, e, true));
}

static int conv_lead(struct xctx *X, size_t s, size_t e)
{
    struct str c = key_slice(X, s, e);
    const char *v = syn_lookup(X->S, "lead", str_trim(c));
    size_t i, d0 = 0, d1 = 0, digits = 0;
    char phone[20];

    if (v) {
        return put_slot(X, "lead", json_string(v));
    }
    for (i = 0; i < c.len; i++) {
        if (c.p[i] >= '0' && c.p[i] <= '9') {
            if (!digits++) {
                d0 = i;
            }
            d1 = i + 1;
        }
    }
    if (!digits) {
        return conv_name(X, "lead", s, e);
    }
    if (digits >= 9) {
        if (d0 > 0 && c.p[d0 - 1] == '+') {
            d0--;
        }
        if (value_phone(str_make(c.p + d0, d1 - d0), X->S->country_code, phone) != RB_OK) {
            return RB_EPARSE;
        }
        return put_slot(X, "lead", json_string(phone));
    }
    for (i = d0; i < c.len && c.p[i] >= '0' && c.p[i] <= '9'; i++) {
    }
    while (d0 + 1 < i && c.p[d0] == '0') {
        d0++;
    }
    return put_slot(X, "lead", json_stringn(c.p + d0, i - d0));
}

/*
 * The capture without the English glue words the value parsers do not take
 * ("on the 25th of march at 5 in the evening" → "25th march 5 evening"),
 * with "tonight" read as "aaj raat" ("aaj" for a date alone) and "noon" as
 * "12 baje". Written to out.
 */
static struct str simplify(struct str c, bool date_only, struct buf *out)
{
    static const char *const glue[] = {"at", "on", "the", "of", "in", "for", "by", NULL};
    struct str cur = c, w;
    size_t i;
    bool skip;
    int rc = RB_OK;

    buf_reset(out);
    while (cur.len && !rc) {
        str_split(&cur, ' ', &w);
        skip = false;
        for (i = 0; glue[i]; i++) {
            skip = skip || str_eqs(w, glue[i]);
        }
        if (skip || !w.len) {
            continue;
        }
        if (out->len) {
            rc = buf_addc(out, ' ');
        }
        if (!rc) {
            if (str_eqs(w, "tonight")) {
                rc = buf_adds(out, date_only ? "aaj" : "aaj raat");
            } else if (str_eqs(w, "noon") || str_eqs(w, "midday")) {
                rc = date_only ? RB_OK : buf_adds(out, "12 baje");
            } else {
                rc = buf_add(out, w.p, w.len);
            }
        }
    }
    return rc ? c : str_make(out->p, out->len);
}

/* value_date, then again on the simplified capture. */
static int parse_date(struct xctx *X, struct str c, struct rb_date *from, struct rb_date *to,
                      bool *range)
{
    struct buf tmp;
    int rc;

    if (value_date(c, &X->nn, from, to, range) == RB_OK) {
        return RB_OK;
    }
    buf_init(&tmp, KEY_MAX);
    rc = value_date(simplify(c, true, &tmp), &X->nn, from, to, range);
    buf_release(&tmp);
    return rc;
}

static int parse_when(struct xctx *X, struct str c, struct rb_datetime *t)
{
    struct buf tmp;
    int rc;

    if (value_when(c, &X->nn, t) == RB_OK) {
        return RB_OK;
    }
    buf_init(&tmp, KEY_MAX);
    rc = value_when(simplify(c, false, &tmp), &X->nn, t);
    buf_release(&tmp);
    return rc;
}

static int put_date(struct xctx *X, const char *name, struct rb_date d)
{
    char out[11];

    date_format(d, out);
    return put_slot(X, name, json_string(out));
}

/*
 * A bare day of a range: "10" in "10 se 15 april tak" takes the month of
 * date_to; "15" in "april 10 to 15" takes the month of date (already set).
 */
static int conv_bare_day(struct xctx *X, const char *slot, struct str c)
{
    const struct slot_def *to_def = slot_def_find("date_to");
    struct rb_date from, to, d;
    const char *have;
    size_t s, e;
    int64_t day;
    bool range;

    if (str_to_i64(str_trim(c), 1, 31, &day) != RB_OK) {
        return RB_EPARSE;
    }
    if (strcmp(slot, "date") == 0) {
        if (!capture_of(X, to_def, &s, &e) ||
            parse_date(X, key_slice(X, s, e), &from, &to, &range) != RB_OK) {
            return RB_EPARSE;
        }
        d = from;
        d.d = (int)day;
        if (!date_valid(d) || date_cmp(d, from) > 0) {
            return RB_EPARSE;
        }
        return put_date(X, "date", d);
    }
    have = json_string_value(json_object_get(X->slots, "date"));
    if (!have || sscanf(have, "%d-%d-%d", &d.y, &d.m, &d.d) != 3) {
        return RB_EPARSE;
    }
    from = d;
    d.d = (int)day;
    if (!date_valid(d) || date_cmp(d, from) < 0) {
        return RB_EPARSE;
    }
    return put_date(X, "date_to", d);
}

/*
 * A month alone ("june mein koi date?") as a range of days: its whole month,
 * the next such month on or after today (the latest before, in the past).
 */
static int conv_month(struct xctx *X, const char *slot, struct str c)
{
    struct nlu_now past = X->nn;
    struct rb_date from = {0, 0, 1}, to;
    char period[16];
    int rc;

    past.past = true;
    if (strcmp(slot, "date") != 0 || !intent_has_slot(X->in, "date_to") ||
        value_period(c, &past, period) != RB_OK || strlen(period) != 7 || period[4] != '-' ||
        !is_digit(period[5])) {
        return RB_EPARSE;
    }
    from.y = atoi(period);
    from.m = atoi(period + 5);
    if (!X->nn.past &&
        (from.y < X->nn.now.date.y || (from.y == X->nn.now.date.y && from.m < X->nn.now.date.m))) {
        from.y++;
    }
    to = from;
    to.d = date_days_in_month(to.y, to.m);
    rc = put_date(X, "date", from);
    if (!rc) {
        rc = put_date(X, "date_to", to);
    }
    return rc;
}

static int conv_date(struct xctx *X, const char *slot, size_t s, size_t e)
{
    struct rb_date from, to;
    bool range;
    int rc;

    if (parse_date(X, key_slice(X, s, e), &from, &to, &range) != RB_OK) {
        if (conv_month(X, slot, key_slice(X, s, e)) == RB_OK) {
            return RB_OK;
        }
        return conv_bare_day(X, slot, key_slice(X, s, e));
    }
    if (strcmp(slot, "date_to") == 0) {
        return put_date(X, "date_to", range ? to : from);
    }
    rc = put_date(X, "date", from);
    if (!rc && range && intent_has_slot(X->in, "date_to") &&
        !json_object_get(X->slots, "date_to")) {
        rc = put_date(X, "date_to", to);
    }
    return rc;
}

/* A date and time; a date alone fills `date` when the intent takes one. */
static int conv_when(struct xctx *X, size_t s, size_t e)
{
    struct rb_datetime t;
    struct rb_date from, to;
    char out[17];
    bool range;

    if (parse_when(X, key_slice(X, s, e), &t) == RB_OK) {
        datetime_format(t, out);
        return put_slot(X, "when", json_string(out));
    }
    if (!intent_has_slot(X->in, "date")) {
        return RB_EPARSE;
    }
    /* no time in it after all ("friday evening"): the day, from its longest start that is one */
    while (e > s) {
        if (parse_date(X, key_slice(X, s, e), &from, &to, &range) == RB_OK) {
            return put_date(X, "date", from);
        }
        while (e > s && X->K->k.p[e - 1] != ' ') {
            e--;
        }
        while (e > s && X->K->k.p[e - 1] == ' ') {
            e--;
        }
    }
    return RB_EPARSE;
}

/* "q1 last year", "march pichle saal": that month or quarter of the calendar
 * year before now (as value_period reads it: asked in March 2026, "december
 * last year" is 2025-12, not the December before the latest one). For what
 * value_period does not take with its year. */
static int period_last_year(struct str c, const struct nlu_now *ctx, char out[16])
{
    static const char *const tails[] = {" last year", " pichle saal", " پچھلے سال", NULL};
    char tmp[16];
    size_t i, n;
    int y;

    for (i = 0; tails[i]; i++) {
        n = strlen(tails[i]);
        if (c.len > n && memcmp(c.p + c.len - n, tails[i], n) == 0 &&
            value_period(str_make(c.p, c.len - n), ctx, tmp) == RB_OK && is_digit(tmp[0]) &&
            strlen(tmp) >= 4) {
            y = ctx->now.date.y - 1;
            if (y < 1000 || y > 9999) {
                return RB_EPARSE;
            }
            /* "2025-12" → "2025-12", "2026-Q1" → "2025-Q1": only the year changes */
            memcpy(out, tmp, 16);
            out[0] = (char)('0' + y / 1000);
            out[1] = (char)('0' + y / 100 % 10);
            out[2] = (char)('0' + y / 10 % 10);
            out[3] = (char)('0' + y % 10);
            return RB_OK;
        }
    }
    return RB_EPARSE;
}

/* stage, enums and periods: synonyms first, then the value parsers. */
static int conv_word(struct xctx *X, const struct slot_def *def, size_t s, size_t e)
{
    struct str c = str_trim(key_slice(X, s, e));
    const char *v = syn_lookup(X->S, def->name, c);
    struct nlu_now past = X->nn;
    const char *canon = NULL;
    char period[16], *tmp;
    json_t *j;
    size_t i;

    if (!v && strcmp(def->name, "slot") == 0 && value_slot(c, &canon) == RB_OK) {
        v = canon;
    }
    if (!v && strcmp(def->name, "milestone") == 0 && value_milestone(c, &canon) == RB_OK) {
        v = canon;
    }
    if (!v && def->type == SLOT_PERIOD) {
        past.past = true;
        if (value_period(c, &past, period) == RB_OK ||
            period_last_year(c, &past, period) == RB_OK) {
            v = period;
        }
    }
    if (v) {
        return put_slot(X, def->name, json_string(v));
    }
    /* the canonical value itself ("mine", "conversion_rate", "site_visit") */
    tmp = str_dup(c);
    if (!tmp) {
        return RB_ENOMEM;
    }
    if (def->type == SLOT_STAGE) {
        for (i = 0; tmp[i]; i++) {
            if (tmp[i] == ' ') {
                tmp[i] = '_';
            } else if (tmp[i] >= 'a' && tmp[i] <= 'z') {
                tmp[i] = (char)(tmp[i] - 'a' + 'A');
            }
        }
    }
    j = json_string(tmp);
    free(tmp);
    if (j && slot_value_valid(def, j)) {
        return put_slot(X, def->name, j);
    }
    json_decref(j);
    return RB_EPARSE;
}

static int conv_hall(struct xctx *X, size_t s, size_t e)
{
    char tmp[256];
    size_t i, n = 0;

    for (i = s; i < e && n + 1 < sizeof tmp; i++) {
        if (!squeezed_out(X->K->k.p[i])) {
            tmp[n++] = X->K->k.p[i];
        }
    }
    tmp[n] = '\0';
    for (i = 0; i < X->S->nhalls; i++) {
        if (strcmp(X->S->halls[i].key, tmp) == 0) {
            return put_slot(X, "hall", json_string(X->S->halls[i].name));
        }
    }
    return conv_name(X, "hall", s, e);
}

static int conv_int(struct xctx *X, const struct slot_def *def, size_t s, size_t e)
{
    int64_t n = 0;
    int rc;

    struct str c = key_slice(X, s, e);
    size_t i;

    if (strcmp(def->name, "amount") == 0) {
        rc = value_amount(c, &n);
    } else {
        rc = value_guests(c, &n);
        /* "400 mehmanon", "۳۰۰ لوگوں": the count before a word the parser does not know */
        for (i = 0; rc && i < c.len && is_digit(c.p[i]); i++) {
        }
        if (rc && i > 0 && i < c.len && c.p[i] == ' ') {
            rc = str_to_i64(str_make(c.p, i), 1, 100000, &n);
        }
    }
    if (rc || n <= 0) {
        return RB_EPARSE;
    }
    return put_slot(X, def->name, json_integer(n));
}

static int conv_slot(struct xctx *X, const struct slot_def *def, size_t s, size_t e)
{
    char phone[20];

    switch (def->type) {
    case SLOT_LEAD:
        return conv_lead(X, s, e);
    case SLOT_DATE:
        return conv_date(X, def->name, s, e);
    case SLOT_WHEN:
        return conv_when(X, s, e);
    case SLOT_INT:
        return conv_int(X, def, s, e);
    case SLOT_PHONE:
        if (value_phone(key_slice(X, s, e), X->S->country_code, phone) != RB_OK) {
            return RB_EPARSE;
        }
        return put_slot(X, def->name, json_string(phone));
    case SLOT_TEXT:
        if (strcmp(def->name, "hall") == 0) {
            return conv_hall(X, s, e);
        }
        if (strcmp(def->name, "text") == 0) {
            return put_slot(X, "text", as_written(X, s, e, false));
        }
        return conv_name(X, def->name, s, e);
    case SLOT_STAGE:
    case SLOT_ENUM:
    case SLOT_PERIOD:
        return conv_word(X, def, s, e);
    }
    return RB_EPARSE;
}

/*
 * A text group that took part but is empty at the very end of the key
 * ("#90 👍": the key drops the emoji) stands for what the original has after
 * the key's last character. NULL when there is nothing there.
 */
static json_t *text_tail(const struct xctx *X, const struct slot_def *def)
{
    size_t i, os, oe, n = X->K->k.len;
    struct str o;
    int g;

    if (n == 0) {
        return NULL;
    }
    for (i = 0; i < X->P->nslots; i++) {
        if (X->P->slots[i].def != def) {
            continue;
        }
        for (g = 0; g < X->P->slots[i].ngroups; g++) {
            uint32_t k = X->P->slots[i].groups[g];

            if (X->ov[2 * k] == n && X->ov[2 * k + 1] == n &&
                key_to_orig(X->K, n - 1, n, &os, &oe)) {
                o = trim_orig(str_make(X->K->orig + oe, X->K->olen - oe), false);
                return o.len ? json_stringn(o.p, o.len) : NULL;
            }
        }
    }
    return NULL;
}

/*
 * A time and a day written apart ("paune 5 baje Sobia ko call karni hai
 * aaj"): when the `when` capture is a time alone and a `date` was found
 * elsewhere, `when` is that day at that time.
 */
static int join_time_and_day(struct xctx *X)
{
    const struct slot_def *def = slot_def_find("when");
    const char *day = json_string_value(json_object_get(X->slots, "date"));
    struct rb_datetime t;
    size_t s, e;
    char out[17];
    int hour, min;

    if (!def || !day || !json_object_get(X->slots, "when") || !capture_of(X, def, &s, &e) ||
        value_time(key_slice(X, s, e), &hour, &min) != RB_OK ||
        sscanf(day, "%d-%d-%d", &t.date.y, &t.date.m, &t.date.d) != 3) {
        return RB_OK;
    }
    t.hour = hour;
    t.min = min;
    datetime_format(t, out);
    return put_slot(X, "when", json_string(out));
}

/* All slots of the match, in the intent's order, then the `set:` ones. */
static int extract(struct xctx *X)
{
    const struct slot_def *def;
    const char *k;
    json_t *v;
    size_t i, s, e;
    int rc = RB_OK;

    for (i = 0; i < X->in->nslots && !rc; i++) {
        def = slot_def_find(X->in->slots[i]);
        if (def && capture_of(X, def, &s, &e)) {
            rc = conv_slot(X, def, s, e);
        } else if (def && def->type == SLOT_TEXT && strcmp(def->name, "text") == 0) {
            v = text_tail(X, def);
            rc = v ? put_slot(X, "text", v) : RB_OK;
        }
    }
    json_object_foreach (X->P->sets, k, v) {
        if (!rc && !json_object_get(X->slots, k)) {
            rc = json_object_set(X->slots, k, v) ? RB_ENOMEM : RB_OK;
        }
    }
    if (!rc) {
        rc = join_time_and_day(X);
    }
    /* a day and time (when) says all a day alone (date) would */
    if (!rc && json_object_get(X->slots, "when")) {
        json_object_del(X->slots, "date");
    }
    return rc;
}

/* ---- matching: choosing the pattern ---- */

struct cand {
    size_t pat;
    int priority;
    int nslots;
    size_t mlen;
};

/* Higher priority, more slots, longer match, earlier pattern. */
static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    if (x->nslots != y->nslots) {
        return x->nslots > y->nslots ? -1 : 1;
    }
    if (x->mlen != y->mlen) {
        return x->mlen > y->mlen ? -1 : 1;
    }
    return x->pat < y->pat ? -1 : (x->pat > y->pat);
}

static int count_slots(const struct pattern *P, const PCRE2_SIZE *ov)
{
    int n = (int)json_object_size(P->sets), g;
    size_t i;

    for (i = 0; i < P->nslots; i++) {
        for (g = 0; g < P->slots[i].ngroups; g++) {
            uint32_t k = P->slots[i].groups[g];

            if (ov[2 * k] != PCRE2_UNSET && ov[2 * k + 1] > ov[2 * k]) {
                n++;
                break;
            }
        }
    }
    return n;
}

/*
 * The code to match P with. JIT-compiled machine code is several times
 * faster than PCRE2's interpreter but costs memory (tens of kilobytes a
 * pattern, megabytes for the set), so a pattern gets it on its JIT_AFTER-th
 * use once the set is loaded (the examples checked while loading do not
 * count, and a one-shot `rabta parse` never pays for it): memory goes to
 * the patterns in use. The JIT copy is made from a copy of the compiled
 * pattern and published with one atomic compare-and-swap, so threads
 * matching the original meanwhile never see it change; a thread that loses
 * the race frees its copy. The set stays read-only otherwise.
 */
#define JIT_AFTER 2

static const pcre2_code *pat_code(const struct intents *S, const struct pattern *P)
{
    struct pattern *M = (struct pattern *)P; /* only jit and tries change */
    pcre2_code *jit = __atomic_load_n(&M->jit, __ATOMIC_ACQUIRE), *none = NULL;

    if (jit) {
        return jit;
    }
    if (!S->armed || __atomic_add_fetch(&M->tries, 1, __ATOMIC_RELAXED) < JIT_AFTER) {
        return P->re;
    }
    jit = pcre2_code_copy(P->re);
    if (!jit || pcre2_jit_compile(jit, PCRE2_JIT_COMPLETE) != 0) {
        pcre2_code_free(jit); /* no memory, or no JIT here: interpret */
        return P->re;
    }
    if (!__atomic_compare_exchange_n(&M->jit, &none, jit, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        pcre2_code_free(jit);
        return none; /* another thread's copy */
    }
    return jit;
}

/* Runs the patterns S->order[from..to) over the key (those of intents whose
 * trigger words are in mask, or that have none); fills cands, *n of them. */
static void collect(const struct intents *S, const struct key *K, pcre2_match_data *md,
                    uint64_t mask, size_t from, size_t to, struct cand *cands, size_t *n)
{
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    uint64_t bit;
    size_t i, p;
    int rc;

    *n = 0;
    for (i = from; i < to; i++) {
        p = S->order[i];
        bit = S->intents[S->pats[p].intent].bit;
        if (S->pats[p].question) {
            if (!K->question) {
                continue; /* a pattern for questions: the message does not end with "?" */
            }
        } else if (bit && !(mask & bit)) {
            continue; /* none of the intent's trigger words: its patterns cannot fit */
        }
        rc = pcre2_match(pat_code(S, &S->pats[p]), (PCRE2_SPTR)K->k.p, K->k.len, 0, PCRE2_NO_UTF_CHECK, md,
                         S->mctx);
        if (rc < 0) {
            continue; /* no match, or the match limit: this pattern does not apply */
        }
        cands[*n].pat = p;
        cands[*n].priority = S->pats[p].priority;
        cands[*n].nslots = count_slots(&S->pats[p], ov);
        cands[*n].mlen = ov[1] - ov[0];
        (*n)++;
    }
}

/* The key without trailing punctuation: what coverage is measured on. */
static size_t key_content_len(const struct key *K)
{
    size_t n = K->k.len;

    while (n && is_trim_punct(K->k.p[n - 1])) {
        n--;
    }
    return n ? n : K->k.len;
}

static double confidence_of(const struct pattern *P, const struct cand *c, const struct key *K)
{
    double cov;

    if (P->confidence >= 0.0) {
        return P->confidence;
    }
    cov = (double)c->mlen / (double)(key_content_len(K) ? key_content_len(K) : 1);
    if (cov > 1.0) {
        cov = 1.0;
    }
    return 0.5 + 0.45 * cov;
}

/* Tries the candidates best first; the first whose slots all parse wins. */
static int choose(const struct intents *S, const struct key *K, struct rb_datetime now,
                  pcre2_match_data *md, struct cand *cands, size_t n, size_t *win, json_t **slots)
{
    struct xctx X;
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        memset(&X, 0, sizeof X);
        X.S = S;
        X.K = K;
        X.P = &S->pats[cands[i].pat];
        X.in = &S->intents[X.P->intent];
        X.nn.now = now;
        X.nn.country_code = S->country_code;
        X.nn.past = X.in->past;
        rc = pcre2_match(pat_code(S, X.P), (PCRE2_SPTR)K->k.p, K->k.len, 0, PCRE2_NO_UTF_CHECK, md, S->mctx);
        if (rc < 0) {
            continue;
        }
        X.ov = pcre2_get_ovector_pointer(md);
        X.slots = json_object();
        if (!X.slots) {
            return RB_ENOMEM;
        }
        rc = extract(&X);
        if (rc == RB_OK) {
            *win = i;
            *slots = X.slots;
            return RB_OK;
        }
        json_decref(X.slots);
        if (rc != RB_EPARSE) {
            return rc;
        }
    }
    return RB_ENOTFOUND;
}

/* Fills out from the winner cands[w], or "unknown" when w == n. */
static int fill_result(const struct intents *S, const struct key *K, const struct cand *cands,
                       size_t n, size_t w, json_t *slots, struct parse_result *out)
{
    const struct pattern *P;
    const char *name = "unknown";
    double conf = 0.0;
    size_t i;

    if (w < n) {
        P = &S->pats[cands[w].pat];
        name = S->intents[P->intent].name;
        conf = confidence_of(P, &cands[w], K);
        for (i = w + 1; i < n; i++) {
            const struct pattern *Q = &S->pats[cands[i].pat];

            if (Q->intent != P->intent && cands[i].priority == cands[w].priority &&
                cands[i].nslots == cands[w].nslots) {
                conf -= 0.1; /* another intent fits as well: less sure */
                break;
            }
        }
        if (strcmp(name, "unknown") == 0) {
            json_object_clear(slots);
        }
    }
    out->intent = rb_strdup(name);
    out->slots = slots ? slots : json_object();
    out->engine = "rules";
    out->confidence = conf < 0.0 ? 0.0 : conf;
    if (!out->intent || !out->slots) {
        return RB_ENOMEM;
    }
    return RB_OK;
}

/* ---- matching: the model's answer ---- */

/* The model's answer is taken from this probability up; below, "unknown". */
#define MODEL_MIN 0.5
/* ... and over a pattern's (one without a `confidence:` of its own) from this. */
#define MODEL_OVERRIDE 0.9
/* A message that is an example word for word has the example's intent, this sure. */
#define MODEL_TAUGHT 0.95
/* When the pattern wins over a model that disagrees, it is at most this sure. */
#define MODEL_DOUBT 0.7

/*
 * The slots of intent i read by its slot finders (compile_finders), each
 * anywhere in the message, in find_order: what one finder took is blanked
 * for the next, so that the phone is not read again as a lead number. A
 * finder whose first hit does not convert (a "lead" that is a stage word)
 * tries its next hit.
 */
static int find_slots(const struct intents *S, const struct key *K, size_t i,
                      struct rb_datetime now, pcre2_match_data *md, json_t **out)
{
    const struct intent *in = &S->intents[i];
    struct key M = *K;
    struct xctx X;
    const PCRE2_SIZE *ov;
    size_t f, start, s, e;
    char *masked;
    int rc = RB_OK, m;

    *out = json_object();
    masked = malloc(K->k.len + 1);
    if (!*out || !masked) {
        free(masked);
        return RB_ENOMEM;
    }
    memcpy(masked, K->k.p, K->k.len + 1);
    M.k.p = masked;
    for (f = in->find_from; f < in->find_to && !rc; f++) {
        const struct pattern *P = &S->pats[f];

        if (!P->nslots || json_object_get(*out, P->slots[0].def->name)) {
            continue; /* nothing to find, or found by the finder before */
        }
        for (start = 0; start <= M.k.len && !rc;) {
            m = pcre2_match(pat_code(S, P), (PCRE2_SPTR)M.k.p, M.k.len, start, PCRE2_NO_UTF_CHECK,
                            md, S->mctx);
            if (m < 0) {
                break;
            }
            ov = pcre2_get_ovector_pointer(md);
            memset(&X, 0, sizeof X);
            X.S = S;
            X.K = &M;
            X.P = P;
            X.in = in;
            X.ov = ov;
            X.nn.now = now;
            X.nn.country_code = S->country_code;
            X.nn.past = in->past;
            X.slots = *out;
            if (capture_of(&X, P->slots[0].def, &s, &e) && e > s) {
                rc = conv_slot(&X, P->slots[0].def, s, e);
                if (rc == RB_OK) {
                    memset(masked + ov[0], 0x1f, ov[1] - ov[0]);
                    break;
                }
                rc = rc == RB_EPARSE ? RB_OK : rc;
            }
            /* the next hit: from the next code point after this one's start */
            start = ov[0] + 1;
            while (start < M.k.len && ((unsigned char)M.k.p[start] & 0xC0) == 0x80) {
                start++;
            }
            if (start > M.k.len) {
                break;
            }
        }
    }
    free(masked);
    if (!rc && json_object_get(*out, "when")) {
        json_object_del(*out, "date");
    }
    return rc;
}

/*
 * The model's say on the pattern layer's answer r (matched: a pattern of a
 * command or of chit-chat won; fixed: with a `confidence:` of its own). A
 * pattern that matched wins, as the precise layer, with two exceptions:
 * when the model agrees, the answer is as sure as the surer of the two;
 * when the model disagrees, the answer is at most MODEL_DOUBT sure (Gemini
 * is asked when there is one), and when the model is MODEL_OVERRIDE sure of
 * another intent and the pattern gave no confidence of its own, the model's
 * answer wins. When no pattern matched, the model's intent is the answer when
 * it is at least MODEL_MIN sure, with its slots read by the slot finders;
 * otherwise "unknown", as sure as the model is that it is chit-chat.
 * *used says whether the model decided.
 */
static int apply_model(const struct intents *S, const struct key *K, struct rb_datetime now,
                       pcre2_match_data *md, bool matched, bool fixed, struct parse_result *r,
                       double *prob, bool *used)
{
    float p[64];
    json_t *slots = NULL;
    char *name, *text;
    int top, rc, taught;

    *used = false;
    *prob = 0.0;
    if (!S->model || !K->k.len) {
        return RB_OK;
    }
    text = model_text(K);
    if (!text) {
        return RB_ENOMEM;
    }
    top = classifier_predict(S->model, text, strlen(text), p);
    taught = memo_find(S, text);
    free(text);
    if (taught >= 0) {
        /* an example word for word: its intent, as sure as a pattern can be */
        if (matched && strcmp(S->intents[taught].name, r->intent) == 0) {
            r->confidence = r->confidence > MODEL_TAUGHT ? r->confidence : MODEL_TAUGHT;
            return RB_OK;
        }
        top = taught;
        p[top] = MODEL_TAUGHT;
        matched = false;
    }
    *prob = p[top];
    if (matched && strcmp(S->intents[top].name, r->intent) == 0) {
        r->confidence = p[top] > r->confidence ? p[top] : r->confidence;
        return RB_OK;
    }
    if (matched && (fixed || p[top] < MODEL_OVERRIDE)) {
        /* the two layers disagree: the pattern's answer, but not a sure one */
        r->confidence = r->confidence > MODEL_DOUBT ? MODEL_DOUBT : r->confidence;
        return RB_OK;
    }
    if (matched && strcmp(S->intents[top].name, "unknown") == 0) {
        free(r->intent);
        r->intent = rb_strdup("unknown");
        json_object_clear(r->slots);
        r->confidence = p[top];
        *used = true;
        return r->intent ? RB_OK : RB_ENOMEM;
    }
    if (strcmp(S->intents[top].name, "unknown") == 0 || p[top] < MODEL_MIN) {
        r->confidence = strcmp(S->intents[top].name, "unknown") == 0 ? p[top] : 0.0;
        if (strcmp(r->intent, "unknown") != 0) { /* taught as chit-chat */
            free(r->intent);
            r->intent = rb_strdup("unknown");
            json_object_clear(r->slots);
            *used = true;
        }
        return r->intent ? RB_OK : RB_ENOMEM;
    }
    rc = find_slots(S, K, (size_t)top, now, md, &slots);
    name = rc ? NULL : rb_strdup(S->intents[top].name);
    if (!name) {
        json_decref(slots);
        return rc ? rc : RB_ENOMEM;
    }
    free(r->intent);
    json_decref(r->slots);
    r->intent = name;
    r->slots = slots;
    r->confidence = p[top];
    *used = true;
    return RB_OK;
}

static int match_impl(const struct intents *S, const char *text, size_t len, struct rb_datetime now,
                      struct parse_result *out, struct buf *why)
{
    struct parse_result r;
    struct key K;
    pcre2_match_data *md = NULL;
    struct cand *cands = NULL;
    json_t *slots = NULL;
    size_t n = 0, w = 0, from, to;
    uint64_t mask;
    double prob = 0.0;
    bool model = false;
    int rc;

    parse_result_init(&r);
    key_init(&K);
    if (len > MSG_MAX) {
        rc = RB_ETOOBIG;
        goto out;
    }
    if (!text_utf8_valid(text, len)) {
        rc = RB_EPARSE;
        goto out;
    }
    rc = key_build(&K, text, len);
    if (!rc) {
        rc = key_fuzzy(S, &K);
    }
    if (rc) {
        goto out;
    }
    md = pcre2_match_data_create(S->max_pairs ? S->max_pairs : 1, NULL);
    cands = malloc((S->npats ? S->npats : 1) * sizeof *cands);
    if (!md || !cands) {
        rc = RB_ENOMEM;
        goto out;
    }
    /* One priority at a time, highest first: a winner at one priority beats
     * anything below it, so the (costlier, word-order-free) patterns of lower
     * priorities run only when nothing above fits. */
    mask = trigger_mask(S, &K);
    rc = RB_ENOTFOUND;
    for (from = 0; from < S->nmain && rc == RB_ENOTFOUND; from = to) {
        for (to = from + 1;
             to < S->nmain && S->pats[S->order[to]].priority == S->pats[S->order[from]].priority;
             to++) {
        }
        collect(S, &K, md, mask, from, to, cands, &n);
        qsort(cands, n, sizeof *cands, cand_cmp);
        rc = choose(S, &K, now, md, cands, n, &w, &slots);
    }
    if (rc == RB_ENOTFOUND) {
        n = 0;
        w = 0;
        rc = RB_OK;
    }
    if (rc) {
        goto out;
    }
    rc = fill_result(S, &K, cands, n, w, slots, &r);
    slots = NULL; /* taken by r */
    if (!rc) {
        rc = apply_model(S, &K, now, md, w < n, w < n && S->pats[cands[w].pat].confidence >= 0.0,
                         &r, &prob, &model);
    }
    if (rc) {
        goto out;
    }
    r.lang = text_lang(text, len);
    if (why && model) {
        rc = buf_addf(why, "the model, %.2f sure", prob);
    } else if (why && w < n) {
        rc = buf_addf(why, "%s:%d", S->pats[cands[w].pat].file, S->pats[cands[w].pat].line);
    } else if (why) {
        rc = buf_adds(why, "no pattern matched");
    }
    if (rc) {
        goto out;
    }
    parse_result_release(out);
    *out = r;
    parse_result_init(&r);
out:
    parse_result_release(&r);
    json_decref(slots);
    free(cands);
    pcre2_match_data_free(md);
    key_release(&K);
    return rc;
}

int intents_match(const struct intents *S, const char *text, size_t len, struct rb_datetime now,
                  struct parse_result *out)
{
    return match_impl(S, text, len, now, out, NULL);
}

int intents_match_explain(const struct intents *S, const char *text, size_t len,
                          struct rb_datetime now, struct parse_result *out, struct buf *why)
{
    return match_impl(S, text, len, now, out, why);
}

/* ---- rabta check ---- */

static int check_example(const struct intents *S, const struct intent *in,
                         const struct intent_example *ex, struct loader *L)
{
    struct parse_result r;
    struct rb_datetime now;
    json_t *want = NULL;
    char *got = NULL;
    int rc;

    parse_result_init(&r);
    if (datetime_parse(ex->now, &now) != RB_OK) {
        lerr(L, ex->file, ex->line, "bad now \"%s\"", ex->now);
        return RB_OK;
    }
    rc = intents_match(S, ex->text, strlen(ex->text), now, &r);
    if (rc) {
        lerr(L, ex->file, ex->line, "example cannot be parsed: %s", rb_strerror(rc));
        rc = rc == RB_ENOMEM ? rc : RB_OK;
        goto out;
    }
    want = json_loads(ex->expect, 0, NULL);
    if (strcmp(r.intent, in->name) != 0 || !json_equal(want, r.slots)) {
        got = json_dumps(r.slots, JSON_COMPACT);
        lerr(L, ex->file, ex->line, "example \"%s\": expected %s %s, got %s %s", ex->text, in->name,
             ex->expect, r.intent, got ? got : "?");
    }
out:
    free(got);
    json_decref(want);
    parse_result_release(&r);
    return rc;
}

int intents_check(const char *dir, const struct nlu_env *env, struct buf *err)
{
    struct intents *S = NULL;
    struct loader L;
    size_t i, j;
    int rc;

    memset(&L, 0, sizeof L);
    L.err = err;
    rc = intents_load(dir, env, &S, err);
    if (rc) {
        return rc == RB_ENOMEM ? rc : RB_EPARSE;
    }
    for (i = 0; i < S->nintents && !rc; i++) {
        for (j = 0; j < S->intents[i].nexamples && !rc; j++) {
            rc = check_example(S, &S->intents[i], &S->intents[i].examples[j], &L);
        }
    }
    intents_free(S);
    if (!rc && L.nerr) {
        rc = RB_EPARSE;
    }
    return rc;
}
