/*
 * report.c - a report question into figures (store/reports.h) and into
 * words (prompts/<lang>/reports.txt), JSON or CSV (report.h).
 */
#include "domain/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grant.h"
#include "domain/handlers/handlers.h"

#define MAX_ROWS 8 /* group lines in one chat answer */

static const char *const metric_words[] = {
    "",        "leads",         "bookings",    "conversion_rate",
    "revenue", "response_time", "stale_leads", "overdue_payments"};

int report_metric_parse(const char *word, enum report_metric *out)
{
    for (size_t i = 0; i < sizeof(metric_words) / sizeof(metric_words[0]); i++) {
        if (strcmp(word ? word : "", metric_words[i]) == 0) {
            *out = (enum report_metric)i;
            return RB_OK;
        }
    }
    return RB_EPARSE;
}

const char *report_metric_name(enum report_metric m)
{
    return m == RM_NONE ? "summary" : metric_words[m];
}

void report_figs_init(struct report_figs *f)
{
    memset(f, 0, sizeof(*f));
    rep_table_init(&f->t[0]);
    rep_table_init(&f->t[1]);
}

void report_figs_release(struct report_figs *f)
{
    if (f) {
        rep_table_release(&f->t[0]);
        rep_table_release(&f->t[1]);
        report_figs_init(f);
    }
}

struct rb_date report_today(struct wctx *x)
{
    return clock_local(x->now_s).date;
}

void report_money(struct wctx *x, int64_t rupees, char out[REP_MONEY_MAX])
{
    const struct config *c = x->snap->config;

    rep_money(rupees, strcmp(c->report_money_grouping, "thousands") != 0, c->report_currency, out);
}

/* The figure table a metric is answered from. */
static int metric_table(struct dbconn *c, const struct rep_query *q, enum report_metric m,
                        enum rep_by by, struct rep_table *t)
{
    switch (m) {
    case RM_BOOKINGS:
    case RM_REVENUE:
        return rep_bookings(c, q, by, t);
    case RM_STALE:
        return rep_stale(c, q, by, t);
    case RM_OVERDUE:
        return rep_payments(c, q, by, t);
    default:
        return rep_leads(c, q, by, t);
    }
}

int report_compute(struct wctx *x, const struct report_ask *ask, struct report_figs *out,
                   const char **bad)
{
    const struct config *cfg = x->snap->config;
    struct rb_date today = report_today(x);
    const char *words[2] = {ask->period && ask->period[0] ? ask->period : "this_month",
                            ask->compare && ask->compare[0] ? ask->compare : NULL};
    int rc = RB_OK;

    report_figs_release(out);
    if (report_metric_parse(ask->metric, &out->metric)) {
        *bad = ask->metric;
        return RB_EPARSE;
    }
    if (rep_by_parse(ask->group_by, &out->by)) {
        *bad = ask->group_by;
        return RB_EPARSE;
    }
    out->nper = words[1] ? 2 : 1;
    for (int i = 0; i < out->nper; i++) {
        if (period_parse(words[i], today, &out->per[i])) {
            *bad = words[i];
            return RB_EPARSE;
        }
    }
    /* in the event's transaction: no JIT for these statements (see rep_tune) */
    rc = rep_tune(x->db);
    for (int i = 0; !rc && i < out->nper; i++) {
        struct rep_query q = rep_query_make(x->venue_id, cfg->time_zone, &out->per[i], x->now_s,
                                            cfg->stale_reminder_hours);
        q.staff_id = ask->staff_id;
        if (out->metric == RM_NONE && out->by == REP_BY_NONE) {
            rc = rep_summary(x->db, &q, &out->sum[i]);
        } else {
            /* one statement: the grouped rows and their total */
            rc = metric_table(x->db, &q, out->metric, out->by, &out->t[i]);
            out->sum[i] = out->t[i].total;
            if (out->by == REP_BY_NONE) {
                rep_table_release(&out->t[i]);
            }
            if (!rc && out->metric == RM_REVENUE && out->by == REP_BY_NONE) {
                /* booked revenue is said with what was received beside it */
                struct rep_table r;
                memset(&r, 0, sizeof r);
                rc = rep_received(x->db, &q, REP_BY_NONE, &r);
                out->sum[i].received = rc ? 0 : r.total.received;
                out->sum[i].received_n = rc ? 0 : r.total.received_n;
                rep_table_release(&r);
            }
        }
        if (!rc && out->by == REP_BY_STAGE) {
            rc = rep_funnel(x->db, &q, &out->f[i]);
        }
    }
    if (rc) {
        report_figs_release(out);
    }
    return rc;
}

/* ---- words ---- */

