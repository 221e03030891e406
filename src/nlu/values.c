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

struct word_val {
    const char *w;
    int v;
};

/* ---- word tables (reference/urdu-text.md §6-§9) ---- */

static const struct word_val month_words[] = {
    {"january", 1},   {"jan", 1},        {"janwari", 1},   {"janwary", 1},   {"janvari", 1},
    {"janvary", 1},   {"jenuary", 1},    {"جنوری", 1},     {"february", 2},  {"feb", 2},
    {"febuary", 2},   {"feburary", 2},   {"februray", 2},  {"febraury", 2},  {"farwari", 2},
    {"farvari", 2},   {"فروری", 2},      {"march", 3},     {"mar", 3},       {"maarch", 3},
    {"مارچ", 3},      {"april", 4},      {"apr", 4},       {"aprail", 4},    {"aprel", 4},
    {"apreil", 4},    {"aprill", 4},     {"اپریل", 4},     {"may", 5},       {"mai", 5},
    {"mayi", 5},      {"میی", 5},        {"می", 5},        {"june", 6},      {"jun", 6},
    {"joon", 6},      {"جون", 6},        {"july", 7},      {"jul", 7},       {"julai", 7},
    {"jolai", 7},     {"julaai", 7},     {"جولایی", 7},    {"جولای", 7},     {"august", 8},
    {"aug", 8},       {"agast", 8},      {"agust", 8},     {"augest", 8},    {"اگست", 8},
    {"september", 9}, {"sep", 9},        {"sept", 9},      {"septmber", 9},  {"setember", 9},
    {"sitambar", 9},  {"ستمبر", 9},      {"october", 10},  {"oct", 10},      {"octuber", 10},
    {"aktubar", 10},  {"اکتوبر", 10},    {"november", 11}, {"nov", 11},      {"novmber", 11},
    {"navambar", 11}, {"nomber", 11},    {"نومبر", 11},    {"december", 12}, {"dec", 12},
    {"decmber", 12},  {"disambar", 12},  {"dasambar", 12}, {"دسمبر", 12},    {NULL, 0},
};

/* 0 = Monday ... 6 = Sunday, as date_weekday. */
static const struct word_val weekday_words[] = {
    {"monday", 0},    {"mon", 0},        {"peer", 0},      {"pir", 0},       {"somwar", 0},
    {"somvar", 0},    {"پیر", 0},        {"سوموار", 0},    {"tuesday", 1},   {"tue", 1},
    {"tues", 1},      {"mangal", 1},     {"mangalwar", 1}, {"منگل", 1},      {"wednesday", 2},
    {"wed", 2},       {"budh", 2},       {"budhwar", 2},   {"bud", 2},       {"بدہ", 2},
    {"thursday", 3},  {"thu", 3},        {"thur", 3},      {"thurs", 3},     {"jumerat", 3},
    {"jumeraat", 3},  {"jumaraat", 3},   {"jumairat", 3},  {"جمعرات", 3},    {"friday", 4},
    {"fri", 4},       {"juma", 4},       {"jumma", 4},     {"jumah", 4},     {"jummah", 4},
    {"jumay", 4},     {"jumme", 4},      {"jummay", 4},    {"جمعہ", 4},      {"جمعے", 4},
    {"saturday", 5},  {"sat", 5},        {"sanichar", 5},  {"hafta", 5},     {"hafte", 5},
    {"haftay", 5},    {"hafty", 5},      {"ہفتہ", 5},      {"ہفتے", 5},      {"sunday", 6},
    {"sun", 6},       {"itwar", 6},      {"itwaar", 6},    {"atwar", 6},     {"اتوار", 6},
    {NULL, 0},
};

enum det { DET_THIS = 1, DET_NEXT, DET_LAST };

