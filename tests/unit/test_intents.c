/* clang-format off */
/* links: nlu/text nlu/vocab nlu/values nlu/values_date nlu/values_amount nlu/catalog nlu/classify nlu/intents nlu/intents_key nlu/intents_load nlu/intents_compile nlu/intents_need nlu/intents_slots nlu/intents_match nlu/intents_model app/config */
/* clang-format on */
/* slow: starts first in tests/run */
/*
 * test_intents.c - the intents/ rule engine against the real intents/ and
 * config/, hand-written cases, and the labeled corpus.
 *
 * The corpus (intents/examples/labeled.tsv: text, now, expected
 * {"intent","slots"}, lang) is scored for intent, slots and lang, overall,
 * per intent and per language; every mismatch is listed as
 * "labeled.tsv:LINE: expected ..., got ...", and intent accuracy under 95%
 * fails the test. labeled_more.tsv (a batch written before its author read
 * the patterns), labeled_probe.tsv (batches written later, each scored
 * before the rules were tuned on it) and labeled_fresh.tsv (another batch written
 * before its author read the patterns), labeled_gen.tsv (a batch scored
 * before it was taught), labeled_en.tsv (dictated English,
 * also written first) and labeled_status.tsv (status, overdue, assign,
 * availability, follow-ups, notes and moves, also written first) are scored and checked the same
 * way. holdout.tsv, when present, is scored the same way but only its totals are printed, never its
 * rows, and it never fails the test: it measures how the rules do on
 * messages nobody tuned them on. RABTA_SKIP_HOLDOUT=1 skips it, so that
 * whoever is tuning the rules does not watch its numbers move.
 * RABTA_EXTRA_CORPUS (absolute paths, ':' between) scores batches being written.
 *
 * Run from the project root (make runs tests there), or set RABTA_HOME.
 */
#include "harness.h"

#include <dirent.h>
#include <pthread.h>

#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include <unictype.h>
#include <unistr.h>

#include "app/config.h"
#include "core/buf.h"
#include "core/str.h"
#include "nlu/catalog.h"
#include "nlu/classify.h"
#include "nlu/intents.h"
#include "nlu/text.h"

static const char *home(void)
{
    const char *h = getenv("RABTA_HOME");

    return h && h[0] ? h : ".";
}

static struct config *cfg;
static struct intents *rules;

static struct rb_datetime at(const char *iso)
{
    struct rb_datetime t = {{2026, 3, 14}, 10, 0};

    if (datetime_parse(iso, &t) != RB_OK) {
        printf("  bad now \"%s\"\n", iso);
    }
    return t;
}

TEST(loads_config_and_intents)
{
    struct buf err, path;
    struct nlu_env env;

    buf_init(&err, 0);
    buf_init(&path, 0);
    CHECK_INT(buf_addf(&path, "%s/config/rabta.conf", home()), RB_OK);
    CHECK_INT(config_load(path.p, &cfg, &err), RB_OK);
    if (!cfg) {
        printf("%s", err.p);
        goto out;
    }
    nlu_env_from_config(&env, cfg);
    buf_reset(&path);
    CHECK_INT(buf_addf(&path, "%s/intents", home()), RB_OK);
    CHECK_INT(intents_load(path.p, &env, &rules, &err), RB_OK);
    if (err.len) {
        printf("%s", err.p);
    }
out:
    buf_release(&err);
    buf_release(&path);
}

TEST(every_example_parses_to_its_intent)
{
    struct buf err, path;
    struct nlu_env env;

    if (!cfg) {
        CHECK(cfg != NULL);
        return;
    }
    buf_init(&err, 0);
    buf_init(&path, 0);
    nlu_env_from_config(&env, cfg);
    CHECK_INT(buf_addf(&path, "%s/intents", home()), RB_OK);
    CHECK_INT(intents_check(path.p, &env, &err), RB_OK);
    if (err.len) {
        printf("%s", err.p);
    }
    buf_release(&err);
    buf_release(&path);
}

TEST(load_reports_every_error_with_file_and_line)
{
    struct buf err;
    struct intents *set = NULL;
    FILE *f;
    char dir[] = "/tmp/rabta-intents-XXXXXX";
    char path[128];

    buf_init(&err, 0);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/x.frag", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("{a} = (\nsynonym stage BOKED: booked\n", f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/bad.intent", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("intent: bad\nroles: owner\nslots: lead colour\npattern: {a}\npattern: {nope} "
              "(?<stage>x)\n",
              f);
        fclose(f);
    }
    CHECK_INT(intents_load(dir, NULL, &set, &err), RB_EPARSE);
    CHECK(set == NULL);
    CHECK(strstr(err.p, "x.frag:2: \"BOKED\" is not a canonical value") != NULL);
    CHECK(strstr(err.p, "bad.intent:3: unknown slot \"colour\"") != NULL);
    CHECK(strstr(err.p, "bad.intent:4: pattern does not compile") != NULL);
    CHECK(strstr(err.p, "bad.intent:5: unknown fragment {nope}") != NULL);
    if (!strstr(err.p, "bad.intent:5")) {
        printf("%s", err.p);
    }
    unlink(path);
    snprintf(path, sizeof path, "%s/x.frag", dir);
    unlink(path);
    rmdir(dir);
    buf_release(&err);
}