static int add_prompt(struct wctx *x, enum lang lang, const char *key, const json_t *vars,
                      struct buf *out)
{
    return render(x, lang, key, vars, out);
}

/* Renders key into a small string (the label of a line). */
static int prompt_str(struct wctx *x, enum lang lang, const char *key, const json_t *vars,
                      char *out, size_t n)
{
    struct buf b;
    int rc;

    buf_init(&b, 4096);
    rc = render(x, lang, key, vars, &b);
    if (!rc) {
        snprintf(out, n, "%s", b.p);
        /* one line */
        for (char *p = out; *p; p++) {
            if (*p == '\n') {
                *p = ' ';
            }
        }
    }
    buf_release(&b);
    return rc;
}

static const char *const month_keys[12] = {
    "rep_month_01", "rep_month_02", "rep_month_03", "rep_month_04", "rep_month_05", "rep_month_06",
    "rep_month_07", "rep_month_08", "rep_month_09", "rep_month_10", "rep_month_11", "rep_month_12"};

/* "2026-01" → "January 2026". */
static int month_label(struct wctx *x, enum lang lang, const char *ym, char *out, size_t n)
{
    int y, m;
    char name[64];

    if (sscanf(ym, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12) {
        snprintf(out, n, "%s", ym);
        return RB_OK;
    }
    int rc = prompt_str(x, lang, month_keys[m - 1], NULL, name, sizeof(name));
    if (!rc) {
        snprintf(out, n, "%s %d", name, y);
    }
    return rc;
}

int report_period_label(struct wctx *x, enum lang lang, const struct period *p, struct buf *out)
{
    char s[128], a[11], b[16];
    struct rb_date last = period_last_day(p);
    int rc;

    switch (p->kind) {
    case PERIOD_MONTH:
        snprintf(a, sizeof(a), "%04d-%02d", p->from.y % 10000, p->from.m % 100);
        rc = month_label(x, lang, a, s, sizeof(s));
        return rc ? rc : buf_adds(out, s);
    case PERIOD_QUARTER:
        return buf_addf(out, "Q%d %04d", (p->from.m - 1) / 3 + 1, p->from.y % 10000);
    case PERIOD_YEAR:
    case PERIOD_YTD:
        return buf_addf(out, "%04d", p->from.y % 10000);
    default:
        break;
    }
    if (date_cmp(p->from, last) == 0) {
        date_format(p->from, a);
        fmt_date(a, b);
        return buf_adds(out, b);
    }
    date_format(last, a);
    fmt_date(a, b);
    return buf_addf(out, "%02d/%02d - %s", p->from.d % 100, p->from.m % 100, b);
}

/* A duration in words: 45 s, 12 min, 1 h 5 min, 2 d 3 h. */
static int dur_str(struct wctx *x, enum lang lang, int64_t s, char *out, size_t n)
{
    json_t *v;
    const char *key;
    int64_t a = s < 0 ? -s : s;
    int rc;

    if (a < 60) {
        key = "rep_dur_s";
        v = json_pack("{s:I}", "n", (json_int_t)a);
    } else if (a < 3600) {
        key = "rep_dur_m";
        v = json_pack("{s:I}", "n", (json_int_t)((a + 30) / 60));
    } else if (a < 86400) {
        int64_t m = (a + 30) / 60;
        key = "rep_dur_hm";
        v = json_pack("{s:I, s:I}", "h", (json_int_t)(m / 60), "m", (json_int_t)(m % 60));
    } else {
        int64_t h = (a + 1800) / 3600;
        key = "rep_dur_dh";
        v = json_pack("{s:I, s:I}", "d", (json_int_t)(h / 24), "h", (json_int_t)(h % 24));
    }
    if (!v) {
        return RB_ENOMEM;
    }
    rc = prompt_str(x, lang, key, v, out, n);
    json_decref(v);
    return rc;
}

/* A figure of one kind, to be shown and compared. */
enum vkind { V_COUNT, V_MONEY, V_PCT, V_DUR };
struct fig {
    enum vkind k;
    int64_t n;  /* count, rupees, seconds */
    double pct; /* V_PCT */
    bool none;  /* nothing to measure (no leads, no replies) */
};

static struct fig metric_fig(enum report_metric m, const struct rep_row *r)
{
    struct fig f = {V_COUNT, 0, 0, false};

    switch (m) {
    case RM_NONE:
    case RM_LEADS:
        f.n = r->leads;
        break;
    case RM_BOOKINGS:
        f.n = r->bookings;
        break;
    case RM_CONVERSION:
        f.k = V_PCT;
        f.pct = rep_pct(r->booked, r->leads);
        f.none = r->leads == 0;
        break;
    case RM_REVENUE:
        f.k = V_MONEY;
        f.n = r->revenue;
        break;
    case RM_RESPONSE:
        f.k = V_DUR;
        f.n = r->resp_avg_s;
        f.none = r->resp_n == 0;
        break;
    case RM_STALE:
        f.n = r->stale;
        break;
    case RM_OVERDUE:
        f.k = V_MONEY;
        f.n = r->overdue;
        break;
    }
    return f;
}

static void pct_str(double p, char *out, size_t n)
{
    if (p == floor(p)) {
        snprintf(out, n, "%.0f %%", p);
    } else {
        snprintf(out, n, "%.1f %%", p);
    }
}

static int fig_str(struct wctx *x, enum lang lang, struct fig f, char *out, size_t n)
{
    char m[REP_MONEY_MAX];

    if (f.none) { /* a rate of no leads, a reply time with no reply: said in words */
        return prompt_str(x, lang, f.k == V_DUR ? "rep_none_dur" : "rep_none_pct", NULL, out, n);
    }
    switch (f.k) {
    case V_COUNT:
        snprintf(out, n, "%" PRId64, f.n);
        return RB_OK;
    case V_MONEY:
        report_money(x, f.n, m);
        snprintf(out, n, "%s", m);
        return RB_OK;
    case V_PCT:
        pct_str(f.pct, out, n);
        return RB_OK;
    case V_DUR:
        return dur_str(x, lang, f.n, out, n);
    }
    return RB_OK;
}

#define MINUS "\xe2\x88\x92" /* U+2212 */

/* The change from b to a: +60 % for counts and money, −15 (points) for a
 * rate, −3 min for a duration. */
static int change_str(struct wctx *x, enum lang lang, struct fig a, struct fig b, char *out,
                      size_t n)
{
    char d[64];

    if (a.none || b.none) {
        snprintf(out, n, "-");
        return RB_OK;
    }
    switch (a.k) {
    case V_COUNT:
    case V_MONEY:
        if (a.n == b.n) {
            snprintf(out, n, "=");
        } else if (b.n == 0) {
            if (a.k == V_MONEY) {
                char m[REP_MONEY_MAX];
                report_money(x, a.n, m);
                snprintf(out, n, "+%s", m);
            } else {
                snprintf(out, n, "+%" PRId64, a.n);
            }
        } else {
            double c = ((double)a.n - (double)b.n) * 100.0 / (double)b.n;
            long r = lround(c);
            snprintf(out, n, "%s%ld %%", r >= 0 ? "+" : MINUS, r >= 0 ? r : -r);
        }
        return RB_OK;
    case V_PCT: {
        double c = a.pct - b.pct;
        if (fabs(c) < 0.05) {
            snprintf(out, n, "=");
            return RB_OK;
        }
        pct_str(fabs(c), d, sizeof(d));
        d[strlen(d) - 2] = '\0'; /* drop " %": points */
        json_t *v = json_pack("{s:s, s:s}", "sign", c > 0 ? "+" : MINUS, "n", d);
        int rc = v ? prompt_str(x, lang, "rep_points", v, out, n) : RB_ENOMEM;
        json_decref(v);
        return rc;
    }
    case V_DUR: {
        int64_t c = a.n - b.n;
        int rc;
        if (c == 0) {
            snprintf(out, n, "=");
            return RB_OK;
        }
        rc = dur_str(x, lang, c, d, sizeof(d));
        if (!rc) {
            snprintf(out, n, "%s%s", c > 0 ? "+" : MINUS, d);
        }
        return rc;
    }
    }
    return RB_OK;
}

/* How many overdue payments, as the owner reads it: "1 payment", "2 payments". */
static int overdue_count(struct wctx *x, enum lang lang, int64_t n, char *out, size_t max)
{
    json_t *v = json_pack("{s:I}", "n", (json_int_t)n);
    int rc = v ? prompt_str(x, lang, n == 1 ? "rep_d_overdue_one" : "rep_d_overdue", v, out, max)
               : RB_ENOMEM;

    json_decref(v);
    return rc;
}

/* The detail after a single period's figure: "(Rs 26,00,000)" ... */
static int detail_str(struct wctx *x, enum lang lang, enum report_metric m, const struct rep_row *r,
                      char *out, size_t n)
{
    char a[REP_MONEY_MAX], b[64];
    json_t *v = NULL;
    const char *key = NULL;
    int rc = RB_OK;

    out[0] = '\0';
    switch (m) {
    case RM_BOOKINGS:
        report_money(x, r->revenue, a);
        snprintf(out, n, " (%s)", a);
        return RB_OK;
    case RM_CONVERSION:
        if (r->leads) {
            key = "rep_d_conversion";
            v = json_pack("{s:I, s:I}", "booked", (json_int_t)r->booked, "leads",
                          (json_int_t)r->leads);
        }
        break;
    case RM_REVENUE:
        key = r->bookings == 1 ? "rep_d_revenue_one" : "rep_d_revenue";
        v = json_pack("{s:I}", "n", (json_int_t)r->bookings);
        break;
    case RM_RESPONSE:
        if (r->resp_n) {
            rc = dur_str(x, lang, r->resp_p90_s, b, sizeof(b));
            key = "rep_d_response";
            v = json_pack("{s:s, s:I}", "p90", b, "n", (json_int_t)r->resp_n);
        }
        break;
    case RM_OVERDUE: {
        /* " (2 payments)", not a bare " (2)" */
        char c[64];
        rc = overdue_count(x, lang, r->overdue_n, c, sizeof(c));
        if (!rc) {
            snprintf(out, n, " (%s)", c);
        }
        return rc;
    }
    default:
        return RB_OK;
    }
    if (rc || !key) {
        return rc;
    }
    if (!v) {
        return RB_ENOMEM;
    }
    snprintf(out, n, " (");
    rc = prompt_str(x, lang, key, v, out + 2, n > 3 ? n - 3 : 0);
    if (!rc) {
        size_t l = strlen(out);
        if (l + 1 < n) {
            out[l] = ')';
            out[l + 1] = '\0';
        }
    }
    json_decref(v);
    return rc;
}

/* A group's label: a source, a stage, a month, a name or "(none)". */
static int key_label(struct wctx *x, enum lang lang, enum rep_by by, const char *k, char *out,
                     size_t n)
{
    char key[128];

    switch (by) {
    case REP_BY_SOURCE:
        snprintf(key, sizeof(key), "rep_src_%s", k);
        return prompt_str(x, lang, key, NULL, out, n);
    case REP_BY_STAGE:
        snprintf(key, sizeof(key), "stage_%s", k);
        return prompt_str(x, lang, key, NULL, out, n);
    case REP_BY_MONTH:
        return month_label(x, lang, k, out, n);
    case REP_BY_CAMPAIGN:
    case REP_BY_STAFF:
        if (!k[0]) {
            return prompt_str(x, lang, by == REP_BY_STAFF ? "rep_unassigned" : "rep_no_campaign",
                              NULL, out, n);
        }
        snprintf(out, n, "%s", k);
        return RB_OK;
    default:
        snprintf(out, n, "%s", k);
        return RB_OK;
    }
}

/* One line: "label: value" or "label: a vs b (change)". */
static int line(struct wctx *x, enum lang lang, const char *label, const char *a, const char *b,
                const char *change, struct buf *out)
{
    json_t *v = b ? json_pack("{s:s, s:s, s:s, s:s}", "label", label, "value", a, "other", b,
                              "change", change)
                  : json_pack("{s:s, s:s}", "label", label, "value", a);
    int rc = v ? RB_OK : RB_ENOMEM;

    rc = rc ? rc : buf_addc(out, '\n');
    /* no change to say when a side has no figure ("50 % vs no leads") */
    rc = rc ? rc
            : add_prompt(x, lang,
                         !b                         ? "rep_line"
                         : strcmp(change, "-") == 0 ? "rep_line_cmp_bare"
                                                    : "rep_line_cmp",
                         v, out);
    json_decref(v);
    return rc;
}

/* A figure line for rows a (and b when compared). */
static int fig_line(struct wctx *x, enum lang lang, const char *label, enum report_metric m,
                    const struct rep_row *a, const struct rep_row *b, struct buf *out)
{
    char va[160], vb[96], ch[64], det[128];
    struct fig fa = metric_fig(m, a);
    int rc = fig_str(x, lang, fa, va, sizeof(va));

    if (!rc && !b) {
        rc = detail_str(x, lang, m, a, det, sizeof(det));
        if (!rc && !fa.none) {
            strncat(va, det, sizeof(va) - strlen(va) - 1);
        }
        return rc ? rc : line(x, lang, label, va, NULL, NULL, out);
    }
    struct fig fb = metric_fig(m, b);
    rc = rc ? rc : fig_str(x, lang, fb, vb, sizeof(vb));
    rc = rc ? rc : change_str(x, lang, fa, fb, ch, sizeof(ch));
    return rc ? rc : line(x, lang, label, va, vb, ch, out);
}

static const char *const metric_label_keys[] = {
    "rep_l_leads",   "rep_l_leads",    "rep_l_bookings", "rep_l_conversion",
    "rep_l_revenue", "rep_l_response", "rep_l_stale",    "rep_l_overdue"};

/* The head line: "*Leads, January 2026*" / "*Leads: January 2026 vs December 2025*". */
static int head(struct wctx *x, enum lang lang, const char *key, const struct report_figs *f,
                struct buf *out)
{
    struct buf p0, p1;
    json_t *v;
    int rc;

    buf_init(&p0, 256);
    buf_init(&p1, 256);
    rc = report_period_label(x, lang, &f->per[0], &p0);
    rc = rc ? rc : f->nper > 1 ? report_period_label(x, lang, &f->per[1], &p1) : RB_OK;
    v = json_pack("{s:s, s:s}", "period", p0.p, "compare", p1.p);
    rc = rc ? rc : v ? RB_OK : RB_ENOMEM;
    if (!rc) {
        char k[64];
        snprintf(k, sizeof(k), "%s%s", key, f->nper > 1 ? "_cmp" : "");
        rc = add_prompt(x, lang, k, v, out);
    }
    json_decref(v);
    buf_release(&p0);
    buf_release(&p1);
    return rc;
}

int report_headline(struct wctx *x, enum lang lang, const struct report_figs *f, struct buf *out)
{
    static const enum report_metric ms[] = {RM_LEADS, RM_BOOKINGS, RM_REVENUE, RM_CONVERSION,
                                            RM_RESPONSE};
    const struct rep_row *b = f->nper > 1 ? &f->sum[1] : NULL;
    char label[96];
    int rc = RB_OK;

    for (size_t i = 0; !rc && i < sizeof(ms) / sizeof(ms[0]); i++) {
        rc = prompt_str(x, lang, metric_label_keys[ms[i]], NULL, label, sizeof(label));
        rc = rc ? rc : fig_line(x, lang, label, ms[i], &f->sum[0], b, out);
    }
    return rc;
}

/* The payments received in the period (and the compared one). */
static int received_line(struct wctx *x, enum lang lang, const struct report_figs *f,
                         struct buf *out)
{
    const struct rep_row *b = f->nper > 1 ? &f->sum[1] : NULL;
    struct fig ra = {V_MONEY, f->sum[0].received, 0, false};
    char label[96], va[REP_MONEY_MAX], vb[REP_MONEY_MAX], ch[64];
    int rc = prompt_str(x, lang, "rep_l_received", NULL, label, sizeof(label));

    rc = rc ? rc : fig_str(x, lang, ra, va, sizeof(va));
    if (!rc && b) {
        struct fig rb = {V_MONEY, b->received, 0, false};
        rc = fig_str(x, lang, rb, vb, sizeof(vb));
        rc = rc ? rc : change_str(x, lang, ra, rb, ch, sizeof(ch));
    }
    return rc ? rc : line(x, lang, label, va, b ? vb : NULL, b ? ch : NULL, out);
}

/* The headline figures, payments received; then stale leads and overdue
 * payments as of now. */
static int text_summary(struct wctx *x, enum lang lang, const struct report_figs *f,
                        struct buf *out)
{
    char m[REP_MONEY_MAX];
    int rc = head(x, lang, "rep_h_summary", f, out);

    rc = rc ? rc : report_headline(x, lang, f, out);
    rc = rc ? rc : received_line(x, lang, f, out);
    if (!rc) {
        json_t *v;
        char c[64];
        report_money(x, f->sum[0].overdue, m);
        rc = overdue_count(x, lang, f->sum[0].overdue_n, c, sizeof(c));
        v = rc ? NULL
               : json_pack("{s:I, s:s, s:s}", "stale", (json_int_t)f->sum[0].stale, "overdue", m,
                           "overdue_n", c);
        rc = rc ? rc : v ? buf_addc(out, '\n') : RB_ENOMEM;
        rc = rc ? rc : add_prompt(x, lang, "rep_now_line", v, out);
        json_decref(v);
    }
    return rc;
}

/* Finds the row keyed k in t, NULL if none. */
static const struct rep_row *row_of(const struct rep_table *t, const char *k, int64_t id)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->rows[i].key, k) == 0 && t->rows[i].id == id) {
            return &t->rows[i];
        }
    }
    return NULL;
}

