/* links: nlu/text nlu/vocab nlu/values nlu/values_date nlu/values_amount */
/*
 * test_values - the value parsers, table-driven.
 *
 * Each tests/fixtures/values/<kind>.tsv row is input<TAB>now<TAB>expected.
 * The input goes through text_normalize first, as the intent engine does.
 * now is "YYYY-MM-DDTHH:MM", with " past" after it for a question about the
 * past; phone.tsv puts the default country code there instead, and kinds
 * that take no clock write "-". expected is the canonical form, "a..b" for
 * a date range, or ERR for RB_EPARSE. Lines starting with # are comments.
 * A mismatch is reported as file:line with input, expected and actual.
 */
#include "harness.h"
#include "words.h"

#include <stdlib.h>
#include <unistd.h>

#include "core/buf.h"
#include "nlu/text.h"
#include "nlu/values.h"
#include "nlu/vocab.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/values/"
#endif

/* Runs one row: normalized input, the row's now, the answer into got. */
typedef void (*row_fn)(struct str in, const char *now, char *got, size_t cap);

static void put_rc(int rc, char *got, size_t cap)
{
    if (rc == RB_EPARSE) {
        snprintf(got, cap, "ERR");
    } else {
        snprintf(got, cap, "rc=%d", rc);
    }
}

/* "2026-03-14T10:00" or "2026-03-14T10:00 past". */
static struct nlu_now parse_now(const char *now)
{
    struct nlu_now n = {{{2026, 3, 14}, 10, 0}, 92, false};

    if (datetime_parse(now, &n.now) != RB_OK) {
        printf("  bad now column \"%s\"\n", now);
        harness_case_failed = 1;
        harness_failed_checks++;
    }
    n.past = strstr(now, " past") != NULL;
    return n;
}

static void row_date(struct str in, const char *now, char *got, size_t cap)
{
    struct nlu_now ctx = parse_now(now);
    struct rb_date a, b;
    bool range = false;
    char fa[11], fb[11];
    int rc = value_date(in, &ctx, &a, &b, &range);

    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    date_format(a, fa);
    date_format(b, fb);
    if (range) {
        snprintf(got, cap, "%s..%s", fa, fb);
    } else {
        snprintf(got, cap, "%s%s", fa, date_cmp(a, b) ? " (to differs)" : "");
    }
}

static void row_when(struct str in, const char *now, char *got, size_t cap)
{
    struct nlu_now ctx = parse_now(now);
    struct rb_datetime t;
    char f[17];
    int rc = value_when(in, &ctx, &t);

    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    datetime_format(t, f);
    snprintf(got, cap, "%s", f);
}

static void row_time(struct str in, const char *now, char *got, size_t cap)
{
    int h = -1, m = -1;
    int rc = value_time(in, &h, &m);

    (void)now;
    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    snprintf(got, cap, "%02d:%02d", h, m);
}

static void row_amount(struct str in, const char *now, char *got, size_t cap)
{
    int64_t v = -1;
    int rc = value_amount(in, &v);

    (void)now;
    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    snprintf(got, cap, "%lld", (long long)v);
}

static void row_guests(struct str in, const char *now, char *got, size_t cap)
{
    int64_t v = -1;
    int rc = value_guests(in, &v);

    (void)now;
    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    snprintf(got, cap, "%lld", (long long)v);
}

static void row_phone(struct str in, const char *cc, char *got, size_t cap)
{
    char out[20];
    int rc = value_phone(in, atoi(cc), out);

    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    snprintf(got, cap, "%s", out);
}

static void row_slot(struct str in, const char *now, char *got, size_t cap)
{
    const char *canon = NULL;
    int rc = value_slot(in, &canon);

    (void)now;
    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    snprintf(got, cap, "%s", canon);
}

static void row_milestone(struct str in, const char *now, char *got, size_t cap)
{
    const char *canon = NULL;
    int rc = value_milestone(in, &canon);

    (void)now;
    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    snprintf(got, cap, "%s", canon);
}

