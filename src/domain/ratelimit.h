/*
 * ratelimit.h - a token bucket per process for one phone number id: the
 * sends per second WhatsApp allows (config rate_per_second).
 */
#ifndef RB_DOMAIN_RATELIMIT_H
#define RB_DOMAIN_RATELIMIT_H

#include "core/err.h"

struct ratelimit;

RB_MUST_CHECK int ratelimit_new(int per_second, struct ratelimit **out);
void ratelimit_free(struct ratelimit *r);
/* Changes the rate (a reload of the config); a no-op when it is the same. */
void ratelimit_set_rate(struct ratelimit *r, int per_second);
/* Takes a token and returns 0, or returns the milliseconds until one is due. */
int ratelimit_try(struct ratelimit *r);
/* Returns a token taken for a send that did not happen. */
void ratelimit_give_back(struct ratelimit *r);

#endif
