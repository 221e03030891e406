/*
 * values.c - what people write, read into the canonical slot forms.
 *
 * Each parser cuts its slice into at most MAX_TOKS tokens that borrow from
 * it (nothing is allocated) and reads a small grammar over them. Urdu words
 * in the tables are in their key form (text.h: ھ → ہ, ئ → ی), which is what
 * a normalized slice holds: بدھ is "بدہ", مئی is "میی", لاکھ is "لاکہ".
 */
#include "nlu/values.h"

#include <stdio.h>
#include <string.h>

#include "nlu/vocab.h"

#define MAX_TOKS 32

/* Largest amount accepted, in rupees (a sanity bound, far above any booking). */
#define AMOUNT_MAX 10000000000000LL

#define GUESTS_MAX 100000

enum tok_kind { TOK_WORD, TOK_NUM, TOK_PUNCT };

/* A word (letters, any non-ASCII bytes), a number (digits with , . / : -
 * between them) or one punctuation byte. */
struct tok {
    struct str s;
    enum tok_kind kind;
};

struct toks {
    struct tok t[MAX_TOKS];
    size_t n;
};

/* A cursor over a run of tokens. */
struct cur {
    const struct tok *t;
    size_t n, i;
};

/* ---- what the words of intents/values.words mean (vocab.h) ---- */

enum det { DET_THIS = 1, DET_NEXT, DET_LAST };

enum unit { UNIT_WEEK = 1, UNIT_MONTH, UNIT_QUARTER, UNIT_YEAR };

enum rel { REL_TODAY = 1, REL_KAL, REL_TOMORROW, REL_PARSON, REL_YESTERDAY };

enum tw { TW_MORNING = 1, TW_NOON, TW_AFTERNOON, TW_EVENING, TW_NIGHT };

enum frac { FRAC_SAWA = 1, FRAC_SAADHE, FRAC_PAUNE, FRAC_DEDH, FRAC_DHAI };

/* ---- tokens ---- */

