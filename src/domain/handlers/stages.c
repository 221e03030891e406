/*
 * stages.c - the pipeline: NEW -> CONTACTED -> QUALIFIED -> SITE_VISIT ->
 * QUOTED -> NEGOTIATING -> BOOKED, and LOST from any stage. Every move
 * writes stage_history (from, to, who, note); a date is held tentative from
 * SITE_VISIT to NEGOTIATING, confirmed at BOOKED, released otherwise; BOOKED
 * queues the invoicing push. Moving backwards (or out of BOOKED or LOST)
 * needs the owner; BOOKED needs an event date, a hall, a slot and an agreed
 * amount (the calendar cell it confirms).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/clock.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "domain/report.h"
#include "domain/money.h"
#include "domain/intake.h"
#include "nlu/catalog.h"
#include "store/calendar.h"
#include "store/followups.h"
#include "store/ledger.h"
#include "store/lead_rows.h"
#include "store/timeline.h"

static bool holds_date(int stage)
{
    return stage == STAGE_SITE_VISIT || stage == STAGE_QUOTED || stage == STAGE_NEGOTIATING ||
           stage == STAGE_BOOKED;
}

/* The calendar hold that matches l's stage and date. */
static int hold_sync(struct wctx *x, const struct lead_row *l)
{
    if (!holds_date(l->stage) || !l->event_date[0]) {
        return store_hold_clear(x->db, l->id);
    }
    return store_hold_set(x->db, x->venue_id, l->id, l->event_date, l->hall,
                          l->slot[0] ? l->slot : NULL, l->stage == STAGE_BOOKED);
}

static int booked_effects(struct wctx *x, const struct lead_row *l)
{
    return money_on_booked(x, l); /* the payment plan and the invoicing push */
}

int stage_set(struct wctx *x, struct lead_row *l, int to, int64_t staff_id, const char *note)
{
    const char *from = stage_names[l->stage];
    int rc = store_lead_set_stage(x->db, l->id, stage_names[to]);

    rc = rc ? rc
            : store_stage_history_add(x->db, x->venue_id, l->id, from, stage_names[to], staff_id,
                                      note);
    if (rc) {
        return rc;
    }
    log_event(LOG_INFO, "lead.stage_changed", "lead=%lld from=%s to=%s staff=%lld",
              (long long)l->id, from, stage_names[to], (long long)staff_id);
    l->stage = to;
    rc = hold_sync(x, l);
    if (!rc && (to == STAGE_BOOKED || to == STAGE_LOST)) {
        rc = store_followups_close(x->db, l->id);
    }
    if (!rc && to == STAGE_BOOKED) {
        rc = booked_effects(x, l);
    }
    return rc;
}

int lead_staff_contacted(struct wctx *x, struct lead_row *l, int64_t staff_id)
{
    int rc = store_lead_contacted(x->db, l->id);

    if (!rc && l->stage == STAGE_NEW) {
        rc = stage_set(x, l, STAGE_CONTACTED, staff_id, NULL);
    }
    return rc;
}

/* ---- lead.move ---- */

static bool backwards(int from, int to)
{
    if (to == STAGE_LOST) {
        return false;
    }
    return from == STAGE_LOST || from == STAGE_BOOKED || to < from;
}

int check_lead_move(struct hctx *h)
{
    int to = stage_index(slot_str(h, "stage"));
    json_t *vars = NULL;
    int rc;

    if (h->me->role == ROLE_FINANCE) {
        /* finance comes here only to change a booked lead's amount (dispatch.c) */
        if (h->lead->stage == STAGE_BOOKED) {
            return RB_OK;
        }
        rc = refuse_role(h);
        return rc ? rc : RB_EPERM;
    }
    rc = check_own_lead(h);

    if (!rc && text_negative_amount(h->text)) {
        /* "Kamran booked -3 lakh": the amount is the reason, not the stage */
        rc = reply(h, "amount_negative", NULL);
        return rc ? rc : RB_EPERM;
    }
    /* the same stage again is move_same (h_lead_move), not a move backwards */
    if (rc || to < 0 || h->me->role == ROLE_OWNER || to == h->lead->stage ||
        !backwards(h->lead->stage, to)) {
        return rc;
    }
    rc = lead_vars(h->x, h->lang, h->lead, &vars);
    if (!rc) {
        struct buf st;
        buf_init(&st, 256);
        rc = render(h->x, h->lang, stage_key(to), NULL, &st);
        json_object_set_new(vars, "to", json_string(st.p));
        buf_release(&st);
    }
    rc = rc ? rc : reply(h, "refuse_backwards", vars);
    json_decref(vars);
    return rc ? rc : RB_EPERM;
}

