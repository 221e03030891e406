/* links: nlu/text nlu/vocab nlu/values nlu/values_date nlu/values_amount */
/*
 * test_text - the matching key and the language of a message.
 *
 * Cases are C string literals so invisible characters can be written as
 * \u escapes (RLM, ZWNJ, tatweel...). Each key case is reported with its
 * source line when the key differs.
 */
#include "harness.h"
#include "words.h"

#include <stdlib.h>

#include "core/buf.h"
#include "nlu/text.h"

struct key_case {
    int line;
    const char *in;
    const char *key;
};

#define K(in, key)                                                                                 \
    {                                                                                              \
        __LINE__, in, key                                                                          \
    }

static void check_keys(const struct key_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        struct buf out;
        int rc;

        buf_init(&out, 4096);
        rc = text_normalize(cases[i].in, strlen(cases[i].in), &out);
        if (rc != RB_OK || strcmp(out.p, cases[i].key) != 0) {
            printf("  %s:%d: \"%s\": expected \"%s\", got \"%s\" (rc %d)\n", __FILE__,
                   cases[i].line, cases[i].in, cases[i].key, out.p, rc);
            harness_case_failed = 1;
            harness_failed_checks++;
        }
        buf_release(&out);
    }
}

#define CHECK_KEYS(arr) check_keys(arr, sizeof(arr) / sizeof(arr[0]))

TEST(nfkc_presentation_forms_and_ligatures)
{
    static const struct key_case cases[] = {
        K("\uFEFB", "\u0644\u0627"),             /* ﻻ → ل ا */
        K("\uFEF3", "\u06CC"),                   /* ﻳ initial Arabic yeh → ی */
        K("\uFBFC", "\u06CC"),                   /* ﯼ Farsi yeh → ی */
        K("\uFB8E", "\u06A9"),                   /* ﮎ → ک */
        K("\uFBA6", "\u06C1"),                   /* ﮦ → ہ */
        K("\uFBAA", "\u06C1"),                   /* ﮪ → ھ → ہ */
        K("\uFEEB", "\u06C1"),                   /* ﻫ → ه → ہ */
        K("\uFDF2", "\u0627\u0644\u0644\u06C1"), /* ﷲ → اللہ */
        K("\u0627\u0653", "\u0622"),             /* ا + madda composes to آ, kept */
        K("\u0627\u0654", "\u0627"),             /* ا + hamza → أ → ا */
        K("\u0675", "\u0627"),                   /* high hamza alef → ا + ٴ, ٴ dropped */
        K("\uFF21\uFF22\uFF23\uFF11\uFF12\uFF13", "abc123"),
        K("\u00B2 \u2460", "2 1"),
        K("cafe\u0301", "caf\u00E9"),
        K("\u00BD", "1\u20442"),
    };
    CHECK_KEYS(cases);
}

TEST(urdu_letter_variants_fold_to_one_form)
{
    static const struct key_case cases[] = {
        K("\u0639\u0644\u0649", "\u0639\u0644\u06CC"),             /* على → علی */
        K("\u0643\u064A\u0627", "\u06A9\u06CC\u0627"),             /* كيا → کیا */
        K("\u06C1\u0641\u062A\u0647", "\u06C1\u0641\u062A\u06C1"), /* ہفته → ہفتہ */
        K("\u0628\u0647\u06CC", "\u0628\u06C1\u06CC"),             /* بهی → بہی */
        K("\u0628\u06BE\u06CC", "\u0628\u06C1\u06CC"),             /* بھی → بہی */
        K("\u0632\u06A9\u0648\u0629", "\u0632\u06A9\u0648\u06C3"), /* ة → ۃ */
        K("\u0644\u0626\u06D2", "\u0644\u06CC\u06D2"),             /* لئے → لیے */
        K("\u06AF\u06D3", "\u06AF\u06CC\u06D2"),                   /* گۓ → گیے */
        K("\u06AF\u0626\u06D2", "\u06AF\u06CC\u06D2"),             /* گئے → گیے */
        K("\u062F\u06A9\u06BE\u0627\u0624", "\u062F\u06A9\u06C1\u0627\u0648"), /* دکھاؤ */
        K("\u0623\u062D\u0645\u062F", "\u0627\u062D\u0645\u062F"), /* أحمد → احمد */
        K("\u0622\u062C", "\u0622\u062C"),                         /* آج keeps its madda */
        K("\u06CC\u0654", "\u06CC"),                               /* ی + hamza mark */
        K("\u06D5 \u06C0 \u06C2", "\u06C1 \u06C1 \u06C1"),
    };
    CHECK_KEYS(cases);
}