/* The opt-out words live in intents/ (words.frag), and a set without them
 * is refused: clients must always be able to stop automated messages. */
TEST(words_lists_are_read_and_stop_start_required)
{
    const char *const *w;
    struct buf err;
    struct intents *set = NULL;
    FILE *f;
    char dir[] = "/tmp/rabta-words-XXXXXX";
    char path[128];

    if (rules) {
        w = intents_words(rules, "stop");
        CHECK(w[0] != NULL && text_phrase_index("STOP!", 5, w) >= 0);
        CHECK(text_phrase_index("band karo", 9, intents_words(rules, "stop")) >= 0);
        CHECK(text_phrase_index("Start", 5, intents_words(rules, "start")) >= 0);
        CHECK(text_phrase_index("aur dikhao", 10, intents_words(rules, "more")) >= 0);
        CHECK(text_phrase_index("\U0001F44D", 4, intents_words(rules, "ack")) >= 0);
        CHECK(intents_words(rules, "no such list")[0] == NULL);
    }
    buf_init(&err, 0);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/help.intent", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("intent: help\nroles: everyone\nslots:\npattern: help\nwords start: start\n", f);
        fclose(f);
    }
    CHECK_INT(intents_load(dir, NULL, &set, &err), RB_EPARSE);
    CHECK(set == NULL);
    CHECK(strstr(err.p ? err.p : "", "no `words stop:` list") != NULL);
    CHECK(strstr(err.p ? err.p : "", "no `words start:` list") == NULL);
    unlink(path);
    rmdir(dir);
    buf_release(&err);
}

/* Parses text at now; returns the compact JSON line (static buffer). */
static const char *parse(const char *text, const char *now)
{
    static char line[2048];
    struct parse_result r;
    struct buf out;

    line[0] = '\0';
    if (!rules) {
        return line;
    }
    parse_result_init(&r);
    buf_init(&out, 0);
    if (intents_match(rules, text, strlen(text), at(now), &r) == RB_OK &&
        parse_result_to_json(&r, &out) == RB_OK) {
        snprintf(line, sizeof line, "%s", out.p);
    }
    buf_release(&out);
    parse_result_release(&r);
    return line;
}

/* True when line starts with the intent and slots of want. */
static bool starts(const char *line, const char *want)
{
    return strncmp(line, want, strlen(want)) == 0;
}

#define CHECK_PARSE(text, now, want)                                                               \
    do {                                                                                           \
        const char *got_ = parse(text, now);                                                       \
        if (!starts(got_, want)) {                                                                 \
            printf("  %s:%d: \"%s\": expected %s..., got %s\n", __FILE__, __LINE__, text, want,    \
                   got_);                                                                          \
            harness_case_failed = 1;                                                               \
            harness_failed_checks++;                                                               \
        }                                                                                          \
    } while (0)

