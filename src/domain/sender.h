/*
 * sender.h - the outbox sender and delivery statuses (used by worker.c).
 */
#ifndef RB_DOMAIN_SENDER_H
#define RB_DOMAIN_SENDER_H

#include "domain/inbound.h"
#include "domain/worker.h"

struct ratelimit;

/* A token bucket per process for one phone number id (rate per second). */
RB_MUST_CHECK int ratelimit_new(int per_second, struct ratelimit **out);
void ratelimit_free(struct ratelimit *r);
/* Waits until a send may go. */
void ratelimit_take(struct ratelimit *r);

/*
 * Sends the oldest due outbox row, if any, in its own transaction (opened
 * and committed here on x->db). RB_ENOTFOUND when none is due.
 */
RB_MUST_CHECK int sender_run_one(struct wctx *x, struct ratelimit *rl);

/* Applies a delivery status inside x's transaction: monotonic state on the
 * message, and the template fallback once for a failed 131047. */
RB_MUST_CHECK int sender_apply_status(struct wctx *x, const struct wa_status *s);

#endif
