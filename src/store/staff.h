/*
 * staff.h - the venue's staff as intake and the CLI see them: who takes a
 * new lead (by name, by round robin, any owner); `rabta staff` adding,
 * listing and sending members away; the members rabta.conf seeds; and one
 * member, a name or a role as the command handlers look them up.
 *
 * All functions run in the caller's transaction (or alone) and return an
 * rb_err; an id that is "0 when none" is not an error.
 */
#ifndef RB_STORE_STAFF_H
#define RB_STORE_STAFF_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* The active, not-away sales or owner member called name (any case), other
 * than exclude; 0 when none or name is empty. */
RB_MUST_CHECK int store_staff_available_by_name(struct dbconn *c, int64_t venue, const char *name,
                                                int64_t exclude, int64_t *id);

/*
 * The next salesperson in turn among the active, not-away ones other than
 * exclude, 0 when none. Round robin without a lock: the n-th pick (rr_seq,
 * sql/012_scale.sql) takes the (n mod count)-th salesperson on duty. A
 * sequence is not transactional, so new leads in concurrent transactions
 * never wait on one another; a rolled-back pick only skips one turn.
 */
RB_MUST_CHECK int store_staff_round_robin(struct dbconn *c, int64_t venue, int64_t exclude,
                                          int64_t *id);

/* The active owner with the lowest id, 0 when none. */
RB_MUST_CHECK int store_staff_any_owner(struct dbconn *c, int64_t venue, int64_t *id);

/* Adds a member, or updates name, role and lang of the one with this phone
 * (made active again); *id gets it. RB_EINVAL for an unknown role or lang. */
RB_MUST_CHECK int store_staff_upsert(struct dbconn *c, int64_t venue, const char *name,
                                     const char *phone, const char *role, const char *lang,
                                     int64_t *id);

/* Adds a member from rabta.conf unless one with the phone is there (lang
 * NULL: ur). */
RB_MUST_CHECK int store_staff_seed(struct dbconn *c, int64_t venue, const char *name,
                                   const char *phone, const char *role, const char *lang);

/* One member as `rabta staff list` shows it; strings malloc'd ("" for none). */
struct store_staff {
    int64_t id;
    char *name, *phone, *role, *lang;
    bool active, away;
    int64_t contact_id; /* store_staff_get only: the member's contact row, 0 when none */
};
/* Every member of venue in id order: *out (store_staff_free) and *n. */
RB_MUST_CHECK int store_staff_list(struct dbconn *c, int64_t venue, struct store_staff **out,
                                   int *n);
void store_staff_free(struct store_staff *v, int n);

/* Sends every member called name (any case) away or back; *found false
 * when nobody has that name. */
RB_MUST_CHECK int store_staff_set_away(struct dbconn *c, int64_t venue, const char *name, bool away,
                                       bool *found);

/* Member id of venue into *out (its strings new: store_staff_release).
 * RB_ENOTFOUND when there is none. */
RB_MUST_CHECK int store_staff_get(struct dbconn *c, int64_t venue, int64_t id,
                                  struct store_staff *out);
/* Frees the strings of one member and zeroes it; NULL is fine. */
void store_staff_release(struct store_staff *s);

/* The active member whose full name or first name is name (any case): *id,
 * 0 when nobody; *ambiguous when several fit and none by the full name
 * (then *id is 0). */
RB_MUST_CHECK int store_staff_find_name(struct dbconn *c, int64_t venue, const char *name,
                                        int64_t *id, bool *ambiguous);

/* An active member's id and name (new). */
struct store_staff_name {
    int64_t id;
    char *name;
};
/* Every active member of venue in id order: *out new (store_staff_names_free). */
RB_MUST_CHECK int store_staff_active_names(struct dbconn *c, int64_t venue,
                                           struct store_staff_name **out, size_t *n);
void store_staff_names_free(struct store_staff_name *v, size_t n);

/* The active members of a role ("owner", "finance" ...) in id order: *ids new
 * (free()), *n their count. */
RB_MUST_CHECK int store_staff_ids_by_role(struct dbconn *c, int64_t venue, const char *role,
                                          int64_t **ids, size_t *n);

#endif
