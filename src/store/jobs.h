/*
 * jobs.h - the jobs table: work the domain queues for later (a Lead Ads
 * fetch, an invoicing push), claimed by the workers (domain/worker.c), and
 * the LISTEN channels that wake them.
 */
#ifndef RB_STORE_JOBS_H
#define RB_STORE_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Queues a job inside the caller's transaction (venue_id 0: none; run_at_s
 * 0: now; dedupe_key NULL or a key already queued: nothing) and notifies. */
RB_MUST_CHECK int store_job_add(struct dbconn *c, int64_t venue_id, const char *kind,
                                const char *payload_json, int64_t run_at_s, const char *dedupe_key);

/* A claimed job; strings owned (job_claim_release). */
struct job_claim {
    int64_t id, venue_id;
    char *kind, *payload;
    int attempts;
};
void job_claim_release(struct job_claim *j);

/*
 * Claims the oldest due job and leases it in one statement that commits on
 * its own (no transaction open): its HTTP call runs with none, and a
 * process that dies meanwhile leaves it due again when the lease ends.
 * RB_ENOTFOUND when none is due.
 */
RB_MUST_CHECK int store_job_claim(struct dbconn *c, struct job_claim *out);
RB_MUST_CHECK int store_job_done(struct dbconn *c, int64_t id);
/* Failed for good, with the reason. */
RB_MUST_CHECK int store_job_failed(struct dbconn *c, int64_t id, const char *error);
/* attempts + 1, due again after delay_ms; failed after 12 attempts. */
RB_MUST_CHECK int store_job_retry(struct dbconn *c, int64_t id, int64_t delay_ms,
                                  const char *error);

/* Inside the caller's transaction: whether this one runs the tick (one at a
 * time across all processes: a transaction-level advisory lock). */
RB_MUST_CHECK int store_tick_lock(struct dbconn *c, bool *got);

/* LISTENs on rabta_events, rabta_outbox and rabta_jobs. */
RB_MUST_CHECK int store_listen_work(struct dbconn *c);

#endif
