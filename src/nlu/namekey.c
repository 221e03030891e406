/*
 * namekey.c - the comparison key of a name across Urdu script and Roman
 * spelling (namekey.h). The name is first normalized like any staff text
 * (nlu/text.h: case, Urdu letter variants, marks), then read one code point
 * at a time.
 */
#include "nlu/namekey.h"

#include <string.h>
#include <unistr.h>

#include "nlu/text.h"

/* What one letter is in a name. */
enum kind {
    K_SEP,  /* not a letter: ends a word */
    K_CONS, /* a consonant: its Latin letters */
    K_VOW,  /* a vowel of class cls (A, I, U; 0: none, e.g. ع ء) */
    K_W,    /* و / w / v: w at a word's start, else the vowel U */
    K_Y,    /* ی / y: y at a word's start, else the vowel I */
    K_HEH,  /* ہ: a vowel (A) at a word's end, else h */
    K_H,    /* Roman h: dropped at a word's end after a vowel, else h */
};

struct letter {
    enum kind kind;
    const char *cons;
    char cls;
};

static const struct {
    ucs4_t c;
    struct letter l;
} urdu[] = {
    {0x0621, {K_VOW, NULL, 0}},   /* ء */
    {0x0622, {K_VOW, NULL, 'A'}}, /* آ */
    {0x0627, {K_VOW, NULL, 'A'}}, /* ا */
    {0x0628, {K_CONS, "b", 0}},   /* ب */
    {0x067E, {K_CONS, "p", 0}},   /* پ */
    {0x062A, {K_CONS, "t", 0}},   /* ت */
    {0x0679, {K_CONS, "t", 0}},   /* ٹ */
    {0x062B, {K_CONS, "s", 0}},   /* ث */
    {0x062C, {K_CONS, "j", 0}},   /* ج */
    {0x0686, {K_CONS, "ch", 0}},  /* چ */
    {0x062D, {K_CONS, "h", 0}},   /* ح */
    {0x062E, {K_CONS, "kh", 0}},  /* خ */
    {0x062F, {K_CONS, "d", 0}},   /* د */
    {0x0688, {K_CONS, "d", 0}},   /* ڈ */
    {0x0630, {K_CONS, "z", 0}},   /* ذ */
    {0x0631, {K_CONS, "r", 0}},   /* ر */
    {0x0691, {K_CONS, "r", 0}},   /* ڑ */
    {0x0632, {K_CONS, "z", 0}},   /* ز */
    {0x0698, {K_CONS, "z", 0}},   /* ژ */
    {0x0633, {K_CONS, "s", 0}},   /* س */
    {0x0634, {K_CONS, "sh", 0}},  /* ش */
    {0x0635, {K_CONS, "s", 0}},   /* ص */
    {0x0636, {K_CONS, "z", 0}},   /* ض */
    {0x0637, {K_CONS, "t", 0}},   /* ط */
    {0x0638, {K_CONS, "z", 0}},   /* ظ */
    {0x0639, {K_VOW, NULL, 'A'}}, /* ع */
    {0x063A, {K_CONS, "gh", 0}},  /* غ */
    {0x0641, {K_CONS, "f", 0}},   /* ف */
    {0x0642, {K_CONS, "k", 0}},   /* ق */
    {0x06A9, {K_CONS, "k", 0}},   /* ک */
    {0x06AF, {K_CONS, "g", 0}},   /* گ */
    {0x0644, {K_CONS, "l", 0}},   /* ل */
    {0x0645, {K_CONS, "m", 0}},   /* م */
    {0x0646, {K_CONS, "n", 0}},   /* ن */
    {0x06BA, {K_CONS, "n", 0}},   /* ں */
    {0x0648, {K_W, NULL, 'U'}},   /* و */
    {0x06C1, {K_HEH, NULL, 'A'}}, /* ہ (and ھ ه, folded to it) */
    {0x06C3, {K_VOW, NULL, 'A'}}, /* ۃ (and ة) */
    {0x06CC, {K_Y, NULL, 'I'}},   /* ی (and ي ى ئ) */
    {0x06D2, {K_VOW, NULL, 'I'}}, /* ے */
};

/* The Roman letters: a-z after case folding. */
static struct letter roman(ucs4_t c)
{
    static const char *const cons[26] = {['b' - 'a'] = "b",  ['c' - 'a'] = "k", ['d' - 'a'] = "d",
                                         ['f' - 'a'] = "f",  ['g' - 'a'] = "g", ['j' - 'a'] = "j",
                                         ['k' - 'a'] = "k",  ['l' - 'a'] = "l", ['m' - 'a'] = "m",
                                         ['n' - 'a'] = "n",  ['p' - 'a'] = "p", ['q' - 'a'] = "k",
                                         ['r' - 'a'] = "r",  ['s' - 'a'] = "s", ['t' - 'a'] = "t",
                                         ['x' - 'a'] = "ks", ['z' - 'a'] = "z"};
    struct letter l = {K_CONS, NULL, 0};

    switch (c) {
    case 'a':
        return (struct letter){K_VOW, NULL, 'A'};
    case 'e':
    case 'i':
        return (struct letter){K_VOW, NULL, 'I'};
    case 'o':
    case 'u':
        return (struct letter){K_VOW, NULL, 'U'};
    case 'w':
    case 'v':
        return (struct letter){K_W, NULL, 'U'};
    case 'y':
        return (struct letter){K_Y, NULL, 'I'};
    case 'h':
        return (struct letter){K_H, NULL, 0};
    default:
        l.cons = cons[c - 'a'];
        return l;
    }
}

