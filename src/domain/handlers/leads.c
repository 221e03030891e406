/*
 * handlers/leads.c - lead.create (walk-ins), lead.status, lead.note,
 * lead.assign, lead.history and leads.list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "domain/intake.h"
#include "domain/money.h"
#include "domain/report.h"
#include "nlu/catalog.h"
#include "store/followups.h"
#include "store/ledger.h"
#include "store/lead_rows.h"
#include "store/timeline.h"

/* ---- lead.create ---- */

static int ask_walk_in(struct hctx *h, bool need_name, bool need_phone)
{
    static const char *const both[] = {"name", "phone", NULL};
    static const char *const name[] = {"name", NULL};
    static const char *const phone[] = {"phone", NULL};

    if (need_name && need_phone) {
        return ask(h, "ask_name_phone", both, NULL);
    }
    return need_name ? ask(h, "ask_name", name, NULL) : ask(h, "ask_phone", phone, NULL);
}

static int note_add(struct wctx *x, int64_t lead, int64_t staff, const char *text)
{
    return store_note_add(x->db, x->venue_id, lead, staff, text);
}

/* The walk-in's client already has an open lead: say which. */
static int walk_in_exists(struct hctx *h, int64_t id)
{
    struct lead_row l;
    json_t *vars = NULL;
    int rc;

    lead_row_init(&l);
    rc = lead_load(h->x, id, false, &l);
    rc = rc ? rc : lead_vars(h->x, h->lang, &l, &vars);
    rc = rc ? rc : reply(h, "lead_exists", vars);
    rc = rc ? rc : convo_set_current(h->x, h->me->id, id);
    json_decref(vars);
    lead_row_release(&l);
    return rc;
}

static int walk_in_created(struct hctx *h, struct lead_row *l)
{
    json_t *vars = NULL;
    int rc = RB_OK;

    if (slot_str(h, "text")) {
        rc = note_add(h->x, l->id, h->me->id, slot_str(h, "text"));
    }
    if (!rc && l->assigned == h->me->id) {
        rc = lead_staff_contacted(h->x, l, h->me->id); /* met in person */
    }
    rc = rc ? rc : lead_vars(h->x, h->lang, l, &vars);
    /* a date or guests the command gave are said back, so a misread shows */
    rc = rc ? rc
            : reply(h, l->event_date[0] || l->guests > 0 ? "lead_created_full" : "lead_created",
                    vars);
    rc = rc ? rc : convo_set_current(h->x, h->me->id, l->id);
    json_decref(vars);
    return rc;
}

int h_lead_create(struct hctx *h)
{
    const char *name = slot_str(h, "name"), *phone = slot_str(h, "phone");
    int64_t guests = slot_int(h, "guests"), contact = 0, open = 0, id = 0;
    struct lead_new n;
    struct lead_row l;
    int rc;

    if (!name || !phone) {
        return ask_walk_in(h, !name, !phone);
    }
    lead_row_init(&l);
    rc = contact_for_phone(h->x, phone, name, &contact);
    rc = rc ? rc : lead_open_of_contact(h->x, contact, &open);
    if (rc || open) {
        rc = rc ? rc : walk_in_exists(h, open);
        goto out;
    }
    memset(&n, 0, sizeof(n));
    n.contact_id = contact;
    n.name = name;
    n.phone = phone;
    n.source = "walk_in";
    n.event_date = slot_str(h, "date");
    n.guests = guests > 0 && guests <= 100000 ? guests : 0;
    n.assigned = h->me->role == ROLE_SALES ? h->me->id : 0;
    n.client_lang = h->lang;
    n.contacted_now = true;
    rc = lead_insert(h->x, &n, &id);
    if (rc || !id) {
        rc = rc ? rc : lead_open_of_contact(h->x, contact, &open);
        rc = rc ? rc : walk_in_exists(h, open);
        goto out;
    }
    log_event(LOG_INFO, "lead.created", "lead=%lld source=walk_in staff=%lld", (long long)id,
              (long long)h->me->id);
    rc = lead_load(h->x, id, true, &l);
    rc = rc ? rc : lead_welcome(h->x, &l, true, 0, h->me->id);
    rc = rc ? rc : walk_in_created(h, &l);
out:
    lead_row_release(&l);
    return rc;
}

/* ---- lead.status ---- */

