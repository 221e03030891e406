/*
 * ai_log.h - one row per parse of a staff message: the answer used, and
 * when Gemini was asked its prompt version, model, raw output, tokens and
 * the fallback reason.
 */
#ifndef RB_STORE_AI_LOG_H
#define RB_STORE_AI_LOG_H

#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* A parse to log; strings borrowed, NULL for none. */
struct store_ai_log {
    int64_t venue, staff_id;
    const char *text, *engine, *prompt_version, *intent;
    const char *slots; /* JSON text */
    double confidence;
    int64_t latency_ms;
    const char *fallback, *model, *raw_output;
    int64_t tokens_in, tokens_out; /* -1: unknown */
};

RB_MUST_CHECK int store_ai_log_add(struct dbconn *c, const struct store_ai_log *a);

#endif