static const struct word_val det_words[] = {
    {"this", DET_THIS},    {"is", DET_THIS},      {"iss", DET_THIS},      {"ye", DET_THIS},
    {"yeh", DET_THIS},     {"current", DET_THIS}, {"اس", DET_THIS},       {"یہ", DET_THIS},
    {"next", DET_NEXT},    {"agle", DET_NEXT},    {"agla", DET_NEXT},     {"aglay", DET_NEXT},
    {"agly", DET_NEXT},    {"agli", DET_NEXT},    {"coming", DET_NEXT},   {"upcoming", DET_NEXT},
    {"اگلے", DET_NEXT},    {"اگلا", DET_NEXT},    {"اگلی", DET_NEXT},     {"last", DET_LAST},
    {"previous", DET_LAST}, {"prev", DET_LAST},   {"pichle", DET_LAST},   {"pichla", DET_LAST},
    {"pichli", DET_LAST},  {"pichhle", DET_LAST}, {"pichhla", DET_LAST},  {"pichlay", DET_LAST},
    {"pichly", DET_LAST},  {"guzishta", DET_LAST}, {"پچہلے", DET_LAST},   {"پچہلا", DET_LAST},
    {"پچہلی", DET_LAST},   {"گزشتہ", DET_LAST},   {NULL, 0},
};

enum unit { UNIT_WEEK = 1, UNIT_MONTH, UNIT_QUARTER, UNIT_YEAR };

static const struct word_val unit_words[] = {
    {"week", UNIT_WEEK},       {"hafte", UNIT_WEEK},     {"hafta", UNIT_WEEK},
    {"haftay", UNIT_WEEK},     {"hafty", UNIT_WEEK},     {"ہفتے", UNIT_WEEK},
    {"ہفتہ", UNIT_WEEK},       {"month", UNIT_MONTH},    {"mahine", UNIT_MONTH},
    {"mahina", UNIT_MONTH},    {"mahinay", UNIT_MONTH},  {"mahiny", UNIT_MONTH},
    {"maheena", UNIT_MONTH},   {"maheene", UNIT_MONTH},  {"مہینے", UNIT_MONTH},
    {"مہینہ", UNIT_MONTH},     {"ماہ", UNIT_MONTH},      {"quarter", UNIT_QUARTER},
    {"qtr", UNIT_QUARTER},     {"year", UNIT_YEAR},      {"saal", UNIT_YEAR},
    {"sal", UNIT_YEAR},        {"سال", UNIT_YEAR},       {NULL, 0},
};

enum rel { REL_TODAY = 1, REL_KAL, REL_TOMORROW, REL_PARSON, REL_YESTERDAY };

static const struct word_val rel_words[] = {
    {"aaj", REL_TODAY},        {"aj", REL_TODAY},         {"aajj", REL_TODAY},
    {"today", REL_TODAY},      {"آج", REL_TODAY},         {"kal", REL_KAL},
    {"kl", REL_KAL},           {"kall", REL_KAL},         {"کل", REL_KAL},
    {"tomorrow", REL_TOMORROW}, {"tmrw", REL_TOMORROW},   {"tmr", REL_TOMORROW},
    {"tomorow", REL_TOMORROW}, {"tommorow", REL_TOMORROW}, {"tommorrow", REL_TOMORROW},
    {"parson", REL_PARSON},    {"parso", REL_PARSON},     {"parsoon", REL_PARSON},
    {"parsun", REL_PARSON},    {"پرسوں", REL_PARSON},     {"yesterday", REL_YESTERDAY},
    {NULL, 0},
};

static const char *const ko_words[] = {"ko", "کو", NULL};
static const char *const tareekh_words[] = {"tareekh", "tarikh", "tareek", "tarik", "date",
                                            "تاریخ", NULL};
static const char *const ordinal_words[] = {"st", "nd", "rd", "th", NULL};
static const char *const range_sep_words[] = {"se", "سے", "to", "till", "until", "-", NULL};
static const char *const range_end_words[] = {"tak", "tk", "تک", NULL};

enum tw { TW_MORNING = 1, TW_NOON, TW_AFTERNOON, TW_EVENING, TW_NIGHT };

