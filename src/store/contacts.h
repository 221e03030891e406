/*
 * contacts.h - WhatsApp users (clients and staff), known by phone, BSUID or
 * both; and the message log.
 */
#ifndef RB_STORE_CONTACTS_H
#define RB_STORE_CONTACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

/*
 * Finds the contact by phone (E.164) or bsuid, creating it when neither is
 * known, and links the two when the message carries both (never two
 * contacts for one person). Updates profile_name and last_inbound_at
 * (inbound_at Unix seconds; 0 = no inbound). *id gets the contact.
 */
RB_MUST_CHECK int store_contact_upsert(struct dbconn *c, int64_t venue, const char *phone,
                                       const char *bsuid, const char *profile_name,
                                       int64_t inbound_at, int64_t *id);

/* One inbound message row; strings borrowed. */
struct message_in {
    int64_t venue_id, contact_id, staff_id, event_id;
    const char *party; /* client or staff */
    const char *wamid, *type, *body, *media_id, *media_mime, *context_wamid;
    int64_t at_s;             /* WhatsApp's timestamp */
    const char *sender_wa_id; /* the sender as written when no contact fits, else NULL */
    bool open_lead;           /* linked to the contact's open lead, if any */
    /* What a client's message says of the event, written to that open lead
     * where it is still unknown (store_contact_inbound): "" or 0 for none. */
    const char *event_date; /* YYYY-MM-DD */
    int64_t guests;
};

/* What store_contact_inbound found and wrote. */
struct inbound_writer {
    int64_t contact_id;
    int64_t staff_id;   /* the active staff member writing, 0 for a client */
    int released;       /* rows held for the writer, released */
    int64_t last;       /* the last of them */
    bool created;       /* the contact is new (this transaction's) */
    int64_t message_id; /* 0 when the message was logged before (a replay) */
};

/*
 * The writer of an inbound message, and the message, in one round trip:
 * store_contact_upsert; the active staff member with this phone or contact
 * (the contact becomes theirs); the release of what was held for them while
 * their 24-hour window was closed (in order, each after the one before,
 * notified); and message m logged with the contact, staff member and party
 * found (m's contact_id, staff_id and party are not read; open_lead links a
 * client's message to their open lead). likely_new: the writer is probably
 * new (no contact had the phone when the message came), so the new contact
 * is tried first; a guess either way costs one more round trip.
 *
 * When m goes to a known client's open lead, that lead is touched in the
 * same statement (last contact now; m's event date and guests where still
 * unknown; the row locked) and read into *lead; lead->id is 0 when no open
 * lead took the message, and lead_read is true whenever that was tried (a
 * known contact: a new one has no lead).
 */
struct lead_row;
RB_MUST_CHECK int store_contact_inbound(struct dbconn *c, int64_t venue, const char *phone,
                                        const char *bsuid, const char *profile_name,
                                        int64_t inbound_at, const struct message_in *m,
                                        bool likely_new, struct inbound_writer *w,
                                        struct lead_row *lead, bool *lead_read);
/* The active staff member with this phone, read only; RB_ENOTFOUND if none. */
RB_MUST_CHECK int store_staff_by_phone(struct dbconn *c, int64_t venue, const char *phone,
                                       int64_t *staff_id);

/* Inserts it; RB_ECONFLICT when that wamid is already logged (a replay). */
RB_MUST_CHECK int store_message_in(struct dbconn *c, const struct message_in *m, int64_t *id);

/* A contact's phone, BSUID and WhatsApp profile name (malloc'd, NULL when
 * unknown); store_contact_release frees them. */
struct store_contact {
    char *phone, *bsuid, *profile_name;
};
void store_contact_release(struct store_contact *ct);

/* Contact id of venue into out; RB_ENOTFOUND. */
RB_MUST_CHECK int store_contact_get(struct dbconn *c, int64_t venue, int64_t id,
                                    struct store_contact *out);

/* The contact asked for no more automated messages (out true, an opt_outs
 * row) or for them again (out false, the row removed). */
RB_MUST_CHECK int store_contact_opt_out(struct dbconn *c, int64_t venue, int64_t contact_id,
                                        bool out);

#endif
