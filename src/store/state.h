/*
 * state.h - app_state: small named values the processes share (the last
 * scheduler tick, a week's digest sent, ...). Keys are plain words.
 */
#ifndef RB_STORE_STATE_H
#define RB_STORE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Sets key to value (insert or overwrite), stamping updated_at. */
RB_MUST_CHECK int store_state_set(struct dbconn *c, const char *key, const char *value);

/* Records that the scheduler tick ran now (key "last_tick", value the Unix
 * time in seconds), inside the tick's transaction: tests and operators wait
 * on it instead of on a guess of when the tick comes. */
RB_MUST_CHECK int store_state_tick(struct dbconn *c, int64_t now_s);

/* Sets key to the time now_s (Unix seconds) unless key is set already;
 * *claimed is true when this call set it (a once-only claim, such as a
 * week's digest, inside the caller's transaction). */
RB_MUST_CHECK int store_state_claim(struct dbconn *c, const char *key, int64_t now_s,
                                    bool *claimed);

#endif