TEST(smoke_cases)
{
    const char *now = "2026-03-14T10:00";

    CHECK_PARSE("#42 Ji, 15 March available hai", now,
                "{\"intent\":\"client.reply\",\"slots\":{\"lead\":\"42\",\"text\":\"Ji, 15 March "
                "available hai\"}");
    CHECK_PARSE(
        "#64 ka status kya hai", now,
        "{\"intent\":\"client.reply\",\"slots\":{\"lead\":\"64\",\"text\":\"ka status kya hai\"}");
    CHECK_PARSE("Ali bhai ka status batao plz", now,
                "{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"Ali\"}");
    CHECK_PARSE("Mr Junaid ka kya bana", now,
                "{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"Junaid\"}");
    CHECK_PARSE("اس لیڈ کا اسٹیٹس", now,
                "{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"this\"}");
    CHECK_PARSE("42 ko book kar do 8 lac 🎉", now,
                "{\"intent\":\"lead.move\",\"slots\":{\"lead\":\"42\",\"stage\":\"BOOKED\","
                "\"amount\":800000}");
    CHECK_PARSE("۴۲ کو کنفرم کر دو", now,
                "{\"intent\":\"lead.move\",\"slots\":{\"lead\":\"42\",\"stage\":\"BOOKED\"}");
    CHECK_PARSE("kal lunch ke liye garden khali hai?", now,
                "{\"intent\":\"availability.check\",\"slots\":{\"date\":\"2026-03-15\","
                "\"slot\":\"lunch\",\"hall\":\"Garden\"}");
    CHECK_PARSE("Aaj ke follow-ups dikhao", now,
                "{\"intent\":\"followups.list\",\"slots\":{\"date\":\"2026-03-14\"}");
    CHECK_PARSE("kal baat karte hain", now, "{\"intent\":\"unknown\",\"slots\":{}");
    CHECK_PARSE("shukriya", now, "{\"intent\":\"unknown\",\"slots\":{}");
    CHECK_PARSE("help", now, "{\"intent\":\"help\",\"slots\":{}");
    /* "question: yes" patterns: the key drops "?", the parser remembers it */
    CHECK_PARSE("Ahmed?", now, "{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"Ahmed\"}");
    CHECK_PARSE("فہد؟ 🙏", now, "{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"فہد\"}");
    CHECK_PARSE("Ahmed", now, "{\"intent\":\"unknown\",\"slots\":{}");
    CHECK_PARSE("Ahmed? ok", now, "{\"intent\":\"unknown\",\"slots\":{}");
    CHECK_PARSE("Sara?", now, "{\"intent\":\"unknown\",\"slots\":{}");
    /* a number or a phone alone answers a question; the model never reads it */
    CHECK_PARSE("2", now, "{\"intent\":\"unknown\",\"slots\":{}");
    CHECK_PARSE("0345-1234567", now, "{\"intent\":\"unknown\",\"slots\":{}");
    /* shorthand: the consonants of a command word */
    CHECK_PARSE("42 ka stts btao", now, "{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"42\"}");
    CHECK_PARSE("118 ki hstry", now, "{\"intent\":\"lead.history\",\"slots\":{\"lead\":\"118\"}");
    /* no pattern reads it; the model does, from the examples */
    CHECK_PARSE("Ali wali party ne kuch kaha?", now,
                "{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"Ali\"}");
    /* a reply that is only an emoji keeps it (the key has none) */
    CHECK_PARSE("#90 \U0001F44D", now,
                "{\"intent\":\"client.reply\",\"slots\":{\"lead\":\"90\",\"text\":\"\U0001F44D\"}");
    /* a time and its day written apart are one `when` */
    CHECK_PARSE("4 baje Ali ko call karni hai kal", now,
                "{\"intent\":\"followup.schedule\",\"slots\":{\"lead\":\"Ali\",\"when\":\"2026-03-"
                "15T16:00\"}");
    /* a month or quarter "last year" is in the calendar year before now */
    CHECK_PARSE("revenue december last year", now,
                "{\"intent\":\"report.query\",\"slots\":{\"metric\":\"revenue\",\"period\":\"2025-"
                "12\"}");
    CHECK_PARSE("revenue quarter 4 last year", now,
                "{\"intent\":\"report.query\",\"slots\":{\"metric\":\"revenue\",\"period\":\"2025-"
                "Q4\"}");
    /* a single booking on a day is not a report */
    CHECK_PARSE(
        "great job on the booking yesterday everyone", now,
        "{\"intent\":\"unknown\",\"slots\":{}"); /* two spellings of one synonym ("salesperson",
                                                    "sales person"): both are read */
    CHECK_PARSE("bookings by sales person", now,
                "{\"intent\":\"report.query\",\"slots\":{\"metric\":\"bookings\","
                "\"group_by\":\"staff\"}");
    CHECK_PARSE("bookings by salesperson", now,
                "{\"intent\":\"report.query\",\"slots\":{\"metric\":\"bookings\","
                "\"group_by\":\"staff\"}");
    /* a negated contact is no stage CONTACTED: the leads are still NEW */
    CHECK_PARSE("who hasnt been contacted yet", now,
                "{\"intent\":\"leads.list\",\"slots\":{\"stage\":\"NEW\"}");
    CHECK_PARSE("kis kis ko abhi tak call nahi kiya", now,
                "{\"intent\":\"leads.list\",\"slots\":{\"stage\":\"NEW\"}");
    CHECK_PARSE("contacted leads dikhao", now,
                "{\"intent\":\"leads.list\",\"slots\":{\"stage\":\"CONTACTED\"}");
}

TEST(json_output_is_compact_utf8_in_order)
{
    struct parse_result r;
    struct buf out;

    parse_result_init(&r);
    buf_init(&out, 0);
    r.intent = rb_strdup("lead.status");
    r.slots = json_pack("{s:s}", "lead", "علی");
    r.lang = LANG_UR;
    r.confidence = 0.92;
    CHECK_INT(parse_result_to_json(&r, &out), RB_OK);
    CHECK_STR(out.p, "{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"علی\"},\"lang\":\"ur\","
                     "\"engine\":\"rules\",\"confidence\":0.92}");
    buf_reset(&out);
    r.fallback = rb_strdup("timeout");
    r.confidence = 1.0;
    CHECK_INT(parse_result_to_json(&r, &out), RB_OK);
    CHECK(strstr(out.p, "\"confidence\":1.0,\"fallback\":\"timeout\"}") != NULL);
    parse_result_release(&r);
    buf_release(&out);
}

TEST(slot_values_are_checked_for_canonical_form)
{
    json_t *v;

    v = json_string("2026-02-29");
    CHECK(!slot_value_valid(slot_def_find("date"), v));
    json_decref(v);
    v = json_string("2026-03-15T16:00");
    CHECK(slot_value_valid(slot_def_find("when"), v));
    json_decref(v);
    v = json_string("SITE_VISIT");
    CHECK(slot_value_valid(slot_def_find("stage"), v));
    json_decref(v);
    v = json_string("2026-Q5");
    CHECK(!slot_value_valid(slot_def_find("period"), v));
    json_decref(v);
    v = json_string("stale");
    CHECK(slot_value_valid(slot_def_find("scope"), v));
    json_decref(v);
    v = json_integer(800000);
    CHECK(slot_value_valid(slot_def_find("amount"), v));
    json_decref(v);
    v = json_string("+923001234567");
    CHECK(slot_value_valid(slot_def_find("phone"), v));
    json_decref(v);
    CHECK(slot_def_find("colour") == NULL);
    CHECK_INT(stage_index("BOOKED"), STAGE_BOOKED);
    CHECK_INT(role_parse("finance"), ROLE_FINANCE);
}

