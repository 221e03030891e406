/*
 * values_date.c - dates, ranges and times of day (values.h: value_date,
 * value_when, value_time).
 */
#include "nlu/values_impl.h"

#include <stdio.h>
#include <string.h>

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

/* A day of the month in words ("bees", "pandrah", "twenty second"): no
 * ordinal, so it needs a month or tareekh after it. */
static bool cur_day_word(struct cur *c, int *d, bool *ordinal)
{
    const struct tok *t = vt_cur_peek(c);
    int v = t ? vt_tok_val(t, vocab_list(VOC_DAY_WORD)) : -1, u;

    if (v < 1) {
        return false;
    }
    c->i++;
    if ((v == 20 || v == 30) && vt_tok_in(t, vocab_words(VOC_TENS)) && vt_cur_peek(c)) {
        u = vt_tok_val(vt_cur_peek(c), vocab_list(VOC_DAY_WORD));
        if (u >= 1 && u <= 9 && v + u <= 31) {
            c->i++;
            v += u; /* "twenty second" */
        }
    }
    *ordinal = false;
    *d = v;
    return true;
}

/* "15", "15th", "15 th", "pandrah": a day of the month; *ordinal says a suffix came. */
bool vt_cur_day(struct cur *c, int *d, bool *ordinal)
{
    const struct tok *t = vt_cur_peek(c);
    int v;

    if (t && t->kind == TOK_WORD) {
        return cur_day_word(c, d, ordinal);
    }
    if (!t || !vt_tok_uint(t, 2, &v) || v < 1 || v > 31) {
        return false;
    }
    c->i++;
    *ordinal = vt_cur_accept_in(c, vocab_words(VOC_ORDINAL));
    *d = v;
    return true;
}

/* A four-digit year. Two-digit years are read only in numeric dates, so
 * that "15 march 20" can be a date and a time. */
bool vt_cur_year4(struct cur *c, int *y)
{
    const struct tok *t = vt_cur_peek(c);
    int v;

    if (!t || t->s.len != 4 || !vt_tok_uint(t, 4, &v) || v < 1900) {
        return false;
    }
    c->i++;
    *y = v;
    return true;
}

/* Splits a NUM token at its separators (all the same one, from seps) into
 * at most 3 parts; *np parts, digits[i] digits each. */
