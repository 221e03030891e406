/* links: egress/whatsapp egress/http_client */
/*
 * The pure parts of the WhatsApp client: builders against the reference
 * request files, the splitter, the classifier against the reference error
 * bodies (read at run time from tests/fixtures/reference/whatsapp/, relative to
 * the repository root where the tests run), and the backoff.
 */
#include "harness.h"

#include <stdlib.h>

#include "egress/whatsapp.h"

#define REF "tests/fixtures/reference/whatsapp/"

/* The reference file's bytes, or NULL when it cannot be read. */
static char *slurp(const char *name, size_t *len)
{
    char path[512];

    snprintf(path, sizeof(path), REF "%s", name);
    return harness_read_file(path, len);
}

static json_t *ref_json(const char *name)
{
    char path[512];

    snprintf(path, sizeof(path), REF "%s", name);
    return json_load_file(path, 0, NULL);
}

/* Builds nothing; compares a built message with a reference file. */
static void check_same(json_t *built, const char *name)
{
    json_t *ref = ref_json(name);

    CHECK(ref != NULL);
    CHECK(built != NULL);
    if (ref && built && !json_equal(ref, built)) {
        char *a = json_dumps(built, JSON_COMPACT | JSON_SORT_KEYS);
        char *b = json_dumps(ref, JSON_COMPACT | JSON_SORT_KEYS);
        printf("  built %s\n  ref   %s\n", a, b);
        free(a);
        free(b);
        CHECK(!"built message differs from the reference");
    }
    json_decref(ref);
}

TEST(text_matches_reference)
{
    struct wa_recipient to = {"+923001234567", NULL};
    const char *body = "Ji, 15 March ko Grand Hall mein dinner slot abhi khali hai. Kya aap kal "
                       "shaam 4 baje site visit ke liye aa sakti hain?";
    json_t *m = NULL;

    CHECK_INT(wa_build_text(&to, body, false, &m), RB_OK);
    check_same(m, "send_text_request.json");
    json_decref(m);
}

TEST(reply_matches_reference)
{
    struct wa_recipient to = {"923001234567", NULL}; /* as a webhook gives it: '+' added */
    json_t *m = NULL;

    CHECK_INT(wa_build_reply(&to, "wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0E5RjJDNEU2QjhEMEExQzNFNUYA",
                             "Ji haan, 15 March available hai.", &m),
              RB_OK);
    check_same(m, "send_reply_context_request.json");
    json_decref(m);
}

TEST(template_matches_reference)
{
    struct wa_recipient to = {"+923001234567", NULL};
    const char *params[] = {"Ayesha Khan", "Shalimar Banquets"};
    json_t *m = NULL;

    CHECK_INT(wa_build_template(&to, "lead_greeting", "ur", params, 2, &m), RB_OK);
    check_same(m, "send_template_request.json");
    json_decref(m);
}

TEST(template_without_params_has_no_components)
{
    struct wa_recipient to = {"+923001234567", NULL};
    json_t *m = NULL;

    CHECK_INT(wa_build_template(&to, "hello_world", "en_US", NULL, 0, &m), RB_OK);
    CHECK(json_object_get(json_object_get(m, "template"), "components") == NULL);
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_object_get(m, "template"), "language"), "code")),
              "en_US");
    json_decref(m);
    m = NULL;
    CHECK_INT(wa_build_template(&to, "bad name", "ur", NULL, 0, &m), RB_EINVAL);
    CHECK_INT(wa_build_template(&to, "ok", "ur-PK", NULL, 0, &m), RB_EINVAL);
    CHECK(m == NULL);
}

TEST(mark_read_matches_reference)
{
    json_t *m = NULL;

    CHECK_INT(
        wa_build_mark_read("wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0E5RjJDNEU2QjhEMEExQzNFNUYA", &m),
        RB_OK);
    check_same(m, "mark_read_request.json");
    json_decref(m);
    m = NULL;
    CHECK_INT(wa_build_mark_read("", &m), RB_EINVAL);
}

