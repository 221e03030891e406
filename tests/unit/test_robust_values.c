/* clang-format off */
/* links: nlu/values nlu/values_date nlu/values_amount nlu/text nlu/vocab */
/* clang-format on */
/*
 * test_robust_values.c - every value_* parser of nlu/values.h on token soup,
 * near misses, slices of the labeled corpus and random bytes. The generator,
 * the checks and the knobs (RABTA_ROBUST_SEED, RABTA_ROBUST_SCALE) are
 * described in tests/lib/robust.h.
 */
#include "robust.h"
#include "words.h"

#include "nlu/text.h"

/* ---- values ------------------------------------------------------------- */

/* Tokens the value grammars are made of, and their near misses. */
static const char *const value_tokens[] = {
    "15",
    "31",
    "0",
    "00",
    "29",
    "30",
    "1",
    "12",
    "13",
    "24",
    "25",
    "60",
    "99",
    "2026",
    "1900",
    "1899",
    "9999",
    "10000",
    "99999999999999999999",
    "999999999999999",
    "9223372036854775807",
    "march",
    "feb",
    "february",
    "april",
    "june",
    "مارچ",
    "فروری",
    "kal",
    "aaj",
    "parson",
    "yesterday",
    "tomorrow",
    "se",
    "tak",
    "to",
    "till",
    "-",
    "/",
    ":",
    ".",
    ",",
    "'",
    "lakh",
    "lac",
    "crore",
    "hazar",
    "k",
    "l",
    "sau",
    "million",
    "rs",
    "rs.",
    "pkr",
    "/-",
    "=",
    "only",
    "rupay",
    "sawa",
    "saadhe",
    "paune",
    "dedh",
    "dhai",
    "baje",
    "am",
    "pm",
    "a",
    "m",
    "p",
    "subah",
    "raat",
    "sham",
    "dopahar",
    "agle",
    "pichle",
    "hafte",
    "mahine",
    "is",
    "this",
    "next",
    "last",
    "week",
    "month",
    "year",
    "saal",
    "q1",
    "q",
    "q5",
    "quarter",
    "first",
    "1st",
    "4th",
    "ytd",
    "ab",
    "+92",
    "+",
    "0300",
    "1234567",
    "0300-1234567",
    "(",
    ")",
    "guests",
    "log",
    "mehman",
    "+",
    "lunch",
    "dinner",
    "full",
    "day",
    "poora",
    "din",
    "advance",
    "mid",
    "final",
    "payment",
    "۱۵",
    "۳۰۰",
    "کو",
    "friday",
    "jumma",
    "on",
    "the",
    "of",
    "from",
    "between",
    "tareekh",
    "th",
    "st",
    "1,250.50",
    "8,00,000",
    "800,000",
    "2,5",
    "2.5",
    "1e309",
    "12:30",
    "25:61",
    "4.30",
    "15/3",
    "15-03-2026",
    "2026-03-15",
    "2026-q1",
    "10-20",
    "0.000001",
    "00923001234567",
    "ek",
    "do",
    "teen",
    "char",
    "nabbe",
    "ko",
    "\t",
    "\xff",
    "\xd9",
    "ہفتہ",
    "ہزار",
    "لاکہ",
    "کروڑ",
    "بجے",
    "شام",
    "2026-13",
    "31/2",
    "0/0",
    "1.2.3.4",
    "1--2",
    "::",
    "a.m.",
    "o'clock",
    "hundred",
    "crores",
    "one",
    "@",
    "#",
};

