/* links: domain/inbound */
/*
 * The webhook splitter (domain/inbound.c) on Meta's own shapes: several
 * entries and changes in one POST, every message type, statuses with and
 * without a phone, account errors, Lead Ads ids as strings and as numbers
 * beyond 2^53 (which a double would round), and bodies that must be refused.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/inbound.h"
#include "split_body.h"

#define WA "tests/fixtures/whatsapp/"

/* The file's bytes (NUL-terminated), or NULL after a failed check. */
static char *slurp(const char *path, size_t *len)
{
    char *p = harness_read_file(path, len);

    CHECK(p != NULL);
    return p;
}

/* Splits a WhatsApp / Lead Ads body given as a string; returns the status. */
static int split_wa(const char *body, struct inbound_batch *b)
{
    return split_body(inbound_split_whatsapp, body, b);
}

static int split_lead(const char *body, struct inbound_batch *b)
{
    return split_body(inbound_split_leadgen, body, b);
}

static const char *payload_s(const struct inbound_event *e, const char *key)
{
    return json_string_value(json_object_get(e->payload, key));
}

TEST(batch_of_entries_changes_messages_and_statuses)
{
    size_t len = 0;
    char *body = slurp(WA "batch.json", &len);
    struct inbound_batch b;
    struct buf err;
    size_t msgs = 0, sts = 0;

    if (!body) {
        return;
    }
    buf_init(&err, 256);
    inbound_batch_init(&b);
    CHECK_INT(inbound_split_whatsapp(body, len, &b, &err), RB_OK);
    for (size_t i = 0; i < b.n; i++) {
        msgs += b.ev[i].kind == IN_MESSAGE;
        sts += b.ev[i].kind == IN_STATUS;
        CHECK_STR(b.ev[i].phone_number_id, "110200300400500");
    }
    CHECK(msgs >= 4);
    CHECK(sts >= 1);
    CHECK(strncmp(b.ev[0].dedupe_key, "msg:wamid.", 10) == 0);
    /* each message carries the profile of its own sender, not the first contact */
    for (size_t i = 0; i < b.n; i++) {
        struct wa_message m;
        if (b.ev[i].kind != IN_MESSAGE) {
            continue;
        }
        CHECK_INT(inbound_message(b.ev[i].payload, &m), RB_OK);
        if (m.from && strcmp(m.from, "923001112201") == 0) {
            CHECK_STR(m.profile_name, "Sana Javed");
        }
        if (m.from && strcmp(m.from, "923001112202") == 0) {
            CHECK_STR(m.profile_name, "Hina Pervaiz");
        }
    }
    inbound_batch_release(&b);
    buf_release(&err);
    free(body);
}

