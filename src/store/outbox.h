/*
 * outbox.h - every send toward WhatsApp goes through this table: the row is
 * committed in the same transaction as the change that decided it, and a
 * sender worker posts it (domain/worker.c), retrying with backoff.
 */
#ifndef RB_STORE_OUTBOX_H
#define RB_STORE_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "store/db.h"

/* What to send; strings borrowed. */
struct outbox_msg {
    int64_t venue_id;
    int64_t contact_id;        /* recipient's contact row, 0 if unknown */
    const char *phone;         /* E.164, or NULL */
    const char *bsuid;         /* when no phone is known */
    int64_t lead_id;           /* the lead it is about, 0 if none */
    int64_t staff_id;          /* recipient when staff, 0 for a client */
    const char *kind;          /* "text" or "template" */
    const char *body;          /* text body (split into parts when over the limit) */
    const char *context_wamid; /* quote this message, optional */
    const char *template_name; /* kind template, or the fallback for text */
    const char *template_lang;
    const json_t *template_params; /* named values (app/templates.h), borrowed */
    bool automated;                /* held back for a client who opted out */
    const char *coalesce_key;      /* merge with a still-queued row of the same key */
    const char *purpose;           /* greeting, forward, reply, notice, reminder, ... */
};

/*
 * Queues m inside the caller's transaction. With a coalesce_key and a
 * pending row of that key that was never tried or was refused only by the
 * pair rate limit (131056: not delivered), the body is appended to it
 * instead (one message, so a quote-reply still names one lead). A new row
 * for a recipient held back by 131056 waits as long as the held row does,
 * so it does not meet the same limit at once. *id gets the row.
 */
RB_MUST_CHECK int store_outbox_add(struct dbconn *c, const struct outbox_msg *m, int64_t *id);

/*
 * A text over WhatsApp's limit (core/split.h) is queued as parts, each a row
 * about the same lead, each sent after the one before it (after_id); a
 * coalesce_key is then not used. *id is the first part.
 *
 * Rows held (state 'held') while the recipient's 24-hour window was closed
 * become due again, in their order, when the recipient writes: contact_id
 * or phone names them. *released is how many.
 */
RB_MUST_CHECK int store_outbox_release(struct dbconn *c, int64_t venue_id, int64_t contact_id,
                                       const char *phone, int *released);

#endif
