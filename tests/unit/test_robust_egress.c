/* clang-format off */
/* links: nlu/text nlu/vocab nlu/values nlu/values_date nlu/values_amount nlu/catalog nlu/classify nlu/intents nlu/intents_key nlu/intents_load nlu/intents_compile nlu/intents_slots nlu/intents_match nlu/intents_need nlu/intents_model app/config egress/whatsapp egress/http_client egress/gemini */
/* clang-format on */
/* slow: starts first in tests/run */
/*
 * test_robust_egress.c - hostile upstream answers into the egress readers:
 * wa_classify (egress/whatsapp.h) and gemini_read_response, gemini_validate,
 * gemini_retry_delay_ms (egress/gemini.h), on mutated
 * tests/fixtures/reference bodies. The generator, the checks and the knobs
 * (RABTA_ROBUST_SEED, RABTA_ROBUST_SCALE) are described in tests/lib/robust.h.
 */
#include "robust.h"
#include "words.h"

#include "egress/gemini.h"
#include "egress/whatsapp.h"
#include "nlu/catalog.h"

/* ---- whatsapp ----------------------------------------------------------- */

static const long wa_statuses[] = {200, 201, 204, 299, 301, 400, 401, 403, 404,
                                   429, 499, 500, 502, 503, 599, 0,   -1,  999};

static void wa_one(struct stats *st, const char *s, size_t n, const char *what)
{
    char *c = exact(s, n);
    struct wa_result r;
    char label[300];
    double t0 = cpu_s();

    snprintf(label, sizeof label, "%s \"%s\"", what, show(s, n));
    wa_result_init(&r);
    for (size_t j = 0; j < 7; j++) {
        /* 200, 400 and 500 every time, four more at random; now and then a
         * transport failure */
        static const size_t always[] = {0, 5, 11};
        size_t i = j < 3 ? always[j] : below(sizeof wa_statuses / sizeof wa_statuses[0]);
        for (int t = HTTP_T_OK; t <= HTTP_T_OTHER; t += (j == 3 ? 1 : 3)) {
            long status = wa_statuses[i];
            int rc = wa_classify(status, (enum http_transport)t, c, n, &r);

            CHECKM(rc == RB_OK, "wa_classify rc %d (status %ld): %s", rc, status, label);
            CHECKM(r.cls >= WA_OK && r.cls <= WA_PERMANENT && wa_class_name(r.cls) != NULL,
                   "class %d: %s", (int)r.cls, label);
            CHECKM(r.http_status == status && (int)r.transport == t, "status/transport: %s", label);
            if (t != HTTP_T_OK) {
                CHECKM(r.cls == WA_RETRY && !r.wamid && !r.title && !r.details,
                       "transport %d gives %s: %s", t, wa_class_name(r.cls), label);
            }
            CHECKM(status < 500 || r.cls != WA_PERMANENT, "a %ld is permanent: %s", status, label);
            CHECKM(r.cls != WA_OK || (status >= 200 && status < 300), "a %ld is ok: %s", status,
                   label);
            CHECKM(!r.wamid || (r.cls == WA_OK && r.wamid[0] && cstr_ok(r.wamid)),
                   "wamid without ok: %s", label);
            CHECKM(cstr_ok(r.title) && cstr_ok(r.details), "title/details not UTF-8: %s", label);
            if (r.code != -1 && r.cls != WA_OK) {
                enum wa_class want = wa_code_class(r.code);
                CHECKM(r.cls == want ||
                           (status >= 500 && want == WA_PERMANENT && r.cls == WA_RETRY),
                       "code %lld gives %s: %s", r.code, wa_class_name(r.cls), label);
            }
        }
    }
    CHECKM(wa_classify(200, HTTP_T_OK, NULL, 0, &r) == RB_OK && r.cls == WA_RETRY, "no body: %s",
           label);
    wa_result_release(&r);
    stats_one(st, t0, "%s", label);
    free(c);
}

/* Every JSON body of tests/fixtures/reference/ (both directories). */
static void reference_bodies(struct names *out)
{
    struct names a, b;

    names_of(REF_DIR "whatsapp/", ".json", &a);
    names_of(REF_DIR "gemini/", ".json", &b);
    out->n = a.n + b.n;
    out->v = malloc((out->n ? out->n : 1) * sizeof *out->v);
    if (!out->v) {
        abort();
    }
    memcpy(out->v, a.v, a.n * sizeof *a.v);
    memcpy(out->v + a.n, b.v, b.n * sizeof *b.v);
    free(a.v);
    free(b.v);
}