static const struct word_val timeword_words[] = {
    {"subah", TW_MORNING},    {"subha", TW_MORNING},    {"sobah", TW_MORNING},
    {"subh", TW_MORNING},     {"savere", TW_MORNING},   {"savera", TW_MORNING},
    {"morning", TW_MORNING},  {"صبح", TW_MORNING},      {"dopahar", TW_NOON},
    {"dopehar", TW_NOON},     {"dupehar", TW_NOON},     {"dopher", TW_NOON},
    {"dupahar", TW_NOON},     {"dopaher", TW_NOON},     {"noon", TW_NOON},
    {"afternoon", TW_NOON},   {"دوپہر", TW_NOON},       {"sehpehar", TW_AFTERNOON},
    {"sehpahar", TW_AFTERNOON}, {"sham", TW_EVENING},   {"shaam", TW_EVENING},
    {"evening", TW_EVENING},  {"شام", TW_EVENING},      {"raat", TW_NIGHT},
    {"rat", TW_NIGHT},        {"night", TW_NIGHT},      {"رات", TW_NIGHT},
    {NULL, 0},
};

static const char *const baje_words[] = {"baje", "bje",   "bajay", "bajey", "bjay", "bajy",
                                         "baj",  "bjy",   "o'clock", "oclock", "بجے", NULL};

enum frac { FRAC_SAWA = 1, FRAC_SAADHE, FRAC_PAUNE, FRAC_DEDH, FRAC_DHAI };

static const struct word_val frac_words[] = {
    {"sawa", FRAC_SAWA},     {"sava", FRAC_SAWA},     {"سوا", FRAC_SAWA},
    {"saadhe", FRAC_SAADHE}, {"sadhe", FRAC_SAADHE},  {"sarhe", FRAC_SAADHE},
    {"saarhe", FRAC_SAADHE}, {"saade", FRAC_SAADHE},  {"sade", FRAC_SAADHE},
    {"ساڑہے", FRAC_SAADHE},  {"paune", FRAC_PAUNE},   {"pone", FRAC_PAUNE},
    {"pauney", FRAC_PAUNE},  {"پونے", FRAC_PAUNE},    {"dedh", FRAC_DEDH},
    {"deedh", FRAC_DEDH},    {"derh", FRAC_DEDH},     {"ڈیڑہ", FRAC_DEDH},
    {"dhai", FRAC_DHAI},     {"adhai", FRAC_DHAI},    {"arhai", FRAC_DHAI},
    {"dhaai", FRAC_DHAI},    {"ڈہایی", FRAC_DHAI},    {NULL, 0},
};

static const struct word_val number_words[] = {
    {"ek", 1},       {"aik", 1},      {"one", 1},      {"do", 2},       {"two", 2},
    {"teen", 3},     {"three", 3},    {"char", 4},     {"chaar", 4},    {"four", 4},
    {"panch", 5},    {"paanch", 5},   {"five", 5},     {"chay", 6},     {"chhe", 6},
    {"che", 6},      {"chhay", 6},    {"six", 6},      {"saat", 7},     {"seven", 7},
    {"aath", 8},     {"eight", 8},    {"nau", 9},      {"nine", 9},     {"das", 10},
    {"ten", 10},     {"gyarah", 11},  {"barah", 12},   {"pandrah", 15}, {"bees", 20},
    {"twenty", 20},  {"pachees", 25}, {"tees", 30},    {"chalees", 40}, {"pachas", 50},
    {"pachaas", 50}, {"fifty", 50},   {"saath", 60},   {"sattar", 70},  {"assi", 80},
    {"nabbe", 90},   {"ایک", 1},      {"دو", 2},       {"تین", 3},      {"چار", 4},
    {"پانچ", 5},     {"چہ", 6},       {"سات", 7},      {"آٹہ", 8},      {"نو", 9},
    {"دس", 10},      {"بیس", 20},     {"تیس", 30},     {"چالیس", 40},   {"پچاس", 50},
    {"ساٹہ", 60},    {"ستر", 70},     {"اسی", 80},     {"نوے", 90},     {NULL, 0},
};

