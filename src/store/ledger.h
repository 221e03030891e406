/*
 * ledger.h - money: the append-only ledger of receipts (payment_entries),
 * the milestone plan of a booked lead (payment_plan), and what is due and
 * overdue computed from the two (the view payment_milestones of
 * sql/009_ledger.sql; venue-wide reads use its copy payment_balances, kept
 * exact by triggers, sql/019_report_totals.sql).
 *
 * Nothing here updates or deletes an entry (the table refuses it); a
 * mistake is taken back by ledger_reverse. All functions run in the
 * caller's transaction (or alone, autocommitted) and return an rb_err.
 *
 * For other features:
 *   - figures (reports): ledger_venue_totals, money received in a period
 *     and what is due / overdue on a day;
 *   - reminders: ledger_due_between lists every milestone with money
 *     outstanding and its due date in a range (lead, assignee, amount);
 *     re-plan when the plan changes (ledger_plan_*) or an entry lands.
 */
#ifndef RB_STORE_LEDGER_H
#define RB_STORE_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define LEDGER_MILESTONES 3 /* advance, mid, final, in this order */

extern const char *const ledger_milestone_names[LEDGER_MILESTONES + 1];

/* A receipt or a reversal to append; strings borrowed, NULL = none. */
struct ledger_new {
    int64_t venue_id, lead_id;
    const char *milestone;   /* advance, mid, final or NULL */
    int64_t amount;          /* rupees: > 0 for a receipt */
    const char *method;      /* cash, bank, cheque, online, card or NULL */
    const char *received_at; /* timestamptz text, NULL = now */
    int64_t recorded_by;     /* staff id, 0 = nobody (invoicing) */
    const char *source;      /* "chat" or "invoicing" */
    const char *external_id; /* the source's id: one entry per (source, id) */
    const char *note;
};

/*
 * Appends n. *id gets the entry; *added is false when an entry with the
 * same source and external_id was already there (*id is then that one).
 * RB_EINVAL for an amount that is not positive or an unknown milestone.
 */
RB_MUST_CHECK int ledger_append(struct dbconn *c, const struct ledger_new *n, int64_t *id,
                                bool *added);

struct ledger_entry {
    int64_t id, lead_id, amount, reverses, reversed_by; /* 0 when none */
    char milestone[8];                                  /* "" when none */
    char source[12];
};

/* Entry id of venue into out. RB_ENOTFOUND. */
RB_MUST_CHECK int ledger_entry_get(struct dbconn *c, int64_t venue, int64_t id,
                                   struct ledger_entry *out);
/* The newest receipt of lead not reversed yet (0 when none) into *id. */
RB_MUST_CHECK int ledger_last_receipt(struct dbconn *c, int64_t venue, int64_t lead, int64_t *id);
/*
 * Takes back entry `entry` of lead with a reversing entry (its amount
 * negated) by staff with reason (required). *id gets the reversal.
 * RB_ENOTFOUND (no such receipt of the lead), RB_ECONFLICT (already
 * reversed, or itself a reversal), RB_EINVAL (no reason).
 */
RB_MUST_CHECK int ledger_reverse(struct dbconn *c, int64_t venue, int64_t lead, int64_t entry,
                                 int64_t staff, const char *reason, int64_t *id);

/* One milestone of a lead's plan and where it stands. */
struct ledger_ms {
    bool planned;     /* a plan row exists */
    int64_t amount;   /* planned */
    int64_t received; /* net receipts for this milestone */
    int64_t outstanding;
    char due_date[11]; /* YYYY-MM-DD, "" when unplanned */
};

struct ledger_status {
    struct ledger_ms ms[LEDGER_MILESTONES];
    int64_t received;    /* all net receipts of the lead */
    int64_t planned;     /* sum of the plan */
    int64_t outstanding; /* sum over the plan */
};

/* Where lead stands. */
RB_MUST_CHECK int ledger_status(struct dbconn *c, int64_t venue, int64_t lead,
                                struct ledger_status *out);

/* The shares and dates of a new plan ([payments] of rabta.conf). */
struct ledger_plan_conf {
    int advance_pct, advance_days; /* days after booking */
    int mid_pct, mid_days;         /* days before the event */
    int final_days;                /* the rest, days before the event */
};

/*
 * The shares of agreed over the milestones (advance, mid, final): fixed[k]
 * >= 0 keeps milestone k at that amount; the others (-1) share what is
 * left (never below 0) by their percentages in pc (final: the rest of 100),
 * rounded, the last of them taking the remainder so out adds up to the
 * rupee. Pure.
 */
