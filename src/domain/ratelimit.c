#include "domain/ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/clock.h"

struct ratelimit {
    pthread_mutex_t mu;
    double tokens, rate;
    int64_t last_ms;
};

int ratelimit_new(int per_second, struct ratelimit **out)
{
    struct ratelimit *r = calloc(1, sizeof(*r));

    if (!r) {
        return RB_ENOMEM;
    }
    pthread_mutex_init(&r->mu, NULL);
    r->rate = per_second > 0 ? per_second : 80;
    r->tokens = r->rate;
    r->last_ms = clock_mono_ms();
    *out = r;
    return RB_OK;
}

void ratelimit_free(struct ratelimit *r)
{
    if (r) {
        pthread_mutex_destroy(&r->mu);
        free(r);
    }
}

/* Adds the tokens earned since the last look; r->mu held. */
static void refill(struct ratelimit *r, int64_t now)
{
    r->tokens += (double)(now - r->last_ms) * r->rate / 1000.0;
    if (r->tokens > r->rate) {
        r->tokens = r->rate;
    }
    r->last_ms = now;
}

void ratelimit_set_rate(struct ratelimit *r, int per_second)
{
    pthread_mutex_lock(&r->mu);
    if (per_second > 0 && (double)per_second != r->rate) {
        refill(r, clock_mono_ms());
        r->rate = per_second;
        if (r->tokens > r->rate) {
            r->tokens = r->rate;
        }
    }
    pthread_mutex_unlock(&r->mu);
}

int ratelimit_try(struct ratelimit *r)
{
    int wait_ms = 0;

    pthread_mutex_lock(&r->mu);
    refill(r, clock_mono_ms());
    if (r->tokens >= 1.0) {
        r->tokens -= 1.0;
    } else {
        wait_ms = (int)((1.0 - r->tokens) * 1000.0 / r->rate) + 1;
    }
    pthread_mutex_unlock(&r->mu);
    return wait_ms;
}

void ratelimit_give_back(struct ratelimit *r)
{
    pthread_mutex_lock(&r->mu);
    r->tokens += 1.0;
    if (r->tokens > r->rate) {
        r->tokens = r->rate;
    }
    pthread_mutex_unlock(&r->mu);
}
