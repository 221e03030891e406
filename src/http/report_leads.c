/*
 * report_leads.c - /report/leads (filtered, sorted, paged; ?format=csv) and
 * /report/leads/N (one lead's whole timeline).
 */
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "http/report_html.h"
#include "http/report_pages.h"

static int lead_tr(void *cls, const struct rl_lead *l)
{
    struct buf *b = cls;

    buf_say(b, "<tr><td class=\"n\"><a href=\"/report/leads/%lld\">#%lld</a></td>",
            (long long)l->id, (long long)l->id);
    html_user(b, "td", l->name);
    char st[64], so[64];

    html_say(b, "<td class=\"t\">%s</td><td>%s</td>", l->phone,
             html_label('s', l->stage, st, sizeof(st)));
    html_user(b, "td", l->staff);
    html_say(b, "<td>%s</td>", html_label('o', l->source, so, sizeof(so)));
    html_user(b, "td", l->campaign);
    html_say(b,
             "<td class=\"t\">%s</td><td class=\"n\">%m</td><td class=\"t\">%s</td>"
             "<td class=\"t\">%s</td></tr>\n",
             l->event_date, l->amount, l->created, l->last_contact);
    return RB_OK;
}

void page_leads(struct report_req *r)
{
    struct buf *b = &r->resp->body;
    struct rl_filter f;
    struct dbconn *c = NULL;
    bool more = false;
    int page, rc;

    if (!page_filter(r, &f, &page)) {
        return;
    }
    if (page_wants_csv(r)) {
        page_csv(r, LIST_LEADS, &f);
        return;
    }
    html_begin(b, r->venue_name, "Leads", "leads", false);
    page_form(r, "/report/leads", "spodq", &f);
    buf_say(b, "<section><div class=\"scroll\"><table><tr><th class=\"n\">#</th><th>Name</th>"
               "<th>Phone</th><th>Stage</th><th>Salesperson</th><th>Source</th>"
               "<th>Campaign</th><th>Event</th><th class=\"n\">Amount</th><th>Created</th>"
               "<th>Last contact</th></tr>\n");
    rc = db_acquire(r->ctx->app->db, 2000, &c);
    rc = rc ? rc : rl_leads(c, r->venue, &f, (page - 1) * RL_PAGE, RL_PAGE, lead_tr, b, &more);
    db_release(r->ctx->app->db, c);
    if (rc) {
        page_fail(r, rc == RB_EINVAL ? 400 : 503, "Could not list the leads",
                  rc == RB_EINVAL ? "A filter value is out of range." : "The store is busy.");
        return;
    }
    buf_say(b, "</table></div>");
    page_pager(r, "/report/leads", page, more);
    page_csv_link(r, "/report/leads");
    buf_say(b, "</section>");
    html_end(b);
    page_done(r);
}

/* ---- one lead ---- */

struct lead_page {
    struct report_req *r;
    struct buf *b;
    char title[200];
};

static void dl(struct buf *b, const char *label, const char *value)
{
    buf_say(b, "<tr><th>%s</th>", label);
    html_user(b, "td", value);
    buf_say(b, "</tr>");
}

static int lead_head(void *cls, const struct rl_lead *l)
{
    struct lead_page *p = cls;
    struct buf *b = p->b;
    char st[64], so[64];

    html_begin(b, p->r->venue_name, p->title, "leads", false);
    buf_say(b, "<section><div class=\"scroll\"><table class=\"kv\">");
    dl(b, "Name", l->name);
    dl(b, "Phone", l->phone);
    dl(b, "Stage", html_label('s', l->stage, st, sizeof(st)));
    dl(b, "Salesperson", l->staff);
    dl(b, "Source", html_label('o', l->source, so, sizeof(so)));
    dl(b, "Campaign", l->campaign);
    dl(b, "Event date", l->event_date);
    dl(b, "Guests", l->guests);
    dl(b, "Hall", l->hall);
    dl(b, "Slot", l->slot);
    html_say(b, "<tr><th>Amount</th><td>%m</td></tr>", l->amount);
    dl(b, "Created", l->created);
    dl(b, "First reply", l->first_response);
    dl(b, "Last contact", l->last_contact);
    buf_say(b,
            "</table></div><p><a href=\"/report/conversations?lead=%lld\">Conversation</a> · "
            "<a href=\"/report/ai?lead=%lld\">AI decisions</a></p></section>\n",
            (long long)l->id, (long long)l->id);
    return RB_OK;
}

static void meta(struct buf *b, const char *at, const char *who)
{
    html_say(b, "<div class=\"meta\">%s", at);
    if (who && who[0]) {
        html_say(b, " · <bdi>%s</bdi>", who);
    }
    buf_say(b, "</div>");
}