bool vt_num_parts(const struct tok *t, const char *seps, int part[3], size_t digits[3], size_t *np)
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
        if (vt_is_digit(ch)) {
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

    if (!vt_num_parts(t, "/-.", part, digits, &np) || np < 2) {
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
    ds->weekday = vt_cur_val(&c, vocab_list(VOC_WEEKDAY));
    if (ds->weekday >= 0) {
        vt_cur_accept(&c, ",");
    }
    vt_cur_accept(&c, "the");
    if (vt_cur_peek(&c) && numeric_date(vt_cur_peek(&c), ds)) {
        c.i++;
        return vt_cur_end(&c);
    }
    if (vt_cur_day(&c, &ds->d, &ordinal)) {
        vt_cur_accept(&c, "of");
        ds->m = vt_cur_val(&c, vocab_list(VOC_MONTH));
        if (ds->m > 0) {
            vt_cur_accept(&c, ",");
            vt_cur_year4(&c, &ds->y);
        } else {
            ds->m = 0;
            if (!vt_cur_accept_in(&c, vocab_words(VOC_TAREEKH)) && !ordinal && !bare_day) {
                return false;
            }
        }
    } else {
        ds->m = vt_cur_val(&c, vocab_list(VOC_MONTH));
        if (ds->m > 0 && !vt_cur_accept(&c, "ki") && !vt_cur_accept(&c, "ke")) {
            vt_cur_accept(&c, "کی"); /* "dec ki 28", "جنوری کی 5 تاریخ" */
        }
        if (ds->m <= 0 || !vt_cur_day(&c, &ds->d, &ordinal)) {
            return false;
        }
        vt_cur_accept_in(&c, vocab_words(VOC_TAREEKH));
        vt_cur_accept(&c, ",");
        vt_cur_year4(&c, &ds->y);
    }
    return vt_cur_end(&c);
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

    if (vt_toks_match(t, n, "day after tomorrow")) {
        days = 2;
    } else if (vt_toks_match(t, n, "day before yesterday")) {
        days = -2;
    } else if (n != 1) {
        return false;
    } else {
        switch (vt_tok_val(t, vocab_list(VOC_REL))) {
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
        det = vt_tok_val(&t[0], vocab_list(VOC_DET));
        if (det < 0 || vt_tok_val(&t[1], vocab_list(VOC_UNIT)) == UNIT_WEEK) {
            return false;
        }
        t++;
        n--;
    }
    if (n != 1) {
        return false;
    }
    wd = vt_tok_val(t, vocab_list(VOC_WEEKDAY));
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
    if (vt_tok_uint(t, 2, k)) {
        return *k >= 1;
    }
    if (vt_tok_is(t, "a") || vt_tok_is(t, "an")) {
        *k = 1;
        return true;
    }
    *k = vt_tok_val(t, vocab_list(VOC_NUMBER));
    return *k >= 1 && *k <= 60;
}

/* The words around a delay, taken off *t and *n: "after"/"in" before it
 * (*pre), "baad"/"later"/"from now" (with "ke") after it (*post). */
static void delay_affixes(const struct tok **t, size_t *n, bool *pre, bool *post)
{
    *pre = *post = false;
    if (*n >= 3 && vt_tok_in(&(*t)[0], vocab_words(VOC_DELAY_PRE))) {
        *pre = true;
        (*t)++;
        (*n)--;
    }
    if (*n >= 3 && vt_toks_match(&(*t)[*n - 2], 2, "from now")) {
        *post = true;
        *n -= 2;
    } else if (*n >= 3 && vt_tok_in(&(*t)[*n - 1], vocab_words(VOC_DELAY_POST))) {
        *post = true;
        (*n)--;
        if (*n >= 3 && vt_tok_in(&(*t)[*n - 1], vocab_words(VOC_DELAY_KE))) {
            (*n)--;
        }
    }
}

/* A delay from today: "after 2 days", "in a week", "3 days later",
 * "2 din baad", "ek hafte ke baad", "3 days from now". */
static bool relative_delay(const struct tok *t, size_t n, struct rb_date today, struct rb_date *out)
{
    bool pre, post;
    int k, unit;

    delay_affixes(&t, &n, &pre, &post);
    if (n != 2 || pre == post) {
        return false;
    }
    if (!delay_count(&t[0], &k)) {
        return false;
    }
    if (vt_tok_in(&t[1], vocab_words(VOC_DELAY_DAY))) {
        unit = 1;
    } else if (vt_tok_val(&t[1], vocab_list(VOC_UNIT)) == UNIT_WEEK || vt_tok_is(&t[1], "weeks")) {
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
    if (vt_tok_val(&t[0], vocab_list(VOC_DET)) == DET_NEXT &&
        vt_tok_val(&t[1], vocab_list(VOC_UNIT)) == UNIT_WEEK) {
        wd = vt_tok_val(&t[2], vocab_list(VOC_WEEKDAY));
    } else if (vt_tok_val(&t[1], vocab_list(VOC_DET)) == DET_NEXT &&
               vt_tok_val(&t[2], vocab_list(VOC_UNIT)) == UNIT_WEEK) {
        wd = vt_tok_val(&t[0], vocab_list(VOC_WEEKDAY));
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

/* A day of this or next month: "agle mahine 15 tareekh", "next month 15th",
 * "agle mahine ki 15", "15 tareekh agle mahine" (the day must exist). */
static bool month_day(const struct tok *t, size_t n, struct rb_date today, struct rb_date *out)
{
    static const char *const ki[] = {"ki", "ke", "ka", "کی", "کے", "کا", "on", "the", NULL};
    struct date_spec ds;
    int det, m0;
    size_t from = 2, to = n;

    if (n < 3) {
        return false;
    }
    det = vt_tok_val(&t[0], vocab_list(VOC_DET));
    if (det >= 0 && vt_tok_val(&t[1], vocab_list(VOC_UNIT)) == UNIT_MONTH) {
        for (size_t k = 0; ki[k] && from < n - 1; k++) {
            if (vt_tok_is(&t[from], ki[k])) {
                from++;
                break;
            }
        }
    } else {
        det = vt_tok_val(&t[n - 2], vocab_list(VOC_DET));
        if (det < 0 || vt_tok_val(&t[n - 1], vocab_list(VOC_UNIT)) != UNIT_MONTH) {
            return false;
        }
        from = 0;
        to = n - 2;
    }
    if (det == DET_LAST || !date_spec_parse(t + from, to - from, true, &ds) || ds.m != 0 ||
        ds.y != 0) {
        return false;
    }
    m0 = today.y * 12 + today.m - 1 + (det == DET_NEXT);
    if (ds.d > date_days_in_month(m0 / 12, m0 % 12 + 1)) {
        return false;
    }
    *out = mkdate(m0 / 12, m0 % 12 + 1, ds.d);
    return true;
}

/* One day, in any of the forms above, with "on ..." and "... ko" allowed. */
static bool single_date(const struct tok *t, size_t n, const struct nlu_now *ctx,
                        struct rb_date *out)
{
    struct date_spec ds;

    if (n > 1 && vt_tok_in(&t[n - 1], vocab_words(VOC_KO))) {
        n--;
    }
    if (n > 1 && vt_tok_is(&t[0], "on")) {
        t++;
        n--;
    }
    if (relative_day(t, n, ctx, out) || weekday_ref(t, n, ctx->now.date, out)) {
        return true;
    }
    if (!ctx->past &&
        (relative_delay(t, n, ctx->now.date, out) || next_week_day(t, n, ctx->now.date, out) ||
         month_day(t, n, ctx->now.date, out))) {
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

    if (n > 1 && vt_tok_in(&t[n - 1], vocab_words(VOC_KO))) {
        n--;
    }
    if (n <= 2 && (vt_tok_is(&t[n - 1], "weekend") || vt_tok_is(&t[n - 1], "weekends") ||
                   vt_tok_is(&t[n - 1], "wikend"))) {
        det =
            n == 2 && !vt_tok_is(&t[0], "the") ? vt_tok_val(&t[0], vocab_list(VOC_DET)) : DET_THIS;
        if (det != DET_THIS && det != DET_NEXT) {
            return false;
        }
        /* this weekend: this week's Saturday (or today) to Sunday; next: next week's */
        *from = date_add_days(today, (det == DET_NEXT ? 12 : 5) - wd);
        if (date_cmp(*from, today) < 0) {
            *from = today;
        }
        *to = date_add_days(today, (det == DET_NEXT ? 13 : 6) - wd);
        return true;
    }
    if (n != 2) {
        return false;
    }
    det = vt_tok_val(&t[0], vocab_list(VOC_DET));
    unit = vt_tok_val(&t[1], vocab_list(VOC_UNIT));
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

    if (!vt_num_parts(t, "-", part, digits, &np) || np != 2 || digits[0] > 2 || digits[1] > 2) {
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

    if (n > 1 && vt_tok_in(&t[n - 1], vocab_words(VOC_RANGE_END))) {
        n--;
    }
    if (n > 1 && (vt_tok_is(&t[0], "from") || vt_tok_is(&t[0], "between"))) {
        t++;
        n--;
    }
    if (n >= 2 && day_pair(&t[0], &d1, &d2)) {
        struct cur c = {t, n, 1}; /* "15-20 march [2026]" */
        ds.d = d2;
        ds.m = vt_cur_val(&c, vocab_list(VOC_MONTH));
        ds.y = 0;
        ds.weekday = -1;
        vt_cur_year4(&c, &ds.y);
        if (ds.m <= 0 || !vt_cur_end(&c) || !date_spec_resolve(&ds, ctx->now.date, &b)) {
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
        if (!vt_tok_in(&t[k], vocab_words(VOC_RANGE_SEP)) ||
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
    int rc = vt_tokenize(s, &tk);

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

    if (c->i + 2 <= c->n && vt_toks_match(&c->t[c->i], 2, "سہ پہر")) {
        c->i += 2;
        return TW_AFTERNOON;
    }
    tw = vt_cur_val(c, vocab_list(VOC_TIMEWORD));
    return tw > 0 ? tw : 0;
}

enum ampm { AMPM_NONE = 0, AMPM_AM, AMPM_PM };

/* "am", "pm", or "a.m." as the tokens a . m. */
static int cur_ampm(struct cur *c)
{
    const struct tok *t = vt_cur_peek(c);
    int r;

    if (!t) {
        return AMPM_NONE;
    }
    if (vt_tok_is(t, "am") || vt_tok_is(t, "pm")) {
        c->i++;
        return vt_tok_is(t, "am") ? AMPM_AM : AMPM_PM;
    }
    if ((vt_tok_is(t, "a") || vt_tok_is(t, "p")) && c->i + 2 < c->n &&
        vt_tok_is(&c->t[c->i + 1], ".") && vt_tok_is(&c->t[c->i + 2], "m")) {
        r = vt_tok_is(t, "a") ? AMPM_AM : AMPM_PM;
        c->i += 3;
        vt_cur_accept(c, ".");
        return r;
    }
    return AMPM_NONE;
}

/* "4", "16:30", "4.30": an hour and maybe minutes. */
static bool cur_clock(struct cur *c, int *h, int *m, bool *has_min)
{
    const struct tok *t = vt_cur_peek(c);
    int part[3];
    size_t digits[3], np;

    if (!t || !vt_num_parts(t, ":.", part, digits, &np) || np > 2 || digits[0] > 2 ||
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

/* A phrase of list id at the cursor ("half past"), its value; -1 when none. */
static int cur_phrase_val(struct cur *c, enum vocab_id id)
{
    const struct vocab_word *w = vocab_list(id);
    size_t k;

    for (; w && w->w; w++) {
        k = 1;
        for (const char *p = w->w; *p; p++) {
            k += *p == ' ';
        }
        if (c->i + k <= c->n && vt_toks_match(&c->t[c->i], k, w->w)) {
            c->i += k;
            return w->v;
        }
    }
    return -1;
}

/* Minutes in words after an hour: "four thirty", "eleven forty five"; -1 when none. */
static int cur_minute_words(struct cur *c)
{
    const struct tok *t = vt_cur_peek(c);
    struct cur s = *c;
    int m;

    if (!t) {
        return -1;
    }
    m = vt_cur_val(c, vocab_list(VOC_NUMBER));
    if (m >= 20 && vt_tok_in(t, vocab_words(VOC_TENS)) && vt_cur_peek(c) &&
        vt_tok_in(vt_cur_peek(c), vocab_words(VOC_UNITS))) {
        m += vt_cur_val(c, vocab_list(VOC_NUMBER)); /* "forty five" */
    }
    if (m < 10 || m > 59) {
        *c = s;
        return -1;
    }
    return m;
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

    vt_cur_accept(&c, ",");
    if (!vt_cur_accept(&c, "at")) {
        vt_cur_accept(&c, "@");
    }
    vt_cur_accept_in(&c, vocab_words(VOC_APPROX));
    tw = cur_timeword(&c);
    if (tw) {
        vt_cur_accept_in(&c, vocab_words(VOC_KO));
        vt_cur_accept(&c, "at");
        vt_cur_accept_in(&c, vocab_words(VOC_APPROX));
    }
    frac = vt_cur_val(&c, vocab_list(VOC_FRAC));
    if (frac < 0) {
        frac = cur_phrase_val(&c, VOC_CLOCK_FRAC); /* "half past five" */
    }
    if (frac == FRAC_DEDH || frac == FRAC_DHAI) {
        h = frac == FRAC_DEDH ? 1 : 2;
    } else if (!cur_clock(&c, &h, &m, &has_min)) {
        h = vt_cur_val(&c, vocab_list(VOC_NUMBER)); /* "char baje", "saadhe saat" */
        if (h < 1 || h > 12) {
            return false;
        }
    }
    if (frac > 0 && (has_min || h == 0 || h > 12)) {
        return false;
    }
    if (frac <= 0 && !has_min && h >= 1 && h <= 12 && (m = cur_minute_words(&c)) >= 0) {
        has_min = true; /* "four thirty" */
    } else if (frac <= 0 && !has_min && h >= 1 && h <= 12 && vt_cur_peek(&c) &&
               vt_cur_peek(&c)->s.len == 2 && vt_tok_uint(vt_cur_peek(&c), 2, &m) && m <= 59 &&
               c.i + 1 < c.n) {
        c.i++; /* "4 30 pm", "4 30 baje": minutes after a space, before am/pm or baje */
        has_min = true;
    } else if (!has_min) {
        m = 0;
    }
    ampm = cur_ampm(&c);
    vt_cur_accept_in(&c, vocab_words(VOC_BAJE));
    ampm2 = cur_ampm(&c);
    tw2 = cur_timeword(&c);
    if (tw2) {
        vt_cur_accept_in(&c, vocab_words(VOC_KO));
    }
    if (!vt_cur_end(&c) || (ampm && ampm2) || (tw && tw2)) {
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
    int rc = vt_tokenize(s, &tk);

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

/* A delay from now in hours or minutes: "2 ghante baad", "in 2 hours", "30
 * minute baad", "3 hours later", "aadhe ghante baad"; minutes into *mins. */
static bool relative_time(const struct tok *t, size_t n, int *mins)
{
    bool pre, post;
    int k = 0, unit;

    if (n >= 1 && vt_tok_in(&t[0], vocab_words(VOC_DELAY_NOW))) {
        t++;
        n--;
    }
    delay_affixes(&t, &n, &pre, &post);
    if (pre == post) {
        return false;
    }
    if (n == 3 && vt_toks_match(t, 2, "half an") && vt_tok_is(&t[2], "hour")) {
        *mins = 30;
        return true;
    }
    if (n != 2) {
        return false;
    }
    if (vt_tok_in(&t[0], vocab_words(VOC_DELAY_HALF))) {
        k = -1;
    } else if (!delay_count(&t[0], &k)) {
        return false;
    }
    if (vt_tok_in(&t[1], vocab_words(VOC_DELAY_HOUR))) {
        unit = 60;
    } else if (vt_tok_in(&t[1], vocab_words(VOC_DELAY_MINUTE)) && k > 0) {
        unit = 1;
    } else {
        return false;
    }
    *mins = k < 0 ? 30 : k * unit;
    return *mins <= 48 * 60;
}

/* A day and a time; a time alone is today, or tomorrow when it has already
 * passed. */
int value_when(struct str s, const struct nlu_now *ctx, struct rb_datetime *out)
{
    struct toks tk;
    struct rb_date d;
    int minutes;
    bool small_hours;
    int rc = vt_tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    if (relative_time(tk.t, tk.n, &minutes)) {
        minutes += ctx->now.hour * 60 + ctx->now.min;
        d = date_add_days(ctx->now.date, minutes / (24 * 60));
        minutes %= 24 * 60;
    } else if (time_toks(tk.t, tk.n, &minutes, &small_hours)) {
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
