/* clang-format off */
/* links: domain/inbound */
/* clang-format on */
/* slow: starts first in tests/run */
/*
 * test_robust_inbound.c - hostile webhook bodies into the inbound splitters
 * and inbound_repair_json (domain/inbound.h). The generator, the checks and
 * the knobs (RABTA_ROBUST_SEED, RABTA_ROBUST_SCALE) are described in
 * tests/lib/robust.h.
 */
#include "robust.h"

#include "domain/inbound.h"

/* s with " \n" after every structural byte outside strings (a no-op). */
static void spaced_out(const char *s, size_t n, struct bytes *out)
{
    bool in_str = false;

    by_reset(out);
    by_adds(out, " \r\n\t");
    for (size_t i = 0; i < n; i++) {
        by_addc(out, s[i]);
        if (in_str) {
            if (s[i] == '\\' && i + 1 < n) {
                by_addc(out, s[++i]);
            } else if (s[i] == '"') {
                in_str = false;
            }
        } else if (s[i] == '"') {
            in_str = true;
        } else if (strchr("{}[]:,", s[i])) {
            by_adds(out, " \n");
        }
    }
    by_adds(out, "\n ");
}

/* ---- inbound ------------------------------------------------------------ */

static int split(bool leadgen, const char *p, size_t n, struct inbound_batch *b, struct buf *err)
{
    char *c = exact(p, n);
    int rc;

    buf_reset(err);
    inbound_batch_init(b);
    rc = leadgen ? inbound_split_leadgen(c, n, b, err) : inbound_split_whatsapp(c, n, b, err);
    free(c);
    return rc;
}

