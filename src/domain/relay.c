#include "domain/relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <unistr.h>

static bool is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

bool text_blank(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t len = s ? strlen(s) : 0, i = 0;

    while (i < len) {
        ucs4_t c;
        int k = u8_mbtouc(&c, p + i, len - i);
        /* white space, and the invisible marks a phone may send alone */
        if (!uc_is_property_white_space(c) && c != 0x200B && c != 0x200C && c != 0x200D &&
            c != 0x2060 && c != 0xFEFF) {
            return false;
        }
        i += k > 0 ? (size_t)k : 1;
    }
    return true;
}

enum client_weight client_message_weight(const struct wa_message *m)
{
    const char *t = m->type;

    if (is(t, "system") || is(t, "request_welcome") || is(t, "unknown")) {
        return CLIENT_NOTHING;
    }
    if (is(t, "reaction") || is(t, "edit") || is(t, "revoke")) {
        return CLIENT_JOINS;
    }
    if ((is(t, "text") || is(t, "button")) && text_blank(m->text)) {
        return CLIENT_NOTHING;
    }
    if (is(t, "interactive") && text_blank(m->text) && !is(m->subtype, "nfm_reply") &&
        !is(m->subtype, "call_permission_reply")) {
        return CLIENT_JOINS; /* an interactive with an error: nothing to read */
    }
    return CLIENT_REAL;
}

static const char *media_key(const char *type)
{
    static const char *const known[] = {"image",   "video",    "audio",    "document",
                                        "sticker", "location", "contacts", NULL};
    static const char *const keys[] = {"media_image",    "media_video",   "media_audio",
                                       "media_document", "media_sticker", "media_location",
                                       "media_contacts"};

    for (size_t i = 0; type && known[i]; i++) {
        if (strcmp(type, known[i]) == 0) {
            return keys[i];
        }
    }
    return NULL;
}

/* A Flow's answers as "key: value, key: value" (the flow token left out). */
static int flow_answers(const json_t *nfm, struct buf *out)
{
    const char *rj = json_string_value(json_object_get(nfm, "response_json"));
    json_t *answers = rj ? json_loads(rj, 0, NULL) : NULL;
    const char *k;
    json_t *v;
    int rc = RB_OK;

    json_object_foreach (answers, k, v) {
        char *text = NULL;
        if (strcmp(k, "flow_token") == 0) {
            continue;
        }
        text = json_is_string(v) ? strdup(json_string_value(v))
                                 : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!text) {
            rc = RB_ENOMEM;
            break;
        }
        rc = buf_addf(out, "%s%s: %s", out->len ? ", " : "", k, text);
        free(text);
        if (rc) {
            break;
        }
    }
    json_decref(answers);
    if (!rc && out->len == 0) {
        const char *body = json_string_value(json_object_get(nfm, "body"));
        rc = body ? buf_adds(out, body) : RB_OK;
    }
    return rc;
}

/* An order as "2 x SKU-1 @ 1500 PKR, ...; total 3000 PKR; note". */
static int order_items(const json_t *order, struct buf *out)
{
    const json_t *items = json_object_get(order, "product_items");
    const char *note = json_string_value(json_object_get(order, "text"));
    const char *cur = NULL;
    double total = 0;
    size_t i;
    json_t *it;
    int rc = RB_OK;

    json_array_foreach (items, i, it) {
        const char *id = json_string_value(json_object_get(it, "product_retailer_id"));
        json_int_t q = json_integer_value(json_object_get(it, "quantity"));
        double price = json_number_value(json_object_get(it, "item_price"));
        cur = json_string_value(json_object_get(it, "currency"));
        total += price * (double)q;
        rc = buf_addf(out, "%s%lld x %s @ %.0f %s", i ? ", " : "", (long long)q, id ? id : "?",
                      price, cur ? cur : "");
        if (rc) {
            return rc;
        }
    }
    if (json_array_size(items)) {
        rc = buf_addf(out, "; total %.0f %s", total, cur ? cur : "");
    }
    if (!rc && note && note[0]) {
        rc = buf_addf(out, "%s%s", out->len ? "; " : "", note);
    }
    return rc;
}

/* The prompt key and the {text} of m; key NULL when m carries nothing. */
static int line_parts(struct wctx *x, enum lang lang, const struct wa_message *m, const char **key,
                      struct buf *text)
{
    const char *t = m->type;
    const char *mk = media_key(t);
    int rc = RB_OK;

    *key = NULL;
    if (is(t, "text") || is(t, "button")) {
        *key = text_blank(m->text) ? NULL : "forward_text";
        rc = buf_adds(text, m->text ? m->text : "");
    } else if (is(t, "interactive") && is(m->subtype, "nfm_reply")) {
        rc = flow_answers(json_object_get(m->body, "nfm_reply"), text);
        *key = text->len ? "forward_flow" : NULL;
    } else if (is(t, "interactive") && is(m->subtype, "call_permission_reply")) {
        const char *r = json_string_value(
            json_object_get(json_object_get(m->body, "call_permission_reply"), "response"));
        *key = "forward_call_permission";
        rc = render(x, lang, is(r, "accept") ? "call_permission_yes" : "call_permission_no", NULL,
                    text);
    } else if (is(t, "interactive")) {
        *key = text_blank(m->text) ? NULL : "forward_text";
        rc = buf_adds(text, m->text ? m->text : "");
    } else if (is(t, "reaction")) {
        *key = text_blank(m->subtype) ? "forward_unreaction" : "forward_reaction";
        rc = buf_adds(text, m->subtype ? m->subtype : "");
    } else if (is(t, "edit")) {
        *key = text_blank(m->text) ? NULL : "forward_edit";
        rc = buf_adds(text, m->text ? m->text : "");
    } else if (is(t, "revoke")) {
        *key = "forward_revoke";
    } else if (is(t, "order")) {
        rc = order_items(m->body, text);
        *key = "forward_order";
    } else if (is(t, "unsupported")) {
        *key = "forward_unsupported";
        rc = buf_adds(text, m->subtype ? m->subtype : "?");
    } else if (mk) {
        *key = mk;
        rc = buf_adds(text, m->text ? m->text : "");
    } else if (!is(t, "system") && !is(t, "request_welcome")) {
        *key = "forward_unsupported"; /* a type newer than this code: named, not "[Message]" */
        rc = buf_adds(text, t ? t : "?");
    }
    return rc;
}

int relay_line(struct wctx *x, enum lang lang, const struct lead_row *l, const struct wa_message *m,
               struct buf *out)
{
    char label[24];
    const char *key = NULL;
    struct buf text, media;
    json_t *vars = NULL;
    int rc;

    buf_init(&text, BUF_MAX_DEFAULT); /* a client may write more than 4,096 characters */
    buf_init(&media, 1024);
    rc = line_parts(x, lang, m, &key, &text);
    if (!rc && !key) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        vars = json_pack("{s:I, s:s, s:s}", "lead", (json_int_t)l->id, "name", lead_label(l, label),
                         "text", text.p ? text.p : "");
        rc = vars ? RB_OK : RB_ENOMEM;
    }
    if (!rc && strncmp(key, "media_", 6) == 0) {
        rc = render(x, lang, key, NULL, &media);
        json_object_set_new(vars, "media", json_string(media.p ? media.p : ""));
        key = "forward_media";
    }
    rc = rc ? rc : render(x, lang, key, vars, out);
    json_decref(vars);
    buf_release(&media);
    buf_release(&text);
    return rc;
}
