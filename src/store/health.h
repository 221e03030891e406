/*
 * health.h - what /healthz and /metrics ask the store: that it answers,
 * and how much work waits in each queue.
 */
#ifndef RB_STORE_HEALTH_H
#define RB_STORE_HEALTH_H

#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* A trivial query: RB_OK when the server answers. */
RB_MUST_CHECK int store_ping(struct dbconn *c);

/* Rows waiting: inbound events pending, outbox pending or sending, jobs
 * pending (all venues). */
struct store_backlog {
    int64_t events, outbox, jobs;
};
RB_MUST_CHECK int store_backlog(struct dbconn *c, struct store_backlog *out);

/*
 * ANALYZE of the busy tables that changed by a fifth or more since their
 * last ANALYZE (at least 1,000 rows), so that the planner knows them while
 * they grow: autovacuum's first ANALYZE of a new install's tables comes a
 * minute or more into a flood, and until then every index looks alike (see
 * store/db.c, REPLAN_FIRST_MS). Outside a transaction; *analyzed tables.
 */
RB_MUST_CHECK int store_refresh_stats(struct dbconn *c, int *analyzed);

#endif
