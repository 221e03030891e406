/*
 * report_csv.c - ?format=csv on the report's lists, streamed: the response
 * is read from a callback that fetches RL_BATCH rows at a time in id order
 * (keyset, a pooled connection borrowed per batch and given back), so an
 * export of a million messages holds one batch in memory, not the list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/str.h"
#include "http/report_html.h"
#include "http/report_pages.h"

#define CSV_BATCH_MAX ((size_t)64 << 20) /* 2,000 rows of the longest messages */

struct csv_stream {
    struct app *app;
    int64_t venue;
    enum report_list list;
    struct rl_filter f;
    char *owned[7]; /* the filter's strings, copied */
    int64_t after;
    struct buf out;
    size_t pos;
    bool started, ended;
    long long rows;
    char req[12];
};

static const char *const headers[] = {
    [LIST_LEADS] = "id,name,phone,stage,salesperson,source,campaign,event_date,guests,hall,"
                   "slot,amount,created,first_response,last_contact\r\n",
    [LIST_CONVS] = "id,at,lead_id,lead_name,client_phone,employee,direction,party,type,body,"
                   "status,status_at,error_code,error_title\r\n",
    [LIST_AI] = "id,at,employee,text,engine,intent,slots,confidence,fallback,latency_ms,model\r\n",
    [LIST_PAYMENTS] = "id,lead_id,lead_name,milestone,amount,due_date,paid_at,status,source,"
                      "overdue\r\n",
};
static const char *const names[] = {[LIST_LEADS] = "leads",
                                    [LIST_CONVS] = "conversations",
                                    [LIST_AI] = "ai_log",
                                    [LIST_PAYMENTS] = "payments"};

static void id_field(struct buf *b, int64_t v)
{
    buf_say(b, "%lld,", (long long)v);
}

static int lead_csv(void *cls, const struct rl_lead *l)
{
    struct buf *b = cls;

    id_field(b, l->id);
    csv_field(b, l->name, false);
    csv_field(b, l->phone, false);
    csv_field(b, l->stage, false);
    csv_field(b, l->staff, false);
    csv_field(b, l->source, false);
    csv_field(b, l->campaign, false);
    csv_field(b, l->event_date, false);
    csv_field(b, l->guests, false);
    csv_field(b, l->hall, false);
    csv_field(b, l->slot, false);
    csv_field(b, l->amount, false);
    csv_field(b, l->created, false);
    csv_field(b, l->first_response, false);
    csv_field(b, l->last_contact, true);
    return buf_err(b);
}

static int conv_csv(void *cls, const struct rl_conv *m)
{
    struct buf *b = cls;

    id_field(b, m->id);
    csv_field(b, m->at, false);
    id_field(b, m->lead_id);
    csv_field(b, m->lead_name, false);
    csv_field(b, m->client_phone, false);
    csv_field(b, m->staff, false);
    csv_field(b, m->direction, false);
    csv_field(b, m->party, false);
    csv_field(b, m->type, false);
    csv_field(b, m->body, false);
    csv_field(b, m->status, false);
    csv_field(b, m->status_at, false);
    csv_field(b, m->error_code, false);
    csv_field(b, m->error_title, true);
    return buf_err(b);
}

static int ai_csv(void *cls, const struct rl_ai *a)
{
    struct buf *b = cls;

    id_field(b, a->id);
    csv_field(b, a->at, false);
    csv_field(b, a->staff, false);
    csv_field(b, a->text, false);
    csv_field(b, a->engine, false);
    csv_field(b, a->intent, false);
    csv_field(b, a->slots, false);
    csv_field(b, a->confidence, false);
    csv_field(b, a->fallback, false);
    csv_field(b, a->latency_ms, false);
    csv_field(b, a->model, true);
    return buf_err(b);
}

static int pay_csv(void *cls, const struct rl_payment *y)
{
    struct buf *b = cls;

    id_field(b, y->id);
    id_field(b, y->lead_id);
    csv_field(b, y->lead_name, false);
    csv_field(b, y->milestone, false);
    csv_field(b, y->amount, false);
    csv_field(b, y->due_date, false);
    csv_field(b, y->paid_at, false);
    csv_field(b, y->status, false);
    csv_field(b, y->source, false);
    csv_field(b, y->overdue ? "yes" : "no", true);
    return buf_err(b);
}

