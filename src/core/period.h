/*
 * period.h - report periods (INTENTS.md `period`, `compare_period`) as
 * half-open ranges of local dates [from, to).
 *
 * The words: "YYYY-MM", "YYYY-Qn", "YYYY", today, yesterday, this_week,
 * last_week, this_month, last_month, this_quarter, last_quarter, ytd,
 * last_year. Weeks run Monday to Sunday. A "this_" period is the whole
 * calendar unit (its days after today hold nothing yet); today and ytd end
 * after today. Pure: today comes in.
 */
#ifndef RB_CORE_PERIOD_H
#define RB_CORE_PERIOD_H

#include <stdbool.h>

#include "core/clock.h"
#include "core/err.h"

enum period_kind { PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR, PERIOD_YTD };

struct period {
    struct rb_date from, to; /* [from, to): to is the day after the last day */
    enum period_kind kind;
    char name[16]; /* the word as canonical: "2026-01", "this_week" ... */
};

/* word into out for a venue whose local date is today. RB_EPARSE for
 * anything else (a month 13, "2026-Q5", an empty word). */
RB_MUST_CHECK int period_parse(const char *word, struct rb_date today, struct period *out);

/* The period of the same kind just before p: the month before a month, the
 * week before a week, last year's same span for ytd. name is "" then. */
void period_previous(const struct period *p, struct period *out);

/* True when date d lies in p. */
bool period_contains(const struct period *p, struct rb_date d);

/* The last day of p (to - 1 day). */
struct rb_date period_last_day(const struct period *p);

#endif