/* ---- the corpus ---- */

struct tally {
    int n, intent_ok, slots_ok, lang_n, lang_ok;
    int sure_wrong;    /* a wrong intent given at confidence >= 0.8 */
    int chat_sure_cmd; /* of them, chit-chat (unknown) read as a command */
    int rules_ok;      /* right, intent and slots, by a pattern (not the model) */
};

struct score {
    struct tally all;
    struct tally by_intent[32];
    const char *intent_names[32];
    int nintents;
    struct tally by_lang[3];
    int confused[32][32]; /* [expected][got] intents, by intent_tally's numbering */
};

static struct tally *intent_tally(struct score *s, const char *name)
{
    int i;

    for (i = 0; i < s->nintents; i++) {
        if (strcmp(s->intent_names[i], name) == 0) {
            return &s->by_intent[i];
        }
    }
    if (s->nintents == 32) {
        return &s->by_intent[31];
    }
    s->intent_names[s->nintents] = strdup(name);
    return &s->by_intent[s->nintents++];
}

/* Text compared loosely: normalized, punctuation and spaces at the ends ignored. */
static bool text_loose_eq(const char *a, const char *b)
{
    struct buf x, y;
    struct str sx, sy;
    bool eq;

    buf_init(&x, 0);
    buf_init(&y, 0);
    if (text_normalize(a, strlen(a), &x) || text_normalize(b, strlen(b), &y)) {
        buf_release(&x);
        buf_release(&y);
        return false;
    }
    sx = str_make(x.p, x.len);
    sy = str_make(y.p, y.len);
    while (sx.len && strchr(" .,:;!?-\"'", sx.p[0])) {
        sx.p++, sx.len--;
    }
    while (sx.len && strchr(" .,:;!?-\"'", sx.p[sx.len - 1])) {
        sx.len--;
    }
    while (sy.len && strchr(" .,:;!?-\"'", sy.p[0])) {
        sy.p++, sy.len--;
    }
    while (sy.len && strchr(" .,:;!?-\"'", sy.p[sy.len - 1])) {
        sy.len--;
    }
    eq = str_eq(sx, sy);
    buf_release(&x);
    buf_release(&y);
    return eq;
}

static bool slot_eq(const char *name, json_t *want, json_t *got)
{
    if (!got) {
        return false;
    }
    if (strcmp(name, "text") == 0 && json_is_string(want) && json_is_string(got)) {
        return text_loose_eq(json_string_value(want), json_string_value(got));
    }
    if ((strcmp(name, "lead") == 0 || strcmp(name, "name") == 0 || strcmp(name, "staff") == 0) &&
        json_is_string(want) && json_is_string(got)) {
        return strcasecmp(json_string_value(want), json_string_value(got)) == 0;
    }
    return json_equal(want, got);
}

static bool slots_eq(json_t *want, json_t *got)
{
    const char *k;
    json_t *v;

    if (json_object_size(want) != json_object_size(got)) {
        return false;
    }
    json_object_foreach (want, k, v) {
        if (!slot_eq(k, v, json_object_get(got, k))) {
            return false;
        }
    }
    return true;
}

/* True when the text has a letter (rows of only emoji or digits have no language). */
static bool has_letters(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    ucs4_t c;
    int n;

    while (*p) {
        n = u8_strmbtouc(&c, p);
        if (n <= 0) {
            return false;
        }
        if (uc_is_alpha(c)) {
            return true;
        }
        p += n;
    }
    return false;
}

static void tally_add(struct tally *t, bool iok, bool sok, int lang_state)
{
    t->n++;
    t->intent_ok += iok;
    t->slots_ok += iok && sok;
    if (lang_state >= 0) {
        t->lang_n++;
        t->lang_ok += lang_state;
    }
}

/* Scores one corpus row; prints it when it is wrong and show_rows is set. */
static void score_row(struct score *s, const char *file, int lineno, char *cols[4], bool show_rows,
                      struct buf *why)
{
    struct parse_result r;
    json_t *want;
    json_t *wslots;
    const char *wintent;
    enum lang wl = LANG_EN;
    bool iok = false, sok = false;
    int lang_state = -1;
    char *got = NULL;