/* Near misses and edge cases; the ones the headers decide are checked. */
static const struct {
    const char *text;
    char kind; /* d date, a amount, g guests, p phone, w when, t time, r period */
    int rc;    /* the documented status, -1 when only a defined one is wanted */
} near_misses[] = {
    {"31 February", 'd', RB_EPARSE},
    {"30 feb", 'd', RB_EPARSE},
    {"31/2", 'd', RB_EPARSE},
    {"0 march", 'd', RB_EPARSE},
    {"32 march", 'd', RB_EPARSE},
    {"15-13-2026", 'd', RB_EPARSE},
    {"29 february", 'd', RB_OK},
    {"15 march 9999", 'd', RB_OK},
    {"99999999999999999999 lakh", 'a', RB_EPARSE},
    {"999999999999999 crore", 'a', RB_EPARSE},
    {"9223372036854775807", 'a', RB_EPARSE},
    {"1e309", 'a', RB_EPARSE},
    {"0", 'a', RB_EPARSE},
    {"0 lakh", 'a', RB_EPARSE},
    {"1,250.50", 'a', RB_EPARSE},
    {"2,5 lakh", 'a', RB_EPARSE},
    {"8,00,000 lakh", 'a', RB_EPARSE},
    {"-5 lakh", 'a', RB_EPARSE},
    {"8 lakh", 'a', RB_OK},
    {"1 crore 20 lakh", 'a', RB_OK},
    {"0.000001 crore", 'a', -1},
    {"0300-12345678901234", 'p', RB_EPARSE},
    {"03001234567890123456789", 'p', RB_EPARSE},
    {"+", 'p', RB_EPARSE},
    {"", 'p', RB_EPARSE},
    {"00", 'p', RB_EPARSE},
    {"+0000000000000000000000", 'p', RB_EPARSE},
    {"0300-1234567", 'p', RB_OK},
    {"-5 guests", 'g', RB_EPARSE},
    {"0 guests", 'g', RB_EPARSE},
    {"99999999999999999999 guests", 'g', RB_EPARSE},
    {"300 guests", 'g', RB_OK},
    {"25:61", 't', RB_EPARSE},
    {"24:00", 't', -1},
    {"13 pm", 't', RB_EPARSE},
    {"paune 0", 't', -1},
    {"sawa 12 am", 't', -1},
    {"kal", 'w', RB_EPARSE},
    {"kal raat 2 baje", 'w', RB_OK},
    {"q5 2026", 'r', RB_EPARSE},
    {"next month", 'r', RB_EPARSE},
    {"2026-13", 'r', RB_EPARSE},
};

static bool period_ok(const char *p)
{
    static const char *const named[] = {"today",      "yesterday",  "this_week",    "last_week",
                                        "this_month", "last_month", "this_quarter", "last_quarter",
                                        "ytd",        "last_year"};
    size_t n = strlen(p);

    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (strcmp(p, named[i]) == 0) {
            return true;
        }
    }
    if (n < 4 || strspn(p, "0123456789") < 4) {
        return false;
    }
    if (n == 4) {
        return true;
    }
    if (n == 7 && p[4] == '-' && strspn(p + 5, "0123456789") == 2) {
        int m = atoi(p + 5);
        return m >= 1 && m <= 12;
    }
    return n == 7 && p[4] == '-' && p[5] == 'Q' && p[6] >= '1' && p[6] <= '4';
}

static bool rb_date_eq(struct rb_date a, struct rb_date b)
{
    return a.y == b.y && a.m == b.m && a.d == b.d;
}

/* Every parser on s: a defined status, sane values on success, outputs
 * untouched on failure. want_kind/want_rc check a documented answer. */
