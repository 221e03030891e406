/*
 * reports.h - every figure of the owner's view, computed in SQL, once.
 *
 * Chat answers (report.query), the /report page, the weekly digest and
 * `rabta report` all read their numbers here; README.md "Report figures"
 * has the exact definitions. Dates are the venue's local dates: a period is
 * [from, to) of local days, turned into instants in q->tz by PostgreSQL.
 *
 * How to call it:
 *
 *     struct period p;                         // core/period.h
 *     period_parse("2026-01", today, &p);
 *     struct rep_query q = rep_query_make(venue_id, cfg->time_zone, &p, now_s,
 *                                         cfg->stale_reminder_hours);
 *     struct rep_table t;
 *     rep_table_init(&t);
 *     rc = rep_leads(db, &q, REP_BY_SOURCE, &t);   // t.rows[i].key, .leads ...
 *     ... t.total holds the sum over all rows
 *     rep_table_release(&t);
 *
 * A function fills only the fields its comment names in every row and in
 * total; the rest stay 0 (durations -1 when there is nothing to measure).
 * Tables may be filled by several functions in turn only through
 * rep_staff_table, which merges them by staff id. Rows come sorted: by the
 * figure, largest first, for source/campaign/staff; in stage order for
 * REP_BY_STAGE; by month for REP_BY_MONTH. Every function runs read-only
 * statements on c (inside or outside a transaction) and returns RB_OK,
 * RB_ESTORE or RB_ENOMEM; a table is left empty on failure.
 */
#ifndef RB_STORE_REPORTS_H
#define RB_STORE_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/period.h"
#include "store/db.h"

struct rep_query {
    int64_t venue_id;
    const char *tz;          /* the venue's time zone, "Asia/Karachi" (borrowed) */
    struct rb_date from, to; /* [from, to), local dates */
    int64_t now_s;           /* "now" for stale leads and overdue payments */
    int stale_hours;         /* [thresholds] stale_reminder_hours */
    int64_t staff_id;        /* > 0: only leads assigned to this staff member */
};

/*
 * Settings for the figures' statements, for the rest of the current
 * transaction (SET LOCAL; outside a transaction they do nothing): jit off
 * (the statements are short scans whose estimates pass jit_above_cost, and
 * compiling them cost more than running them: about 300 ms for the months,
 * seconds for due and overdue before 015) and work_mem 32MB (a year's
 * leads, about 45,000 at 100,000, sorted for the percentiles in memory).
 */
RB_MUST_CHECK int rep_tune(struct dbconn *c);

struct rep_query rep_query_make(int64_t venue_id, const char *tz, const struct period *p,
                                int64_t now_s, int stale_hours);

enum rep_by {
    REP_BY_NONE,     /* no rows: the figures are in the table's total */
    REP_BY_SOURCE,   /* whatsapp, meta, walk_in, other */
    REP_BY_CAMPAIGN, /* the lead's campaign, "" for none */
    REP_BY_STAFF,    /* the assignee: key is the name, id the staff id (0: unassigned) */
    REP_BY_STAGE,    /* the lead's current stage, NEW ... LOST */
    REP_BY_MONTH,    /* "YYYY-MM" local (of creation; of the booking for bookings) */
};

/* "source", "staff", "stage", "month", "campaign" (INTENTS.md group_by);
 * RB_EPARSE otherwise. NULL or "" is REP_BY_NONE. */
RB_MUST_CHECK int rep_by_parse(const char *word, enum rep_by *out);

struct rep_row {
    char key[96]; /* the group (see enum rep_by); "" for REP_BY_NONE and totals */
    int64_t id;   /* staff id for REP_BY_STAFF, else 0 */

    /* rep_leads: leads created in the period (assignee, source ... as now) */
    int64_t leads;      /* created in the period */
    int64_t contacted;  /* of them, with a first human reply (first_response_at) */
    int64_t booked;     /* of them, at BOOKED now: conversion = booked / leads */
    int64_t resp_n;     /* of them, with a response time */
    int64_t resp_avg_s; /* first-response time, seconds: average, -1 when resp_n = 0 */
    int64_t resp_p90_s; /*   and 90th percentile (continuous) */
    int64_t pipeline;   /* of them, sum of amounts (agreed or quoted), rupees */

    /* rep_bookings: moves to BOOKED in the period (a lead once per period) */
    int64_t bookings;
    int64_t revenue; /* sum of those leads' amounts, rupees */

    /* rep_stale: open leads (not BOOKED/LOST), assigned, with no contact for
     * stale_hours before now (COALESCE(last_contact_at, created_at)); now,
     * whatever the period */
    int64_t stale;

    /* rep_payments (the one function that reads payments) */
    int64_t received, received_n; /* paid in the period: rupees, count */
    int64_t due, due_n;           /* not paid, due today or later or with no date */
    int64_t overdue, overdue_n;   /* not paid, due date before today (now) */

    /* rep_followups_overdue: follow-ups not done, due before now */
    int64_t overdue_followups;
};

struct rep_table {
    struct rep_row *rows; /* new */
    size_t n, cap;
    struct rep_row total; /* sums; total's durations are over all leads, not a mean of rows */
};

void rep_table_init(struct rep_table *t);
void rep_table_release(struct rep_table *t);

/* Leads created in the period, grouped: leads, contacted, booked, resp_*,
 * pipeline. */
RB_MUST_CHECK int rep_leads(struct dbconn *c, const struct rep_query *q, enum rep_by by,
                            struct rep_table *out);
/* Bookings made in the period, grouped (REP_BY_MONTH: month of the
 * booking; REP_BY_STAGE: the booked leads' current stage): bookings, revenue. */
