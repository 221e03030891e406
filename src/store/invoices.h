/*
 * invoices.h - the invoicing round trip's rows: which booked leads are in
 * invoicing (leads.invoice_booking_id) and when they were last read back,
 * and the chat receipts waiting to be pushed (invoicing_receipts).
 *
 * All functions run in the caller's transaction (or alone, autocommitted)
 * and return an rb_err.
 */
#ifndef RB_STORE_INVOICES_H
#define RB_STORE_INVOICES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* True when lead id of venue exists and has no booking in invoicing yet. */
RB_MUST_CHECK int store_inv_booking_pending(struct dbconn *c, int64_t venue, int64_t lead,
                                            bool *pending);
/* Notes the lead's booking id in invoicing (the first one stays). */
RB_MUST_CHECK int store_inv_booking_done(struct dbconn *c, int64_t lead, const char *booking_id);

/* The lead of venue with this invoicing booking id, 0 when none (or no id). */
RB_MUST_CHECK int store_inv_lead_by_booking(struct dbconn *c, int64_t venue, const char *booking,
                                            int64_t *id);
/* lead itself when it is a BOOKED lead of venue, 0 otherwise. */
RB_MUST_CHECK int store_inv_lead_booked(struct dbconn *c, int64_t venue, int64_t lead, int64_t *id);

/* Queues ledger entry entry (a receipt or a reversal) for a push (once). */
RB_MUST_CHECK int store_inv_receipt_add(struct dbconn *c, int64_t entry);

/* A queued receipt with its ledger entry and the lead's booking. */
struct store_inv_receipt {
    int64_t lead_id, amount;
    char milestone[8];    /* "" when none */
    char method[12];      /* "" when none */
    char received_at[32]; /* UTC, 2026-12-07T10:00:00Z; "" when none */
    char *booking_id;     /* malloc'd, NULL when the lead is not in invoicing yet */
    bool pushed;
    /* a reversal: the entry it takes back (0 for a receipt), with: */
    int64_t reverses;
    char *reason;             /* malloc'd */
    char reverses_source[12]; /* chat, invoicing, legacy */
    bool reverses_queued;     /* a chat entry queued for a push */
    char *reverses_id;        /* malloc'd: invoicing's payment id of it, NULL
                                 while not known */
};
void store_inv_receipt_release(struct store_inv_receipt *r);

/* The queued receipt of entry; RB_ENOTFOUND when not queued. */
RB_MUST_CHECK int store_inv_receipt_get(struct dbconn *c, int64_t entry,
                                        struct store_inv_receipt *out);
/* Notes that entry is pushed as invoicing payment payment_id (the first
 * id and time stay). */
RB_MUST_CHECK int store_inv_receipt_done(struct dbconn *c, int64_t entry, const char *payment_id);

/* Whether venue needs a poll queued: a booked lead in invoicing and no
 * pending poll job. */
RB_MUST_CHECK int store_inv_poll_needed(struct dbconn *c, int64_t venue, bool *needed);

/* A booked lead in invoicing whose payments are due a read-back. */
struct store_inv_due {
    int64_t lead_id;
    char *booking_id; /* malloc'd */
};
/* Up to limit leads of venue not read back for period_s seconds, least
 * recently polled first; *out (free with store_inv_due_free) and *n. */
RB_MUST_CHECK int store_inv_poll_due(struct dbconn *c, int64_t venue, int64_t period_s,
                                     int64_t limit, struct store_inv_due **out, int *n);
void store_inv_due_free(struct store_inv_due *v, int n);
/* The lead was read back now. */
RB_MUST_CHECK int store_inv_polled(struct dbconn *c, int64_t lead);

/* Notes that invoicing has lead's plan up to revision; *current gets the
 * plan's revision now (0 when the lead has no plan). Takes the plan's row
 * lock, so a plan change in flight is seen once it commits. */
RB_MUST_CHECK int store_inv_plan_pushed(struct dbconn *c, int64_t lead, int64_t revision,
                                        int64_t *current);
/* The plan's revision when lead is in invoicing and its plan changed since
 * invoicing was last told, else 0. */
RB_MUST_CHECK int store_inv_plan_pending(struct dbconn *c, int64_t lead, int64_t *revision);
/* lead's booking id in invoicing as a NEW string, NULL when none yet. */
RB_MUST_CHECK int store_inv_booking_of(struct dbconn *c, int64_t lead, char **booking);

#endif
