/*
 * fake_graph.c - fake_upstream's Graph API: WhatsApp Cloud API sends and
 * mark-as-read (whatsapp-cloud-api.md §7, §8), approved templates, and
 * Lead Ads retrieval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"

#define WA_DETAILS_131056                                                                          \
    "Message failed to send because there were too many messages sent "                            \
    "from this phone number to the same phone number in a short period "                           \
    "of time."
#define WA_DETAILS_131026                                                                          \
    "Message failed to send because the recipient phone number is not a "                          \
    "WhatsApp phone number, has not accepted the new Terms of Service, "                           \
    "or uses an old WhatsApp version."

/* ---- Graph API: WhatsApp sends and Lead Ads ------------------------- */

/* A new Graph error body (whatsapp-cloud-api.md §8.1). */
static json_t *graph_error(struct fake *f, json_int_t code, const char *message,
                           const char *details)
{
    char trace[TOKEN_LEN + 1];
    json_t *err;

    make_token(f, trace);
    trace[0] = 'A'; /* as Meta's do */
    err = json_pack("{s:s,s:s,s:I}", "message", message, "type", "OAuthException", "code", code);
    if (err && details) {
        json_object_set_new(
            err, "error_data",
            json_pack("{s:s,s:s}", "messaging_product", "whatsapp", "details", details));
    }
    if (err) {
        json_object_set_new(err, "fbtrace_id", json_string(trace));
    }
    return err ? json_pack("{s:o}", "error", err) : NULL;
}

static void graph_fail(struct call *c, struct reply *rep, unsigned status, json_int_t code,
                       const char *message)
{
    reply_json(rep, status, graph_error(c->f, code, message, NULL));
}

static void graph_bad_token(struct call *c, struct reply *rep)
{
    graph_fail(c, rep, 401, 190, "Invalid OAuth access token - Cannot parse access token");
}

/* The Graph API's transient "unknown error" (code 1). */
static json_t *graph_unknown_error(struct fake *f)
{
    char trace[TOKEN_LEN + 1];

    make_token(f, trace);
    trace[0] = 'A';
    return json_pack("{s:{s:s,s:s,s:i,s:i,s:b,s:s}}", "error", "message",
                     "An unknown error occurred", "type", "OAuthException", "code", 1,
                     "error_subcode", 99, "is_transient", 1, "fbtrace_id", trace);
}

static void graph_fault(struct call *c, struct reply *rep)
{
    const struct refs *r = &c->f->ref;

    switch (c->fault.mode) {
    case M_HTTP500:
        reply_json(rep, 500, graph_unknown_error(c->f));
        break;
    case M_HTTP503:
        reply_text(rep, 503, CT_TEXT, "upstream unavailable");
        break;
    case M_HTTP429:
        reply_text(rep, 400, CT_JSON, r->wa_130429);
        break;
    case M_WA131047:
        reply_text(rep, 400, CT_JSON, r->wa_131047);
        break;
    case M_WA131056:
        reply_json(rep, 400,
                   graph_error(c->f, 131056,
                               "(#131056) (Business Account, Consumer Account) pair "
                               "rate limit hit",
                               WA_DETAILS_131056));
        break;
    case M_WA190:
        reply_text(rep, 401, CT_JSON, r->wa_190);
        break;
    case M_WA131026:
        reply_json(rep, 400,
                   graph_error(c->f, 131026, "(#131026) Message undeliverable", WA_DETAILS_131026));
        break;
    case M_HANG:
        reply_text(rep, 504, CT_TEXT, "upstream request timeout");
        break;
    default:
        reply_garbage(rep);
        break;
    }
}

/* Characters of a UTF-8 string as WhatsApp counts them (UTF-16 units). */
static size_t wa_chars(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80) {
            n += *p >= 0xF0 ? 2 : 1;
        }
    }
    return n;
}

/* Checks a send or mark-as-read body; returns NULL or the (#100) message
 * to answer with. */
