/*
 * relay.h - what a client's message is worth to the lead, and the line the
 * salesperson reads for it.
 *
 * A real message (text, a button, a list or Flow answer, media, a location,
 * contacts, an order, something WhatsApp cannot show) finds or opens the
 * lead. A reaction, a removed reaction, an edit or a deleted message only
 * joins a lead that already exists: it never opens one nor greets. A blank
 * text, a system notice (a changed number) and "chat opened" open nothing
 * and are forwarded to nobody.
 */
#ifndef RB_DOMAIN_RELAY_H
#define RB_DOMAIN_RELAY_H

#include "core/buf.h"
#include "domain/handlers/handlers.h"
#include "domain/inbound.h"

enum client_weight {
    CLIENT_REAL,   /* opens a lead when there is none */
    CLIENT_JOINS,  /* goes to an existing lead, opens none */
    CLIENT_NOTHING /* stored, no lead, no forward */
};

enum client_weight client_message_weight(const struct wa_message *m);

/* True for NULL, "" and text of white space only (any Unicode space). */
bool text_blank(const char *s);

/*
 * The forward of m for lead l in lang ("*#17* Ali: ...") appended to out.
 * RB_ENOTFOUND when m carries nothing to read (send nothing).
 */
RB_MUST_CHECK int relay_line(struct wctx *x, enum lang lang, const struct lead_row *l,
                             const struct wa_message *m, struct buf *out);

#endif