TEST(recipient_phone_or_bsuid)
{
    struct wa_recipient bsuid = {NULL, "PK.13491208655302741918"};
    struct wa_recipient both = {"+923001234567", "PK.1"};
    struct wa_recipient none = {NULL, NULL};
    struct wa_recipient local = {"03001234567", NULL};
    struct wa_recipient shorty = {"+1234", NULL};
    struct wa_recipient letters = {"+92300abc4567", NULL};
    json_t *m = NULL;

    CHECK_INT(wa_build_text(&bsuid, "hi", false, &m), RB_OK);
    CHECK_STR(json_string_value(json_object_get(m, "recipient")), "PK.13491208655302741918");
    CHECK(json_object_get(m, "to") == NULL);
    json_decref(m);
    m = NULL;
    CHECK_INT(wa_build_text(&both, "hi", false, &m), RB_OK);
    CHECK_STR(json_string_value(json_object_get(m, "to")), "+923001234567");
    CHECK(json_object_get(m, "recipient") == NULL);
    json_decref(m);
    m = NULL;
    CHECK_INT(wa_build_text(&none, "hi", false, &m), RB_EINVAL);
    CHECK_INT(wa_build_text(&local, "hi", false, &m), RB_EINVAL);
    CHECK_INT(wa_build_text(&shorty, "hi", false, &m), RB_EINVAL);
    CHECK_INT(wa_build_text(&letters, "hi", false, &m), RB_EINVAL);
    CHECK(m == NULL);
}

/* n copies of the UTF-8 sequence u. */
static char *repeat(const char *u, size_t n)
{
    size_t ul = strlen(u), i;
    char *s = malloc(ul * n + 1);

    for (i = 0; s && i < n; i++) {
        memcpy(s + i * ul, u, ul);
    }
    if (s) {
        s[ul * n] = '\0';
    }
    return s;
}

TEST(text_limits_count_code_points)
{
    struct wa_recipient to = {"+923001234567", NULL};
    char *ok = repeat("\xd8\xb3", WA_TEXT_MAX);       /* 4096 x 'س', 8192 bytes */
    char *over = repeat("\xd8\xb3", WA_TEXT_MAX + 1); /* one too many */
    json_t *m = NULL;

    CHECK_INT(wa_build_text(&to, ok, false, &m), RB_OK);
    json_decref(m);
    m = NULL;
    CHECK_INT(wa_build_text(&to, over, false, &m), RB_ETOOBIG);
    CHECK_INT(wa_build_text(&to, "bad \xc3\x28 utf8", false, &m), RB_EPARSE);
    CHECK_INT(wa_build_text(&to, "", false, &m), RB_EINVAL);
    CHECK(m == NULL);
    free(ok);
    free(over);
}

/* Checks that parts cover s exactly, each within max code points. */
static void check_cover(const char *s, const struct str *parts, size_t n, size_t max)
{
    size_t i, at = 0, j, cps;

    for (i = 0; i < n; i++) {
        CHECK(parts[i].p == s + at);
        CHECK(parts[i].len > 0);
        for (j = 0, cps = 0; j < parts[i].len; j++) {
            cps += ((unsigned char)parts[i].p[j] & 0xC0) != 0x80;
        }
        CHECK(cps <= max);
        CHECK(((unsigned char)parts[i].p[0] & 0xC0) != 0x80); /* starts on a code point */
        at += parts[i].len;
    }
    CHECK_INT(at, strlen(s));
}

TEST(split_short_and_empty)
{
    struct str *parts = NULL;
    size_t n = 9;

    CHECK_INT(wa_split_text("salam", 5, WA_TEXT_MAX, &parts, &n), RB_OK);
    CHECK_INT(n, 1);
    CHECK_INT(parts[0].len, 5);
    free(parts);
    parts = NULL;
    CHECK_INT(wa_split_text("", 0, WA_TEXT_MAX, &parts, &n), RB_OK);
    CHECK_INT(n, 0);
    CHECK(parts == NULL);
    CHECK_INT(wa_split_text("a\xff", 2, 10, &parts, &n), RB_EPARSE);
    CHECK_INT(wa_split_text("a", 1, 0, &parts, &n), RB_EINVAL);
}

TEST(split_hard_on_code_points)
{
    char *s = repeat("\xd8\xb3", 10000); /* no spaces at all */
    struct str *parts = NULL;
    size_t n = 0;

    CHECK_INT(wa_split_text(s, strlen(s), WA_TEXT_MAX, &parts, &n), RB_OK);
    CHECK_INT(n, 3);
    CHECK_INT(parts[0].len, 2 * WA_TEXT_MAX);
    CHECK_INT(parts[2].len, 2 * (10000 - 2 * WA_TEXT_MAX));
    check_cover(s, parts, n, WA_TEXT_MAX);
    free(parts);
    free(s);
}

TEST(split_prefers_newline_then_space)
{
    const char *s = "aaaa bbbb\ncccc dddd eeee";
    struct str *parts = NULL;
    size_t n = 0;

    /* 12 code points: "aaaa bbbb\n" ends at 10 (newline), inside the second half */
    CHECK_INT(wa_split_text(s, strlen(s), 12, &parts, &n), RB_OK);
    CHECK_INT(n, 3);
    CHECK(str_eqs(parts[0], "aaaa bbbb\n"));
    CHECK(str_eqs(parts[1], "cccc dddd "));
    CHECK(str_eqs(parts[2], "eeee"));
    check_cover(s, parts, n, 12);
    free(parts);
}