/* Calls fn on body, its truncations (all of them when every_cut, else a
 * few), random mutations, and each node replaced by each raw value (by a
 * few of them at random unless full). */
static void json_hostile(struct stats *st, const char *path, const char *body, size_t len,
                         bool every_cut, bool full, unsigned nmut,
                         void (*fn)(struct stats *, const char *, size_t, const char *))
{
    json_t *root = json_loadb(body, len, 0, NULL);
    struct bytes m = {0};
    char what[200];

    fn(st, body, len, base_name(path));
    for (size_t cut = 0; cut < len; cut += every_cut ? 1 : 1 + below(len / 8 + 1)) {
        snprintf(what, sizeof what, "%s cut at %zu", base_name(path), cut);
        fn(st, body, cut, what);
    }
    for (unsigned i = 0; i < nmut * scale; i++) {
        by_reset(&m);
        by_add(&m, body, len);
        for (size_t e = 1 + below(4); e > 0; e--) {
            mutate_once(&m);
        }
        snprintf(what, sizeof what, "%s mutated", base_name(path));
        fn(st, m.p, m.len, what);
    }
    each_node_as_raw(st, path, root, full, fn);
    json_decref(root);
    by_free(&m);
}

static void deep_bodies(struct stats *st,
                        void (*fn)(struct stats *, const char *, size_t, const char *))
{
    struct bytes b = {0};

    repeat_to(&b, "", "[", "", DEEP);
    fn(st, b.p, b.len, "[ nested 10^5 deep");
    repeat_to(&b, "{\"error\":", "{\"error\":", "", DEEP);
    fn(st, b.p, b.len, "error objects nested 10^5 deep");
    by_reset(&b);
    by_adds(&b, "{\"candidates\":");
    for (size_t k = 0; k < 2040; k++) {
        by_addc(&b, '[');
    }
    for (size_t k = 0; k < 2040; k++) {
        by_addc(&b, ']');
    }
    by_adds(&b, ",\"error\":{\"code\":131047},\"messages\":[{\"id\":[[[[]]]]}]}");
    fn(st, b.p, b.len, "nested 2040 deep, just inside the limit");
    by_free(&b);
}

TEST(whatsapp_classifier_survives_hostile_bodies)
{
    struct names files;
    struct stats st;

    reseed(5);
    stats_begin(&st, "whatsapp");
    reference_bodies(&files);
    CHECK(files.n >= 10);
    for (size_t f = 0; f < files.n; f++) {
        size_t len = 0;
        char *body = harness_read_file(files.v[f], &len);
        CHECK(body != NULL);
        if (body) {
            bool answer = strstr(files.v[f], "whatsapp/") && strstr(files.v[f], "_response");
            json_hostile(&st, files.v[f], body, len, answer, answer, answer ? 60 : 20, wa_one);
        }
        free(body);
    }
    deep_bodies(&st, wa_one);
    names_free(&files);
    stats_end(&st);
}

/* ---- gemini ------------------------------------------------------------- */

static const char *const gemini_reasons[] = {
    "bad_response", "blocked", "no_candidates", "max_tokens", "finish_other", "empty", "no_memory"};

