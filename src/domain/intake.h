/*
 * intake.h - intake: how a lead is born and welcomed.
 *
 * domain/intake.c implements the worker hooks of worker.h for clients
 * (domain_client_message), Lead Ads (domain_leadgen, the fetch_lead job) and
 * the invoicing push job, and offers the steps below to the staff commands
 * (a walk-in) and the tick (reassignment after an escalation).
 *
 * Everything runs inside the caller's transaction (struct wctx).
 */
#ifndef RB_DOMAIN_INTAKE_H
#define RB_DOMAIN_INTAKE_H

#include <stdint.h>

#include "domain/handlers/handlers.h"

/* Job kinds the domain queues (jobs.kind). */
#define JOB_FETCH_LEAD "fetch_lead"
#define JOB_INVOICING_PUSH "invoicing_push"

/*
 * The assignee for a new lead: the config rules first (big_event_guests ->
 * big_event_staff, meta_staff for source "meta", each when active and not
 * away), then round robin over the active, not-away salespeople in id order:
 * the n-th pick takes the (n mod count)-th, n from the sequence rr_seq
 * (store_staff_round_robin), so concurrent leads neither wait on a lock nor
 * take the same turn. exclude (0 for none) is never picked. *staff_id is 0
 * when nobody is available.
 */
RB_MUST_CHECK int lead_pick_assignee(struct wctx *x, const char *source, int64_t guests,
                                     int64_t exclude, int64_t *staff_id);

/*
 * Welcomes the new lead l (locked by the caller): assigns it when it has no
 * assignee (falling back to an owner when no salesperson is available),
 * greets the client once (free text with the greeting template as its
 * fallback, or the template alone when by_template, as for a Meta lead whose
 * client never wrote; in free text a returning client, returning_of set, is
 * welcomed back: prompts/ [greeting_returning]), records greeted_at and greeting_latency_ms
 * measured from inbound event arrival_event (0: the lead's creation), and tells the assignee unless
 * the assignee is quiet_staff (who made the lead). l is reloaded.
 */
RB_MUST_CHECK int lead_welcome(struct wctx *x, struct lead_row *l, bool by_template,
                               int64_t arrival_event, int64_t quiet_staff);

/* The contact for an E.164 phone, made when new (profile_name may be NULL). */
RB_MUST_CHECK int contact_for_phone(struct wctx *x, const char *phone, const char *profile_name,
                                    int64_t *contact_id);

/* A new lead's fields; strings borrowed, NULL when unknown. */
struct lead_new {
    int64_t contact_id; /* 0: none */
    const char *name;
    const char *phone;
    const char *source; /* whatsapp meta walk_in other */
    const char *campaign;
    const char *leadgen_id;
    const char *event_date; /* YYYY-MM-DD */
    int64_t guests;         /* 0: unknown */
    int64_t assigned;       /* 0: decided by lead_welcome */
    enum lang client_lang;
    bool contacted_now; /* the client just wrote: last_contact_at = now */
    bool contact_new;   /* contact_id was created in this transaction: no earlier lead */
};

/*
 * Inserts a lead. *id is its id, or 0 when the contact already has an open
 * lead or the leadgen id is known (nothing inserted). A contact whose last
 * lead is BOOKED or LOST gets returning_of set to that lead.
 */
RB_MUST_CHECK int lead_insert(struct wctx *x, const struct lead_new *n, int64_t *id);

/* The open lead of contact_id, 0 when none. */
RB_MUST_CHECK int lead_open_of_contact(struct wctx *x, int64_t contact_id, int64_t *id);

#endif
