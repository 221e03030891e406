/*
 * timeline.h - what happened to a lead: stage_history (from, to, who,
 * note), lead_notes, audit_log, and the lead.history page that merges them
 * with the client's messages and the replies held for them.
 *
 * All functions run in the caller's transaction and return an rb_err.
 */
#ifndef RB_STORE_TIMELINE_H
#define RB_STORE_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* A stage_history row: lead_id went from (NULL: none) to to, moved by
 * staff_id (0: the system), with note (NULL: none). */
RB_MUST_CHECK int store_stage_history_add(struct dbconn *c, int64_t venue, int64_t lead_id,
                                          const char *from, const char *to, int64_t staff_id,
                                          const char *note);
/* A note of staff_id on lead_id. */
RB_MUST_CHECK int store_note_add(struct dbconn *c, int64_t venue, int64_t lead_id, int64_t staff_id,
                                 const char *body);
/* An audit_log row; staff_id and lead_id 0 for none, detail JSON text or NULL. */
RB_MUST_CHECK int store_audit_add(struct dbconn *c, int64_t venue, int64_t staff_id,
                                  const char *action, int64_t lead_id, const char *detail);

/*
 * One line of a lead's history. kind: "stage" (a from, b to, text the note),
 * "note" (text), an audited action "lead.assign" (a from, b to),
 * "payment.record" (a milestone, b amount), "payment.reverse" (a entry,
 * b reason), "nurture.step" (a, b), a client message "in" or "out" (a its
 * type, text its body), "waiting" (a reply held: a its kind, text its body).
 * Strings new or NULL.
 */
struct store_history_row {
    char *kind;
    int64_t at_s; /* Unix seconds */
    char *a, *b, *text;
    char *who; /* the staff member's name, NULL: the venue */
};
/* lead_id's history, newest first, limit from offset: *rows new
 * (store_history_free). */
RB_MUST_CHECK int store_lead_history(struct dbconn *c, int64_t lead_id, int limit, int offset,
                                     struct store_history_row **rows, size_t *n);
void store_history_free(struct store_history_row *v, size_t n);

#endif
