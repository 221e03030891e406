/*
 * payments.c - money in chat: payment.record appends a receipt to the
 * ledger (finance and the owner, on booked leads), payment.reverse takes one
 * back with a reason, payment.plan changes a milestone of the plan, and
 * payments.overdue lists what the plans say is outstanding (finance and the
 * owner see all; sales their own leads). Every answer about a lead ends
 * with its picture in one line: paid, due next, overdue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "domain/money.h"
#include "nlu/catalog.h"
#include "nlu/text.h"
#include "store/ledger.h"

const char *milestone_key(const char *m)
{
    return !m                          ? "milestone_none"
           : strcmp(m, "advance") == 0 ? "milestone_advance"
           : strcmp(m, "mid") == 0     ? "milestone_mid"
           : strcmp(m, "final") == 0   ? "milestone_final"
                                       : "milestone_none";
}

static int ms_name(struct wctx *x, enum lang lang, const char *m, struct buf *out)
{
    return render(x, lang, milestone_key(m), NULL, out);
}

/* ---- what staff wrote, beyond the slots ---- */

static bool digit_at(const char *s)
{
    unsigned char a = (unsigned char)s[0], b = a ? (unsigned char)s[1] : 0;
    return (a >= '0' && a <= '9') || (a == 0xD9 && b >= 0xA0 && b <= 0xA9) ||
           (a == 0xDB && b >= 0xB0 && b <= 0xB9);
}

/* "-50000", "−50,000", "minus 50000": a sign glued to a number that starts
 * a word (not "0300-1234567", "3,50,000/-" nor a dash between words). */
static bool says_negative(const char *t)
{
    for (size_t i = 0; t[i]; i++) {
        size_t n = t[i] == '-' ? 1 : strncmp(t + i, "\xE2\x88\x92", 3) == 0 ? 3 : 0;
        if (!n || (i > 0 && t[i - 1] != ' ' && t[i - 1] != '(' && t[i - 1] != ':')) {
            continue;
        }
        if (digit_at(t + i + n)) {
            return true;
        }
    }
    return strstr(t, "minus ") != NULL || strstr(t, "Minus ") != NULL;
}

/* A word that is a zero amount: "0", "zero", "sifar", "صفر", "۰". */
static bool says_zero(const char *t)
{
    static const char *const zeros[] = {"0",   "00",       "000",      "zero", "sifar",
                                        "صفر", "\xDB\xB0", "\xD9\xA0", NULL};
    char w[16];
    size_t n = 0;

    for (size_t i = 0;; i++) {
        char c = t[i];
        if (c == ' ' || c == ',' || c == '.' || c == '\0') {
            w[n] = '\0';
            for (size_t k = 0; n && zeros[k]; k++) {
                if (strcasecmp(w, zeros[k]) == 0) {
                    return true;
                }
            }
            n = 0;
            if (!c) {
                return false;
            }
        } else if (n + 1 < sizeof(w)) {
            w[n++] = c;
        } else {
            n = sizeof(w); /* too long to be a zero: skip to the next word */
            w[0] = 'x';
            n = 1;
        }
    }
}

/* How it was paid, when the message says so. */
static const char *method_of(const char *t)
{
    static const struct {
        const char *word, *method;
    } words[] = {{"cash", "cash"},      {"nakad", "cash"},      {"نقد", "cash"},
                 {"کیش", "cash"},       {"cheque", "cheque"},   {"چیک", "cheque"},
                 {"bank", "bank"},      {"transfer", "bank"},   {"بینک", "bank"},
                 {"online", "online"},  {"jazzcash", "online"}, {"easypaisa", "online"},
                 {"آن لائن", "online"}, {"card", "card"},       {"کارڈ", "card"}};
    char low[512];
    size_t n = 0;

    for (; t[n] && n + 1 < sizeof(low); n++) {
        low[n] = (t[n] >= 'A' && t[n] <= 'Z') ? (char)(t[n] + 32) : t[n];
    }
    low[n] = '\0';
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strstr(low, words[i].word)) {
            return words[i].method;
        }
    }
    return NULL;
}

/* ---- the one line ---- */

/* The line, with the lead named first (pay_line) or, inside the lead's own
 * status, under a "Payments:" label (pay_status); what is paid says
 * "nothing received yet" when nothing is. */
