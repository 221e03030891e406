/* links: store/reports store/db */
/*
 * test_reports.c - report periods as [from, to) local dates (core/period),
 * money in lakh and thousand grouping and percentages (store/reports).
 */
#include "core/period.h"
#include "store/reports.h"

#include "../lib/harness.h"

static struct rb_date D(int y, int m, int d) {
    struct rb_date r = {y, m, d};
    return r;
}

/* word parsed on `today` into "from..to" (to exclusive) */
static const char *
range(const char *word, struct rb_date today)
{
    static char out[64];
    struct period p;
    char a[11], b[11];

    if (period_parse(word, today, &p) != RB_OK) {
        return "EPARSE";
    }
    date_format(p.from, a);
    date_format(p.to, b);
    snprintf(out, sizeof(out), "%s..%s", a, b);
    return out;
}

/* Tuesday 10 March 2026 */
#define TODAY D(2026, 3, 10)

/* "word on today gives from..to"; "EPARSE" when the word is refused. */
struct range_case {
    int line;
    const char *word;
    struct rb_date today;
    const char *want;
};

static void check_ranges(const struct range_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = range(cases[i].word, cases[i].today);

        if (strcmp(got, cases[i].want) != 0) {
            printf("  %s:%d: \"%s\": expected %s, got %s\n", __FILE__, cases[i].line, cases[i].word,
                   cases[i].want, got);
        }
        CHECK_STR(got, cases[i].want);
    }
}

#define CHECK_RANGES(cases) check_ranges(cases, sizeof(cases) / sizeof(cases[0]))

TEST(named_periods)
{
    const struct range_case cases[] = {
        {__LINE__, "today", TODAY, "2026-03-10..2026-03-11"},
        {__LINE__, "yesterday", TODAY, "2026-03-09..2026-03-10"},
        {__LINE__, "this_week", TODAY, "2026-03-09..2026-03-16"},
        {__LINE__, "last_week", TODAY, "2026-03-02..2026-03-09"},
        {__LINE__, "this_month", TODAY, "2026-03-01..2026-04-01"},
        {__LINE__, "last_month", TODAY, "2026-02-01..2026-03-01"},
        {__LINE__, "this_quarter", TODAY, "2026-01-01..2026-04-01"},
        {__LINE__, "last_quarter", TODAY, "2025-10-01..2026-01-01"},
        {__LINE__, "ytd", TODAY, "2026-01-01..2026-03-11"},
        {__LINE__, "last_year", TODAY, "2025-01-01..2026-01-01"},
    };

    CHECK_RANGES(cases);
}

TEST(dated_periods)
{
    const struct range_case cases[] = {
        {__LINE__, "2026-01", TODAY, "2026-01-01..2026-02-01"},
        {__LINE__, "2025-12", TODAY, "2025-12-01..2026-01-01"},
        {__LINE__, "2026-Q1", TODAY, "2026-01-01..2026-04-01"},
        {__LINE__, "2025-Q4", TODAY, "2025-10-01..2026-01-01"},
        {__LINE__, "2024", TODAY, "2024-01-01..2025-01-01"},
        {__LINE__, "2024-02", TODAY, "2024-02-01..2024-03-01"},
    };

    CHECK_RANGES(cases);
}

TEST(period_edges)
{
    const struct range_case cases[] = {
        /* a Monday and a Sunday are in their own week */
        {__LINE__, "this_week", D(2026, 3, 9), "2026-03-09..2026-03-16"},
        {__LINE__, "this_week", D(2026, 3, 15), "2026-03-09..2026-03-16"},
        /* January: last month and last quarter are last year's */
        {__LINE__, "last_month", D(2026, 1, 5), "2025-12-01..2026-01-01"},
        {__LINE__, "last_quarter", D(2026, 1, 5), "2025-10-01..2026-01-01"},
        {__LINE__, "yesterday", D(2026, 1, 1), "2025-12-31..2026-01-01"},
        {__LINE__, "this_month", D(2026, 12, 31), "2026-12-01..2027-01-01"},
        {__LINE__, "this_quarter", D(2026, 12, 31), "2026-10-01..2027-01-01"},
    };

    CHECK_RANGES(cases);
}

