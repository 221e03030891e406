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

#endif
