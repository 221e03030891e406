#include "egress/whatsapp.h"

#include <stdlib.h>
#include <string.h>

#include <unigbrk.h>
#include <unistr.h>

#include "core/buf.h"

/* ---- builders ---------------------------------------------------------- */

static bool wa_utf8_ok(const char *s, size_t len)
{
    return u8_check((const uint8_t *)s, len) == NULL && memchr(s, '\0', len) == NULL;
}

/* Writes "+<digits>" into out[17]; false when phone is not 8-15 digits with
 * a non-zero first digit (after an optional '+'). */
static bool wa_phone_canon(const char *phone, char out[17])
{
    const char *p = phone;
    size_t n;

    if (*p == '+') {
        p++;
    }
    n = strlen(p);
    if (n < 8 || n > 15 || p[0] == '0' || strspn(p, "0123456789") != n) {
        return false;
    }
    out[0] = '+';
    memcpy(out + 1, p, n + 1);
    return true;
}

/* A BSUID: 1-128 printable ASCII bytes without spaces ("PK.1349..."). */
static bool wa_bsuid_ok(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 128) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (s[i] <= ' ' || s[i] > '~') {
            return false;
        }
    }
    return true;
}

static bool wa_word_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    return n > 0 && n <= 512 &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

/* The envelope every send shares, addressed to `to`. */
static int wa_envelope(const struct wa_recipient *to, json_t **out)
{
    char phone[17];
    json_t *o;

    if (to->phone && to->phone[0]) {
        if (!wa_phone_canon(to->phone, phone)) {
            return RB_EINVAL;
        }
        o = json_pack("{s:s, s:s, s:s}", "messaging_product", "whatsapp", "recipient_type",
                      "individual", "to", phone);
    } else if (to->bsuid && wa_bsuid_ok(to->bsuid)) {
        o = json_pack("{s:s, s:s, s:s}", "messaging_product", "whatsapp", "recipient_type",
                      "individual", "recipient", to->bsuid);
    } else {
        return RB_EINVAL;
    }
    if (!o) {
        return RB_ENOMEM;
    }
    *out = o;
    return RB_OK;
}

/* Checks a text body: non-empty, UTF-8, at most WA_TEXT_MAX code points. */
static int wa_body_check(const char *body)
{
    size_t len;

    if (!body || !body[0]) {
        return RB_EINVAL;
    }
    len = strlen(body);
    if (!wa_utf8_ok(body, len)) {
        return RB_EPARSE;
    }
    if (u8_mbsnlen((const uint8_t *)body, len) > WA_TEXT_MAX) {
        return RB_ETOOBIG;
    }
    return RB_OK;
}

/* The envelope to `to` with "type": type and type: payload, and a "context"
 * quoting context_wamid when that is not NULL: every message the bot sends.
 * Takes payload, even on failure; a NULL payload (a failed json_pack) is
 * RB_ENOMEM. */
static int wa_message(const struct wa_recipient *to, const char *type, json_t *payload,
                      const char *context_wamid, json_t **out)
{
    json_t *msg = NULL;
    int rc = payload ? wa_envelope(to, &msg) : RB_ENOMEM;

    if (!rc && context_wamid &&
        json_object_set_new(msg, "context", json_pack("{s:s}", "message_id", context_wamid))) {
        rc = RB_ENOMEM;
    }
    if (!rc && json_object_set_new(msg, "type", json_string(type))) {
        rc = RB_ENOMEM;
    }
    if (!rc) {
        rc = json_object_set_new(msg, type, payload) ? RB_ENOMEM : RB_OK; /* takes payload */
        payload = NULL;
    }
    json_decref(payload);
    if (rc) {
        json_decref(msg);
        return rc;
    }
    *out = msg;
    return RB_OK;
}

/* The text message, with a quote of context_wamid when it is not NULL. */
static int wa_text_message(const struct wa_recipient *to, const char *context_wamid,
                           const char *body, bool preview_url, json_t **out)
{
    int rc = wa_body_check(body);

    if (rc) {
        return rc;
    }
    if (context_wamid && (!context_wamid[0] || !wa_utf8_ok(context_wamid, strlen(context_wamid)))) {
        return RB_EINVAL;
    }
    return wa_message(to, "text", json_pack("{s:b, s:s}", "preview_url", preview_url, "body", body),
                      context_wamid, out);
}