TEST(marks_tatweel_and_invisibles)
{
    static const struct key_case cases[] = {
        K("\u0634\u0640\u0640\u0640\u0627\u062F\u06CC", "\u0634\u0627\u062F\u06CC"), /* شـــادی */
        K("\u0645\u0650\u06C1\u0645\u0627\u0646", "\u0645\u06C1\u0645\u0627\u0646"), /* مِہمان */
        K("\u0639\u0644\u06CC\u0670", "\u0639\u0644\u06CC"),                         /* علیٰ */
        K("\u0645\u062D\u0645\u062F\u0610", "\u0645\u062D\u0645\u062F"),             /* honorific */
        K("\u06A9\u0631\u200C\u062F\u06CC\u06BA", "\u06A9\u0631 \u062F\u06CC\u06BA"), /* ZWNJ */
        K("a\u200Bb", "a b"),                                                         /* ZWSP */
        K("a\u200Db", "ab"),                                                          /* ZWJ */
        K("\u200F15 \u0645\u0627\u0631\u0686\u200E", "15 \u0645\u0627\u0631\u0686"),  /* RLM LRM */
        K("\u061C0300\u200E-\u200E1234567", "0300-1234567"),                          /* ALM */
        K("\u202Bab\u202C \u2067cd\u2069", "ab cd"),
        K("\uFEFFhello", "hello"),
        K("a\u00ADb\u2060c", "abc"),
    };
    CHECK_KEYS(cases);
}

TEST(digits_punctuation_quotes_dashes)
{
    static const struct key_case cases[] = {
        K("\u06F0\u06F3\u06F0\u06F0\u06F1\u06F2\u06F3\u06F4\u06F5\u06F6\u06F7", "03001234567"),
        K("\u0660\u0663\u0660\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667", "03001234567"),
        K("\u06F0\u0663\u06F0\u0660", "0300"), /* pasted digits of both sets */
        K("\u06A9\u06CC\u0627\u061F", "\u06A9\u06CC\u0627?"),
        K("\u060C \u061B \u06D4 \u066B \u066C \u066A", ", ; . . , %"),
        K("\u06F2\u06D4\u06F5", "2.5"),
        K("0300\u20131234567 \u2014 \u2212 \u2011", "0300-1234567 - - -"),
        K("\u2018a\u2019 \u201Cb\u201D", "'a' \"b\""),
    };
    CHECK_KEYS(cases);
}

TEST(white_space_case_and_squeeze)
{
    static const struct key_case cases[] = {
        K("  Hello \t\n  World  ", "hello world"),
        K("a\u00A0b\u202Fc\u3000d", "a b c d"),
        K("a\r\n\u2028b", "a b"),
        K("HELLO", "hello"),
        K("Stra\u00DFe", "strasse"),
        K("kyaaa", "kya"),
        K("KYAAA", "kya"),
        K("hainnn", "hain"),
        K("plzzz", "plz"),
        K("aaaaaaaa", "a"),
        K("aaj shaadi", "aaj shaadi"),
        K("1000 !!!", "1000 !!!"),
        K("kyaa\u200Da", "kya"),
        K("", ""),
        K(" \u200F ", ""),
        K("a\x01"
          "b",
          "a b"),
    };
    CHECK_KEYS(cases);
}

