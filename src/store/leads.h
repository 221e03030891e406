/*
 * leads.h - the leads table as intake sees it: finding a contact's lead,
 * opening one, linking messages to it, filling facts the client gave,
 * assignment and the greeting's timestamp, and following a client who
 * changed number.
 *
 * All functions run in the caller's transaction and return an rb_err; an
 * id that is "0 when none" is not an error.
 */
#ifndef RB_STORE_LEADS_H
#define RB_STORE_LEADS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* The open lead (not BOOKED or LOST) of contact_id, 0 when none. */
RB_MUST_CHECK int store_lead_open_of_contact(struct dbconn *c, int64_t venue, int64_t contact_id,
                                             int64_t *id);
/* The contact's latest BOOKED lead whose event is on today (YYYY-MM-DD) or
 * later or not dated yet, 0 when none. */
RB_MUST_CHECK int store_lead_booked_of_contact(struct dbconn *c, int64_t venue, int64_t contact_id,
                                               const char *today, int64_t *id);
/* The contact's latest lead in any stage, 0 when none. */
RB_MUST_CHECK int store_lead_last_of_contact(struct dbconn *c, int64_t venue, int64_t contact_id,
                                             int64_t *id);

/* What a contact's latest lead says about a new message from them. */
struct store_returning {
    int64_t id;    /* the contact's latest lead, 0 when none */
    int64_t staff; /* its assignee when a salesperson still active and not away, else 0 */
    bool reopen;   /* it is LOST, marked so less than reopen_hours ago */
};

/* The contact's latest lead (any stage) as a returning client's message
 * sees it; reopen_hours 0: never reopen. */
RB_MUST_CHECK int store_lead_returning(struct dbconn *c, int64_t venue, int64_t contact_id,
                                       int reopen_hours, struct store_returning *r);

/* Reopens the LOST lead lead_id: back to the stage it was lost from
 * (CONTACTED when unknown), assigned to staff_id, a stage_history row with
 * no staff. *ok false when it was not LOST any more or the contact has an
 * open lead (another event's, just made). */
RB_MUST_CHECK int store_lead_reopen(struct dbconn *c, int64_t venue, int64_t lead_id,
                                    int64_t staff_id, bool *ok);

/* A lead to insert; strings borrowed, NULL when unknown, ids 0 for none. */
struct store_lead_new {
    int64_t contact_id;
    const char *name, *phone;
    const char *source; /* whatsapp meta walk_in other */
    const char *campaign, *leadgen_id;
    const char *event_date; /* YYYY-MM-DD */
    int64_t guests;
    int64_t returning_of; /* the contact's earlier lead */
    const char *client_lang;
    int64_t assigned;
    bool contacted_now; /* last_contact_at = now */
};

/* Inserts n; *id is 0 when a unique index said no (an open lead of the
 * contact, a known leadgen id). */
RB_MUST_CHECK int store_lead_insert(struct dbconn *c, int64_t venue, const struct store_lead_new *n,
                                    int64_t *id);

/* Fills what a Lead Ads form adds to an open lead where still unknown
 * (NULL or 0 for what the form did not say). */
RB_MUST_CHECK int store_lead_fill_form(struct dbconn *c, int64_t lead_id, const char *campaign,
                                       const char *date, int64_t guests, const char *name,
                                       const char *leadgen_id);

RB_MUST_CHECK int store_lead_assign(struct dbconn *c, int64_t venue, int64_t lead_id,
                                    int64_t staff_id);

/* Whether a lead of venue already has this Lead Ads leadgen id. */
RB_MUST_CHECK int store_lead_leadgen_known(struct dbconn *c, int64_t venue, const char *leadgen_id,
                                           bool *known);

/*
 * A client changed number: contact from now points at contact to, and its
 * current leads (open, or booked with the event on today or later) move to
 * to with the new phone, unless to has an open lead already. *ids (malloc'd,
 * free it) gets the moved leads, *n their count.
 */
RB_MUST_CHECK int store_leads_move_contact(struct dbconn *c, int64_t venue, int64_t from,
                                           int64_t to, const char *phone, const char *today,
                                           int64_t **ids, int *n);

#endif
