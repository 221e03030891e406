/*
 * report_dash.c - GET /report: the dashboard of a period (?period=2026-01,
 * &compare=2025-12; the words of INTENTS.md report.query, default this
 * month against the one before). Every figure comes from store/reports.h,
 * read in one read-only snapshot so the page agrees with itself. Finance
 * sees the payment figures only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/period.h"
#include "http/report_html.h"
#include "http/report_pages.h"
#include "store/reports.h"

struct dash {
    struct report_req *r;
    struct buf *b;
    struct dbconn *c;
    struct period p, cp;
    bool compare;
    bool compare_default; /* compare not given: the period before */
    struct rep_query q, cq;
    struct rep_lead_sets ls; /* the period's leads grouped (owner); ls.staff completed
                                into the salesperson table */
    int rc;
};

/* ---- numbers as text ---- */

static void duration(char *out, size_t n, int64_t s)
{
    if (s < 0) {
        snprintf(out, n, "–");
    } else if (s < 90) {
        snprintf(out, n, "%lld s", (long long)s);
    } else if (s < 3600) {
        snprintf(out, n, "%lld min", (long long)((s + 30) / 60));
    } else if (s < 48 * 3600) {
        snprintf(out, n, "%lld h %02lld min", (long long)(s / 3600), (long long)((s % 3600) / 60));
    } else {
        snprintf(out, n, "%.1f days", (double)s / 86400.0);
    }
}

static void pct_text(char *out, size_t n, int64_t num, int64_t den)
{
    double p = rep_pct(num, den);

    if (p < 0) {
        snprintf(out, n, "–");
    } else {
        snprintf(out, n, "%.1f %%", p);
    }
}

static void money_text(char *out, size_t n, const struct config *cfg, int64_t v)
{
    char m[REP_MONEY_MAX];

    rep_money(v,
              !(cfg->report_money_grouping && strcmp(cfg->report_money_grouping, "thousands") == 0),
              cfg->report_currency ? cfg->report_currency : "", m);
    snprintf(out, n, "%s", m);
}

enum change_kind { CH_COUNT, CH_PCT_POINTS, CH_SECONDS };

/* The change against the compared period: +12 % for counts and money,
 * +3.2 pp for a share, +5 min for a duration (lower is better there). */
static void change(struct buf *b, enum change_kind k, double cur, double prev, bool known)
{
    char t[64];
    bool good;

    if (!known) {
        return;
    }
    if (k == CH_COUNT) {
        if (prev == 0) {
            snprintf(t, sizeof(t), cur == 0 ? "±0" : "new");
        } else {
            snprintf(t, sizeof(t), "%+.0f %%", (cur - prev) * 100.0 / prev);
        }
        good = cur >= prev;
    } else if (k == CH_PCT_POINTS) {
        snprintf(t, sizeof(t), "%+.1f pp", cur - prev);
        good = cur >= prev;
    } else {
        char d[32];
        duration(d, sizeof(d), (int64_t)(cur > prev ? cur - prev : prev - cur));
        snprintf(t, sizeof(t), "%s%s", cur > prev ? "+" : "−", d);
        good = cur <= prev;
    }
    if (strncmp(t, "+0 %", 4) == 0 || strncmp(t, "-0 %", 4) == 0 || strcmp(t, "+0.0 pp") == 0 ||
        strcmp(t, "-0.0 pp") == 0) {
        snprintf(t, sizeof(t), "±0");
    }
    buf_say(b, " <span class=\"%s\">", good ? "up" : "down");
    html_esc(b, t);
    buf_say(b, "</span>");
}

/* One headline card: the value, and the compared period's value with the change. */
static void card(struct dash *d, const char *label, const char *value, const char *prev,
                 enum change_kind k, double cur_n, double prev_n, bool known)
{
    struct buf *b = d->b;