static bool is_digit(char c)
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

    if (is_digit(p[0])) {
        *kind = TOK_NUM;
        while (i < len &&
               (is_digit(p[i]) || (is_num_sep(p[i]) && i + 1 < len && is_digit(p[i + 1])))) {
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
static int tokenize(struct str s, struct toks *tk)
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

static bool tok_is(const struct tok *t, const char *w)
{
    return t->kind != TOK_NUM && str_eq_ci(t->s, w);
}

static bool tok_in(const struct tok *t, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++) {
        if (tok_is(t, list[i])) {
            return true;
        }
    }
    return false;
}

/* The value of t in tab, -1 when it is not there. */
static int tok_val(const struct tok *t, const struct vocab_word *tab)
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
static bool tok_uint(const struct tok *t, size_t maxdigits, int *out)
{
    size_t i;
    int v = 0;

    if (t->kind != TOK_NUM || t->s.len > maxdigits) {
        return false;
    }
    for (i = 0; i < t->s.len; i++) {
        if (!is_digit(t->s.p[i])) {
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
static bool toks_match(const struct tok *t, size_t n, const char *phrase)
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
static int toks_match_any(const struct tok *t, size_t n, const char *const *list)
{
    int i;

    for (i = 0; list[i]; i++) {
        if (toks_match(t, n, list[i])) {
            return i;
        }
    }
    return -1;
}

static const struct tok *cur_peek(const struct cur *c)
{
    return c->i < c->n ? &c->t[c->i] : NULL;
}

static bool cur_accept(struct cur *c, const char *w)
{
    const struct tok *t = cur_peek(c);

    if (t && tok_is(t, w)) {
        c->i++;
        return true;
    }
    return false;
}

static bool cur_accept_in(struct cur *c, const char *const *list)
{
    const struct tok *t = cur_peek(c);

    if (t && tok_in(t, list)) {
        c->i++;
        return true;
    }
    return false;
}

/* The value of the next token in tab (and moves past it), -1 otherwise. */
static int cur_val(struct cur *c, const struct vocab_word *tab)
{
    const struct tok *t = cur_peek(c);
    int v = t ? tok_val(t, tab) : -1;

    if (v >= 0) {
        c->i++;
    }
    return v;
}

static bool cur_end(const struct cur *c)
{
    return c->i == c->n;
}

/* ---- dates ---- */

/* What a written calendar date said; 0 (weekday -1) where it said nothing. */
struct date_spec {
    int d, m, y;
    int weekday;
};

static struct rb_date mkdate(int y, int m, int d)
{
    struct rb_date r = {y, m, d};
    return r;
}

/* "15", "15th", "15 th": a day of the month; *ordinal says a suffix came. */
static bool cur_day(struct cur *c, int *d, bool *ordinal)
{
    const struct tok *t = cur_peek(c);
    int v;

    if (!t || !tok_uint(t, 2, &v) || v < 1 || v > 31) {
        return false;
    }
    c->i++;
    *ordinal = cur_accept_in(c, vocab_words(VOC_ORDINAL));
    *d = v;
    return true;
}

/* A four-digit year. Two-digit years are read only in numeric dates, so
 * that "15 march 20" can be a date and a time. */
static bool cur_year4(struct cur *c, int *y)
{
    const struct tok *t = cur_peek(c);
    int v;

    if (!t || t->s.len != 4 || !tok_uint(t, 4, &v) || v < 1900) {
        return false;
    }
    c->i++;
    *y = v;
    return true;
}

/* Splits a NUM token at its separators (all the same one, from seps) into
 * at most 3 parts; *np parts, digits[i] digits each. */
static bool num_parts(const struct tok *t, const char *seps, int part[3], size_t digits[3],
                      size_t *np)
{
    size_t i, n = 0;
    char sep = 0;

    if (t->kind != TOK_NUM) {
        return false;
    }
    part[0] = 0;
    digits[0] = 0;
    for (i = 0; i < t->s.len; i++) {
        char ch = t->s.p[i];
        if (is_digit(ch)) {
            if (digits[n] == 4) {
                return false;
            }
            part[n] = part[n] * 10 + (ch - '0');
            digits[n]++;
            continue;
        }
        if (!strchr(seps, ch) || (sep && ch != sep) || n == 2) {
            return false;
        }
        sep = ch;
        n++;
        part[n] = 0;
        digits[n] = 0;
    }
    *np = n + 1;
    return true;
}

/* "15/3", "15-03-2026", "15.3.26" (day first), "2026-03-15". */
static bool numeric_date(const struct tok *t, struct date_spec *ds)
{
    int part[3];
    size_t digits[3], np;

    if (!num_parts(t, "/-.", part, digits, &np) || np < 2) {
        return false;
    }
    if (np == 3 && digits[0] == 4) {
        if (digits[1] > 2 || digits[2] > 2) {
            return false;
        }
        ds->y = part[0];
        ds->m = part[1];
        ds->d = part[2];
    } else {
        if (digits[0] > 2 || digits[1] > 2 || (np == 3 && digits[2] != 2 && digits[2] != 4)) {
            return false;
        }
        ds->d = part[0];
        ds->m = part[1];
        ds->y = np < 3 ? 0 : digits[2] == 2 ? 2000 + part[2] : part[2];
    }
    return ds->m >= 1 && ds->m <= 12 && ds->d >= 1 && ds->d <= 31 && (ds->y == 0 || ds->y >= 1900);
}

/*
 * A written calendar date, possibly after its weekday: "15 march",
 * "15th of march, 2026", "march 15", "15/3", "friday 6 march", and a day
 * alone when it is "15th" or "15 tareekh" (or any bare day when bare_day).
 */
static bool date_spec_parse(const struct tok *t, size_t n, bool bare_day, struct date_spec *ds)
{
    struct cur c = {t, n, 0};
    bool ordinal = false;

    ds->d = 0;
    ds->m = 0;
    ds->y = 0;
    ds->weekday = cur_val(&c, vocab_list(VOC_WEEKDAY));
    if (ds->weekday >= 0) {
        cur_accept(&c, ",");
    }
    cur_accept(&c, "the");
    if (cur_peek(&c) && numeric_date(cur_peek(&c), ds)) {
        c.i++;
        return cur_end(&c);
    }
    if (cur_day(&c, &ds->d, &ordinal)) {
        cur_accept(&c, "of");
        ds->m = cur_val(&c, vocab_list(VOC_MONTH));
        if (ds->m > 0) {
            cur_accept(&c, ",");
            cur_year4(&c, &ds->y);
        } else {
            ds->m = 0;
            if (!cur_accept_in(&c, vocab_words(VOC_TAREEKH)) && !ordinal && !bare_day) {
                return false;
            }
        }
    } else {
        ds->m = cur_val(&c, vocab_list(VOC_MONTH));
        if (ds->m <= 0 || !cur_day(&c, &ds->d, &ordinal)) {
            return false;
        }
        cur_accept(&c, ",");
        cur_year4(&c, &ds->y);
    }
    return cur_end(&c);
}

/*
 * The date a spec names, seen from today (INTENTS.md): with no year, the
 * next such date on or after today (31 February is no date at all, 29
 * February the next leap day); a day alone, the next such day of a month.
 */
static bool date_spec_resolve(const struct date_spec *ds, struct rb_date today, struct rb_date *out)
{
    struct rb_date d = {0, 0, 0};
    int k;
    bool found = false;

    if (ds->y) {
        d = mkdate(ds->y, ds->m, ds->d);
        found = date_valid(d);
    } else if (ds->m == 0) {
        for (k = 0; k < 12 && !found; k++) {
            int m0 = today.m - 1 + k;
            d = mkdate(today.y + m0 / 12, m0 % 12 + 1, ds->d);
            found = date_valid(d) && date_cmp(d, today) >= 0;
        }
    } else if (ds->d <= date_days_in_month(2000, ds->m)) {
        for (k = 0; k <= 8 && !found; k++) {
            d = mkdate(today.y + k, ds->m, ds->d);
            found = date_valid(d) && date_cmp(d, today) >= 0;
        }
    }
    if (!found || (ds->weekday >= 0 && date_weekday(d) != ds->weekday)) {
        return false;
    }
    *out = d;
    return true;
}

/* aaj, kal, parson, today, tomorrow, yesterday: kal and parson look back
 * in a question about the past; the English words mean what they say. */
static bool relative_day(const struct tok *t, size_t n, const struct nlu_now *ctx,
                         struct rb_date *out)
{
    int days;

    if (toks_match(t, n, "day after tomorrow")) {
        days = 2;
    } else if (toks_match(t, n, "day before yesterday")) {
        days = -2;
    } else if (n != 1) {
        return false;
    } else {
        switch (tok_val(t, vocab_list(VOC_REL))) {
        case REL_TODAY:
            days = 0;
            break;
        case REL_KAL:
            days = ctx->past ? -1 : 1;
            break;
        case REL_TOMORROW:
            days = 1;
            break;
        case REL_PARSON:
            days = ctx->past ? -2 : 2;
            break;
        case REL_YESTERDAY:
            days = -1;
            break;
        default:
            return false;
        }
    }
    *out = date_add_days(ctx->now.date, days);
    return true;
}

/* "friday", "agle jumme", "next friday": the next one after today (asked on
 * a Friday, a week away); "last friday", "pichle jumme": the one before. A
 * determiner with hafte is a week, not Saturday. */
static bool weekday_ref(const struct tok *t, size_t n, struct rb_date today, struct rb_date *out)
{
    int det = 0, wd, delta;
    int today_wd = date_weekday(today);

    if (n == 2) {
        det = tok_val(&t[0], vocab_list(VOC_DET));
        if (det < 0 || tok_val(&t[1], vocab_list(VOC_UNIT)) == UNIT_WEEK) {
            return false;
        }
        t++;
        n--;
    }
    if (n != 1) {
        return false;
    }
    wd = tok_val(t, vocab_list(VOC_WEEKDAY));
    if (wd < 0) {
        return false;
    }
    if (det == DET_LAST) {
        delta = (today_wd - wd + 7) % 7;
        *out = date_add_days(today, -(delta ? delta : 7));
    } else {
        delta = (wd - today_wd + 7) % 7;
        *out = date_add_days(today, delta ? delta : 7);
    }
    return true;
}

/* A count of days or weeks: "2", "two", "do", "a"/"an"/"ek" (one). */
static bool delay_count(const struct tok *t, int *k)
{
    if (tok_uint(t, 2, k)) {
        return *k >= 1;
    }
    if (tok_is(t, "a") || tok_is(t, "an")) {
        *k = 1;
        return true;
    }
    *k = tok_val(t, vocab_list(VOC_NUMBER));
    return *k >= 1 && *k <= 60;
}

/* A delay from today: "after 2 days", "in a week", "3 days later",
 * "2 din baad", "ek hafte ke baad", "3 days from now". */
static bool relative_delay(const struct tok *t, size_t n, struct rb_date today, struct rb_date *out)
{
    bool pre = false, post = false;
    int k, unit;

    if (n >= 3 && tok_in(&t[0], vocab_words(VOC_DELAY_PRE))) {
        pre = true;
        t++;
        n--;
    }
    if (n >= 3 && toks_match(&t[n - 2], 2, "from now")) {
        post = true;
        n -= 2;
    } else if (n >= 3 && tok_in(&t[n - 1], vocab_words(VOC_DELAY_POST))) {
        post = true;
        n--;
        if (n >= 3 && tok_in(&t[n - 1], vocab_words(VOC_DELAY_KE))) {
            n--;
        }
    }
    if (n != 2 || pre == post) {
        return false;
    }
    if (!delay_count(&t[0], &k)) {
        return false;
    }
    if (tok_in(&t[1], vocab_words(VOC_DELAY_DAY))) {
        unit = 1;
    } else if (tok_val(&t[1], vocab_list(VOC_UNIT)) == UNIT_WEEK || tok_is(&t[1], "weeks")) {
        unit = 7;
    } else {
        return false;
    }
    *out = date_add_days(today, k * unit);
    return true;
}

/* A weekday of next week: "next week wednesday", "agle hafte budh",
 * "wednesday next week". */
static bool next_week_day(const struct tok *t, size_t n, struct rb_date today, struct rb_date *out)
{
    int wd;
    struct rb_date monday;

    if (n != 3) {
        return false;
    }
    if (tok_val(&t[0], vocab_list(VOC_DET)) == DET_NEXT &&
        tok_val(&t[1], vocab_list(VOC_UNIT)) == UNIT_WEEK) {
        wd = tok_val(&t[2], vocab_list(VOC_WEEKDAY));
    } else if (tok_val(&t[1], vocab_list(VOC_DET)) == DET_NEXT &&
               tok_val(&t[2], vocab_list(VOC_UNIT)) == UNIT_WEEK) {
        wd = tok_val(&t[0], vocab_list(VOC_WEEKDAY));
    } else {
        return false;
    }
    if (wd < 0) {
        return false;
    }
    monday = date_add_days(today, 7 - date_weekday(today));
    *out = date_add_days(monday, wd);
    return true;
}

/* One day, in any of the forms above, with "on ..." and "... ko" allowed. */
static bool single_date(const struct tok *t, size_t n, const struct nlu_now *ctx,
                        struct rb_date *out)
{
    struct date_spec ds;

    if (n > 1 && tok_in(&t[n - 1], vocab_words(VOC_KO))) {
        n--;
    }
    if (n > 1 && tok_is(&t[0], "on")) {
        t++;
        n--;
    }
    if (relative_day(t, n, ctx, out) || weekday_ref(t, n, ctx->now.date, out)) {
        return true;
    }
    if (!ctx->past &&
        (relative_delay(t, n, ctx->now.date, out) || next_week_day(t, n, ctx->now.date, out))) {
        return true;
    }
    return date_spec_parse(t, n, false, &ds) && date_spec_resolve(&ds, ctx->now.date, out);
}

/* Weeks run Monday to Sunday; "this week" is today to Sunday, "this month"
 * today to its last day; next and last weeks and months are whole. */
static bool named_range(const struct tok *t, size_t n, struct rb_date today, struct rb_date *from,
                        struct rb_date *to)
{
    int det, unit;
    int wd = date_weekday(today);
    int m0;

    if (n > 2 && tok_in(&t[n - 1], vocab_words(VOC_KO))) {
        n--;
    }
    if (n != 2) {
        return false;
    }
    det = tok_val(&t[0], vocab_list(VOC_DET));
    unit = tok_val(&t[1], vocab_list(VOC_UNIT));
    if (det < 0 || (unit != UNIT_WEEK && unit != UNIT_MONTH)) {
        return false;
    }
    if (unit == UNIT_WEEK) {
        *from = det == DET_THIS   ? today
                : det == DET_NEXT ? date_add_days(today, 7 - wd)
                                  : date_add_days(today, -wd - 7);
        *to = det == DET_THIS ? date_add_days(today, 6 - wd) : date_add_days(*from, 6);
        return true;
    }
    m0 = today.y * 12 + today.m - 1 + (det == DET_NEXT) - (det == DET_LAST);
    *from = det == DET_THIS ? today : mkdate(m0 / 12, m0 % 12 + 1, 1);
    *to = mkdate(m0 / 12, m0 % 12 + 1, date_days_in_month(m0 / 12, m0 % 12 + 1));
    return true;
}

/* "15-20": two days of the month. */
static bool day_pair(const struct tok *t, int *a, int *b)
{
    int part[3];
    size_t digits[3], np;

    if (!num_parts(t, "-", part, digits, &np) || np != 2 || digits[0] > 2 || digits[1] > 2) {
        return false;
    }
    *a = part[0];
    *b = part[1];
    return *a >= 1 && *b <= 31;
}

/* The start of a range written "10 se 15 april": the left side takes the
 * month and year it leaves out from the end b, a year earlier if it would
 * come after b ("25 december se 5 january"). */
static bool range_start(const struct tok *t, size_t n, const struct nlu_now *ctx, struct rb_date b,
                        struct rb_date *a)
{
    struct date_spec ds;
    struct rb_date d;

    if (!date_spec_parse(t, n, true, &ds) || ds.y) {
        return single_date(t, n, ctx, a);
    }
    d = mkdate(b.y, ds.m ? ds.m : b.m, ds.d);
    if (ds.m && date_cmp(d, b) > 0) {
        d.y--;
    }
    if (!date_valid(d) || (ds.weekday >= 0 && date_weekday(d) != ds.weekday)) {
        return false;
    }
    *a = d;
    return true;
}

/* "10 se 15 april tak", "15 to 20 march", "from 1 may to 3 may", "15-20 march". */
static bool explicit_range(const struct tok *t, size_t n, const struct nlu_now *ctx,
                           struct rb_date *from, struct rb_date *to)
{
    struct rb_date a, b;
    struct date_spec ds;
    size_t k;
    int d1, d2;

    if (n > 1 && tok_in(&t[n - 1], vocab_words(VOC_RANGE_END))) {
        n--;
    }
    if (n > 1 && (tok_is(&t[0], "from") || tok_is(&t[0], "between"))) {
        t++;
        n--;
    }
    if (n >= 2 && day_pair(&t[0], &d1, &d2)) {
        struct cur c = {t, n, 1}; /* "15-20 march [2026]" */
        ds.d = d2;
        ds.m = cur_val(&c, vocab_list(VOC_MONTH));
        ds.y = 0;
        ds.weekday = -1;
        cur_year4(&c, &ds.y);
        if (ds.m <= 0 || !cur_end(&c) || !date_spec_resolve(&ds, ctx->now.date, &b)) {
            return false;
        }
        a = mkdate(b.y, b.m, d1);
        if (!date_valid(a) || date_cmp(a, b) > 0) {
            return false;
        }
        *from = a;
        *to = b;
        return true;
    }
    for (k = 1; k + 1 < n; k++) {
        if (!tok_in(&t[k], vocab_words(VOC_RANGE_SEP)) ||
            !single_date(t + k + 1, n - k - 1, ctx, &b)) {
            continue;
        }
        if (range_start(t, k, ctx, b, &a) && date_cmp(a, b) <= 0) {
            *from = a;
            *to = b;
            return true;
        }
    }
    return false;
}

int value_date(struct str s, const struct nlu_now *ctx, struct rb_date *from, struct rb_date *to,
               bool *is_range)
{
    struct toks tk;
    struct rb_date a, b;
    bool range = true;
    int rc = tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    if (named_range(tk.t, tk.n, ctx->now.date, &a, &b)) {
        range = true;
    } else if (single_date(tk.t, tk.n, ctx, &a)) {
        b = a;
        range = false;
    } else if (!explicit_range(tk.t, tk.n, ctx, &a, &b)) {
        return RB_EPARSE;
    }
    *from = a;
    *to = b;
    *is_range = range;
    return RB_OK;
}

/* ---- times ---- */

/* A time-of-day word, 0 when the next token is none. */
static int cur_timeword(struct cur *c)
{
    int tw;

    if (c->i + 2 <= c->n && toks_match(&c->t[c->i], 2, "سہ پہر")) {
        c->i += 2;
        return TW_AFTERNOON;
    }
    tw = cur_val(c, vocab_list(VOC_TIMEWORD));
    return tw > 0 ? tw : 0;
}

enum ampm { AMPM_NONE = 0, AMPM_AM, AMPM_PM };

/* "am", "pm", or "a.m." as the tokens a . m. */
static int cur_ampm(struct cur *c)
{
    const struct tok *t = cur_peek(c);
    int r;

    if (!t) {
        return AMPM_NONE;
    }
    if (tok_is(t, "am") || tok_is(t, "pm")) {
        c->i++;
        return tok_is(t, "am") ? AMPM_AM : AMPM_PM;
    }
    if ((tok_is(t, "a") || tok_is(t, "p")) && c->i + 2 < c->n && tok_is(&c->t[c->i + 1], ".") &&
        tok_is(&c->t[c->i + 2], "m")) {
        r = tok_is(t, "a") ? AMPM_AM : AMPM_PM;
        c->i += 3;
        cur_accept(c, ".");
        return r;
    }
    return AMPM_NONE;
}

/* "4", "16:30", "4.30": an hour and maybe minutes. */
static bool cur_clock(struct cur *c, int *h, int *m, bool *has_min)
{
    const struct tok *t = cur_peek(c);
    int part[3];
    size_t digits[3], np;

    if (!t || !num_parts(t, ":.", part, digits, &np) || np > 2 || digits[0] > 2 ||
        (np == 2 && digits[1] != 2)) {
        return false;
    }
    if (part[0] > 23 || (np == 2 && part[1] > 59)) {
        return false;
    }
    *h = part[0];
    *m = np == 2 ? part[1] : 0;
    *has_min = np == 2;
    c->i++;
    return true;
}

/*
 * The 24-hour hour of a 12-hour clock hour h (1..12). am/pm decide; then a
 * time word (INTENTS.md: subah morning, dopahar 12-15, sham evening, raat
 * night); with neither, 1-7 is afternoon or evening, 8-11 morning, 12 noon.
 */
static int hour_of(int h, int ampm, int tw)
{
    if (ampm == AMPM_AM) {
        return h % 12;
    }
    if (ampm == AMPM_PM) {
        return h % 12 + 12;
    }
    switch (tw) {
    case TW_MORNING:
        return h;
    case TW_NOON:
        return h == 12 ? 12 : h <= 6 ? h + 12 : h;
    case TW_AFTERNOON:
    case TW_EVENING:
        return h == 12 ? 12 : h + 12;
    case TW_NIGHT:
        return h == 12 ? 0 : h <= 4 ? h : h + 12;
    default:
        return h <= 7 ? h + 12 : h;
    }
}

/*
 * [at] [time word [ko]] [sawa|saadhe|paune] H[:MM] [am|pm] [baje] [am|pm]
 * [time word [ko]], or dedh/dhai [baje]; H in digits or words (char baje). An hour over 12 (or 0)
 * is a 24-hour time and takes no am/pm. Minutes since midnight into *minutes; *small_hours when
 * raat named a time after midnight ("kal raat 2 baje" is the night that starts tomorrow).
 */
static bool time_toks(const struct tok *t, size_t n, int *minutes, bool *small_hours)
{
    struct cur c = {t, n, 0};
    int tw, tw2, frac, ampm, ampm2, h = 0, m = 0, total;
    bool has_min = false;

    cur_accept(&c, ",");
    if (!cur_accept(&c, "at")) {
        cur_accept(&c, "@");
    }
    cur_accept_in(&c, vocab_words(VOC_APPROX));
    tw = cur_timeword(&c);
    if (tw) {
        cur_accept_in(&c, vocab_words(VOC_KO));
        cur_accept(&c, "at");
        cur_accept_in(&c, vocab_words(VOC_APPROX));
    }
    frac = cur_val(&c, vocab_list(VOC_FRAC));
    if (frac == FRAC_DEDH || frac == FRAC_DHAI) {
        h = frac == FRAC_DEDH ? 1 : 2;
    } else if (!cur_clock(&c, &h, &m, &has_min)) {
        h = cur_val(&c, vocab_list(VOC_NUMBER)); /* "char baje", "saadhe saat" */
        if (h < 1 || h > 12) {
            return false;
        }
    }
    if (frac > 0 && (has_min || h == 0 || h > 12)) {
        return false;
    }
    ampm = cur_ampm(&c);
    cur_accept_in(&c, vocab_words(VOC_BAJE));
    ampm2 = cur_ampm(&c);
    tw2 = cur_timeword(&c);
    if (tw2) {
        cur_accept_in(&c, vocab_words(VOC_KO));
    }
    if (!cur_end(&c) || (ampm && ampm2) || (tw && tw2)) {
        return false;
    }
    ampm = ampm ? ampm : ampm2;
    tw = tw ? tw : tw2;
    if (h == 0 || h > 12) {
        if (ampm) {
            return false;
        }
        total = h * 60 + m;
    } else {
        total = hour_of(h, ampm, tw) * 60 + m;
    }
    if (frac == FRAC_SAWA) {
        total += 15;
    } else if (frac == FRAC_SAADHE || frac == FRAC_DEDH || frac == FRAC_DHAI) {
        total += 30;
    } else if (frac == FRAC_PAUNE) {
        total -= 15; /* paune 8 is a quarter to eight */
    }
    *minutes = (total + 24 * 60) % (24 * 60);
    *small_hours = tw == TW_NIGHT && *minutes < 5 * 60;
    return true;
}

int value_time(struct str s, int *hour, int *min)
{
    struct toks tk;
    int minutes;
    bool small_hours;
    int rc = tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    if (!time_toks(tk.t, tk.n, &minutes, &small_hours)) {
        return RB_EPARSE;
    }
    *hour = minutes / 60;
    *min = minutes % 60;
    return RB_OK;
}

/* A day and a time in either order: "kal 4 baje", "4 baje kal". */
/* The day inside the time: "7:30 aaj raat", "4 baje kal sham" (t[a..b) is the
 * day, the tokens around it the time). */
static bool day_inside_time(const struct tok *t, size_t n, const struct nlu_now *ctx,
                            struct rb_date *d, int *minutes, bool *small_hours)
{
    struct tok rest[MAX_TOKS];
    size_t a, b;

    for (a = 1; a + 1 < n; a++) {
        for (b = a + 1; b < n; b++) {
            if (!single_date(t + a, b - a, ctx, d)) {
                continue;
            }
            memcpy(rest, t, a * sizeof *t);
            memcpy(rest + a, t + b, (n - b) * sizeof *t);
            if (time_toks(rest, a + n - b, minutes, small_hours)) {
                return true;
            }
        }
    }
    return false;
}

static bool day_and_time(const struct tok *t, size_t n, const struct nlu_now *ctx,
                         struct rb_date *d, int *minutes)
{
    bool small_hours = false, found = false;
    size_t k;

    for (k = n - 1; k >= 1 && !found; k--) {
        found = (single_date(t, k, ctx, d) && time_toks(t + k, n - k, minutes, &small_hours)) ||
                (time_toks(t, k, minutes, &small_hours) && single_date(t + k, n - k, ctx, d));
    }
    if (!found) {
        found = day_inside_time(t, n, ctx, d, minutes, &small_hours);
    }
    if (found && small_hours) {
        *d = date_add_days(*d, 1);
    }
    return found;
}

/* A day and a time; a time alone is today, or tomorrow when it has already
 * passed. */
int value_when(struct str s, const struct nlu_now *ctx, struct rb_datetime *out)
{
    struct toks tk;
    struct rb_date d;
    int minutes;
    bool small_hours;
    int rc = tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    if (time_toks(tk.t, tk.n, &minutes, &small_hours)) {
        d = ctx->now.date;
        if (minutes < ctx->now.hour * 60 + ctx->now.min) {
            d = date_add_days(d, 1);
        }
    } else if (!day_and_time(tk.t, tk.n, ctx, &d, &minutes)) {
        return RB_EPARSE;
    }
    out->date = d;
    out->hour = minutes / 60;
    out->min = minutes % 60;
    return RB_OK;
}

/* ---- amounts and counts ---- */

/* A number as written: mant / 10^scale. */
struct num {
    int64_t mant;
    int scale;
    bool grouped; /* written with thousands separators */
};

/*
 * Digit groups of an integer part with commas: Western (1-3 digits, then
 * 3s: 800,000) or South Asian (1-2 digits, then 2s, then 3: 8,00,000).
 * "2,5" is neither (reference §9: ambiguous, ask).
 */
static bool grouping_ok(const char *p, size_t len)
{
    size_t i, g = 0, first = 0, groups = 0;
    bool west = true, south = true;

    for (i = 0; i <= len; i++) {
        if (i < len && p[i] != ',') {
            g++;
            continue;
        }
        if (groups == 0) {
            first = g;
        } else if (i < len) { /* a middle group */
            west = west && g == 3;
            south = south && g == 2;
        } else if (g != 3) { /* the last group */
            return false;
        }
        groups++;
        g = 0;
    }
    west = west && first >= 1 && first <= 3;
    south = south && first >= 1 && first <= 2;
    return groups >= 2 && (west || south);
}

/* "350000", "8,00,000", "2.5", "1,250.50" (at most 15 digits, 6 decimals). */
static bool num_token(const struct tok *t, struct num *out)
{
    size_t i, int_len = t->s.len, ndig = 0;
    int64_t mant = 0;
    int scale = 0;
    bool comma = false, dot = false;

    if (t->kind != TOK_NUM) {
        return false;
    }
    for (i = 0; i < t->s.len; i++) {
        char ch = t->s.p[i];
        if (is_digit(ch)) {
            if (++ndig > 15) {
                return false;
            }
            mant = mant * 10 + (ch - '0');
            scale += dot;
        } else if (ch == ',' && !dot) {
            comma = true;
        } else if (ch == '.' && !dot) {
            dot = true;
            int_len = i;
        } else {
            return false;
        }
    }
    if (scale > 6 || (comma && !grouping_ok(t->s.p, int_len))) {
        return false;
    }
    out->mant = mant;
    out->scale = scale;
    out->grouped = comma;
    return true;
}

static int64_t pow10_i(int k)
{
    int64_t r = 1;

    while (k-- > 0) {
        r *= 10;
    }
    return r;
}

/* n times mult, when that is a whole number that fits. */
static bool num_times(struct num n, int64_t mult, int64_t *out)
{
    int64_t p = pow10_i(n.scale);

    if (n.mant > INT64_MAX / mult || (n.mant * mult) % p != 0) {
        return false;
    }
    *out = n.mant * mult / p;
    return true;
}

static bool next_is_multiplier(const struct cur *c)
{
    const struct tok *t = cur_peek(c);
    return t && tok_val(t, vocab_list(VOC_MULTIPLIER)) > 0;
}

/* A number: digits, a number word (ek ... nabbe), dedh (1.5), dhai (2.5),
 * sawa/saadhe/paune N (N + 1/4, N + 1/2, N - 1/4), sawa alone (1.25). */
static bool cur_number(struct cur *c, struct num *out)
{
    const struct tok *t = cur_peek(c);
    struct num base;
    int frac, v;

    if (!t) {
        return false;
    }
    if (num_token(t, out)) {
        c->i++;
        return true;
    }
    v = cur_val(c, vocab_list(VOC_NUMBER));
    if (v > 0) {
        const struct tok *u = cur_peek(c);
        if (tok_in(t, vocab_words(VOC_TENS)) && u && tok_in(u, vocab_words(VOC_UNITS))) {
            v += cur_val(c, vocab_list(VOC_NUMBER)); /* "twenty five" */
        }
        out->mant = v;
        out->scale = 0;
        out->grouped = false;
        return true;
    }
    frac = cur_val(c, vocab_list(VOC_FRAC));
    out->scale = 2;
    out->grouped = false;
    if (frac == FRAC_DEDH || frac == FRAC_DHAI || (frac == FRAC_SAWA && next_is_multiplier(c))) {
        out->mant = frac == FRAC_DEDH ? 150 : frac == FRAC_DHAI ? 250 : 125;
        return true;
    }
    if (frac <= 0 || !cur_number(c, &base) || base.grouped || base.scale > 0 || base.mant < 1 ||
        base.mant > 1000000) {
        return false;
    }
    out->mant = base.mant * 100 + (frac == FRAC_SAWA ? 25 : frac == FRAC_SAADHE ? 50 : -25);
    return true;
}

/* Leaves out what may close an amount: "/-", "=/-", a currency, "only". */
static size_t amount_end(const struct tok *t, size_t n)
{
    for (;;) {
        if (n >= 3 && tok_is(&t[n - 2], "/") && tok_is(&t[n - 1], "-")) {
            n -= 2;
            if (tok_is(&t[n - 1], "=")) {
                n--;
            }
        } else if (n >= 2 &&
                   (tok_in(&t[n - 1], vocab_words(VOC_CURRENCY)) || tok_is(&t[n - 1], "only"))) {
            n--;
        } else {
            return n;
        }
    }
}

/*
 * [Rs[.]|PKR] term+ [rupay|/-], a term a number and maybe a multiplier.
 * Multipliers fall term by term ("1 crore 20 lakh", "12 lakh 50 hazar");
 * a last bare term only after hazar or sau ("50 hazar 500"). A number
 * written with separators is already rupees and takes no multiplier:
 * "8,00,000 lakh" is an error, not 80 billion.
 */
int value_amount(struct str s, int64_t *rupees)
{
    struct toks tk;
    struct cur c;
    int64_t total = 0, prev_mult = 0;
    int rc = tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    c.t = tk.t;
    c.n = amount_end(tk.t, tk.n);
    c.i = 0;
    if (c.n > 1 && cur_accept_in(&c, vocab_words(VOC_CURRENCY))) {
        if (!cur_accept(&c, ".")) {
            cur_accept(&c, ":");
        }
    }
    if (cur_end(&c)) {
        return RB_EPARSE;
    }
    while (!cur_end(&c)) {
        struct num num;
        int64_t mult, v;

        if (!cur_number(&c, &num)) {
            return RB_EPARSE;
        }
        mult = cur_val(&c, vocab_list(VOC_MULTIPLIER));
        if (mult > 0 && (num.grouped || (prev_mult && mult >= prev_mult))) {
            return RB_EPARSE;
        }
        if (mult <= 0 && (!cur_end(&c) || prev_mult > 1000)) {
            return RB_EPARSE;
        }
        if (mult <= 0) {
            mult = 1;
        }
        if (!num_times(num, mult, &v) || (prev_mult && v >= prev_mult)) {
            return RB_EPARSE;
        }
        total += v;
        if (total > AMOUNT_MAX) {
            return RB_EPARSE;
        }
        prev_mult = mult;
    }
    if (total <= 0) {
        return RB_EPARSE;
    }
    *rupees = total;
    return RB_OK;
}

/* "300", "300 guests", "300+ log", "teen sau mehman", "1,000 pax". */
int value_guests(struct str s, int64_t *count)
{
    struct toks tk;
    struct cur c;
    struct num num;
    int64_t mult, v;
    int rc = tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    c.t = tk.t;
    c.n = tk.n;
    c.i = 0;
    if (c.n > 1 && tok_in(&tk.t[c.n - 1], vocab_words(VOC_GUEST))) {
        c.n--;
    }
    if (!cur_number(&c, &num)) {
        return RB_EPARSE;
    }
    mult = cur_val(&c, vocab_list(VOC_MULTIPLIER));
    if (mult > 1000 || (mult > 0 && num.grouped)) {
        return RB_EPARSE;
    }
    cur_accept(&c, "+");
    if (!cur_end(&c) || !num_times(num, mult > 0 ? mult : 1, &v) || v < 1 || v > GUESTS_MAX) {
        return RB_EPARSE;
    }
    *count = v;
    return RB_OK;
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
        if (is_digit(ch) && nd < sizeof digits) {
            digits[nd++] = ch;
        } else if (ch == '+' && nd == 0 && !plus) {
            plus = true;
        } else if (!strchr(" \t-.()", ch) || ch == '\0') {
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
    int rc = tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    n = tk.n;
    if (n > 1 && tok_in(&tk.t[n - 1], vocab_words(suffixes))) {
        n--;
    }
    for (size_t i = 0; w[i].w; i++) {
        if (w[i].v >= 1 && w[i].v <= ncanons && toks_match(tk.t, n, w[i].w)) {
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

    if (toks_match_any(t, n, vocab_words(VOC_YTD)) >= 0) {
        return "ytd";
    }
    if (n == 1) {
        switch (tok_val(t, vocab_list(VOC_REL))) {
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
    det = tok_val(&t[0], vocab_list(VOC_DET));
    unit = tok_val(&t[1], vocab_list(VOC_UNIT));
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

    if ((cur_accept(c, "q") || cur_accept(c, "quarter") || cur_accept(c, "qtr")) && cur_peek(c) &&
        tok_uint(cur_peek(c), 1, q) && *q >= 1 && *q <= 4) {
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

    if (cur_year4(c, y)) {
        return;
    }
    det = cur_val(c, vocab_list(VOC_DET));
    if ((det == DET_THIS || det == DET_LAST) && cur_val(c, vocab_list(VOC_UNIT)) == UNIT_YEAR) {
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
    if (cur_year4(&c, y)) {
        cur_accept(&c, "-");
        return cur_q(&c, q) && cur_end(&c);
    }
    if (!cur_q(&c, q)) {
        *q = cur_val(&c, vocab_list(VOC_QUARTER));
        if (*q <= 0 && !(cur_day(&c, q, &ordinal) && ordinal && *q <= 4)) {
            return false;
        }
        if (!cur_accept(&c, "quarter") && !cur_accept(&c, "qtr")) {
            return false;
        }
        cur_accept(&c, "of");
    }
    cur_accept(&c, ",");
    cur_period_year(&c, now_y, y);
    return cur_end(&c);
}

/* "january", "jan 2026", "january, 2026", "2026-01", "december pichle saal". */
static bool period_month(const struct tok *t, size_t n, int now_y, int *m, int *y)
{
    struct cur c = {t, n, 0};
    int part[3];
    size_t digits[3], np;

    *y = 0;
    if (n == 1 && num_parts(&t[0], "-", part, digits, &np) && np == 2 && digits[0] == 4 &&
        digits[1] <= 2) {
        *y = part[0];
        *m = part[1];
        return *m >= 1 && *m <= 12 && *y >= 1900;
    }
    *m = cur_val(&c, vocab_list(VOC_MONTH));
    if (*m <= 0) {
        return false;
    }
    cur_accept(&c, ",");
    cur_period_year(&c, now_y, y);
    return cur_end(&c);
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
    rc = tokenize(s, &tk);
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
    if (cur_year4(&c, &y) && cur_end(&c)) {
        period_format(out, y, 'Y', 0);
        return RB_OK;
    }
    return RB_EPARSE;
}
