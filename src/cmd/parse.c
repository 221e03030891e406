/*
 * parse.c - `rabta parse`: staff messages in, one JSON line each out
 * (INTENTS.md, "rabta parse output").
 *
 *   rabta parse [--offline | --engine auto|rules|gemini] [--now ISO8601] [--as ROLE] [TEXT]
 *
 * TEXT is parsed alone; without it every line of standard input is one
 * message (batch mode, for corpora and benchmarks: the intents are loaded
 * once and output is buffered). The venue config gives the time zone, the
 * halls, the staff and the country code; intents/ the rules. Parsing is
 * domain/parser.h's parser_run, the same as the workers': with
 * GEMINI_API_KEY set, Gemini is asked when the rules are unsure (auto) or
 * always (--engine gemini), and its failures fall back to the rules with the
 * reason in "fallback". prompts/gemini is loaded only when Gemini may be
 * asked.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context/app.h"
#include "app/config.h"
#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "domain/parser.h"
#include "egress/http_client.h"
#include "nlu/catalog.h"
#include "nlu/intents.h"

struct parse_opts {
    enum parser_engine engine;
    const char *now_text; /* --now, NULL for the clock */
    unsigned role;        /* --as; parsing does not depend on it */
    const char *text;     /* TEXT, NULL for batch mode */
};

/* Everything one parse needs, loaded once. */
struct parse_ctx {
    struct app_env env; /* GEMINI_API_KEY, GEMINI_API_BASE, GEMINI_MODEL */
    struct config *cfg;
    struct intents *rules;
    struct parser_gemini *gemini; /* only when Gemini may be asked */
    struct http_client *http;
    struct parser parser;
    struct rb_datetime now;
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
    o->engine = PARSER_AUTO;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--offline") == 0) {
            o->engine = PARSER_RULES;
        } else if (strcmp(a, "--engine") == 0 && v) {
            if (strcmp(v, "auto") == 0) {
                o->engine = PARSER_AUTO;
            } else if (strcmp(v, "rules") == 0) {
                o->engine = PARSER_RULES;
            } else if (strcmp(v, "gemini") == 0) {
                o->engine = PARSER_GEMINI;
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

/* Parses one message and appends its JSON line (with '\n') to out. */
static int parse_one(const struct parse_ctx *ctx, const char *text, size_t len, struct buf *out)
{
    struct parse_result r;
    struct parser_trace t;
    int rc;

    parse_result_init(&r);
    parser_trace_init(&t);
    rc = parser_run(&ctx->parser, text, len, ctx->now, &r, &t);
    if (!rc) {
        rc = parse_result_to_json(&r, out);
    }
    if (!rc) {
        rc = buf_addc(out, '\n');
    }
    parser_trace_release(&t);
    parse_result_release(&r);
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

/* Gemini's side, when it may be asked: the prompt and catalog of
 * prompts/gemini and a curl handle. */
static int ctx_gemini(struct parse_ctx *ctx, enum parser_engine engine, struct buf *err)
{
    int rc;

    if (engine == PARSER_RULES || !ctx->env.gemini_key) {
        return RB_OK;
    }
    rc = parser_gemini_load(cmd_home(), ctx->rules, &ctx->gemini, err);
    if (!rc) {
        rc = http_client_new(ctx->cfg->connect_timeout_ms, ctx->cfg->gemini_timeout_ms, &ctx->http);
    }
    return rc;
}

/* Config, time zone, clock, intents and Gemini: everything parse_one needs. */
static int ctx_load(struct parse_ctx *ctx, const struct parse_opts *o, struct buf *err)
{
    struct nlu_env env;
    struct buf path;
    int rc;

    buf_init(&path, 4096);
    rc = app_env_load(&ctx->env);
    if (!rc) {
        rc = buf_addf(&path, "%s/config/rabta.conf", cmd_home());
    }
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
    if (!rc) {
        rc = ctx_gemini(ctx, o->engine, err);
    }
    ctx->role = o->role;
    ctx->parser = (struct parser){.cfg = ctx->cfg,
                                  .rules = ctx->rules,
                                  .gemini = ctx->gemini,
                                  .api_key = ctx->env.gemini_key,
                                  .base = ctx->env.gemini_base,
                                  .model = ctx->env.gemini_model,
                                  .http = ctx->http,
                                  .engine = o->engine};
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
    http_client_free(ctx.http);
    parser_gemini_free(ctx.gemini);
    intents_free(ctx.rules);
    config_free(ctx.cfg);
    app_env_release(&ctx.env);
    buf_release(&err);
    buf_release(&out);
    return status;
}