/* Stage-to-stage conversion of the funnel (conversion by stage). */
static int text_stage_conversion(struct wctx *x, enum lang lang, const struct report_figs *f,
                                 struct buf *out)
{
    char from[64], to[64], label[160], va[64], vb[64], ch[64];
    int rc = RB_OK;

    for (int k = 0; !rc && k < REP_STAGES - 2; k++) {
        struct fig a = {V_PCT, 0, rep_pct(f->f[0].reached[k + 1], f->f[0].reached[k]),
                        f->f[0].reached[k] == 0};
        rc = key_label(x, lang, REP_BY_STAGE, rep_stage_names[k], from, sizeof(from));
        rc = rc ? rc : key_label(x, lang, REP_BY_STAGE, rep_stage_names[k + 1], to, sizeof(to));
        snprintf(label, sizeof(label), "%s \xe2\x86\x92 %s", from, to);
        rc = rc ? rc : fig_str(x, lang, a, va, sizeof(va));
        if (!rc && f->nper > 1) {
            struct fig b = {V_PCT, 0, rep_pct(f->f[1].reached[k + 1], f->f[1].reached[k]),
                            f->f[1].reached[k] == 0};
            rc = fig_str(x, lang, b, vb, sizeof(vb));
            rc = rc ? rc : change_str(x, lang, a, b, ch, sizeof(ch));
            rc = rc ? rc : line(x, lang, label, va, vb, ch, out);
        } else if (!rc) {
            char d[48];
            snprintf(d, sizeof(d), " (%" PRId64 "/%" PRId64 ")", f->f[0].reached[k + 1],
                     f->f[0].reached[k]);
            if (!a.none) {
                strncat(va, d, sizeof(va) - strlen(va) - 1);
            }
            rc = line(x, lang, label, va, NULL, NULL, out);
        }
    }
    return rc;
}

