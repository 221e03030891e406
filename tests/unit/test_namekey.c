/* links: nlu/text nlu/vocab nlu/namekey */
/*
 * test_namekey - one key for a name in Urdu script and in Roman spelling:
 * the pairs staff write for the same person match, different people do not.
 */
#include "harness.h"

#include "core/buf.h"
#include "nlu/namekey.h"

struct pair {
    int line;
    const char *a, *b;
};

#define P(a, b)                                                                                    \
    {                                                                                              \
        __LINE__, a, b                                                                             \
    }

static void show(const char *what, const struct pair *p, bool want)
{
    struct buf ka, kb;

    buf_init(&ka, 1024);
    buf_init(&kb, 1024);
    if (name_key(p->a, &ka) || name_key(p->b, &kb)) {
        printf("  line %d: no key\n", p->line);
    }
    printf("  line %d: %s: \"%s\" [%.*s] and \"%s\" [%.*s] should %smatch\n", p->line, what, p->a,
           (int)ka.len, ka.p ? ka.p : "", p->b, (int)kb.len, kb.p ? kb.p : "", want ? "" : "not ");
    buf_release(&ka);
    buf_release(&kb);
}

static void check_pairs(const struct pair *ps, size_t n, bool want)
{
    for (size_t i = 0; i < n; i++) {
        bool ab = name_key_match(ps[i].a, ps[i].b), ba = name_key_match(ps[i].b, ps[i].a);
        if (ab != want || ba != want) {
            show("pair", &ps[i], want);
            harness_case_failed = 1;
            harness_failed_checks++;
        }
    }
}

#define CHECK_PAIRS(ps, want) check_pairs(ps, sizeof(ps) / sizeof(ps[0]), want)

TEST(urdu_and_roman_spellings_of_one_name_match)
{
    static const struct pair same[] = {
        P("Zainab", "\u0632\u06CC\u0646\u0628"), /* زینب */
        P("Zaynab", "\u0632\u06CC\u0646\u0628"), /* زینب */
        P("Zainab", "zaynab"),
        P("Ayesha", "\u0639\u0627\u0626\u0634\u06C1"), /* عائشہ */
        P("Aisha", "\u0639\u0627\u0626\u0634\u06C1"),  /* عائشہ */
        P("Ayesha", "AISHA"),
        P("Muhammad", "\u0645\u062D\u0645\u062F"), /* محمد */
        P("Mohammad", "\u0645\u062D\u0645\u062F"), /* محمد */
        P("Mohammed", "Muhammad"),
        P("Ali", "\u0639\u0644\u06CC"),                /* علی */
        P("Ali", "\u0639\u0644\u0649"),                /* على (Arabic yeh) */
        P("Alia", "\u0639\u0627\u0644\u06CC\u06C1"),   /* عالیہ */
        P("Fatima", "\u0641\u0627\u0637\u0645\u06C1"), /* فاطمہ */
        P("Fatimah", "Fatima"),
        P("Sara", "\u0633\u0627\u0631\u06C1"), /* سارہ */
        P("Sarah", "\u0633\u0627\u0631\u06C1"),
        P("Bilal", "\u0628\u0644\u0627\u0644"),              /* بلال */
        P("Kamran", "\u06A9\u0627\u0645\u0631\u0627\u0646"), /* کامران */
        P("Hamza", "\u062D\u0645\u0632\u06C1"),              /* حمزہ */
        P("Usman", "\u0639\u062B\u0645\u0627\u0646"),        /* عثمان */
        P("Osman", "Usman"),
        P("Khadija", "\u062E\u062F\u06CC\u062C\u06C1"), /* خدیجہ */
        P("Khadeeja", "Khadija"),
        P("Imran", "\u0639\u0645\u0631\u0627\u0646"), /* عمران */
        P("Hassan", "\u062D\u0633\u0646"),            /* حسن */
        P("Hasan", "Hassan"),
        P("Ahmed", "\u0627\u062D\u0645\u062F"), /* احمد */
        P("Ahmad", "Ahmed"),
        P("Tahir", "\u0637\u0627\u06C1\u0631"),         /* طاہر */
        P("Shahid", "\u0634\u0627\u06C1\u062F"),        /* شاہد */
        P("Waqas", "\u0648\u0642\u0627\u0635"),         /* وقاص */
        P("Yasir", "\u06CC\u0627\u0633\u0631"),         /* یاسر */
        P("Rizwan", "\u0631\u0636\u0648\u0627\u0646"),  /* رضوان */
        P("Ghazala", "\u063A\u0632\u0627\u0644\u06C1"), /* غزالہ */
        P("Nadia", "\u0646\u0627\u062F\u06CC\u06C1"),   /* نادیہ */
        P("Iqra", "\u0627\u0642\u0631\u0627"),          /* اقرا */
        P("Bushra", "Bushraa"),
        P("Hina", "\u062D\u0646\u0627"),                        /* حنا */
        P("Bhatti", "\u0628\u06BE\u0679\u06CC"),                /* بھٹی */
        P("Ali Raza", "\u0639\u0644\u06CC \u0631\u0636\u0627"), /* علی رضا */
        P("  zainab.", "Zainab"),
        P("Zain\u0628", "Zain\u0628"), /* mixed scripts: equal to itself */
    };
    CHECK_PAIRS(same, true);
}

