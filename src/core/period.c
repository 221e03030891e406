/*
 * period.c - report period words into [from, to) local dates (period.h).
 */
#include "core/period.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rb_date ymd(int y, int m, int d)
{
    struct rb_date r = {y, m, d};
    return r;
}

/* The first day of month m of year y, m may run past 12 or below 1. */
static struct rb_date month_start(int y, int m)
{
    while (m > 12) {
        m -= 12;
        y++;
    }
    while (m < 1) {
        m += 12;
        y--;
    }
    return ymd(y, m, 1);
}

static void set(struct period *out, struct rb_date from, struct rb_date to, enum period_kind k,
                const char *name)
{
    out->from = from;
    out->to = to;
    out->kind = k;
    snprintf(out->name, sizeof(out->name), "%s", name);
}

/* "dddd" at s (exactly n digits) into *v. */
static bool digits(const char *s, size_t n, int *v)
{
    int x = 0;

    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

int period_parse(const char *word, struct rb_date today, struct period *out)
{
    struct period p;
    size_t n = word ? strlen(word) : 0;
    int y, m, q, wd = date_weekday(today), qs = ((today.m - 1) / 3) * 3 + 1;
    struct rb_date monday = date_add_days(today, -wd), tomorrow = date_add_days(today, 1);

    if (!word || n == 0 || n >= sizeof(p.name) || !date_valid(today)) {
        return RB_EPARSE;
    }
    if (strcmp(word, "today") == 0) {
        set(&p, today, tomorrow, PERIOD_DAY, word);
    } else if (strcmp(word, "yesterday") == 0) {
        set(&p, date_add_days(today, -1), today, PERIOD_DAY, word);
    } else if (strcmp(word, "this_week") == 0) {
        set(&p, monday, date_add_days(monday, 7), PERIOD_WEEK, word);
    } else if (strcmp(word, "last_week") == 0) {
        set(&p, date_add_days(monday, -7), monday, PERIOD_WEEK, word);
    } else if (strcmp(word, "this_month") == 0) {
        set(&p, ymd(today.y, today.m, 1), month_start(today.y, today.m + 1), PERIOD_MONTH, word);
    } else if (strcmp(word, "last_month") == 0) {
        set(&p, month_start(today.y, today.m - 1), ymd(today.y, today.m, 1), PERIOD_MONTH, word);
    } else if (strcmp(word, "this_quarter") == 0) {
        set(&p, ymd(today.y, qs, 1), month_start(today.y, qs + 3), PERIOD_QUARTER, word);
    } else if (strcmp(word, "last_quarter") == 0) {
        set(&p, month_start(today.y, qs - 3), ymd(today.y, qs, 1), PERIOD_QUARTER, word);
    } else if (strcmp(word, "ytd") == 0) {
        set(&p, ymd(today.y, 1, 1), tomorrow, PERIOD_YTD, word);
    } else if (strcmp(word, "last_year") == 0) {
        set(&p, ymd(today.y - 1, 1, 1), ymd(today.y, 1, 1), PERIOD_YEAR, word);
    } else if (n == 4 && digits(word, 4, &y) && y >= 1900) {
        set(&p, ymd(y, 1, 1), ymd(y + 1, 1, 1), PERIOD_YEAR, word);
    } else if (n == 7 && digits(word, 4, &y) && word[4] == '-' && digits(word + 5, 2, &m) &&
               y >= 1900 && m >= 1 && m <= 12) {
        set(&p, ymd(y, m, 1), month_start(y, m + 1), PERIOD_MONTH, word);
    } else if (n == 7 && digits(word, 4, &y) && word[4] == '-' &&
               (word[5] == 'Q' || word[5] == 'q') && digits(word + 6, 1, &q) && y >= 1900 &&
               q >= 1 && q <= 4) {
        set(&p, ymd(y, (q - 1) * 3 + 1, 1), month_start(y, q * 3 + 1), PERIOD_QUARTER, word);
        p.name[5] = 'Q';
    } else {
        return RB_EPARSE;
    }
    *out = p;
    return RB_OK;
}

void period_previous(const struct period *p, struct period *out)
{
    struct period r = *p;
    int64_t days = date_to_days(p->to) - date_to_days(p->from);

    r.name[0] = '\0';
    switch (p->kind) {
    case PERIOD_DAY:
    case PERIOD_WEEK:
        r.from = date_add_days(p->from, -(int)days);
        r.to = p->from;
        break;
    case PERIOD_MONTH:
        r.from = month_start(p->from.y, p->from.m - 1);
        r.to = p->from;
        break;
    case PERIOD_QUARTER:
        r.from = month_start(p->from.y, p->from.m - 3);
        r.to = p->from;
        break;
    case PERIOD_YEAR:
        r.from = ymd(p->from.y - 1, 1, 1);
        r.to = p->from;
        break;
    case PERIOD_YTD: {
        /* 1 January to the same day a year before (29 Feb -> 1 Mar) */
        struct rb_date last = date_add_days(p->to, -1);
        struct rb_date prev = {last.y - 1, last.m, last.d};

        if (!date_valid(prev)) {
            prev = ymd(last.y - 1, 3, 1);
            r.to = prev;
        } else {
            r.to = date_add_days(prev, 1);
        }
        r.from = ymd(p->from.y - 1, 1, 1);
        break;
    }
    }
    *out = r;
}

bool period_contains(const struct period *p, struct rb_date d)
{
    return date_cmp(d, p->from) >= 0 && date_cmp(d, p->to) < 0;
}

struct rb_date period_last_day(const struct period *p)
{
    return date_add_days(p->to, -1);
}