static void row_period(struct str in, const char *now, char *got, size_t cap)
{
    struct nlu_now ctx = parse_now(now);
    char out[16];
    int rc = value_period(in, &ctx, out);

    if (rc) {
        put_rc(rc, got, cap);
        return;
    }
    snprintf(got, cap, "%s", out);
}

/* Splits line into its three columns in place; false when it has not three. */
static bool split_row(char *line, char **in, char **now, char **expected)
{
    char *t1 = strchr(line, '\t');
    char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;

    if (!t1 || !t2 || strchr(t2 + 1, '\t')) {
        return false;
    }
    *t1 = '\0';
    *t2 = '\0';
    *in = line;
    *now = t1 + 1;
    *expected = t2 + 1;
    return true;
}

/* One row: normalize, parse, compare; a report on mismatch. */
static void check_row(const char *path, int lineno, char *line, row_fn fn, int *rows)
{
    char *in, *now, *expected;
    char got[96];
    struct buf key;
    int rc;

    if (!split_row(line, &in, &now, &expected)) {
        printf("  %s:%d: not three tab-separated columns\n", path, lineno);
        harness_case_failed = 1;
        harness_failed_checks++;
        return;
    }
    buf_init(&key, 4096);
    rc = text_normalize(in, strlen(in), &key);
    if (rc) {
        snprintf(got, sizeof got, "normalize rc=%d", rc);
    } else {
        fn(str_make(key.p, key.len), now, got, sizeof got);
    }
    if (strcmp(got, expected) != 0) {
        printf("  %s:%d: \"%s\" (now %s): expected %s, got %s\n", path, lineno, in, now, expected,
               got);
        harness_case_failed = 1;
        harness_failed_checks++;
    }
    buf_release(&key);
    (*rows)++;
}

static int total_rows;

static void run_table(const char *name, row_fn fn)
{
    char path[256];
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, rows = 0;

    snprintf(path, sizeof path, "%s%s", FIXTURES, name);
    f = fopen(path, "r");
    if (!f) {
        printf("  %s: cannot open (run from the project root)\n", path);
        harness_case_failed = 1;
        harness_failed_checks++;
        return;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        if (n == 0 || line[0] == '#') {
            continue;
        }
        check_row(path, lineno, line, fn, &rows);
    }
    free(line);
    fclose(f);
    CHECK(rows > 0);
    total_rows += rows;
}

TEST(dates_table)
{
    run_table("date.tsv", row_date);
}

TEST(when_table)
{
    run_table("when.tsv", row_when);
}

TEST(time_table)
{
    run_table("time.tsv", row_time);
}

TEST(amount_table)
{
    run_table("amount.tsv", row_amount);
}

TEST(guests_table)
{
    run_table("guests.tsv", row_guests);
}

TEST(phone_table)
{
    run_table("phone.tsv", row_phone);
}

TEST(slot_table)
{
    run_table("slot.tsv", row_slot);
}

TEST(milestone_table)
{
    run_table("milestone.tsv", row_milestone);
}

TEST(period_table)
{
    run_table("period.tsv", row_period);
}

/* The day written inside the time: "7:30 aaj raat" (from "7:30 tonight"),
 * "4 baje kal sham"; and a month said with "last year" as a report period. */
