/*
 * reminders.h - reminders_sent (sql/013_reminders.sql): which time-driven
 * reminder went out, once per (lead, subject, kind, due).
 *
 * The tick computes what is due (payment reminders from the ledger,
 * nurture steps from the stage a lead entered) and claims each before it
 * queues the message, in the same transaction: a rolled-back tick claims
 * nothing, a second tick or a second server finds the claim and sends
 * nothing. Subjects: a milestone (advance, mid, final) or "seq:NAME".
 */
#ifndef RB_STORE_REMINDERS_H
#define RB_STORE_REMINDERS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Claims the reminder; *claimed is false when it was sent before. */
RB_MUST_CHECK int reminder_claim(struct dbconn *c, int64_t venue, int64_t lead, const char *subject,
                                 const char *kind, const char *due, bool *claimed);

/* Keeps text as the suggestion of a claimed reminder (a staff nudge). */
RB_MUST_CHECK int reminder_suggest(struct dbconn *c, int64_t lead, const char *subject,
                                   const char *kind, const char *due, const char *text);
/* The newest suggestion for the lead of the nudge sent as wamid (outbox
 * purpose "nudge") into *out (new, free(); NULL when there is none). */
RB_MUST_CHECK int reminder_nudge_text(struct dbconn *c, int64_t venue, const char *wamid,
                                      char **out);

/* *fresh: lead's plan row for milestone was set less than a day before
 * now_s (a milestone due on the day it was booked needs no reminder). */
RB_MUST_CHECK int reminder_plan_fresh(struct dbconn *c, int64_t lead, const char *milestone,
                                      int64_t now_s, bool *fresh);

/* A lead that entered stage at a time and has not left it: a nurture
 * sequence's candidate. */
struct nurture_lead {
    int64_t lead_id;
    int64_t entered_s;   /* Unix seconds the lead entered the stage */
    bool client_replied; /* the client wrote after entering it */
};

/*
 * Leads of venue now in stage (its name, e.g. "QUOTED") that entered it at
 * or after since_s (Unix seconds), whose lost reason (for LOST) contains
 * reason_like case-insensitively (NULL = any), oldest first, up to max.
 * *rows is new (free()).
 */
RB_MUST_CHECK int nurture_leads(struct dbconn *c, int64_t venue, const char *stage, int64_t since_s,
                                const char *reason_like, int max, struct nurture_lead **rows,
                                size_t *n);

#endif