static bool starts(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The fields of a message payload: as the header says, or RB_EPARSE with
 * the out-parameter left alone. */
static void check_message(const json_t *payload, const char *key, const char *label)
{
    struct wa_message m, before;
    int rc;

    memset(&m, 0xA5, sizeof m);
    before = m;
    rc = inbound_message(payload, &m);
    CHECKM(rc == RB_OK || rc == RB_EPARSE, "inbound_message rc %d on %s", rc, label);
    if (rc != RB_OK) {
        CHECKM(memcmp(&m, &before, sizeof m) == 0, "inbound_message wrote out on failure: %s",
               label);
        return;
    }
    CHECKM(m.wamid != NULL && m.type != NULL && (m.from || m.from_user_id),
           "message without id, type or sender: %s", label);
    if (key && m.wamid) {
        CHECKM(strncmp(key, "msg:", 4) == 0 && strcmp(key + 4, m.wamid) == 0,
               "dedupe key %s is not msg:<id>: %s", key, label);
    }
    CHECKM(cstr_ok(m.phone_number_id) && cstr_ok(m.wamid) && cstr_ok(m.from) &&
               cstr_ok(m.from_user_id) && cstr_ok(m.profile_name) && cstr_ok(m.type) &&
               cstr_ok(m.text) && cstr_ok(m.context_id) && cstr_ok(m.media_id) &&
               cstr_ok(m.media_mime) && cstr_ok(m.subtype),
           "message field not UTF-8: %s", label);
}

static void check_status(const json_t *payload, const char *key, const char *label)
{
    struct wa_status s, before;
    int rc, rank;

    memset(&s, 0xA5, sizeof s);
    before = s;
    rc = inbound_status(payload, &s);
    CHECKM(rc == RB_OK || rc == RB_EPARSE, "inbound_status rc %d on %s", rc, label);
    if (rc != RB_OK) {
        CHECKM(memcmp(&s, &before, sizeof s) == 0, "inbound_status wrote out on failure: %s",
               label);
        CHECKM(key == NULL, "status event %s that inbound_status refuses: %s", key, label);
        return;
    }
    CHECKM(s.wamid && s.status, "status without id: %s", label);
    if (key && s.wamid && s.status) {
        char want[1200];
        snprintf(want, sizeof want, "st:%s:%s", s.wamid, s.status);
        CHECKM(strcmp(key, want) == 0, "dedupe key %s is not st:<id>:<status>: %s", key, label);
    }
    rank = inbound_status_rank(s.status);
    CHECKM(rank >= 0 && rank <= 4, "status rank %d: %s", rank, label);
    CHECKM(cstr_ok(s.phone_number_id) && cstr_ok(s.wamid) && cstr_ok(s.status) &&
               cstr_ok(s.recipient_id) && cstr_ok(s.recipient_user_id) && cstr_ok(s.error_title) &&
               cstr_ok(s.error_details),
           "status field not UTF-8: %s", label);
}

/* What a split must give whatever the body: a documented status, a reason
 * on failure, and on success events whose keys and payloads agree. */
static void check_batch(int rc, const struct inbound_batch *b, const struct buf *err,
                        const char *label)
{
    CHECKM(rc == RB_OK || rc == RB_EPARSE, "split rc %d on %s", rc, label);
    if (rc != RB_OK) {
        CHECKM(err->len > 0, "split failed without a reason: %s", label);
        CHECKM(b->n == 0, "split failed with %zu events kept: %s", b->n, label);
        return;
    }
    CHECKM(b->n <= b->cap, "batch n %zu > cap %zu: %s", b->n, b->cap, label);
    for (size_t i = 0; i < b->n; i++) {
        const struct inbound_event *e = &b->ev[i];
        const char *k = e->dedupe_key;
        const char *pnid = json_string_value(json_object_get(e->payload, "phone_number_id"));
        static const char *const prefix[] = {"msg:", "st:", "err:", "lead:", "acct:", "invpay:"};

        CHECKM(e->kind >= IN_MESSAGE && e->kind <= IN_PAYMENT, "event kind %d: %s", (int)e->kind,
               label);
        if (e->kind < IN_MESSAGE || e->kind > IN_PAYMENT) {
            continue;
        }
        CHECKM(k && starts(k, prefix[e->kind]) && utf8_ok(k, strlen(k)),
               "dedupe key \"%s\" for kind %d: %s", k ? show(k, strlen(k)) : "(null)", (int)e->kind,
               label);
        CHECKM(json_is_object(e->payload), "payload not an object: %s", label);
        CHECKM((e->phone_number_id == NULL) == (pnid == NULL) &&
                   (!pnid || strcmp(pnid, e->phone_number_id) == 0),
               "phone_number_id differs from the payload's: %s", label);
        CHECKM(cstr_ok(e->phone_number_id), "phone_number_id not UTF-8: %s", label);
        switch (e->kind) {
        case IN_MESSAGE:
            check_message(e->payload, k, label);
            check_status(e->payload, NULL, label);
            break;
        case IN_STATUS:
            check_status(e->payload, k, label);
            check_message(e->payload, NULL, label);
            break;
        case IN_ERROR:
            CHECKM(k && strlen(k) == 36 && strspn(k + 4, "0123456789abcdef") == 32,
                   "error key %s: %s", k ? show(k, strlen(k)) : "(null)", label);
            CHECKM(json_is_array(json_object_get(e->payload, "errors")), "errors not kept: %s",
                   label);
            break;
        case IN_LEADGEN: {
            const char *id = json_string_value(json_object_get(e->payload, "leadgen_id"));
            CHECKM(id && k && strcmp(k + 5, id) == 0, "lead key %s vs id: %s", k ? k : "", label);
            CHECKM(e->phone_number_id == NULL, "leadgen with a phone_number_id: %s", label);
            break;
        }
        case IN_ACCOUNT:
            CHECKM(k && strlen(k) == 37 && strspn(k + 5, "0123456789abcdef") == 32,
                   "account key %s: %s", k ? show(k, strlen(k)) : "(null)", label);
            CHECKM(json_is_object(json_object_get(e->payload, "account_update")),
                   "account_update not kept: %s", label);
            break;
        case IN_PAYMENT: /* not made from Meta's bodies, which this checks */
            CHECKM(false, "a payment event from a Meta body: %s", label);
            break;
        }
    }
}

static bool same_batch(const struct inbound_batch *a, const struct inbound_batch *b)
{
    if (a->n != b->n || a->ignored != b->ignored) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct inbound_event *x = &a->ev[i], *y = &b->ev[i];
        if (x->kind != y->kind || strcmp(x->dedupe_key, y->dedupe_key) != 0 ||
            (x->phone_number_id == NULL) != (y->phone_number_id == NULL) ||
            (x->phone_number_id && strcmp(x->phone_number_id, y->phone_number_id) != 0) ||
            !json_equal(x->payload, y->payload)) {
            return false;
        }
    }
    return true;
}