static int money_text(struct wctx *x, enum lang lang, const struct lead_row *l, bool in_status,
                      struct buf *out)
{
    struct ledger_status st;
    struct rb_datetime now = clock_local(x->now_s);
    char today[11], paid[32], total[32], am[32], due[16];
    struct buf next, over, name;
    json_t *vars = NULL;
    int rc = ledger_status(x->db, x->venue_id, l->id, &st);
    int ni = -1;

    date_format(now.date, today);
    buf_init(&next, 1024);
    buf_init(&over, 1024);
    buf_init(&name, 256);
    for (int k = 0; !rc && k < LEDGER_MILESTONES; k++) {
        const struct ledger_ms *m = &st.ms[k];
        if (!m->planned || m->outstanding <= 0) {
            continue;
        }
        buf_reset(&name);
        rc = ms_name(x, lang, ledger_milestone_names[k], &name);
        fmt_amount(m->outstanding, am);
        fmt_date(m->due_date, due);
        json_t *v =
            rc ? NULL
               : json_pack("{s:s, s:s, s:s}", "milestone", name.p, "due_amount", am, "due", due);
        rc = rc ? rc : v ? RB_OK : RB_ENOMEM;
        if (!rc && strcmp(m->due_date, today) < 0) {
            rc = over.len ? buf_adds(&over, ", ") : RB_OK;
            rc = rc ? rc : render(x, lang, "pay_overdue_item", v, &over);
        } else if (!rc && ni < 0) {
            ni = k;
            rc = render(x, lang, "pay_next_item", v, &next);
        }
        json_decref(v);
    }
    rc = rc ? rc : next.len ? RB_OK : render(x, lang, "pay_next_none", NULL, &next);
    rc = rc ? rc : over.len ? RB_OK : render(x, lang, "pay_overdue_none", NULL, &over);
    rc = rc ? rc : lead_vars(x, lang, l, &vars);
    if (!rc) {
        fmt_amount(st.received, paid);
        fmt_amount(st.planned > 0 ? st.planned : l->amount > 0 ? l->amount : 0, total);
        json_object_set_new(vars, "paid", json_string(paid));
        json_object_set_new(vars, "total", json_string(total));
        buf_reset(&name);
        rc = render(x, lang, st.received > 0 ? "pay_paid" : "pay_paid_none", vars, &name);
    }
    if (!rc) {
        json_object_set_new(vars, "paid_part", json_string(name.p));
        json_object_set_new(vars, "next", json_string(next.p));
        json_object_set_new(vars, "overdue", json_string(over.p));
        rc = render(x, lang, in_status ? "pay_status" : "pay_line", vars, out);
    }
    json_decref(vars);
    buf_release(&name);
    buf_release(&over);
    buf_release(&next);
    return rc;
}

int money_line(struct wctx *x, enum lang lang, const struct lead_row *l, struct buf *out)
{
    return money_text(x, lang, l, false, out);
}

int money_status_line(struct wctx *x, enum lang lang, const struct lead_row *l, struct buf *out)
{
    return money_text(x, lang, l, true, out);
}

/* key (with lead's card and extra) then the lead's line, to the sender. */
static int reply_with_line(struct hctx *h, const char *key, json_t *extra)
{
    struct buf body;
    json_t *vars = NULL;
    int rc = lead_vars(h->x, h->lang, h->lead, &vars);

    buf_init(&body, 4096);
    if (!rc && extra) {
        json_object_update(vars, extra);
    }
    rc = rc ? rc : render(h->x, h->lang, key, vars, &body);
    rc = rc ? rc : buf_addc(&body, '\n');
    rc = rc ? rc : money_line(h->x, h->lang, h->lead, &body);
    rc = rc ? rc : reply_body(h, body.p);
    json_decref(vars);
    buf_release(&body);
    return rc;
}

/* The assignee hears of money on their lead, in their own language: a
 * receipt (pay_notice) or its reversal (pay_reverse_notice, with reason). */
