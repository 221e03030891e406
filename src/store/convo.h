/*
 * convo.h - conversation_state: per staff member, the lead "this" means and
 * the pending question, choice or list page (JSON text) with its expiry.
 * The lead is appended (convo_current, sql/021): writing it takes no row
 * lock that another transaction would wait for.
 *
 * All functions run in the caller's transaction and return an rb_err.
 */
#ifndef RB_STORE_CONVO_H
#define RB_STORE_CONVO_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* staff_id's state: *current the lead (0 when none), *pending the pending
 * JSON text when it expires after now_s (new, free(); NULL otherwise).
 * Both 0/NULL when the member has no state row. */
RB_MUST_CHECK int store_convo_get(struct dbconn *c, int64_t venue, int64_t staff_id, int64_t now_s,
                                  int64_t *current, char **pending);
/* staff_id is on lead_id from now. */
RB_MUST_CHECK int store_convo_set_current(struct dbconn *c, int64_t venue, int64_t staff_id,
                                          int64_t lead_id);
/* staff_id (of venue_id) is on lead_id from now. */
struct convo_current {
    int64_t venue_id, staff_id, lead_id;
};
/* Each of v[0..n) in one statement (a batch's; staff members distinct). */
RB_MUST_CHECK int store_convo_set_current_many(struct dbconn *c, const struct convo_current *v,
                                               size_t n);
/* Deletes the venue's rows of convo_current that a newer one of the same
 * staff member replaced (the tick). */
RB_MUST_CHECK int store_convo_compact(struct dbconn *c, int64_t venue);
/* Stores pending (JSON text, NULL clears) expiring at expires_s (Unix). */
RB_MUST_CHECK int store_convo_set_pending(struct dbconn *c, int64_t venue, int64_t staff_id,
                                          const char *pending, int64_t expires_s);

#endif