/* Bytes that inbound_repair_json turns into U+FFFD (as a strict decoder
 * sees them), to tell a refusal for size from a missed repair. */
static size_t invalid_bytes(const char *s, size_t n)
{
    size_t i = 0, bad = 0;

    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        int m = u8_mblen((const uint8_t *)s + i, n - i);
        if (m <= 0) {
            bad++;
            i++;
        } else {
            i += (size_t)m;
        }
    }
    return bad;
}

/* inbound_repair_json: valid UTF-8 out (a backslash before a byte that is
 * not UTF-8 included), NUL-terminated, a fixed point; NULL only when there
 * was nothing to repair. */
static void check_repair(const char *p, size_t n, const char *label)
{
    char *c = exact(p, n), *r, *again;
    size_t rl = (size_t)-1, al = 0;

    r = inbound_repair_json(c, n, &rl);
    if (r) {
        CHECKM(rl != (size_t)-1 && r[rl] == '\0', "repair length: %s", label);
        CHECKM(utf8_ok(r, rl), "repair left invalid UTF-8: %s", label);
        char *rc = exact(r, rl);
        again = inbound_repair_json(rc, rl, &al);
        CHECKM(again == NULL, "repair is not a fixed point: %s -> %s", label, show(again, al));
        free(again);
        free(rc);
        free(r);
    } else {
        size_t bad = invalid_bytes(p, n);
        CHECKM(bad == 0, "repair left %zu bytes that are not UTF-8 in %s", bad, label);
    }
    free(c);
}

/* Both splitters, the checks, and the repair on one body. */
static void inbound_one(struct stats *st, const char *p, size_t n, const char *label)
{
    struct inbound_batch b;
    struct buf err;
    double t0 = cpu_s();
    int rc;

    buf_init(&err, 4096);
    rc = split(false, p, n, &b, &err);
    check_batch(rc, &b, &err, label);
    inbound_batch_release(&b);
    rc = split(true, p, n, &b, &err);
    check_batch(rc, &b, &err, label);
    inbound_batch_release(&b);
    check_repair(p, n, label);
    buf_release(&err);
    stats_one(st, t0, "%s", label);
}

/* A fixture re-serialized or spaced out splits to the same events. */
static void inbound_no_ops(struct stats *st, const char *path, const char *body, size_t len)
{
    static const size_t flags[] = {JSON_COMPACT, JSON_INDENT(2) | JSON_SORT_KEYS,
                                   JSON_COMPACT | JSON_ENSURE_ASCII,
                                   JSON_INDENT(1) | JSON_ENSURE_ASCII | JSON_SORT_KEYS};
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    struct inbound_batch want, got;
    struct buf err;
    struct bytes sp = {0};
    int rc0, rc;
    size_t k, rl;

    buf_init(&err, 4096);
    for (int lead = 0; lead < 2; lead++) {
        double t0 = cpu_s();
        rc0 = split(lead, body, len, &want, &err);
        check_batch(rc0, &want, &err, path);
        spaced_out(body, len, &sp);
        rc = split(lead, sp.p, sp.len, &got, &err);
        CHECKM(rc == rc0 && same_batch(&want, &got), "%s spaced out splits differently",
               base_name(path));
        inbound_batch_release(&got);
        for (k = 0; root && k < sizeof flags / sizeof flags[0]; k++) {
            char *s = json_dumps(root, flags[k]);
            CHECK(s != NULL);
            if (!s) {
                continue;
            }
            rc = split(lead, s, strlen(s), &got, &err);
            CHECKM(rc == rc0 && same_batch(&want, &got),
                   "%s re-serialized (flags %#zx) splits differently", base_name(path), flags[k]);
            inbound_batch_release(&got);
            free(s);
        }
        inbound_batch_release(&want);
        stats_one(st, t0, "%s no-ops", base_name(path));
    }
    if (root && utf8_ok(body, len)) {
        char *c = exact(body, len);
        char *r = inbound_repair_json(c, len, &rl);
        CHECKM(r == NULL, "repair changed a valid body: %s", base_name(path));
        free(r);
        free(c);
    }
    json_decref(root);
    by_free(&sp);
    buf_release(&err);
}

