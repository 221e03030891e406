#include "domain/inbound.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <unistr.h>

#include "core/buf.h"
#include "core/str.h"

void inbound_batch_init(struct inbound_batch *b)
{
    memset(b, 0, sizeof(*b));
}

void inbound_batch_release(struct inbound_batch *b)
{
    if (!b) {
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        free(b->ev[i].dedupe_key);
        free(b->ev[i].phone_number_id);
        json_decref(b->ev[i].payload);
    }
    free(b->ev);
    inbound_batch_init(b);
}

/* Takes payload. */
static int batch_add(struct inbound_batch *b, enum inbound_kind kind, const char *key,
                     const char *pnid, json_t *payload)
{
    struct inbound_event *e;

    if (!payload) {
        return RB_ENOMEM;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        struct inbound_event *a = realloc(b->ev, cap * sizeof(*a));
        if (!a) {
            json_decref(payload);
            return RB_ENOMEM;
        }
        b->ev = a;
        b->cap = cap;
    }
    e = &b->ev[b->n];
    e->kind = kind;
    e->dedupe_key = rb_strdup(key);
    e->phone_number_id = rb_strdup(pnid);
    e->payload = payload;
    if (!e->dedupe_key || (pnid && !e->phone_number_id)) {
        free(e->dedupe_key);
        free(e->phone_number_id);
        json_decref(payload);
        return RB_ENOMEM;
    }
    b->n++;
    return RB_OK;
}

static bool hex4(const char *p, const char *end, unsigned *v)
{
    *v = 0;
    if (end - p < 4) {
        return false;
    }
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16;
        if (d == 16) {
            return false;
        }
        *v = *v << 4 | d;
    }
    return true;
}

/*
 * A copy of a JSON text in which what a strict decoder refuses but a person
 * wrote (a message cut inside an emoji) reads as U+FFFD: a \uD800-\uDFFF
 * escape that is not half of a pair, and bytes that are not UTF-8. NULL
 * when there was nothing to repair (or no memory).
 */
char *inbound_repair_json(const char *s, size_t len, size_t *out_len)
{
    static const char repl[] = "\xef\xbf\xbd";
    const char *p = s, *end = s + len;
    struct buf out;
    bool changed = false, in_string = false;

    buf_init(&out, len * 3 + 16); /* each bad byte becomes 3 */
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        unsigned hi, lo;

        if (c == '"') {
            in_string = !in_string;
        } else if (in_string && c == '\\' && p + 1 < end) {
            if (p[1] == 'u' && hex4(p + 2, end, &hi) && hi >= 0xD800 && hi <= 0xDFFF) {
                bool pair = hi <= 0xDBFF && end - p >= 12 && p[6] == '\\' && p[7] == 'u' &&
                            hex4(p + 8, end, &lo) && lo >= 0xDC00 && lo <= 0xDFFF;
                if (pair) {
                    if (buf_add(&out, p, 12)) {
                        goto fail;
                    }
                    p += 12;
                    continue;
                }
                if (buf_add(&out, "\\ufffd", 6)) {
                    goto fail;
                }
                changed = true;
                p += 6;
                continue;
            }
            if ((unsigned char)p[1] < 0x80) { /* any other escape, \\ and \" included */
                if (buf_add(&out, p, 2)) {
                    goto fail;
                }
                p += 2;
                continue;
            }
            /* a backslash before a non-ASCII byte: that byte is checked below */
        } else if (c >= 0x80) {
            int m = u8_mblen((const uint8_t *)p, (size_t)(end - p));
            size_t n = m > 0 ? (size_t)m : 0;
            if (n == 0) {
                if (buf_add(&out, repl, 3)) {
                    goto fail;
                }
                changed = true;
                p++;
                continue;
            }
            if (buf_add(&out, p, n)) {
                goto fail;
            }
            p += n;
            continue;
        }
        if (buf_addc(&out, (char)c)) {
            goto fail;
        }
        p++;
    }
    if (changed && buf_addc(&out, '\0') == RB_OK) {
        *out_len = out.len - 1;
        return out.p; /* the buffer is the caller's now */
    }