int wa_build_text(const struct wa_recipient *to, const char *body, bool preview_url, json_t **out)
{
    return wa_text_message(to, NULL, body, preview_url, out);
}

int wa_build_reply(const struct wa_recipient *to, const char *context_wamid, const char *body,
                   json_t **out)
{
    if (!context_wamid) {
        return RB_EINVAL;
    }
    return wa_text_message(to, context_wamid, body, false, out);
}

/* [{"type":"body","parameters":[{"type":"text","text":p}...]}] */
static int wa_template_components(const char *const *params, size_t n, json_t **out)
{
    json_t *list = NULL, *comps = NULL, *p;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!params[i] || !params[i][0]) {
            return RB_EINVAL;
        }
        if (!wa_utf8_ok(params[i], strlen(params[i]))) {
            return RB_EPARSE;
        }
    }
    list = json_array();
    if (!list) {
        return RB_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        p = json_pack("{s:s, s:s}", "type", "text", "text", params[i]);
        if (!p || json_array_append_new(list, p)) {
            json_decref(list);
            return RB_ENOMEM;
        }
    }
    comps = json_pack("[{s:s, s:o}]", "type", "body", "parameters", list);
    if (!comps) {
        return RB_ENOMEM; /* json_pack "o" steals list even on failure */
    }
    *out = comps;
    return RB_OK;
}

int wa_build_template(const struct wa_recipient *to, const char *name, const char *lang_code,
                      const char *const *params, size_t nparams, json_t **out)
{
    json_t *tpl, *comps = NULL;
    int rc;

    if (!wa_word_ok(name) || !wa_word_ok(lang_code) || (nparams && !params)) {
        return RB_EINVAL;
    }
    if (nparams) {
        rc = wa_template_components(params, nparams, &comps);
        if (rc) {
            return rc;
        }
    }
    tpl = json_pack("{s:s, s:{s:s}}", "name", name, "language", "code", lang_code);
    if (tpl && comps && json_object_set_new(tpl, "components", comps)) { /* takes comps */
        json_decref(tpl);
        tpl = NULL;
    } else if (!tpl) {
        json_decref(comps);
    }
    return wa_message(to, "template", tpl, NULL, out);
}

int wa_build_mark_read(const char *wamid, json_t **out)
{
    json_t *o;

    if (!wamid || !wamid[0] || !wa_utf8_ok(wamid, strlen(wamid))) {
        return RB_EINVAL;
    }
    o = json_pack("{s:s, s:s, s:s}", "messaging_product", "whatsapp", "status", "read",
                  "message_id", wamid);
    if (!o) {
        return RB_ENOMEM;
    }
    *out = o;
    return RB_OK;
}

/* ---- splitting --------------------------------------------------------- */

static bool wa_is_boundary(const char *s, size_t i)
{
    return ((unsigned char)s[i] & 0xC0) != 0x80;
}

/*
 * Where to end the piece that starts at `start`: at most max_chars code
 * points, at a grapheme break (brk[i] != 0 means a break before s[i]),
 * preferring a newline, then a space, in the second half.
 */
static size_t wa_cut(const char *s, size_t len, const char *brk, size_t start, size_t max_chars)
{
    size_t i, chars = 0, half = start, last_brk = 0, last_nl = 0, last_sp = 0;

    for (i = start; i < len; i++) {
        if (!wa_is_boundary(s, i)) {
            continue;
        }
        if (chars == max_chars) {
            break;
        }
        chars++;
        if (chars == max_chars / 2 + 1) {
            half = i;
        }
        if (i > start && brk[i]) {
            last_brk = i;
            if (s[i - 1] == '\n') {
                last_nl = i;
            } else if (s[i - 1] == ' ') {
                last_sp = i;
            }
        }
    }
    if (i >= len) {
        return len;
    }
    if (brk[i]) {
        last_brk = i;
        last_nl = s[i - 1] == '\n' ? i : last_nl;
        last_sp = s[i - 1] == ' ' ? i : last_sp;
    }
    if (last_nl > half) {
        return last_nl;
    }
    if (last_sp > half) {
        return last_sp;
    }
    return last_brk ? last_brk : i; /* one huge cluster: cut at a code point */
}

