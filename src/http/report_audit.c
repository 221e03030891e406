/*
 * report_audit.c - what the owner reads back: /report/conversations (every
 * employee-client message), /report/ai (every ai_log row) and
 * /report/payments (the one list finance sees), each filtered and paged,
 * and ?format=csv streamed.
 */
#include <stdio.h>
#include <string.h>

#include "http/report_html.h"
#include "http/report_pages.h"

static void lead_link(struct buf *b, int64_t id, const char *name)
{
    buf_say(b, "<td><a href=\"/report/leads/%lld\">#%lld</a> ", (long long)id, (long long)id);
    if (name) {
        buf_say(b, "<bdi>");
        html_esc(b, name);
        buf_say(b, "</bdi>");
    }
    buf_say(b, "</td>");
}

static void td(struct buf *b, const char *cls, const char *s)
{
    buf_say(b, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    html_esc(b, s);
    buf_say(b, "</td>");
}

static int conv_tr(void *cls, const struct rl_conv *m)
{
    struct buf *b = cls;
    bool in = m->direction && strcmp(m->direction, "in") == 0;
    bool client = m->party && strcmp(m->party, "client") == 0;

    buf_say(b, "<tr>");
    td(b, "t", m->at);
    lead_link(b, m->lead_id, m->lead_name);
    html_user(b, "td", m->staff);
    buf_say(b, "<td class=\"t\">%s</td>",
            in ? (client ? "client → venue" : "staff → bot")
               : (client ? "venue → client" : "bot → staff"));
    html_user(b, "td", m->body);
    buf_say(b, "<td class=\"t\"><span class=\"st-");
    html_esc(b, m->status);
    buf_say(b, "\">");
    html_esc(b, m->status);
    buf_say(b, "</span>");
    if (m->error_code || m->error_title) {
        buf_say(b, "<br>");
        html_esc(b, m->error_code);
        buf_say(b, " ");
        html_esc(b, m->error_title);
    }
    buf_say(b, "</td></tr>\n");
    return RB_OK;
}

static bool list_start(struct report_req *r, struct rl_filter *f, int *page, enum report_list l,
                       const char *title, const char *key, const char *fields)
{
    if (!page_filter(r, f, page)) {
        return false;
    }
    if (page_wants_csv(r)) {
        page_csv(r, l, f);
        return false;
    }
    html_begin(&r->resp->body, r->venue_name, title, key, r->scope == SCOPE_FINANCE);
    page_form(r,
              key[0] == 'c'   ? "/report/conversations"
              : key[0] == 'a' ? "/report/ai"
                              : "/report/payments",
              fields, f);
    return true;
}

static void list_end(struct report_req *r, int rc, const char *path, int page, bool more)
{
    struct buf *b = &r->resp->body;

    if (rc) {
        page_fail(r, rc == RB_EINVAL ? 400 : 503, "Could not list the rows",
                  rc == RB_EINVAL ? "A filter value is out of range." : "The store is busy.");
        return;
    }
    buf_say(b, "</table></div>");
    page_pager(r, path, page, more);
    page_csv_link(r, path);
    buf_say(b, "</section>");
    html_end(b);
    page_done(r);
}

void page_convs(struct report_req *r)
{
    struct buf *b = &r->resp->body;
    struct rl_filter f;
    struct dbconn *c = NULL;
    bool more = false;
    int page, rc;

    if (!list_start(r, &f, &page, LIST_CONVS, "Conversations", "conversations", "pdl")) {
        return;
    }
    buf_say(b, "<section><div class=\"scroll\"><table><tr><th>When</th><th>Lead</th>"
               "<th>Employee</th><th>Way</th><th>Message</th><th>Delivery</th></tr>\n");
    rc = db_acquire(r->ctx->app->db, 2000, &c);
    rc = rc ? rc : rl_convs(c, r->venue, &f, (page - 1) * RL_PAGE, RL_PAGE, conv_tr, b, &more);
    db_release(r->ctx->app->db, c);
    list_end(r, rc, "/report/conversations", page, more);
}

static int ai_tr(void *cls, const struct rl_ai *a)
{
    struct buf *b = cls;

    buf_say(b, "<tr>");
    td(b, "t", a->at);
    html_user(b, "td", a->staff);
    html_user(b, "td", a->text);
    td(b, NULL, a->engine);
    td(b, NULL, a->intent);
    buf_say(b, "<td><code dir=\"auto\">");
    html_esc(b, a->slots);
    buf_say(b, "</code></td>");
    td(b, "n", a->confidence);
    td(b, NULL, a->fallback);
    td(b, "n", a->latency_ms);
    buf_say(b, "</tr>\n");
    return RB_OK;
}

void page_ai(struct report_req *r)
{
    struct buf *b = &r->resp->body;
    struct rl_filter f;
    struct dbconn *c = NULL;
    bool more = false;
    int page, rc;

    if (!list_start(r, &f, &page, LIST_AI, "AI decisions", "ai", "pdl")) {
        return;
    }
    buf_say(b, "<section><div class=\"scroll\"><table><tr><th>When</th><th>Employee</th>"
               "<th>Message</th><th>Engine</th><th>Intent</th><th>Slots</th>"
               "<th class=\"n\">Confidence</th><th>Fallback</th><th class=\"n\">ms</th></tr>\n");
    rc = db_acquire(r->ctx->app->db, 2000, &c);
    rc = rc ? rc : rl_ais(c, r->venue, &f, (page - 1) * RL_PAGE, RL_PAGE, ai_tr, b, &more);
    db_release(r->ctx->app->db, c);
    list_end(r, rc, "/report/ai", page, more);
}

struct pay_rows {
    struct buf *b;
    bool finance; /* no link to the lead's page, which finance may not open */
};

static int pay_tr(void *cls, const struct rl_payment *y)
{
    struct pay_rows *p = cls;
    struct buf *b = p->b;

    buf_say(b, "<tr>");
    if (p->finance) {
        buf_say(b, "<td>#%lld <bdi>", (long long)y->lead_id);
        html_esc(b, y->lead_name);
        buf_say(b, "</bdi></td>");
    } else {
        lead_link(b, y->lead_id, y->lead_name);
    }
    td(b, NULL, y->milestone);
    buf_say(b, "<td class=\"n\">");
    html_money_text(b, y->amount);
    buf_say(b, "</td>");
    td(b, "t", y->due_date);
    td(b, "t", y->paid_at);
    buf_say(b, "<td>");
    html_esc(b, y->status);
    buf_say(b, "%s</td>", y->overdue ? " <b class=\"down\">overdue</b>" : "");
    buf_say(b, "</tr>\n");
    return RB_OK;
}

void page_payments(struct report_req *r)
{
    struct buf *b = &r->resp->body;
    struct rl_filter f;
    struct dbconn *c = NULL;
    bool more = false;
    int page, rc;

    if (!list_start(r, &f, &page, LIST_PAYMENTS, "Payments", "payments", "dl")) {
        return;
    }
    struct pay_rows rows = {b, r->scope == SCOPE_FINANCE};
    buf_say(b, "<section><div class=\"scroll\"><table><tr><th>Lead</th><th>Milestone</th>"
               "<th class=\"n\">Amount</th><th>Due</th><th>Paid</th><th>Status</th></tr>\n");
    rc = db_acquire(r->ctx->app->db, 2000, &c);
    rc =
        rc ? rc : rl_payments(c, r->venue, &f, (page - 1) * RL_PAGE, RL_PAGE, pay_tr, &rows, &more);
    db_release(r->ctx->app->db, c);
    list_end(r, rc, "/report/payments", page, more);
}