static int tell_assignee(struct hctx *h, const char *key, const char *milestone, const char *am,
                         const char *reason)
{
    struct say_opts o = {h->lead->id, "notice", true, NULL};
    struct staff_info s;
    struct buf body, name;
    json_t *vars = NULL;
    int rc;

    if (!h->lead->assigned || h->lead->assigned == h->me->id) {
        return RB_OK;
    }
    staff_info_init(&s);
    buf_init(&body, 4096);
    buf_init(&name, 256);
    rc = staff_load(h->x, h->lead->assigned, &s);
    if (rc == RB_ENOTFOUND || (!rc && !s.active)) {
        rc = RB_OK;
        goto out;
    }
    rc = rc ? rc : ms_name(h->x, staff_lang(&s), milestone, &name);
    rc = rc ? rc : lead_vars(h->x, staff_lang(&s), h->lead, &vars);
    if (!rc) {
        json_object_set_new(vars, "milestone", json_string(name.p));
        json_object_set_new(vars, "paid_now", json_string(am));
        json_object_set_new(vars, "who", json_string(h->me->name ? h->me->name : ""));
        if (reason) {
            json_object_set_new(vars, "reason", json_string(reason));
        }
        rc = render(h->x, staff_lang(&s), key, vars, &body);
    }
    rc = rc ? rc : buf_addc(&body, '\n');
    rc = rc ? rc : money_line(h->x, staff_lang(&s), h->lead, &body);
    rc = rc ? rc : send_staff(h->x, &s, body.p, &o);
out:
    json_decref(vars);
    buf_release(&name);
    buf_release(&body);
    staff_info_release(&s);
    return rc;
}

/* ---- payment.record ---- */

/* More than is outstanding: asked first. ms names the milestone whose
 * outstanding it is when that is not all that is (then total is said too). */
static int ask_confirm(struct hctx *h, int64_t amount, int64_t outstanding, const char *ms,
                       int64_t total)
{
    json_t *slots = json_deep_copy(h->slots ? h->slots : json_object());
    json_t *vars = NULL, *p = NULL;
    char id[24], am[32], out[32], all[32];
    const char *key = ms && total != outstanding ? "pay_confirm_over_ms" : "pay_confirm_over";
    struct buf name;
    int rc = slots ? lead_vars(h->x, h->lang, h->lead, &vars) : RB_ENOMEM;

    buf_init(&name, 256);
    rc = rc ? rc : ms ? ms_name(h->x, h->lang, ms, &name) : RB_OK;
    if (!rc) {
        fmt_amount(amount, am);
        fmt_amount(outstanding, out);
        fmt_amount(total, all);
        json_object_set_new(vars, "paid_now", json_string(am));
        json_object_set_new(vars, "outstanding", json_string(out));
        json_object_set_new(vars, "total", json_string(all));
        json_object_set_new(vars, "milestone", json_string(name.p ? name.p : ""));
        json_object_set_new(slots, "lead", json_string(db_i64s(h->lead->id, id)));
        json_object_set_new(slots, "confirmed", json_true());
        if (h->text) { /* what the first message said, not the "haan" */
            const char *m = method_of(h->text);
            json_object_set_new(slots, "_note", json_string(h->text));
            if (m) {
                json_object_set_new(slots, "_method", json_string(m));
            }
        }
        p = json_pack("{s:s, s:s, s:O, s:s, s:O}", "kind", "confirm", "intent", h->intent, "slots",
                      slots, "ask", key, "vars", vars);
        rc = p ? RB_OK : RB_ENOMEM;
    }
    rc = rc ? rc : convo_set_pending(h->x, h->me->id, p);
    rc = rc ? rc : reply(h, key, vars);
    buf_release(&name);
    json_decref(p);
    json_decref(vars);
    json_decref(slots);
    return rc;
}

static int refuse(struct hctx *h, const char *key)
{
    json_t *vars = NULL;
    int rc = lead_vars(h->x, h->lang, h->lead, &vars);

    rc = rc ? rc : reply(h, key, vars);
    json_decref(vars);
    return rc;
}

