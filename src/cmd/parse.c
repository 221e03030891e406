/*
 * parse.c - `rabta parse`: staff messages in, one JSON line each out
 * (INTENTS.md, "rabta parse output").
 *
 *   rabta parse [--offline | --engine auto|rules|gemini] [--now ISO8601] [--as ROLE] [TEXT]
 *
 * TEXT is parsed alone; without it every line of standard input is one
 * message (batch mode, for corpora and benchmarks: the intents are loaded
 * once and output is buffered). The venue config gives the time zone, the
 * halls, the staff and the country code; intents/ the rules.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "nlu/catalog.h"
#include "nlu/intents.h"

enum engine { ENGINE_AUTO, ENGINE_RULES, ENGINE_GEMINI };

struct parse_opts {
    enum engine engine;
    const char *now_text; /* --now, NULL for the clock */
    unsigned role;        /* --as; parsing does not depend on it */
    const char *text;     /* TEXT, NULL for batch mode */
};

/* Everything one parse needs, loaded once. */
struct parse_ctx {
    struct config *cfg;
    struct intents *rules;
    struct rb_datetime now;
    enum engine engine;
    bool have_key; /* GEMINI_API_KEY is set */
    unsigned role;
};

static int usage(void)
{
    fprintf(stderr, "usage: rabta parse [--offline | --engine auto|rules|gemini] [--now ISO8601] "
                    "[--as owner|sales|finance|admin] [TEXT]\n");
    return 2;
}

/* Fills o from argv; returns 0, or 2 after printing the usage. */
static int parse_args(int argc, char **argv, struct parse_opts *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->engine = ENGINE_AUTO;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--offline") == 0) {
            o->engine = ENGINE_RULES;
        } else if (strcmp(a, "--engine") == 0 && v) {
            if (strcmp(v, "auto") == 0) {
                o->engine = ENGINE_AUTO;
            } else if (strcmp(v, "rules") == 0) {
                o->engine = ENGINE_RULES;
            } else if (strcmp(v, "gemini") == 0) {
                o->engine = ENGINE_GEMINI;
            } else {
                return usage();
            }
            i++;
        } else if (strcmp(a, "--now") == 0 && v) {
            o->now_text = v;
            i++;
        } else if (strcmp(a, "--as") == 0 && v) {
            o->role = role_parse(v);
            if (!o->role) {
                fprintf(stderr, "rabta parse: unknown role \"%s\"\n", v);
                return 2;
            }
            i++;
        } else if (a[0] == '-' && a[1] == '-' && a[2] == '\0') {
            o->text = i + 1 < argc ? argv[i + 1] : NULL;
            break;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage();
        } else if (!o->text) {
            o->text = a;
        } else {
            return usage();
        }
    }
    return 0;
}

/*
 * The Gemini engine. THIS IS WHERE GEMINI PLUGS IN (src/egress/gemini.c):
 * given the message and the rules' answer, fill *out (parse_result_init'ed)
 * with Gemini's validated answer (engine "gemini") and return RB_OK, or
 * return an error and set *reason to a short static fallback reason
 * ("timeout", "http_429", "bad_json", "not_in_catalog", ...), in which case
 * the caller prints the rules' answer with that reason in "fallback".
 * Until it is wired, every call falls back.
 */
static int parse_with_gemini(const struct parse_ctx *ctx, const char *text, size_t len,
                             const struct parse_result *rules, struct parse_result *out,
                             const char **reason)
{
    (void)ctx;
    (void)text;
    (void)len;
    (void)rules;
    (void)out;
    *reason = "not_implemented";
    return RB_EUPSTREAM;
}

/* Whether to ask Gemini about a message the rules answered with r. */
static bool want_gemini(const struct parse_ctx *ctx, const struct parse_result *r)
{
    if (!ctx->have_key || ctx->engine == ENGINE_RULES) {
        return false;
    }
    if (ctx->engine == ENGINE_GEMINI) {
        return true;
    }
    return r->confidence < ctx->cfg->gemini_min_rules_confidence;
}