static void values_one(struct stats *st, const char *s, size_t n, char want_kind, int want_rc)
{
    char *c = exact(s, n);
    struct str in = str_make(c, n);
    char label[300];
    double t0 = cpu_s();
    const struct rb_date poison = {-7, -7, -7};

    snprintf(label, sizeof label, "\"%s\"", show(s, n));
    for (size_t k = 0; k < sizeof value_nows / sizeof value_nows[0]; k++) {
        const struct nlu_now *now = &value_nows[k];
        struct rb_date from = poison, to = poison;
        struct rb_datetime when = {poison, -7, -7};
        bool range = false;
        int rc;

        rc = value_date(in, now, &from, &to, &range);
        CHECKM(rc == RB_OK || rc == RB_EPARSE, "value_date rc %d: %s", rc, label);
        if (rc == RB_OK) {
            CHECKM(date_valid(from) && date_valid(to) && date_cmp(from, to) <= 0,
                   "value_date %d-%d-%d .. %d-%d-%d: %s", from.y, from.m, from.d, to.y, to.m, to.d,
                   label);
            CHECKM(range || rb_date_eq(from, to), "a single day with to != from: %s", label);
        } else {
            CHECKM(rb_date_eq(from, poison) && rb_date_eq(to, poison),
                   "value_date wrote its outputs on failure: %s", label);
        }
        if (want_kind == 'd' && want_rc >= 0 && k == 0) {
            CHECKM(rc == want_rc, "value_date rc %d, want %d: %s", rc, want_rc, label);
        }

        rc = value_when(in, now, &when);
        CHECKM(rc == RB_OK || rc == RB_EPARSE, "value_when rc %d: %s", rc, label);
        if (rc == RB_OK) {
            CHECKM(date_valid(when.date) && when.hour >= 0 && when.hour < 24 && when.min >= 0 &&
                       when.min < 60,
                   "value_when %d-%d-%d %d:%d: %s", when.date.y, when.date.m, when.date.d,
                   when.hour, when.min, label);
        } else {
            CHECKM(rb_date_eq(when.date, poison) && when.hour == -7 && when.min == -7,
                   "value_when wrote its output on failure: %s", label);
        }
        if (want_kind == 'w' && want_rc >= 0 && k == 0) {
            CHECKM(rc == want_rc, "value_when rc %d, want %d: %s", rc, want_rc, label);
        }

        char period[16];
        memset(period, 'Z', sizeof period);
        rc = value_period(in, now, period);
        CHECKM(rc == RB_OK || rc == RB_EPARSE, "value_period rc %d: %s", rc, label);
        if (rc == RB_OK) {
            CHECKM(memchr(period, '\0', sizeof period) && period_ok(period),
                   "value_period \"%.16s\": %s", period, label);
        } else {
            CHECKM(period[0] == 'Z' && period[15] == 'Z', "value_period wrote on failure: %s",
                   label);
        }
        if (want_kind == 'r' && want_rc >= 0 && k == 0) {
            CHECKM(rc == want_rc, "value_period rc %d, want %d: %s", rc, want_rc, label);
        }

        char phone[20];
        int cc = now->country_code;
        memset(phone, 'Z', sizeof phone);
        rc = value_phone(in, cc, phone);
        CHECKM(rc == RB_OK || rc == RB_EPARSE, "value_phone rc %d: %s", rc, label);
        if (rc == RB_OK) {
            size_t pl = memchr(phone, '\0', sizeof phone) ? strlen(phone) : 99;
            CHECKM(pl >= 8 && pl <= 16 && phone[0] == '+' && phone[1] != '0' &&
                       strspn(phone + 1, "0123456789") == pl - 1,
                   "value_phone \"%.20s\": %s", phone, label);
        } else {
            CHECKM(phone[0] == 'Z' && phone[19] == 'Z', "value_phone wrote on failure: %s", label);
        }
        if (want_kind == 'p' && want_rc >= 0 && k == 0) {
            CHECKM(rc == want_rc, "value_phone rc %d, want %d: %s", rc, want_rc, label);
        }
    }
    for (int cc = -1; cc <= 1000; cc += 1001) {
        char phone[20];
        CHECKM(value_phone(in, cc, phone) == RB_EINVAL, "value_phone with country code %d: %s", cc,
               label);
    }

    int hour = -7, min = -7, rc = value_time(in, &hour, &min);
    CHECKM(rc == RB_OK || rc == RB_EPARSE, "value_time rc %d: %s", rc, label);
    CHECKM(rc == RB_OK ? (hour >= 0 && hour < 24 && min >= 0 && min < 60)
                       : (hour == -7 && min == -7),
           "value_time %d:%d (rc %d): %s", hour, min, rc, label);
    if (want_kind == 't' && want_rc >= 0) {
        CHECKM(rc == want_rc, "value_time rc %d, want %d: %s", rc, want_rc, label);
    }

    int64_t v = -7;
    rc = value_amount(in, &v);
    CHECKM(rc == RB_OK || rc == RB_EPARSE, "value_amount rc %d: %s", rc, label);
    CHECKM(rc == RB_OK ? v > 0 : v == -7, "value_amount %lld (rc %d): %s", (long long)v, rc, label);
    if (want_kind == 'a' && want_rc >= 0) {
        CHECKM(rc == want_rc, "value_amount rc %d (%lld), want %d: %s", rc, (long long)v, want_rc,
               label);
    }
    v = -7;
    rc = value_guests(in, &v);
    CHECKM(rc == RB_OK || rc == RB_EPARSE, "value_guests rc %d: %s", rc, label);
    CHECKM(rc == RB_OK ? v > 0 : v == -7, "value_guests %lld (rc %d): %s", (long long)v, rc, label);
    if (want_kind == 'g' && want_rc >= 0) {
        CHECKM(rc == want_rc, "value_guests rc %d, want %d: %s", rc, want_rc, label);
    }

    const char *canon = NULL;
    rc = value_slot(in, &canon);
    CHECKM(rc == RB_OK ? canon && (strcmp(canon, "lunch") == 0 || strcmp(canon, "dinner") == 0 ||
                                   strcmp(canon, "full_day") == 0)
                       : rc == RB_EPARSE && canon == NULL,
           "value_slot rc %d \"%s\": %s", rc, canon ? canon : "", label);
    canon = NULL;
    rc = value_milestone(in, &canon);
    CHECKM(rc == RB_OK ? canon && (strcmp(canon, "advance") == 0 || strcmp(canon, "mid") == 0 ||
                                   strcmp(canon, "final") == 0)
                       : rc == RB_EPARSE && canon == NULL,
           "value_milestone rc %d \"%s\": %s", rc, canon ? canon : "", label);
    stats_one(st, t0, "%s", label);
    free(c);
}

