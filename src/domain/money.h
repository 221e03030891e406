/*
 * money.h - the domain side of payments: the milestone plan a booked lead
 * gets, and the invoicing round trip.
 *
 * Jobs (jobs.kind), all "remote": the worker commits the claim with a lease
 * before calling them, so no transaction is open during their HTTP calls;
 * each records its outcome in a transaction of its own, and a job cut off
 * mid-call is claimed again when its lease runs out (the idempotency keys
 * make the repeat harmless):
 *   invoicing_push     the booking with its plan (key "lead-N-booking")
 *   invoicing_receipt  a receipt recorded in chat, or a reversal (POST
 *                      .../reversals), each with its own key
 *                      "rabta-entry-N"; a reversal waits until the receipt
 *                      it takes back is in invoicing
 *   invoicing_plan     the plan again after it changed while the booking
 *                      was in invoicing (key "lead-N-plan-R", R the plan's
 *                      revision; invoicing keeps the highest)
 *   invoicing_poll     open bookings read back (GET /v1/bookings/{id}),
 *                      the fallback when a webhook is lost; it queues
 *                      its own next run every [payments]
 *                      invoicing_poll_seconds.
 * A payment invoicing reports (webhook event or poll) becomes one ledger
 * entry, keyed by invoicing's payment id; one Rabta pushed (its reference
 * "rabta-entry-N") is already in the ledger and is not added again.
 */
#ifndef RB_DOMAIN_MONEY_H
#define RB_DOMAIN_MONEY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/handlers/handlers.h"

#define JOB_INVOICING_RECEIPT "invoicing_receipt"
#define JOB_INVOICING_POLL "invoicing_poll"
#define JOB_INVOICING_PLAN "invoicing_plan"

/*
 * Keeps the booked lead l's plan in step with its agreed amount (known):
 * with no plan it gets one from [payments] (booked today, l's event date);
 * when the plan was made from another amount, the milestones not set in
 * chat share the new one again (*redone when an amount moved; receipts
 * stay). Either change queues the plan's push when the booking is in
 * invoicing.
 */
RB_MUST_CHECK int money_plan_sync(struct wctx *x, const struct lead_row *l, int64_t staff,
                                  bool *redone);
/* money_plan_sync without asking what it did. */
RB_MUST_CHECK int money_plan_ensure(struct wctx *x, const struct lead_row *l, int64_t staff);
/* Sets one milestone of lead's plan in chat (ledger_plan_set) and queues
 * the plan's push. */
RB_MUST_CHECK int money_plan_set(struct wctx *x, int64_t lead, const char *milestone,
                                 int64_t amount, const char *due_date, int64_t staff);
/* Replies to h with l's plan under the prompt head, then its one line
 * (handlers/payments.c). */
RB_MUST_CHECK int money_plan_reply(struct hctx *h, const char *head);
/* On BOOKED: the plan, then the booking push job. */
RB_MUST_CHECK int money_on_booked(struct wctx *x, const struct lead_row *l);
/* A chat receipt or a reversal (entry) of lead was appended: queue its
 * push. */
RB_MUST_CHECK int money_receipt_queued(struct wctx *x, int64_t lead, int64_t entry);
/* l's money in one line in lang ("paid ..., next ..., overdue ...") appended
 * to out (handlers/payments.c). */
RB_MUST_CHECK int money_line(struct wctx *x, enum lang lang, const struct lead_row *l,
                             struct buf *out);
/* The same inside l's own status: under a label, without l's name again. */
RB_MUST_CHECK int money_status_line(struct wctx *x, enum lang lang, const struct lead_row *l,
                                    struct buf *out);

/* From the tick: queues the invoicing poll when open bookings have none
 * pending (after an upgrade, or a chain cut by failures). */
RB_MUST_CHECK int money_tick(struct wctx *x);

/* True for the job kinds above and JOB_INVOICING_PUSH. */
bool money_job_remote(const char *kind);
/* Runs one of them with NO transaction open on x->db. RB_ENOTFOUND for
 * another kind; an error retries the job with backoff. */
int money_job(struct wctx *x, const char *kind, const json_t *payload);
/* An inbound event of source invoicing, kind payment (in the event's
 * transaction). */
int money_invoicing_event(struct wctx *x, const json_t *payload);

#endif