    buf_say(b, "<div class=\"card\"><small>");
    html_esc(b, label);
    buf_say(b, "</small><b>");
    html_esc(b, value);
    buf_say(b, "</b>");
    if (d->compare) {
        buf_say(b, "<small>");
        html_esc(b, d->cp.name[0] ? d->cp.name : "before");
        buf_say(b, ": ");
        html_esc(b, prev);
        buf_say(b, "</small>");
        change(b, k, cur_n, prev_n, known);
    }
    buf_say(b, "</div>");
}

static void count_card(struct dash *d, const char *label, int64_t cur, int64_t prev)
{
    char a[32], p[32];

    snprintf(a, sizeof(a), "%lld", (long long)cur);
    snprintf(p, sizeof(p), "%lld", (long long)prev);
    card(d, label, a, p, CH_COUNT, (double)cur, (double)prev, true);
}

static void money_card(struct dash *d, const char *label, int64_t cur, int64_t prev)
{
    char a[REP_MONEY_MAX + 8], p[REP_MONEY_MAX + 8];

    money_text(a, sizeof(a), d->r->snap->config, cur);
    money_text(p, sizeof(p), d->r->snap->config, prev);
    card(d, label, a, p, CH_COUNT, (double)cur, (double)prev, true);
}

/* ---- sections ---- */

static void period_form(struct dash *d)
{
    struct buf *b = d->b;
    static const char *const quick[] = {"this_month", "last_month", "this_quarter", "ytd",
                                        "last_year"};

    buf_say(b, "<section><form class=\"f\" method=\"get\" action=\"/report\">"
               "<label>Period<input name=\"period\" value=\"");
    html_esc(b, d->p.name);
    buf_say(b, "\" placeholder=\"2026-01, this_month, ytd\"></label><label>Compare with"
               "<input name=\"compare\" value=\"");
    /* the default compare stays empty: its label ("2025 to date") is not a word */
    html_esc(b, !d->compare ? "none" : d->compare_default ? "" : d->cp.name);
    buf_say(b, "\" placeholder=\"the period before\"></label>"
               "<button type=\"submit\">Show</button></form><p class=\"meta\">");
    for (size_t i = 0; i < sizeof(quick) / sizeof(quick[0]); i++) {
        buf_say(b, "%s<a href=\"/report?period=%s\">%s</a>", i ? " · " : "", quick[i], quick[i]);
    }
    char f[11], t[11];
    date_format(d->p.from, f);
    date_format(period_last_day(&d->p), t);
    buf_say(b, "</p><p>Period <b>%s</b>: %s to %s", d->p.name, f, t);
    if (d->compare) {
        date_format(d->cp.from, f);
        date_format(period_last_day(&d->cp), t);
        buf_say(b, "; compared with <b>%s</b>: %s to %s", d->cp.name[0] ? d->cp.name : "before", f,
                t);
    }
    buf_say(b, ".</p></section>\n");
}

static void headline(struct dash *d, const struct rep_row *s, const struct rep_row *cs)
{
    char a[64], p[64];

    buf_say(d->b, "<div class=\"cards\">");
    count_card(d, "Leads", s->leads, cs->leads);
    count_card(d, "Bookings", s->bookings, cs->bookings);
    money_card(d, "Booked revenue", s->revenue, cs->revenue);
    pct_text(a, sizeof(a), s->booked, s->leads);
    pct_text(p, sizeof(p), cs->booked, cs->leads);
    card(d, "Conversion", a, p, CH_PCT_POINTS, rep_pct(s->booked, s->leads),
         rep_pct(cs->booked, cs->leads), s->leads > 0 && cs->leads > 0);
    duration(a, sizeof(a), s->resp_avg_s);
    duration(p, sizeof(p), cs->resp_avg_s);
    card(d, "First response, average", a, p, CH_SECONDS, (double)s->resp_avg_s,
         (double)cs->resp_avg_s, s->resp_avg_s >= 0 && cs->resp_avg_s >= 0);
    duration(a, sizeof(a), s->resp_p90_s);
    duration(p, sizeof(p), cs->resp_p90_s);
    card(d, "First response, p90", a, p, CH_SECONDS, (double)s->resp_p90_s, (double)cs->resp_p90_s,
         s->resp_p90_s >= 0 && cs->resp_p90_s >= 0);
    buf_say(d->b,
            "<div class=\"card\"><small>Stale leads now</small><b>%lld</b></div>"
            "<div class=\"card\"><small>Overdue follow-ups now</small><b>%lld</b></div>"
            "</div>\n",
            (long long)s->stale, (long long)s->overdue_followups);
}