TEST(values_survive_near_misses)
{
    static const char *const seps[] = {" ", " ", " ", "", "  ", "\t", "-", ","};
    struct stats st;
    struct corpus cor;
    struct bytes b = {0};
    struct buf key;

    reseed(3);
    stats_begin(&st, "values");
    for (size_t i = 0; i < sizeof near_misses / sizeof near_misses[0]; i++) {
        values_one(&st, near_misses[i].text, strlen(near_misses[i].text), near_misses[i].kind,
                   near_misses[i].rc);
    }
    /* token soup */
    for (unsigned i = 0; i < 2500 * scale; i++) {
        by_reset(&b);
        for (size_t k = 1 + below(i % 20 == 0 ? 40 : 7); k > 0; k--) {
            by_adds(&b, value_tokens[below(sizeof value_tokens / sizeof value_tokens[0])]);
            by_adds(&b, seps[below(sizeof seps / sizeof seps[0])]);
        }
        values_one(&st, b.p, b.len, 0, -1);
    }
    /* slices of normalized corpus messages, as the rule engine cuts them */
    corpus_load(&cor);
    buf_init(&key, 1 << 16);
    for (unsigned i = 0; cor.n && i < 800 * scale; i++) {
        const char *line = cor.line[below(cor.n)];
        struct str cur, w, words[64];
        size_t nw = 0;
        buf_reset(&key);
        if (text_normalize(line, strlen(line), &key) != RB_OK) {
            continue;
        }
        cur = str_make(key.p, key.len);
        while (nw < 64 && text_next_word(&cur, &w)) {
            words[nw++] = w;
        }
        if (!nw) {
            continue;
        }
        size_t a = below(nw), e = a + below(nw - a < 6 ? nw - a : 6);
        values_one(&st, words[a].p, (size_t)(words[e].p + words[e].len - words[a].p), 0, -1);
    }
    /* random bytes */
    for (unsigned i = 0; i < 300 * scale; i++) {
        by_reset(&b);
        for (size_t k = below(24); k > 0; k--) {
            by_addc(&b, (char)(below(3) ? "0123456789 ,.-/:+kl"[below(19)] : (char)below(256)));
        }
        values_one(&st, b.p ? b.p : "", b.len, 0, -1);
    }
    buf_release(&key);
    corpus_free(&cor);
    by_free(&b);
    stats_end(&st);
}

int main(void)
{
    struct vocab *vocab = test_words_install();

    robust_init();
    RUN(values_survive_near_misses);
    vocab_free(vocab);
    return harness_done();
}