/* Parses one message and appends its JSON line (with '\n') to out. */
static int parse_one(const struct parse_ctx *ctx, const char *text, size_t len, struct buf *out)
{
    struct parse_result rules, gem;
    const char *reason = NULL;
    const struct parse_result *use = &rules;
    int rc;

    parse_result_init(&rules);
    parse_result_init(&gem);
    rc = intents_match(ctx->rules, text, len, ctx->now, &rules);
    if (rc == RB_EPARSE || rc == RB_ETOOBIG) {
        /* not UTF-8, or too long: still one line, and nothing fits */
        rules.intent = rb_strdup("unknown");
        rules.slots = json_object();
        rc = rules.intent && rules.slots ? RB_OK : RB_ENOMEM;
    }
    if (rc) {
        goto out;
    }
    if (want_gemini(ctx, &rules)) {
        if (parse_with_gemini(ctx, text, len, &rules, &gem, &reason) == RB_OK) {
            use = &gem;
        } else {
            rules.fallback = rb_strdup(reason ? reason : "error");
            if (!rules.fallback) {
                rc = RB_ENOMEM;
                goto out;
            }
        }
    }
    rc = parse_result_to_json(use, out);
    if (!rc) {
        rc = buf_addc(out, '\n');
    }
out:
    parse_result_release(&gem);
    parse_result_release(&rules);
    return rc;
}

/* Reads stdin line by line; one JSON line per input line. */
static int parse_batch(const struct parse_ctx *ctx)
{
    struct buf out;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = RB_OK;

    buf_init(&out, 1u << 20);
    while (!rc && (n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            n--;
        }
        rc = parse_one(ctx, line, (size_t)n, &out);
        if (!rc && out.len > (1u << 19)) {
            fwrite(out.p, 1, out.len, stdout);
            buf_reset(&out);
        }
    }
    if (!rc) {
        fwrite(out.p, 1, out.len, stdout);
    }
    free(line);
    buf_release(&out);
    return rc;
}

/* Config, time zone, clock and intents: everything parse_one needs. */
static int ctx_load(struct parse_ctx *ctx, const struct parse_opts *o, struct buf *err)
{
    struct nlu_env env;
    struct buf path;
    const char *key = getenv("GEMINI_API_KEY");
    int rc;

    buf_init(&path, 4096);
    rc = buf_addf(&path, "%s/config/rabta.conf", cmd_home());
    if (!rc) {
        rc = config_load(path.p, &ctx->cfg, err);
    }
    if (rc) {
        goto out;
    }
    clock_set_zone(ctx->cfg->time_zone);
    if (o->now_text) {
        rc = datetime_parse(o->now_text, &ctx->now);
        if (rc) {
            rc = buf_addf(err, "--now \"%s\": expected YYYY-MM-DDTHH:MM\n", o->now_text);
            rc = rc ? rc : RB_EINVAL;
            goto out;
        }
    } else {
        ctx->now = clock_local(clock_now_ms() / 1000);
    }
    nlu_env_from_config(&env, ctx->cfg);
    buf_reset(&path);
    rc = buf_addf(&path, "%s/intents", cmd_home());
    if (!rc) {
        rc = intents_load(path.p, &env, &ctx->rules, err);
    }
    ctx->engine = o->engine;
    ctx->role = o->role;
    ctx->have_key = key && key[0];
out:
    buf_release(&path);
    return rc;
}

int cmd_parse(int argc, char **argv)
{
    struct parse_opts o;
    struct parse_ctx ctx;
    struct buf err, out;
    int rc, status = 0;

    memset(&ctx, 0, sizeof ctx);
    buf_init(&err, 1u << 20);
    buf_init(&out, 1u << 16);
    status = parse_args(argc, argv, &o);
    if (status) {
        goto out;
    }
    rc = ctx_load(&ctx, &o, &err);
    if (rc) {
        fprintf(stderr, "%srabta parse: %s\n", err.p, rb_strerror(rc));
        status = 1;
        goto out;
    }
    if (o.text) {
        rc = parse_one(&ctx, o.text, strlen(o.text), &out);
        if (!rc) {
            fwrite(out.p, 1, out.len, stdout);
        }
    } else {
        rc = parse_batch(&ctx);
    }
    if (rc) {
        fprintf(stderr, "rabta parse: %s\n", rb_strerror(rc));
        status = 1;
    }
    fflush(stdout);
out:
    intents_free(ctx.rules);
    config_free(ctx.cfg);
    buf_release(&err);
    buf_release(&out);
    return status;
}
