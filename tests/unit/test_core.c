/* links: */
#include "harness.h"

#include <stdlib.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/grant.h"
#include "core/hmac.h"
#include "core/str.h"

TEST(buf_grows_and_stays_terminated)
{
    struct buf b;
    int i;

    buf_init(&b, 1024);
    CHECK_STR(b.p, "");
    for (i = 0; i < 100; i++) {
        CHECK_INT(buf_adds(&b, "ab"), RB_OK);
    }
    CHECK_INT(b.len, 200);
    CHECK_INT(b.p[200], 0);
    buf_release(&b);
    CHECK_INT(b.len, 0);
}

TEST(buf_ceiling_keeps_content_and_remembers_error)
{
    struct buf b;

    buf_init(&b, 8);
    CHECK_INT(buf_adds(&b, "1234"), RB_OK);
    CHECK_INT(buf_adds(&b, "56789"), RB_ETOOBIG);
    CHECK_STR(b.p, "1234");
    CHECK_INT(buf_adds(&b, "5678"), RB_OK);
    CHECK_STR(b.p, "12345678");
    CHECK_INT(buf_err(&b), RB_ETOOBIG);
    buf_release(&b);
}

TEST(buf_html_escapes_script)
{
    struct buf b;
    const char *s = "<script>alert('x\")&</script>";

    buf_init(&b, 0);
    CHECK_INT(buf_add_html(&b, s, strlen(s)), RB_OK);
    CHECK_STR(b.p, "&lt;script&gt;alert(&#39;x&quot;)&amp;&lt;/script&gt;");
    buf_release(&b);
}

TEST(buf_logval_escapes_control_bytes)
{
    struct buf b;

    buf_init(&b, 0);
    CHECK_INT(buf_add_logval(&b, "a\"b\n\\", 5), RB_OK);
    CHECK_STR(b.p, "\"a\\\"b\\x0a\\\\\"");
    buf_release(&b);
}

TEST(str_to_i64_bounds)
{
    int64_t v = 0;

    CHECK_INT(str_to_i64(str_from("42"), 0, 100, &v), RB_OK);
    CHECK_INT(v, 42);
    CHECK_INT(str_to_i64(str_from("101"), 0, 100, &v), RB_EPARSE);
    CHECK_INT(str_to_i64(str_from("4x"), 0, 100, &v), RB_EPARSE);
    CHECK_INT(str_to_i64(str_from(""), 0, 100, &v), RB_EPARSE);
    CHECK_INT(str_to_i64(str_from("99999999999999999999"), 0, INT64_MAX, &v), RB_EPARSE);
    CHECK_INT(str_to_i64(str_from("120212345678900123"), 0, INT64_MAX, &v), RB_OK);
    CHECK(v == 120212345678900123LL);
}

TEST(str_split_walks_fields)
{
    struct str cur = str_from("a\tbc\t"), h;

    CHECK(str_split(&cur, '\t', &h));
    CHECK(str_eqs(h, "a"));
    CHECK(str_split(&cur, '\t', &h));
    CHECK(str_eqs(h, "bc"));
    CHECK(!str_split(&cur, '\t', &h));
    CHECK_INT(h.len, 0);
}

static const char vector_body[] =
    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"104857600123456\",\"changes\":"
    "[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":"
    "\"923215550100\",\"phone_number_id\":\"110200300400500\"},\"contacts\":[{\"profile\":"
    "{\"name\":\"Ayesha Khan\"},\"wa_id\":\"923001234567\"}],\"messages\":[{\"from\":"
    "\"923001234567\",\"id\":\"wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0E5RjJDNEU2QjhEMEExQzNFNUYA\","
    "\"timestamp\":\"1795151707\",\"type\":\"text\",\"text\":{\"body\":\"Assalam o alaikum! 15 "
    "March ko shadi ke liye hall available hai? Taqreeban 300 mehman honge.\"}}]},\"field\":"
    "\"messages\"}]}]}";

TEST(hmac_meta_reference_vector)
{
    const char *good = "sha256=1d1302ed05a28c457e24a6d4f2c7719733165f86a1b35f3c46ee4b7763ef41f7";
    char body[sizeof(vector_body)];

    CHECK_INT(sizeof(vector_body) - 1, 562);
    CHECK_INT(hmac_verify_meta("rabta-test-app-secret", vector_body, 562, good), RB_OK);
    CHECK_INT(hmac_verify_meta("rabta-test-app-secreT", vector_body, 562, good), RB_EBADSIG);
    memcpy(body, vector_body, sizeof(body));
    body[100] ^= 1;
    CHECK_INT(hmac_verify_meta("rabta-test-app-secret", body, 562, good), RB_EBADSIG);
    CHECK_INT(hmac_verify_meta("rabta-test-app-secret", vector_body, 562, good + 7), RB_EBADSIG);
    CHECK_INT(hmac_verify_meta("rabta-test-app-secret", vector_body, 562, "sha256=abc"),
              RB_EBADSIG);
    CHECK_INT(hmac_verify_meta("rabta-test-app-secret", vector_body, 562, NULL), RB_EBADSIG);
}