/* The next batch into s->out; s->ended when there are no more rows. */
static int refill(struct csv_stream *s)
{
    struct dbconn *c = NULL;
    int n = 0, rc;

    buf_reset(&s->out);
    s->pos = 0;
    if (!s->started) {
        s->started = true;
        return buf_adds(&s->out, headers[s->list]);
    }
    rc = db_acquire(s->app->db, 5000, &c);
    if (!rc) {
        switch (s->list) {
        case LIST_LEADS:
            rc = rl_leads_batch(c, s->venue, &s->f, &s->after, lead_csv, &s->out, &n);
            break;
        case LIST_CONVS:
            rc = rl_convs_batch(c, s->venue, &s->f, &s->after, conv_csv, &s->out, &n);
            break;
        case LIST_AI:
            rc = rl_ais_batch(c, s->venue, &s->f, &s->after, ai_csv, &s->out, &n);
            break;
        case LIST_PAYMENTS:
            rc = rl_payments_batch(c, s->venue, &s->f, &s->after, pay_csv, &s->out, &n);
            break;
        }
    }
    db_release(s->app->db, c);
    s->rows += n;
    s->ended = !rc && n == 0;
    return rc;
}

static ssize_t csv_read(void *cls, char *out, size_t max)
{
    struct csv_stream *s = cls;
    size_t k;

    while (s->pos == s->out.len) {
        if (s->ended) {
            log_event(LOG_INFO, "report.csv_done", "req=%s list=%s rows=%lld", s->req,
                      names[s->list], s->rows);
            return 0;
        }
        int rc = refill(s);
        if (rc) {
            log_event(LOG_ERROR, "report.csv_failed", "req=%s list=%s rows=%lld err=%s", s->req,
                      names[s->list], s->rows, rb_strerror(rc));
            return -1;
        }
    }
    k = s->out.len - s->pos < max ? s->out.len - s->pos : max;
    memcpy(out, s->out.p + s->pos, k);
    s->pos += k;
    return (ssize_t)k;
}

static void csv_free(void *cls)
{
    struct csv_stream *s = cls;

    for (size_t i = 0; i < sizeof(s->owned) / sizeof(s->owned[0]); i++) {
        free(s->owned[i]);
    }
    buf_release(&s->out);
    free(s);
}

/* Copies *field into s->owned[i] and points *field at it. */
static bool own(struct csv_stream *s, int i, const char **field)
{
    if (!*field) {
        return true;
    }
    s->owned[i] = rb_strdup(*field);
    *field = s->owned[i];
    return s->owned[i] != NULL;
}

void page_csv(struct report_req *r, enum report_list list, const struct rl_filter *f)
{
    struct csv_stream *s = calloc(1, sizeof(*s));
    char disp[80];

    if (!s) {
        page_fail(r, 500, "Out of memory", "Try again.");
        return;
    }
    s->app = r->ctx->app;
    s->venue = r->venue;
    s->list = list;
    s->f = *f;
    snprintf(s->req, sizeof(s->req), "%s", r->req->id);
    buf_init(&s->out, CSV_BATCH_MAX);
    bool ok = own(s, 0, &s->f.tz) && own(s, 1, &s->f.stage) && own(s, 2, &s->f.source) &&
              own(s, 3, &s->f.from) && own(s, 4, &s->f.to) && own(s, 5, &s->f.q) &&
              own(s, 6, &s->f.sort);
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s.csv\"", names[list]);
    if (!ok || http_add_header(r->resp, "Content-Disposition", disp)) {
        csv_free(s);
        page_fail(r, 500, "Out of memory", "Try again.");
        return;
    }
    log_event(LOG_INFO, "report.csv_started", "req=%s list=%s", s->req, names[list]);
    r->resp->status = 200;
    r->resp->content_type = "text/csv; charset=utf-8";
    http_stream(r->resp, csv_read, s, csv_free);
}