TEST(day_inside_time_and_last_year_months)
{
    struct nlu_now ctx = {{{2026, 3, 29}, 14, 0}, 92, false};
    struct rb_datetime t;
    char f[17], period[16];

    CHECK_INT(value_when(str_from("7:30 aaj raat"), &ctx, &t), RB_OK);
    datetime_format(t, f);
    CHECK_STR(f, "2026-03-29T19:30");
    CHECK_INT(value_when(str_from("4 baje kal sham"), &ctx, &t), RB_OK);
    datetime_format(t, f);
    CHECK_STR(f, "2026-03-30T16:00");
    CHECK_INT(value_when(str_from("subah 10 parson"), &ctx, &t), RB_OK);
    datetime_format(t, f);
    CHECK_STR(f, "2026-03-31T10:00");
    ctx.past = true;
    CHECK_INT(value_period(str_from("march last year"), &ctx, period), RB_OK);
    CHECK_STR(period, "2025-03");
    CHECK_INT(value_period(str_from("december pichle saal"), &ctx, period), RB_OK);
    CHECK_STR(period, "2025-12");
    CHECK_INT(value_period(str_from("quarter 4 last year"), &ctx, period), RB_OK);
    CHECK_STR(period, "2025-Q4");
    CHECK_INT(value_period(str_from("quarter 1"), &ctx, period), RB_OK);
    CHECK_STR(period, "2026-Q1");
    CHECK_INT(value_period(str_from("last year"), &ctx, period), RB_OK);
    CHECK_STR(period, "last_year");
}

/* Delays from today and weekdays of next week (2026-09-17 is a Thursday). */
TEST(relative_delays)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"after 2 days", "2026-09-19"},        {"in a week", "2026-09-24"},
        {"3 days later", "2026-09-20"},        {"2 din baad", "2026-09-19"},
        {"ek hafte ke baad", "2026-09-24"},    {"3 days from now", "2026-09-20"},
        {"in two days", "2026-09-19"},         {"after one week", "2026-09-24"},
        {"next week wednesday", "2026-09-23"}, {"agle hafte peer", "2026-09-21"},
        {"friday next week", "2026-09-25"},
    };
    struct nlu_now ctx = {{{2026, 9, 17}, 11, 0}, 92, false};
    struct rb_date a, b;
    struct rb_datetime t;
    bool range;
    char f[17];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT(value_date(str_from(cases[i].in), &ctx, &a, &b, &range), RB_OK);
        date_format(a, f);
        CHECK_STR(f, cases[i].want);
    }
    CHECK_INT(value_when(str_from("after 5 days at 4pm"), &ctx, &t), RB_OK);
    datetime_format(t, f);
    CHECK_STR(f, "2026-09-22T16:00");
    /* a delay needs its "after"/"in" or its "later"/"baad", and is no past */
    CHECK_INT(value_date(str_from("2 days"), &ctx, &a, &b, &range), RB_EPARSE);
    ctx.past = true;
    CHECK_INT(value_date(str_from("2 din baad"), &ctx, &a, &b, &range), RB_EPARSE);
}

/* Out-parameters stay as they were when a parser refuses. */
TEST(failures_leave_outputs_alone)
{
    struct nlu_now ctx = {{{2026, 3, 14}, 10, 0}, 92, false};
    struct rb_date a = {1, 2, 3}, b = {4, 5, 6};
    struct rb_datetime t = {{7, 8, 9}, 10, 11};
    bool range = true;
    int64_t v = 42;
    int h = 5, m = 6;
    char phone[20] = "unchanged";
    char period[16] = "unchanged";
    const char *canon = "unchanged";

    CHECK_INT(value_date(str_from("31 february"), &ctx, &a, &b, &range), RB_EPARSE);
    CHECK(a.y == 1 && a.m == 2 && a.d == 3 && b.y == 4 && range);
    CHECK_INT(value_when(str_from("kal"), &ctx, &t), RB_EPARSE);
    CHECK(t.date.y == 7 && t.hour == 10 && t.min == 11);
    CHECK_INT(value_time(str_from("25 baje"), &h, &m), RB_EPARSE);
    CHECK(h == 5 && m == 6);
    CHECK_INT(value_amount(str_from("8,00,000 lakh"), &v), RB_EPARSE);
    CHECK_INT(value_guests(str_from("many"), &v), RB_EPARSE);
    CHECK_INT(v, 42);
    CHECK_INT(value_phone(str_from("300123456"), 92, phone), RB_EPARSE);
    CHECK_STR(phone, "unchanged");
    CHECK_INT(value_period(str_from("next month"), &ctx, period), RB_EPARSE);
    CHECK_STR(period, "unchanged");
    CHECK_INT(value_slot(str_from("breakfast"), &canon), RB_EPARSE);
    CHECK_INT(value_milestone(str_from("fourth"), &canon), RB_EPARSE);
    CHECK_STR(canon, "unchanged");
}