TEST(split_keeps_combining_marks_with_their_letter)
{
    /* "e" + U+0301 combining acute, repeated: a cut after 3 code points would
     * separate e from its accent; the splitter backs off to 2. */
    char *s = repeat("e\xcc\x81", 4);
    const char *t;
    struct str *parts = NULL;
    size_t n = 0, i;

    CHECK_INT(wa_split_text(s, strlen(s), 3, &parts, &n), RB_OK);
    CHECK_INT(n, 4);
    for (i = 0; i < n; i++) {
        CHECK(str_eqs(parts[i], "e\xcc\x81"));
    }
    check_cover(s, parts, n, 3);
    free(parts);
    free(s);
    /* a letter with two marks: the 4th code point ends inside the cluster */
    t = "abe\xcc\x81\xcc\x81";
    CHECK_INT(wa_split_text(t, strlen(t), 4, &parts, &n), RB_OK);
    CHECK_INT(n, 2);
    CHECK(str_eqs(parts[0], "ab"));
    CHECK(str_eqs(parts[1], "e\xcc\x81\xcc\x81"));
    free(parts);
}

TEST(split_urdu_on_words)
{
    const char *word = "\xd9\x85\xdb\x81\xd9\x85\xd8\xa7\xd9\x86 "; /* "مہمان " 6 code points */
    char *s = repeat(word, 1000);
    struct str *parts = NULL;
    size_t n = 0, i;

    CHECK_INT(wa_split_text(s, strlen(s), WA_TEXT_MAX, &parts, &n), RB_OK);
    CHECK_INT(n, 2);
    for (i = 0; i + 1 < n; i++) {
        CHECK(parts[i].p[parts[i].len - 1] == ' '); /* cut after a space */
    }
    check_cover(s, parts, n, WA_TEXT_MAX);
    free(parts);
    free(s);
}

/* Classifies a reference file answered with status. */
static void classify_ref(const char *name, long status, struct wa_result *r)
{
    size_t len = 0;
    char *body = slurp(name, &len);

    CHECK(body != NULL);
    CHECK_INT(wa_classify(status, HTTP_T_OK, body, len, r), RB_OK);
    free(body);
}

TEST(classify_success_bodies)
{
    struct wa_result r;

    wa_result_init(&r);
    classify_ref("send_text_response.json", 200, &r);
    CHECK_INT(r.cls, WA_OK);
    CHECK_STR(r.wamid, "wamid.HBgMOTIzMDAxMjM0NTY3FQIAERgSNEEzRjJFMUQwQzlCOEE3OTY4AA==");
    CHECK_INT(r.code, -1);
    classify_ref("send_template_response.json", 200, &r);
    CHECK_INT(r.cls, WA_OK);
    CHECK(r.wamid != NULL);
    classify_ref("mark_read_response.json", 200, &r);
    CHECK_INT(r.cls, WA_OK);
    CHECK(r.wamid == NULL);
    wa_result_release(&r);
}

TEST(classify_reference_errors)
{
    struct wa_result r;

    wa_result_init(&r);
    classify_ref("error_response_131047.json", 400, &r);
    CHECK_INT(r.cls, WA_TEMPLATE_FALLBACK);
    CHECK_INT(r.code, 131047);
    CHECK_STR(r.title, "Re-engagement message");
    CHECK(r.details && strstr(r.details, "24 hours") != NULL);
    classify_ref("error_response_130429.json", 400, &r);
    CHECK_INT(r.cls, WA_RETRY);
    CHECK_INT(r.code, 130429);
    CHECK_STR(r.title, "Rate limit hit");
    classify_ref("error_response_190.json", 401, &r);
    CHECK_INT(r.cls, WA_STOP_ALERT);
    CHECK_INT(r.code, 190);
    CHECK_INT(r.subcode, 463);
    CHECK(r.details == NULL);
    classify_ref("lead_retrieve_error_100_33.json", 400, &r);
    CHECK_INT(r.cls, WA_PERMANENT);
    CHECK_INT(r.code, 100);
    CHECK_INT(r.subcode, 33);
    wa_result_release(&r);
}

TEST(classify_status_webhook_error_code)
{
    json_t *st = ref_json("status_failed_131047.json");
    const json_t *status = json_array_get(
        json_object_get(
            json_object_get(
                json_array_get(
                    json_object_get(json_array_get(json_object_get(st, "entry"), 0), "changes"), 0),
                "value"),
            "statuses"),
        0);
    const json_t *code =
        json_object_get(json_array_get(json_object_get(status, "errors"), 0), "code");

    CHECK(json_is_integer(code));
    CHECK_INT(wa_code_class(json_integer_value(code)), WA_TEMPLATE_FALLBACK);
    json_decref(st);
}

