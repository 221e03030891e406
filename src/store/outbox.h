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
    int64_t after_id; /* sent only once this row has gone (0: no order); no coalescing then */
    /* A greeting: lead_id's greeted_at and greeting_latency_ms (from the
     * arrival of event arrival_event, 0 none: from the lead's creation) are
     * written with the row, once. */
    bool greets;
    int64_t arrival_event;
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
 * become due again, in their order, when the recipient writes
 * (store_contact_inbound releases them); what is queued for the writer
 * after that goes with after_id = the last of them.
 */

/* ---- the sender (domain/sender.c) ---- */

/* A due row claimed for sending; strings owned (outbox_send_release). */
struct outbox_send {
    int64_t id, venue_id, contact_id, staff_id, lead_id;
    char *kind, *phone, *bsuid, *body, *context_wamid, *template_name, *template_lang;
    char *template_params; /* JSON text, or NULL */
    char *purpose;
    bool automated;
    int attempts;
    bool in_window; /* the recipient wrote within window_hours */
    bool opted_out; /* the recipient's contact opted out */
};
void outbox_send_release(struct outbox_send *w);

/*
 * Inside the caller's transaction: locks the most urgent due row ('pending',
 * or 'sending' whose lease ran out; priority, then due time; a part only
 * after the one before it has gone) FOR UPDATE SKIP LOCKED. RB_ENOTFOUND.
 */
RB_MUST_CHECK int store_outbox_claim_send(struct dbconn *c, int window_hours,
                                          struct outbox_send *out);
/* Marks the claimed row 'sending' for lease_ms (committed before the call). */
RB_MUST_CHECK int store_outbox_sending(struct dbconn *c, int64_t id, int64_t lease_ms);
/* The send went out as kind ("text"/"template"): 'sent', and, with a wamid,
 * the outgoing message logged (body as sent). */
RB_MUST_CHECK int store_outbox_sent(struct dbconn *c, int64_t id, const char *wamid,
                                    const char *kind, bool fell_back, const char *body);
/* Due again after delay_ms; attempts + count_attempt; code 0 leaves it NULL. */
RB_MUST_CHECK int store_outbox_retry(struct dbconn *c, int64_t id, int64_t delay_ms, int64_t code,
                                     int count_attempt, const char *title);
/* Every other pending row to phone waits at least delay_ms (pair rate limit). */
RB_MUST_CHECK int store_outbox_defer_pair(struct dbconn *c, const char *phone, int64_t delay_ms,
                                          int64_t except_id);
/* state "failed" or "cancelled"; code 0 leaves it NULL; unreachable marks
 * the recipient's contact (131026). */
RB_MUST_CHECK int store_outbox_failed(struct dbconn *c, int64_t id, int64_t code, const char *title,
                                      const char *state, bool fell_back, bool unreachable);
/* Queues row id's template (it has one) as a new row; *new_id 0 when none. */
RB_MUST_CHECK int store_outbox_fallback(struct dbconn *c, int64_t id, int64_t *new_id);
/*
 * The recipient's window is closed: row id and every other text waiting for
 * the same recipient (staff texts and replies, not the digest) become
 * 'held', one recipient at a time (an advisory lock). *recent: a 'waiting'
 * template went to them within the hour.
 */
RB_MUST_CHECK int store_outbox_hold(struct dbconn *c, int64_t venue_id, int64_t id,
                                    const char *phone, const char *bsuid, int *held, bool *recent);
/* How many rows are held for the recipient, and "#12 Name, #14" of their leads
 * (*labels a new string). */
RB_MUST_CHECK int store_outbox_held_leads(struct dbconn *c, int64_t venue_id, const char *phone,
                                          const char *bsuid, int64_t *count, char **labels);
/* A status for a row still 'sending' (biz_opaque_callback_data named it):
 * recorded as sent with its message logged; *recovered when it was. */
RB_MUST_CHECK int store_outbox_recover_sent(struct dbconn *c, int64_t venue_id, int64_t id,
                                            const char *wamid, bool *recovered);
/* The message's delivery state moves forward only (rank: sent 1 .. failed 4). */
RB_MUST_CHECK int store_message_status(struct dbconn *c, int64_t venue_id, const char *wamid,
                                       const char *status, int64_t at_s, int64_t code,
                                       const char *title, int rank);
/* A text accepted then refused as outside the window (131047): its row is
 * marked fell back and its template queued, once. *id the row, 0 when none. */
RB_MUST_CHECK int store_outbox_fell_back(struct dbconn *c, int64_t venue_id, const char *wamid,
                                         const char *title, int64_t *id);

#endif
