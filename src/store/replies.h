/*
 * replies.h - what a staff member's message to a client needs to know:
 * which lead a quoted message was about, whether the client's 24-hour
 * window is open, and the staff message's link to the lead it was about.
 *
 * All functions run in the caller's transaction and return an rb_err.
 */
#ifndef RB_STORE_REPLIES_H
#define RB_STORE_REPLIES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* The lead of the message sent or received as wamid (0 when none or not
 * about a lead); *relay true when the bot sent it as a forward or notice
 * about that lead (so an answer to it goes to the lead's client). */
RB_MUST_CHECK int store_quoted_lead(struct dbconn *c, int64_t venue, const char *wamid,
                                    int64_t *lead, bool *relay);

/* Whether contact_id wrote within the last window_hours (*open; false for
 * an unknown contact), and whether replies to them wait in the outbox
 * (pending or held: *waiting). */
RB_MUST_CHECK int store_client_window(struct dbconn *c, int64_t venue, int64_t contact_id,
                                      int window_hours, bool *open, bool *waiting);

/* Message message_id, about no lead yet, is about lead_id. */
RB_MUST_CHECK int store_message_set_lead(struct dbconn *c, int64_t venue, int64_t message_id,
                                         int64_t lead_id);

#endif
