/*
 * intents_key.c - the matching key of a message (normalized text with a map
 * back to the original), typo and shorthand reading of command words, the
 * word sets, and small helpers of the rule engine (see intents.h).
 */
#include "nlu/intents_impl.h"

/* ---- small helpers ---- */

/* Makes room for one more element in *arr (n used, *cap allocated). */
int ix_grow(void *arr, size_t *cap, size_t n, size_t size)
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
void ix_lerr(struct loader *L, const char *file, int line, const char *fmt, ...)
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

char *ix_dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

bool ix_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct str ix_trim(struct str s)
{
    while (s.len && ix_is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && ix_is_space(s.p[s.len - 1])) {
        s.len--;
    }
    return s;
}

bool ix_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Bytes a lookup key leaves out: spaces and word-separating punctuation. */
bool ix_squeezed_out(char c)
{
    return c == ' ' || (c != '\0' && strchr("?!,;:.\"()[]{}*~`<>|=", c) != NULL);
}

/* Normalizes s and removes spaces and punctuation: the lookup key of a
 * synonym or a hall. */
char *ix_squeeze_key(const char *s, size_t n)
{
    struct buf b;
    char *out = NULL;
    size_t i, j;

    buf_init(&b, KEY_MAX);
    if (text_normalize(s, n, &b) == RB_OK) {
        for (i = 0, j = 0; i < b.len; i++) {
            if (!ix_squeezed_out(b.p[i])) {
                b.p[j++] = b.p[i];
            }
        }
        out = ix_dupn(b.p, j);
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

void ix_wordset_release(struct wordset *w)
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
int ix_wordset_add(struct wordset *w, const char *p, size_t n, uint64_t mask)
{
    size_t i;

    if ((w->n + 1) * 2 > w->cap && wordset_grow(w)) {
        return RB_ENOMEM;
    }
    i = wordset_slot(w, p, n);
    if (!w->keys[i]) {
        w->keys[i] = ix_dupn(p, n);
        if (!w->keys[i]) {
            return RB_ENOMEM;
        }
        w->n++;
    }
    w->masks[i] |= mask;
    return RB_OK;
}

/* The mask of phrase p[0..n), 0 when it is not in the set. */
uint64_t ix_wordset_get(const struct wordset *w, const char *p, size_t n)
{
    size_t i;

    if (!w->cap) {
        return 0;
    }
    i = wordset_slot(w, p, n);
    return w->keys[i] ? w->masks[i] : 0;
}

static bool cp_dropped(ucs4_t c)
{
    return c == 0x200D || c == 0xFE0E || c == 0xFE0F || c == 0x20E3 ||
           uc_is_property_emoji_modifier(c) || (c >= 0xE0020 && c <= 0xE007F);
}

static bool cp_blank(ucs4_t c)
{
    return uc_is_property_extended_pictographic(c) || (c >= 0x1F1E6 && c <= 0x1F1FF);
}

bool ix_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* What the key makes of the ASCII byte s[r] of the normalized text. */
static enum key_class punct_class(const char *s, size_t n, size_t r)
{
    char c = s[r], prev = r > 0 ? s[r - 1] : ' ', next = r + 1 < n ? s[r + 1] : ' ';
    bool between = ix_is_digit(prev) && ix_is_digit(next);

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

void ix_key_init(struct key *K)
{
    memset(K, 0, sizeof *K);
    buf_init(&K->k, KEY_MAX);
    buf_init(&K->norm, KEY_MAX);
    buf_init(&K->map, (size_t)KEY_MAX * sizeof(struct text_span));
}

void ix_key_release(struct key *K)
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

int ix_key_build(struct key *K, const char *orig, size_t olen)
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

    if (ix_wordset_get(&S->stopwords, w, n) || ix_wordset_get(&S->triggers, w, n)) {
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
int ix_key_fuzzy(const struct intents *S, struct key *K)
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
bool ix_key_to_orig(const struct key *K, size_t ks, size_t ke, size_t *os, size_t *oe)
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
