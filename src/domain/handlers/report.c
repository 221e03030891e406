/*
 * report.c - report.query: the owner's figures by chat (domain/report.h
 * computes and words them), and the report page's link ("report",
 * "dashboard"): owner scope for the owner, payments scope for finance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/handlers/handlers.h"
#include "domain/report.h"
#include "nlu/catalog.h"

/* Words that ask for the page rather than a figure. */
static const char *const link_words[] = {"report", "dashboard", "link", "رپورٹ",
                                         "ڈیش",    "لنک",       NULL};

static bool asks_link(const struct hctx *h)
{
    if (slot_str(h, "metric") || slot_str(h, "group_by") || slot_str(h, "period") ||
        slot_str(h, "compare_period") || !h->text) {
        return false;
    }
    for (size_t i = 0; link_words[i]; i++) {
        if (strcasestr(h->text, link_words[i])) {
            return true;
        }
    }
    return false;
}

static int send_link(struct hctx *h, enum lang lang)
{
    bool finance = h->me->role == ROLE_FINANCE;
    struct buf url;
    json_t *vars = NULL;
    int rc;

    buf_init(&url, 4096);
    rc = report_link(h->x, finance ? "finance" : "owner", &url);
    if (rc == RB_ENOTFOUND) {
        h->lang = lang;
        rc = reply(h, "rep_no_token", NULL);
        goto out;
    }
    vars = rc ? NULL : json_pack("{s:s}", "url", url.p);
    rc = rc ? rc : vars ? RB_OK : RB_ENOMEM;
    h->lang = lang;
    rc = rc ? rc : reply(h, finance ? "rep_link_finance" : "rep_link", vars);
    if (!rc) {
        log_event(LOG_INFO, "report.link", "staff=%lld scope=%s", (long long)h->me->id,
                  finance ? "finance" : "owner");
    }
out:
    json_decref(vars);
    buf_release(&url);
    return rc;
}

int h_report(struct hctx *h)
{
    struct report_ask ask = {slot_str(h, "metric"), slot_str(h, "group_by"), slot_str(h, "period"),
                             slot_str(h, "compare_period"), 0};
    /* English for the owner; Urdu script or Roman Urdu as written */
    enum lang lang =
        h->lang == LANG_UR
            ? LANG_UR
            : (h->text && text_lang_or(h->text, strlen(h->text), LANG_EN) == LANG_ROMAN_UR
                   ? LANG_ROMAN_UR
                   : h->lang);
    struct report_figs f;
    struct buf body;
    const char *bad = NULL;
    int64_t t0 = clock_mono_ms(), t1;
    int rc;

    if (asks_link(h)) {
        return send_link(h, lang);
    }
    h->lang = lang;
    /* finance: the money, not the sales figures (overdue; revenue, which
     * says what was received, as a total) */
    if (h->me->role == ROLE_FINANCE &&
        !(ask.metric && (strcmp(ask.metric, "overdue_payments") == 0 ||
                         (strcmp(ask.metric, "revenue") == 0 && !ask.group_by)))) {
        return reply(h, "rep_finance_only", NULL);
    }
    report_figs_init(&f);
    buf_init(&body, 1 << 16);
    rc = report_compute(h->x, &ask, &f, &bad);
    if (rc == RB_EPARSE) {
        json_t *v = json_pack("{s:s}", "word", bad ? bad : "");
        rc = v ? reply(h, "rep_bad_period", v) : RB_ENOMEM;
        json_decref(v);
        goto out;
    }
    rc = rc ? rc : report_text(h->x, lang, &f, &body);
    t1 = clock_mono_ms(); /* the figures and their words; then the reply is queued */
    rc = rc ? rc : reply_body(h, body.p);
    if (!rc) {
        log_event(LOG_INFO, "report.answered",
                  "staff=%lld metric=%s group_by=%s period=%s figures_ms=%lld ms=%lld",
                  (long long)h->me->id, report_metric_name(f.metric),
                  ask.group_by ? ask.group_by : "none", f.per[0].name, (long long)(t1 - t0),
                  (long long)(clock_mono_ms() - t0));
    }
out:
    report_figs_release(&f);
    buf_release(&body);
    return rc;
}