/* Leads by stage: the funnel's current stages. */
static int text_funnel(struct wctx *x, enum lang lang, const struct report_figs *f, struct buf *out)
{
    char label[64];
    int rc = RB_OK;

    for (int k = 0; !rc && k < REP_STAGES; k++) {
        struct rep_row a, b;
        memset(&a, 0, sizeof(a));
        memset(&b, 0, sizeof(b));
        a.leads = f->f[0].at[k];
        b.leads = f->f[1].at[k];
        if (a.leads == 0 && (f->nper < 2 || b.leads == 0)) {
            continue;
        }
        rc = key_label(x, lang, REP_BY_STAGE, rep_stage_names[k], label, sizeof(label));
        rc = rc ? rc : fig_line(x, lang, label, RM_LEADS, &a, f->nper > 1 ? &b : NULL, out);
    }
    return rc;
}

/* The sources a by-source answer always names (leads.source, "other" aside). */
static const char *const always_sources[] = {"whatsapp", "meta", "walk_in"};

/* The grouped rows of the metric, both periods' keys, at most MAX_ROWS. */
static int text_rows(struct wctx *x, enum lang lang, const struct report_figs *f, struct buf *out)
{
    struct rep_row zero;
    char label[128];
    size_t shown = 0, more = 0;
    int rc = RB_OK;

    memset(&zero, 0, sizeof(zero));
    zero.resp_avg_s = zero.resp_p90_s = -1;
    for (int t = 0; !rc && t < f->nper; t++) {
        for (size_t i = 0; !rc && i < f->t[t].n; i++) {
            const struct rep_row *r = &f->t[t].rows[i];
            const struct rep_row *a, *b;
            if (t == 1 && row_of(&f->t[0], r->key, r->id)) {
                continue; /* shown with the first period's row */
            }
            if (shown == MAX_ROWS) {
                more++;
                continue;
            }
            a = t == 0 ? r : &zero;
            b = f->nper > 1 ? (t == 0 ? row_of(&f->t[1], r->key, r->id) : r) : NULL;
            if (f->nper > 1 && !b) {
                b = &zero;
            }
            rc = key_label(x, lang, f->by, r->key, label, sizeof(label));
            rc = rc ? rc : fig_line(x, lang, label, f->metric, a, b, out);
            shown++;
        }
    }
    /* by source: the venue's sources with nothing in either period too, so
     * "Meta vs walk-ins" answers for both ("Meta ads: no leads") */
    for (size_t k = 0;
         !rc && f->by == REP_BY_SOURCE && k < sizeof(always_sources) / sizeof(always_sources[0]);
         k++) {
        const char *src = always_sources[k];
        if (shown == MAX_ROWS || row_of(&f->t[0], src, 0) ||
            (f->nper > 1 && row_of(&f->t[1], src, 0)) ||
            (f->metric != RM_LEADS && f->metric != RM_BOOKINGS && f->metric != RM_CONVERSION &&
             f->metric != RM_REVENUE)) {
            continue;
        }
        rc = key_label(x, lang, f->by, src, label, sizeof(label));
        if (!rc && f->metric == RM_CONVERSION) {
            char none[96];
            rc = prompt_str(x, lang, "rep_src_none", NULL, none, sizeof(none));
            rc = rc ? rc : line(x, lang, label, none, NULL, NULL, out);
        } else if (!rc) {
            rc = fig_line(x, lang, label, f->metric, &zero, f->nper > 1 ? &zero : NULL, out);
        }
        shown++;
    }
    if (!rc && more) {
        json_t *v = json_pack("{s:I}", "n", (json_int_t)more);
        rc = v ? buf_addc(out, '\n') : RB_ENOMEM;
        rc = rc ? rc : add_prompt(x, lang, "rep_more", v, out);
        json_decref(v);
    }
    return rc;
}