void ledger_plan_shares(int64_t agreed, const struct ledger_plan_conf *pc,
                        const int64_t fixed[LEDGER_MILESTONES], int64_t out[LEDGER_MILESTONES]);

/*
 * Makes lead's plan from its agreed amount (> 0), booked on booked_date and
 * held on event_date (YYYY-MM-DD; "" = unknown: every milestone then due on
 * the booking day). A milestone already planned is kept. A due date before
 * the booking day becomes the booking day.
 */
RB_MUST_CHECK int ledger_plan_make(struct dbconn *c, int64_t venue, int64_t lead, int64_t agreed,
                                   const char *booked_date, const char *event_date,
                                   const struct ledger_plan_conf *pc, int64_t staff);

/* A lead's plan as it stands (sql/016_plan_redo.sql). */
struct ledger_plan {
    bool planned[LEDGER_MILESTONES];
    int64_t amount[LEDGER_MILESTONES];
    bool amount_set[LEDGER_MILESTONES]; /* set by chat: kept when the amount changes */
    bool due_set[LEDGER_MILESTONES];    /* set by chat: kept when the event moves */
    int64_t agreed;                     /* the amount the shares were made from, 0 = unknown */
    int64_t revision;                   /* moved by every change of the plan */
    char event_date[11];                /* the event date the dates were made from, "" */
    char booked_on[11];                 /* the booking day, "" when unknown */
};

/* lead's plan into out (nothing planned: all false, 0). */
RB_MUST_CHECK int ledger_plan_get(struct dbconn *c, int64_t lead, struct ledger_plan *out);
/* Sets the amounts of lead's planned milestones (amount[k] < 0 = keep),
 * leaving amount_set as it is, and notes agreed as the amount the shares
 * come from. *changed counts the milestones whose amount moved. */
RB_MUST_CHECK int ledger_plan_amounts(struct dbconn *c, int64_t venue, int64_t lead,
                                      const int64_t amount[LEDGER_MILESTONES], int64_t agreed,
                                      int64_t staff, int *changed);
/* Moves the due dates of lead's mid and final payments (those chat did not
 * date) to event_date (YYYY-MM-DD, "" = unknown: the booking day) less
 * their days in pc, never before the booking day, and notes event_date as
 * the one the dates come from. *changed counts the dates that moved. */
RB_MUST_CHECK int ledger_plan_dates(struct dbconn *c, int64_t lead, const char *event_date,
                                    const struct ledger_plan_conf *pc, int64_t staff, int *changed);
/* Sets one milestone: amount (< 0 = keep; a new row needs one; a given one
 * marks the milestone amount_set; a given date due_set) and due date (NULL = keep; a new row
 * without one is due today). */
RB_MUST_CHECK int ledger_plan_set(struct dbconn *c, int64_t venue, int64_t lead,
                                  const char *milestone, int64_t amount, const char *due_date,
                                  int64_t staff);

/* Whether lead has any milestone planned. */
RB_MUST_CHECK int ledger_plan_exists(struct dbconn *c, int64_t lead, bool *yes);
/* lead's plan as JSON text, [{"milestone", "amount", "due_date"}] in
 * milestone order ("[]" when none; *json is malloc'd), with its revision
 * (0 = none) and the agreed amount it comes from (else the plan's sum). */
RB_MUST_CHECK int ledger_plan_json(struct dbconn *c, int64_t lead, char **json, int64_t *revision,
                                   int64_t *agreed);

/* A milestone with money outstanding. */
struct ledger_due {
    int64_t lead_id, assignee; /* assignee 0 when unassigned */
    char milestone[8];
    char due_date[11];
    int64_t outstanding;
};

/*
 * Milestones of venue with money outstanding due in [from, to] (YYYY-MM-DD;
 * NULL = open end), of leads assigned to `assignee` (0 = all), oldest due
 * first: up to max rows after skipping offset. *rows is new (free()).
 */
RB_MUST_CHECK int ledger_due_between(struct dbconn *c, int64_t venue, const char *from,
                                     const char *to, int64_t assignee, int max, int offset,
                                     struct ledger_due **rows, size_t *n);

/* The owner's figures. */
struct ledger_totals {
    int64_t received; /* net entries received in [from, to) */
    int64_t due;      /* outstanding, due on or after today */
    int64_t overdue;  /* outstanding, due before today */
    int64_t overdue_leads;
};

/* Totals of venue: received between from and to (timestamptz text, NULL =
 * open), due and overdue as of today (YYYY-MM-DD). */
RB_MUST_CHECK int ledger_venue_totals(struct dbconn *c, int64_t venue, const char *from,
                                      const char *to, const char *today, struct ledger_totals *out);

#endif