int h_payment_record(struct hctx *h)
{
    static const char *const amount_only[] = {"amount", NULL};
    const char *milestone = slot_str(h, "milestone");
    int64_t amount = slot_int(h, "amount");
    bool confirmed = json_is_true(json_object_get(h->slots, "confirmed"));
    struct ledger_status st;
    struct ledger_new n;
    char ext[40], am[32];
    int64_t entry = 0, outstanding;
    bool added = false;
    json_t *vars = NULL, *detail;
    int rc;

    if (h->text && (says_negative(h->text) || (amount <= 0 && says_zero(h->text)))) {
        return refuse(h, "pay_refused_amount");
    }
    if (h->lead->stage != STAGE_BOOKED) { /* said before asking for an amount it would refuse */
        return refuse(h, "payment_not_booked");
    }
    if (amount <= 0) {
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        rc = rc ? rc : ask(h, "pay_ask_amount", amount_only, vars);
        json_decref(vars);
        return rc;
    }
    rc = money_plan_ensure(h->x, h->lead, h->me->id);
    rc = rc ? rc : ledger_status(h->x->db, h->x->venue_id, h->lead->id, &st);
    if (rc) {
        return rc;
    }
    int k = -1;
    for (int i = 0; milestone && i < LEDGER_MILESTONES; i++) {
        k = strcmp(milestone, ledger_milestone_names[i]) == 0 ? i : k;
    }
    outstanding = k >= 0 && st.ms[k].planned ? st.ms[k].outstanding : st.outstanding;
    if (st.planned > 0 && amount > outstanding && !confirmed) {
        return ask_confirm(h, amount, outstanding, k >= 0 && st.ms[k].planned ? milestone : NULL,
                           st.outstanding);
    }
    memset(&n, 0, sizeof(n));
    n.venue_id = h->x->venue_id;
    n.lead_id = h->lead->id;
    n.milestone = k >= 0 ? milestone : NULL;
    n.amount = amount;
    n.method = slot_str(h, "_method") ? slot_str(h, "_method")
               : h->text              ? method_of(h->text)
                                      : NULL;
    n.recorded_by = h->me->id;
    n.source = "chat";
    if (h->message_id > 0) {
        snprintf(ext, sizeof(ext), "msg-%lld", (long long)h->message_id);
        n.external_id = ext;
    }
    n.note = slot_str(h, "_note") ? slot_str(h, "_note") : h->text;
    rc = ledger_append(h->x->db, &n, &entry, &added);
    if (rc || !added) {
        return rc; /* the same message again: already in the ledger */
    }
    fmt_amount(amount, am);
    detail = json_pack("{s:s?, s:s, s:I}", "a", n.milestone, "b", db_i64s(amount, ext), "entry",
                       (json_int_t)entry);
    rc = detail ? audit(h->x, h->me->id, "payment.record", h->lead->id, detail) : RB_ENOMEM;
    json_decref(detail);
    rc = rc ? rc : money_receipt_queued(h->x, h->lead->id, entry);
    if (rc) {
        return rc;
    }
    struct buf name;
    buf_init(&name, 256);
    rc = ms_name(h->x, h->lang, n.milestone, &name);
    vars = rc ? NULL
              : json_pack("{s:s, s:s, s:s}", "milestone", name.p, "paid_now", am, "entry",
                          db_i64s(entry, ext));
    rc = rc ? rc : vars ? reply_with_line(h, "pay_recorded", vars) : RB_ENOMEM;
    json_decref(vars);
    buf_release(&name);
    rc = rc ? rc : tell_assignee(h, "pay_notice", n.milestone, am, NULL);
    if (!rc) {
        log_event(LOG_INFO, "payment.recorded",
                  "lead=%lld entry=%lld milestone=%s amount=%lld staff=%lld",
                  (long long)h->lead->id, (long long)entry, n.milestone ? n.milestone : "none",
                  (long long)amount, (long long)h->me->id);
    }
    return rc;
}

/* ---- payment.reverse ---- */

/* "entry 12: wrong amount", "#12, galat", "last payment: duplicate": the
 * entry number (0 = the newest receipt) and the reason after ':' or ','. */
static void reverse_args(const char *text, int64_t *entry, const char **reason)
{
    const char *cut = strpbrk(text, ":,\xD8");
    const char *end = cut ? cut : text + strlen(text);

    while (cut && (unsigned char)*cut == 0xD8 && (unsigned char)cut[1] != 0x8C) {
        cut = strpbrk(cut + 1, ":,\xD8"); /* only U+060C، of the 0xD8 row */
        end = cut ? cut : text + strlen(text);
    }
    *entry = 0;
    for (const char *s = text; s < end; s++) {
        if (*s >= '0' && *s <= '9' && (s == text || s[-1] == ' ' || s[-1] == '#')) {
            *entry = strtoll(s, NULL, 10);
            break;
        }
    }
    *reason = NULL;
    if (cut) {
        cut += (unsigned char)*cut == 0xD8 ? 2 : 1;
        while (*cut == ' ') {
            cut++;
        }
        *reason = *cut ? cut : NULL;
    }
}

