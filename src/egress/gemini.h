/*
 * gemini.h - Gemini generateContent as the second engine of the parser.
 *
 *   POST {GEMINI_API_BASE}/v1beta/models/{GEMINI_MODEL}:generateContent
 *   x-goog-api-key: <GEMINI_API_KEY>
 *
 * One staff message in, one struct parse_result (catalog.h) out -- or a
 * short fallback reason, and the caller keeps the rules engine's answer.
 *
 * The pieces, each usable alone:
 *   - gemini_prompt_load: prompts/gemini/system.txt (the rules, with
 *     {placeholders}) and prompts/gemini/examples.tsv (few-shot pairs);
 *   - a struct gemini_catalog: intent names with their slot names and the
 *     example pairs -- plain arrays, so this module does not depend on the
 *     rule engine (gemini_catalog_new in gemini_intents.c adapts a loaded
 *     intents set);
 *   - pure request shaping: the system text, the responseSchema generated
 *     from the catalog and catalog.h's slot table, the generationConfig for
 *     the model's family (reference/gemini-api.md §4.5, §4.6);
 *   - pure response handling (§6.3) and validation against the catalog (§11);
 *   - gemini_parse: the call, with at most one retry inside the time budget
 *     (§7.3).
 *
 * The message is data: it goes alone in the last user turn, never into the
 * system instruction, and the model's answer is checked like any input.
 * Nothing here logs; gemini_info carries what ai_log and the log line need.
 */
#ifndef RB_EGRESS_GEMINI_H
#define RB_EGRESS_GEMINI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "egress/http_client.h"
#include "nlu/catalog.h"

#define GEMINI_BASE_DEFAULT "https://generativelanguage.googleapis.com"
/* A current Flash-Lite (gemini-api.md §3.2): GA, minimal thinking. */
#define GEMINI_MODEL_DEFAULT "gemini-3.5-flash-lite"
#define GEMINI_TIMEOUT_MS_DEFAULT 4000
/* Longest message sent to Gemini, in code points; longer ones skip it. */
#define GEMINI_INPUT_MAX 2000
/* Ceiling on a response body. */
#define GEMINI_RESPONSE_MAX ((size_t)256 * 1024)
/* The longest RetryInfo.retryDelay we wait for before the one retry. */
#define GEMINI_RETRY_DELAY_MAX_MS 2000

/* ---- the catalog the prompt is built from (all borrowed) ----------------- */

struct gemini_intent {
    const char *name;         /* "lead.move" */
    const char *description;  /* one line for the prompt, or NULL */
    const char *const *slots; /* slot names of catalog.h that this intent takes */
    size_t nslots;
};

/* A few-shot pair: a staff message and the answer as compact JSON. */
struct gemini_example {
    const char *user;
    const char *model;
    const char *file; /* where it was read ("prompts/gemini/examples.tsv"), or NULL */
    int line;
};

struct gemini_catalog {
    const char *system_template; /* system.txt (gemini_prompt_system) */
    const struct gemini_intent *intents;
    size_t nintents; /* "unknown" is always allowed, listed or not */
    const struct gemini_example *examples;
    size_t nexamples;
    /* The schema's descriptions from schema.tsv (gemini_prompt_describe);
     * NULL: a schema without descriptions. */
    const struct gemini_prompt *prompt;
};

/* ---- prompt files ---------------------------------------------------------- */

struct gemini_prompt; /* opaque, immutable once loaded */

/*
 * Loads dir/system.txt, dir/examples.tsv and dir/schema.tsv into a new
 * prompt. schema.tsv has one "name<TAB>description" per line: a slot's name,
 * or ".intent", ".slots", ".confidence" for the top-level properties; its
 * descriptions go into the response schema, so they are prompt text like
 * the rest and count in the version. system.txt
 * is UTF-8 text with placeholders {intents} {today} {weekday} {time} {zone}
 * {country_code}; a '{' not followed by lower-case letters and '}' is
 * literal. examples.tsv has one "message<TAB>answer JSON" per line; '#'
 * lines and blank lines are skipped. On failure returns RB_EPARSE (or
 * RB_ENOTFOUND for a missing file, RB_ENOMEM) with every problem appended
 * to err as "file:line: message"; *out is untouched.
 */