int h_lead_status(struct hctx *h)
{
    char when[24];
    struct buf body;
    int64_t due = 0;
    json_t *vars = NULL;
    int rc = lead_vars(h->x, h->lang, h->lead, &vars);

    buf_init(&body, 8192);
    rc = rc ? rc : render(h->x, h->lang, "status", vars, &body);
    if (!rc && h->lead->hall) { /* the calendar cell it holds or has booked */
        rc = buf_addc(&body, '\n');
        rc = rc ? rc
                : render(h->x, h->lang, h->lead->slot[0] ? "status_hall" : "status_hall_only", vars,
                         &body);
    }
    if (!rc && h->lead->stage == STAGE_SITE_VISIT && h->lead->visit_at) {
        rc = buf_addc(&body, '\n');
        rc = rc ? rc : render(h->x, h->lang, "status_visit", vars, &body);
    }
    rc = rc ? rc : store_followup_next_due(h->x->db, h->lead->id, &due);
    if (!rc && due) {
        fmt_when(due, when);
        json_object_set_new(vars, "when", json_string(when));
        rc = buf_addc(&body, '\n');
        rc = rc ? rc : render(h->x, h->lang, "status_followup", vars, &body);
    }
    if (!rc && h->lead->stage == STAGE_BOOKED) { /* what is paid and what is next */
        rc = buf_addc(&body, '\n');
        rc = rc ? rc : money_status_line(h->x, h->lang, h->lead, &body);
    } else if (!rc) { /* a booking undone keeps the money received on it in sight */
        struct ledger_status st;
        rc = ledger_status(h->x->db, h->x->venue_id, h->lead->id, &st);
        if (!rc && st.received > 0) {
            char m[REP_MONEY_MAX];
            report_money(h->x, st.received, m);
            json_object_set_new(vars, "received", json_string(m));
            rc = buf_addc(&body, '\n');
            rc = rc ? rc : render(h->x, h->lang, "status_received_unbooked", vars, &body);
        }
    }
    rc = rc ? rc : reply_body(h, body.p);
    json_decref(vars);
    buf_release(&body);
    return rc;
}

/* ---- lead.note ---- */

int h_lead_note(struct hctx *h)
{
    static const char *const need[] = {"text", NULL};
    const char *text = slot_str(h, "text");
    int rc;

    if (!text) {
        return ask_lead(h, "ask_note_text", need);
    }
    rc = note_add(h->x, h->lead->id, h->me->id, text);
    return rc ? rc : reply_lead(h, "note_saved");
}

/* ---- lead.assign ---- */

int check_lead_assign(struct hctx *h)
{
    return check_own_lead(h);
}

static int assign_reply(struct hctx *h, const char *key, const char *staff)
{
    json_t *vars = NULL;
    int rc = lead_vars(h->x, h->lang, h->lead, &vars);

    if (!rc) {
        json_object_set_new(vars, "to", json_string(staff ? staff : ""));
        rc = reply(h, key, vars);
    }
    json_decref(vars);
    return rc;
}

/* The new assignee gets the lead's card; the old one hears it moved. */
static int assign_notices(struct hctx *h, int64_t old, const struct staff_info *to)
{
    struct say_opts o = {h->lead->id, "notice", true, NULL};
    json_t *extra = json_pack("{s:s, s:s}", "by", h->me->name, "to", to->name);
    int rc = extra ? RB_OK : RB_ENOMEM;

    if (!rc && to->id != h->me->id) {
        rc = notify_lead(h->x, to->id, "assigned_to_you", h->lead, extra, &o);
        rc = rc ? rc : convo_set_current(h->x, to->id, h->lead->id);
    }
    if (!rc && old && old != h->me->id) {
        o.coalesce = false;
        rc = notify_lead(h->x, old, "assign_taken", h->lead, extra, &o);
    }
    json_decref(extra);
    return rc;
}

int h_lead_assign(struct hctx *h)
{
    static const char *const need[] = {"staff", NULL};
    const char *who = slot_str(h, "staff");
    struct staff_info to;
    int64_t old = h->lead->assigned;
    json_t *detail = NULL;
    int rc;

    if (!who) {
        return ask(h, "ask_staff", need, NULL);
    }
    staff_info_init(&to);
    rc = staff_find(h->x, who, &to);
    if (rc == RB_ENOTFOUND || rc == RB_ECONFLICT) {
        rc =
            assign_reply(h, rc == RB_ENOTFOUND ? "assign_no_staff" : "assign_staff_ambiguous", who);
        goto out;
    }
    if (!rc && to.role != ROLE_SALES && to.role != ROLE_OWNER) {
        rc = assign_reply(h, "assign_bad_role", to.name);
        goto out;
    }
    if (!rc && to.id == old) {
        rc = assign_reply(h, "assign_same", to.name);
        goto out;
    }
    if (!rc) {
        detail = json_pack("{s:s?, s:s}", "a", h->lead->assignee, "b", to.name);
        rc = detail ? RB_OK : RB_ENOMEM;
    }
    rc = rc ? rc : store_lead_reassign(h->x->db, h->lead->id, to.id);
    rc = rc ? rc : lead_load(h->x, h->lead->id, false, h->lead);
    rc = rc ? rc : audit(h->x, h->me->id, "lead.assign", h->lead->id, detail);
    rc = rc ? rc : assign_notices(h, old, &to);
    rc = rc ? rc : assign_reply(h, "assigned", to.name);
    if (!rc) {
        log_event(LOG_INFO, "lead.assigned", "lead=%lld staff=%lld by=%lld from=%lld",
                  (long long)h->lead->id, (long long)to.id, (long long)h->me->id, (long long)old);
    }
out:
    json_decref(detail);
    staff_info_release(&to);
    return rc;
}

