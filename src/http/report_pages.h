/*
 * report_pages.h - what the report page's files share: one request's
 * context after access was granted (report_auth.c), the pages
 * (report_dash.c, report_leads.c, report_audit.c) and the streamed CSV
 * (report_csv.c).
 */
#ifndef RB_HTTP_REPORT_PAGES_H
#define RB_HTTP_REPORT_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "http/server.h"
#include "store/report_lists.h"

enum report_scope { SCOPE_OWNER, SCOPE_FINANCE };

struct report_req {
    struct http_ctx *ctx;
    struct http_req *req;
    struct http_resp *resp;
    enum report_scope scope;
    struct snapshot *snap; /* held for the request */
    int64_t venue;
    const char *tz;
    const char *venue_name;
};

/* The lists a CSV export can stream. */
enum report_list { LIST_LEADS, LIST_CONVS, LIST_AI, LIST_PAYMENTS };

void page_dashboard(struct report_req *r);
void page_leads(struct report_req *r);
void page_lead(struct report_req *r, const char *id_text);
void page_convs(struct report_req *r);
void page_ai(struct report_req *r);
void page_payments(struct report_req *r);

/* Streams list as CSV with filter f (copied) as the response. */
void page_csv(struct report_req *r, enum report_list list, const struct rl_filter *f);

/* A plain page that says what went wrong (status 4xx/5xx). */
void page_fail(struct report_req *r, int status, const char *title, const char *why);
/* The page in r->resp->body is done: 200 text/html, or 500 if building it failed. */
void page_done(struct report_req *r);

/*
 * The list filters from the query (stage, staff, source, from, to, q, lead,
 * sort, dir) into f (strings borrowed from the request) and the page number
 * (1 ..). False, with a 400 page in r->resp, when a value is not valid.
 */
bool page_filter(struct report_req *r, struct rl_filter *f, int *page);
/* True when the query asks for ?format=csv. */
bool page_wants_csv(struct report_req *r);

/* The filter form's fields and the pager, shared by the list pages.
 * fields: a string of letters: s stage, p staff (salesperson/employee),
 * o source, d dates, q search, l lead. */
void page_form(struct report_req *r, const char *action, const char *fields,
               const struct rl_filter *f);
/* Prev/next links keeping the filters; more: whether rows follow. */
void page_pager(struct report_req *r, const char *path, int page, bool more);
/* The "Download CSV" link keeping the filters. */
void page_csv_link(struct report_req *r, const char *path);

#endif