TEST(emoji_are_kept_intact)
{
    static const struct key_case cases[] = {
        K("\U0001F44D", "\U0001F44D"),
        K("\U0001F44D\U0001F3FD", "\U0001F44D\U0001F3FD"),
        K("\U0001F468\u200D\U0001F469\u200D\U0001F467",
          "\U0001F468\u200D\U0001F469\u200D\U0001F467"),
        K("\u2764\uFE0F", "\u2764\uFE0F"),
        K("\U0001F1F5\U0001F1F0", "\U0001F1F5\U0001F1F0"),
        K("ok\U0001F44D done", "ok\U0001F44D done"),
        K("\U0001F44D\u200Dx", "\U0001F44Dx"),
        K("4\uFE0F\u20E3 baje", "4 baje"), /* a keycap is its digit */
        K("\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
          "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"),
    };
    CHECK_KEYS(cases);
}

/* Invalid UTF-8 is RB_EPARSE and leaves the buffer as it was. */
TEST(invalid_utf8_is_refused)
{
    static const char *const bad[] = {
        "\xC0\xAF",         /* overlong '/' */
        "\xE0\x80\xAF",     /* overlong, three bytes */
        "\xED\xA0\x80",     /* a UTF-16 surrogate */
        "\xE2\x82",         /* truncated sequence */
        "abc\xE2",          /* truncated at the end */
        "\x80",             /* a lone continuation byte */
        "\xF4\x90\x80\x80", /* past U+10FFFF */
        "\xFF",
    };
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf out;

        buf_init(&out, 64);
        CHECK_INT(buf_adds(&out, "kept"), RB_OK);
        CHECK_INT(text_normalize(bad[i], strlen(bad[i]), &out), RB_EPARSE);
        CHECK_STR(out.p, "kept");
        CHECK(!text_utf8_valid(bad[i], strlen(bad[i])));
        CHECK_INT(text_fold_pattern(bad[i], strlen(bad[i]), &out), RB_EPARSE);
        buf_release(&out);
    }
}

TEST(utf8_validity_and_nul)
{
    struct buf out;

    CHECK(text_utf8_valid("", 0));
    CHECK(text_utf8_valid(NULL, 0));
    CHECK(text_utf8_valid("\u0622\u062C \U0001F44D", strlen("\u0622\u062C \U0001F44D")));
    CHECK(!text_utf8_valid("a\0b", 3));
    buf_init(&out, 64);
    CHECK_INT(text_normalize("a\0b", 3, &out), RB_EPARSE);
    CHECK_INT(out.len, 0);
    buf_release(&out);
}

/* Appends keep what was there; the ceiling fails cleanly. */
TEST(appends_and_ceiling)
{
    struct buf out;
    struct buf map;
    char big[3000];

    buf_init(&out, 16);
    CHECK_INT(buf_adds(&out, "x|"), RB_OK);
    CHECK_INT(text_normalize(" Kal  ", 6, &out), RB_OK);
    CHECK_STR(out.p, "x|kal");
    CHECK_INT(text_normalize("a much longer message", 21, &out), RB_ETOOBIG);
    CHECK_STR(out.p, "x|kal");
    buf_release(&out);

    /* a key longer than the stack sink moves to the heap */
    memset(big, 'b', sizeof big);
    for (size_t i = 1; i < sizeof big; i += 2) {
        big[i] = ' ';
    }
    buf_init(&out, 0);
    buf_init(&map, 0);
    CHECK_INT(text_normalize_map(big, sizeof big, &out, &map), RB_OK);
    CHECK_INT(out.len, sizeof big - 1);
    CHECK_INT(map.len, out.len * sizeof(struct text_span));
    buf_release(&out);
    buf_release(&map);

    /* the map's own ceiling: both buffers stay as they were */
    buf_init(&out, 0);
    buf_init(&map, 8);
    CHECK_INT(text_normalize_map("abc", 3, &out, &map), RB_ETOOBIG);
    CHECK_INT(out.len, 0);
    CHECK_INT(map.len, 0);
    buf_release(&out);
    buf_release(&map);
}

/* The original text behind a stretch of the key. */
static char *orig_of(const char *s, const struct buf *map, size_t kfrom, size_t kto)
{
    size_t from, to;

    text_map_span(map, kfrom, kto, &from, &to);
    return str_dup(str_make(s + from, to - from));
}

