/*
 * values.c - what people write, read into the canonical slot forms: the
 * tokens every parser reads, phones, slots, milestones and report periods
 * (dates and times: values_date.c; amounts and counts: values_amount.c).
 *
 * Each parser cuts its slice into at most MAX_TOKS tokens that borrow from
 * it (nothing is allocated) and reads a small grammar over them. The words
 * come from intents/values.words (vocab.h), folded as a key is (text.h:
 * ھ → ہ, ئ → ی), which is what a normalized slice holds.
 */
#include "nlu/values.h"

#include <stdio.h>
#include <string.h>

#include "nlu/values_impl.h"

/* ---- tokens ---- */

bool vt_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_word_byte(char c)
{
    unsigned char u = (unsigned char)c;
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

static bool is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_num_sep(char c)
{
    return c == ',' || c == '.' || c == '/' || c == ':' || c == '-';
}

static bool is_trailing_punct(const struct tok *t)
{
    return t->kind == TOK_PUNCT && t->s.len == 1 && strchr(".?!,;", t->s.p[0]) != NULL;
}

/* The length of the token that starts at p[0] (not a space), and its kind. */
static size_t tok_scan(const char *p, size_t len, enum tok_kind *kind)
{
    size_t i = 1;

    if (vt_is_digit(p[0])) {
        *kind = TOK_NUM;
        while (i < len &&
               (vt_is_digit(p[i]) || (is_num_sep(p[i]) && i + 1 < len && vt_is_digit(p[i + 1])))) {
            i++;
        }
    } else if (is_word_byte(p[0])) {
        *kind = TOK_WORD;
        while (i < len &&
               (is_word_byte(p[i]) || (p[i] == '\'' && i + 1 < len && is_word_byte(p[i + 1])))) {
            i++;
        }
    } else {
        *kind = TOK_PUNCT;
    }
    return i;
}

/* Cuts s into tokens; trailing sentence punctuation is left out. RB_EPARSE
 * when nothing is left or there are more than MAX_TOKS. */
int vt_tokenize(struct str s, struct toks *tk)
{
    size_t i = 0;

    tk->n = 0;
    while (i < s.len) {
        enum tok_kind kind;
        size_t n;

        if (is_space_byte(s.p[i])) {
            i++;
            continue;
        }
        if (tk->n == MAX_TOKS) {
            return RB_EPARSE;
        }
        n = tok_scan(s.p + i, s.len - i, &kind);
        tk->t[tk->n].s = str_make(s.p + i, n);
        tk->t[tk->n].kind = kind;
        tk->n++;
        i += n;
    }
    while (tk->n > 0 && is_trailing_punct(&tk->t[tk->n - 1])) {
        tk->n--;
    }
    return tk->n ? RB_OK : RB_EPARSE;
}

bool vt_tok_is(const struct tok *t, const char *w)
{
    return t->kind != TOK_NUM && str_eq_ci(t->s, w);
}

bool vt_tok_in(const struct tok *t, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++) {
        if (vt_tok_is(t, list[i])) {
            return true;
        }
    }
    return false;
}

/* The value of t in tab, -1 when it is not there. */
int vt_tok_val(const struct tok *t, const struct vocab_word *tab)
{
    size_t i;

    if (t->kind != TOK_WORD) {
        return -1;
    }
    for (i = 0; tab[i].w; i++) {
        if (str_eq_ci(t->s, tab[i].w)) {
            return tab[i].v;
        }
    }
    return -1;
}

/* A NUM token of 1..maxdigits plain digits. */
bool vt_tok_uint(const struct tok *t, size_t maxdigits, int *out)
{
    size_t i;
    int v = 0;

    if (t->kind != TOK_NUM || t->s.len > maxdigits) {
        return false;
    }
    for (i = 0; i < t->s.len; i++) {
        if (!vt_is_digit(t->s.p[i])) {
            return false;
        }
        v = v * 10 + (t->s.p[i] - '0');
    }
    *out = v;
    return true;
}

static char lower_ascii(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static bool eq_ci_n(struct str a, const char *p, size_t n)
{
    size_t i;

    if (a.len != n) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (lower_ascii(a.p[i]) != lower_ascii(p[i])) {
            return false;
        }
    }
    return true;
}

/* True when the n tokens are exactly the words of phrase (space-separated). */
bool vt_toks_match(const struct tok *t, size_t n, const char *phrase)
{
    size_t i = 0;
    const char *p = phrase;

    while (*p) {
        const char *end = strchr(p, ' ');
        size_t wlen = end ? (size_t)(end - p) : strlen(p);

        if (i == n || !eq_ci_n(t[i].s, p, wlen)) {
            return false;
        }
        i++;
        p += wlen;
        while (*p == ' ') {
            p++;
        }
    }
    return i == n;
}

