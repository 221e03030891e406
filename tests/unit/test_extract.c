/* links: nlu/extract nlu/text nlu/vocab nlu/values nlu/values_date nlu/values_amount */
/*
 * Facts a client states in passing: the event date and the guest count,
 * only in forms that cannot mean anything else.
 */
#include "harness.h"
#include "words.h"

#include <string.h>

#include "nlu/extract.h"

/* "YYYY-MM-DD guests" for text read on 2026-11-23 10:00, "- 0" when none. */
static const char *facts(const char *text)
{
    static char out[64];
    struct nlu_now now = {.now = {{2026, 11, 23}, 10, 0}, .country_code = 92};
    struct event_facts f;
    char d[11] = "-";

    extract_event_facts(text, strlen(text), &now, &f);
    if (f.has_date) {
        date_format(f.date, d);
    }
    snprintf(out, sizeof(out), "%s %lld", d, (long long)f.guests);
    return out;
}

/* "the facts of text are want" */
struct facts_case {
    int line;
    const char *text;
    const char *want;
};

static void check_facts(const struct facts_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = facts(cases[i].text);

        if (strcmp(got, cases[i].want) != 0) {
            printf("  %s:%d: expected %s, got %s\n", __FILE__, cases[i].line, cases[i].want, got);
        }
        CHECK_STR(got, cases[i].want);
    }
}

TEST(dates_and_guests_in_roman_urdu_urdu_and_english)
{
    static const struct facts_case cases[] = {
        {__LINE__, "Assalam o alaikum, mujhe 14 feb ko barat ke liye hall chahiye 500 log",
         "2027-02-14 500"},
        {__LINE__, "15 March, 300 mehman", "2027-03-15 300"},
        {__LINE__, "Wedding on 20th December, around 250 guests. Rates?", "2026-12-20 250"},
        {__LINE__, "۱۵ مارچ کو ولیمہ ہے، ۴۰۰ مہمان", "2027-03-15 400"},
        {__LINE__, "date 15/3 hai", "2027-03-15 0"},
        {__LINE__, "shadi 05-01-2027 ko", "2027-01-05 0"},
        /* a day of next month is next month's (read on 23 November) */
        {__LINE__, "aoa, agle mahine 15 tareekh ko mayun ka function hai, 100 log, budget 3 lakh",
         "2026-12-15 100"},
        {__LINE__, "next month 5th ko mehndi", "2026-12-05 0"},
        {__LINE__, "agle mahine ki 2 tareekh", "2026-12-02 0"},
    };

    check_facts(cases, sizeof(cases) / sizeof(cases[0]));
}

TEST(what_is_not_a_fact)
{
    static const struct facts_case cases[] = {
        /* when to talk, not the event */
        {__LINE__, "kal baat karte hain", "- 0"},
        {__LINE__, "Friday ko call karein", "- 0"},
        /* a bare number is anything: a price, a phone, a time */
        {__LINE__, "rate 1500 per head?", "- 0"},
        {__LINE__, "mera number 03001234567 hai", "- 0"},
        {__LINE__, "4 baje call karna", "- 0"},
        /* a date already past is not the event */
        {__LINE__, "shadi 10-01-2026 ko hui thi", "- 0"},
        {__LINE__, "", "- 0"},
        {__LINE__, "\xff\xfe 14 feb", "- 0"},
    };

    check_facts(cases, sizeof(cases) / sizeof(cases[0]));
}

TEST(the_first_of_each_wins)
{
    CHECK_STR(facts("14 feb ya 21 feb, 300 se 400 log"), "2027-02-14 400");
}

int main(void)
{
    struct vocab *vocab = test_words_install();

    RUN(dates_and_guests_in_roman_urdu_urdu_and_english);
    RUN(what_is_not_a_fact);
    RUN(the_first_of_each_wins);
    vocab_free(vocab);
    return harness_done();
}