/* True when the text of some message of b has a U+FFFD. */
static bool batch_has_fffd(const struct inbound_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        struct wa_message m;
        if (b->ev[i].kind == IN_MESSAGE && inbound_message(b->ev[i].payload, &m) == RB_OK &&
            m.text && strstr(m.text, "\xef\xbf\xbd")) {
            return true;
        }
    }
    return false;
}

/* A message text cut inside an emoji or with a stray byte still splits,
 * to the same events, with U+FFFD in the text (what ingest promises). */
static void inbound_cut_text(struct stats *st, const char *path, const char *body, size_t len)
{
    static const char *const cuts[] = {"\\ud83d", "\\ude00",      "\\ud83d\\ud83d", "\xff",
                                       "\xc3",    "\xed\xa0\x80", "\xf0\x9f\x98"};
    struct inbound_batch want, got;
    struct buf err;
    struct bytes m = {0};
    const char *at = body, *end = body + len;
    char label[256];
    int rc0, rc;

    buf_init(&err, 4096);
    rc0 = split(false, body, len, &want, &err);
    while ((at = memmem(at, (size_t)(end - at), "\"body\":\"", 8)) != NULL) {
        size_t off = (size_t)(at - body) + 8;
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            for (int where = 0; where < 2; where++) {
                size_t pos = off;
                double t0 = cpu_s();
                if (where) { /* at the end of the text: a cut */
                    while (pos < len && body[pos] != '"') {
                        pos += body[pos] == '\\' ? 2 : 1;
                    }
                    pos = pos < len ? pos : len;
                }
                by_reset(&m);
                by_add(&m, body, pos);
                by_adds(&m, cuts[c]);
                by_add(&m, body + pos, len - pos);
                snprintf(label, sizeof label, "%s with %s in a text at %zu", base_name(path),
                         show(cuts[c], strlen(cuts[c])), pos);
                rc = split(false, m.p, m.len, &got, &err);
                check_batch(rc, &got, &err, label);
                CHECKM(rc == rc0 && got.n == want.n, "%s: rc %d, %zu events (want %d, %zu)", label,
                       rc, got.n, rc0, want.n);
                for (size_t i = 0; rc == RB_OK && i < got.n && i < want.n; i++) {
                    CHECKM(strcmp(got.ev[i].dedupe_key, want.ev[i].dedupe_key) == 0,
                           "%s: event %zu is %s", label, i, got.ev[i].dedupe_key);
                }
                CHECKM(rc != RB_OK || batch_has_fffd(&got), "%s: no U+FFFD in any text", label);
                inbound_batch_release(&got);
                stats_one(st, t0, "%s", label);
            }
        }
        at = body + off;
    }
    inbound_batch_release(&want);
    by_free(&m);
    buf_release(&err);
}

/* Bodies nested DEEP levels, whole and where the events are. */
static void inbound_deep(struct stats *st)
{
    static const char *const shapes[][3] = {
        {"", "[", "]"},
        {"", "{\"a\":", "}"},
        {"{\"object\":\"whatsapp_business_account\",\"entry\":", "[", "]"},
        {"{\"entry\":[{\"changes\":[{\"value\":{\"messages\":", "[", "]"},
        {"{\"entry\":[{\"changes\":[{\"field\":\"leadgen\",\"value\":{\"leadgen_id\":", "[", "]"},
    };
    static const size_t depths[] = {2047, 2048, 2049, DEEP};
    struct bytes b = {0};
    char label[128];

    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
            for (int closed = 0; closed < 2; closed++) {
                by_reset(&b);
                by_adds(&b, shapes[s][0]);
                for (size_t k = 0; k < depths[d]; k++) {
                    by_adds(&b, shapes[s][1]);
                }
                if (strcmp(shapes[s][1], "[") != 0) {
                    by_adds(&b, "1");
                }
                for (size_t k = 0; closed && k < depths[d]; k++) {
                    by_adds(&b, shapes[s][2]);
                }
                for (const char *c = shapes[s][0]; closed && *c; c++) {
                    if (*c == '{') {
                        by_adds(&b, "}");
                    } else if (*c == '[') {
                        by_adds(&b, "]");
                    }
                }
                snprintf(label, sizeof label, "shape %zu nested %zu deep%s", s, depths[d],
                         closed ? "" : ", unclosed");
                inbound_one(st, b.p, b.len, label);
            }
        }
    }
    by_free(&b);
}