int wa_split_text(const char *s, size_t len, size_t max_chars, struct str **parts, size_t *nparts)
{
    struct str *v = NULL, *nv;
    char *brk = NULL;
    size_t n = 0, cap = 0, start = 0, end;
    int rc = RB_OK;

    if (max_chars == 0) {
        return RB_EINVAL;
    }
    if (!wa_utf8_ok(s, len)) {
        return RB_EPARSE;
    }
    if (len > 0) {
        brk = malloc(len);
        if (!brk) {
            return RB_ENOMEM;
        }
        u8_grapheme_breaks((const uint8_t *)s, len, brk);
    }
    while (start < len) {
        end = wa_cut(s, len, brk, start, max_chars);
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            nv = realloc(v, cap * sizeof(*v));
            if (!nv) {
                rc = RB_ENOMEM;
                goto out;
            }
            v = nv;
        }
        v[n++] = str_make(s + start, end - start);
        start = end;
    }
    *parts = v;
    *nparts = n;
    v = NULL;
out:
    free(v);
    free(brk);
    return rc;
}

/* ---- classification ---------------------------------------------------- */

const char *wa_class_name(enum wa_class c)
{
    static const char *const names[] = {"ok",         "retry",    "pair_limit", "template_fallback",
                                        "stop_alert", "permanent"};

    if ((unsigned)c < sizeof(names) / sizeof(names[0])) {
        return names[c];
    }
    return "permanent";
}

void wa_result_init(struct wa_result *r)
{
    memset(r, 0, sizeof(*r));
    r->cls = WA_RETRY;
    r->transport = HTTP_T_OK;
    r->code = -1;
    r->subcode = -1;
}

void wa_result_release(struct wa_result *r)
{
    if (!r) {
        return;
    }
    free(r->title);
    free(r->details);
    free(r->wamid);
    wa_result_init(r);
}

enum wa_class wa_code_class(long long code)
{
    static const long long retry[] = {1, 2, 4, 80007, 130429, 131000, 131016, 131057, 133004};
    static const long long stop[] = {0, 3, 10, 190, 368, 131031, 131042};
    size_t i;

    if (code == 131056) {
        return WA_PAIR_LIMIT;
    }
    if (code == 131047) {
        return WA_TEMPLATE_FALLBACK;
    }
    for (i = 0; i < sizeof(retry) / sizeof(retry[0]); i++) {
        if (code == retry[i]) {
            return WA_RETRY;
        }
    }
    for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
        if (code == stop[i]) {
            return WA_STOP_ALERT;
        }
    }
    if (code >= 200 && code <= 299) {
        return WA_STOP_ALERT;
    }
    return WA_PERMANENT;
}

/* "(#131047) Re-engagement message" -> "Re-engagement message". */
static const char *wa_title_of(const char *message)
{
    const char *p;

    if (message[0] == '(' && message[1] == '#') {
        p = strchr(message, ')');
        if (p) {
            p++;
            while (*p == ' ') {
                p++;
            }
            return p;
        }
    }
    return message;
}

/* Reads error.{code,error_subcode,message,error_data.details} into r. */
static int wa_read_error(const json_t *err, long status, struct wa_result *r)
{
    const json_t *code = json_object_get(err, "code");
    const json_t *sub = json_object_get(err, "error_subcode");
    const char *msg = json_string_value(json_object_get(err, "message"));
    const char *det =
        json_string_value(json_object_get(json_object_get(err, "error_data"), "details"));

    if (!json_is_integer(code)) {
        r->cls = WA_RETRY; /* not the documented shape */
        return RB_OK;
    }
    r->code = json_integer_value(code);
    r->subcode = json_is_integer(sub) ? json_integer_value(sub) : -1;
    r->cls = wa_code_class(r->code);
    if (status >= 500 && r->cls == WA_PERMANENT) {
        r->cls = WA_RETRY;
    }
    if (msg) {
        r->title = strdup(wa_title_of(msg));
        if (!r->title) {
            return RB_ENOMEM;
        }
    }
    if (det) {
        r->details = strdup(det);
        if (!r->details) {
            return RB_ENOMEM;
        }
    }
    return RB_OK;
}