/* ---- lead.history ---- */

#define HIST_TEXT 150 /* bytes of a history line's text */

/* s flattened to one line; past HIST_TEXT bytes cut at the last word
 * boundary before it, with an ellipsis. */
static void hist_text(const char *s, char *out, size_t max)
{
    char *line = malloc(HIST_TEXT * 4 + 8);
    size_t n;

    if (!line) {
        flatten_line(s, out, max < HIST_TEXT ? max : HIST_TEXT);
        return;
    }
    flatten_line(s, line, HIST_TEXT * 4 + 8);
    n = strlen(line);
    if (n > HIST_TEXT) {
        size_t cut = HIST_TEXT;
        while (cut > 0 && line[cut] != ' ') {
            cut--;
        }
        if (cut < HIST_TEXT / 2) { /* one long word: cut at a character */
            cut = HIST_TEXT;
            while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80) {
                cut--;
            }
        }
        while (cut > 0 && strchr(" ,.;:-", line[cut - 1])) {
            cut--;
        }
        snprintf(out, max, "%.*s\u2026", (int)cut, line);
    } else {
        snprintf(out, max, "%s", line);
    }
    free(line);
}

static int history_row(struct hctx *h, const void *rows, size_t i, struct buf *body)
{
    const struct store_history_row *e = (const struct store_history_row *)rows + i;
    const char *kind = e->kind;
    char when[24], text[HIST_TEXT + 8];
    struct buf from, to;
    json_t *vars;
    int rc;

    bool message = strcmp(kind, "in") == 0 || strcmp(kind, "out") == 0;
    const char *who = e->who ? e->who : h->x->snap->config->venue_name;

    fmt_when(e->at_s, when);
    /* a message without a body (media) shows its type */
    hist_text(e->text ? e->text : message ? e->a : "", text, sizeof(text));
    vars = json_pack("{s:s, s:s, s:s}", "when", when, "text", text, "staff", who);
    if (!vars) {
        return RB_ENOMEM;
    }
    buf_init(&from, 256);
    buf_init(&to, 256);
    rc = buf_addc(body, '\n');
    if (!rc && strcmp(kind, "payment.record") == 0) {
        char am[32];
        int64_t amount = e->b ? strtoll(e->b, NULL, 10) : 0;
        fmt_amount(amount, am);
        /* a payment without a milestone reads "Payment received", not "- received" */
        rc = render(h->x, h->lang, milestone_key(e->a), NULL, &from);
        json_object_set_new(vars, "milestone", json_string(from.p));
        json_object_set_new(vars, "amount", json_string(am));
    } else if (!rc && strcmp(kind, "payment.reverse") == 0) {
        json_object_set_new(vars, "entry", json_string(e->a ? e->a : "-"));
        char reason[160];
        flatten_line(e->b ? e->b : "", reason, sizeof(reason));
        json_object_set_new(vars, "reason", json_string(reason));
    } else if (!rc && (strcmp(kind, "lead.assign") == 0 || strcmp(kind, "nurture.step") == 0)) {
        json_object_set_new(vars, "from", json_string(e->a ? e->a : "-"));
        json_object_set_new(vars, "to", json_string(e->b ? e->b : "-"));
    }
    if (!rc && strcmp(kind, "stage") == 0) {
        rc = render(h->x, h->lang, stage_key(stage_index(e->a)), NULL, &from);
        rc = rc ? rc : render(h->x, h->lang, stage_key(stage_index(e->b)), NULL, &to);
        json_object_set_new(vars, "from", json_string(e->a ? from.p : "-"));
        json_object_set_new(vars, "to", json_string(to.p));
    }
    if (!rc) {
        rc = render(h->x, h->lang,
                    strcmp(kind, "stage") == 0 && text[0]  ? "hist_stage_why"
                    : strcmp(kind, "stage") == 0           ? "hist_stage"
                    : strcmp(kind, "note") == 0            ? "hist_note"
                    : strcmp(kind, "lead.assign") == 0     ? "hist_assign"
                    : strcmp(kind, "payment.record") == 0  ? "hist_payment"
                    : strcmp(kind, "payment.reverse") == 0 ? "hist_reverse"
                    : strcmp(kind, "nurture.step") == 0    ? "hist_nurture"
                    : strcmp(kind, "in") == 0              ? "hist_in"
                    : strcmp(kind, "waiting") == 0         ? "hist_waiting"
                                                           : "hist_out",
                    vars, body);
    }
    buf_release(&from);
    buf_release(&to);
    json_decref(vars);
    return rc;
}

