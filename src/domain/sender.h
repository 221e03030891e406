/*
 * sender.h - the outbox sender and delivery statuses (used by worker.c).
 */
#ifndef RB_DOMAIN_SENDER_H
#define RB_DOMAIN_SENDER_H

#include "domain/inbound.h"
#include "domain/ratelimit.h"
#include "domain/worker.h"

/*
 * Sends the most urgent due outbox row, if any: claims it and commits it as
 * 'sending' (a lease in next_attempt_at), posts it with no transaction
 * open, then records the outcome in a transaction of its own, retrying that
 * while the store is down (so a send that went out is not sent again).
 * RB_ENOTFOUND when none is due;
 * RB_ERATELIMIT, with *wait_ms until the next token, when the rate per
 * number is used up (nothing is claimed: the caller turns to other work).
 */
RB_MUST_CHECK int sender_run_one(struct wctx *x, struct ratelimit *rl, int *wait_ms);

/* Applies a delivery status inside x's transaction: monotonic state on the
 * message, and the template fallback once for a failed 131047. */
RB_MUST_CHECK int sender_apply_status(struct wctx *x, const struct wa_status *s);

#endif
