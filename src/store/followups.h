/*
 * followups.h - the followups table: a reminder to a staff member about a
 * lead at a time, done when the lead is contacted or closed.
 *
 * All functions run in the caller's transaction and return an rb_err.
 */
#ifndef RB_STORE_FOLLOWUPS_H
#define RB_STORE_FOLLOWUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* A follow-up of lead_id for staff_id at due_s (Unix), with note (NULL: none). */
RB_MUST_CHECK int store_followup_add(struct dbconn *c, int64_t venue, int64_t lead_id,
                                     int64_t staff_id, int64_t due_s, const char *note);
/* When lead_id's next open follow-up is due (Unix seconds), 0 when none. */
RB_MUST_CHECK int store_followup_next_due(struct dbconn *c, int64_t lead_id, int64_t *due_s);
/* Every open follow-up of lead_id is done (the lead was booked or lost). */
RB_MUST_CHECK int store_followups_close(struct dbconn *c, int64_t lead_id);

/* One follow-up; note new or NULL (store_followups_free). */
struct store_followup {
    int64_t id;
    int64_t lead_id;
    int64_t staff_id; /* who is reminded: its setter, else the assignee; 0 when nobody */
    int64_t due_s;    /* Unix seconds */
    char *note;
};
/* The open follow-ups of venue due in [from_s, to_s) of staff_id (set by
 * them or on their leads; 0: everyone's), soonest first, limit from
 * offset: *rows new (store_followups_free). */
RB_MUST_CHECK int store_followups_page(struct dbconn *c, int64_t venue, int64_t staff_id,
                                       int64_t from_s, int64_t to_s, int limit, int offset,
                                       struct store_followup **rows, size_t *n);
void store_followups_free(struct store_followup *v, size_t n);

/* The open, not yet reminded follow-ups of venue due by now_s, soonest
 * first, at most max, locked FOR UPDATE SKIP LOCKED: *ids new (free()). */
RB_MUST_CHECK int store_followups_due(struct dbconn *c, int64_t venue, int64_t now_s, int max,
                                      int64_t **ids, size_t *n);
/* Follow-up id into *out (its note new: free(out->note)); *found false
 * when there is none (out untouched). */
RB_MUST_CHECK int store_followup_get(struct dbconn *c, int64_t id, struct store_followup *out,
                                     bool *found);
/* The follow-up's reminder went out. */
RB_MUST_CHECK int store_followup_reminded(struct dbconn *c, int64_t id);

#endif