/* Every node of the fixture replaced by each raw value (or by a few of them
 * at random when all is false). */
static void inbound_every_field(struct stats *st, const char *path, const char *body, size_t len,
                                bool all)
{
    json_t *root = json_loadb(body, len, 0, NULL);

    each_node_as_raw(st, path, root, all, inbound_one);
    json_decref(root);
}

/* Each object of body given a duplicate of its first key. */
static void inbound_duplicate_keys(struct stats *st, const char *path, const char *body, size_t len)
{
    struct bytes out = {0};
    char label[256];
    bool in_str = false;

    for (size_t i = 0; i < len; i++) {
        if (in_str) {
            if (body[i] == '\\') {
                i++;
            } else if (body[i] == '"') {
                in_str = false;
            }
            continue;
        }
        if (body[i] == '"') {
            in_str = true;
            continue;
        }
        if (body[i] != '{') {
            continue;
        }
        size_t ks = i + 1, ke;
        while (ks < len && strchr(" \t\r\n", body[ks])) {
            ks++;
        }
        if (ks >= len || body[ks] != '"') {
            continue;
        }
        for (ke = ks + 1; ke < len && body[ke] != '"'; ke++) {
            ke += body[ke] == '\\';
        }
        if (ke >= len) {
            continue;
        }
        by_reset(&out);
        by_add(&out, body, i + 1);
        by_add(&out, body + ks, ke + 1 - ks);
        by_adds(&out, ":null,");
        by_add(&out, body + i + 1, len - i - 1);
        snprintf(label, sizeof label, "%s with key %s twice", base_name(path),
                 show(body + ks, ke + 1 - ks));
        inbound_one(st, out.p, out.len, label);
    }
    by_free(&out);
}

TEST(inbound_survives_hostile_bodies)
{
    /* every node with every raw value; the rest with a few at random */
    static const char *const full[] = {
        "text.json",    "batch.json",      "status_failed_131047.json",
        "leadgen.json", "bsuid_only.json", "value_errors.json"};
    static const char *const truncated[] = {
        "text.json",    "batch.json",     "status_failed_131047.json",
        "leadgen.json", "text_urdu.json", "value_errors.json"};
    struct names files;
    struct stats st;
    struct bytes m = {0};
    char label[256];

    reseed(1);
    stats_begin(&st, "inbound");
    names_of(WA_DIR, ".json", &files);
    CHECK(files.n >= 20);
    for (size_t f = 0; f < files.n; f++) {
        const char *path = files.v[f], *name = base_name(path);
        size_t len = 0;
        char *body = harness_read_file(path, &len);
        bool is_full = false, is_trunc = false;

        CHECK(body != NULL);
        if (!body) {
            continue;
        }
        for (size_t i = 0; i < sizeof full / sizeof full[0]; i++) {
            is_full = is_full || strcmp(name, full[i]) == 0;
        }
        for (size_t i = 0; i < sizeof truncated / sizeof truncated[0]; i++) {
            is_trunc = is_trunc || strcmp(name, truncated[i]) == 0;
        }
        inbound_no_ops(&st, path, body, len);
        inbound_cut_text(&st, path, body, len);
        for (size_t cut = 0; is_trunc && cut < len; cut++) {
            snprintf(label, sizeof label, "%s cut at %zu", name, cut);
            inbound_one(&st, body, cut, label);
        }
        for (unsigned i = 0; i < 100 * scale; i++) {
            unsigned edits = 1 + (unsigned)below(i % 10 == 0 ? 40 : 4);
            by_reset(&m);
            by_add(&m, body, len);
            for (unsigned e = 0; e < edits; e++) {
                mutate_once(&m);
            }
            snprintf(label, sizeof label, "%s mutated (%u edits) into \"%s\"", name, edits,
                     show(m.p, m.len));
            inbound_one(&st, m.p, m.len, label);
        }
        inbound_every_field(&st, path, body, len, is_full);
        inbound_duplicate_keys(&st, path, body, len);
        free(body);
    }
    inbound_deep(&st);
    names_free(&files);
    by_free(&m);
    stats_end(&st);
}

int main(void)
{
    robust_init();
    RUN(inbound_survives_hostile_bodies);
    return harness_done();
}