TEST(different_names_do_not_match)
{
    static const struct pair differ[] = {
        P("Zainab", "Zubair"),
        P("\u0632\u06CC\u0646\u0628", "Zubair"), /* زینب */
        P("Ali", "Alia"),
        P("\u0639\u0644\u06CC", "Alia"), /* علی */
        P("Ayesha", "Asma"),
        P("\u0639\u0627\u0626\u0634\u06C1", "Asma"), /* عائشہ */
        P("Bilal", "Hamza"),
        P("Sara", "Zara"),
        P("Imran", "Kamran"),
        P("Muhammad", "Mubashir"),
        P("Hamza", "\u062D\u0645\u06CC\u062F"),        /* حمید */
        P("Kamran", "\u0639\u0645\u0631\u0627\u0646"), /* عمران */
        P("Fatima", "Fahad"),
        P("Ali Raza", "Ali Hassan"),
        P("Sana", "Saba"),
        P("Sana", "Sanaullah"),
    };
    CHECK_PAIRS(differ, false);
}

TEST(a_first_name_finds_the_full_name_not_the_reverse)
{
    CHECK(name_key_match("Zainab", "\u0632\u06CC\u0646\u0628 \u0628\u06CC\u0628\u06CC"));
    CHECK(name_key_match("\u0639\u0644\u06CC", "Ali Raza"));
    CHECK(!name_key_match("Ali Raza", "Ali"));
    CHECK(!name_key_match("Ali", "Alina Raza"));
    CHECK(!name_key_match("Raza", "Ali Raza"));
}

TEST(no_letters_match_nothing)
{
    struct buf k;

    buf_init(&k, 256);
    CHECK(name_key("123 ...", &k) == RB_OK);
    CHECK_INT(k.len, 0);
    buf_release(&k);
    CHECK(!name_key_match("", ""));
    CHECK(!name_key_match("42", "42"));
    CHECK(!name_key_match("", "Zainab"));
    CHECK(!name_key_match("Zainab", ""));
    CHECK(!name_key_match("\xff\xfe", "Zainab"));
}

TEST(keys_read_as_documented)
{
    static const struct {
        const char *in, *key;
    } cases[] = {
        {"Zainab", "znb"},       {"\u0632\u06CC\u0646\u0628", "znb"},
        {"Ayesha", "shA"},       {"Muhammad", "mhmd"},
        {"Ali", "lI"},           {"Khadija", "khdjA"},
        {"Waqas Ali", "wks lI"}, {"Kubbu", "kbU"},
    };
    struct buf k;

    buf_init(&k, 1024);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_reset(&k);
        CHECK(name_key(cases[i].in, &k) == RB_OK);
        CHECK_STR(k.p ? k.p : "", cases[i].key);
    }
    buf_release(&k);
}

int main(void)
{
    RUN(urdu_and_roman_spellings_of_one_name_match);
    RUN(different_names_do_not_match);
    RUN(a_first_name_finds_the_full_name_not_the_reverse);
    RUN(no_letters_match_nothing);
    RUN(keys_read_as_documented);
    return harness_done();
}
