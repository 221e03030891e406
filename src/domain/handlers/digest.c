/*
 * digest.c - the weekly digest: on [report] digest_day at digest_time (venue
 * time), every owner gets last week against the week before (leads by
 * source, bookings, revenue, conversion, first reply, stale leads by
 * salesperson, overdue payments, the page link). send_staff sends the
 * notify template instead when the owner's 24-hour window is closed.
 *
 * Once a week: the tick claims the row app_state "digest:<venue>:<monday>"
 * (INSERT ... ON CONFLICT DO NOTHING) in the transaction that queues the
 * messages, so two serve processes, two ticks or a restart at 09:00 send it
 * once; a server that was down at 09:00 sends it when it starts that day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/handlers/handlers.h"
#include "domain/report.h"
#include "store/state.h"

static const char *const days[] = {"monday", "tuesday",  "wednesday", "thursday",
                                   "friday", "saturday", "sunday"};

/* "WhatsApp 3, Meta ads 2" (or for stale leads "Bilal Ahmed 2, ...") of t's rows. */
static int list_of(struct wctx *x, enum lang lang, const struct rep_table *t, bool stale,
                   struct buf *out)
{
    int rc = RB_OK;

    for (size_t i = 0; !rc && i < t->n; i++) {
        char key[128];
        struct buf label;
        int64_t n = stale ? t->rows[i].stale : t->rows[i].leads;

        buf_init(&label, 256);
        if (stale) {
            rc = buf_adds(&label, t->rows[i].key);
        } else {
            snprintf(key, sizeof(key), "rep_src_%s", t->rows[i].key);
            rc = render(x, lang, key, NULL, &label);
        }
        rc = rc ? rc : buf_addf(out, "%s%s %lld", i ? ", " : "", label.p, (long long)n);
        buf_release(&label);
    }
    return rc;
}

static int add_line(struct wctx *x, enum lang lang, const char *key, const json_t *vars,
                    struct buf *out)
{
    int rc = buf_addc(out, '\n');
    return rc ? rc : render(x, lang, key, vars, out);
}

/* The digest's text for the figures f (last week, the week before). */
static int digest_body(struct wctx *x, enum lang lang, const struct report_figs *f, struct buf *out)
{
    const struct config *cfg = x->snap->config;
    struct rep_query q = rep_query_make(x->venue_id, cfg->time_zone, &f->per[0], x->now_s,
                                        cfg->stale_reminder_hours);
    struct rep_table src, stale;
    struct buf list, link, p0, p1;
    char money[REP_MONEY_MAX];
    json_t *v = NULL;
    int rc;

    rep_table_init(&src);
    rep_table_init(&stale);
    buf_init(&list, 4096);
    buf_init(&link, 4096);
    buf_init(&p0, 256);
    buf_init(&p1, 256);
    rc = report_period_label(x, lang, &f->per[0], &p0);
    rc = rc ? rc : report_period_label(x, lang, &f->per[1], &p1);
    v = rc ? NULL : json_pack("{s:s, s:s}", "period", p0.p, "compare", p1.p);
    rc = rc ? rc : v ? render(x, lang, "rep_digest_head", v, out) : RB_ENOMEM;
    json_decref(v);
    v = NULL;
    /* leads, bookings, revenue, conversion, first reply: side by side */
    rc = rc ? rc : report_headline(x, lang, f, out);
    rc = rc ? rc : rep_leads(x->db, &q, REP_BY_SOURCE, &src);
    rc = rc ? rc : list_of(x, lang, &src, false, &list);
    v = rc ? NULL : json_pack("{s:s}", "list", list.p);
    rc = rc   ? rc
         : !v ? RB_ENOMEM
              : add_line(x, lang, src.n ? "rep_digest_sources" : "rep_digest_sources_none", v, out);
    json_decref(v);
    v = NULL;
    rc = rc ? rc : rep_stale(x->db, &q, REP_BY_STAFF, &stale);
    if (!rc) {
        buf_reset(&list);
        rc = list_of(x, lang, &stale, true, &list);
        v = rc ? NULL : json_pack("{s:s}", "list", list.p);
        rc = rc   ? rc
             : !v ? RB_ENOMEM
                  : add_line(x, lang, stale.n ? "rep_digest_stale" : "rep_digest_stale_none", v,
                             out);
        json_decref(v);
        v = NULL;
    }
    if (!rc) {
        report_money(x, f->sum[0].overdue, money);
        v = json_pack("{s:s, s:I}", "amount", money, "n", (json_int_t)f->sum[0].overdue_n);
        rc = v ? add_line(x, lang, "rep_digest_overdue", v, out) : RB_ENOMEM;
        json_decref(v);
        v = NULL;
    }
    if (!rc && report_link(x, "owner", &link) == RB_OK) {
        v = json_pack("{s:s}", "url", link.p);
        rc = v ? add_line(x, lang, "rep_digest_link", v, out) : RB_ENOMEM;
        json_decref(v);
    }
    rep_table_release(&src);
    rep_table_release(&stale);
    buf_release(&list);
    buf_release(&link);
    buf_release(&p0);
    buf_release(&p1);
    return rc;
}