/* Empty and blank slices, a NULL slice, and more tokens than fit. */
TEST(edges_of_the_slice)
{
    struct nlu_now ctx = {{{2026, 3, 14}, 10, 0}, 92, false};
    struct rb_date a, b;
    bool range;
    int64_t v;
    char many[400];
    size_t i;

    CHECK_INT(value_date(str_make(NULL, 0), &ctx, &a, &b, &range), RB_EPARSE);
    CHECK_INT(value_date(str_from("   "), &ctx, &a, &b, &range), RB_EPARSE);
    CHECK_INT(value_amount(str_from(""), &v), RB_EPARSE);
    many[0] = '\0';
    for (i = 0; i < 40; i++) {
        strcat(many, "8 ");
    }
    CHECK_INT(value_amount(str_from(many), &v), RB_EPARSE);
    /* surrounding white space is allowed; sentence punctuation at the end too */
    CHECK_INT(value_date(str_from("  15 march?  "), &ctx, &a, &b, &range), RB_OK);
    CHECK_INT(a.d, 15);
    /* upper-case ASCII is forgiven even without normalization */
    CHECK_INT(value_amount(str_from("Rs. 8 LAKH"), &v), RB_OK);
    CHECK_INT(v, 800000);
}

/* The country code must be one; the foreign plans keep their own length. */
TEST(phone_country_codes)
{
    char out[20];

    CHECK_INT(value_phone(str_from("03001234567"), 0, out), RB_EINVAL);
    CHECK_INT(value_phone(str_from("03001234567"), 1000, out), RB_EINVAL);
    CHECK_INT(value_phone(str_from("020 7946 0958"), 44, out), RB_OK);
    CHECK_STR(out, "+442079460958");
    CHECK_INT(value_phone(str_from("+92 300 1234567"), 44, out), RB_OK);
    CHECK_STR(out, "+923001234567");
}

