/*
 * lead_due.h - the leads the scheduler tick acts on, and the marks that
 * make it act once: silence to escalate or remind (escalated_at,
 * reminded_at), site visits to remind (visit_reminded_at), quotes to follow
 * up (quote_reminded_at).
 *
 * Every scan takes its rows FOR UPDATE SKIP LOCKED, oldest or soonest
 * first, at most max, so two ticks never take one lead. All functions run
 * in the caller's transaction and return an rb_err.
 */
#ifndef RB_STORE_LEAD_DUE_H
#define RB_STORE_LEAD_DUE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

enum store_due {
    DUE_ESCALATE, /* open, assigned, no contact since before, not escalated since */
    DUE_STALE,    /* open, assigned, no contact since before, not reminded since */
    DUE_VISIT,    /* SITE_VISIT with the visit in the day up to before, not reminded */
    DUE_QUOTE,    /* QUOTED since before, not reminded, no word from the client since */
};

/* Ids of venue's leads due for kind at threshold before (Unix seconds):
 * *ids new (free()), *n their count. */
RB_MUST_CHECK int store_leads_due(struct dbconn *c, int64_t venue, enum store_due kind,
                                  int64_t before, int max, int64_t **ids, size_t *n);
/* Marks lead_id done for kind (DUE_STALE, DUE_VISIT, DUE_QUOTE) now. */
RB_MUST_CHECK int store_lead_due_done(struct dbconn *c, int64_t lead_id, enum store_due kind);
/* Marks lead_id escalated (and reminded) now; it goes to to unless to is 0. */
RB_MUST_CHECK int store_lead_escalated(struct dbconn *c, int64_t lead_id, int64_t to);

#endif