static void payments(struct dash *d, const struct rep_row *s, const struct rep_row *cs)
{
    char a[REP_MONEY_MAX + 8], n[32];

    buf_say(d->b, "<h2>Payments</h2><div class=\"cards\">");
    money_card(d, "Received in the period", s->received, cs->received);
    money_text(a, sizeof(a), d->r->snap->config, s->due);
    snprintf(n, sizeof(n), "%lld", (long long)s->due_n);
    buf_say(d->b, "<div class=\"card\"><small>Due (not late)</small><b>");
    html_esc(d->b, a);
    buf_say(d->b, "</b><small>%s payment%s</small></div>", n, s->due_n == 1 ? "" : "s");
    money_text(a, sizeof(a), d->r->snap->config, s->overdue);
    snprintf(n, sizeof(n), "%lld", (long long)s->overdue_n);
    buf_say(d->b, "<div class=\"card\"><small>Overdue now</small><b class=\"down\">");
    html_esc(d->b, a);
    buf_say(d->b,
            "</b><small>%s payment%s · <a href=\"/report/payments\">list</a></small></div>"
            "</div>\n",
            n, s->overdue_n == 1 ? "" : "s");
}

static void funnel(struct dash *d)
{
    const struct rep_funnel fu = d->ls.funnel;
    struct chart_bar bars[REP_STAGES];
    char text[REP_STAGES][24];

    if (d->rc) {
        return;
    }
    char names[REP_STAGES][64];
    for (int i = 0; i < REP_STAGES; i++) {
        snprintf(text[i], sizeof(text[i]), "%lld", (long long)fu.at[i]);
        bars[i] =
            (struct chart_bar){html_label('s', rep_stage_names[i], names[i], sizeof(names[i])),
                               (double)fu.at[i], text[i]};
    }
    buf_say(d->b, "<section>");
    svg_funnel(d->b, "Funnel: the period's leads by stage now", bars, REP_STAGES);
    buf_say(d->b, "<p class=\"meta\">Stage to stage (reached the next of those that reached "
                  "this one): ");
    for (int k = 0; k < 6; k++) {
        char p[24];
        pct_text(p, sizeof(p), fu.reached[k + 1], fu.reached[k]);
        buf_say(d->b, "%s%s → %s %s", k ? " · " : "", bars[k].label, bars[k + 1].label, p);
    }
    buf_say(d->b, "</p></section>\n");
}

static void months(struct dash *d)
{
    struct rep_table t;
    const char *labels[12];
    double a[12], bk[12];
    int n = 0;

    rep_table_init(&t);
    d->rc = d->rc ? d->rc : rep_months(d->c, &d->q, &t);
    for (size_t i = 0; !d->rc && i < t.n && n < 12; i++, n++) {
        labels[n] = t.rows[i].key;
        a[n] = (double)t.rows[i].leads;
        bk[n] = (double)t.rows[i].bookings;
    }
    if (!d->rc) {
        buf_say(d->b, "<section>");
        svg_months(d->b, "12 months: leads and bookings", labels, a, bk, n, "Leads", "Bookings");
        buf_say(d->b, "</section>\n");
    }
    rep_table_release(&t);
}

static void by_source(struct dash *d)
{
    const struct rep_table t = d->ls.source;
    struct chart_bar bars[8];
    char text[8][64], names[8][64];
    int n = 0;

    for (size_t i = 0; !d->rc && i < t.n && n < 8; i++, n++) {
        char p[24];
        pct_text(p, sizeof(p), t.rows[i].booked, t.rows[i].leads);
        snprintf(text[n], sizeof(text[n]), "%lld (%lld booked, %s)", (long long)t.rows[i].leads,
                 (long long)t.rows[i].booked, p);
        bars[n] = (struct chart_bar){html_label('o', t.rows[i].key, names[n], sizeof(names[n])),
                                     (double)t.rows[i].leads, text[n]};
    }
    if (!d->rc) {
        buf_say(d->b, "<section>");
        if (n) {
            svg_hbars(d->b, "Leads by source (booked, conversion)", bars, n);
        } else {
            buf_say(d->b, "<b>Leads by source</b><p>No leads in this period.</p>");
        }
        buf_say(d->b, "</section>\n");
    }
}