    parse_result_init(&r);
    want = json_loads(cols[2], 0, NULL);
    wintent = json_string_value(json_object_get(want, "intent"));
    wslots = json_object_get(want, "slots");
    if (!wintent || !json_is_object(wslots) || lang_parse(cols[3], &wl) != RB_OK) {
        printf("  %s:%d: bad row\n", file, lineno);
        json_decref(want);
        return;
    }
    buf_reset(why);
    if (intents_match_explain(rules, cols[0], strlen(cols[0]), at(cols[1]), &r, why) == RB_OK) {
        iok = strcmp(r.intent, wintent) == 0;
        sok = slots_eq(wslots, r.slots);
        if (has_letters(cols[0])) {
            lang_state = r.lang == wl;
        }
    }
    if (!iok && r.intent && r.confidence >= 0.8) {
        s->all.sure_wrong++;
        s->all.chat_sure_cmd += strcmp(wintent, "unknown") == 0;
    }
    s->all.rules_ok += iok && sok && strstr(why->p, ".intent:") != NULL;
    if (!iok && r.intent) {
        int a = (int)(intent_tally(s, wintent) - s->by_intent);
        int b = (int)(intent_tally(s, r.intent) - s->by_intent);

        s->confused[a][b]++;
    }
    tally_add(&s->all, iok, sok, lang_state);
    tally_add(intent_tally(s, wintent), iok, sok, lang_state);
    tally_add(&s->by_lang[wl], iok, sok, lang_state);
    if (show_rows && (!iok || !sok)) {
        got = json_dumps(r.slots, JSON_COMPACT);
        printf("  %s:%d: expected %s, got {\"intent\":\"%s\",\"slots\":%s}  <- %s  (%s)\n", file,
               lineno, cols[2], r.intent ? r.intent : "?", got ? got : "{}", cols[0], why->p);
        free(got);
    }
    if (show_rows && lang_state == 0) {
        printf("  %s:%d: expected lang %s, got %s  <- %s\n", file, lineno, cols[3],
               lang_name(r.lang), cols[0]);
    }
    json_decref(want);
    parse_result_release(&r);
}

static double pct(int a, int n)
{
    return n ? 100.0 * a / n : 100.0;
}

static void print_score(const char *file, struct score *s)
{
    static const char *const langs[] = {"ur", "roman_ur", "en"};
    int i;

    printf("# %s: %d messages: intent %.1f%%, slots %.1f%%, lang %.1f%%; wrong at >= 0.8: %d, "
           "chit-chat read as a command at >= 0.8: %d; right by a pattern: %d\n",
           file, s->all.n, pct(s->all.intent_ok, s->all.n), pct(s->all.slots_ok, s->all.n),
           pct(s->all.lang_ok, s->all.lang_n), s->all.sure_wrong, s->all.chat_sure_cmd,
           s->all.rules_ok);
    printf("#   %-20s %5s %8s %8s\n", "intent", "n", "intent", "slots");
    for (i = 0; i < s->nintents; i++) {
        printf("#   %-20s %5d %7.1f%% %7.1f%%\n", s->intent_names[i], s->by_intent[i].n,
               pct(s->by_intent[i].intent_ok, s->by_intent[i].n),
               pct(s->by_intent[i].slots_ok, s->by_intent[i].n));
    }
    printf("#   %-20s %5s %8s %8s %8s\n", "lang", "n", "intent", "slots", "lang");
    for (i = 0; i < 3; i++) {
        printf("#   %-20s %5d %7.1f%% %7.1f%% %7.1f%%\n", langs[i], s->by_lang[i].n,
               pct(s->by_lang[i].intent_ok, s->by_lang[i].n),
               pct(s->by_lang[i].slots_ok, s->by_lang[i].n),
               pct(s->by_lang[i].lang_ok, s->by_lang[i].lang_n));
    }
}

/* The most frequent intent confusions (counts only, never rows). */
static void print_confusions(const struct score *s)
{
    int a, b, best, ba, bb, shown = 0, seen[32][32] = {{0}};

    printf("#   most confused (expected -> got: rows):");
    while (shown < 6) {
        best = 0;
        ba = bb = 0;
        for (a = 0; a < s->nintents; a++) {
            for (b = 0; b < s->nintents; b++) {
                if (!seen[a][b] && s->confused[a][b] > best) {
                    best = s->confused[a][b];
                    ba = a;
                    bb = b;
                }
            }
        }
        if (!best) {
            break;
        }
        seen[ba][bb] = 1;
        printf(" %s -> %s: %d;", s->intent_names[ba], s->intent_names[bb], best);
        shown++;
    }
    printf("\n");
}

/* Runs a corpus file; returns false when it cannot be read. */
static bool run_corpus(const char *name, struct score *s, bool show_rows)
{
    char path[1024], *line = NULL, *cols[4], *p;
    struct buf why;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, i;
    FILE *f;

    memset(s, 0, sizeof *s);
    if (name[0] == '/') {
        snprintf(path, sizeof path, "%s", name);
    } else if (strncmp(name, "labeled", 7) == 0 || strcmp(name, "taught.tsv") == 0) {
        /* the working sets ship with intents/: the model learns from them */
        snprintf(path, sizeof path, "%s/intents/examples/%s", home(), name);
    } else {
        snprintf(path, sizeof path, "%s/tests/fixtures/corpus/%s", home(), name);
    }
    f = fopen(path, "r");
    if (!f) {
        return false;
    }
    buf_init(&why, 0);
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        p = line;
        for (i = 0; i < 4; i++) {
            cols[i] = p;
            p = p ? strchr(p, '\t') : NULL;
            if (p) {
                *p++ = '\0';
            }
        }
        if (!cols[3]) {
            printf("  %s:%d: expected 4 columns\n", name, lineno);
            continue;
        }
        score_row(s, name, lineno, cols, show_rows, &why);
    }
    free(line);
    fclose(f);
    buf_release(&why);
    return true;
}

static void score_release(struct score *s)
{
    int i;

    for (i = 0; i < s->nintents; i++) {
        free((char *)s->intent_names[i]);
    }
}

/*
 * Scores a labeled file, listing its wrong rows. Each file is held at the
 * intent and slot scores it has, and at the rows its patterns read right on
 * their own (rows, not percentages, so that one row lost fails the run: the
 * model learns these files, so a deleted pattern may leave the answers right
 * but shows in the last count), and no chit-chat row may be read as a
 * command at confidence 0.8 or more.
 */