/* A 2xx body: messages[0].id, or {"success": true}. */
static int wa_read_success(const json_t *root, struct wa_result *r)
{
    const char *id = json_string_value(
        json_object_get(json_array_get(json_object_get(root, "messages"), 0), "id"));

    if (id && id[0]) {
        r->wamid = strdup(id);
        if (!r->wamid) {
            return RB_ENOMEM;
        }
        r->cls = WA_OK;
    } else if (json_is_true(json_object_get(root, "success"))) {
        r->cls = WA_OK;
    } else {
        r->cls = WA_RETRY; /* accepted-looking but unreadable */
    }
    return RB_OK;
}

int wa_classify(long status, enum http_transport t, const char *body, size_t len,
                struct wa_result *r)
{
    json_t *root = NULL;
    const json_t *err;
    int rc = RB_OK;

    wa_result_release(r);
    r->http_status = status;
    r->transport = t;
    r->cls = WA_RETRY;
    if (t != HTTP_T_OK || !body) {
        return RB_OK;
    }
    root = json_loadb(body, len, 0, NULL);
    if (!json_is_object(root)) {
        goto out; /* HTML, empty or truncated: a transport problem */
    }
    err = json_object_get(root, "error");
    if (json_is_object(err)) {
        rc = wa_read_error(err, status, r);
    } else if (status >= 200 && status < 300) {
        rc = wa_read_success(root, r);
    }
out:
    json_decref(root);
    if (rc) {
        wa_result_release(r);
        r->http_status = status;
        r->transport = t;
    }
    return rc;
}

/* ---- sending ----------------------------------------------------------- */

/* "{base}/{version}/{id}/messages", the base without trailing slashes. */
static int wa_url(const struct wa_conf *conf, struct buf *url)
{
    const char *base = conf->base && conf->base[0] ? conf->base : WA_GRAPH_BASE_DEFAULT;
    const char *version =
        conf->version && conf->version[0] ? conf->version : WA_GRAPH_VERSION_DEFAULT;
    size_t blen = strlen(base);

    while (blen > 0 && base[blen - 1] == '/') {
        blen--;
    }
    if (blen == 0 || !http_path_segment_ok(version) ||
        !http_path_segment_ok(conf->phone_number_id) || !http_header_value_ok(base)) {
        return RB_EINVAL;
    }
    if (buf_add(url, base, blen) ||
        buf_addf(url, "/%s/%s/messages", version, conf->phone_number_id)) {
        return buf_err(url);
    }
    return RB_OK;
}

int wa_send(struct http_client *h, const struct wa_conf *conf, const json_t *msg,
            struct wa_result *r)
{
    struct buf url, auth;
    struct http_response res;
    const char *headers[2] = {NULL, NULL};
    char *body = NULL;
    int rc;

    buf_init(&url, 4096);
    buf_init(&auth, 8192);
    http_response_init(&res, WA_RESPONSE_MAX);
    wa_result_release(r);
    rc = wa_url(conf, &url);
    if (rc) {
        goto out;
    }
    if (!http_header_value_ok(conf->token)) {
        rc = RB_EINVAL;
        goto out;
    }
    rc = buf_addf(&auth, "Authorization: Bearer %s", conf->token);
    if (rc) {
        goto out;
    }
    headers[0] = auth.p;
    body = json_dumps(msg, JSON_COMPACT);
    if (!body) {
        rc = RB_ENOMEM;
        goto out;
    }
    rc = http_post_json(h, url.p, headers, body, strlen(body), &res);
    if (rc == RB_EINVAL || rc == RB_ENOMEM) {
        goto out;
    }
    rc = wa_classify(res.status, res.transport, res.body.p, res.body.len, r);
    r->total_ms = res.total_ms;
out:
    if (rc) {
        r->cls = rc == RB_EINVAL ? WA_STOP_ALERT : WA_RETRY;
    }
    free(body);
    http_response_release(&res);
    buf_release(&auth);
    buf_release(&url);
    return rc;
}

/* ---- backoff ----------------------------------------------------------- */

static uint64_t wa_splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

int64_t wa_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms, uint64_t seed)
{
    int64_t d, half;
    int i;

    if (base_ms <= 0 || cap_ms <= 0) {
        return 0;
    }
    d = base_ms < cap_ms ? base_ms : cap_ms;
    for (i = 1; i < attempt && d < cap_ms; i++) {
        d = d > cap_ms / 2 ? cap_ms : d * 2;
    }
    half = d / 2;
    return half + (int64_t)(wa_splitmix64(seed) % (uint64_t)(d - half + 1));
}