/* The comma of a list in h's language (Urdu writes ،). */
static const char *list_sep(const struct hctx *h)
{
    return h->lang == LANG_UR ? "\u060C " : ", ";
}

/* "a, b and c" in h's language: parts joined by commas and the last by the
 * word_and prompt. */
static int join_and(struct hctx *h, json_t *parts, struct buf *out)
{
    size_t n = json_array_size(parts);
    int rc = RB_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        if (i > 0 && i + 1 < n) {
            rc = buf_adds(out, list_sep(h));
        } else if (i > 0) {
            rc = buf_addc(out, ' ');
            rc = rc ? rc : render(h->x, h->lang, "word_and", NULL, out);
            rc = rc ? rc : buf_addc(out, ' ');
        }
        rc = rc ? rc : buf_adds(out, json_string_value(json_array_get(parts, i)));
    }
    return rc;
}

/* The names of the config's halls ("Grand Hall, Marquee, Garden") and its
 * slots as staff read them ("Lunch, Dinner"), for the question. */
static int choices(struct hctx *h, struct buf *halls, struct buf *slots)
{
    const struct config *c = h->x->snap->config;
    int rc = RB_OK;

    for (size_t i = 0; !rc && i < c->nhalls; i++) {
        rc = i ? buf_adds(halls, list_sep(h)) : RB_OK;
        rc = rc ? rc : buf_adds(halls, c->halls[i].name);
    }
    for (size_t i = 0; !rc && i < c->nslots; i++) {
        char key[48];
        snprintf(key, sizeof(key), "slot_%s", c->slots[i].name);
        rc = i ? buf_adds(slots, list_sep(h)) : RB_OK;
        rc = rc ? rc : render(h->x, h->lang, key, NULL, slots);
    }
    return rc;
}

/* BOOKED confirms a calendar cell, so it needs the event date, the hall and
 * the slot, and the agreed amount: one question for what is missing
 * ("*#2* Bushra: hall (Grand Hall, Marquee, Garden), waqt (Lunch, Dinner)
 * aur final amount batayein."). */
static int ask_booked(struct hctx *h, const char *const *missing, const char *bad_hall)
{
    json_t *vars = NULL, *parts = json_array();
    struct buf halls, slots, what, one;
    int rc = parts ? lead_vars(h->x, h->lang, h->lead, &vars) : RB_ENOMEM;

    buf_init(&halls, 2048);
    buf_init(&slots, 1024);
    buf_init(&what, 4096);
    buf_init(&one, 2048);
    rc = rc ? rc : choices(h, &halls, &slots);
    if (!rc) {
        json_object_set_new(vars, "halls", json_string(halls.p ? halls.p : ""));
        json_object_set_new(vars, "slots", json_string(slots.p ? slots.p : ""));
    }
    for (size_t i = 0; !rc && missing[i]; i++) {
        char key[32];
        snprintf(key, sizeof(key), "booked_need_%s", missing[i]);
        buf_reset(&one);
        rc = render(h->x, h->lang, key, vars, &one);
        rc = rc ? rc : json_array_append_new(parts, json_string(one.p)) ? RB_ENOMEM : RB_OK;
    }
    rc = rc ? rc : join_and(h, parts, &what);
    if (!rc) {
        json_object_set_new(vars, "what", json_string(what.p));
    }
    if (!rc && bad_hall) {
        /* "Hall A" is no hall of the venue: that first, then the question */
        json_object_set_new(vars, "hall", json_string(bad_hall));
        rc = remember_ask(h, "ask_booked_details", missing, vars);
        buf_reset(&what);
        rc = rc ? rc : render(h->x, h->lang, "hall_unknown", vars, &what);
        rc = rc ? rc : buf_addc(&what, '\n');
        rc = rc ? rc : render(h->x, h->lang, "ask_booked_details", vars, &what);
        rc = rc ? rc : reply_body(h, what.p);
    } else if (!rc) {
        rc = ask(h, "ask_booked_details", missing, vars);
    }
    json_decref(vars);
    json_decref(parts);
    buf_release(&halls);
    buf_release(&slots);
    buf_release(&what);
    buf_release(&one);
    return rc;
}