TEST(hmac_accepts_meta_escaped_form)
{
    const char *raw = "{\"t\":\"\xd8\xa2\xd8\xac \xf0\x9f\x98\x8d\"}";
    const char *esc = "{\"t\":\"\\u0622\\u062c \\ud83d\\ude0d\"}";
    char sig[72];

    CHECK_INT(hmac_sign_meta("k", esc, strlen(esc), sig), RB_OK);
    CHECK_INT(hmac_verify_meta("k", raw, strlen(raw), sig), RB_OK);
    CHECK_INT(hmac_verify_meta("k", esc, strlen(esc), sig), RB_OK);
}

TEST(dates_roundtrip_and_weekday)
{
    struct rb_date d = {2026, 3, 15};
    struct rb_datetime t;
    char out[17];

    CHECK_INT(date_weekday(d), 6); /* Sunday */
    CHECK_INT(date_to_days((struct rb_date){1970, 1, 1}), 0);
    d = date_add_days((struct rb_date){2024, 2, 28}, 1);
    CHECK_INT(d.d, 29);
    CHECK(!date_valid((struct rb_date){2026, 2, 31}));
    CHECK_INT(datetime_parse("2026-03-14T23:59", &t), RB_OK);
    datetime_format(t, out);
    CHECK_STR(out, "2026-03-14T23:59");
    CHECK_INT(datetime_parse("2026-02-31", &t), RB_EPARSE);
    CHECK_INT(datetime_parse("2026-03-14T24:00", &t), RB_EPARSE);
}

TEST(json_ids_keep_every_digit)
{
    char tmp[32], *dup = NULL;
    json_t *big = json_loads("[9007199254740993, \"1482736950192837\", 1.5, null]", 0, NULL);

    CHECK(big != NULL);
    if (!big) {
        return;
    }
    CHECK_STR(json_id_text(json_array_get(big, 0), tmp), "9007199254740993");
    CHECK_STR(json_id_text(json_array_get(big, 1), tmp), "1482736950192837");
    CHECK(json_id_text(json_array_get(big, 2), tmp) == NULL);
    CHECK(json_id_text(json_array_get(big, 3), tmp) == NULL);
    CHECK(json_id_text(NULL, tmp) == NULL);
    CHECK_INT(json_id_dup(json_array_get(big, 0), &dup), RB_OK);
    CHECK_STR(dup, "9007199254740993");
    free(dup);
    CHECK_INT(json_id_dup(json_array_get(big, 3), &dup), RB_OK);
    CHECK(dup == NULL);
    json_decref(big);
}

TEST(grant_roundtrip_forgery_and_expiry)
{
    struct buf g;
    char scope[GRANT_SCOPE_MAX] = "";
    time_t exp = 0;

    buf_init(&g, 4096);
    CHECK_INT(grant_make("s3cret", "owner", 2000, &g), RB_OK);
    CHECK(strncmp(g.p, "v1.owner.2000.", 14) == 0);
    CHECK_INT(grant_check("s3cret", g.p, g.len, 1999, scope, &exp), RB_OK);
    CHECK_STR(scope, "owner");
    CHECK_INT((int)exp, 2000);
    /* past its time, another secret, a changed scope or expiry, a cut token */
    CHECK_INT(grant_check("s3cret", g.p, g.len, 2000, scope, NULL), RB_EEXPIRED);
    CHECK_INT(grant_check("other", g.p, g.len, 1999, scope, NULL), RB_EBADSIG);
    g.p[3] = 'p';
    CHECK_INT(grant_check("s3cret", g.p, g.len, 1999, scope, NULL), RB_EBADSIG);
    g.p[3] = 'o';
    g.p[12] = '9';
    CHECK_INT(grant_check("s3cret", g.p, g.len, 1999, scope, NULL), RB_EBADSIG);
    g.p[12] = '0';
    CHECK_INT(grant_check("s3cret", g.p, g.len - 1, 1999, scope, NULL), RB_EBADSIG);
    CHECK_INT(grant_check("s3cret", "", 0, 1999, scope, NULL), RB_EBADSIG);
    CHECK_INT(grant_check("", g.p, g.len, 1999, scope, NULL), RB_EINVAL);
    CHECK_INT(grant_make("s3cret", "Owner", 2000, &g), RB_EINVAL);
    CHECK_INT(grant_make("s3cret", "a.b", 2000, &g), RB_EINVAL);
    buf_release(&g);
}

int main(void)
{
    RUN(grant_roundtrip_forgery_and_expiry);
    RUN(buf_grows_and_stays_terminated);
    RUN(json_ids_keep_every_digit);
    RUN(buf_ceiling_keeps_content_and_remembers_error);
    RUN(buf_html_escapes_script);
    RUN(buf_logval_escapes_control_bytes);
    RUN(str_to_i64_bounds);
    RUN(str_split_walks_fields);
    RUN(hmac_meta_reference_vector);
    RUN(hmac_accepts_meta_escaped_form);
    RUN(dates_roundtrip_and_weekday);
    return harness_done();
}