int h_lead_history(struct hctx *h)
{
    struct store_history_row *rows = NULL;
    size_t n = 0;
    struct buf body;
    json_t *vars = NULL;
    int rc = lead_vars(h->x, h->lang, h->lead, &vars);

    buf_init(&body, 32768);
    rc = rc ? rc : render(h->x, h->lang, "history_head", vars, &body);
    rc = rc ? rc : store_lead_history(h->x->db, h->lead->id, LIST_PAGE + 1, h->offset, &rows, &n);
    if (!rc && n == 0) {
        rc = buf_addc(&body, '\n');
        rc = rc ? rc : render(h->x, h->lang, "list_empty", NULL, &body);
    }
    rc = rc ? rc : reply_page(h, rows, n, history_row, &body);
    store_history_free(rows, n);
    json_decref(vars);
    buf_release(&body);
    return rc;
}

/* ---- leads.list ---- */

/* Lead ids[i], as a line; in one person's list without whose it is. */
static int list_row(struct hctx *h, const int64_t *ids, size_t i, bool own, struct buf *body)
{
    struct lead_row l;
    json_t *vars = NULL;
    int rc;

    lead_row_init(&l);
    rc = lead_load(h->x, ids[i], false, &l);
    rc = rc ? rc : lead_vars(h->x, h->lang, &l, &vars);
    rc = rc ? rc : buf_addc(body, '\n');
    rc = rc ? rc : render(h->x, h->lang, own ? "list_lead_own" : "list_lead", vars, body);
    json_decref(vars);
    lead_row_release(&l);
    return rc;
}

/* Whose leads a list shows and what it leaves out. */
struct list_spec {
    const char *head;  /* list_head_* */
    const char *hint;  /* list_hint_*: how to ask for what was left out */
    const char *staff; /* the salesperson named, or NULL */
    int64_t staff_id;  /* 0: everyone's */
    bool open_only;    /* booked and lost left out (and said so) */
    bool stale;        /* stale ones only: none says what stale means */
};

/* "3 booked leads not shown: write 'mere booked leads'" for each stage the
 * list left out, on its first page. */
static int hidden_lines(struct hctx *h, const struct list_spec *ls, struct buf *body)
{
    static const char *const stages[] = {"BOOKED", "LOST"};
    int64_t counts[2] = {0, 0};
    int rc;

    if (!ls->open_only || h->offset > 0) {
        return RB_OK;
    }
    rc = store_leads_closed_counts(h->x->db, h->x->venue_id, ls->staff_id, &counts[0], &counts[1]);
    for (int i = 0; !rc && i < 2; i++) {
        int64_t n = counts[i];
        char key[32];
        struct buf word, hint, stage;
        json_t *vars = NULL;

        if (n <= 0) {
            continue;
        }
        buf_init(&word, 256);
        buf_init(&hint, 1024);
        buf_init(&stage, 256);
        snprintf(key, sizeof(key), "list_word_%s", stages[i]);
        rc = render(h->x, h->lang, key, NULL, &word);
        rc = rc ? rc : render(h->x, h->lang, stage_key(stage_index(stages[i])), NULL, &stage);
        vars = rc ? NULL
                  : json_pack("{s:s, s:s, s:I}", "word", word.p, "staff",
                              ls->staff ? ls->staff : "", "n", (json_int_t)n);
        rc = rc ? rc : vars ? render(h->x, h->lang, ls->hint, vars, &hint) : RB_ENOMEM;
        if (!rc) {
            json_object_set_new(vars, "hint", json_string(hint.p));
            json_object_set_new(vars, "stage", json_string(stage.p));
            rc = buf_addc(body, '\n');
        }
        rc =
            rc ? rc : render(h->x, h->lang, n == 1 ? "list_hidden_one" : "list_hidden", vars, body);
        json_decref(vars);
        buf_release(&word);
        buf_release(&hint);
        buf_release(&stage);
    }
    return rc;
}