fail:
    buf_release(&out);
    return NULL;
}

static json_t *parse_body(const char *body, size_t len, struct buf *err)
{
    json_error_t je;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);

    if (!root) {
        size_t fixed_len = 0;
        char *fixed = inbound_repair_json(body, len, &fixed_len);
        if (fixed) {
            root = json_loadb(fixed, fixed_len, JSON_REJECT_DUPLICATES, &je);
            free(fixed);
        }
    }
    if (!root) {
        buf_say(err, "malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        buf_say(err, "webhook body is not a JSON object");
        json_decref(root);
        return NULL;
    }
    return root;
}

/* The contact whose wa_id (or user_id) matches the message's sender. */
static json_t *match_contact(json_t *contacts, json_t *msg)
{
    const char *from = json_string_value(json_object_get(msg, "from"));
    const char *uid = json_string_value(json_object_get(msg, "from_user_id"));
    size_t i;
    json_t *c;

    json_array_foreach (contacts, i, c) {
        const char *wa = json_string_value(json_object_get(c, "wa_id"));
        const char *cu = json_string_value(json_object_get(c, "user_id"));
        if ((from && wa && strcmp(from, wa) == 0) || (uid && cu && strcmp(uid, cu) == 0)) {
            return c;
        }
    }
    return json_array_size(contacts) == 1 && !from && !uid ? json_array_get(contacts, 0) : NULL;
}

static int add_messages(struct inbound_batch *b, json_t *value, const char *pnid)
{
    json_t *meta = json_object_get(value, "metadata");
    json_t *contacts = json_object_get(value, "contacts");
    json_t *msgs = json_object_get(value, "messages");
    size_t i;
    json_t *m;
    int rc = RB_OK;

    json_array_foreach (msgs, i, m) {
        const char *id = json_string_value(json_object_get(m, "id"));
        char key[600];
        json_t *p;
        if (!id || !id[0] || strlen(id) > 512) {
            continue; /* nothing to key it by: not a message */
        }
        snprintf(key, sizeof(key), "msg:%s", id);
        p = json_pack("{s:s?, s:O?, s:O?, s:O}", "phone_number_id", pnid, "display_phone_number",
                      json_object_get(meta, "display_phone_number"), "contact",
                      match_contact(contacts, m), "message", m);
        rc = batch_add(b, IN_MESSAGE, key, pnid, p);
        if (rc) {
            break;
        }
    }
    return rc;
}

static int add_statuses(struct inbound_batch *b, json_t *value, const char *pnid)
{
    json_t *sts = json_object_get(value, "statuses");
    size_t i;
    json_t *s;
    int rc = RB_OK;

    json_array_foreach (sts, i, s) {
        const char *id = json_string_value(json_object_get(s, "id"));
        const char *st = json_string_value(json_object_get(s, "status"));
        char key[700];
        if (!id || !st || strlen(id) > 512 || strlen(st) > 64) {
            continue;
        }
        snprintf(key, sizeof(key), "st:%s:%s", id, st);
        rc = batch_add(b, IN_STATUS, key, pnid,
                       json_pack("{s:s?, s:O}", "phone_number_id", pnid, "status", s));
        if (rc) {
            break;
        }
    }
    return rc;
}

static int add_errors(struct inbound_batch *b, json_t *value, const char *pnid)
{
    json_t *errors = json_object_get(value, "errors");
    char *dump;
    unsigned char md[32];
    unsigned int mdlen = 0;
    char key[80] = "err:";
    int rc;

    if (!json_is_array(errors) || json_array_size(errors) == 0) {
        return RB_OK;
    }
    dump = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS);
    if (!dump) {
        return RB_ENOMEM;
    }
    EVP_Digest(dump, strlen(dump), md, &mdlen, EVP_sha256(), NULL);
    free(dump);
    for (unsigned i = 0; i < 16 && i < mdlen; i++) {
        snprintf(key + 4 + i * 2, 3, "%02x", md[i]);
    }
    rc = batch_add(b, IN_ERROR, key, pnid,
                   json_pack("{s:s?, s:O}", "phone_number_id", pnid, "errors", errors));
    return rc;
}