static bool in_reasons(const char *r, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (r == list[i] || strcmp(r, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void gemini_response_one(struct stats *st, const char *s, size_t n, const char *what)
{
    char *c = exact(s, n), *answer = (char *)"untouched", *const sentinel = answer;
    struct gemini_info info;
    const char *reason;
    char label[300];
    double t0 = cpu_s(), dt;
    int64_t ms;

    snprintf(label, sizeof label, "%s \"%s\"", what, show(s, n));
    gemini_info_init(&info);
    reason = gemini_read_response(c, n, &info, &answer);
    dt = stats_one(st, t0, "%s", label);
    CHECKM(dt <= SLOW_LIMIT_S, "%.3f s for one body: %s", dt, label);
    if (reason) {
        CHECKM(in_reasons(reason, gemini_reasons, sizeof gemini_reasons / sizeof gemini_reasons[0]),
               "reason \"%s\": %s", reason, label);
        CHECKM(strcmp(reason, "no_memory") != 0, "no_memory with memory to spare: %s", label);
        CHECKM(answer == sentinel, "answer set with a reason: %s", label);
    } else {
        size_t al = answer && answer != sentinel ? strlen(answer) : 0;
        CHECKM(answer != sentinel && answer && al > 0, "no answer without a reason: %s", label);
        CHECKM(al == 0 || (utf8_ok(answer, al) && !strchr(" \t\r\n", answer[0]) &&
                           !strchr(" \t\r\n", answer[al - 1]) && strncmp(answer, "```", 3) != 0),
               "answer \"%s\" not trimmed: %s", show(answer, al), label);
        if (answer != sentinel) {
            free(answer);
        }
    }
    CHECKM(cstr_ok(info.raw_text) && cstr_ok(info.model_version) && cstr_ok(info.response_id) &&
               cstr_ok(info.finish_reason),
           "info strings not UTF-8: %s", label);
    gemini_info_release(&info);
    ms = gemini_retry_delay_ms(c, n);
    CHECKM(ms == -1 || (ms >= 0 && ms <= 86400000), "retry delay %lld ms: %s", (long long)ms,
           label);
    free(c);
}

/* A catalog of the loaded intents, with the few-shot answers of
 * prompts/gemini/examples.tsv as the answers to mutate. */
struct gcat {
    struct gemini_catalog cat;
    struct gemini_intent *in;
    char *examples_file;
    char **msg, **ans;
    size_t nex;
};

static void gcat_load(struct gcat *g)
{
    size_t n = 0, len = 0;
    const struct intent_info *info = intents_list(rules, &n);
    char path[512], *p, *nl;

    memset(g, 0, sizeof *g);
    g->in = calloc(n ? n : 1, sizeof *g->in);
    if (!g->in) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        g->in[i].name = info[i].name;
        g->in[i].description = info[i].description;
        g->in[i].slots = info[i].slots;
        g->in[i].nslots = info[i].nslots;
    }
    g->cat.intents = g->in;
    g->cat.nintents = n;
    g->cat.system_template = "";
    snprintf(path, sizeof path, "%s/prompts/gemini/examples.tsv", home());
    g->examples_file = harness_read_file(path, &len);
    CHECK(g->examples_file != NULL);
    for (p = g->examples_file; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
        char *tab = strchr(p, '\t');
        nl = strchr(p, '\n');
        if (nl) {
            *nl = '\0';
        }
        if (p[0] != '#' && tab) {
            *tab = '\0';
            g->msg = realloc(g->msg, (g->nex + 1) * sizeof *g->msg);
            g->ans = realloc(g->ans, (g->nex + 1) * sizeof *g->ans);
            if (!g->msg || !g->ans) {
                abort();
            }
            g->msg[g->nex] = p;
            g->ans[g->nex++] = tab + 1;
        }
        if (!nl) {
            break;
        }
    }
}

static void gcat_free(struct gcat *g)
{
    free(g->in);
    free(g->examples_file);
    free(g->msg);
    free(g->ans);
}

static const struct gcat *validate_cat;
static const char *validate_msg;

static void gemini_validate_one(struct stats *st, const char *s, size_t n, const char *what)
{
    static const char *const reasons[] = {"bad_json", "not_in_catalog", "bad_slot"};
    const struct gemini_catalog *cat = &validate_cat->cat;
    char *answer = malloc(n + 1), label[300], *sentinel = strdup("sentinel");
    struct parse_result out;
    struct buf detail;
    const char *reason;
    double t0 = cpu_s();

    if (!answer || !sentinel) {
        abort();
    }
    memcpy(answer, s, n);
    answer[n] = '\0'; /* gemini_validate takes a C string */
    snprintf(label, sizeof label, "%s \"%s\"", what, show(s, n));
    parse_result_init(&out);
    out.intent = sentinel;
    buf_init(&detail, 4096);
    reason = gemini_validate(cat, answer, validate_msg, LANG_ROMAN_UR, &out, &detail);
    stats_one(st, t0, "%s", label);
    if (reason) {
        CHECKM(in_reasons(reason, reasons, 3), "reason \"%s\": %s", reason, label);
        CHECKM(out.intent == sentinel && out.slots == NULL, "out touched with a reason: %s", label);
        CHECKM(detail.len > 0 && utf8_ok(detail.p, detail.len), "no detail for %s: %s", reason,
               label);
    } else {
        const struct gemini_intent *in = NULL;
        for (size_t i = 0; out.intent && i < cat->nintents; i++) {
            in = strcmp(cat->intents[i].name, out.intent) == 0 ? &cat->intents[i] : in;
        }
        bool unknown = out.intent && strcmp(out.intent, "unknown") == 0;
        CHECKM(out.intent && (in || unknown), "intent \"%s\": %s",
               out.intent ? out.intent : "(null)", label);
        CHECKM(json_is_object(out.slots) && (!unknown || json_object_size(out.slots) == 0),
               "slots: %s", label);
        CHECKM(out.confidence >= 0.0 && out.confidence <= 1.0, "confidence %f: %s", out.confidence,
               label);
        CHECKM(out.lang == LANG_UR || out.lang == LANG_ROMAN_UR || out.lang == LANG_EN,
               "lang %d: %s", (int)out.lang, label);
        CHECKM(out.engine && strcmp(out.engine, "gemini") == 0, "engine: %s", label);
        const char *k;
        json_t *v;
        json_object_foreach (out.slots, k, v) {
            bool taken = false;
            for (size_t i = 0; in && i < in->nslots; i++) {
                taken = taken || strcmp(in->slots[i], k) == 0;
            }
            CHECKM(taken && slot_value_valid(slot_def_find(k), v),
                   "slot %s kept but not taken or not canonical: %s", k, label);
        }
    }
    parse_result_release(&out);
    buf_release(&detail);
    free(answer);
}

/* An answer inside a 200 body, as Gemini would send it. */
static void wrap_answer(const char *answer, size_t n, struct bytes *out)
{
    json_t *body = json_pack("{s:[{s:{s:[{s:s%}]}, s:s}]}", "candidates", "content", "parts",
                             "text", answer, n, "finishReason", "STOP");
    char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;

    by_reset(out);
    by_adds(out, s ? s : "{}");
    free(s);
    json_decref(body);
}

TEST(gemini_response_handling_survives_hostile_bodies)
{
    static const char *const texts[] = {
        "```json\n{\"intent\":\"help\",\"slots\":{}}\n```",
        "```",
        "``````",
        "```\n```\n```",
        " \t\r\n ",
        "\n```json",
        "{\"intent\":\"help\",\"slots\":{}}```",
    };
    struct names files;
    struct stats st;
    struct gcat g;
    struct bytes b = {0}, a = {0};
    char what[96];

    reseed(6);
    stats_begin(&st, "gemini");
    reference_bodies(&files);
    for (size_t f = 0; f < files.n; f++) {
        size_t len = 0;
        char *body = harness_read_file(files.v[f], &len);
        CHECK(body != NULL);
        if (body) {
            bool every = strstr(files.v[f], "gemini/response_ok") != NULL ||
                         strstr(files.v[f], "gemini/error_429") != NULL;
            bool answer = strstr(files.v[f], "gemini/") && !strstr(files.v[f], "request");
            json_hostile(&st, files.v[f], body, len, every, answer, answer ? 60 : 10,
                         gemini_response_one);
        }
        free(body);
    }
    deep_bodies(&st, gemini_response_one);
    /* fences, blanks, and a text as long as a response may be */
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        wrap_answer(texts[i], strlen(texts[i]), &b);
        gemini_response_one(&st, b.p, b.len, "fenced text");
    }
    /* 64 KiB, not GEMINI_RESPONSE_MAX: stripping fences is quadratic (each
     * level of gm_unfence's recursion measures and searches the whole rest),
     * so 256 KiB of "`" takes 1.7 s under ASan (72 ms in release). Reported. */
    static const char *const floods[] = {"`", "```\n", "``` ", " ", "\n", "a"};
    for (size_t i = 0; i < sizeof floods / sizeof floods[0]; i++) {
        repeat_to(&a, "", floods[i], "", (size_t)64 * 1024);
        wrap_answer(a.p, a.len, &b);
        snprintf(what, sizeof what, "a text of %zu bytes of \"%s\"", a.len,
                 show(floods[i], strlen(floods[i])));
        gemini_response_one(&st, b.p, b.len, what);
    }

    /* validation of answers: the few-shot answers, mutated */
    if (rules_load()) {
        gcat_load(&g);
        validate_cat = &g;
        for (size_t i = 0; i < g.nex; i++) {
            validate_msg = g.msg[i];
            json_hostile(&st, "examples.tsv", g.ans[i], strlen(g.ans[i]), false, i % 4 == 0, 20,
                         gemini_validate_one);
        }
        gcat_free(&g);
    }
    names_free(&files);
    by_free(&a);
    by_free(&b);
    stats_end(&st);
}

int main(void)
{
    struct vocab *vocab = test_words_install();

    robust_init();
    RUN(whatsapp_classifier_survives_hostile_bodies);
    RUN(gemini_response_handling_survives_hostile_bodies);
    intents_free(rules);
    config_free(cfg);
    vocab_free(vocab);
    return harness_done();
}