/* What BOOKED still needs, in the order asked; true when anything. */
static bool booked_missing(const struct hctx *h, const char *out[5])
{
    const struct config *c = h->x->snap->config;
    size_t n = 0;

    if (!h->lead->event_date[0]) {
        out[n++] = "date";
    }
    if (!h->lead->hall && c->nhalls > 0) {
        out[n++] = "hall";
    }
    if (!h->lead->slot[0] && c->nslots > 0) {
        out[n++] = "slot";
    }
    if (h->lead->amount <= 0) {
        out[n++] = "amount";
    }
    out[n] = NULL;
    return n > 0;
}

/* Saves the details the command gave (date, amount, visit, hall, slot,
 * guests) and reloads the lead. */
static int save_details(struct hctx *h, int to)
{
    struct wctx *x = h->x;
    const char *when = slot_str(h, "when");
    const char *hall_in = slot_str(h, "hall");
    const struct hall_conf *hall = hall_in ? config_find_hall(x->snap->config, hall_in) : NULL;
    int64_t guests = slot_int(h, "guests");
    struct store_lead_details d = {slot_str(h, "date"),
                                   slot_int(h, "amount") >= 0 ? slot_int(h, "amount") : -1,
                                   0,
                                   hall ? hall->name : NULL,
                                   slot_str(h, "slot"),
                                   guests > 0 && guests <= 100000 ? guests : 0};
    int64_t id = h->lead->id;
    struct rb_datetime t;
    int rc;

    if (to == STAGE_SITE_VISIT && when && datetime_parse(when, &t) == RB_OK) {
        d.visit_at = clock_from_local(t);
    }
    if (!d.event_date && d.amount < 0 && !d.visit_at && !d.hall && !d.slot && !d.guests) {
        return RB_OK;
    }
    rc = store_lead_set_details(x->db, id, &d);
    rc = rc ? rc : lead_load(x, id, false, h->lead);
    return rc;
}

/* Reopening a closed lead must not give its client a second open lead. */
static int reopen_conflict(struct hctx *h, int to, int64_t *other)
{
    *other = 0;
    if (!h->lead->contact_id || to == STAGE_BOOKED || to == STAGE_LOST ||
        (h->lead->stage != STAGE_BOOKED && h->lead->stage != STAGE_LOST)) {
        return RB_OK;
    }
    return store_lead_other_open(h->x->db, h->x->venue_id, h->lead->contact_id, h->lead->id, other);
}

/* A confirmed booking of another lead on the same date, hall and slot. */
static int date_taken(struct hctx *h, int64_t *other)
{
    *other = 0;
    if (!h->lead->hall || !h->lead->event_date[0]) {
        return RB_OK;
    }
    return store_hold_taken(h->x->db, h->x->venue_id, h->lead->event_date, h->lead->id,
                            h->lead->hall, h->lead->slot[0] ? h->lead->slot : NULL, other);
}

/* After the move: the mover's reply, the assignee's and finance's notices. */
static int moved_replies(struct hctx *h, const char *from_name)
{
    struct say_opts o = {h->lead->id, "notice", true, NULL};
    json_t *vars = NULL, *by = json_pack("{s:s}", "by", h->me->name);
    int64_t *fin = NULL;
    size_t nfin = 0;
    int rc = by ? lead_vars(h->x, h->lang, h->lead, &vars) : RB_ENOMEM;

    if (!rc) {
        json_object_set_new(vars, "from", json_string(from_name));
        json_object_set(vars, "by", json_object_get(by, "by"));
        bool priced = (h->lead->stage == STAGE_QUOTED || h->lead->stage == STAGE_NEGOTIATING) &&
                      h->lead->amount > 0; /* the quote said back */
        rc = reply(h,
                   h->lead->stage == STAGE_BOOKED                            ? "moved_booked"
                   : h->lead->stage == STAGE_SITE_VISIT && h->lead->visit_at ? "moved_visit"
                   : priced                                                  ? "moved_amount"
                                                                             : "moved",
                   vars);
    }
    if (!rc && h->lead->assigned && h->lead->assigned != h->me->id) {
        rc = notify_lead(h->x, h->lead->assigned, "moved_by_other", h->lead, by, &o);
    }
    if (!rc && h->lead->stage == STAGE_BOOKED) {
        rc = staff_by_role(h->x, "finance", &fin, &nfin);
        o.purpose = "booking";
        o.coalesce = false;
        for (size_t i = 0; !rc && i < nfin; i++) {
            rc = notify_lead(h->x, fin[i], "booked_finance", h->lead, by, &o);
        }
    }
    free(fin);
    json_decref(vars);
    json_decref(by);
    return rc;
}

