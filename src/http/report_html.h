/*
 * report_html.h - the report pages' shared HTML, SVG and CSV pieces.
 *
 * Everything appends to a struct buf and leaves a failure in b->err (the
 * page checks buf_err once). Text from the store or the request goes
 * through html_esc / html_user, never straight into the page: html_user
 * also marks it dir="auto" so Urdu reads right to left. Pages carry no
 * script; charts are inline SVG with their numbers in text beside them.
 */
#ifndef RB_HTTP_REPORT_HTML_H
#define RB_HTTP_REPORT_HTML_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

/* The page frame: doctype, head with the inline style, the header with the
 * venue's name and the menu (finance: payments only), and <main>. */
void html_begin(struct buf *b, const char *venue, const char *title, const char *active,
                bool finance);
void html_end(struct buf *b);

/* s escaped (NULL as empty). */
void html_esc(struct buf *b, const char *s);
/* fmt's text as it is, with each %s the next const char * escaped (NULL as
 * empty) and each %m the next one as html_money_text; %% a percent sign. For
 * markup around values: html_say(b, "<td>%s</td><td>%m</td>", stage, amount). */
void html_say(struct buf *b, const char *fmt, ...);
/* <tag dir="auto">s</tag>, s escaped; a dash when s is NULL or empty. */
void html_user(struct buf *b, const char *tag, const char *s);
/* Rupees (decimal text, as stored) in the venue's lakh grouping, "Rs 8,00,000";
 * a dash for NULL. */
void html_money_text(struct buf *b, const char *rupees);
void html_money(struct buf *b, int64_t rupees);
/* The money format for this thread's page: [report] money_grouping ("lakh",
 * "thousands") and currency. */
void html_money_set(const char *grouping, const char *currency);
struct prompts;
/* The prompts the labels below come from, for this thread's page: set by
 * report_page from the snapshot. */
void html_labels_set(const struct prompts *p);
/* A stored code as the owner reads it, from prompts/en: kind 's' a stage
 * ("CONTACTED": [stage_CONTACTED] "Contacted"), 'o' a source ("walk_in":
 * [rep_src_walk_in] "Walk-in"), in out (n bytes); the code itself when
 * prompts/ has no label. CSV exports keep the codes. */
const char *html_label(char kind, const char *code, char *out, size_t n);
/* s percent-encoded for a query value. */
void url_enc(struct buf *b, const char *s);

/* One <option>; selected when cur equals value. */
void html_option(struct buf *b, const char *value, const char *label, const char *cur);

/* One CSV field (RFC 4180: quoted when it holds , " CR or LF, quotes
 * doubled; a leading = + - @ gets a ' so a spreadsheet does not run it),
 * then ',' or, when last, CRLF. */
void csv_field(struct buf *b, const char *s, bool last);

/* ---- charts: inline SVG, and the same numbers in a table ---- */

struct chart_bar {
    const char *label;
    double value;
    const char *text; /* the value as shown; NULL: the number */
};

/* Horizontal bars, one per item, labelled; caption names the chart. */
void svg_hbars(struct buf *b, const char *caption, const struct chart_bar *bars, int n);
/* The funnel: centred bars narrowing by stage. */
void svg_funnel(struct buf *b, const char *caption, const struct chart_bar *bars, int n);
/* Months side by side: two series (a, b) per label, with a legend. */
void svg_months(struct buf *b, const char *caption, const char *const *labels, const double *a,
                const double *bv, int n, const char *a_name, const char *b_name);

#endif