static void check_labeled(const char *name, int intent_min, int slots_min, int rules_min)
{
    struct score s;

    if (!rules) {
        CHECK(rules != NULL);
        return;
    }
    if (!run_corpus(name, &s, true)) {
        printf("  %s: not found\n", name);
        CHECK(0);
        return;
    }
    print_score(name, &s);
    if (s.all.intent_ok < intent_min || s.all.slots_ok < slots_min) {
        printf("  %s: %d intents and %d slots right, at least %d and %d expected\n", name,
               s.all.intent_ok, s.all.slots_ok, intent_min, slots_min);
    }
    if (s.all.rules_ok < rules_min) {
        printf("  %s: %d rows right by a pattern, at least %d expected\n", name, s.all.rules_ok,
               rules_min);
    }
    CHECK(s.all.intent_ok >= intent_min);
    CHECK(s.all.slots_ok >= slots_min);
    CHECK(s.all.rules_ok >= rules_min);
    CHECK_INT(s.all.chat_sure_cmd, 0);
    score_release(&s);
}

/* Each labeled corpus (intents/examples/) and the rows it gets right today:
 * intents, slots, rules. */
static const struct {
    const char *file;
    int intents_min, slots_min, rules_min;
} labeled_sets[] = {
    /* the working sets: the patterns were written on them and the model
     * learns from them */
    {"labeled.tsv", 527, 527, 491},
    /* a second batch, written from scratch before anyone read the patterns */
    {"labeled_more.tsv", 421, 421, 383},
    /* four more batches, each scored before the rules were tuned on it */
    {"labeled_probe.tsv", 427, 427, 394},
    {"labeled_fresh.tsv", 339, 339, 305},
    {"labeled_en.tsv", 341, 341, 313},
    {"labeled_status.tsv", 226, 226, 209},
    /* phrasings taught by example only (help, late installments, payments
     * as news, comparisons, chit-chat with a command word) */
    /* a batch written before its author looked at how the parser reads it
     * (shorthand, run-ons, numbers and dates in words, payments as news,
     * comparisons, honorifics, chit-chat), scored once as it was: 96.7 %
     * intents, 84.1 % slots; then taught */
    {"labeled_gen.tsv", 151, 150, 141},
    {"taught.tsv", 54, 54, 40},
    /* owner report questions (every metric, breakdown, period and comparison in three
     * scripts) and negated list questions ("who hasn't been contacted yet" is NEW, not
     * CONTACTED), written before its author read the patterns, scored once as it was:
     * 84.2 % intents, 70.5 % slots; then the rules were fixed for it */
    {"labeled_owner.tsv", 190, 190, 185},
    /* field-style messages (a staff member's leads by name in either script, "mere stale
     * leads", payments received as a question, comparisons, times and amounts in words,
     * near misses), written before its author read the patterns, scored once as it was:
     * 96.9 % intents, 87.1 % slots (not yet learned by the model); then the rules were fixed */
    {"labeled_field.tsv", 224, 224, 198},
    /* slot values that are hard to read (dates in words, Urdu month names, ranges, years,
     * `now` at month and year ends; times with sawa/saadhe/paune and time words; amounts in
     * words, lakh decimals, crore, Rs./PKR, Indian grouping; phones in many forms; names with
     * honorifics; text boundaries of notes, replies and reasons), written before its author
     * read the patterns, scored once as it was: 100.0 % intents, 95.3 % slots; then the
     * value readers were fixed */
    {"labeled_slots.tsv", 235, 235, 230},
    /* the misreads found on a tour of the product (who is N, one period compared with the last,
     * how salespeople do, a booking with its hall and slot, the sender's own stale leads, the
     * leads of a period, how much is late, "نئی لیڈ" alone) and near misses (#N replies that
     * mention status, history or moves stay replies, as INTENTS.md says), written before its
     * author read the patterns, scored once as it was: 63.4 % intents, 46.5 % slots (84.2 %
     * intents with the #N rows labeled as the contract reads them); then the rules were fixed */
    {"labeled_tour.tsv", 101, 101, 101},
    /* stage moves with amounts and reasons in many shapes (connectors, dashes, reasons that are
     * stage phrases) and new leads with name, phone, date, guests and a note, written before
     * its author read the patterns, scored once as it was: 100.0 % intents, 67.0 % slots; then
     * the reason reader and a lead named after its salesperson were fixed */
    {"labeled_moves.tsv", 115, 103, 103},
};

TEST(labeled_corpora_hold_their_scores)
{
    for (size_t i = 0; i < sizeof(labeled_sets) / sizeof(labeled_sets[0]); i++) {
        check_labeled(labeled_sets[i].file, labeled_sets[i].intents_min, labeled_sets[i].slots_min,
                      labeled_sets[i].rules_min);
    }
}

/* ---- threads: one set shared, patterns JIT-compiled as they are used ---- */

#define MT_THREADS 4
#define MT_MAX 600

struct mt_job {
    const struct intents *set;
    char **texts;
    char **nows;
    size_t n;
    char **out; /* one JSON line per text */
};