/* Nothing in the period for a metric about the period: "No leads in ... yet". */
static bool empty_period(const struct report_figs *f)
{
    for (int i = 0; i < f->nper; i++) {
        const struct rep_row *s = &f->sum[i];
        bool empty;
        switch (f->metric) {
        case RM_STALE:
            return s->stale == 0 && f->nper == 1 ? true : false;
        case RM_OVERDUE: /* nothing overdue now: say so, not "Rs 0 (0)" */
            return s->overdue == 0 && s->overdue_n == 0;
        case RM_BOOKINGS:
            empty = s->bookings == 0;
            break;
        case RM_REVENUE: /* its answer says the payments received too */
            empty = s->bookings == 0 && s->received == 0;
            break;
        case RM_NONE:
            empty = s->leads == 0 && s->bookings == 0 && s->received == 0;
            break;
        default:
            empty = s->leads == 0;
        }
        if (!empty) {
            return false;
        }
    }
    return true;
}

static int text_empty(struct wctx *x, enum lang lang, const struct report_figs *f, struct buf *out)
{
    struct buf p;
    json_t *v;
    const char *key = f->metric == RM_BOOKINGS || f->metric == RM_REVENUE ? "rep_empty_bookings"
                      : f->metric == RM_STALE                             ? "rep_empty_stale"
                      : f->metric == RM_OVERDUE                           ? "rep_empty_overdue"
                                                                          : "rep_empty_leads";
    int rc;

    buf_init(&p, 512);
    rc = report_period_label(x, lang, &f->per[0], &p);
    if (!rc && f->nper > 1) {
        rc = buf_adds(&p, f->metric == RM_NONE && lang == LANG_UR ? " / " : " / ");
        rc = rc ? rc : report_period_label(x, lang, &f->per[1], &p);
    }
    v = json_pack("{s:s, s:I}", "period", p.p, "hours",
                  (json_int_t)x->snap->config->stale_reminder_hours);
    rc = rc ? rc : v ? add_prompt(x, lang, key, v, out) : RB_ENOMEM;
    json_decref(v);
    buf_release(&p);
    return rc;
}