static int classify_str(long status, enum http_transport t, const char *body)
{
    struct wa_result r;
    int cls;

    wa_result_init(&r);
    CHECK_INT(wa_classify(status, t, body, body ? strlen(body) : 0, &r), RB_OK);
    cls = (int)r.cls;
    wa_result_release(&r);
    return cls;
}

TEST(classify_transport_and_malformed)
{
    CHECK_INT(classify_str(0, HTTP_T_TIMEOUT, ""), WA_RETRY);
    CHECK_INT(classify_str(0, HTTP_T_CONNECT, ""), WA_RETRY);
    CHECK_INT(classify_str(502, HTTP_T_OK, "<html>bad gateway</html>"), WA_RETRY);
    CHECK_INT(classify_str(400, HTTP_T_OK, "<html>oops</html>"), WA_RETRY);
    CHECK_INT(classify_str(200, HTTP_T_OK, "{\"messages\":[]}"), WA_RETRY);
    CHECK_INT(classify_str(200, HTTP_T_OK, "{\"messag"), WA_RETRY);
    CHECK_INT(classify_str(400, HTTP_T_OK, "{\"error\":{\"message\":\"no code\"}}"), WA_RETRY);
    CHECK_INT(classify_str(500, HTTP_T_OK, "{\"error\":{\"code\":100}}"), WA_RETRY);
    CHECK_INT(classify_str(400, HTTP_T_OK, "{\"error\":{\"code\":131056}}"), WA_PAIR_LIMIT);
    CHECK_INT(classify_str(400, HTTP_T_OK, "{\"error\":{\"code\":131026}}"), WA_PERMANENT);
    CHECK_INT(classify_str(403, HTTP_T_OK, "{\"error\":{\"code\":0}}"), WA_STOP_ALERT);
}

TEST(code_class_table)
{
    static const long long retry[] = {1, 2, 4, 80007, 130429, 131000, 131016, 131057, 133004};
    static const long long stop[] = {0, 3, 10, 190, 200, 250, 299, 368, 131031, 131042};
    static const long long perm[] = {100, 131026, 131051, 131008, 132000, 132001, 131021, 300};
    size_t i;

    for (i = 0; i < sizeof(retry) / sizeof(retry[0]); i++) {
        CHECK_INT(wa_code_class(retry[i]), WA_RETRY);
    }
    for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
        CHECK_INT(wa_code_class(stop[i]), WA_STOP_ALERT);
    }
    for (i = 0; i < sizeof(perm) / sizeof(perm[0]); i++) {
        CHECK_INT(wa_code_class(perm[i]), WA_PERMANENT);
    }
    CHECK_INT(wa_code_class(131056), WA_PAIR_LIMIT);
    CHECK_INT(wa_code_class(131047), WA_TEMPLATE_FALLBACK);
    CHECK_STR(wa_class_name(WA_TEMPLATE_FALLBACK), "template_fallback");
}

TEST(backoff_grows_jitters_and_caps)
{
    int64_t d;
    uint64_t seed;
    int a;

    CHECK_INT(wa_backoff_ms(3, 1000, 300000, 42), wa_backoff_ms(3, 1000, 300000, 42));
    for (seed = 0; seed < 200; seed++) {
        for (a = 1; a <= 12; a++) {
            int64_t full = (int64_t)1000 << (a - 1);
            full = full > 60000 ? 60000 : full;
            d = wa_backoff_ms(a, 1000, 60000, seed);
            CHECK(d >= full / 2 && d <= full);
        }
    }
    CHECK(wa_backoff_ms(100, 1000, 60000, 7) <= 60000); /* no overflow far out */
    CHECK(wa_backoff_ms(0, 1000, 60000, 7) <= 1000);    /* attempt < 1 counts as 1 */
    CHECK_INT(wa_backoff_ms(1, 0, 60000, 7), 0);
}

int main(void)
{
    RUN(text_matches_reference);
    RUN(reply_matches_reference);
    RUN(template_matches_reference);
    RUN(template_without_params_has_no_components);
    RUN(mark_read_matches_reference);
    RUN(recipient_phone_or_bsuid);
    RUN(text_limits_count_code_points);
    RUN(split_short_and_empty);
    RUN(split_hard_on_code_points);
    RUN(split_prefers_newline_then_space);
    RUN(split_keeps_combining_marks_with_their_letter);
    RUN(split_urdu_on_words);
    RUN(classify_success_bodies);
    RUN(classify_reference_errors);
    RUN(classify_status_webhook_error_code);
    RUN(classify_transport_and_malformed);
    RUN(code_class_table);
    RUN(backoff_grows_jitters_and_caps);
    return harness_done();
}