int h_payment_reverse(struct hctx *h)
{
    const char *text = slot_str(h, "text");
    const char *reason = NULL;
    struct ledger_entry e;
    int64_t entry = 0, rev = 0;
    char am[32], es[24];
    json_t *vars = NULL, *detail;
    int rc;

    reverse_args(text ? text : "", &entry, &reason);
    if (!reason) {
        return refuse(h, "pay_reverse_reason");
    }
    rc = entry ? RB_OK : ledger_last_receipt(h->x->db, h->x->venue_id, h->lead->id, &entry);
    rc = rc ? rc : entry ? ledger_entry_get(h->x->db, h->x->venue_id, entry, &e) : RB_ENOTFOUND;
    if (!rc && (e.lead_id != h->lead->id || e.reverses)) {
        rc = RB_ENOTFOUND;
    }
    if (!rc && e.reversed_by) {
        rc = RB_ECONFLICT;
    }
    if (rc == RB_ENOTFOUND || rc == RB_ECONFLICT) {
        const char *key = rc == RB_ECONFLICT ? "pay_reverse_twice" : "pay_reverse_none";
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        if (!rc) {
            json_object_set_new(vars, "entry", json_string(db_i64s(entry, es)));
        }
        rc = rc ? rc : reply(h, key, vars);
        json_decref(vars);
        return rc;
    }
    rc = rc ? rc
            : ledger_reverse(h->x->db, h->x->venue_id, h->lead->id, entry, h->me->id, reason, &rev);
    rc = rc ? rc : money_receipt_queued(h->x, h->lead->id, rev); /* invoicing hears of it */
    if (rc) {
        return rc;
    }
    /* a and b are what lead.history shows: the entry and the reason */
    detail = json_pack("{s:s, s:s, s:I, s:I}", "a", db_i64s(entry, es), "b", reason, "entry",
                       (json_int_t)entry, "reversal", (json_int_t)rev);
    rc = detail ? audit(h->x, h->me->id, "payment.reverse", h->lead->id, detail) : RB_ENOMEM;
    json_decref(detail);
    fmt_amount(e.amount, am);
    vars = rc ? NULL
              : json_pack("{s:s, s:s, s:s}", "entry", db_i64s(entry, es), "paid_now", am, "reason",
                          reason);
    rc = rc ? rc : vars ? reply_with_line(h, "pay_reversed", vars) : RB_ENOMEM;
    json_decref(vars);
    /* told of the receipt, the assignee is told of its reversal too */
    rc = rc ? rc
            : tell_assignee(h, "pay_reverse_notice", e.milestone[0] ? e.milestone : NULL, am,
                            reason);
    if (!rc) {
        log_event(LOG_INFO, "payment.reversed", "lead=%lld entry=%s reversal=%lld staff=%lld",
                  (long long)h->lead->id, db_i64s(entry, es), (long long)rev, (long long)h->me->id);
    }
    return rc;
}

/* ---- payment.plan ---- */

int h_payment_plan(struct hctx *h)
{
    const char *milestone = slot_str(h, "milestone");
    const char *date = slot_str(h, "date");
    int64_t amount = slot_int(h, "amount");
    int rc;

    if (h->text && says_negative(h->text)) {
        return refuse(h, "pay_refused_amount");
    }
    if (h->lead->stage != STAGE_BOOKED) {
        return refuse(h, "payment_not_booked");
    }
    rc = money_plan_ensure(h->x, h->lead, h->me->id);
    if (!rc && milestone && (amount > 0 || date)) {
        if (!(h->me->role & (ROLE_FINANCE | ROLE_OWNER))) {
            return refuse(h, "pay_plan_not_allowed");
        }
        rc =
            money_plan_set(h->x, h->lead->id, milestone, amount > 0 ? amount : -1, date, h->me->id);
        json_t *detail = rc ? NULL
                            : json_pack("{s:s, s:I, s:s?}", "milestone", milestone, "amount",
                                        (json_int_t)(amount > 0 ? amount : -1), "due", date);
        rc = rc       ? rc
             : detail ? audit(h->x, h->me->id, "payment.plan", h->lead->id, detail)
                      : RB_ENOMEM;
        json_decref(detail);
    }
    return rc ? rc : money_plan_reply(h, "pay_plan_head");
}