/* A page of lead ids (LIST_PAGE + 1 fetched) under its head, then what
 * was left out, then the hint for the next page. */
static int list_leads_page(struct hctx *h, const int64_t *ids, size_t n, const struct list_spec *ls)
{
    int rc;
    json_t *vars = json_pack("{s:s, s:i}", "staff", ls->staff ? ls->staff : "", "hours",
                             h->x->snap->config->stale_reminder_hours);
    struct buf body;

    buf_init(&body, 32768);
    rc = vars ? RB_OK : RB_ENOMEM;
    if (!rc && (n || (ls->open_only && h->offset == 0))) {
        rc = render(h->x, h->lang, ls->head, vars, &body);
        if (!rc && !n) {
            rc = buf_addc(&body, '\n');
            rc = rc ? rc : render(h->x, h->lang, "list_empty_open", NULL, &body);
        }
    } else if (!rc) {
        rc = render(h->x, h->lang, ls->stale ? "rep_empty_stale" : "list_empty", vars, &body);
    }
    for (size_t i = 0; !rc && i < n && i < LIST_PAGE; i++) {
        rc = list_row(h, ids, i, ls->staff_id != 0, &body);
    }
    rc = rc ? rc : hidden_lines(h, ls, &body);
    rc = rc ? rc : reply_page_end(h, n, &body);
    json_decref(vars);
    buf_release(&body);
    return rc;
}

/* "Sara ke leads": anyone's, for the owner and a salesperson alike (sales
 * read every lead, as "all leads", "stale leads" and a lead's status do,
 * and change only their own: check_own_lead). A name no staff has, or two
 * have, is said. */
static int list_staff(struct hctx *h, struct staff_info *who, bool *done)
{
    const char *name = slot_str(h, "staff");
    json_t *vars;
    int rc;

    *done = false;
    if (!name) {
        return RB_OK;
    }
    if (strcmp(name, "me") == 0) {
        /* the sender's own, when another filter holds scope ("mere stale leads") */
        return staff_load(h->x, h->me->id, who);
    }
    rc = staff_find(h->x, name, who);
    if (rc == RB_ENOTFOUND || rc == RB_ECONFLICT) {
        vars = json_pack("{s:s}", "staff", name);
        rc = vars ? reply(h, "list_staff_unknown", vars) : RB_ENOMEM;
        json_decref(vars);
        *done = !rc;
    }
    return rc;
}

int h_leads_list(struct hctx *h)
{
    const char *scope = slot_str(h, "scope"), *stage = slot_str(h, "stage");
    bool all = scope && strcmp(scope, "all") == 0;
    bool mine = scope ? strcmp(scope, "mine") == 0 : h->me->role == ROLE_SALES;
    bool stale = scope && strcmp(scope, "stale") == 0;
    int64_t cutoff = h->x->now_s - (int64_t)h->x->snap->config->stale_reminder_hours * 3600;
    struct list_spec ls = {mine ? "list_head_mine" : "list_head_all",
                           mine ? "list_hint_mine" : "list_hint_all", NULL, 0, false};
    struct store_lead_filter f;
    struct staff_info who;
    int64_t *ids = NULL;
    size_t n = 0;
    bool done = false;
    int rc;

    staff_info_init(&who);
    rc = list_staff(h, &who, &done);
    if (rc || done) {
        goto out;
    }
    if (who.id) {
        mine = false;
        all = false;
        ls.head = who.id == h->me->id ? "list_head_mine" : "list_head_staff";
        ls.hint = who.id == h->me->id ? "list_hint_mine" : "list_hint_staff";
        ls.staff = who.name;
    }
    ls.staff_id = who.id ? who.id : mine ? h->me->id : 0;
    ls.open_only = stage_index(stage) < 0 && !stale && !all;
    ls.stale = stale;
    if (stale) { /* the head says the list is of stale leads, whoever's */
        ls.head = !who.id && !mine           ? "list_head_stale"
                  : ls.staff_id == h->me->id ? "list_head_stale_mine"
                                             : "list_head_stale_staff";
    }
    memset(&f, 0, sizeof(f));
    f.venue = h->x->venue_id;
    f.staff_id = ls.staff_id;
    f.stage = stage_index(stage) >= 0 ? stage : NULL;
    f.every_stage = all && !stale;
    f.stale = stale;
    f.stale_before = cutoff;
    rc = store_leads_page(h->x->db, &f, LIST_PAGE + 1, h->offset, &ids, &n);
    rc = rc ? rc : list_leads_page(h, ids, n, &ls);
    free(ids);
out:
    staff_info_release(&who);
    return rc;
}
