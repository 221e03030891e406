/*
 * report.c - `rabta report`: the owner's figures from the command line,
 * the same answers as by chat (domain/report.h).
 *
 *   rabta report [--period P] [--compare P] [--metric M] [--group-by G]
 *                [--format text|json|csv] [--lang en|roman_ur|ur] [--now YYYY-MM-DDTHH:MM]
 *
 * With --format json and neither --metric nor --group-by, the JSON also has
 * every other figure of the period: the salesperson table, the funnel,
 * greeting latency, AI parses by engine and fallbacks by reason, 12 months.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/setup.h"
#include "domain/report.h"
#include "store/reports.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: rabta report [--period P] [--compare P] [--metric M] [--group-by G]\n"
            "                    [--format text|json|csv] [--lang en|roman_ur|ur]"
            " [--now YYYY-MM-DDTHH:MM]\n"
            "  P: YYYY-MM, YYYY-Qn, YYYY, today, yesterday, this_week, last_week, this_month,\n"
            "     last_month, this_quarter, last_quarter, ytd, last_year (default this_month)\n"
            "  M: leads, bookings, conversion_rate, revenue, response_time, stale_leads,\n"
            "     overdue_payments (default: the headline figures)\n"
            "  G: source, campaign, staff, stage, month\n");
}

static json_t *table_json(const struct rep_table *t)
{
    json_t *a = json_array();
    struct report_figs f;

    /* rows through report_json's row format: one period, REP_BY_* rows */
    report_figs_init(&f);
    f.nper = 1;
    f.t[0] = *t;
    f.by = REP_BY_STAFF;
    json_t *j = report_json(&f);
    json_t *rows =
        j ? json_object_get(json_array_get(json_object_get(j, "periods"), 0), "rows") : NULL;
    if (a && rows) {
        json_array_extend(a, rows);
    }
    json_decref(j);
    return a;
}