int report_text(struct wctx *x, enum lang lang, const struct report_figs *f, struct buf *out)
{
    char label[96];
    int rc;

    if (empty_period(f)) {
        return text_empty(x, lang, f, out);
    }
    if (f->metric == RM_NONE && f->by == REP_BY_NONE) {
        return text_summary(x, lang, f, out);
    }
    {
        char hk[48];
        enum report_metric m = f->metric == RM_NONE ? RM_LEADS : f->metric;
        snprintf(hk, sizeof(hk), "rep_h_%s", report_metric_name(m));
        rc = head(x, lang, hk, f, out);
        rc = rc ? rc : prompt_str(x, lang, "rep_total", NULL, label, sizeof(label));
        rc =
            rc ? rc : fig_line(x, lang, label, m, &f->sum[0], f->nper > 1 ? &f->sum[1] : NULL, out);
        if (!rc && f->by == REP_BY_NONE && m == RM_REVENUE) {
            /* booked is not received: "is mahine kitni payment aayi" */
            rc = received_line(x, lang, f, out);
        }
        if (rc || f->by == REP_BY_NONE) {
            return rc;
        }
        if (f->by == REP_BY_STAGE && (m == RM_LEADS || m == RM_CONVERSION)) {
            return m == RM_LEADS ? text_funnel(x, lang, f, out)
                                 : text_stage_conversion(x, lang, f, out);
        }
        {
            struct report_figs g = *f;
            g.metric = m;
            return text_rows(x, lang, &g, out);
        }
    }
}