/* Multipliers, in rupees per unit. */
static const struct word_val multiplier_words[] = {
    {"hundred", 100},       {"sau", 100},           {"سو", 100},
    {"k", 1000},            {"thousand", 1000},     {"hazar", 1000},
    {"hazaar", 1000},       {"hzar", 1000},         {"hajar", 1000},
    {"ہزار", 1000},         {"lakh", 100000},       {"lac", 100000},
    {"lacs", 100000},       {"lakhs", 100000},      {"laakh", 100000},
    {"lk", 100000},         {"l", 100000},          {"لاکہ", 100000},
    {"million", 1000000},   {"mn", 1000000},        {"crore", 10000000},
    {"crores", 10000000},   {"cr", 10000000},       {"karor", 10000000},
    {"karod", 10000000},    {"کروڑ", 10000000},     {NULL, 0},
};

static const char *const currency_words[] = {"rs",     "pkr",    "rupay", "rupaye", "rupees",
                                             "rupee",  "rupey",  "روپے",  "روپیہ", NULL};

static const char *const guest_words[] = {
    "guests", "guest",   "log",      "loag",     "logon",  "bande",  "banday", "afraad",
    "afrad",  "pax",     "people",   "persons",  "person", "heads",  "mehman", "mehmaan",
    "mehmano", "mehmaano", "mehmanon", "مہمان",  "لوگ",    "افراد",  "بندے",   NULL};

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
        while (i < len && (is_digit(p[i]) || (is_num_sep(p[i]) && i + 1 < len &&
                                              is_digit(p[i + 1])))) {
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
static int tok_val(const struct tok *t, const struct word_val *tab)
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

        if (i == n || t[i].kind == TOK_NUM || !eq_ci_n(t[i].s, p, wlen)) {
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
static int cur_val(struct cur *c, const struct word_val *tab)
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
    *ordinal = cur_accept_in(c, ordinal_words);
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
    ds->weekday = cur_val(&c, weekday_words);
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
        ds->m = cur_val(&c, month_words);
        if (ds->m > 0) {
            cur_accept(&c, ",");
            cur_year4(&c, &ds->y);
        } else {
            ds->m = 0;
            if (!cur_accept_in(&c, tareekh_words) && !ordinal && !bare_day) {
                return false;
            }
        }
    } else {
        ds->m = cur_val(&c, month_words);
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
static bool date_spec_resolve(const struct date_spec *ds, struct rb_date today,
                              struct rb_date *out)
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
        switch (tok_val(t, rel_words)) {
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
        det = tok_val(&t[0], det_words);
        if (det < 0 || tok_val(&t[1], unit_words) == UNIT_WEEK) {
            return false;
        }
        t++;
        n--;
    }
    if (n != 1) {
        return false;
    }
    wd = tok_val(t, weekday_words);
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

/* One day, in any of the forms above, with "on ..." and "... ko" allowed. */
static bool single_date(const struct tok *t, size_t n, const struct nlu_now *ctx,
                        struct rb_date *out)
{
    struct date_spec ds;

    if (n > 1 && tok_in(&t[n - 1], ko_words)) {
        n--;
    }
    if (n > 1 && tok_is(&t[0], "on")) {
        t++;
        n--;
    }
    if (relative_day(t, n, ctx, out) || weekday_ref(t, n, ctx->now.date, out)) {
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

    if (n > 2 && tok_in(&t[n - 1], ko_words)) {
        n--;
    }
    if (n != 2) {
        return false;
    }
    det = tok_val(&t[0], det_words);
    unit = tok_val(&t[1], unit_words);
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
static bool range_start(const struct tok *t, size_t n, const struct nlu_now *ctx,
                        struct rb_date b, struct rb_date *a)
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

    if (n > 1 && tok_in(&t[n - 1], range_end_words)) {
        n--;
    }
    if (n > 1 && (tok_is(&t[0], "from") || tok_is(&t[0], "between"))) {
        t++;
        n--;
    }
    if (n >= 2 && day_pair(&t[0], &d1, &d2)) {
        struct cur c = {t, n, 1}; /* "15-20 march [2026]" */
        ds.d = d2;
        ds.m = cur_val(&c, month_words);
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
        if (!tok_in(&t[k], range_sep_words) || !single_date(t + k + 1, n - k - 1, ctx, &b)) {
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