static void by_campaign(struct dash *d)
{
    const struct rep_table t = d->ls.campaign;

    if (!d->rc && t.n) {
        buf_say(d->b, "<section><b>Leads by campaign</b><div class=\"scroll\"><table><tr>"
                      "<th>Campaign</th><th class=\"n\">Leads</th><th class=\"n\">Booked</th>"
                      "<th class=\"n\">Conversion</th></tr>");
        for (size_t i = 0; i < t.n; i++) {
            char p[24];
            pct_text(p, sizeof(p), t.rows[i].booked, t.rows[i].leads);
            buf_say(d->b, "<tr>");
            html_user(d->b, "td", t.rows[i].key[0] ? t.rows[i].key : "(none)");
            buf_say(d->b,
                    "<td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
                    "<td class=\"n\">%s</td></tr>",
                    (long long)t.rows[i].leads, (long long)t.rows[i].booked, p);
        }
        buf_say(d->b, "</table></div></section>\n");
    }
}

static void staff_table(struct dash *d)
{
    const struct rep_table t = d->ls.staff;
    struct chart_bar bars[32];
    char text[32][40];
    int n = 0;

    if (d->rc) {
        return;
    }
    for (size_t i = 0; i < t.n && n < 32; i++) {
        if (t.rows[i].resp_avg_s >= 0) {
            duration(text[n], sizeof(text[n]), t.rows[i].resp_avg_s);
            bars[n] = (struct chart_bar){t.rows[i].key, (double)t.rows[i].resp_avg_s, text[n]};
            n++;
        }
    }
    buf_say(d->b, "<section>");
    if (n) {
        svg_hbars(d->b, "First response time by salesperson (average)", bars, n);
    } else {
        buf_say(d->b, "<b>First response time by salesperson</b><p>No replies to measure in "
                      "this period.</p>");
    }
    buf_say(d->b, "</section></div><section><b>Salespeople</b><div class=\"scroll\"><table><tr>"
                  "<th>Salesperson</th><th class=\"n\">Assigned</th><th class=\"n\">Contacted"
                  "</th><th class=\"n\">Booked</th><th class=\"n\">Conversion</th>"
                  "<th class=\"n\">Response avg</th><th class=\"n\">p90</th>"
                  "<th class=\"n\">Revenue</th><th class=\"n\">Stale</th>"
                  "<th class=\"n\">Overdue follow-ups</th></tr>");
    for (size_t i = 0; i < t.n; i++) {
        const struct rep_row *w = &t.rows[i];
        char p[24], avg[32], p90[32], m[REP_MONEY_MAX + 8];
        pct_text(p, sizeof(p), w->booked, w->leads);
        duration(avg, sizeof(avg), w->resp_avg_s);
        duration(p90, sizeof(p90), w->resp_p90_s);
        money_text(m, sizeof(m), d->r->snap->config, w->revenue);
        buf_say(d->b, "<tr>");
        if (w->id > 0) {
            buf_say(d->b, "<td><a href=\"/report/leads?staff=%lld\" dir=\"auto\">",
                    (long long)w->id);
            html_esc(d->b, w->key);
            buf_say(d->b, "</a></td>");
        } else {
            html_user(d->b, "td", w->key[0] ? w->key : "unassigned");
        }
        buf_say(d->b,
                "<td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld"
                "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s"
                "</td><td class=\"n\">%s</td><td class=\"n\">%lld</td>"
                "<td class=\"n\">%lld</td></tr>",
                (long long)w->leads, (long long)w->contacted, (long long)w->booked, p, avg, p90, m,
                (long long)w->stale, (long long)w->overdue_followups);
    }
    buf_say(d->b, "</table></div></section>\n");
}