static char *mt_parse(const struct intents *set, const char *text, const char *now)
{
    struct parse_result r;
    struct buf out;
    char *line = NULL;

    parse_result_init(&r);
    buf_init(&out, 0);
    if (intents_match(set, text, strlen(text), at(now), &r) == RB_OK &&
        parse_result_to_json(&r, &out) == RB_OK) {
        line = strdup(out.p);
    }
    buf_release(&out);
    parse_result_release(&r);
    return line;
}

static void *mt_main(void *arg)
{
    struct mt_job *j = arg;

    for (size_t i = 0; i < j->n; i++) {
        j->out[i] = mt_parse(j->set, j->texts[i], j->nows[i]);
    }
    return NULL;
}

/* Four threads parse the corpus at once on a newly loaded set, racing to
 * JIT-compile the same patterns: each gets what one thread alone gets. */
/* The clf-*.bin files in dir; the last one's path in path. */
static int cache_files(const char *dir, char *path, size_t cap)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "clf-", 4) == 0 && strstr(e->d_name, ".bin") &&
            !strstr(e->d_name, ".tmp")) {
            snprintf(path, cap, "%s/%s", dir, e->d_name);
            n++;
        }
    }
    if (d) {
        closedir(d);
    }
    return n;
}

/* The probabilities of one message under c (4 classes). */
static void probs_of(const struct classifier *c, const char *text, float p[4])
{
    memset(p, 0, 4 * sizeof *p);
    if (c) {
        classifier_predict(c, text, strlen(text), p);
    }
}

/* RABTA_MODEL_CACHE: a model read back from the cache is the trained one bit
 * for bit; it is really read (a changed weight shows); a damaged file is
 * trained again and replaced; other samples get a file of their own. */
TEST(classifier_cache_gives_the_same_model)
{
    static const char *const text[] = {"lead 42 ka status",
                                       "42 ka kya haal hai",
                                       "status batao 7",
                                       "kal hall available hai",
                                       "hall khali hai 5 tareekh",
                                       "booking ho sakti hai kal",
                                       "aaj ke leads dikhao",
                                       "naye leads kitne hain",
                                       "leads list",
                                       "shukriya",
                                       "theek hai bhai",
                                       "ok"};
    struct clf_sample smp[12];
    struct classifier *plain = NULL, *a = NULL, *b = NULL, *t = NULL, *r = NULL, *o = NULL,
                      *n = NULL;
    char dir[] = "/tmp/rabta-clf-cache.XXXXXX", path[600], other[600];
    float p0[4], p1[4];
    const char *probe = "42 status kya hai";
    size_t len = 0;
    char *bytes;
    FILE *f;

    for (int i = 0; i < 12; i++) {
        smp[i].key = text[i];
        smp[i].len = strlen(text[i]);
        smp[i].label = i / 3;
    }
    CHECK(mkdtemp(dir) != NULL);
    CHECK_INT(classifier_train(smp, 12, 4, &plain), RB_OK);
    probs_of(plain, probe, p0);

    CHECK_INT(classifier_train_cached(smp, 12, 4, dir, &a), RB_OK); /* trains, writes */
    CHECK_INT(cache_files(dir, path, sizeof path), 1);
    probs_of(a, probe, p1);
    CHECK(memcmp(p0, p1, sizeof p0) == 0);
    CHECK_INT(classifier_train_cached(smp, 12, 4, dir, &b), RB_OK); /* reads */
    probs_of(b, probe, p1);
    CHECK(memcmp(p0, p1, sizeof p0) == 0);

    /* a changed weight in the file changes the answer: the file is what is read */
    bytes = harness_read_file(path, &len);
    CHECK(bytes != NULL && len > 1000);
    for (size_t i = len - (size_t)CLF_BUCKETS * 4; bytes && i < len; i++) {
        bytes[i] = (char)100; /* every weight of every class */
    }
    f = fopen(path, "wb");
    CHECK(f != NULL && bytes && fwrite(bytes, 1, len, f) == len);
    if (f) {
        fclose(f);
    }
    CHECK_INT(classifier_train_cached(smp, 12, 4, dir, &t), RB_OK);
    probs_of(t, probe, p1);
    CHECK(memcmp(p0, p1, sizeof p0) != 0);

    /* cut short: trained again, the same as ever, and the file whole again */
    f = fopen(path, "wb");
    CHECK(f != NULL && bytes && fwrite(bytes, 1, len / 2, f) == len / 2);
    if (f) {
        fclose(f);
    }
    CHECK_INT(classifier_train_cached(smp, 12, 4, dir, &r), RB_OK);
    probs_of(r, probe, p1);
    CHECK(memcmp(p0, p1, sizeof p0) == 0);
    free(bytes);
    bytes = harness_read_file(path, &len);
    CHECK(bytes != NULL && len > (size_t)CLF_BUCKETS * 4);
    free(bytes);

    /* one label moved: another model, another file */
    smp[11].label = 0;
    CHECK_INT(classifier_train_cached(smp, 12, 4, dir, &o), RB_OK);
    CHECK_INT(cache_files(dir, other, sizeof other), 2);

    /* no directory that exists: trained, no error */
    CHECK_INT(classifier_train_cached(smp, 12, 4, "/nonexistent/rabta", &n), RB_OK);
    CHECK(n != NULL);
    classifier_free(n);
    classifier_free(plain);
    classifier_free(b);
    classifier_free(t);
    classifier_free(r);
    classifier_free(o);
    classifier_free(a);
    cache_files(dir, path, sizeof path);
    unlink(path);
    cache_files(dir, path, sizeof path);
    unlink(path);
    rmdir(dir);
}