/* The index of the first phrase in list that the tokens are, -1 if none. */
int vt_toks_match_any(const struct tok *t, size_t n, const char *const *list)
{
    int i;

    for (i = 0; list[i]; i++) {
        if (vt_toks_match(t, n, list[i])) {
            return i;
        }
    }
    return -1;
}

const struct tok *vt_cur_peek(const struct cur *c)
{
    return c->i < c->n ? &c->t[c->i] : NULL;
}

bool vt_cur_accept(struct cur *c, const char *w)
{
    const struct tok *t = vt_cur_peek(c);

    if (t && vt_tok_is(t, w)) {
        c->i++;
        return true;
    }
    return false;
}

bool vt_cur_accept_in(struct cur *c, const char *const *list)
{
    const struct tok *t = vt_cur_peek(c);

    if (t && vt_tok_in(t, list)) {
        c->i++;
        return true;
    }
    return false;
}

/* The value of the next token in tab (and moves past it), -1 otherwise. */
int vt_cur_val(struct cur *c, const struct vocab_word *tab)
{
    const struct tok *t = vt_cur_peek(c);
    int v = t ? vt_tok_val(t, tab) : -1;

    if (v >= 0) {
        c->i++;
    }
    return v;
}

bool vt_cur_end(const struct cur *c)
{
    return c->i == c->n;
}

/* ---- phones ---- */

/* The length of a national number after the country code, 0 when not known
 * (then 6 to 12 digits are taken). */
static size_t national_len(int country_code)
{
    return country_code == 92 ? 10 : 0;
}

static int phone_put(char out[20], const char *cc, const char *nat, size_t nat_len)
{
    size_t cl = strlen(cc);

    if (1 + cl + nat_len > 16 || nat_len == 0 || nat[0] == '0') {
        return RB_EPARSE; /* E.164: at most 15 digits */
    }
    out[0] = '+';
    memcpy(out + 1, cc, cl);
    memcpy(out + 1 + cl, nat, nat_len);
    out[1 + cl + nat_len] = '\0';
    return RB_OK;
}

/* "+DIGITS" or "00DIGITS" (the digits after it in d). */
static int phone_international(const char *d, size_t nd, const char *cc, size_t natlen,
                               char out[20])
{
    size_t cl = strlen(cc);

    if (natlen && nd > cl && memcmp(d, cc, cl) == 0) {
        const char *nat = d + cl;
        size_t nn = nd - cl;
        if (nn == natlen + 1 && nat[0] == '0') { /* "+92 0300 ...": the trunk 0 by habit */
            nat++;
            nn--;
        }
        return nn == natlen ? phone_put(out, cc, nat, nn) : RB_EPARSE;
    }
    if (nd < 8 || nd > 15 || d[0] == '0') {
        return RB_EPARSE;
    }
    out[0] = '+';
    memcpy(out + 1, d, nd);
    out[1 + nd] = '\0';
    return RB_OK;
}

/*
 * reference/urdu-text.md §10: digits kept, spaces - . ( ) dropped, a leading
 * + kept; +DIGITS and 00DIGITS are international (the home country's
 * numbers checked for length, a foreign one kept with 8-15 digits);
 * 0 + national, country code + national, and (Pakistan) a bare 3XXXXXXXXX
 * are home numbers. Anything else is not a phone.
 */
int value_phone(struct str s, int country_code, char out[20])
{
    char digits[20], cc[8];
    const char *d = digits;
    size_t nd = 0, i, cl, natlen = national_len(country_code);
    bool plus = false;

    if (country_code < 1 || country_code > 999) {
        return RB_EINVAL;
    }
    snprintf(cc, sizeof cc, "%d", country_code);
    cl = strlen(cc);
    for (i = 0; i < s.len; i++) {
        char ch = s.p[i];
        if (vt_is_digit(ch) && nd < sizeof digits) {
            digits[nd++] = ch;
        } else if (ch == '+' && nd == 0 && !plus) {
            plus = true;
        } else if (!strchr(" \t-.():", ch) || ch == '\0') {
            return RB_EPARSE;
        }
    }
    if (nd == sizeof digits) {
        return RB_EPARSE;
    }
    if (!plus && nd > 2 && d[0] == '0' && d[1] == '0') {
        plus = true;
        d += 2;
        nd -= 2;
    }
    if (plus) {
        return phone_international(d, nd, cc, natlen, out);
    }
    if (natlen == 0) {
        return nd >= 7 && nd <= 13 && d[0] == '0' ? phone_put(out, cc, d + 1, nd - 1) : RB_EPARSE;
    }
    if (nd == natlen + 1 && d[0] == '0') {
        return phone_put(out, cc, d + 1, nd - 1);
    }
    if (nd == cl + natlen && memcmp(d, cc, cl) == 0) {
        return phone_put(out, cc, d + cl, natlen);
    }
    if (country_code == 92 && nd == natlen && d[0] == '3') {
        return phone_put(out, cc, d, nd);
    }
    return RB_EPARSE;
}

