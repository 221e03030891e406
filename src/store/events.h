/*
 * events.h - inbound_events: the durable record of every webhook event.
 */
#ifndef RB_STORE_EVENTS_H
#define RB_STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"

/* One event to insert; all strings borrowed. */
struct event_row {
    const char *source; /* whatsapp, meta_leads, invoicing */
    const char *kind;   /* message, status, leadgen, error, payment */
    const char *dedupe_key;
    const char *phone_number_id; /* NULL: the default venue */
    const char *payload;         /* JSON text */
    /* A message's "from" (digits), NULL otherwise: sets its priority and,
     * kept in inbound_events.sender, the one-at-a-time order per client. */
    const char *sender;
    int inserted; /* out: 1 when new, 0 when a duplicate */
};

/*
 * Inserts rows in ONE statement (its own transaction when none is open) with
 * ON CONFLICT DO NOTHING (the caller then calls store_events_notify).
 * Events for a phone_number_id no venue serves are kept with state
 * 'ignored'. Sets rows[i].inserted. RB_ESTORE when the store is down.
 */
RB_MUST_CHECK int store_events_insert(struct dbconn *c, struct event_row *rows, size_t n,
                                      int64_t default_venue, size_t *inserted);

/* NOTIFY rabta_events with the number of new events, in its own
 * transaction (not the insert's: see events.c). Outside any transaction. */
RB_MUST_CHECK int store_events_notify(struct dbconn *c, size_t fresh);

/* A claimed event, for a worker. */
struct event_claim {
    int64_t id;
    int64_t venue_id;
    char kind[16];
    int attempts;
    int priority;  /* 0: a phone with no contact when it came (a new client) */
    char *payload; /* new string */
};

/*
 * Inside the caller's transaction: locks up to max due pending events (FOR
 * UPDATE SKIP LOCKED), new clients' messages first (priority), then the
 * oldest; a sender's message only when none of its earlier events is still
 * pending, so at most one per client and in order. out[0..*n) filled.
 * RB_ENOTFOUND when none is due.
 */
RB_MUST_CHECK int store_events_claim(struct dbconn *c, struct event_claim *out, size_t max,
                                     size_t *n);
/* Locks event id when it is still pending (and not locked). RB_ENOTFOUND. */
RB_MUST_CHECK int store_event_claim_id(struct dbconn *c, int64_t id, struct event_claim *out);
void event_claim_release(struct event_claim *e);
/* Marks them done in one statement (inside the same transaction as the work). */
RB_MUST_CHECK int store_events_done(struct dbconn *c, const int64_t *ids, size_t n);
/* In a fresh transaction after a failed attempt: attempts+1, next try after
 * delay_ms, last_error; state failed when give_up. */
RB_MUST_CHECK int store_event_retry(struct dbconn *c, int64_t id, int delay_ms, const char *error,
                                    int give_up);
/*
 * Inside the claiming transaction, before it commits: nobody claims the
 * event again for lease_ms (its next try moves on, attempts unchanged), so
 * the worker may think about it without a transaction open and take it back
 * with store_event_retake.
 */
RB_MUST_CHECK int store_event_lease(struct dbconn *c, int64_t id, int lease_ms);
/* Inside a new transaction: locks the leased event again. RB_ENOTFOUND when
 * it is no longer pending or another worker holds it (its lease ran out). */
RB_MUST_CHECK int store_event_retake(struct dbconn *c, int64_t id);

#endif