/* ---- JSON and CSV ---- */

static json_t *row_json(const struct rep_row *r)
{
    json_t *o = json_pack(
        "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
        " s:I, s:I}",
        "key", r->key, "id", (json_int_t)r->id, "leads", (json_int_t)r->leads, "contacted",
        (json_int_t)r->contacted, "booked", (json_int_t)r->booked, "response_n",
        (json_int_t)r->resp_n, "response_avg_s", (json_int_t)r->resp_avg_s, "response_p90_s",
        (json_int_t)r->resp_p90_s, "pipeline", (json_int_t)r->pipeline, "bookings",
        (json_int_t)r->bookings, "revenue", (json_int_t)r->revenue, "stale", (json_int_t)r->stale,
        "received", (json_int_t)r->received, "received_n", (json_int_t)r->received_n, "due",
        (json_int_t)r->due, "due_n", (json_int_t)r->due_n, "overdue", (json_int_t)r->overdue,
        "overdue_n", (json_int_t)r->overdue_n, "overdue_followups",
        (json_int_t)r->overdue_followups);
    double p = rep_pct(r->booked, r->leads);

    if (o) {
        json_object_set_new(o, "conversion_pct", p < 0 ? json_null() : json_real(p));
    }
    return o;
}

static json_t *funnel_json(const struct rep_funnel *f)
{
    json_t *o = json_object(), *at = json_object(), *re = json_object();

    if (!o || !at || !re) {
        json_decref(o);
        json_decref(at);
        json_decref(re);
        return NULL;
    }
    for (int k = 0; k < REP_STAGES; k++) {
        json_object_set_new(at, rep_stage_names[k], json_integer(f->at[k]));
        json_object_set_new(re, rep_stage_names[k], json_integer(f->reached[k]));
    }
    json_object_set_new(o, "total", json_integer(f->total));
    json_object_set_new(o, "at", at);
    json_object_set_new(o, "reached", re);
    return o;
}

