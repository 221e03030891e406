/*
 * payments.c - payment.record (finance and the owner, on booked leads) and
 * payments.overdue (finance and the owner see all; sales their own leads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/clock.h"
#include "core/str.h"
#include "domain/handlers.h"
#include "nlu/catalog.h"

static const char sql_record[] =
    "INSERT INTO payments (venue_id, lead_id, milestone, amount, paid_at, status, source,"
    " recorded_by) VALUES ($1, $2, $3, $4, now(), 'paid', 'manual', $5)"
    " ON CONFLICT (lead_id, milestone) DO UPDATE SET amount = EXCLUDED.amount,"
    " paid_at = now(), status = 'paid', source = 'manual', recorded_by = EXCLUDED.recorded_by";
static const char sql_paid[] =
    "SELECT COALESCE(sum(amount) FILTER (WHERE status = 'paid'), 0) FROM payments"
    " WHERE lead_id = $1";
static const char sql_overdue[] =
    "SELECT p.lead_id, p.milestone, p.amount, to_char(p.due_date, 'YYYY-MM-DD')"
    " FROM payments p JOIN leads l ON l.id = p.lead_id WHERE p.venue_id = $1"
    " AND p.status <> 'paid' AND p.due_date < $2::date"
    " AND ($3::bigint = 0 OR l.assigned_staff_id = $3)"
    " ORDER BY p.due_date DESC, p.id DESC LIMIT $4 OFFSET $5";

const char *milestone_key(const char *m)
{
    return strcmp(m, "advance") == 0 ? "milestone_advance"
           : strcmp(m, "mid") == 0   ? "milestone_mid"
                                     : "milestone_final";
}

static int milestone_name(struct hctx *h, const char *m, struct buf *out)
{
    return render(h->x, h->lang, milestone_key(m), NULL, out);
}

static int paid_total(struct wctx *x, int64_t lead, int64_t *total)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead, ls)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_paid, 1, p, &r);

    if (!rc) {
        *total = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

static int recorded(struct hctx *h, const char *milestone, int64_t amount)
{
    struct say_opts o = {h->lead->id, "notice", true, NULL};
    char am[32], paid[32];
    int64_t total = 0;
    struct buf mname;
    json_t *vars = NULL;
    int rc = paid_total(h->x, h->lead->id, &total);

    buf_init(&mname, 256);
    rc = rc ? rc : milestone_name(h, milestone, &mname);
    rc = rc ? rc : lead_vars(h->x, h->lang, h->lead, &vars);
    if (!rc) {
        fmt_amount(amount, am);
        fmt_amount(total, paid);
        json_object_set_new(vars, "milestone", json_string(mname.p));
        json_object_set_new(vars, "paid_now", json_string(am));
        json_object_set_new(vars, "paid", json_string(paid));
        rc = reply(h, "payment_recorded", vars);
    }
    if (!rc && h->lead->assigned && h->lead->assigned != h->me->id) {
        /* the milestone's name in the assignee's language */
        json_t *extra = NULL;
        struct staff_info s;
        staff_info_init(&s);
        rc = staff_load(h->x, h->lead->assigned, &s);
        buf_reset(&mname);
        rc = rc ? rc : render(h->x, staff_lang(&s), milestone_key(milestone), NULL, &mname);
        extra = rc ? NULL
                   : json_pack("{s:s, s:s, s:s}", "milestone", mname.p, "paid_now", am, "paid",
                               paid);
        rc = rc ? rc : extra ? notify_lead(h->x, s.id, "payment_notice", h->lead, extra, &o)
                             : RB_ENOMEM;
        json_decref(extra);
        staff_info_release(&s);
        rc = rc == RB_ENOTFOUND ? RB_OK : rc;
    }
    json_decref(vars);
    buf_release(&mname);
    return rc;
}

int h_payment_record(struct hctx *h)
{
    static const char *const both[] = {"milestone", "amount", NULL};
    static const char *const amount_only[] = {"amount", NULL};
    static const char *const milestone_only[] = {"milestone", NULL};
    const char *milestone = slot_str(h, "milestone");
    int64_t amount = slot_int(h, "amount");
    char v[24], ls[24], as[24], ss[24];
    json_t *vars = NULL;
    int rc;

    if (!milestone || amount <= 0) {
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        rc = rc ? rc
                : ask(h, "ask_payment", !milestone && amount <= 0 ? both
                                        : !milestone              ? milestone_only
                                                                  : amount_only,
                      vars);
        json_decref(vars);
        return rc;
    }
    if (h->lead->stage != STAGE_BOOKED) {
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        rc = rc ? rc : reply(h, "payment_not_booked", vars);
        json_decref(vars);
        return rc;
    }
    const char *p[5] = {db_i64s(h->x->venue_id, v), db_i64s(h->lead->id, ls), milestone,
                        db_i64s(amount, as), db_i64s(h->me->id, ss)};
    json_t *detail = json_pack("{s:s, s:s}", "a", milestone, "b", p[3]);
    rc = detail ? db_exec(h->x->db, sql_record, 5, p, NULL) : RB_ENOMEM;
    rc = rc ? rc : audit(h->x, h->me->id, "payment.record", h->lead->id, detail);
    json_decref(detail);
    rc = rc ? rc : recorded(h, milestone, amount);
    if (!rc) {
        log_event(LOG_INFO, "payment.recorded", "lead=%lld milestone=%s amount=%lld staff=%lld",
                  (long long)h->lead->id, milestone, (long long)amount, (long long)h->me->id);
    }
    return rc;
}

static int overdue_row(struct hctx *h, const PGresult *r, int i, struct buf *body)
{
    struct lead_row l;
    struct buf mname;
    json_t *vars = NULL;
    char am[32], due[16];
    int rc;

    lead_row_init(&l);
    buf_init(&mname, 256);
    fmt_amount(db_i64(r, i, 2), am);
    fmt_date(db_str(r, i, 3), due);
    rc = lead_load(h->x, db_i64(r, i, 0), false, &l);
    rc = rc ? rc : lead_vars(h->x, h->lang, &l, &vars);
    rc = rc ? rc : milestone_name(h, db_str(r, i, 1), &mname);
    if (!rc) {
        json_object_set_new(vars, "milestone", json_string(mname.p));
        json_object_set_new(vars, "due_amount", json_string(am));
        json_object_set_new(vars, "due", json_string(due));
        rc = buf_addc(body, '\n');
    }
    rc = rc ? rc : render(h->x, h->lang, "overdue_row", vars, body);
    json_decref(vars);
    buf_release(&mname);
    lead_row_release(&l);
    return rc;
}

int h_payments_overdue(struct hctx *h)
{
    struct rb_datetime now = clock_local(h->x->now_s);
    char v[24], today[11], s[24], lim[24], off[24];
    struct buf body;
    PGresult *r = NULL;
    int rc, n = 0;

    date_format(now.date, today);
    const char *p[5] = {db_i64s(h->x->venue_id, v), today,
                        db_i64s(h->me->role == ROLE_SALES ? h->me->id : 0, s),
                        db_i64s(LIST_PAGE + 1, lim), db_i64s(h->offset, off)};
    buf_init(&body, 32768);
    rc = db_exec(h->x->db, sql_overdue, 5, p, &r);
    if (!rc) {
        n = PQntuples(r);
        rc = render(h->x, h->lang, n ? "overdue_head" : "overdue_empty", NULL, &body);
    }
    rc = rc ? rc : reply_page(h, r, overdue_row, &body);
    PQclear(r);
    buf_release(&body);
    return rc;
}