int money_plan_reply(struct hctx *h, const char *head)
{
    struct ledger_status st;
    struct buf body, name;
    char am[32], due[16];
    json_t *vars = NULL;
    int rc;

    buf_init(&body, 4096);
    buf_init(&name, 256);
    rc = ledger_status(h->x->db, h->x->venue_id, h->lead->id, &st);
    rc = rc ? rc : lead_vars(h->x, h->lang, h->lead, &vars);
    rc = rc ? rc : render(h->x, h->lang, head, vars, &body);
    for (int k = 0; !rc && k < LEDGER_MILESTONES; k++) {
        if (!st.ms[k].planned) {
            continue;
        }
        buf_reset(&name);
        rc = ms_name(h->x, h->lang, ledger_milestone_names[k], &name);
        fmt_amount(st.ms[k].amount, am);
        fmt_date(st.ms[k].due_date, due);
        json_t *v =
            rc ? NULL
               : json_pack("{s:s, s:s, s:s}", "milestone", name.p, "due_amount", am, "due", due);
        rc = rc ? rc : v ? buf_addc(&body, '\n') : RB_ENOMEM;
        rc = rc ? rc : render(h->x, h->lang, "pay_plan_row", v, &body);
        json_decref(v);
    }
    rc = rc ? rc : buf_addc(&body, '\n');
    rc = rc ? rc : money_line(h->x, h->lang, h->lead, &body);
    rc = rc ? rc : reply_body(h, body.p);
    json_decref(vars);
    buf_release(&name);
    buf_release(&body);
    return rc;
}

/* ---- payments.overdue ---- */

static int due_row(struct hctx *h, const struct ledger_due *d, const char *today, struct buf *body)
{
    struct lead_row l;
    struct buf mname;
    json_t *vars = NULL;
    char am[32], due[16];
    int rc;

    lead_row_init(&l);
    buf_init(&mname, 256);
    fmt_amount(d->outstanding, am);
    fmt_date(d->due_date, due);
    rc = lead_load(h->x, d->lead_id, false, &l);
    rc = rc ? rc : lead_vars(h->x, h->lang, &l, &vars);
    rc = rc ? rc : ms_name(h->x, h->lang, d->milestone, &mname);
    if (!rc) {
        json_object_set_new(vars, "milestone", json_string(mname.p));
        json_object_set_new(vars, "due_amount", json_string(am));
        json_object_set_new(vars, "due", json_string(due));
        rc = buf_addc(body, '\n');
    }
    rc = rc ? rc
            : render(h->x, h->lang,
                     strcmp(d->due_date, today) < 0 ? "pay_due_row_late" : "pay_due_row", vars,
                     body);
    json_decref(vars);
    buf_release(&mname);
    lead_row_release(&l);
    return rc;
}

int h_payments_overdue(struct hctx *h)
{
    struct rb_datetime now = clock_local(h->x->now_s);
    struct ledger_due *rows = NULL;
    struct ledger_totals t;
    char today[11], due[32], over[32];
    struct buf body;
    json_t *vars = NULL;
    size_t n = 0;
    int64_t mine = h->me->role == ROLE_SALES ? h->me->id : 0;
    int rc;

    date_format(now.date, today);
    buf_init(&body, 32768);
    rc = ledger_due_between(h->x->db, h->x->venue_id, NULL, NULL, mine, LIST_PAGE + 1, h->offset,
                            &rows, &n);
    rc = rc ? rc : ledger_venue_totals(h->x->db, h->x->venue_id, NULL, NULL, today, &t);
    if (!rc && n == 0) {
        rc = render(h->x, h->lang, h->offset ? "pay_due_end" : "pay_due_empty", NULL, &body);
    } else if (!rc) {
        fmt_amount(mine ? 0 : t.due, due);
        fmt_amount(mine ? 0 : t.overdue, over);
        vars = json_pack("{s:s, s:s}", "due_total", due, "overdue_total", over);
        rc = vars ? render(h->x, h->lang, mine ? "pay_due_head_mine" : "pay_due_head", vars, &body)
                  : RB_ENOMEM;
    }
    for (size_t i = 0; !rc && i < n && i < LIST_PAGE; i++) {
        rc = due_row(h, &rows[i], today, &body);
    }
    if (!rc && n > LIST_PAGE) {
        rc = buf_addc(&body, '\n');
        rc = rc ? rc : render(h->x, h->lang, "more_hint", NULL, &body);
        rc = rc ? rc : remember_page(h, h->offset + LIST_PAGE);
    }
    rc = rc ? rc : reply_body(h, body.p);
    json_decref(vars);
    free(rows);
    buf_release(&body);
    return rc;
}

/* Sales see the plan of their own leads; finance and the owner any. */
int check_payment_plan(struct hctx *h)
{
    return h->me->role == ROLE_SALES ? check_own_lead(h) : RB_OK;
}
