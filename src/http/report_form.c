/*
 * report_form.c - the list pages' filters: read from the query and checked,
 * shown as a form (GET, no script), kept in the pager's and the CSV's links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "http/report_html.h"
#include "http/report_pages.h"
#include "store/db.h"

static const char *const stages[] = {"NEW",    "CONTACTED",   "QUALIFIED", "SITE_VISIT",
                                     "QUOTED", "NEGOTIATING", "BOOKED",    "LOST"};
static const char *const sources[] = {"whatsapp", "meta", "walk_in", "other"};
static const char *const filter_keys[] = {"stage", "staff", "source", "from", "to",
                                          "q",     "lead",  "sort",   "dir"};

static bool one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* An empty query value is the same as none. */
static const char *arg(struct report_req *r, const char *name)
{
    const char *v = http_query(r->req, name);

    return v && v[0] ? v : NULL;
}

static bool bad(struct report_req *r, const char *what)
{
    char why[200];

    snprintf(why, sizeof(why), "The filter \"%s\" has a value this page does not know.", what);
    page_fail(r, 400, "Bad filter", why);
    return false;
}

static bool date_ok(const char *s)
{
    struct rb_datetime t;

    return strlen(s) == 10 && datetime_parse(s, &t) == RB_OK;
}

static bool id_arg(struct report_req *r, const char *name, int64_t *out)
{
    const char *v = arg(r, name);

    *out = 0;
    return !v || str_to_i64(str_from(v), 1, INT64_MAX, out) == RB_OK;
}

bool page_filter(struct report_req *r, struct rl_filter *f, int *page)
{
    const char *pg = arg(r, "page"), *dir = arg(r, "dir");
    int64_t n = 1;

    memset(f, 0, sizeof(*f));
    f->tz = r->tz;
    f->stage = arg(r, "stage");
    f->source = arg(r, "source");
    f->from = arg(r, "from");
    f->to = arg(r, "to");
    f->q = arg(r, "q");
    f->sort = arg(r, "sort");
    if (f->stage && !one_of(f->stage, stages, 8)) {
        return bad(r, "stage");
    }
    if (f->source && !one_of(f->source, sources, 4)) {
        return bad(r, "source");
    }
    if ((f->from && !date_ok(f->from)) || (f->to && !date_ok(f->to))) {
        return bad(r, "from/to (YYYY-MM-DD)");
    }
    if (f->q && strlen(f->q) > 100) {
        return bad(r, "q");
    }
    if (f->sort && !rl_sort_ok(f->sort)) {
        return bad(r, "sort");
    }
    if (dir && strcmp(dir, "asc") && strcmp(dir, "desc")) {
        return bad(r, "dir");
    }
    f->asc = dir && strcmp(dir, "asc") == 0;
    if (!id_arg(r, "staff", &f->staff_id)) {
        return bad(r, "staff");
    }
    if (!id_arg(r, "lead", &f->lead_id)) {
        return bad(r, "lead");
    }
    if (pg && str_to_i64(str_from(pg), 1, RL_MAX_OFFSET / RL_PAGE + 1, &n)) {
        return bad(r, "page");
    }
    *page = (int)n;
    return true;
}

bool page_wants_csv(struct report_req *r)
{
    const char *f = http_query(r->req, "format");

    return f && strcmp(f, "csv") == 0;
}

/* ---- the form ---- */

struct staff_opts {
    struct buf *b;
    int64_t cur;
};

static int staff_option(void *cls, const struct rl_staff *s)
{
    struct staff_opts *o = cls;

    buf_say(o->b, "<option value=\"%lld\"%s>", (long long)s->id,
            s->id == o->cur ? " selected" : "");
    html_esc(o->b, s->name);
    buf_say(o->b, " (");
    html_esc(o->b, s->role);
    buf_say(o->b, ")</option>");
    return RB_OK;
}

static void text_input(struct buf *b, const char *label, const char *name, const char *type,
                       const char *value, const char *extra)
{
    buf_say(b, "<label>%s<input type=\"%s\" name=\"%s\" value=\"", label, type, name);
    html_esc(b, value);
    buf_say(b, "\"%s></label>", extra);
}

