/*
 * report.h - the owner's figures as answers: one question (metric, group_by,
 * period, compare_period of INTENTS.md) computed through store/reports.h and
 * rendered as a phone-sized text (prompts/<lang>/reports.txt) or as JSON/CSV.
 * Chat (report.query), the weekly digest and `rabta report` all go through
 * report_compute, so they show the same figures.
 */
#ifndef RB_DOMAIN_REPORT_H
#define RB_DOMAIN_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/period.h"
#include "domain/worker.h"
#include "nlu/text.h"
#include "store/reports.h"

enum report_metric {
    RM_NONE, /* the headline figures: leads, bookings, revenue, conversion, response */
    RM_LEADS,
    RM_BOOKINGS,
    RM_CONVERSION,
    RM_REVENUE,
    RM_RESPONSE,
    RM_STALE,
    RM_OVERDUE,
};

/* INTENTS.md's metric words ("conversion_rate" ...); NULL/"" is RM_NONE. */
RB_MUST_CHECK int report_metric_parse(const char *word, enum report_metric *out);
const char *report_metric_name(enum report_metric m);

struct report_ask {
    const char *metric;   /* NULL: none */
    const char *group_by; /* NULL: none; also "campaign" */
    const char *period;   /* NULL: this_month */
    const char *compare;  /* NULL: no comparison */
    int64_t staff_id;     /* > 0: only this salesperson's leads */
};

struct report_figs {
    enum report_metric metric;
    enum rep_by by;
    int nper;               /* 1, or 2 when compared */
    struct period per[2];   /* the period, the compare period */
    struct rep_row sum[2];  /* no metric, no group: rep_summary of each; otherwise the
                               total of the metric's table (its fields only) */
    struct rep_table t[2];  /* the metric's table grouped by `by` (empty for REP_BY_NONE) */
    struct rep_funnel f[2]; /* filled when by is REP_BY_STAGE */
};

void report_figs_init(struct report_figs *f);
void report_figs_release(struct report_figs *f);

/* Computes the figures of ask at x->now_s in the venue's zone.
 * RB_EPARSE (and *bad names the word) for a period, metric or group_by
 * that is not one of INTENTS.md's. */
RB_MUST_CHECK int report_compute(struct wctx *x, const struct report_ask *ask,
                                 struct report_figs *out, const char **bad);

/* The answer as a short text (at most about 12 lines) in lang. */
RB_MUST_CHECK int report_text(struct wctx *x, enum lang lang, const struct report_figs *f,
                              struct buf *out);

/* The headline lines (leads, bookings, revenue, conversion, first reply) of
 * f's summaries, side by side when compared, each line after a '\n'. */
RB_MUST_CHECK int report_headline(struct wctx *x, enum lang lang, const struct report_figs *f,
                                  struct buf *out);

/* The figures as JSON (new). */
json_t *report_json(const struct report_figs *f);
/* The rows (or the one summary row) as CSV with a header line. */
RB_MUST_CHECK int report_csv(const struct report_figs *f, struct buf *out);

/* A period's name for people, by its dates: "January 2026" (a month, this
 * or last month too), "Q1 2026", "2026" (a year, ytd), "07/12/2026" (a day),
 * "24/11 - 30/11/2026" (a week). Month names from prompts in lang. */
RB_MUST_CHECK int report_period_label(struct wctx *x, enum lang lang, const struct period *p,
                                      struct buf *out);

/* Money as the venue writes it ([report] money_grouping, currency). */
void report_money(struct wctx *x, int64_t rupees, char out[REP_MONEY_MAX]);

/* The page link for scope ("owner", "finance") valid 24 hours from
 * x->now_s: <public_url>/report?grant=<grant>. RB_ENOTFOUND when
 * REPORT_TOKEN is not set. */
RB_MUST_CHECK int report_link(struct wctx *x, const char *scope, struct buf *out);

/* The local date of x->now_s. */
struct rb_date report_today(struct wctx *x);

#endif