TEST(map_leads_back_to_the_original)
{
    const char *s = "  Ali   Raza \u200Fko  kyaaa";
    const char *u = "\u200F\u0639\u0644\u0649 \u0633\u06D2\u200F";
    struct buf out, map;
    char *o;

    buf_init(&out, 0);
    buf_init(&map, 0);
    CHECK_INT(text_normalize_map(s, strlen(s), &out, &map), RB_OK);
    CHECK_STR(out.p, "ali raza ko kya");
    o = orig_of(s, &map, 0, 3);
    CHECK_STR(o, "Ali");
    free(o);
    o = orig_of(s, &map, 4, 8);
    CHECK_STR(o, "Raza");
    free(o);
    o = orig_of(s, &map, 0, 8);
    CHECK_STR(o, "Ali   Raza");
    free(o);
    o = orig_of(s, &map, 12, 15); /* the squeezed run covers all of it */
    CHECK_STR(o, "kyaaa");
    free(o);
    buf_release(&out);
    buf_release(&map);

    buf_init(&out, 0);
    buf_init(&map, 0);
    CHECK_INT(text_normalize_map(u, strlen(u), &out, &map), RB_OK);
    CHECK_STR(out.p, "\u0639\u0644\u06CC \u0633\u06D2");
    o = orig_of(u, &map, 0, strlen("\u0639\u0644\u06CC"));
    CHECK_STR(o, "\u0639\u0644\u0649"); /* as written: with the Arabic alef maksura */
    free(o);
    buf_release(&out);
    buf_release(&map);
}