/* ---- slot, milestone ---- */

/* The canon of the first word of list (VOC_SLOT, VOC_MILESTONE: values
 * 1.. name canons[v - 1]) that the words of s are, a trailing word of
 * suffixes ("time", "payment") aside; RB_EPARSE if none. */
static int value_from_words(struct str s, enum vocab_id suffixes, enum vocab_id list,
                            const char *const *canons, int ncanons, const char **canon)
{
    const struct vocab_word *w = vocab_list(list);
    struct toks tk;
    size_t n;
    int rc = vt_tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    n = tk.n;
    if (n > 1 && vt_tok_in(&tk.t[n - 1], vocab_words(suffixes))) {
        n--;
    }
    for (size_t i = 0; w[i].w; i++) {
        if (w[i].v >= 1 && w[i].v <= ncanons && vt_toks_match(tk.t, n, w[i].w)) {
            *canon = canons[w[i].v - 1];
            return RB_OK;
        }
    }
    return RB_EPARSE;
}

int value_slot(struct str s, const char **canon)
{
    static const char *const canons[] = {"lunch", "dinner", "full_day"};

    return value_from_words(s, VOC_SLOT_SUFFIX, VOC_SLOT, canons, 3, canon);
}

int value_milestone(struct str s, const char **canon)
{
    static const char *const canons[] = {"advance", "mid", "final"};

    return value_from_words(s, VOC_MS_SUFFIX, VOC_MILESTONE, canons, 3, canon);
}

/* ---- report periods ---- */

static const char *const period_names[] = {
    "today",        "yesterday",    "this_week", "last_week", "this_month", "last_month",
    "this_quarter", "last_quarter", "ytd",       "last_year", NULL};

/* today, yesterday (kal: a report asks about the past), this/last
 * week/month/quarter, ytd ("this year" too), last year. NULL if none. */
static const char *period_named(const struct tok *t, size_t n)
{
    int det, unit;

    if (vt_toks_match_any(t, n, vocab_words(VOC_YTD)) >= 0) {
        return "ytd";
    }
    if (n == 1) {
        switch (vt_tok_val(t, vocab_list(VOC_REL))) {
        case REL_TODAY:
            return "today";
        case REL_KAL:
        case REL_YESTERDAY:
            return "yesterday";
        default:
            return NULL;
        }
    }
    if (n != 2) {
        return NULL;
    }
    det = vt_tok_val(&t[0], vocab_list(VOC_DET));
    unit = vt_tok_val(&t[1], vocab_list(VOC_UNIT));
    if (det == DET_THIS) {
        return unit == UNIT_WEEK      ? "this_week"
               : unit == UNIT_MONTH   ? "this_month"
               : unit == UNIT_QUARTER ? "this_quarter"
               : unit == UNIT_YEAR    ? "ytd"
                                      : NULL;
    }
    if (det == DET_LAST) {
        return unit == UNIT_WEEK      ? "last_week"
               : unit == UNIT_MONTH   ? "last_month"
               : unit == UNIT_QUARTER ? "last_quarter"
               : unit == UNIT_YEAR    ? "last_year"
                                      : NULL;
    }
    return NULL;
}

/* A quarter number 1..4 after "q" or "quarter": "q1", "q 1", "quarter 4". */
static bool cur_q(struct cur *c, int *q)
{
    size_t save = c->i;

    if ((vt_cur_accept(c, "q") || vt_cur_accept(c, "quarter") || vt_cur_accept(c, "qtr")) &&
        vt_cur_peek(c) && vt_tok_uint(vt_cur_peek(c), 1, q) && *q >= 1 && *q <= 4) {
        c->i++;
        return true;
    }
    c->i = save;
    return false;
}

/* The year after a month or a quarter: "2025", or "last year"/"pichle saal"
 * (the calendar year before now_y) and "this year"/"is saal"; *y stays 0
 * when none is there. */
