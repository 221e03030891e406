/*
 * calendar.h - calendar_holds: the date, hall and slot a lead holds,
 * tentative while it is being sold, confirmed once BOOKED. One hold per
 * lead; a hold without a slot takes the whole day.
 *
 * All functions run in the caller's transaction and return an rb_err.
 */
#ifndef RB_STORE_CALENDAR_H
#define RB_STORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* lead_id holds date (YYYY-MM-DD), hall and slot (NULL: not chosen),
 * confirmed or tentative; it replaces the lead's hold. */
RB_MUST_CHECK int store_hold_set(struct dbconn *c, int64_t venue, int64_t lead_id, const char *date,
                                 const char *hall, const char *slot, bool confirmed);
/* lead_id holds nothing. */
RB_MUST_CHECK int store_hold_clear(struct dbconn *c, int64_t lead_id);

/* One hold as the availability check reads it; strings new or NULL. */
struct store_hold {
    char date[11]; /* YYYY-MM-DD */
    char *hall;    /* NULL: not chosen */
    char *slot;    /* NULL: the whole day */
    bool confirmed;
    int64_t lead_id;
};
/* The holds of venue's leads that are not LOST dated from..to (YYYY-MM-DD,
 * inclusive), by date and lead, at most max: *rows new (store_holds_free). */
RB_MUST_CHECK int store_holds_between(struct dbconn *c, int64_t venue, const char *from,
                                      const char *to, int max, struct store_hold **rows, size_t *n);
void store_holds_free(struct store_hold *v, size_t n);

/* A lead other than lead_id with a confirmed hold on date in hall (any
 * case) whose slot meets slot (NULL, or a whole day or full_day, meets
 * every slot); 0 when none. */
RB_MUST_CHECK int store_hold_taken(struct dbconn *c, int64_t venue, const char *date,
                                   int64_t lead_id, const char *hall, const char *slot,
                                   int64_t *other);

#endif