RB_MUST_CHECK int rep_bookings(struct dbconn *c, const struct rep_query *q, enum rep_by by,
                               struct rep_table *out);
/* Stale leads now, grouped (REP_BY_MONTH: month of creation): stale. */
RB_MUST_CHECK int rep_stale(struct dbconn *c, const struct rep_query *q, enum rep_by by,
                            struct rep_table *out);
/* Payments, grouped by the lead's source/campaign/assignee/stage (REP_BY_MONTH:
 * month paid for received, month due for due/overdue): received*, due*, overdue*.
 * The only reader of the payments table: repoint here for a ledger. */
RB_MUST_CHECK int rep_payments(struct dbconn *c, const struct rep_query *q, enum rep_by by,
                               struct rep_table *out);
/* rep_payments' received and received_n alone (due and overdue stay 0):
 * the receipts of the period, without working out every milestone. */
RB_MUST_CHECK int rep_received(struct dbconn *c, const struct rep_query *q, enum rep_by by,
                               struct rep_table *out);
/* Follow-ups past due and not done now, grouped by staff or none. */
RB_MUST_CHECK int rep_followups_overdue(struct dbconn *c, const struct rep_query *q, enum rep_by by,
                                        struct rep_table *out);

/*
 * The salesperson table: one row per active sales/owner staff member who has
 * leads or is sales (and "unassigned" when leads have no owner), with every
 * field above filled (rep_leads + rep_bookings + rep_stale + rep_payments +
 * rep_followups_overdue by staff), sorted by bookings, then leads.
 */
RB_MUST_CHECK int rep_staff_table(struct dbconn *c, const struct rep_query *q,
                                  struct rep_table *out);
/* The same from t holding rep_leads by REP_BY_STAFF (rows and total, e.g.
 * rep_lead_sets' staff): adds the team's rows and the other figures, sorts.
 * t is emptied on failure. */
RB_MUST_CHECK int rep_staff_complete(struct dbconn *c, const struct rep_query *q,
                                     struct rep_table *t);

#define REP_STAGES 8 /* NEW CONTACTED QUALIFIED SITE_VISIT QUOTED NEGOTIATING BOOKED LOST */

/* The funnel of the leads created in the period. */
struct rep_funnel {
    int64_t total;
    int64_t at[REP_STAGES];      /* by current stage, in the order above */
    int64_t reached[REP_STAGES]; /* reached this stage or a later one (LOST excluded from the
                                    order: reached[7] = at[7]); stage-to-stage conversion of
                                    k -> k+1 is reached[k+1] / reached[k], k < 6 */
};
extern const char *const rep_stage_names[REP_STAGES];
RB_MUST_CHECK int rep_funnel(struct dbconn *c, const struct rep_query *q, struct rep_funnel *out);

/* Greeting latency (lead created -> greeting sent, greeting_latency_ms) of
 * leads created in the period. -1 when n = 0. */
struct rep_latency {
    int64_t n, p50_ms, p99_ms;
};
RB_MUST_CHECK int rep_greeting(struct dbconn *c, const struct rep_query *q,
                               struct rep_latency *out);

/*
 * Every grouping a page shows of the period's leads, from one statement that
 * reads them once: staff, source and campaign hold what rep_leads gives for
 * REP_BY_STAFF, REP_BY_SOURCE and REP_BY_CAMPAIGN (rows and total, the same
 * order) but the first-response p90 of the source and campaign rows (-1,
 * not computed: the page shows none), funnel what rep_funnel gives,
 * greeting what rep_greeting gives.
 */
struct rep_lead_sets {
    struct rep_table staff, source, campaign;
    struct rep_funnel funnel;
    struct rep_latency greeting;
};
void rep_lead_sets_init(struct rep_lead_sets *s);
void rep_lead_sets_release(struct rep_lead_sets *s);
RB_MUST_CHECK int rep_lead_sets(struct dbconn *c, const struct rep_query *q,
                                struct rep_lead_sets *out);

/* AI parses in the period (ai_log): by engine and Gemini fallbacks by reason;
 * key is the engine or the reason, count in leads (reused as "count"). */
RB_MUST_CHECK int rep_ai_engines(struct dbconn *c, const struct rep_query *q,
                                 struct rep_table *out);
RB_MUST_CHECK int rep_ai_fallbacks(struct dbconn *c, const struct rep_query *q,
                                   struct rep_table *out);

/* 12 months ending with the month of q->to - 1 day: key "YYYY-MM", leads
 * (created that month) and bookings, revenue (booked that month). Always 12 rows,
 * oldest first. */
RB_MUST_CHECK int rep_months(struct dbconn *c, const struct rep_query *q, struct rep_table *out);

/* The headline figures of a period: leads, booked, resp_*, pipeline (rep_leads),
 * bookings, revenue (rep_bookings), stale (rep_stale), received/due/overdue
 * (rep_payments), overdue_followups, in one row. */
RB_MUST_CHECK int rep_summary(struct dbconn *c, const struct rep_query *q, struct rep_row *out);

/* ---- formatting (pure) ---- */

/* Rupees as the venue writes them: lakh grouping ("Rs 8,00,000", 1,20,00,000)
 * or, when lakh is false, thousands (800,000). currency "" for none.
 * out holds REP_MONEY_MAX bytes. */
#define REP_MONEY_MAX 48
void rep_money(int64_t rupees, bool lakh, const char *currency, char out[REP_MONEY_MAX]);
/* num/den as a percentage rounded to one decimal, -1 when den is 0. */
double rep_pct(int64_t num, int64_t den);

#endif