static const char *wa_check(json_t *b)
{
    const char *mp = json_string_value(json_object_get(b, "messaging_product"));
    json_t *status = json_object_get(b, "status");
    json_t *to = json_object_get(b, "to"), *rcpt = json_object_get(b, "recipient");

    if (!json_is_object(b)) {
        return "(#100) Invalid parameter";
    }
    if (!mp) {
        return "(#100) The parameter messaging_product is required.";
    }
    if (strcmp(mp, "whatsapp") != 0) {
        return "(#100) Param messaging_product must be one of {WHATSAPP}";
    }
    if (status && !is_text(status, "read")) {
        return "(#100) Invalid parameter";
    }
    if (status && !json_is_string(json_object_get(b, "message_id"))) {
        return "(#100) The parameter message_id is required.";
    }
    if (status) {
        return NULL;
    }
    if (!json_is_string(json_object_get(b, "type"))) {
        return "(#100) The parameter type is required.";
    }
    if (!json_is_string(to) && !json_is_string(rcpt)) {
        return "(#100) The parameter to is required.";
    }
    const char *text = json_string_value(json_object_get(json_object_get(b, "text"), "body"));
    if (text && wa_chars(text) > 4096) {
        return "(#100) Param text['body'] must be at most 4096 characters long.";
    }
    return NULL;
}

/* A new JSON string of the digits of s ("+92 300..." -> "92300..."). */
static json_t *digits_of(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    size_t n = 0;
    json_t *j;

    if (!d) {
        return NULL;
    }
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            d[n++] = *s;
        }
    }
    d[n] = '\0';
    j = json_string(d);
    free(d);
    return j;
}

/* 200 in the shape of send_text_response.json, with a fresh wamid. */
static void wa_accept(struct call *c, struct reply *rep)
{
    json_t *b = c->json, *resp = json_deep_copy(c->f->ref.send_ok);
    const char *to = json_string_value(json_object_get(b, "to"));
    const char *rcpt = json_string_value(json_object_get(b, "recipient"));
    const char *type = json_string_value(json_object_get(b, "type"));
    json_t *contact, *msg;

    contact = to ? json_pack("{s:s,s:o}", "input", to, "wa_id", digits_of(to))
                 : json_pack("{s:s,s:s}", "input", rcpt, "user_id", rcpt);
    msg = json_sprintf("wamid.FAKE%" JSON_INTEGER_FORMAT, fake_next(c->f, &c->f->wamid));
    msg = msg ? json_pack("{s:o}", "id", msg) : NULL;
    if (msg && strcmp(type, "template") == 0) {
        json_object_set_new(msg, "message_status", json_string("accepted"));
    }
    json_array_set_new(json_object_get(resp, "contacts"), 0, contact);
    json_array_set_new(json_object_get(resp, "messages"), 0, msg);
    reply_json(rep, contact && msg ? 200 : 500, resp);
}

/*
 * A template send checked against the approved templates (/_control/templates),
 * as WhatsApp does: an unknown name or language is 132001, a body with another
 * number of parameters 132000. Returns true when it answered.
 */