/* Each fixture's one message: its type and the text a salesperson sees. */
TEST(every_message_type)
{
    static const struct {
        const char *file, *type;
        bool media;
    } cases[] = {
        {"text.json", "text", false},
        {"image.json", "image", true},
        {"document.json", "document", true},
        {"audio_voice.json", "audio", true},
        {"video.json", "video", true},
        {"sticker.json", "sticker", true},
        {"location.json", "location", false},
        {"reaction.json", "reaction", false},
        {"button.json", "button", false},
        {"interactive_button_reply.json", "interactive", false},
        {"interactive_list_reply.json", "interactive", false},
        {"contacts.json", "contacts", false},
        {"unsupported.json", "unsupported", false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = 0;
        char *body;
        char path[256];
        struct inbound_batch b;
        struct buf err;
        struct wa_message m;

        snprintf(path, sizeof(path), WA "%s", cases[i].file);
        body = slurp(path, &len);
        if (!body) {
            printf("  # %s\n", path);
            continue;
        }
        buf_init(&err, 256);
        inbound_batch_init(&b);
        CHECK_INT(inbound_split_whatsapp(body, len, &b, &err), RB_OK);
        CHECK_INT((int)b.n, 1);
        if (b.n == 1) {
            CHECK_INT(b.ev[0].kind, IN_MESSAGE);
            CHECK_INT(inbound_message(b.ev[0].payload, &m), RB_OK);
            CHECK_STR(m.type, cases[i].type);
            CHECK(m.from != NULL || m.from_user_id != NULL);
            CHECK(m.timestamp > 1700000000);
            if (cases[i].media) {
                CHECK(m.media_id != NULL);
            }
            if (strcmp(cases[i].type, "text") == 0 || strcmp(cases[i].type, "button") == 0 ||
                strcmp(cases[i].type, "interactive") == 0) {
                CHECK(m.text != NULL && m.text[0] != '\0');
            }
            if (strcmp(cases[i].type, "reaction") == 0) {
                CHECK(m.context_id != NULL);
            }
        }
        inbound_batch_release(&b);
        buf_release(&err);
        free(body);
    }
}

TEST(statuses_keyed_by_id_and_status)
{
    struct inbound_batch b;
    struct wa_status s;
    const char *body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
        "\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"phone_number_"
        "id\":\"555\"},\"statuses\":[{\"id\":\"wamid.A\",\"status\":\"failed\",\"timestamp\":"
        "1795160004,\"recipient_user_id\":\"PK.1349\",\"errors\":[{\"code\":131047,\"title\":"
        "\"Re-engagement message\",\"error_data\":{\"details\":\"more than 24 hours\"}}]},"
        "{\"id\":\"wamid.A\",\"status\":\"delivered\",\"timestamp\":\"1795160003\"},"
        "{\"status\":\"read\"}]}}]}]}";

    CHECK_INT(split_wa(body, &b), RB_OK);
    CHECK_INT((int)b.n, 2); /* the one with no id has nothing to name */
    CHECK_STR(b.ev[0].dedupe_key, "st:wamid.A:failed");
    CHECK_STR(b.ev[1].dedupe_key, "st:wamid.A:delivered");
    CHECK_INT(inbound_status(b.ev[0].payload, &s), RB_OK);
    CHECK_INT((int)s.error_code, 131047);
    CHECK_STR(s.error_title, "Re-engagement message");
    CHECK_STR(s.error_details, "more than 24 hours");
    CHECK(s.recipient_id == NULL);
    CHECK_STR(s.recipient_user_id, "PK.1349");
    CHECK_INT((int)s.timestamp, 1795160004);
    CHECK_INT(inbound_status(b.ev[1].payload, &s), RB_OK);
    CHECK_INT((int)s.timestamp, 1795160003); /* timestamps come as strings too */
    CHECK(inbound_status_rank("read") > inbound_status_rank("delivered"));
    CHECK(inbound_status_rank("delivered") > inbound_status_rank("sent"));
    CHECK_INT(inbound_status_rank("deleted"), 0);
    inbound_batch_release(&b);
}

TEST(username_only_sender_and_bsuid)
{
    struct inbound_batch b;
    struct wa_message m;
    const char *body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
        "\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"555\"},\"contacts\":[{"
        "\"profile\":{\"name\":\"Zara\"},\"user_id\":\"PK.13491208655302741918\"}],\"messages\":[{"
        "\"from_user_id\":\"PK.13491208655302741918\",\"id\":\"wamid.U\",\"timestamp\":\"1795160001\","
        "\"type\":\"text\",\"text\":{\"body\":\"salam\"}}]}}]}]}";

    CHECK_INT(split_wa(body, &b), RB_OK);
    CHECK_INT((int)b.n, 1);
    if (b.n == 1) {
        CHECK_INT(inbound_message(b.ev[0].payload, &m), RB_OK);
        CHECK(m.from == NULL);
        CHECK_STR(m.from_user_id, "PK.13491208655302741918");
        CHECK_STR(m.profile_name, "Zara");
        CHECK_STR(m.text, "salam");
    }
    inbound_batch_release(&b);
}

TEST(refused_and_empty_bodies)
{
    struct inbound_batch b;

    CHECK_INT(split_wa("{\"object\":", &b), RB_EPARSE);
    inbound_batch_release(&b);
    CHECK_INT(split_wa("[1,2]", &b), RB_EPARSE);
    inbound_batch_release(&b);
    CHECK_INT(split_wa("{\"a\":1,\"a\":2}", &b), RB_EPARSE); /* duplicate keys */
    inbound_batch_release(&b);
    CHECK_INT(split_wa("{\"object\":\"whatsapp_business_account\"}", &b), RB_OK);
    CHECK_INT((int)b.n, 0);
    inbound_batch_release(&b);
    /* entries of the wrong JSON type are skipped, not trusted */
    CHECK_INT(
        split_wa("{\"entry\":[1,\"x\",{\"changes\":{\"a\":1}},{\"changes\":[{\"value\":[]}]}]}",
                 &b),
        RB_OK);
    CHECK_INT((int)b.n, 0);
    inbound_batch_release(&b);
}

TEST(leadgen_ids_as_strings_and_as_big_numbers)
{
    struct inbound_batch b;
    /* 2^53 + 1 = 9007199254740993: a double would make it ...992 */
    const char *numeric =
        "{\"object\":\"page\",\"entry\":[{\"id\":108765432109876,\"time\":1795165331,\"changes\":[{"
        "\"field\":\"leadgen\",\"value\":{\"leadgen_id\":9007199254740993,\"page_id\":"
        "108765432109876,\"form_id\":987654321098765,\"ad_id\":120212345678900123,"
        "\"created_time\":1795165329}}]}]}";
    const char *string =
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"leadgen\",\"value\":{"
        "\"leadgen_id\":\"1482736950192837\",\"page_id\":\"1\",\"created_time\":1795165329}},"
        "{\"field\":\"feed\",\"value\":{}}]}]}";

    CHECK_INT(split_lead(numeric, &b), RB_OK);
    CHECK_INT((int)b.n, 1);
    if (b.n == 1) {
        CHECK_INT(b.ev[0].kind, IN_LEADGEN);
        CHECK_STR(b.ev[0].dedupe_key, "lead:9007199254740993");
        CHECK_STR(payload_s(&b.ev[0], "leadgen_id"), "9007199254740993");
        CHECK_STR(payload_s(&b.ev[0], "ad_id"), "120212345678900123");
        CHECK_STR(payload_s(&b.ev[0], "form_id"), "987654321098765");
    }
    inbound_batch_release(&b);

    CHECK_INT(split_lead(string, &b), RB_OK);
    CHECK_INT((int)b.n, 1);
    CHECK_INT((int)b.ignored, 1); /* the feed change */
    if (b.n == 1) {
        CHECK_STR(b.ev[0].dedupe_key, "lead:1482736950192837");
    }
    inbound_batch_release(&b);

    /* no id, or one of the wrong type: nothing to fetch */
    CHECK_INT(
        split_lead("{\"entry\":[{\"changes\":[{\"field\":\"leadgen\",\"value\":{\"leadgen_id\":"
                   "1.5e3}},{\"field\":\"leadgen\",\"value\":{}}]}]}",
                   &b),
        RB_OK);
    CHECK_INT((int)b.n, 0);
    inbound_batch_release(&b);
}

/* One text message whose body is the JSON string literal lit (escapes and all). */
static const char *text_of(const char *lit, struct inbound_batch *b)
{
    static char body[1024];
    struct wa_message m;

    snprintf(body, sizeof(body),
             "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{"
             "\"phone_number_id\":\"555\"},\"messages\":[{\"from\":\"923001234567\",\"id\":"
             "\"wamid.S\",\"type\":\"text\",\"text\":{\"body\":\"%s\"}}]}}]}]}",
             lit);
    if (split_wa(body, b) != RB_OK || b->n != 1 || inbound_message(b->ev[0].payload, &m)) {
        return NULL;
    }
    return m.text;
}

TEST(text_cut_inside_an_emoji_is_kept_not_refused)
{
    struct inbound_batch b;
    size_t n = 0;
    char *fixed;

    /* a lone high surrogate (the emoji's second half lost) */
    CHECK_STR(text_of("Salam \\ud83d", &b), "Salam \xef\xbf\xbd");
    inbound_batch_release(&b);
    /* a lone low surrogate, then a whole pair that must stay an emoji */
    CHECK_STR(text_of("\\ude00 ok \\ud83d\\ude00", &b), "\xef\xbf\xbd ok \xf0\x9f\x98\x80");
    inbound_batch_release(&b);
    /* an escaped backslash before "ud83d" is text, not an escape */
    CHECK_STR(text_of("a\\\\ud83d", &b), "a\\ud83d");
    inbound_batch_release(&b);
    /* bytes that are not UTF-8 */
    CHECK_STR(text_of("Hall \xff\xfe chahiye \xd8", &b),
              "Hall \xef\xbf\xbd\xef\xbf\xbd chahiye \xef\xbf\xbd");
    inbound_batch_release(&b);
    /* nothing to repair: no copy */
    CHECK(inbound_repair_json("{\"a\":\"\\ud83d\\ude00\"}", 18, &n) == NULL);
    /* repair does not make malformed JSON acceptable */
    CHECK_INT(split_wa("{\"entry\":[\"\\ud83d\"", &b), RB_EPARSE);
    inbound_batch_release(&b);
    fixed = inbound_repair_json("\"\\uD83D\"", 8, &n);
    CHECK(fixed != NULL);
    if (fixed) {
        CHECK_STR(fixed, "\"\\ufffd\"");
        CHECK_INT((int)n, 8);
    }
    free(fixed);
}

int main(void)
{
    RUN(batch_of_entries_changes_messages_and_statuses);
    RUN(every_message_type);
    RUN(statuses_keyed_by_id_and_status);
    RUN(username_only_sender_and_bsuid);
    RUN(refused_and_empty_bodies);
    RUN(leadgen_ids_as_strings_and_as_big_numbers);
    RUN(text_cut_inside_an_emoji_is_kept_not_refused);
    return harness_done();
}