/* An account_update change (ACCOUNT_RESTRICTION, DISABLED_UPDATE, ...): kept
 * whole, keyed by its value's digest (Meta's retries are the same value). */
static int add_account_update(struct inbound_batch *b, json_t *value)
{
    char *dump = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned char md[32];
    unsigned int mdlen = 0;
    char key[80] = "acct:";

    if (!dump) {
        return RB_ENOMEM;
    }
    EVP_Digest(dump, strlen(dump), md, &mdlen, EVP_sha256(), NULL);
    free(dump);
    for (unsigned i = 0; i < 16 && i < mdlen; i++) {
        snprintf(key + 5 + i * 2, 3, "%02x", md[i]);
    }
    return batch_add(b, IN_ACCOUNT, key, NULL, json_pack("{s:O}", "account_update", value));
}

/* One change of a WhatsApp body: messages, statuses and errors of a
 * "messages" value (a change with no field is taken as one). */
static int whatsapp_change(struct inbound_batch *b, json_t *change)
{
    json_t *value = json_object_get(change, "value");
    const char *field = json_string_value(json_object_get(change, "field"));
    const char *pnid =
        json_string_value(json_object_get(json_object_get(value, "metadata"), "phone_number_id"));
    int rc;

    if (json_is_object(value) && field && strcmp(field, "account_update") == 0) {
        return add_account_update(b, value);
    }
    if (!json_is_object(value) || (field && strcmp(field, "messages") != 0)) {
        b->ignored++;
        return RB_OK;
    }
    rc = add_messages(b, value, pnid);
    rc = rc ? rc : add_statuses(b, value, pnid);
    return rc ? rc : add_errors(b, value, pnid);
}

static int add_leadgen(struct inbound_batch *b, json_t *value)
{
    char t1[32], t2[32], t3[32], t4[32], key[96];
    const char *leadgen = json_id_text(json_object_get(value, "leadgen_id"), t1);
    json_t *ct = json_object_get(value, "created_time");

    if (!leadgen || !leadgen[0] || strlen(leadgen) > 64) {
        return RB_OK;
    }
    snprintf(key, sizeof(key), "lead:%s", leadgen);
    return batch_add(b, IN_LEADGEN, key, NULL,
                     json_pack("{s:s, s:s?, s:s?, s:s?, s:I}", "leadgen_id", leadgen, "page_id",
                               json_id_text(json_object_get(value, "page_id"), t2), "form_id",
                               json_id_text(json_object_get(value, "form_id"), t3), "ad_id",
                               json_id_text(json_object_get(value, "ad_id"), t4), "created_time",
                               (json_int_t)(json_is_integer(ct) ? json_integer_value(ct) : 0)));
}

/* One change of a Lead Ads body: a "leadgen" value. */
static int leadgen_change(struct inbound_batch *b, json_t *change)
{
    const char *field = json_string_value(json_object_get(change, "field"));

    if (!field || strcmp(field, "leadgen") != 0) {
        b->ignored++;
        return RB_OK;
    }
    return add_leadgen(b, json_object_get(change, "value"));
}

/* Parses body and hands every entry[].changes[] item to per_change. */
static int split(const char *body, size_t len, struct inbound_batch *b, struct buf *err,
                 int (*per_change)(struct inbound_batch *b, json_t *change))
{
    json_t *root = parse_body(body, len, err);
    json_t *entry, *change;
    size_t i, j;
    int rc = RB_OK;

    if (!root) {
        return RB_EPARSE;
    }
    json_array_foreach (json_object_get(root, "entry"), i, entry) {
        json_array_foreach (json_object_get(entry, "changes"), j, change) {
            rc = per_change(b, change);
            if (rc) {
                goto out;
            }
        }
    }
out:
    json_decref(root);
    return rc;
}