TEST(threads_share_one_set_while_patterns_compile)
{
    char path[512], line[4096];
    struct intents *fresh = NULL;
    struct nlu_env env;
    struct buf err;
    char *texts[MT_MAX], *nows[MT_MAX];
    struct mt_job jobs[MT_THREADS];
    pthread_t th[MT_THREADS];
    size_t n = 0;
    FILE *f;

    if (!cfg || !rules) {
        CHECK(cfg && rules);
        return;
    }
    snprintf(path, sizeof path, "%s/intents/examples/labeled.tsv", home());
    f = fopen(path, "r");
    CHECK(f != NULL);
    while (f && n < MT_MAX && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t'), *tab2 = tab ? strchr(tab + 1, '\t') : NULL;
        if (!tab || !tab2) {
            continue;
        }
        *tab = '\0';
        *tab2 = '\0';
        texts[n] = strdup(line);
        nows[n] = strdup(tab + 1);
        n++;
    }
    if (f) {
        fclose(f);
    }
    buf_init(&err, 0);
    nlu_env_from_config(&env, cfg);
    snprintf(path, sizeof path, "%s/intents", home());
    CHECK_INT(intents_load(path, &env, &fresh, &err), RB_OK);
    for (int t = 0; fresh && t < MT_THREADS; t++) {
        jobs[t] = (struct mt_job){fresh, texts, nows, n, calloc(n ? n : 1, sizeof(char *))};
        CHECK(pthread_create(&th[t], NULL, mt_main, &jobs[t]) == 0);
    }
    for (int t = 0; fresh && t < MT_THREADS; t++) {
        pthread_join(th[t], NULL);
    }
    for (size_t i = 0; fresh && i < n; i++) {
        char *want = mt_parse(rules, texts[i], nows[i]);
        for (int t = 0; t < MT_THREADS; t++) {
            if (!want || !jobs[t].out[i] || strcmp(want, jobs[t].out[i]) != 0) {
                printf("  thread %d, \"%s\": %s, alone: %s\n", t, texts[i],
                       jobs[t].out[i] ? jobs[t].out[i] : "(none)", want ? want : "(none)");
                CHECK(false);
                i = n - 1;
                break;
            }
        }
        free(want);
    }
    for (int t = 0; fresh && t < MT_THREADS; t++) {
        for (size_t i = 0; i < n; i++) {
            free(jobs[t].out[i]);
        }
        free(jobs[t].out);
    }
    for (size_t i = 0; i < n; i++) {
        free(texts[i]);
        free(nows[i]);
    }
    intents_free(fresh);
    buf_release(&err);
    CHECK(n > 100);
}

/* RABTA_EXTRA_CORPUS=/abs/a.tsv:/abs/b.tsv scores more files like labeled.tsv,
 * rows listed, never failing: for a batch being written. */
static void report_extra(void)
{
    const char *list = getenv("RABTA_EXTRA_CORPUS");
    char *copy, *save = NULL, *name;
    struct score s;

    if (!rules || !list || !list[0]) {
        return;
    }
    copy = strdup(list);
    for (name = copy ? strtok_r(copy, ":", &save) : NULL; name; name = strtok_r(NULL, ":", &save)) {
        if (run_corpus(name, &s, true)) {
            print_score(name, &s);
            score_release(&s);
        } else {
            printf("  %s: not found\n", name);
        }
    }
    free(copy);
}

/* Prints a held-out set's totals only: its rows must not be read while tuning. */
static void report_holdout(const char *name)
{
    const char *skip = getenv("RABTA_SKIP_HOLDOUT");
    char title[128];
    struct score s;

    if (skip && skip[0] && strcmp(skip, "0") != 0) {
        printf("# %s: skipped (RABTA_SKIP_HOLDOUT)\n", name);
        return;
    }
    if (!rules || !run_corpus(name, &s, false)) {
        return;
    }
    snprintf(title, sizeof title, "%s (not tuned on; never fails the test)", name);
    print_score(title, &s);
    print_confusions(&s);
    score_release(&s);
}

int main(void)
{
    RUN(loads_config_and_intents);
    RUN(every_example_parses_to_its_intent);
    RUN(load_reports_every_error_with_file_and_line);
    RUN(words_lists_are_read_and_stop_start_required);
    RUN(smoke_cases);
    RUN(json_output_is_compact_utf8_in_order);
    RUN(slot_values_are_checked_for_canonical_form);
    RUN(labeled_corpora_hold_their_scores);
    RUN(threads_share_one_set_while_patterns_compile);
    RUN(classifier_cache_gives_the_same_model);
    report_extra();
    report_holdout("holdout.tsv");
    report_holdout("holdout_b.tsv");
    report_holdout("holdout_c.tsv");
    report_holdout("holdout_d.tsv");
    report_holdout("holdout_e.tsv");
    report_holdout("holdout_f.tsv");
    intents_free(rules);
    config_free(cfg);
    return harness_done();
}
