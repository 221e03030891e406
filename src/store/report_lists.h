/*
 * report_lists.h - what the owner's report pages list: leads, one lead's
 * timeline, conversations, ai_log rows and payments, filtered and paged, and
 * the same lists in id order in batches for a streamed CSV export.
 *
 * Each list calls fn once per row with a typed row whose strings are
 * borrowed (valid during the call only; NULL for SQL NULL). Times are text
 * in the venue's time zone ("YYYY-MM-DD HH:MM"); tz is that zone's name.
 * fn returning non-zero stops the list with that code.
 */
#ifndef RB_STORE_REPORT_LISTS_H
#define RB_STORE_REPORT_LISTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Rows on one page of a list; offsets stop at RL_MAX_OFFSET (then: filter
 * more, or export the CSV, which has no cap). */
#define RL_PAGE 50
#define RL_MAX_OFFSET 10000
/* Rows per batch of a CSV export. */
#define RL_BATCH 2000
/* Items of one lead's timeline shown at most. */
#define RL_TIMELINE_MAX 5000

struct rl_filter {
    const char *tz;     /* the venue's time zone, required */
    const char *stage;  /* leads: NEW ... LOST, NULL = any */
    int64_t staff_id;   /* the salesperson / employee, 0 = any */
    const char *source; /* leads: whatsapp, meta, walk_in, other; NULL = any */
    const char *from;   /* "YYYY-MM-DD", inclusive, venue time; NULL = open */
    const char *to;     /* "YYYY-MM-DD", inclusive */
    const char *q;      /* leads: part of the name or the phone's digits */
    int64_t lead_id;    /* conversations, ai: one lead; 0 = any */
    const char *sort;   /* leads: created, name, stage, contact, amount (rl_sort_ok) */
    bool asc;
};

/* True when s names a sort the lead list knows. */
bool rl_sort_ok(const char *s);

struct rl_lead {
    int64_t id;
    const char *name, *phone, *source, *campaign, *stage, *staff, *event_date, *hall, *slot;
    const char *guests, *amount; /* decimal text or NULL */
    const char *created, *last_contact, *first_response;
};

struct rl_conv {
    int64_t id, lead_id;
    const char *at, *lead_name, *client_phone, *staff; /* the employee */
    const char *direction, *party, *type, *body, *status, *status_at, *error_code, *error_title;
};

struct rl_ai {
    int64_t id;
    const char *at, *staff, *text, *engine, *intent, *slots, *confidence, *fallback, *latency_ms,
        *model;
};

struct rl_payment {
    int64_t id, lead_id;
    const char *lead_name, *milestone, *amount, *due_date, *paid_at, *status, *source;
    bool overdue;
};

/* One item of a lead's timeline. kind: stage (a from, b to, text note),
 * note (text), assign (a from, b to), followup (a due, text note, status
 * done/open), payment (a milestone, b amount, status, text due date),
 * message (a direction, b party, text body, status, error), ai (text the
 * staff message; the decision in ai). */
struct rl_item {
    const char *kind, *at, *who, *a, *b, *text, *status, *error_code, *error_title, *type;
    struct rl_ai ai;
};

struct rl_staff {
    int64_t id;
    const char *name, *role;
};

typedef int (*rl_lead_fn)(void *cls, const struct rl_lead *row);
typedef int (*rl_conv_fn)(void *cls, const struct rl_conv *row);
typedef int (*rl_ai_fn)(void *cls, const struct rl_ai *row);
typedef int (*rl_payment_fn)(void *cls, const struct rl_payment *row);
typedef int (*rl_item_fn)(void *cls, const struct rl_item *row);
typedef int (*rl_staff_fn)(void *cls, const struct rl_staff *row);

/*
 * A page of a list: rows offset .. offset+limit-1 in the page's order (leads
 * by f->sort, the others newest first). *more says whether rows follow.
 * RB_EINVAL for an offset past RL_MAX_OFFSET or a bad filter value.
 */
RB_MUST_CHECK int rl_leads(struct dbconn *c, int64_t venue, const struct rl_filter *f, int offset,
                           int limit, rl_lead_fn fn, void *cls, bool *more);
RB_MUST_CHECK int rl_convs(struct dbconn *c, int64_t venue, const struct rl_filter *f, int offset,
                           int limit, rl_conv_fn fn, void *cls, bool *more);
RB_MUST_CHECK int rl_ais(struct dbconn *c, int64_t venue, const struct rl_filter *f, int offset,
                         int limit, rl_ai_fn fn, void *cls, bool *more);
RB_MUST_CHECK int rl_payments(struct dbconn *c, int64_t venue, const struct rl_filter *f,
                              int offset, int limit, rl_payment_fn fn, void *cls, bool *more);

/*
 * The CSV batches: up to RL_BATCH rows with id > *after, in id order;
 * *after moves to the last id given, *n is how many (0: the end).
 */
RB_MUST_CHECK int rl_leads_batch(struct dbconn *c, int64_t venue, const struct rl_filter *f,
                                 int64_t *after, rl_lead_fn fn, void *cls, int *n);
RB_MUST_CHECK int rl_convs_batch(struct dbconn *c, int64_t venue, const struct rl_filter *f,
                                 int64_t *after, rl_conv_fn fn, void *cls, int *n);
RB_MUST_CHECK int rl_ais_batch(struct dbconn *c, int64_t venue, const struct rl_filter *f,
                               int64_t *after, rl_ai_fn fn, void *cls, int *n);
RB_MUST_CHECK int rl_payments_batch(struct dbconn *c, int64_t venue, const struct rl_filter *f,
                                    int64_t *after, rl_payment_fn fn, void *cls, int *n);

/* One lead (RB_ENOTFOUND if the venue has none with that id). */
RB_MUST_CHECK int rl_lead_get(struct dbconn *c, int64_t venue, const char *tz, int64_t id,
                              rl_lead_fn fn, void *cls);
/* The lead's whole timeline, oldest first, at most RL_TIMELINE_MAX items;
 * *cut says whether more were left out. */
RB_MUST_CHECK int rl_timeline(struct dbconn *c, int64_t venue, const char *tz, int64_t id,
                              rl_item_fn fn, void *cls, bool *cut);
/* The venue's staff, by name. */
RB_MUST_CHECK int rl_staff(struct dbconn *c, int64_t venue, rl_staff_fn fn, void *cls);

#endif