TEST(pattern_fold)
{
    static const struct {
        int line;
        const char *in, *out;
    } cases[] = {
        {__LINE__, "\u0628\u06BE\u06CC\u062C\u0648|\u06A9\u0631\\s*\u062F\u0648",
         "\u0628\u06C1\u06CC\u062C\u0648|\u06A9\u0631\\s*\u062F\u0648"},
        {__LINE__, "\u06A9\u06CC\u0627\u061F", "\u06A9\u06CC\u0627\\?"},
        {__LINE__, "[\u06C1\u06BE]", "[\u06C1\u06C1]"},
        {__LINE__, "\u06F1\u06F5 \u0645\u0627\u0631\u0686", "15 \u0645\u0627\u0631\u0686"},
        {__LINE__, "(?i)\\D+\\S\\W [A-Z]", "(?i)\\D+\\S\\W [A-Z]"},
        {__LINE__, "\u0645\u0650\u06C1\u0645\u0627\u0646", "\u0645\u06C1\u0645\u0627\u0646"},
        {__LINE__, "a\u2013b\u06D4", "a\\-b\\."},
        {__LINE__, "\u0644\u0626\u06D2", "\u0644\u06CC\u06D2"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf out;

        buf_init(&out, 0);
        CHECK_INT(text_fold_pattern(cases[i].in, strlen(cases[i].in), &out), RB_OK);
        if (strcmp(out.p, cases[i].out) != 0) {
            printf("  %s:%d: expected \"%s\", got \"%s\"\n", __FILE__, cases[i].line, cases[i].out,
                   out.p);
            harness_case_failed = 1;
            harness_failed_checks++;
        }
        buf_release(&out);
    }
}

TEST(words)
{
    const char *s = "follow-up 15/3 \u06A9\u06CC\u0627? \U0001F44D #42 mi\u0301o";
    const char *want[] = {"follow", "up", "15", "3", "\u06A9\u06CC\u0627", "42", "mi\u0301o"};
    struct str cur = str_from(s), w;
    size_t n = 0;

    while (text_next_word(&cur, &w)) {
        if (n < sizeof want / sizeof want[0]) {
            CHECK(str_eqs(w, want[n]));
        }
        n++;
    }
    CHECK_INT(n, sizeof want / sizeof want[0]);
    CHECK_INT(cur.len, 0);
    cur = str_from("  ?! ");
    CHECK(!text_next_word(&cur, &w));
    cur = str_from("ab\xFF"
                   "cd");
    CHECK(text_next_word(&cur, &w));
    CHECK(str_eqs(w, "ab"));
    CHECK(text_next_word(&cur, &w));
    CHECK(str_eqs(w, "cd"));
}

struct lang_case {
    int line;
    const char *in;
    enum lang want;
};

TEST(language)
{
    static const struct lang_case cases[] = {
        {__LINE__,
         "\u06A9\u06CC\u0627 15 \u0645\u0627\u0631\u0686 \u062E\u0627\u0644\u06CC "
         "\u06C1\u06D2\u061F",
         LANG_UR},
        {__LINE__, "Is lead ka status kya hai?", LANG_ROMAN_UR},
        {__LINE__, "15 March available hai?", LANG_ROMAN_UR},
        {__LINE__, "Ali ko kal 4 baje follow up", LANG_ROMAN_UR},
        {__LINE__, "KYAAA scene hai", LANG_ROMAN_UR},
        {__LINE__, "How did January compare to December?", LANG_EN},
        {__LINE__, "Who has the most stale leads?", LANG_EN},
        {__LINE__, "do me a favour, go to main hall", LANG_EN},
        {__LINE__, "Is 20th April free for dinner?", LANG_EN},
        /* mixed: the script of most letters */
        {__LINE__, "Ali ka status \u0628\u062A\u0627\u0624", LANG_ROMAN_UR},
        {__LINE__,
         "\u06CC\u06C1 \u0644\u06CC\u0688 booked \u06C1\u0648 \u06AF\u0626\u06CC "
         "\u06C1\u06D2",
         LANG_UR},
        {__LINE__, "new lead \u0627\u062D\u0645\u062F \u0631\u0636\u0627 0300-1234567", LANG_EN},
        {__LINE__, "\u0641\u0627\u0644\u0648 \u0627\u067E \u06A9\u0644 ok", LANG_UR},
        /* Roman Urdu words the old marker list missed */
        {__LINE__, "madad", LANG_ROMAN_UR},
        {__LINE__, "shukriya", LANG_ROMAN_UR},
        {__LINE__, "call karta hoon", LANG_ROMAN_UR},
        {__LINE__, "note 42: stage decoration chahiye", LANG_ROMAN_UR},
        /* a Roman Urdu word in an English sentence: the majority decides, ties Roman Urdu */
        {__LINE__, "mark Faisal as booked for 11 lakh", LANG_EN},
        {__LINE__, "received advance of 2 lakh from lead 142", LANG_EN},
        {__LINE__, "Ali booked 8 lakh", LANG_ROMAN_UR},
        /* invalid bytes are walked past, not trusted */
        {__LINE__, "kya \xFF\xFE hai", LANG_ROMAN_UR},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum lang got = text_lang(cases[i].in, strlen(cases[i].in));
        if (got != cases[i].want) {
            printf("  %s:%d: \"%s\": expected %s, got %s\n", __FILE__, cases[i].line, cases[i].in,
                   lang_name(cases[i].want), lang_name(got));
            harness_case_failed = 1;
            harness_failed_checks++;
        }
    }
}

/* Digits, emoji or "ok" alone: the caller's fallback (the sender's language). */
TEST(language_fallback)
{
    CHECK_INT(text_lang_or("12345", 5, LANG_UR), LANG_UR);
    CHECK_INT(text_lang_or("\U0001F44D", 4, LANG_ROMAN_UR), LANG_ROMAN_UR);
    CHECK_INT(text_lang_or("ok", 2, LANG_UR), LANG_UR);
    CHECK_INT(text_lang_or("Okkk \U0001F44D 2", 10, LANG_UR), LANG_UR);
    CHECK_INT(text_lang_or("", 0, LANG_ROMAN_UR), LANG_ROMAN_UR);
    CHECK_INT(text_lang_or("ok thanks", 9, LANG_UR), LANG_EN);
    CHECK_INT(text_lang("12345", 5), LANG_EN);
}

TEST(lang_names)
{
    enum lang l = LANG_EN;

    CHECK_STR(lang_name(LANG_UR), "ur");
    CHECK_STR(lang_name(LANG_ROMAN_UR), "roman_ur");
    CHECK_STR(lang_name(LANG_EN), "en");
    CHECK_INT(lang_parse("roman_ur", &l), RB_OK);
    CHECK_INT(l, LANG_ROMAN_UR);
    CHECK_INT(lang_parse("ur", &l), RB_OK);
    CHECK_INT(l, LANG_UR);
    CHECK_INT(lang_parse("urdu", &l), RB_EINVAL);
    CHECK_INT(lang_parse(NULL, &l), RB_EINVAL);
    CHECK_INT(l, LANG_UR);
}

/* The key is a fixed point: normalizing it again changes nothing. */
TEST(key_is_idempotent)
{
    static const char *const samples[] = {
        "  Is LEAD ka status kyaaa hai??  ",
        ("\u200F\u0639\u0644\u0649 \u0643\u0627 \u0633\u0679\u06CC\u0679\u0633 "
         "\u0628\u062A\u0627\u0624\u061F \U0001F44D\U0001F3FD"),
        "\uFEFB \u0634\u0640\u0640\u0627\u062F\u06CC \u06F1\u06F5 \u0645\u0627\u0631\u0686",
        "Rs. 8,00,000/- \u2014 \u201Cpakka\u201D",
    };
    size_t i;

    for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        struct buf a, b;

        buf_init(&a, 0);
        buf_init(&b, 0);
        CHECK_INT(text_normalize(samples[i], strlen(samples[i]), &a), RB_OK);
        CHECK_INT(text_normalize(a.p, a.len, &b), RB_OK);
        CHECK_STR(b.p, a.p);
        buf_release(&a);
        buf_release(&b);
    }
}