/* Claims this week's digest; *mine is true when this call claimed it. */
static int claim(struct wctx *x, struct rb_date monday, bool *mine)
{
    char key[64], d[11];

    date_format(monday, d);
    snprintf(key, sizeof(key), "digest:%lld:%s", (long long)x->venue_id, d);
    return store_state_claim(x->db, key, x->now_s, mine);
}

int digest_tick(struct wctx *x)
{
    const struct config *cfg = x->snap->config;
    struct rb_datetime now = clock_local(x->now_s);
    int wd = date_weekday(now.date);
    struct report_ask ask = {NULL, NULL, "last_week", NULL, 0};
    struct report_figs f;
    struct buf body;
    int64_t *owners = NULL;
    size_t n = 0;
    bool mine = false;
    const char *bad = NULL;
    int rc;

    if (strcmp(cfg->report_digest_day, "off") == 0 || strcmp(days[wd], cfg->report_digest_day) ||
        now.hour * 60 + now.min < cfg->report_digest_min) {
        return RB_OK;
    }
    /* a digest that cannot be made must not hold back the tick's reminders */
    rc = db_savepoint(x->db, "digest");
    rc = rc ? rc : claim(x, date_add_days(now.date, -wd), &mine);
    if (rc || !mine) {
        return rc;
    }
    report_figs_init(&f);
    buf_init(&body, 1 << 16);
    rc = report_compute(x, &ask, &f, &bad);
    if (!rc) {
        /* the week before last week */
        struct rep_query q;

        period_previous(&f.per[0], &f.per[1]);
        f.nper = 2;
        q = rep_query_make(x->venue_id, cfg->time_zone, &f.per[1], x->now_s,
                           cfg->stale_reminder_hours);
        rc = rep_summary(x->db, &q, &f.sum[1]);
    }
    rc = rc ? rc : staff_owners(x, &owners, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        struct staff_info s;
        struct say_opts o = {0, "digest", false, NULL};

        staff_info_init(&s);
        buf_reset(&body);
        rc = staff_load(x, owners[i], &s);
        rc = rc ? rc : digest_body(x, staff_lang(&s), &f, &body);
        rc = rc ? rc : send_staff(x, &s, body.p, &o);
        staff_info_release(&s);
    }
    if (!rc) {
        log_event(LOG_INFO, "report.digest", "owners=%zu week=%s", n, f.per[0].name);
    } else if (rc != RB_ESTORE) {
        log_event(LOG_ERROR, "report.digest_failed", "error=%s", rb_strerror(rc));
        rc = db_rollback_to(x->db, "digest");
    }
    free(owners);
    report_figs_release(&f);
    buf_release(&body);
    return rc;
}
