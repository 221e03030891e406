#include "store/ai_log.h"

#include <stdio.h>

static const char sql_add[] =
    "INSERT INTO ai_log (venue_id, staff_id, text, engine, prompt_version, intent, slots,"
    " confidence, latency_ms, fallback, model, raw_output, tokens_in, tokens_out)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14)";

/* Decimal text of v in buf, or NULL (SQL NULL) when v is negative. */
static const char *i64_or_null(int64_t v, char buf[24])
{
    return v < 0 ? NULL : db_i64s(v, buf);
}

int store_ai_log_add(struct dbconn *c, const struct store_ai_log *a)
{
    char v[24], s[24], conf[32], lat[24], tin[24], tout[24];
    const char *p[14] = {db_i64s(a->venue, v),
                         db_i64s(a->staff_id, s),
                         a->text,
                         a->engine,
                         a->prompt_version,
                         a->intent,
                         a->slots,
                         conf,
                         db_i64s(a->latency_ms, lat),
                         a->fallback,
                         a->model,
                         a->raw_output,
                         i64_or_null(a->tokens_in, tin),
                         i64_or_null(a->tokens_out, tout)};

    snprintf(conf, sizeof(conf), "%.3f", a->confidence);
    return db_exec(c, sql_add, 14, p, NULL);
}