/* A booking undone (BOOKED to LOST, or moved back by the owner): finance,
 * told of the booking, is told of its end and of the money received on it,
 * which no payments list shows any more. */
static int unbooked_notices(struct hctx *h)
{
    struct say_opts o = {h->lead->id, "booking", false, NULL};
    struct ledger_status st;
    char received[REP_MONEY_MAX];
    int64_t *fin = NULL;
    size_t nfin = 0;
    json_t *extra = NULL;
    int rc = ledger_status(h->x->db, h->x->venue_id, h->lead->id, &st);

    if (!rc) {
        report_money(h->x, st.received, received);
        extra = json_pack("{s:s, s:s}", "by", h->me->name, "received", received);
        rc = extra ? staff_by_role(h->x, "finance", &fin, &nfin) : RB_ENOMEM;
    }
    for (size_t i = 0; !rc && i < nfin; i++) {
        rc = notify_lead(h->x, fin[i],
                         st.received > 0 ? "unbooked_finance" : "unbooked_finance_none", h->lead,
                         extra, &o);
    }
    free(fin);
    json_decref(extra);
    return rc;
}

static int refuse_with(struct hctx *h, const char *key, int64_t other)
{
    json_t *vars = NULL;
    int rc = lead_vars(h->x, h->lang, h->lead, &vars);

    if (!rc) {
        json_object_set_new(vars, "other", json_integer(other));
        rc = reply(h, key, vars);
    }
    json_decref(vars);
    return rc;
}

/* BOOKED on a cell another booking has (a first booking or a booked lead
 * moved): says whose it is and asks for another hall or slot, so "Marquee
 * dinner" answers it. Nothing the command gave stays on the lead (the
 * details saved since the "booking" savepoint are rolled back); the date,
 * hall, slot and amount it gave are the question's partial answer, kept in
 * the pending state, and the answer's hall or slot replaces them. */
static int ask_other_cell(struct hctx *h, int64_t other)
{
    static const char *const need_cell[] = {"hall", "slot", NULL};
    static const char *const need_cell_amount[] = {"hall", "slot", "amount", NULL};
    struct lead_row o;
    json_t *vars = NULL;
    int rc;

    lead_row_init(&o);
    rc = lead_load(h->x, other, false, &o);
    rc = rc ? rc : lead_vars(h->x, h->lang, h->lead, &vars); /* the cell asked for */
    rc = rc ? rc : db_rollback_to(h->x->db, "booking");
    rc = rc ? rc : lead_load(h->x, h->lead->id, false, h->lead);
    if (!rc) {
        bool priced = h->lead->amount > 0 || slot_int(h, "amount") > 0;
        json_object_set_new(vars, "other", json_integer(other));
        json_object_set_new(vars, "other_name", json_string(o.name ? o.name : ""));
        rc = ask(h, "booked_cell_taken", priced ? need_cell : need_cell_amount, vars);
    }
    json_decref(vars);
    lead_row_release(&o);
    return rc;
}

/* "move 17 to site visit kal 4 baje": the engine leaves the time in text;
 * a visit time (SITE_VISIT), an event date (BOOKED), a hall and a slot are
 * read out of it. */
static int details_from_text(struct hctx *h, int to)
{
    const char *text = slot_str(h, "text");
    json_t *missing = json_array();
    int filled = 0, rc = missing ? RB_OK : RB_ENOMEM;

    if (!text || rc) {
        json_decref(missing);
        return rc;
    }
    if (to == STAGE_SITE_VISIT && !slot_str(h, "when")) {
        json_array_append_new(missing, json_string("when"));
    }
    if (!slot_str(h, "hall")) {
        json_array_append_new(missing, json_string("hall"));
    }
    if (!slot_str(h, "slot")) {
        json_array_append_new(missing, json_string("slot"));
    }
    /* an amount in free text ("booked 15 March Marquee dinner 8 lakh") is the
     * quote or the booking's amount, never dropped */
    if ((to == STAGE_QUOTED || to == STAGE_NEGOTIATING || to == STAGE_BOOKED) &&
        slot_int(h, "amount") < 0) {
        json_array_append_new(missing, json_string("amount"));
    }
    /* a date in free text is read only for BOOKED ("kal baat karenge" is no event date) */
    if (to == STAGE_BOOKED && !slot_str(h, "date")) {
        json_array_append_new(missing, json_string("date"));
    }
    rc = fill_missing(h->x, missing, text, h->slots, &filled);
    json_decref(missing);
    return rc;
}