RB_MUST_CHECK int gemini_prompt_load(const char *dir, struct gemini_prompt **out, struct buf *err);
void gemini_prompt_free(struct gemini_prompt *p);
/* Borrowed, valid until gemini_prompt_free. */
const char *gemini_prompt_system(const struct gemini_prompt *p);
/* 16 hex digits identifying the three files' contents (ai_log.prompt_version). */
const char *gemini_prompt_version(const struct gemini_prompt *p);
/* The description of a schema property from schema.tsv, or NULL. Borrowed. */
const char *gemini_prompt_describe(const struct gemini_prompt *p, const char *name);
const struct gemini_example *gemini_prompt_examples(const struct gemini_prompt *p, size_t *n);

/* ---- request (pure) -------------------------------------------------------- */

/* What a request needs to know about "now"; zone borrowed. */
struct gemini_ctx {
    struct rb_datetime now; /* local time of the message */
    const char *zone;       /* "Asia/Karachi" */
    int country_code;       /* 92 */
    enum lang lang_hint;    /* used when the model's "lang" is missing or odd */
};

/* Appends the system instruction: the template with its placeholders
 * filled. RB_EINVAL for an unknown placeholder; RB_ETOOBIG, RB_ENOMEM. */
RB_MUST_CHECK int gemini_build_system(const struct gemini_catalog *cat,
                                      const struct gemini_ctx *ctx, struct buf *out);

/*
 * The responseSchema (OpenAPI subset, upper-case types) as a NEW object:
 * intent is an enum of the catalog's names plus "unknown"; slots is an
 * OBJECT with one property per catalog.h slot (INTEGER for SLOT_INT,
 * otherwise STRING; enums for stage and the SLOT_ENUM slots); lang an enum;
 * confidence a NUMBER; the four top-level keys required, intent first.
 */
RB_MUST_CHECK int gemini_build_schema(const struct gemini_catalog *cat, json_t **out);

/* How a model family wants to be asked (§4.5, §4.6). */
struct gemini_family {
    const char *thinking_level; /* "MINIMAL", "LOW" or NULL */
    bool thinking_budget_zero;  /* thinkingBudget: 0 (2.5) */
    bool temperature_zero;      /* temperature: 0 (2.x); 3.x leaves it unset */
    int max_output_tokens;
};
/* The settings for model ("gemini-2.5-flash-lite", "gemini-3.5-flash-lite"...). */
struct gemini_family gemini_family_of(const char *model);

/*
 * The whole request body as a NEW object: systemInstruction, contents (the
 * catalog's examples as user/model pairs, then text as the last user turn),
 * generationConfig (application/json, the schema, the family settings;
 * thinkingConfig left out when with_thinking is false) and safetySettings.
 * text must be valid UTF-8 (control bytes other than \n and \t are
 * dropped). RB_EINVAL, RB_EPARSE (invalid UTF-8), RB_ENOMEM.
 */
RB_MUST_CHECK int gemini_build_request(const struct gemini_catalog *cat, const char *model,
                                       const struct gemini_ctx *ctx, const char *text, size_t len,
                                       bool with_thinking, json_t **out);

/* ---- response (pure) ------------------------------------------------------- */

/* What one call leaves for ai_log and the log line. */
struct gemini_info {
    char fallback[32];   /* why the answer was not used; "" when it was */
    char *raw_text;      /* new or NULL: the model's text as received */
    char *model_version; /* new or NULL: modelVersion */
    char *response_id;   /* new or NULL: responseId */
    char *finish_reason; /* new or NULL: candidates[0].finishReason */
    char *error_message; /* new or NULL: error.message of a non-200 */
    char *detail;        /* new or NULL: which check failed, for the log */
    int64_t prompt_tokens, output_tokens, thoughts_tokens, total_tokens;
    long http_status; /* of the last attempt; 0 when none arrived */
    int attempts;
    int64_t latency_ms; /* the whole call, retries and waits included */
};

void gemini_info_init(struct gemini_info *i);
/* Frees the strings and re-inits. Accepts NULL. */
void gemini_info_release(struct gemini_info *i);

/*
 * Reads a 200 body (§6.3) into info: ids, token counts, finishReason and
 * the text of the first candidate (non-thought parts concatenated) as
 * info->raw_text, as received. Returns NULL and sets *answer to a NEW string
 * (free() it) -- the text trimmed and with a Markdown fence stripped, ready
 * for gemini_validate -- or returns a static reason and leaves *answer
 * alone: "bad_response" (not JSON), "blocked" (promptFeedback.blockReason,
 * or a SAFETY/BLOCKLIST/PROHIBITED_CONTENT/SPII finish), "no_candidates",
 * "max_tokens", "finish_other" (any other finishReason, or none), "empty",
 * "no_memory".
 */