TEST(bad_periods)
{
    const struct range_case cases[] = {
        {__LINE__, "2026-13", TODAY, "EPARSE"},    {__LINE__, "2026-00", TODAY, "EPARSE"},
        {__LINE__, "2026-Q5", TODAY, "EPARSE"},    {__LINE__, "2026-Q0", TODAY, "EPARSE"},
        {__LINE__, "", TODAY, "EPARSE"},           {__LINE__, "next_month", TODAY, "EPARSE"},
        {__LINE__, "26-01", TODAY, "EPARSE"},      {__LINE__, "2026-1", TODAY, "EPARSE"},
        {__LINE__, "this_week ", TODAY, "EPARSE"},
    };

    CHECK_RANGES(cases);
    CHECK_INT(period_parse(NULL, TODAY, &(struct period){0}), RB_EPARSE);
}

TEST(previous_periods)
{
    struct period p, q;
    char a[11], b[11];

#define PREV(word, today, want)                                                                    \
    do {                                                                                           \
        CHECK_INT(period_parse(word, today, &p), RB_OK);                                           \
        period_previous(&p, &q);                                                                   \
        date_format(q.from, a);                                                                    \
        date_format(q.to, b);                                                                      \
        char got[32];                                                                              \
        snprintf(got, sizeof(got), "%s..%s", a, b);                                                \
        CHECK_STR(got, want);                                                                      \
    } while (0)
    PREV("last_week", TODAY, "2026-02-23..2026-03-02");
    PREV("2026-01", TODAY, "2025-12-01..2026-01-01");
    PREV("2026-03", TODAY, "2026-02-01..2026-03-01");
    PREV("2026-Q1", TODAY, "2025-10-01..2026-01-01");
    PREV("2025", TODAY, "2024-01-01..2025-01-01");
    PREV("today", TODAY, "2026-03-09..2026-03-10");
    PREV("ytd", TODAY, "2025-01-01..2025-03-11");
    PREV("ytd", D(2024, 2, 29), "2023-01-01..2023-03-01");
}

TEST(money)
{
    char m[REP_MONEY_MAX];

    rep_money(800000, true, "Rs", m);
    CHECK_STR(m, "Rs 8,00,000");
    rep_money(12000000, true, "Rs", m);
    CHECK_STR(m, "Rs 1,20,00,000");
    rep_money(999, true, "Rs", m);
    CHECK_STR(m, "Rs 999");
    rep_money(1000, true, "Rs", m);
    CHECK_STR(m, "Rs 1,000");
    rep_money(0, true, "Rs", m);
    CHECK_STR(m, "Rs 0");
    rep_money(800000, false, "Rs", m);
    CHECK_STR(m, "Rs 800,000");
    rep_money(1234567890, false, "", m);
    CHECK_STR(m, "1,234,567,890");
    rep_money(-150000, true, "Rs", m);
    CHECK_STR(m, "Rs -1,50,000");
    rep_money(INT64_MAX, true, "PKR", m);
    CHECK_STR(m, "PKR 92,23,37,20,36,85,47,75,807");
}

TEST(percent)
{
    CHECK(rep_pct(1, 3) == 33.3);
    CHECK(rep_pct(2, 3) == 66.7);
    CHECK(rep_pct(2, 8) == 25.0);
    CHECK(rep_pct(0, 2) == 0.0);
    CHECK(rep_pct(1, 0) == -1);
}

TEST(group_words)
{
    enum rep_by by;

    CHECK_INT(rep_by_parse("source", &by), RB_OK);
    CHECK_INT(by, REP_BY_SOURCE);
    CHECK_INT(rep_by_parse(NULL, &by), RB_OK);
    CHECK_INT(by, REP_BY_NONE);
    CHECK_INT(rep_by_parse("month", &by), RB_OK);
    CHECK_INT(by, REP_BY_MONTH);
    CHECK_INT(rep_by_parse("salesperson", &by), RB_EPARSE);
}

int main(void)
{
    RUN(named_periods);
    RUN(dated_periods);
    RUN(period_edges);
    RUN(bad_periods);
    RUN(previous_periods);
    RUN(money);
    RUN(percent);
    RUN(group_words);
    return harness_done();
}