static bool wa_template_refused(struct call *c, struct reply *rep)
{
    json_t *tpl = json_object_get(c->json, "template"), *comps, *comp, *approved;
    const char *name = json_string_value(json_object_get(tpl, "name"));
    const char *lang = json_string_value(json_object_get(json_object_get(tpl, "language"), "code"));
    json_int_t want = -1, got = 0;
    char want_lang[32] = "";
    char *details = NULL;
    size_t i;

    pthread_mutex_lock(&c->f->mu);
    if (json_object_size(c->f->templates) == 0) {
        pthread_mutex_unlock(&c->f->mu);
        return false;
    }
    approved = json_object_get(c->f->templates, name ? name : "");
    if (approved) {
        want = json_integer_value(json_object_get(approved, "params"));
        snprintf(want_lang, sizeof(want_lang), "%s",
                 json_string_value(json_object_get(approved, "language"))
                     ? json_string_value(json_object_get(approved, "language"))
                     : "");
    }
    pthread_mutex_unlock(&c->f->mu);
    if (!approved || !lang || strcmp(lang, want_lang) != 0) {
        if (asprintf(&details, "template name (%.64s) does not exist in %.16s", name ? name : "",
                     lang ? lang : "") < 0) {
            return false;
        }
        reply_json(rep, 404,
                   graph_error(c->f, 132001,
                               "(#132001) Template name does not exist in the "
                               "translation",
                               details));
        free(details);
        return true;
    }
    comps = json_object_get(tpl, "components");
    json_array_foreach (comps, i, comp) {
        if (is_text(json_object_get(comp, "type"), "body")) {
            got += (json_int_t)json_array_size(json_object_get(comp, "parameters"));
        }
    }
    if (got == want) {
        return false;
    }
    if (asprintf(&details,
                 "body: number of localizable_params (%" JSON_INTEGER_FORMAT
                 ") does not match the expected number of params (%" JSON_INTEGER_FORMAT ")",
                 got, want) < 0) {
        return false;
    }
    reply_json(rep, 400,
               graph_error(c->f, 132000,
                           "(#132000) Number of parameters does not match the "
                           "expected number of params",
                           details));
    free(details);
    return true;
}

/* POST /{version}/{phone_number_id}/messages */
void wa_send(struct call *c, struct reply *rep)
{
    const char *why, *type;
    char *details;

    if (c->fault.mode > M_OK) {
        graph_fault(c, rep);
        return;
    }
    if (!bearer(c->con)) {
        graph_bad_token(c, rep);
        return;
    }
    why = wa_check(c->json);
    if (why) {
        graph_fail(c, rep, 400, 100, why);
        return;
    }
    if (json_object_get(c->json, "status")) {
        reply_text(rep, 200, CT_JSON, "{\"success\":true}");
        return;
    }
    type = json_string_value(json_object_get(c->json, "type"));
    if (strcmp(type, "template") == 0 && json_object_get(c->json, type) &&
        wa_template_refused(c, rep)) {
        return;
    }
    if (json_object_get(c->json, type)) {
        wa_accept(c, rep);
        return;
    }
    if (asprintf(&details, "Parameter '%.64s' is required for type '%.64s'.", type, type) < 0) {
        return;
    }
    reply_json(rep, 400,
               graph_error(c->f, 131008, "(#131008) Required parameter is missing", details));
    free(details);
}

/* lead_retrieve_error_100_33.json with id in place of the quoted id. */
static json_t *lead_missing(struct call *c)
{
    json_t *body = json_deep_copy(c->f->ref.lead_100_33);
    json_t *err = json_object_get(body, "error");
    const char *msg = json_string_value(json_object_get(err, "message"));
    const char *open = msg ? strchr(msg, '\'') : NULL;
    const char *close = open ? strchr(open + 1, '\'') : NULL;
    char trace[TOKEN_LEN + 1];

    if (close) {
        json_object_set_new(err, "message",
                            json_sprintf("%.*s%s%s", (int)(open + 1 - msg), msg, c->arg, close));
    }
    make_token(c->f, trace);
    trace[0] = 'A';
    json_object_set_new(err, "fbtrace_id", json_string(trace));
    return body;
}

/* GET /{version}/{leadgen_id} */
void lead_get(struct call *c, struct reply *rep)
{
    json_t *lead;

    if (c->fault.mode > M_OK) {
        graph_fault(c, rep);
        return;
    }
    if (!bearer(c->con) && !nonempty(query_arg(c->con, "access_token"))) {
        graph_bad_token(c, rep);
        return;
    }
    pthread_mutex_lock(&c->f->mu);
    lead = json_deep_copy(json_object_get(c->f->leads, c->arg));
    pthread_mutex_unlock(&c->f->mu);
    if (lead) {
        reply_json(rep, 200, lead);
    } else {
        reply_json(rep, 400, lead_missing(c));
    }
}