static const char *const by_names[] = {"none", "source", "campaign", "staff", "stage", "month"};

json_t *report_json(const struct report_figs *f)
{
    json_t *o = json_pack("{s:s, s:s, s:[]}", "metric", report_metric_name(f->metric), "group_by",
                          by_names[f->by], "periods");
    json_t *ps = o ? json_object_get(o, "periods") : NULL;

    for (int i = 0; ps && i < f->nper; i++) {
        char a[11], b[11];
        json_t *rows = json_array();
        date_format(f->per[i].from, a);
        date_format(f->per[i].to, b);
        for (size_t k = 0; rows && k < f->t[i].n; k++) {
            json_array_append_new(rows, row_json(&f->t[i].rows[k]));
        }
        json_t *p = json_pack("{s:s, s:s, s:s, s:o*, s:o*}", "period", f->per[i].name, "from", a,
                              "to", b, "summary", row_json(&f->sum[i]), "rows", rows);
        if (p && f->by == REP_BY_STAGE) {
            json_object_set_new(p, "funnel", funnel_json(&f->f[i]));
        }
        if (!p || json_array_append_new(ps, p)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static int csv_field(struct buf *out, const char *s)
{
    int rc = buf_addc(out, '"');

    for (; !rc && *s; s++) {
        rc = *s == '"' ? buf_adds(out, "\"\"") : buf_addc(out, *s);
    }
    return rc ? rc : buf_addc(out, '"');
}

static int csv_row(struct buf *out, const char *period, const struct rep_row *r)
{
    int rc = csv_field(out, period);

    rc = rc ? rc : buf_addc(out, ',');
    rc = rc ? rc : csv_field(out, r->key);
    rc = rc ? rc
            : buf_addf(out,
                       ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
                       ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
                       ",%" PRId64 ",%" PRId64 ",%" PRId64 "\r\n",
                       r->leads, r->contacted, r->booked, r->resp_avg_s, r->resp_p90_s, r->pipeline,
                       r->bookings, r->revenue, r->stale, r->received, r->due, r->overdue,
                       r->overdue_n, r->overdue_followups, r->id);
    return rc;
}

int report_csv(const struct report_figs *f, struct buf *out)
{
    int rc = buf_adds(out, "period,key,leads,contacted,booked,response_avg_s,response_p90_s,"
                           "pipeline,bookings,revenue,stale,received,due,overdue,overdue_n,"
                           "overdue_followups,staff_id\r\n");

    for (int i = 0; !rc && i < f->nper; i++) {
        if (f->by == REP_BY_NONE) {
            rc = csv_row(out, f->per[i].name, &f->sum[i]);
        }
        for (size_t k = 0; !rc && k < f->t[i].n; k++) {
            rc = csv_row(out, f->per[i].name, &f->t[i].rows[k]);
        }
    }
    return rc;
}

/* ---- the link ---- */

int report_link(struct wctx *x, const char *scope, struct buf *out)
{
    const char *secret = x->app ? x->app->env.report_token : NULL;
    const char *base = x->snap->config->report_public_url;
    size_t n = strlen(base);
    int rc;

    if (!secret || !secret[0]) {
        return RB_ENOTFOUND;
    }
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    /* no public_url: the address serve listens on (RABTA_LISTEN) */
    rc = n ? buf_add(out, base, n)
           : buf_addf(out, "http://%s",
                      x->app && x->app->env.listen ? x->app->env.listen : "127.0.0.1:8080");
    rc = rc ? rc : buf_adds(out, "/report?grant=");
    rc = rc ? rc : grant_make(secret, scope, (time_t)(x->now_s + 24 * 3600), out);
    return rc;
}