const char *gemini_read_response(const char *body, size_t len, struct gemini_info *info,
                                 char **answer);

/*
 * Checks the model's answer (§11) and fills *out (parse_result_init'ed by
 * the caller; released first) on success: intent, slots (only the non-empty
 * ones, canonical per slot_value_valid), lang, confidence clamped to [0,1]
 * (0.5 when absent), engine "gemini". message is the staff message sent:
 * name, staff, text and hall must appear in it (ASCII case and white space
 * aside). Returns NULL on success, or a static reason: "bad_json" (not a
 * JSON object with a string intent and an object of slots, or duplicate
 * keys), "not_in_catalog" (an intent not in cat), "bad_slot" (a slot unknown,
 * not taken by that intent, not canonical, or not in the message); one line
 * saying which is appended to detail (may be NULL). "no_memory" on RB_ENOMEM.
 */
const char *gemini_validate(const struct gemini_catalog *cat, const char *answer,
                            const char *message, enum lang lang_hint, struct parse_result *out,
                            struct buf *detail);

/*
 * RetryInfo.retryDelay of an error body ("21s", "1.5s") in milliseconds;
 * -1 when there is none.
 */
int64_t gemini_retry_delay_ms(const char *body, size_t len);

/* ---- the call -------------------------------------------------------------- */

struct gemini_conf {
    const char *base;    /* GEMINI_API_BASE; NULL = GEMINI_BASE_DEFAULT */
    const char *model;   /* GEMINI_MODEL; NULL = GEMINI_MODEL_DEFAULT */
    const char *api_key; /* GEMINI_API_KEY; never logged */
    int timeout_ms;      /* the whole budget, retries included; 0 = 4000 */
};

/*
 * Parses one staff message (text, len bytes of UTF-8) with Gemini. Fills
 * *out (parse_result_init'ed by the caller; touched only on success) and
 * info (released first; always filled) and returns RB_OK when the answer
 * passed validation. Otherwise info->fallback says why and the return is:
 *   RB_ETIMEOUT    "timeout" (the budget ran out);
 *   RB_ERATELIMIT  "http_429";
 *   RB_EUPSTREAM   "http_NNN", "connect_error", "transport_error", and the
 *                  reasons of gemini_read_response;
 *   RB_EPARSE      "bad_json", "not_in_catalog", "bad_slot";
 *   RB_ETOOBIG     "too_long" (over GEMINI_INPUT_MAX; not sent);
 *   RB_EINVAL      "empty_input", "bad_utf8", "config" (key, base or model
 *                  unusable; not sent);
 *   RB_ENOMEM      "no_memory".
 * Retries at most once, only on 408/429/500/502/503/504 and transport
 * errors, and only while the budget lasts: after RetryInfo.retryDelay when
 * it is at most GEMINI_RETRY_DELAY_MAX_MS (a longer one, or a per-day quota,
 * means no retry), otherwise after 300-800 ms. 400/402/403/404 are never
 * repeated as they were; a 400 that complains about thinking is retried
 * once without thinkingConfig (§4.6). Sleeps in the calling thread.
 */
RB_MUST_CHECK int gemini_parse(struct http_client *h, const struct gemini_conf *conf,
                               const struct gemini_catalog *cat, const struct gemini_ctx *ctx,
                               const char *text, size_t len, struct parse_result *out,
                               struct gemini_info *info);

/* ---- the adapter to the rule engine (gemini_intents.c) --------------------- */

struct intents;

/*
 * A NEW catalog with one entry per intent of set (name, description, slots)
 * and the prompt's system template and examples. It borrows from set and p:
 * free it (gemini_catalog_free) before either. RB_ENOMEM.
 */
RB_MUST_CHECK int gemini_catalog_new(const struct intents *set, const struct gemini_prompt *p,
                                     struct gemini_catalog **out);
/* Frees what gemini_catalog_new made. Accepts NULL. */
void gemini_catalog_free(struct gemini_catalog *c);

/*
 * The prompts/gemini part of `rabta check`: every example answer passes
 * gemini_validate against cat (so the few-shots teach only what the
 * catalog allows). Appends "prompts/gemini/examples.tsv:N: message" lines to
 * err; RB_OK when there are none, RB_EPARSE otherwise.
 */
RB_MUST_CHECK int gemini_prompt_check(const struct gemini_catalog *cat, struct buf *err);

#endif
