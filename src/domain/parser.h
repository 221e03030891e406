/*
 * parser.h - one staff message to one intent, the same way for `rabta parse`
 * and for the workers (handlers/dispatch.c):
 *
 *   1. the rule engine (nlu/intents.h) parses it;
 *   2. when a Gemini key is set and the rules' confidence is below config
 *      gemini.min_rules_confidence (PARSER_AUTO), or always (PARSER_GEMINI,
 *      `rabta parse --engine gemini`), Gemini parses it too, within config
 *      gemini.timeout_ms in all (egress/gemini.h);
 *   3. Gemini's validated answer is used (engine "gemini"); on any failure
 *      the rules' answer is, with the reason in its fallback field.
 * PARSER_RULES never calls Gemini. Only staff messages come here: a
 * client's text is never parsed (domain/intake.c relays it as it is).
 *
 * Gemini's prompt (prompts/gemini/system.txt and examples.tsv) and the
 * catalog built from it and the loaded intents are made once per snapshot
 * (start-up, SIGHUP, `rabta check`) by parser_snapshot_load, not per
 * message. They are built here rather than in app/ because app/ sits below
 * egress/ (the Makefile's layer rule): the snapshot holds them as an opaque
 * pointer with its destructor, which app/ calls without knowing the type.
 *
 * Nothing here logs, counts or writes ai_log: parser_run says what happened
 * (struct parser_trace) and the caller does those.
 */
#ifndef RB_DOMAIN_PARSER_H
#define RB_DOMAIN_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context/app.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "egress/gemini.h"
#include "nlu/catalog.h"

struct intents;
struct http_client;

/* ---- Gemini's prompt and catalog, per snapshot ------------------------------ */

struct parser_gemini; /* opaque, immutable once loaded, shared by threads */

/*
 * Loads home/prompts/gemini (gemini_prompt_load), builds the catalog from
 * it and set (borrowed: free the result before set), and checks that every
 * few-shot answer passes Gemini's own validation against that catalog
 * (gemini_prompt_check: an example that fails would teach the model answers
 * that are then thrown away). Every problem is appended to err as
 * "file:line: message". RB_EPARSE, RB_ENOTFOUND (a missing file),
 * RB_ENOMEM; *out is set only on success.
 */
RB_MUST_CHECK int parser_gemini_load(const char *home, const struct intents *set,
                                     struct parser_gemini **out, struct buf *err);
/* Accepts NULL. */
void parser_gemini_free(struct parser_gemini *g);
/* 16 hex digits identifying prompts/gemini's three files (ai_log.prompt_version).
 * Borrowed, valid until parser_gemini_free. */
const char *parser_gemini_version(const struct parser_gemini *g);

/*
 * app_snapshot_load (config, prompts, intents) plus parser_gemini_load into
 * the snapshot: what `serve` loads at start-up and on SIGHUP and what
 * `rabta check` validates. A set with any problem is refused as a whole
 * (errors in err as file:line: message; prompts/gemini is read even when
 * the rest failed, so that its own errors are listed too).
 */
RB_MUST_CHECK int parser_snapshot_load(const char *home, struct snapshot **out, struct buf *err);

/* ---- one parse ------------------------------------------------------------------ */

enum parser_engine {
    PARSER_AUTO,   /* Gemini when a key is set and the rules are unsure */
    PARSER_RULES,  /* the rules alone */
    PARSER_GEMINI, /* always ask Gemini (falls back all the same) */
};

/* What a parse needs; everything borrowed for the call. */
struct parser {
    const struct config *cfg;           /* gemini.*, time zone, country code */
    const struct intents *rules;        /* NULL: every message is "unknown" */
    const struct parser_gemini *gemini; /* NULL: Gemini cannot be asked */
    const char *api_key;                /* GEMINI_API_KEY; NULL or "": rules alone */
    const char *base;                   /* GEMINI_API_BASE; NULL = the default */
    const char *model;                  /* GEMINI_MODEL; NULL = the default */
    struct http_client *http;           /* the calling thread's */
    enum parser_engine engine;
};

/* What one parse leaves for ai_log, the counters and the log line. */
struct parser_trace {
    bool asked;                 /* a Gemini call was made (info says how it went) */
    const char *prompt_version; /* borrowed from the parser's gemini when asked, else NULL */
    const char *model;          /* borrowed: the model asked (info.model_version if any) */
    struct gemini_info info;    /* the call's details; fallback "" when its answer was used */
    int64_t latency_ms;         /* the whole parse, rules and Gemini */
};

void parser_trace_init(struct parser_trace *t);
/* Frees what info holds and re-inits. Accepts NULL. */
void parser_trace_release(struct parser_trace *t);

/*
 * A staff message parsed before its event's transaction opened, so that no
 * transaction (and no row lock) is held while Gemini thinks: the worker
 * fills it, the staff handler takes pr and t instead of parsing again.
 */
struct preparsed {
    char *text; /* the message parsed */
    struct parse_result pr;
    struct parser_trace t;
    int rc;
    bool done; /* pr and t hold an answer not yet taken */
};

/*
 * Parses text (len bytes as received) read at local time now. Fills *out
 * (parse_result_init'ed by the caller; released first) with the answer to
 * use: Gemini's (engine "gemini") or the rules' (engine "rules", with
 * out->fallback set to a short reason when Gemini was meant to be asked and
 * its answer is not used: "timeout", "http_503", "bad_json",
 * "not_in_catalog", "bad_slot", ... of gemini_parse, or "no_key" for
 * PARSER_GEMINI without a key or prompt). Text that is not UTF-8, or too
 * long for the rules, is "unknown". Fills *t (initialised by the caller;
 * released first). Returns RB_OK, or RB_ENOMEM. Thread-safe; sleeps in the
 * calling thread while Gemini answers (at most gemini.timeout_ms).
 */
RB_MUST_CHECK int parser_run(const struct parser *p, const char *text, size_t len,
                             struct rb_datetime now, struct parse_result *out,
                             struct parser_trace *t);

#endif
