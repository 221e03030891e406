/* links: domain/inbound */
/*
 * Long texts cut for WhatsApp (core/split.c): every part under the limit,
 * parts in order that give back the text but for the white space at the
 * cuts, cuts at a line, else a word, never inside an emoji or a letter with
 * its marks. And the webhook fields the client relay reads for messages
 * with no plain body (domain/inbound.c): a changed number, an edit's new
 * text, an order's note, a removed reaction.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/split.h"
#include "domain/inbound.h"
#include "split_body.h"

/* Every part fits max; the parts joined (white space at the cuts dropped)
 * are the text without that white space. */
static void check_parts(const char *s, size_t max, size_t want_n)
{
    struct text_part *p = NULL;
    size_t n = 0, len = strlen(s), at = 0;

    CHECK_INT(text_split(s, len, max, &p, &n), RB_OK);
    CHECK_INT((long long)n, (long long)want_n);
    for (size_t i = 0; p && i < n; i++) {
        CHECK(text_utf16_len(s + p[i].off, p[i].len) <= max);
        CHECK(p[i].off >= at);
        for (size_t k = at; k < p[i].off; k++) {
            CHECK(s[k] == ' ' || s[k] == '\n');
        }
        at = p[i].off + p[i].len;
        /* a part begins on a character, never a continuation byte */
        CHECK(((unsigned char)s[p[i].off] & 0xC0) != 0x80);
    }
    CHECK_INT((long long)at, (long long)len);
    free(p);
}

TEST(short_text_is_one_part)
{
    check_parts("Assalam o alaikum", 4000, 1);
    check_parts("", 4000, 1);
}

TEST(cuts_at_a_word)
{
    char s[9000];
    size_t k = 0;

    while (k + 6 < 8200) {
        memcpy(s + k, "hello ", 6);
        k += 6;
    }
    s[k - 1] = '\0'; /* ends on a word */
    check_parts(s, 4000, 3);
    struct text_part *p = NULL;
    size_t n = 0;
    CHECK_INT(text_split(s, strlen(s), 4000, &p, &n), RB_OK);
    /* every part ends on a whole word */
    for (size_t i = 0; p && i < n; i++) {
        CHECK(memcmp(s + p[i].off + p[i].len - 5, "hello", 5) == 0);
    }
    free(p);
}

TEST(prefers_a_line_break)
{
    char s[6000];
    memset(s, 'a', sizeof(s));
    for (size_t i = 10; i < 5000; i += 11) {
        s[i] = ' ';
    }
    s[3000] = '\n';
    s[5999] = '\0';
    struct text_part *p = NULL;
    size_t n = 0;
    CHECK_INT(text_split(s, strlen(s), 4000, &p, &n), RB_OK);
    CHECK_INT((long long)n, 2);
    if (n == 2) {
        CHECK_INT((long long)p[0].len, 3000);
        CHECK_INT((long long)p[1].off, 3001);
    }
    free(p);
    check_parts(s, 4000, 2);
}

/* 4,096 characters of emoji with no space: WhatsApp counts two units each,
 * and no part may end inside one (nor between a letter and its mark). */
TEST(never_inside_an_emoji)
{
    const char *family =
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"; /* 👨‍👩‍👧
                                                                                     */
    size_t fl = strlen(family), k = 0;
    char *s = malloc(fl * 1500 + 1);
    struct text_part *p = NULL;
    size_t n = 0;

    CHECK(s != NULL);
    if (!s) {
        return;
    }
    for (int i = 0; i < 1500; i++) {
        memcpy(s + k, family, fl);
        k += fl;
    }
    s[k] = '\0';
    check_parts(s, 4000, 3);
    CHECK_INT(text_split(s, k, 4000, &p, &n), RB_OK);
    for (size_t i = 0; p && i < n; i++) {
        CHECK_INT((long long)(p[i].len % fl), 0); /* whole families only */
    }
    free(p);
    free(s);
}

TEST(urdu_and_marks)
{
    /* "مُبارک " repeated: a letter with its mark stays whole */
    const char *w = "\xD9\x85\xD9\x8F\xD8\xA8\xD8\xA7\xD8\xB1\xDA\xA9 ";
    size_t wl = strlen(w), k = 0;
    char *s = malloc(wl * 1400 + 1);

    CHECK(s != NULL);
    if (!s) {
        return;
    }
    for (int i = 0; i < 1400; i++) {
        memcpy(s + k, w, wl);
        k += wl;
    }
    s[k] = '\0';
    check_parts(s, 4000, 3);
    CHECK_INT(text_split(s, k, 8, NULL, NULL) == RB_EINVAL, 1);
    free(s);
}

/* The one message of a webhook body, parsed. */
static int one_message(const char *body, struct inbound_batch *b, struct wa_message *m)
{
    int rc = split_body(inbound_split_whatsapp, body, b);

    if (rc || b->n != 1) {
        return rc ? rc : RB_EINVAL;
    }
    return inbound_message(b->ev[0].payload, m);
}

#define WRAP(msg)                                                                                  \
    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{"            \
    "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"          \
    "\"phone_number_id\":\"1\"},\"messages\":[" msg "]}}]}]}"

TEST(webhook_fields_for_the_relay)
{
    struct inbound_batch b;
    struct wa_message m;
    size_t len;
    char *sys = harness_read_file("tests/fixtures/whatsapp/system.json", &len);

    CHECK(sys != NULL);
    if (sys && one_message(sys, &b, &m) == RB_OK) {
        CHECK_STR(m.type, "system");
        CHECK_STR(m.subtype, "user_changed_number");
        CHECK_STR(m.new_wa_id, "923001234599");
    } else {
        CHECK(0);
    }
    inbound_batch_release(&b);
    free(sys);

    CHECK_INT(one_message(WRAP("{\"from\":\"923001234567\",\"id\":\"w1\",\"type\":\"edit\","
                               "\"edit\":{\"original_message_id\":\"w0\",\"message\":{"
                               "\"type\":\"text\",\"text\":{\"body\":\"20 March\"}}}}"),
                          &b, &m),
              RB_OK);
    CHECK_STR(m.text, "20 March");
    CHECK_STR(m.context_id, "w0");
    inbound_batch_release(&b);

    CHECK_INT(one_message(WRAP("{\"from\":\"923001234567\",\"id\":\"w2\",\"type\":\"order\","
                               "\"order\":{\"text\":\"Advance\",\"product_items\":[]}}"),
                          &b, &m),
              RB_OK);
    CHECK_STR(m.text, "Advance");
    CHECK(m.body != NULL && json_is_array(json_object_get(m.body, "product_items")));
    inbound_batch_release(&b);

    CHECK_INT(one_message(WRAP("{\"from\":\"923001234567\",\"id\":\"w3\",\"type\":\"reaction\","
                               "\"reaction\":{\"message_id\":\"w0\"}}"),
                          &b, &m),
              RB_OK);
    CHECK(m.subtype == NULL); /* removed: no emoji */
    CHECK_STR(m.context_id, "w0");
    inbound_batch_release(&b);
}

int main(void)
{
    RUN(short_text_is_one_part);
    RUN(cuts_at_a_word);
    RUN(prefers_a_line_break);
    RUN(never_inside_an_emoji);
    RUN(urdu_and_marks);
    RUN(webhook_fields_for_the_relay);
    return harness_done();
}