/* A hall named that the config does not have ("Hall A", read out of an
 * answer or the text, or a hall slot no hall matches): taken out of the
 * slots (so a question asked again does not remember it). New or NULL. */
static char *take_bad_hall(struct hctx *h)
{
    const char *named = slot_str(h, "hall_unknown");
    const char *hall = slot_str(h, "hall");
    char *bad = NULL;

    if (named) {
        bad = rb_strdup(named);
    } else if (hall && !config_find_hall(h->x->snap->config, hall)) {
        bad = rb_strdup(hall);
        json_object_del(h->slots, "hall");
    }
    json_object_del(h->slots, "hall_unknown");
    return bad;
}

/* "There is no hall called "Hall A". The halls are: ..." (the lead has a
 * hall already, so nothing is asked). */
static int reply_bad_hall(struct hctx *h, const char *bad)
{
    struct buf halls, slots;
    json_t *vars = NULL;
    int rc;

    buf_init(&halls, 2048);
    buf_init(&slots, 1024);
    rc = choices(h, &halls, &slots);
    vars = rc ? NULL : json_pack("{s:s, s:s}", "hall", bad, "halls", halls.p ? halls.p : "");
    rc = rc ? rc : vars ? reply(h, "hall_unknown_halls", vars) : RB_ENOMEM;
    json_decref(vars);
    buf_release(&halls);
    buf_release(&slots);
    return rc;
}

/* ---- a booked lead's amount ---- */

/* After booking the agreed amount (and so the payment plan) is money:
 * finance or the owner change it. A salesperson asking gets a refusal that
 * says so, and finance (the owner when the venue has no finance staff) the
 * request, with the message that does it. */
static int refuse_amount_change(struct hctx *h, int64_t amount)
{
    struct say_opts o = {h->lead->id, "notice", false, NULL};
    json_t *vars = NULL, *extra;
    int64_t *ids = NULL;
    size_t n = 0;
    char asked[REP_MONEY_MAX];
    int rc;

    report_money(h->x, amount, asked);
    extra = json_pack("{s:s, s:s}", "by", h->me->name, "new_amount", asked);
    rc = extra ? staff_by_role(h->x, "finance", &ids, &n) : RB_ENOMEM;
    if (!rc && n == 0) {
        free(ids);
        ids = NULL;
        rc = staff_owners(h->x, &ids, &n);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        rc = notify_lead(h->x, ids[i], "amount_change_request", h->lead, extra, &o);
    }
    rc = rc ? rc : lead_vars(h->x, h->lang, h->lead, &vars);
    rc = rc ? rc : json_object_update(vars, extra) ? RB_ENOMEM : RB_OK;
    rc = rc ? rc : reply(h, "refuse_amount_booked", vars);
    if (!rc) {
        log_event(LOG_INFO, "command.refused",
                  "staff=%lld intent=lead.move lead=%lld "
                  "reason=booked_amount asked=%lld told=%zu",
                  (long long)h->me->id, (long long)h->lead->id, (long long)amount, n);
    }
    free(ids);
    json_decref(vars);
    json_decref(extra);
    return rc;
}

/* A salesperson's new amount for a booked lead: refused (above). Finance
 * changes the amount alone, not the date, hall or slot. *done when replied. */
static int booked_money_rules(struct hctx *h, int to, const char *bad_hall, bool *done)
{
    int64_t amount = slot_int(h, "amount");

    *done = false;
    if (to != STAGE_BOOKED || h->lead->stage != STAGE_BOOKED) {
        return RB_OK;
    }
    if (h->me->role == ROLE_SALES && amount > 0 && h->lead->amount > 0 &&
        amount != h->lead->amount) {
        *done = true;
        return refuse_amount_change(h, amount);
    }
    if (h->me->role == ROLE_FINANCE && (amount <= 0 || slot_str(h, "date") || slot_str(h, "hall") ||
                                        slot_str(h, "slot") || slot_str(h, "when") || bad_hall)) {
        *done = true;
        return reply_lead(h, "finance_amount_only");
    }
    return RB_OK;
}