static void counts_table(struct buf *b, const char *title, const struct rep_table *t)
{
    buf_say(b, "<div><b>");
    html_esc(b, title);
    buf_say(b, "</b><table>");
    for (size_t i = 0; i < t->n; i++) {
        buf_say(b, "<tr>");
        html_user(b, "td", t->rows[i].key);
        buf_say(b, "<td class=\"n\">%lld</td></tr>", (long long)t->rows[i].leads);
    }
    if (!t->n) {
        buf_say(b, "<tr><td>none</td></tr>");
    }
    buf_say(b, "</table></div>");
}

static void service(struct dash *d)
{
    const struct rep_latency g = d->ls.greeting;
    struct rep_table e, f;
    char p50[32], p99[32];

    rep_table_init(&e);
    rep_table_init(&f);
    d->rc = d->rc ? d->rc : rep_ai_engines(d->c, &d->q, &e);
    d->rc = d->rc ? d->rc : rep_ai_fallbacks(d->c, &d->q, &f);
    if (!d->rc) {
        snprintf(p50, sizeof(p50), g.p50_ms < 0 ? "–" : "%.2f s", (double)g.p50_ms / 1000.0);
        snprintf(p99, sizeof(p99), g.p99_ms < 0 ? "–" : "%.2f s", (double)g.p99_ms / 1000.0);
        buf_say(d->b,
                "<section><b>The bot</b><p>Greeting sent after a new lead: p50 %s, p99 %s "
                "(%lld leads).</p><div class=\"grid\">",
                p50, p99, (long long)g.n);
        counts_table(d->b, "Staff messages understood, by engine", &e);
        counts_table(d->b, "Gemini answers not used, by reason", &f);
        buf_say(d->b, "</div><p><a href=\"/report/ai\">Every AI decision</a></p></section>\n");
    }
    rep_table_release(&e);
    rep_table_release(&f);
}

/* The compared period's figures the page shows beside the period's: leads,
 * bookings, revenue, conversion, response times, payments received (not the
 * "now" figures, stale leads and overdue, which rep_summary also counts). */
static int compare_figures(struct dbconn *c, const struct rep_query *q, struct rep_row *out)
{
    struct rep_table t;
    int rc;

    rep_table_init(&t);
    rc = rep_leads(c, q, REP_BY_NONE, &t);
    if (!rc) {
        out->leads = t.total.leads;
        out->booked = t.total.booked;
        out->resp_avg_s = t.total.resp_avg_s;
        out->resp_p90_s = t.total.resp_p90_s;
    }
    rep_table_release(&t);
    rc = rc ? rc : rep_bookings(c, q, REP_BY_NONE, &t);
    if (!rc) {
        out->bookings = t.total.bookings;
        out->revenue = t.total.revenue;
    }
    rep_table_release(&t);
    rc = rc ? rc : rep_received(c, q, REP_BY_NONE, &t);
    if (!rc) {
        out->received = t.total.received;
    }
    rep_table_release(&t);
    return rc;
}

/* ---- the page ---- */

/* A name for a period made by period_previous, in the period words where
 * there are some (2025-12, 2025-Q4, 2025), else its first day. */
static void period_label(struct period *p)
{
    char f[11], t[64];

    switch (p->kind) {
    case PERIOD_MONTH:
        snprintf(t, sizeof(t), "%04d-%02d", p->from.y, p->from.m);
        break;
    case PERIOD_QUARTER:
        snprintf(t, sizeof(t), "%04d-Q%d", p->from.y, (p->from.m - 1) / 3 + 1);
        break;
    case PERIOD_YEAR:
        snprintf(t, sizeof(t), "%04d", p->from.y);
        break;
    case PERIOD_YTD:
        snprintf(t, sizeof(t), "%04d to date", p->from.y);
        break;
    default:
        date_format(p->from, f);
        snprintf(t, sizeof(t), "%s", f);
    }
    snprintf(p->name, sizeof(p->name), "%.15s", t);
}

