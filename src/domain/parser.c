/*
 * parser.c - the rules, then Gemini when they are unsure (parser.h).
 */
#include "domain/parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "nlu/intents.h"

struct parser_gemini {
    struct gemini_prompt *prompt;
    struct gemini_catalog *catalog; /* borrows from prompt and the intents */
};

/* ---- per snapshot ------------------------------------------------------------ */

void parser_gemini_free(struct parser_gemini *g)
{
    if (!g) {
        return;
    }
    gemini_catalog_free(g->catalog);
    gemini_prompt_free(g->prompt);
    free(g);
}

int parser_gemini_load(const char *home, const struct intents *set, struct parser_gemini **out,
                       struct buf *err)
{
    struct parser_gemini *g = calloc(1, sizeof(*g));
    struct buf dir;
    int rc = g ? RB_OK : RB_ENOMEM;

    buf_init(&dir, 4096);
    if (!rc) {
        rc = buf_addf(&dir, "%s/prompts/gemini", home);
    }
    if (!rc) {
        rc = gemini_prompt_load(dir.p, &g->prompt, err);
    }
    if (!rc) {
        rc = gemini_catalog_new(set, g->prompt, &g->catalog);
    }
    if (!rc) {
        rc = gemini_prompt_check(g->catalog, err);
    }
    buf_release(&dir);
    if (rc) {
        parser_gemini_free(g);
        return rc;
    }
    *out = g;
    return RB_OK;
}

const char *parser_gemini_version(const struct parser_gemini *g)
{
    return gemini_prompt_version(g->prompt);
}

int parser_snapshot_load(const char *home, struct snapshot **out, struct buf *err)
{
    struct snapshot *s = NULL;
    struct gemini_prompt *alone = NULL;
    struct buf dir;
    int rc = app_snapshot_load(home, &s, err);

    if (rc) {
        /* still list prompts/gemini's own problems, as rabta check should */
        buf_init(&dir, 4096);
        if (buf_addf(&dir, "%s/prompts/gemini", home) == RB_OK &&
            gemini_prompt_load(dir.p, &alone, err) == RB_OK) {
            gemini_prompt_free(alone);
        }
        buf_release(&dir);
        return rc;
    }
    rc = parser_gemini_load(home, s->intents, &s->gemini, err);
    if (rc) {
        snapshot_free(s);
        return rc == RB_ENOMEM ? RB_ENOMEM : RB_EPARSE;
    }
    s->gemini_free = parser_gemini_free;
    *out = s;
    return RB_OK;
}

/* ---- one parse ------------------------------------------------------------------ */

void parser_trace_init(struct parser_trace *t)
{
    memset(t, 0, sizeof(*t));
    gemini_info_init(&t->info);
}

void parser_trace_release(struct parser_trace *t)
{
    if (!t) {
        return;
    }
    gemini_info_release(&t->info);
    parser_trace_init(t);
}

/* The rules' answer; "unknown" for text they cannot read (not UTF-8, too long). */
static int parse_rules(const struct parser *p, const char *text, size_t len, struct rb_datetime now,
                       struct parse_result *out)
{
    int rc = p->rules ? intents_match(p->rules, text, len, now, out) : RB_EPARSE;

    if (rc == RB_EPARSE || rc == RB_ETOOBIG || (!rc && !out->intent)) {
        parse_result_release(out);
        parse_result_init(out);
        out->intent = rb_strdup("unknown");
        out->slots = json_object();
        out->engine = "rules";
        rc = out->intent && out->slots ? RB_OK : RB_ENOMEM;
    }
    return rc;
}

static bool have_key(const struct parser *p)
{
    return p->api_key && p->api_key[0];
}

/* Whether Gemini is meant to see a message the rules answered with r. */
static bool want_gemini(const struct parser *p, const struct parse_result *r)
{
    switch (p->engine) {
    case PARSER_RULES:
        return false;
    case PARSER_GEMINI:
        return true;
    case PARSER_AUTO:
        break;
    }
    return have_key(p) && p->gemini && r->confidence < p->cfg->gemini_min_rules_confidence;
}

/* Asks Gemini; RB_OK with its answer in *gem, or the reason in t->info.fallback. */
static int ask_gemini(const struct parser *p, const char *text, size_t len, struct rb_datetime now,
                      const struct parse_result *rules, struct parse_result *gem,
                      struct parser_trace *t)
{
    struct gemini_conf conf = {p->base, p->model, p->api_key, p->cfg->gemini_timeout_ms};
    struct gemini_ctx ctx = {now, p->cfg->time_zone, p->cfg->country_code, rules->lang};
    int rc;

    t->asked = true;
    t->prompt_version = parser_gemini_version(p->gemini);
    rc = gemini_parse(p->http, &conf, p->gemini->catalog, &ctx, text, len, gem, &t->info);
    t->model = t->info.model_version     ? t->info.model_version
               : p->model && p->model[0] ? p->model
                                         : GEMINI_MODEL_DEFAULT;
    if (rc && !t->info.fallback[0]) {
        snprintf(t->info.fallback, sizeof(t->info.fallback), "%s", "error");
    }
    return rc;
}

int parser_run(const struct parser *p, const char *text, size_t len, struct rb_datetime now,
               struct parse_result *out, struct parser_trace *t)
{
    int64_t t0 = clock_mono_ms();
    struct parse_result gem;
    const char *reason = NULL;
    int rc;

    parse_result_init(&gem);
    parser_trace_release(t);
    rc = parse_rules(p, text, len, now, out);
    if (rc || !want_gemini(p, out)) {
        goto out;
    }
    if (!have_key(p) || !p->gemini || !p->http) {
        reason = "no_key"; /* PARSER_GEMINI with nothing to ask with */
    } else if (ask_gemini(p, text, len, now, out, &gem, t) == RB_OK) {
        parse_result_release(out);
        *out = gem; /* out takes gem's strings */
        parse_result_init(&gem);
    } else {
        reason = t->info.fallback;
    }
    if (reason) {
        free(out->fallback);
        out->fallback = rb_strdup(reason);
        rc = out->fallback ? RB_OK : RB_ENOMEM;
    }
out:
    parse_result_release(&gem);
    t->latency_ms = clock_mono_ms() - t0;
    return rc;
}