static void ai_decision(struct buf *b, const struct rl_ai *a)
{
    html_say(b, "<div class=\"meta\">AI: %s → <b>%s</b> ", a->engine, a->intent);
    html_user(b, "code", a->slots);
    html_say(b, " confidence %s", a->confidence);
    if (a->latency_ms) {
        html_say(b, " · %s ms", a->latency_ms);
    }
    if (a->fallback) {
        html_say(b, " · fallback: %s", a->fallback);
    }
    buf_say(b, "</div>");
}

static void message_item(struct buf *b, const struct rl_item *t)
{
    bool in = t->a && strcmp(t->a, "in") == 0;
    bool client = t->b && strcmp(t->b, "client") == 0;

    buf_say(b, "<li class=\"message %s\">", in ? "in" : "out");
    html_say(b, "<div class=\"meta\">%s", t->at);
    buf_say(b, " · %s",
            in ? (client ? "client → venue" : "staff → bot")
               : (client ? "venue → client" : "bot → staff"));
    if (t->who) {
        html_say(b, " (<bdi>%s</bdi>)", t->who);
    }
    if (t->type && strcmp(t->type, "text")) {
        html_say(b, " · %s", t->type);
    }
    html_say(b, " · <span class=\"st-%s\">%s</span>", t->status, t->status);
    if (t->error_code || t->error_title) {
        html_say(b, " — %s %s", t->error_code, t->error_title);
    }
    buf_say(b, "</div>");
    html_user(b, "div", t->text);
    buf_say(b, "</li>\n");
}

static int timeline_li(void *cls, const struct rl_item *t)
{
    struct buf *b = cls;
    const char *k = t->kind;

    if (strcmp(k, "message") == 0) {
        message_item(b, t);
        return RB_OK;
    }
    html_say(b, "<li class=\"%s\">", k);
    meta(b, t->at, t->who);
    if (strcmp(k, "stage") == 0) {
        char sa[64], sb[64];
        html_say(b, "<div>Stage %s → <b>%s</b></div>",
                 t->a ? html_label('s', t->a, sa, sizeof(sa)) : "–",
                 html_label('s', t->b, sb, sizeof(sb)));
        if (t->text) {
            html_user(b, "div", t->text);
        }
    } else if (strcmp(k, "note") == 0) {
        buf_say(b, "<div>Note:</div>");
        html_user(b, "div", t->text);
    } else if (strcmp(k, "assign") == 0) {
        html_say(b, "<div>Assigned: <bdi>%s</bdi> → <b><bdi>%s</bdi></b></div>",
                 t->a ? t->a : "nobody", t->b);
    } else if (strcmp(k, "followup") == 0) {
        html_say(b, "<div>Follow-up%s due %s · %s</div>", t->type ? " (automatic)" : "", t->a,
                 t->status);
        if (t->text) {
            html_user(b, "div", t->text);
        }
    } else if (strcmp(k, "payment") == 0) {
        html_say(b, "<div>Payment %s: <b>%m</b> · %s", t->a, t->b, t->status);
        if (t->text) {
            html_say(b, " · due %s", t->text);
        }
        buf_say(b, "</div>");
    } else if (strcmp(k, "ai") == 0) {
        buf_say(b, "<div>Staff message:</div>");
        html_user(b, "div", t->text);
        ai_decision(b, &t->ai);
    }
    buf_say(b, "</li>\n");
    return RB_OK;
}

void page_lead(struct report_req *r, const char *id_text)
{
    struct lead_page p = {.r = r, .b = &r->resp->body};
    struct dbconn *c = NULL;
    int64_t id;
    bool cut = false;
    int rc;

    if (str_to_i64(str_from(id_text), 1, INT64_MAX, &id)) {
        page_fail(r, 404, "No such lead", "Lead numbers are whole numbers: /report/leads/42.");
        return;
    }
    snprintf(p.title, sizeof(p.title), "Lead #%lld", (long long)id);
    rc = db_acquire(r->ctx->app->db, 2000, &c);
    rc = rc ? rc : rl_lead_get(c, r->venue, r->tz, id, lead_head, &p);
    if (!rc) {
        buf_say(p.b, "<h2>Timeline</h2><ol class=\"tl\">\n");
        rc = rl_timeline(c, r->venue, r->tz, id, timeline_li, p.b, &cut);
    }
    db_release(r->ctx->app->db, c);
    if (rc == RB_ENOTFOUND) {
        page_fail(r, 404, "No such lead", "This venue has no lead with that number.");
        return;
    }
    if (rc) {
        page_fail(r, 503, "Could not load the lead", "The store is busy. Try again.");
        return;
    }
    buf_say(p.b, "</ol>");
    if (cut) {
        buf_say(p.b, "<p>The first %d items are shown; the conversation page has the rest.</p>",
                RL_TIMELINE_MAX);
    }
    html_end(p.b);
    page_done(r);
}