void page_form(struct report_req *r, const char *action, const char *fields,
               const struct rl_filter *f)
{
    struct buf *b = &r->resp->body;
    char num[24];

    buf_say(b, "<section><form class=\"f\" method=\"get\" action=\"%s\">", action);
    if (strchr(fields, 's')) {
        buf_say(b, "<label>Stage<select name=\"stage\"><option value=\"\">any</option>");
        for (int i = 0; i < 8; i++) {
            char l[64];
            html_option(b, stages[i], html_label('s', stages[i], l, sizeof(l)), f->stage);
        }
        buf_say(b, "</select></label>");
    }
    if (strchr(fields, 'p')) {
        struct staff_opts o = {b, f->staff_id};
        struct dbconn *c = NULL;
        buf_say(b, "<label>%s<select name=\"staff\"><option value=\"\">anyone</option>",
                strchr(fields, 'o') ? "Salesperson" : "Employee");
        if (!db_acquire(r->ctx->app->db, 2000, &c) &&
            rl_staff(c, r->venue, staff_option, &o) == RB_OK) {
            /* listed */
        }
        db_release(r->ctx->app->db, c);
        buf_say(b, "</select></label>");
    }
    if (strchr(fields, 'o')) {
        buf_say(b, "<label>Source<select name=\"source\"><option value=\"\">any</option>");
        for (int i = 0; i < 4; i++) {
            char l[64];
            html_option(b, sources[i], html_label('o', sources[i], l, sizeof(l)), f->source);
        }
        buf_say(b, "</select></label>");
    }
    if (strchr(fields, 'd')) {
        text_input(b, "From", "from", "date", f->from, "");
        text_input(b, "To", "to", "date", f->to, "");
    }
    if (strchr(fields, 'q')) {
        text_input(b, "Name or phone", "q", "search", f->q, " dir=\"auto\" maxlength=\"100\"");
        buf_say(b, "<label>Sort<select name=\"sort\">");
        html_option(b, "created", "newest", f->sort);
        html_option(b, "name", "name", f->sort);
        html_option(b, "stage", "stage", f->sort);
        html_option(b, "contact", "last contact", f->sort);
        html_option(b, "amount", "amount", f->sort);
        buf_say(b, "</select></label><label>Order<select name=\"dir\">");
        html_option(b, "desc", "descending", f->asc ? "asc" : "desc");
        html_option(b, "asc", "ascending", f->asc ? "asc" : "desc");
        buf_say(b, "</select></label>");
    }
    if (strchr(fields, 'l')) {
        text_input(b, "Lead #", "lead", "number", f->lead_id ? db_i64s(f->lead_id, num) : "",
                   " min=\"1\" style=\"width:7em\"");
    }
    buf_say(b, "<button type=\"submit\">Show</button></form></section>\n");
}

/* The current filters as a query string (no leading ?), without page/format. */
static void filter_query(struct report_req *r, struct buf *b)
{
    int n = 0;

    for (size_t i = 0; i < sizeof(filter_keys) / sizeof(filter_keys[0]); i++) {
        const char *v = arg(r, filter_keys[i]);
        if (v) {
            buf_say(b, "%s%s=", n++ ? "&" : "", filter_keys[i]);
            url_enc(b, v);
        }
    }
}

static void link_to(struct report_req *r, const char *path, const char *tail, const char *label)
{
    struct buf *b = &r->resp->body;
    struct buf q;

    buf_init(&q, 8192);
    filter_query(r, &q);
    buf_say(&q, "%s%s", q.len ? "&" : "", tail);
    buf_say(b, "<a href=\"%s?", path);
    html_esc(b, q.p);
    buf_say(b, "\">%s</a>", label);
    buf_release(&q);
}

void page_pager(struct report_req *r, const char *path, int page, bool more)
{
    struct buf *b = &r->resp->body;
    char tail[32];

    buf_say(b, "<div class=\"pager\">");
    if (page > 1) {
        snprintf(tail, sizeof(tail), "page=%d", page - 1);
        link_to(r, path, tail, "&larr; Newer / previous");
    }
    buf_say(b, "<span>Page %d</span>", page);
    if (more && (page * RL_PAGE) <= RL_MAX_OFFSET) {
        snprintf(tail, sizeof(tail), "page=%d", page + 1);
        link_to(r, path, tail, "Next &rarr;");
    } else if (more) {
        buf_say(b, "<span>More rows: narrow the filter or download the CSV.</span>");
    }
    buf_say(b, "</div>\n");
}

void page_csv_link(struct report_req *r, const char *path)
{
    struct buf *b = &r->resp->body;

    buf_say(b, "<p>");
    link_to(r, path, "format=csv", "Download CSV (all rows of this filter)");
    buf_say(b, "</p>\n");
}