/* The assignee hears that someone else changed their booking's amount. */
static int amount_changed_notice(struct hctx *h, int64_t before)
{
    struct say_opts o = {h->lead->id, "notice", false, NULL};
    json_t *by;
    int rc;

    if (!h->lead->assigned || h->lead->assigned == h->me->id || h->lead->amount == before) {
        return RB_OK;
    }
    by = json_pack("{s:s}", "by", h->me->name);
    rc = by ? notify_lead(h->x, h->lead->assigned, "amount_changed_by_other", h->lead, by, &o)
            : RB_ENOMEM;
    json_decref(by);
    return rc;
}

static int lead_move(struct hctx *h, const char *bad_hall);

int h_lead_move(struct hctx *h)
{
    static const char *const need_stage[] = {"stage", NULL};
    char *bad_hall = NULL;
    int rc;

    if (stage_index(slot_str(h, "stage")) < 0) {
        return ask(h, "ask_stage", need_stage, NULL);
    }
    rc = details_from_text(h, stage_index(slot_str(h, "stage")));
    if (!rc) {
        bad_hall = take_bad_hall(h);
        rc = lead_move(h, bad_hall);
    }
    free(bad_hall);
    return rc;
}

static int lead_move(struct hctx *h, const char *bad_hall)
{
    const char *missing[5];
    int to = stage_index(slot_str(h, "stage"));
    struct buf from;
    int64_t other = 0;
    int rc;

    int64_t before = h->lead->amount;
    bool done = false;

    rc = booked_money_rules(h, to, bad_hall, &done);
    if (rc || done) {
        return rc;
    }
    if (bad_hall && to == STAGE_BOOKED && h->lead->hall) {
        return reply_bad_hall(h, bad_hall); /* nothing changes */
    }
    rc = reopen_conflict(h, to, &other);
    if (rc || other) {
        return rc ? rc : refuse_with(h, "refuse_reopen", other);
    }
    bool rebook = to == STAGE_BOOKED && h->lead->stage == STAGE_BOOKED;
    /* a booking refused for a taken cell changes nothing (ask_other_cell) */
    rc = to == STAGE_BOOKED ? db_savepoint(h->x->db, "booking") : RB_OK;
    rc = rc ? rc : save_details(h, to);
    if (rc) {
        return rc;
    }
    if (rebook) {
        /* BOOKED again with a new date, hall or slot: the calendar cell
         * moves with it, unless another booking has that cell */
        rc = date_taken(h, &other);
        if (!rc && other) {
            return ask_other_cell(h, other);
        }
        rc = rc ? rc : hold_sync(h->x, h->lead);
        if (rc) {
            return rc;
        }
    }
    if (to == h->lead->stage) {
        bool redone = false; /* BOOKED again with a new amount: the plan follows it */
        rc = money_plan_sync(h->x, h->lead, h->me->id, &redone);
        rc = rc || !redone ? rc : amount_changed_notice(h, before);
        return rc       ? rc
               : redone ? money_plan_reply(h, "pay_plan_redone")
                        : refuse_with(h, "move_same", 0);
    }
    /* a taken cell is said before the amount is asked for */
    bool cell = h->lead->event_date[0] && h->lead->hall &&
                (h->lead->slot[0] || !h->x->snap->config->nslots);
    if (to == STAGE_BOOKED && !cell && booked_missing(h, missing)) {
        return ask_booked(h, (const char *const *)missing, bad_hall);
    }
    if (to == STAGE_BOOKED) {
        rc = date_taken(h, &other);
        if (rc || other) {
            return rc ? rc : ask_other_cell(h, other);
        }
    }
    if (to == STAGE_BOOKED && booked_missing(h, missing)) {
        return ask_booked(h, (const char *const *)missing, bad_hall);
    }
    bool was_booked = h->lead->stage == STAGE_BOOKED;
    buf_init(&from, 256);
    rc = render(h->x, h->lang, stage_key(h->lead->stage), NULL, &from);
    rc = rc ? rc : stage_set(h->x, h->lead, to, h->me->id, slot_str(h, "text"));
    rc = rc ? rc : moved_replies(h, from.p);
    rc = rc || !was_booked || h->lead->stage == STAGE_BOOKED ? rc : unbooked_notices(h);
    buf_release(&from);
    return rc;
}