/* A fixed-seed generator, so a failure can be replayed. */
static uint32_t lcg_next(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

static void feed_all_parsers(struct str in)
{
    struct nlu_now ctx = {{{2026, 3, 14}, 10, 0}, 92, false};
    struct rb_date a, b;
    struct rb_datetime t;
    bool range;
    int64_t v;
    int h, m;
    char phone[20], period[16];
    const char *canon;
    int rc = 0;

    rc |= value_date(in, &ctx, &a, &b, &range);
    rc |= value_when(in, &ctx, &t);
    rc |= value_time(in, &h, &m);
    rc |= value_amount(in, &v);
    rc |= value_guests(in, &v);
    rc |= value_phone(in, 92, phone);
    rc |= value_slot(in, &canon);
    rc |= value_milestone(in, &canon);
    rc |= value_period(in, &ctx, period);
    (void)rc;
}

/*
 * Random pieces of the vocabulary, digits, separators, Urdu, invisible marks
 * and raw bytes glued together: nothing may crash or read out of bounds
 * (the sanitizers watch), whatever the parsers answer.
 */
TEST(random_input_never_crashes)
{
    static const char *const pieces[] = {"15",
                                         "3",
                                         "2026",
                                         " ",
                                         "/",
                                         "-",
                                         ".",
                                         ",",
                                         ":",
                                         "+",
                                         "lakh",
                                         "march",
                                         "kal",
                                         "baje",
                                         "sham",
                                         "sawa",
                                         "q",
                                         "0300",
                                         "1234567",
                                         "\u0645\u0627\u0631\u0686",
                                         "\u06F1\u06F5",
                                         "\u200F",
                                         "\u0640",
                                         "\U0001F44D",
                                         "se",
                                         "tak",
                                         "hafte",
                                         "agle",
                                         "rs",
                                         "/-",
                                         "k",
                                         "\xFF",
                                         "\xE2\x82",
                                         "\xC0\xAF",
                                         "00",
                                         "92",
                                         "am",
                                         "p.m.",
                                         "tareekh",
                                         "th",
                                         "friday"};
    uint32_t state = 20260314;
    char in[256];
    int iter;

    for (iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        int k = (int)(lcg_next(&state) % 8);
        struct buf key;

        while (k-- > 0) {
            const char *p = pieces[lcg_next(&state) % (sizeof pieces / sizeof pieces[0])];
            size_t n = strlen(p);
            if (len + n < sizeof in) {
                memcpy(in + len, p, n);
                len += n;
            }
        }
        feed_all_parsers(str_make(in, len));
        buf_init(&key, 4096);
        if (text_normalize(in, len, &key) == RB_OK) {
            feed_all_parsers(str_make(key.p, key.len));
        }
        buf_release(&key);
    }
    CHECK(iter == 20000);
}

/* The .words files: an unknown list or value is refused with its file and
 * line, a list left empty is refused, and what a file says is what the
 * parsers read (a new month word teaches a date). */
TEST(words_files_are_checked_and_read)
{
    char dir[] = "/tmp/rabta-words-XXXXXX", path[4096];
    struct vocab *v = NULL, *good = NULL;
    const struct vocab *old;
    struct rb_date from, to;
    struct nlu_now now = {{{2026, 3, 14}, 10, 0}, 92, false};
    bool range;
    struct buf err;
    FILE *f;

    buf_init(&err, 0);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/a.words", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("# months\nmonth 3: march | maarchh\ncolour 1: red\nmonth 13: smarch\nko 1: ko\n", f);
        fclose(f);
    }
    CHECK_INT(vocab_load_dir(dir, &v, &err), RB_EPARSE);
    CHECK(v == NULL);
    CHECK(strstr(err.p, "a.words:3: no such word list \"colour\"") != NULL);
    CHECK(strstr(err.p, "a.words:4: not a value of this list: \"13\"") != NULL);
    CHECK(strstr(err.p, "a.words:5: this list takes no value: \"1\"") != NULL);
    CHECK(strstr(err.p, "no `weekday:` word list") != NULL);
    CHECK(strstr(err.p, "no `month:`") == NULL);
    unlink(path);
    rmdir(dir);

    /* the shipped words and one more spelling of March */
    buf_reset(&err);
    snprintf(path, sizeof path, "%s/intents",
             getenv("RABTA_HOME") && getenv("RABTA_HOME")[0] ? getenv("RABTA_HOME") : ".");
    CHECK_INT(vocab_load_dir(path, &good, &err), RB_OK);
    CHECK_INT(vocab_add_text(good, "x.words", "month 3: maarchh\n", 17, &err, &(int){0}), RB_OK);
    old = vocab_use(good);
    CHECK_INT(value_date(str_from("15 maarchh"), &now, &from, &to, &range), RB_OK);
    CHECK_INT(from.m, 3);
    vocab_use(old);
    CHECK_INT(value_date(str_from("15 maarchh"), &now, &from, &to, &range), RB_EPARSE);
    vocab_free(good);
    buf_release(&err);
}

int main(void)
{
    struct vocab *vocab = test_words_install();

    RUN(words_files_are_checked_and_read);
    RUN(dates_table);
    RUN(when_table);
    RUN(time_table);
    RUN(amount_table);
    RUN(guests_table);
    RUN(phone_table);
    RUN(slot_table);
    RUN(milestone_table);
    RUN(period_table);
    RUN(day_inside_time_and_last_year_months);
    RUN(relative_delays);
    RUN(failures_leave_outputs_alone);
    RUN(edges_of_the_slice);
    RUN(phone_country_codes);
    RUN(random_input_never_crashes);
    printf("# %d table rows\n", total_rows);
    vocab_free(vocab);
    return harness_done();
}