static void cur_period_year(struct cur *c, int now_y, int *y)
{
    size_t save = c->i;
    int det;

    if (vt_cur_year4(c, y)) {
        return;
    }
    det = vt_cur_val(c, vocab_list(VOC_DET));
    if ((det == DET_THIS || det == DET_LAST) && vt_cur_val(c, vocab_list(VOC_UNIT)) == UNIT_YEAR) {
        *y = det == DET_THIS ? now_y : now_y - 1;
        return;
    }
    c->i = save;
}

/* "q1 [2026]", "2026 q1", "2026-q1", "first quarter [of 2026]", "1st quarter",
 * "q1 last year". */
static bool period_quarter(const struct tok *t, size_t n, int now_y, int *q, int *y)
{
    struct cur c = {t, n, 0};
    bool ordinal;

    *y = 0;
    if (vt_cur_year4(&c, y)) {
        vt_cur_accept(&c, "-");
        return cur_q(&c, q) && vt_cur_end(&c);
    }
    if (!cur_q(&c, q)) {
        *q = vt_cur_val(&c, vocab_list(VOC_QUARTER));
        if (*q <= 0 && !(vt_cur_day(&c, q, &ordinal) && ordinal && *q <= 4)) {
            return false;
        }
        if (!vt_cur_accept(&c, "quarter") && !vt_cur_accept(&c, "qtr")) {
            return false;
        }
        vt_cur_accept(&c, "of");
    }
    vt_cur_accept(&c, ",");
    cur_period_year(&c, now_y, y);
    return vt_cur_end(&c);
}

/* "january", "jan 2026", "january, 2026", "2026-01", "december pichle saal". */
static bool period_month(const struct tok *t, size_t n, int now_y, int *m, int *y)
{
    struct cur c = {t, n, 0};
    int part[3];
    size_t digits[3], np;

    *y = 0;
    if (n == 1 && vt_num_parts(&t[0], "-", part, digits, &np) && np == 2 && digits[0] == 4 &&
        digits[1] <= 2) {
        *y = part[0];
        *m = part[1];
        return *m >= 1 && *m <= 12 && *y >= 1900;
    }
    *m = vt_cur_val(&c, vocab_list(VOC_MONTH));
    if (*m <= 0) {
        return false;
    }
    vt_cur_accept(&c, ",");
    cur_period_year(&c, now_y, y);
    return vt_cur_end(&c);
}

/* "2026-01", "2026-Q1" or "2026" into out[16]; part 0 for a year alone. */
static void period_format(char out[16], int y, char kind, int part)
{
    unsigned yy = (unsigned)y % 10000u;

    if (kind == 'M') {
        snprintf(out, 16, "%04u-%02u", yy, (unsigned)part % 100u);
    } else if (kind == 'Q') {
        snprintf(out, 16, "%04u-Q%u", yy, (unsigned)part % 10u);
    } else {
        snprintf(out, 16, "%04u", yy);
    }
}

int value_period(struct str s, const struct nlu_now *ctx, char out[16])
{
    struct toks tk;
    struct cur c;
    const char *name;
    int m, q, y;
    int now_y = ctx->now.date.y, now_q = (ctx->now.date.m - 1) / 3 + 1;
    struct str trimmed = str_trim(s);
    size_t i;
    int rc;

    for (i = 0; period_names[i]; i++) {
        if (str_eq_ci(trimmed, period_names[i])) {
            snprintf(out, 16, "%s", period_names[i]);
            return RB_OK;
        }
    }
    rc = vt_tokenize(s, &tk);
    if (rc) {
        return rc;
    }
    name = period_named(tk.t, tk.n);
    if (name) {
        snprintf(out, 16, "%s", name);
        return RB_OK;
    }
    /* a month or quarter without a year: the latest one not in the future */
    if (period_month(tk.t, tk.n, now_y, &m, &y)) {
        period_format(out, y ? y : m > ctx->now.date.m ? now_y - 1 : now_y, 'M', m);
        return RB_OK;
    }
    if (period_quarter(tk.t, tk.n, now_y, &q, &y)) {
        period_format(out, y ? y : q > now_q ? now_y - 1 : now_y, 'Q', q);
        return RB_OK;
    }
    c.t = tk.t;
    c.n = tk.n;
    c.i = 0;
    if (vt_cur_year4(&c, &y) && vt_cur_end(&c)) {
        period_format(out, y, 'Y', 0);
        return RB_OK;
    }
    return RB_EPARSE;
}