/* What c is; *other is set (and K_CONS returned) for a letter of another
 * alphabet, kept as it is. */
static struct letter letter_of(ucs4_t c, bool *other)
{
    *other = false;
    if (c >= 'a' && c <= 'z') {
        return roman(c);
    }
    for (size_t i = 0; i < sizeof(urdu) / sizeof(urdu[0]); i++) {
        if (urdu[i].c == c) {
            return urdu[i].l;
        }
    }
    if (c < 0x80 || (c >= 0x0600 && c <= 0x06FF) || c == 0x2019 || c == '\'') {
        return (struct letter){K_SEP, NULL, 0}; /* digits, punctuation, marks */
    }
    *other = true;
    return (struct letter){K_CONS, NULL, 0};
}

struct word {
    struct buf *out;
    size_t base;  /* out->len before the first word */
    size_t start; /* out->len when the word began */
    char last[8]; /* the last consonant written ("" after a separator) */
    char vowel;   /* the class of a vowel after the last consonant, or 0 */
    bool any;     /* a sound was read in this word */
    int rc;
};

static void cons(struct word *w, const char *s, size_t n)
{
    if (w->rc) {
        return;
    }
    w->vowel = 0;
    w->any = true;
    /* a doubled consonant is one: "hassan", "muhammad"; across a vowel too
     * ("bilal" and بلال both read b-l-l), and "sh" + "h" ("shahid", شاہد) */
    if (w->out->len > w->start && n == 1 && w->out->p[w->out->len - 1] == s[0]) {
        return;
    }
    if (n < sizeof(w->last) && strlen(w->last) == n && memcmp(w->last, s, n) == 0) {
        return;
    }
    if (w->out->len == w->start && w->start > w->base) {
        w->rc = buf_addc(w->out, ' ');
        w->start = w->out->len;
    }
    w->rc = w->rc ? w->rc : buf_add(w->out, s, n);
    if (n < sizeof(w->last)) {
        memcpy(w->last, s, n);
        w->last[n] = '\0';
    }
}

static void vowel(struct word *w, char cls)
{
    w->any = true;
    if (cls) {
        w->vowel = cls;
    }
}

/* Ends a word: a final vowel keeps its class. */
static void word_end(struct word *w)
{
    if (!w->rc && w->vowel && w->out->len > w->start) {
        w->rc = buf_addc(w->out, w->vowel);
    }
    w->start = w->out->len;
    w->last[0] = '\0';
    w->vowel = 0;
    w->any = false;
}

int name_key(const char *name, struct buf *out)
{
    struct buf norm;
    size_t base = out->len;
    struct word w = {out, base, base, "", 0, false, RB_OK};
    const uint8_t *s, *end;
    int rc;

    buf_init(&norm, 4096);
    rc = text_normalize(name, strlen(name), &norm);
    if (rc) {
        buf_release(&norm);
        return rc;
    }
    s = (const uint8_t *)norm.p;
    end = s + norm.len;
    while (s < end && !w.rc) {
        ucs4_t c, next = 0;
        int n = u8_mbtouc(&c, s, (size_t)(end - s));
        bool other, other_next = false, at_end;
        struct letter l = letter_of(c, &other), ln = {K_SEP, NULL, 0};

        if (s + n < end) {
            u8_mbtouc(&next, s + n, (size_t)(end - s - n));
            ln = letter_of(next, &other_next);
        }
        at_end = ln.kind == K_SEP;
        switch (l.kind) {
        case K_SEP:
            word_end(&w);
            break;
        case K_CONS:
            if (other) {
                cons(&w, (const char *)s, (size_t)n);
            } else {
                cons(&w, l.cons, strlen(l.cons));
            }
            break;
        case K_VOW:
            vowel(&w, l.cls);
            break;
        case K_W:
            if (!w.any) {
                cons(&w, "w", 1);
            } else {
                vowel(&w, l.cls);
            }
            break;
        case K_Y:
            if (!w.any) {
                cons(&w, "y", 1);
            } else {
                vowel(&w, l.cls);
            }
            break;
        case K_HEH:
            if (at_end && w.any) {
                vowel(&w, l.cls);
            } else {
                cons(&w, "h", 1);
            }
            break;
        case K_H:
            if (!(at_end && w.vowel)) {
                cons(&w, "h", 1);
            }
            break;
        }
        s += n;
    }
    if (!w.rc) {
        word_end(&w);
    }
    buf_release(&norm);
    if (w.rc) {
        buf_truncate(out, base);
    }
    return w.rc;
}

bool name_key_match(const char *query, const char *name)
{
    struct buf q, k;
    bool hit = false;

    buf_init(&q, 1024);
    buf_init(&k, 1024);
    if (name_key(query, &q) == RB_OK && name_key(name, &k) == RB_OK && q.len > 0 &&
        k.len >= q.len && memcmp(q.p, k.p, q.len) == 0) {
        hit = k.len == q.len || k.p[q.len] == ' ';
    }
    buf_release(&q);
    buf_release(&k);
    return hit;
}