int inbound_split_whatsapp(const char *body, size_t len, struct inbound_batch *b, struct buf *err)
{
    return split(body, len, b, err, whatsapp_change);
}

int inbound_split_leadgen(const char *body, size_t len, struct inbound_batch *b, struct buf *err)
{
    return split(body, len, b, err, leadgen_change);
}

static const char *get_s(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int64_t get_ts(const json_t *o)
{
    const json_t *t = json_object_get(o, "timestamp");

    if (json_is_string(t)) {
        return strtoll(json_string_value(t), NULL, 10);
    }
    return json_is_integer(t) ? json_integer_value(t) : 0;
}

/* The text a person sees for each message type, and the media fields. */
static void message_text(const json_t *m, struct wa_message *out)
{
    const char *type = out->type;
    const json_t *obj = json_object_get(m, type);

    out->body = obj;
    if (strcmp(type, "text") == 0) {
        out->text = get_s(obj, "body");
    } else if (strcmp(type, "button") == 0) {
        out->text = get_s(obj, "text");
        out->subtype = get_s(obj, "payload");
    } else if (strcmp(type, "interactive") == 0) {
        out->subtype = get_s(obj, "type");
        const json_t *r = json_object_get(obj, out->subtype ? out->subtype : "");
        out->text = get_s(r, "title");
    } else if (strcmp(type, "reaction") == 0) {
        out->subtype = get_s(obj, "emoji");
        out->context_id = get_s(obj, "message_id");
    } else if (strcmp(type, "location") == 0) {
        out->text = get_s(obj, "name") ? get_s(obj, "name") : get_s(obj, "address");
    } else if (strcmp(type, "unsupported") == 0) {
        out->subtype = get_s(obj, "type");
    } else if (strcmp(type, "system") == 0) {
        out->text = get_s(obj, "body");
        out->subtype = get_s(obj, "type");
        out->new_wa_id = get_s(obj, "wa_id") ? get_s(obj, "wa_id") : get_s(obj, "new_wa_id");
    } else if (strcmp(type, "edit") == 0) {
        /* {original_message_id, message: {type: text, text: {body}}} */
        const json_t *em = json_object_get(obj, "message");
        out->text = get_s(json_object_get(em, "text"), "body");
        if (!out->text) {
            out->text = get_s(json_object_get(obj, "text"), "body");
        }
        out->context_id = get_s(obj, "original_message_id");
    } else if (strcmp(type, "order") == 0) {
        out->text = get_s(obj, "text");
    } else if (json_is_object(obj)) { /* image video audio document sticker */
        out->text = get_s(obj, "caption");
        out->media_id = get_s(obj, "id");
        out->media_mime = get_s(obj, "mime_type");
        if (!out->text) {
            out->text = get_s(obj, "filename");
        }
    }
}

int inbound_message(const json_t *payload, struct wa_message *out)
{
    const json_t *m = json_object_get(payload, "message");
    const json_t *contact = json_object_get(payload, "contact");
    const json_t *ctx = json_object_get(m, "context");
    struct wa_message r;

    memset(&r, 0, sizeof(r));
    r.wamid = get_s(m, "id");
    if (!json_is_object(m) || !r.wamid) {
        return RB_EPARSE;
    }
    r.phone_number_id = get_s(payload, "phone_number_id");
    r.from = get_s(m, "from");
    r.from_user_id = get_s(m, "from_user_id");
    if (!r.from_user_id) {
        r.from_user_id = get_s(contact, "user_id");
    }
    if (!r.from) {
        r.from = get_s(contact, "wa_id");
    }
    if (!r.from && !r.from_user_id) {
        return RB_EPARSE;
    }
    r.profile_name = get_s(json_object_get(contact, "profile"), "name");
    r.type = get_s(m, "type");
    if (!r.type) {
        r.type = "unknown";
    }
    r.timestamp = get_ts(m);
    r.context_id = get_s(ctx, "id");
    const json_t *ref = json_object_get(m, "referral");
    r.ad_source_id = get_s(ref, "source_id");
    r.ad_headline = get_s(ref, "headline");
    if ((!r.ad_headline || !r.ad_headline[0]) && ref) {
        r.ad_headline = get_s(ref, "body");
    }
    r.forwarded = json_is_true(json_object_get(ctx, "forwarded")) ||
                  json_is_true(json_object_get(ctx, "frequently_forwarded"));
    message_text(m, &r);
    *out = r;
    return RB_OK;
}

int inbound_status(const json_t *payload, struct wa_status *out)
{
    const json_t *s = json_object_get(payload, "status");
    const json_t *e0 = json_array_get(json_object_get(s, "errors"), 0);
    struct wa_status r;

    memset(&r, 0, sizeof(r));
    r.wamid = get_s(s, "id");
    r.status = get_s(s, "status");
    if (!r.wamid || !r.status) {
        return RB_EPARSE;
    }
    r.phone_number_id = get_s(payload, "phone_number_id");
    r.recipient_id = get_s(s, "recipient_id");
    r.recipient_user_id = get_s(s, "recipient_user_id");
    r.biz_opaque = get_s(s, "biz_opaque_callback_data");
    r.timestamp = get_ts(s);
    if (e0) {
        r.error_code = (long)json_integer_value(json_object_get(e0, "code"));
        r.error_title = get_s(e0, "title");
        r.error_details = get_s(json_object_get(e0, "error_data"), "details");
    }
    *out = r;
    return RB_OK;
}

int inbound_status_rank(const char *status)
{
    static const struct {
        const char *name;
        int rank;
    } ranks[] = {{"sent", 1}, {"delivered", 2}, {"read", 3}, {"played", 3}, {"failed", 4}};

    for (size_t i = 0; status && i < sizeof(ranks) / sizeof(ranks[0]); i++) {
        if (strcmp(status, ranks[i].name) == 0) {
            return ranks[i].rank;
        }
    }
    return 0;
}

/* ---- invoicing ---- */

/* One invoicing event {"event", "booking_id", "lead_id", "payment": {...}};
 * only payment.received (or no "event") with a payment id is kept. */
static int add_invoicing(struct inbound_batch *b, const json_t *ev)
{
    const char *type = json_string_value(json_object_get(ev, "event"));
    const json_t *pay = json_object_get(ev, "payment");
    char t1[32], t2[32], t3[32], key[96];
    const char *pid = json_id_text(json_object_get(pay, "payment_id"), t1);

    if ((type && strcmp(type, "payment.received") != 0) || !json_is_object(pay) || !pid ||
        !pid[0] || strlen(pid) > 64) {
        b->ignored++;
        return RB_OK;
    }
    snprintf(key, sizeof(key), "invpay:%s", pid);
    return batch_add(b, IN_PAYMENT, key, NULL,
                     json_pack("{s:s?, s:s?, s:O}", "booking_id",
                               json_id_text(json_object_get(ev, "booking_id"), t2), "lead_id",
                               json_id_text(json_object_get(ev, "lead_id"), t3), "payment", pay));
}

int inbound_split_invoicing(const char *body, size_t len, struct inbound_batch *b, struct buf *err)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const json_t *list = json_object_get(root, "events");
    const json_t *ev;
    size_t i;
    int rc = RB_OK;

    if (!json_is_object(root)) {
        json_decref(root);
        return buf_adds(err, "not a JSON object") ? RB_ENOMEM : RB_EPARSE;
    }
    if (json_is_array(list)) {
        json_array_foreach (list, i, ev) {
            rc = rc ? rc : add_invoicing(b, ev);
        }
    } else {
        rc = add_invoicing(b, root);
    }
    json_decref(root);
    return rc;
}