static bool periods(struct dash *d)
{
    const char *pw = http_query(d->r->req, "period");
    const char *cw = http_query(d->r->req, "compare");
    struct rb_date today = clock_local(time(NULL)).date;

    if (period_parse(pw && pw[0] ? pw : "this_month", today, &d->p)) {
        page_fail(d->r, 400, "Unknown period",
                  "A period is a month (2026-01), a quarter (2026-Q1), a year (2026), or one of "
                  "today, yesterday, this_week, last_week, this_month, last_month, "
                  "this_quarter, last_quarter, ytd, last_year.");
        return false;
    }
    d->compare = !(cw && strcmp(cw, "none") == 0);
    if (d->compare && cw && cw[0]) {
        if (period_parse(cw, today, &d->cp)) {
            page_fail(d->r, 400, "Unknown compare period",
                      "Compare with a period in the same words as period, or none.");
            return false;
        }
    } else if (d->compare) {
        d->compare_default = true;
        period_previous(&d->p, &d->cp);
        if (!d->cp.name[0]) {
            period_label(&d->cp);
        }
    }
    return true;
}

void page_dashboard(struct report_req *r)
{
    struct dash d = {.r = r, .b = &r->resp->body};
    struct rep_row s, cs;
    const struct config *cfg = r->snap->config;
    int64_t now = (int64_t)time(NULL);
    bool finance = r->scope == SCOPE_FINANCE;

    if (!periods(&d)) {
        return;
    }
    rep_lead_sets_init(&d.ls);
    d.q = rep_query_make(r->venue, r->tz, &d.p, now, cfg->stale_reminder_hours);
    d.cq = rep_query_make(r->venue, r->tz, &d.cp, now, cfg->stale_reminder_hours);
    memset(&cs, 0, sizeof(cs));
    cs.resp_avg_s = cs.resp_p90_s = -1;
    d.rc = db_acquire(r->ctx->app->db, 2000, &d.c);
    /* one snapshot for every figure of the page */
    d.rc = d.rc ? d.rc : db_begin(d.c);
    d.rc = d.rc ? d.rc
                : db_exec(d.c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0,
                          NULL, NULL);
    d.rc = d.rc ? d.rc : rep_tune(d.c);
    if (finance) {
        d.rc = d.rc ? d.rc : rep_summary(d.c, &d.q, &s);
    } else {
        /* The period's leads are read once for every grouping of the page
         * (salesperson, source, campaign, funnel, greeting); the
         * salesperson table's total is the period's summary (the same
         * statements grouped by salesperson, with the grand total from the
         * same GROUPING SETS): one pass instead of two. */
        d.rc = d.rc ? d.rc : rep_lead_sets(d.c, &d.q, &d.ls);
        d.rc = d.rc ? d.rc : rep_staff_complete(d.c, &d.q, &d.ls.staff);
        if (!d.rc) {
            s = d.ls.staff.total;
            s.key[0] = '\0';
            s.id = 0;
        }
    }
    if (d.compare) {
        d.rc = d.rc ? d.rc : compare_figures(d.c, &d.cq, &cs);
    }
    html_begin(d.b, r->venue_name, finance ? "Payments overview" : "Dashboard", "dashboard",
               finance);
    if (!d.rc) {
        period_form(&d);
        if (!finance) {
            headline(&d, &s, &cs);
            buf_say(d.b, "<div class=\"grid\">");
            funnel(&d);
            months(&d);
            by_source(&d);
            staff_table(&d); /* closes the grid */
            by_campaign(&d);
        }
        payments(&d, &s, &cs);
        if (!finance) {
            service(&d);
        }
    }
    rep_lead_sets_release(&d.ls);
    if (d.c) {
        db_rollback(d.c);
    }
    db_release(r->ctx->app->db, d.c);
    if (d.rc) {
        page_fail(r, 503, "Could not compute the figures", "The store is busy. Try again.");
        return;
    }
    html_end(d.b);
    page_done(r);
}