TEST(whole_message_phrases)
{
    static const char *const stop[] = {"stop", "band karo", "بند کرو", NULL};
    static const char *const ack[] = {"", "ok", "shukriya", NULL};
    struct buf w;

    CHECK_INT(text_phrase_index("STOP!!", 6, stop), 0);
    CHECK_INT(text_phrase_index("  Band   KARO. ", 15, stop), 1);
    CHECK_INT(text_phrase_index("بند کرو۔", strlen("بند کرو۔"), stop), 2);
    CHECK_INT(text_phrase_index("stop karo", 9, stop), -1); /* the whole message only */
    CHECK_INT(text_phrase_index("please stop", 11, stop), -1);
    CHECK_INT(text_phrase_index("\xf0\x9f\x91\x8d", 4, ack), 0); /* 👍: no words */
    CHECK_INT(text_phrase_index("Shukriya 🙏", strlen("Shukriya 🙏"), ack), 2);
    CHECK_INT(text_phrase_index("\xff ok", 4, ack), -1); /* not UTF-8 */
    CHECK_INT(text_phrase_index(NULL, 0, ack), -1);
    buf_init(&w, 0);
    CHECK_INT(text_words("Salam,  Bilal bhai!", 19, &w), RB_OK);
    CHECK_STR(w.p, "salam bilal bhai");
    buf_release(&w);
}

int main(void)
{
    struct vocab *vocab = test_words_install();

    RUN(nfkc_presentation_forms_and_ligatures);
    RUN(whole_message_phrases);
    RUN(urdu_letter_variants_fold_to_one_form);
    RUN(marks_tatweel_and_invisibles);
    RUN(digits_punctuation_quotes_dashes);
    RUN(white_space_case_and_squeeze);
    RUN(emoji_are_kept_intact);
    RUN(invalid_utf8_is_refused);
    RUN(utf8_validity_and_nul);
    RUN(appends_and_ceiling);
    RUN(map_leads_back_to_the_original);
    RUN(pattern_fold);
    RUN(words);
    RUN(language);
    RUN(language_fallback);
    RUN(lang_names);
    RUN(key_is_idempotent);
    vocab_free(vocab);
    return harness_done();
}
