/*
 * lead_rows.h - the leads table as the command handlers and the tick see
 * it: one lead with its assignee's name and its contact, finding a lead by
 * number, phone or name, the pages of leads.list, and the changes commands
 * make (assignee, stage, details, first contact). store/leads.h is intake's
 * side of the same table.
 *
 * All functions run in the caller's transaction and return an rb_err; an
 * id that is "0 when none" is not an error. A stage passed in is its name
 * as stored ("QUOTED").
 */
#ifndef RB_STORE_LEAD_ROWS_H
#define RB_STORE_LEAD_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/lang.h"
#include "store/db.h"

/* One lead as the domain reads it; the char * fields are new or NULL
 * (lead_row_release). */
struct lead_row {
    int64_t id;
    int64_t contact_id; /* 0: no WhatsApp contact */
    int64_t assigned;   /* staff id, 0 when unassigned */
    int64_t returning_of;
    int64_t guests;      /* 0 when unknown */
    int64_t amount;      /* rupees, -1 when unknown */
    int stage;           /* STAGE_* of nlu/catalog.h */
    char *name;          /* new or NULL */
    char *assignee;      /* new or NULL: the assignee's name */
    char *campaign;      /* new or NULL */
    char *hall;          /* new or NULL */
    char *bsuid;         /* new or NULL: the contact's business-scoped user id */
    char phone[20];      /* the lead's phone, else the contact's; "" when unknown */
    char source[12];     /* whatsapp meta walk_in other */
    char event_date[11]; /* YYYY-MM-DD, "" when unknown */
    char slot[12];       /* "" when unknown */
    int64_t visit_at;    /* Unix seconds, 0 when none */
    int64_t created_at;
    int64_t last_contact_at; /* 0 when never */
    bool greeted;            /* greeted_at is set */
    enum lang client_lang;   /* roman_ur when not known */
};

/* An empty lead (amount -1, client_lang roman_ur). */
void lead_row_init(struct lead_row *l);
/* Frees the strings of l and empties it; NULL is fine. */
void lead_row_release(struct lead_row *l);

/* Lead id of venue into *out (released first, filled only on success);
 * lock takes the row FOR UPDATE first. RB_ENOTFOUND when there is none,
 * RB_EINTERNAL for a stage the catalog does not know. */
RB_MUST_CHECK int store_lead_get(struct dbconn *c, int64_t venue, int64_t id, bool lock,
                                 struct lead_row *out);

/* Message message_id (0: none) belongs to lead_id, read into *out, in one
 * statement. touch: the lead's last contact is now, and the row is locked
 * (by that UPDATE); !touch is for a lead made in this transaction (its last
 * contact is now already, and no other transaction can see it to lock). */
/* A client's new lead (store_lead_insert's n), greeted as it is made (the
 * caller queues the greeting in this transaction; greeting_latency_ms from
 * event arrival_event's arrival), message_id linked to it, and the lead
 * read back, in one round trip; RB_ENOTFOUND when a unique index says no
 * (the contact has an open lead). */
struct store_lead_new;
RB_MUST_CHECK int store_lead_insert_get(struct dbconn *c, int64_t venue,
                                        const struct store_lead_new *n, int64_t message_id,
                                        int64_t arrival_event, struct lead_row *out);
RB_MUST_CHECK int store_lead_link_get(struct dbconn *c, int64_t venue, int64_t lead_id,
                                      int64_t message_id, bool touch, struct lead_row *out);

/* The lead of venue numbered digits (decimal text), 0 when none. */
RB_MUST_CHECK int store_lead_by_number(struct dbconn *c, int64_t venue, const char *digits,
                                       int64_t *id);
/* The lead whose phone, or whose contact's phone, is phone (E.164): open
 * leads first, then the newest; 0 when none. */
RB_MUST_CHECK int store_lead_by_phone(struct dbconn *c, int64_t venue, const char *phone,
                                      int64_t *id);

/* A named lead as the name resolver weighs it. */
struct store_lead_name {
    int64_t id;
    bool open;    /* not BOOKED or LOST */
    bool written; /* its name is the one written, whole or by its first word(s) */
    char *name;   /* new */
};
/* Every named lead of venue (open ones first, newest first), each marked
 * whether its name is name as written: *rows new (store_lead_names_free). */
RB_MUST_CHECK int store_lead_names(struct dbconn *c, int64_t venue, const char *name,
                                   struct store_lead_name **rows, size_t *n);
void store_lead_names_free(struct store_lead_name *v, size_t n);

/* What a page of leads.list shows. */
struct store_lead_filter {
    int64_t venue;
    int64_t staff_id;     /* 0: everyone's */
    const char *stage;    /* a stage name, or NULL for the open ones */
    bool every_stage;     /* with stage NULL: every stage, not only the open */
    bool stale;           /* only leads with no contact since stale_before */
    int64_t stale_before; /* Unix seconds */
};
/* Lead ids of f, newest first, limit from offset: *ids new (free()). */
RB_MUST_CHECK int store_leads_page(struct dbconn *c, const struct store_lead_filter *f, int limit,
                                   int offset, int64_t **ids, size_t *n);
/* How many of venue's leads (staff_id's, or everyone's when 0) are BOOKED
 * and LOST. */
RB_MUST_CHECK int store_leads_closed_counts(struct dbconn *c, int64_t venue, int64_t staff_id,
                                            int64_t *booked, int64_t *lost);

/* Another open lead of contact_id than lead_id, 0 when none. */
RB_MUST_CHECK int store_lead_other_open(struct dbconn *c, int64_t venue, int64_t contact_id,
                                        int64_t lead_id, int64_t *other);

/* The lead goes to staff_id; the silence reminders start over. */
RB_MUST_CHECK int store_lead_reassign(struct dbconn *c, int64_t lead_id, int64_t staff_id);
/* The lead's stage is stage from now (QUOTED starts the quote reminder over). */
RB_MUST_CHECK int store_lead_set_stage(struct dbconn *c, int64_t lead_id, const char *stage);
/* A staff member contacted the client: first_response_at (first time),
 * last_contact_at, and follow-ups already due are done. */
RB_MUST_CHECK int store_lead_contacted(struct dbconn *c, int64_t lead_id);

/* Details a command gives; NULL, -1 or 0 for what it did not give. */
struct store_lead_details {
    const char *event_date; /* YYYY-MM-DD */
    int64_t amount;         /* rupees, -1: not given */
    int64_t visit_at;       /* Unix seconds, 0: not given (a new visit is reminded anew) */
    const char *hall, *slot;
    int64_t guests; /* 0: not given */
};
/* Sets the details given, keeping the rest. */
RB_MUST_CHECK int store_lead_set_details(struct dbconn *c, int64_t lead_id,
                                         const struct store_lead_details *d);

#endif