/* Every other figure of period 0, added to o. */
static int json_more(struct wctx *x, const struct report_figs *f, json_t *o)
{
    const struct config *cfg = x->snap->config;
    struct rep_query q = rep_query_make(x->venue_id, cfg->time_zone, &f->per[0], x->now_s,
                                        cfg->stale_reminder_hours);
    struct rep_table t;
    struct rep_funnel fu;
    struct rep_latency g;
    int rc;

    rep_table_init(&t);
    rc = rep_staff_table(x->db, &q, &t);
    if (!rc) {
        json_object_set_new(o, "staff", table_json(&t));
        rc = rep_funnel(x->db, &q, &fu);
    }
    if (!rc) {
        json_t *at = json_object(), *re = json_object();
        for (int k = 0; at && re && k < REP_STAGES; k++) {
            json_object_set_new(at, rep_stage_names[k], json_integer(fu.at[k]));
            json_object_set_new(re, rep_stage_names[k], json_integer(fu.reached[k]));
        }
        json_object_set_new(
            o, "funnel",
            json_pack("{s:I, s:o*, s:o*}", "total", (json_int_t)fu.total, "at", at, "reached", re));
        rc = rep_greeting(x->db, &q, &g);
    }
    if (!rc) {
        json_object_set_new(o, "greeting",
                            json_pack("{s:I, s:I, s:I}", "n", (json_int_t)g.n, "p50_ms",
                                      (json_int_t)g.p50_ms, "p99_ms", (json_int_t)g.p99_ms));
        rc = rep_ai_engines(x->db, &q, &t);
    }
    if (!rc) {
        json_t *e = json_object();
        for (size_t i = 0; e && i < t.n; i++) {
            json_object_set_new(e, t.rows[i].key, json_integer(t.rows[i].leads));
        }
        json_object_set_new(o, "ai_engines", e);
        rc = rep_ai_fallbacks(x->db, &q, &t);
    }
    if (!rc) {
        json_t *e = json_object();
        for (size_t i = 0; e && i < t.n; i++) {
            json_object_set_new(e, t.rows[i].key, json_integer(t.rows[i].leads));
        }
        json_object_set_new(o, "ai_fallbacks", e);
        rc = rep_months(x->db, &q, &t);
    }
    if (!rc) {
        json_t *m = json_array();
        for (size_t i = 0; m && i < t.n; i++) {
            json_array_append_new(m, json_pack("{s:s, s:I, s:I, s:I}", "month", t.rows[i].key,
                                               "leads", (json_int_t)t.rows[i].leads, "bookings",
                                               (json_int_t)t.rows[i].bookings, "revenue",
                                               (json_int_t)t.rows[i].revenue));
        }
        json_object_set_new(o, "months", m);
    }
    rep_table_release(&t);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"period", required_argument, 0, 'p'},
                                         {"compare", required_argument, 0, 'c'},
                                         {"metric", required_argument, 0, 'm'},
                                         {"group-by", required_argument, 0, 'g'},
                                         {"format", required_argument, 0, 'f'},
                                         {"lang", required_argument, 0, 'l'},
                                         {"now", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    struct report_ask ask = {NULL, NULL, NULL, NULL, 0};
    const char *format = "text", *lang_s = "en", *now_s = NULL, *bad = NULL;
    struct app app;
    struct dbconn *c = NULL;
    struct report_figs f;
    struct buf out;
    enum lang lang;
    struct wctx x;
    int o, rc;

    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'p':
            ask.period = optarg;
            break;
        case 'c':
            ask.compare = optarg;
            break;
        case 'm':
            ask.metric = optarg;
            break;
        case 'g':
            ask.group_by = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'l':
            lang_s = optarg;
            break;
        case 'n':
            now_s = optarg;
            break;
        default:
            usage();
            return 2;
        }
    }
    if (optind < argc ||
        (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv")) ||
        lang_parse(lang_s, &lang)) {
        usage();
        return 2;
    }
    rc = setup_app(&app, SETUP_STORE | SETUP_MIGRATE | SETUP_SEED);
    if (rc) {
        setup_release(&app);
        return 1;
    }
    memset(&x, 0, sizeof(x));
    x.app = &app;
    x.snap = app.snap;
    x.venue_id = app.venue_id;
    x.now_s = clock_now_ms() / 1000;
    if (now_s) {
        struct rb_datetime t;
        if (datetime_parse(now_s, &t)) {
            fprintf(stderr, "rabta report: --now \"%s\": expected YYYY-MM-DDTHH:MM\n", now_s);
            setup_release(&app);
            return 2;
        }
        x.now_s = clock_from_local(t);
    }
    report_figs_init(&f);
    buf_init(&out, 1 << 24);
    rc = db_acquire(app.db, 5000, &c);
    x.db = c;
    rc = rc ? rc : report_compute(&x, &ask, &f, &bad);
    if (rc == RB_EPARSE) {
        fprintf(stderr, "rabta report: \"%s\" is not a period, metric or group (see --help)\n",
                bad ? bad : "");
        rc = 2;
        goto out;
    }
    if (!rc && strcmp(format, "json") == 0) {
        json_t *j = report_json(&f);
        rc = j ? RB_OK : RB_ENOMEM;
        if (!rc && !ask.metric && !ask.group_by) {
            rc = json_more(&x, &f, j);
        }
        char *s = rc ? NULL : json_dumps(j, JSON_INDENT(1));
        if (s) {
            printf("%s\n", s);
            free(s);
        }
        json_decref(j);
    } else if (!rc && strcmp(format, "csv") == 0) {
        rc = report_csv(&f, &out);
        fputs(out.p, stdout);
    } else if (!rc) {
        rc = report_text(&x, lang, &f, &out);
        if (!rc) {
            printf("%s\n", out.p);
        }
    }
    if (rc) {
        fprintf(stderr, "rabta report: %s\n", rb_strerror(rc));
        rc = 1;
    }
out:
    report_figs_release(&f);
    buf_release(&out);
    if (c) {
        db_release(app.db, c);
    }
    setup_release(&app);
    return rc;
}
