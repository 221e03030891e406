/*
 * intake.c - intake: a client's message finds or opens its lead, a new lead
 * is assigned, greeted and announced, every client message is forwarded to
 * the assignee, STOP/START keep opt_outs; Lead Ads leadgen events become a
 * fetch_lead job; the invoicing jobs are domain/money.c's.
 */
#include "domain/intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/templates.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/relay.h"
#include "egress/graph_leads.h"
#include "domain/money.h"
#include "nlu/catalog.h"
#include "nlu/extract.h"
#include "nlu/intents.h"
#include "nlu/values.h"
#include "store/contacts.h"
#include "store/leads.h"
#include "store/outbox.h"
#include "store/staff.h"

/* ---- finding and opening the lead ---- */

int lead_open_of_contact(struct wctx *x, int64_t contact_id, int64_t *id)
{
    return store_lead_open_of_contact(x->db, x->venue_id, contact_id, id);
}

/* The contact's booked lead whose event is today or later, 0 when none. */
static int booked_lead_of_contact(struct wctx *x, int64_t contact_id, int64_t *id)
{
    char today[11];

    date_format(clock_local(x->now_s).date, today);
    return store_lead_booked_of_contact(x->db, x->venue_id, contact_id, today, id);
}

/* n as the store takes it, returning_of not yet known. */
static void lead_new_fields(const struct lead_new *n, struct store_lead_new *sn)
{
    *sn = (struct store_lead_new){.contact_id = n->contact_id,
                                  .name = n->name,
                                  .phone = n->phone,
                                  .source = n->source,
                                  .campaign = n->campaign,
                                  .leadgen_id = n->leadgen_id,
                                  .event_date = n->event_date,
                                  .guests = n->guests,
                                  .client_lang = lang_name(n->client_lang),
                                  .assigned = n->assigned,
                                  .contacted_now = n->contacted_now};
}

/* n as the store takes it, with the contact's last lead as the one it
 * returns to. */
static int lead_new_for_store(struct wctx *x, const struct lead_new *n, struct store_lead_new *sn)
{
    lead_new_fields(n, sn);
    if (n->contact_id && !n->contact_new) {
        return store_lead_last_of_contact(x->db, x->venue_id, n->contact_id, &sn->returning_of);
    }
    return RB_OK;
}

int lead_insert(struct wctx *x, const struct lead_new *n, int64_t *id)
{
    struct store_lead_new sn;
    int rc = lead_new_for_store(x, n, &sn);

    return rc ? rc : store_lead_insert(x->db, x->venue_id, &sn, id);
}

int contact_for_phone(struct wctx *x, const char *phone, const char *profile_name,
                      int64_t *contact_id)
{
    return store_contact_upsert(x->db, x->venue_id, phone, NULL, profile_name, 0, contact_id);
}

/* Cuts a name to a sane length on a UTF-8 boundary, in place. */
static void name_cut(char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;

    if (n <= max) {
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) {
        max--;
    }
    s[max] = '\0';
}

/* The language a client is greeted in: Urdu script when they wrote it,
 * English for a sentence in English, otherwise Roman Urdu (the venue's
 * default: a lone "salam" or "hi" says too little to switch). */
static enum lang client_lang(const char *text)
{
    struct str cur = str_from(text), word;
    int words = 0;
    enum lang l;

    if (!text) {
        return LANG_ROMAN_UR;
    }
    l = text_lang_or(text, strlen(text), LANG_ROMAN_UR);
    while (l == LANG_EN && words < 3 && text_next_word(&cur, &word)) {
        words++;
    }
    return l == LANG_EN && words < 3 ? LANG_ROMAN_UR : l;
}

/* The event date and guest count a client's message states, read as data. */
static void client_facts(struct wctx *x, const char *text, struct event_facts *f, char date[11])
{
    struct nlu_now now = {.now = clock_local(x->now_s),
                          .country_code = x->snap->config->country_code};

    extract_event_facts(text, text ? strlen(text) : 0, &now, f);
    date[0] = '\0';
    if (f->has_date) {
        date_format(f->date, date);
    }
}

void domain_client_facts(struct wctx *x, const struct wa_message *m, char date[11], int64_t *guests)
{
    struct event_facts f = {0};

    date[0] = '\0';
    *guests = 0;
    if (client_message_weight(m) == CLIENT_REAL) {
        client_facts(x, m->text, &f, date);
        *guests = f.guests;
    }
}

/* The salesperson a new lead goes to (lead_pick_assignee, else an owner),
 * 0 when there is nobody. */
static int pick_new_assignee(struct wctx *x, const char *source, int64_t guests, int64_t *id)
{
    int rc = lead_pick_assignee(x, source, guests, 0, id);

    if (!rc && !*id) {
        rc = store_staff_any_owner(x->db, x->venue_id, id);
    }
    return rc;
}

/* How a returning client's lost lead came back (open_lead's *reopened). */
enum reopen { REOPEN_NO, REOPEN_SAME, REOPEN_MOVED };

/* The LOST lead back (a client who writes soon after it was marked lost
 * carries on that conversation): with its assignee when still available,
 * else the next in turn (REOPEN_MOVED). *id 0 when it was not reopened. */
static int reopen_lead(struct wctx *x, const struct store_returning *back, int64_t *id,
                       enum reopen *reopened)
{
    int64_t staff = back->staff;
    bool ok = false;
    int rc = staff ? RB_OK : pick_new_assignee(x, "whatsapp", 0, &staff);

    rc = rc ? rc : store_lead_reopen(x->db, x->venue_id, back->id, staff, &ok);
    if (!rc && ok) {
        *id = back->id;
        *reopened = back->staff ? REOPEN_SAME : REOPEN_MOVED;
        log_event(LOG_INFO, "lead.reopened", "lead=%lld staff=%lld moved=%d event=%lld",
                  (long long)*id, (long long)staff, !back->staff, (long long)x->event_id);
    }
    return rc;
}

/*
 * A contact with no open lead (store_contact_inbound touched none) wrote: its
 * booked lead when it has one, else its lead lost less than [leads]
 * reopen_hours ago reopened (*reopened), else a new lead, assigned as it is
 * made (*fresh true): to the salesperson of the contact's last lead when
 * still active and not away, else by lead_pick_assignee. Two workers racing
 * for one contact: the partial unique index makes the second INSERT do
 * nothing after the first commits (the second reopen finds the lead open),
 * and it re-reads.
 */
static int open_lead(struct wctx *x, const struct wa_message *m, int64_t contact_id,
                     int64_t message_id, struct lead_row *l, int64_t *id, bool *fresh,
                     enum reopen *reopened)
{
    struct store_contact ci = {0};
    struct store_returning back = {0};
    struct lead_new n;
    struct event_facts facts;
    char date[11];
    /* a contact this event created has no lead, open, booked or earlier */
    int rc = x->contact_new ? RB_OK : booked_lead_of_contact(x, contact_id, id);

    *fresh = false;
    *reopened = REOPEN_NO;
    if (rc || *id) {
        return rc; /* a booked client asks about their booking: no new lead */
    }
    if (!x->contact_new) {
        rc = store_lead_returning(x->db, x->venue_id, contact_id, x->snap->config->reopen_hours,
                                  &back);
    }
    if (!rc && back.reopen) {
        rc = reopen_lead(x, &back, id, reopened);
        if (rc || *id) {
            return rc;
        }
        rc = lead_open_of_contact(x, contact_id, id); /* another event's, just made */
        if (rc || *id) {
            return rc;
        }
    }
    rc = rc ? rc : store_contact_get(x->db, x->venue_id, contact_id, &ci);
    if (rc) {
        goto out;
    }
    name_cut(ci.profile_name, 120);
    memset(&n, 0, sizeof(n));
    n.contact_id = contact_id;
    n.name = ci.profile_name;
    n.phone = ci.phone;
    n.source = "whatsapp";
    n.client_lang = client_lang(m->text);
    n.contacted_now = true;
    n.contact_new = x->contact_new;
    /* a click-to-WhatsApp ad names the campaign the client came from */
    n.campaign = m->ad_headline && m->ad_headline[0] ? m->ad_headline : m->ad_source_id;
    if (x->facts_read) {
        snprintf(date, sizeof(date), "%s", x->facts_date); /* read with the message */
        n.guests = x->facts_guests;
    } else {
        client_facts(x, m->text, &facts, date);
        n.guests = facts.guests;
    }
    n.event_date = date[0] ? date : NULL;
    /* assigned as it is made: no second write of the new row; a returning
     * client goes back to their salesperson when still available */
    n.assigned = back.staff;
    rc = n.assigned ? RB_OK : pick_new_assignee(x, n.source, n.guests, &n.assigned);
    struct store_lead_new sn;
    lead_new_fields(&n, &sn);
    sn.returning_of = back.id;
    /* made, the message linked and the lead read: one round trip */
    rc = rc ? rc : store_lead_insert_get(x->db, x->venue_id, &sn, message_id, x->event_id, l);
    if (rc == RB_ENOTFOUND) {
        rc = RB_OK; /* the contact has an open lead (another event's, just made) */
    } else if (!rc) {
        *id = l->id; /* made greeted: welcome queues its greeting next (fresh) */
    }
    if (!rc && *id) {
        *fresh = true;
        log_event(LOG_INFO, "lead.created", "lead=%lld source=whatsapp contact=%lld event=%lld",
                  (long long)*id, (long long)contact_id, (long long)x->event_id);
        if (n.assigned) {
            log_event(LOG_INFO, "lead.assigned", "lead=%lld staff=%lld by=auto", (long long)*id,
                      (long long)n.assigned);
        }
    } else if (!rc) {
        rc = lead_open_of_contact(x, contact_id, id);
        rc = rc ? rc : (*id ? RB_OK : RB_ECONFLICT);
    }
out:
    store_contact_release(&ci);
    return rc;
}

/* ---- assignment ---- */

int lead_pick_assignee(struct wctx *x, const char *source, int64_t guests, int64_t exclude,
                       int64_t *staff_id)
{
    const struct config *cfg = x->snap->config;
    int64_t id = 0;
    int rc = RB_OK;

    if (cfg->big_event_guests > 0 && guests > cfg->big_event_guests) {
        rc = store_staff_available_by_name(x->db, x->venue_id, cfg->big_event_staff, exclude, &id);
    }
    if (!rc && !id && source && strcmp(source, "meta") == 0) {
        rc = store_staff_available_by_name(x->db, x->venue_id, cfg->meta_staff, exclude, &id);
    }
    if (!rc && !id) {
        rc = store_staff_round_robin(x->db, x->venue_id, exclude, &id);
    }
    if (!rc) {
        *staff_id = id;
    }
    return rc;
}

static int assign_new(struct wctx *x, struct lead_row *l)
{
    int64_t id = 0;
    int rc = pick_new_assignee(x, l->source, l->guests, &id);

    if (rc || !id) {
        if (!rc) {
            log_event(LOG_WARN, "lead.unassigned", "lead=%lld reason=no_staff", (long long)l->id);
        }
        return rc;
    }
    rc = store_lead_assign(x->db, x->venue_id, l->id, id);
    if (!rc) {
        l->assigned = id;
        log_event(LOG_INFO, "lead.assigned", "lead=%lld staff=%lld by=auto", (long long)l->id,
                  (long long)id);
    }
    return rc;
}

/* ---- welcome: greeting and the assignee's notice ---- */

/* Greets the client of l: "welcome back" (greeting_returning) for a
 * returning client who wrote (back), else the first-inquiry greeting; sent
 * by_template, the greeting template's own words (a template has one). */
static int greet(struct wctx *x, struct lead_row *l, bool by_template, bool back, bool mark,
                 int64_t arrival_event)
{
    const struct config *cfg = x->snap->config;
    const char *staff = l->assignee ? l->assignee : cfg->venue_name;
    json_t *vars = json_pack("{s:s, s:s}", "venue", cfg->venue_name, "staff", staff);
    json_t *params = template_params("client_name", l->name && l->name[0] ? l->name : l->phone,
                                     "venue", cfg->venue_name, "staff_name", staff, NULL);
    struct client_msg cm;
    struct buf body;
    int rc = vars && params ? RB_OK : RB_ENOMEM;

    buf_init(&body, 4096);
    rc = rc ? rc
            : render(x, l->client_lang, back && !by_template ? "greeting_returning" : "greeting",
                     vars, &body);
    if (rc) {
        goto out;
    }
    memset(&cm, 0, sizeof(cm));
    cm.kind = by_template ? "template" : "text";
    cm.body = body.p;
    cm.automated = true;
    cm.purpose = "greeting";
    cm.template_name = cfg->greeting_template;
    cm.template_params = params;
    cm.greets = mark; /* the lead marked greeted with the row, in its statement */
    cm.arrival_event = arrival_event;
    rc = send_client(x, l, &cm, NULL);
    if (rc == RB_ENOTFOUND) {
        rc = RB_OK; /* no WhatsApp contact (a Meta lead without a phone) */
        goto out;
    }
    if (!rc) {
        l->greeted = true;
        log_event(LOG_INFO, "lead.greeted", "lead=%lld kind=%s back=%d", (long long)l->id, cm.kind,
                  back && !by_template);
    }
out:
    buf_release(&body);
    json_decref(vars);
    json_decref(params);
    return rc;
}

/* The new-lead notice to the assignee; with held, kept there for forward to
 * send in the same row as the client's message (one statement where there
 * were two, the second joining the first: store_outbox_add's coalescing). */
static int announce(struct wctx *x, const struct lead_row *l, struct buf *held)
{
    struct staff_info s;
    struct say_opts o = {l->id, "notice", true, NULL};
    struct buf body;
    json_t *vars = NULL;
    int rc;

    staff_info_init(&s);
    buf_init(&body, 8192);
    rc = staff_load(x, l->assigned, &s);
    if (rc == RB_ENOTFOUND) {
        rc = RB_OK;
        goto out;
    }
    rc = rc ? rc : lead_vars(x, staff_lang(&s), l, &vars);
    rc = rc ? rc : render(x, staff_lang(&s), "new_lead", vars, &body);
    if (!rc && l->returning_of) {
        rc = buf_addc(&body, '\n');
        json_object_set_new(vars, "earlier", json_integer(l->returning_of));
        rc = rc ? rc : render(x, staff_lang(&s), "new_lead_returning", vars, &body);
    }
    if (!rc && l->campaign && l->campaign[0]) {
        rc = buf_addc(&body, '\n');
        rc = rc ? rc
                : render(x, staff_lang(&s),
                         strcmp(l->source, "meta") == 0 ? "new_lead_campaign" : "new_lead_ad", vars,
                         &body);
    }
    if (!rc && held) {
        rc = buf_adds(held, body.p);
    } else {
        rc = rc ? rc : send_staff(x, &s, body.p, &o);
    }
    rc = rc ? rc : worker_convo_current(x, s.id, l->id);
out:
    json_decref(vars);
    buf_release(&body);
    staff_info_release(&s);
    return rc;
}

/* The notice that the client of the LOST lead l wrote again and l is open
 * again, kept in held for forward to send with the client's message. */
static int reopen_notice(struct wctx *x, const struct lead_row *l, struct buf *held)
{
    struct staff_info s;
    json_t *vars = NULL;
    int rc;

    if (!l->assigned) {
        return RB_OK;
    }
    staff_info_init(&s);
    rc = staff_load(x, l->assigned, &s);
    if (rc == RB_ENOTFOUND) {
        rc = RB_OK;
        goto out;
    }
    rc = rc ? rc : lead_vars(x, staff_lang(&s), l, &vars);
    rc = rc ? rc : render(x, staff_lang(&s), "lead_reopened", vars, held);
out:
    json_decref(vars);
    staff_info_release(&s);
    return rc;
}

/* l assigned, greeted and announced. fresh: l was made now, already marked
 * greeted in its INSERT (store_lead_insert_get), its greeting still to queue. */
static int welcome(struct wctx *x, struct lead_row *l, bool fresh, bool by_template,
                   int64_t arrival_event, int64_t quiet_staff, struct buf *held)
{
    int64_t id = l->id;
    int rc = RB_OK;

    if (!l->assigned) {
        rc = assign_new(x, l);
        if (!rc) {
            lead_row_release(l);
            rc = lead_load(x, id, false, l);
        }
    }
    if (!rc && (fresh || !l->greeted)) {
        rc = greet(x, l, by_template, l->returning_of != 0, !fresh, arrival_event);
    }
    if (!rc && l->assigned && l->assigned != quiet_staff) {
        rc = announce(x, l, held);
    }
    return rc;
}

int lead_welcome(struct wctx *x, struct lead_row *l, bool by_template, int64_t arrival_event,
                 int64_t quiet_staff)
{
    return welcome(x, l, false, by_template, arrival_event, quiet_staff, NULL);
}

/* ---- relay: client -> assignee ---- */

/* Longest notice and message sent as one row (the coalescing's own limit,
 * store/outbox.c, in characters; this counts bytes, so never more). */
#define JOINED_MAX 3500

/* The client's message to the assignee; after a STOP (opt 1) or a START
 * (opt -1), a line saying what it changed. held: the new-lead notice that
 * announce kept (empty when none), sent first, in the same row when both fit
 * in one. */
static int forward(struct wctx *x, const struct lead_row *l, const struct wa_message *m, int opt,
                   const struct buf *held)
{
    struct staff_info s;
    struct say_opts o = {l->id, "forward", true, NULL, NULL};
    struct say_opts notice = {l->id, "notice", true, NULL, NULL};
    struct buf body;
    int rc;

    if (!l->assigned) {
        return RB_OK;
    }
    staff_info_init(&s);
    buf_init(&body, BUF_MAX_DEFAULT);
    rc = staff_load(x, l->assigned, &s);
    if (rc == RB_ENOTFOUND) {
        rc = RB_OK;
        goto out;
    }
    rc = rc ? rc : relay_line(x, staff_lang(&s), l, m, &body);
    if (rc == RB_ENOTFOUND) {
        log_event(LOG_INFO, "client.nothing_to_forward", "lead=%lld type=%s", (long long)l->id,
                  log_q(m->type, (size_t)-1));
        rc = held->len ? send_staff(x, &s, held->p, &notice) : RB_OK;
        goto out; /* carries nothing to read: nothing else is sent */
    }
    if (!rc && opt) {
        rc = buf_addc(&body, '\n');
        rc = rc ? rc
                : render(x, staff_lang(&s), opt > 0 ? "forward_optout" : "forward_optin", NULL,
                         &body);
    }
    if (!rc && held->len && held->len + 2 + body.len < JOINED_MAX) {
        struct buf joined;
        buf_init(&joined, BUF_MAX_DEFAULT);
        rc = buf_addf(&joined, "%s\n\n%s", held->p, body.p);
        notice.template_line = held->p; /* as the coalesced row said */
        rc = rc ? rc : send_staff(x, &s, joined.p, &notice);
        buf_release(&joined);
    } else {
        rc = rc || !held->len ? rc : send_staff(x, &s, held->p, &notice);
        rc = rc ? rc : send_staff(x, &s, body.p, &o);
    }
    rc = rc ? rc : worker_convo_current(x, s.id, l->id);
out:
    buf_release(&body);
    staff_info_release(&s);
    return rc;
}

/* ---- opt-outs ---- */

/* 1 for STOP, -1 for START, 0 otherwise: the whole message, any case or
 * punctuation, is one of the `words stop:` / `words start:` phrases of
 * intents/ (words.frag). */
static int opt_keyword(const struct wctx *x, const char *text)
{
    const struct intents *set = x->snap->intents;
    size_t len = text ? strlen(text) : 0;

    return text_phrase_index(text, len, intents_words(set, "stop")) >= 0    ? 1
           : text_phrase_index(text, len, intents_words(set, "start")) >= 0 ? -1
                                                                            : 0;
}

static int opt_change(struct wctx *x, const struct lead_row *l, int verdict)
{
    struct client_msg cm;
    struct buf body;
    int rc = store_contact_opt_out(x->db, x->venue_id, l->contact_id, verdict > 0);

    if (rc) {
        return rc;
    }
    log_event(LOG_INFO, verdict > 0 ? "client.opted_out" : "client.opted_in",
              "lead=%lld contact=%lld", (long long)l->id, (long long)l->contact_id);
    buf_init(&body, 2048);
    rc = render(x, l->client_lang, verdict > 0 ? "optout_done" : "optin_done", NULL, &body);
    memset(&cm, 0, sizeof(cm));
    cm.kind = "text";
    cm.body = body.p;
    cm.purpose = "notice";
    rc = rc ? rc : send_client(x, l, &cm, NULL);
    buf_release(&body);
    return rc == RB_ENOTFOUND ? RB_OK : rc;
}

/* ---- the worker hooks ---- */

/* A system notice that the client changed number: the new number becomes a
 * contact, the old one points at it, and the client's current lead follows
 * (its assignee is told). Nothing is opened and nobody is greeted. */
static int changed_number(struct wctx *x, const struct wa_message *m, int64_t contact_id)
{
    const char *d = m->new_wa_id && m->new_wa_id[0] == '+' ? m->new_wa_id + 1 : m->new_wa_id;
    size_t n = d ? strspn(d, "0123456789") : 0;
    char phone[24], today[11];
    int64_t fresh = 0, *moved = NULL;
    int rc, n_moved = 0;

    if (!d || n < 7 || n > 15 || d[n] || d[0] == '0') {
        log_event(LOG_INFO, "client.system", "contact=%lld kind=%s", (long long)contact_id,
                  log_q(m->subtype ? m->subtype : "", (size_t)-1));
        return RB_OK; /* an identity change or a notice without a number */
    }
    snprintf(phone, sizeof(phone), "+%s", d);
    rc = contact_for_phone(x, phone, m->profile_name, &fresh);
    date_format(clock_local(x->now_s).date, today);
    rc = rc ? rc
            : store_leads_move_contact(x->db, x->venue_id, contact_id, fresh, phone, today, &moved,
                                       &n_moved);
    for (int i = 0; !rc && i < n_moved; i++) {
        struct lead_row l;
        struct say_opts o = {moved[i], "notice", false, NULL};
        json_t *extra = json_pack("{s:s}", "new_phone", phone);

        lead_row_init(&l);
        rc = extra ? lead_load(x, moved[i], false, &l) : RB_ENOMEM;
        if (!rc && l.assigned) {
            rc = notify_lead(x, l.assigned, "client_changed_number", &l, extra, &o);
        }
        json_decref(extra);
        lead_row_release(&l);
    }
    if (!rc) {
        log_event(LOG_INFO, "client.changed_number", "contact=%lld new_contact=%lld leads=%d",
                  (long long)contact_id, (long long)fresh, n_moved);
    }
    free(moved);
    return rc;
}

int domain_client_message(struct wctx *x, const struct wa_message *m, int64_t contact_id,
                          int64_t message_id)
{
    struct lead_row l;
    int64_t lead_id = 0;
    bool fresh = false;
    enum reopen reopened = REOPEN_NO;
    enum client_weight weight = client_message_weight(m);
    struct buf held; /* a new lead's notice, sent with the message (forward) */
    int rc, verdict;

    lead_row_init(&l);
    buf_init(&held, BUF_MAX_DEFAULT);
    if (weight == CLIENT_NOTHING) {
        rc = strcmp(m->type, "system") == 0 ? changed_number(x, m, contact_id) : RB_OK;
        log_event(LOG_INFO, "client.message_kept", "message=%lld type=%s reason=%s",
                  (long long)message_id, log_q(m->type, (size_t)-1),
                  strcmp(m->type, "text") == 0 ? "blank" : "no_content");
        goto out;
    }
    if (!x->contact_new && x->inbound_lead && x->inbound_lead->id) {
        /* a known client with an open lead, the common case: the lead was
         * touched and read with the message (store_contact_inbound) */
        l = *x->inbound_lead;
        lead_row_init(x->inbound_lead);
        goto found;
    }
    /* no open lead: a new or returning client, or a booked one */
    rc = weight == CLIENT_REAL
             ? open_lead(x, m, contact_id, message_id, &l, &lead_id, &fresh, &reopened)
             : booked_lead_of_contact(x, contact_id, &lead_id);
    if (rc || !lead_id) {
        if (!rc) {
            log_event(LOG_INFO, "client.message_kept", "message=%lld type=%s reason=no_lead",
                      (long long)message_id, log_q(m->type, (size_t)-1));
        }
        goto out;
    }
    /* a lead opened now was read as it was made (and last contacted now) */
    rc = fresh ? RB_OK : store_lead_link_get(x->db, x->venue_id, lead_id, message_id, true, &l);
    if (rc) {
        goto out;
    }
found:
    verdict = opt_keyword(x, m->text);
    if (verdict) {
        rc = opt_change(x, &l, verdict);
    }
    if (!rc && weight == CLIENT_REAL && (fresh || !l.assigned)) {
        rc = welcome(x, &l, fresh, false, x->event_id, 0, &held);
    } else if (!rc && reopened) {
        /* the conversation goes on; a client handed to someone new is told who */
        rc = reopened == REOPEN_MOVED ? greet(x, &l, false, true, false, x->event_id) : RB_OK;
        rc = rc ? rc : reopen_notice(x, &l, &held);
    }
    rc = rc ? rc : forward(x, &l, m, verdict, &held);
    if (!rc) {
        log_event(LOG_INFO, "client.message_routed", "lead=%lld message=%lld staff=%lld new=%d",
                  (long long)l.id, (long long)message_id, (long long)l.assigned, fresh);
    }
out:
    buf_release(&held);
    lead_row_release(&l);
    return rc;
}

int domain_leadgen(struct wctx *x, const json_t *payload)
{
    const char *id = json_string_value(json_object_get(payload, "leadgen_id"));
    char key[96];
    json_t *job;
    int rc;

    if (!id || !id[0] || strlen(id) > 64) {
        log_event(LOG_WARN, "leadgen.ignored", "event=%lld reason=no_leadgen_id",
                  (long long)x->event_id);
        return RB_OK;
    }
    job = json_pack("{s:s, s:I}", "leadgen_id", id, "event_id", (json_int_t)x->event_id);
    if (!job) {
        return RB_ENOMEM;
    }
    json_object_set(job, "form_id", json_object_get(payload, "form_id"));
    json_object_set(job, "ad_id", json_object_get(payload, "ad_id"));
    snprintf(key, sizeof(key), "lead:%s", id);
    rc = worker_job_add(x, JOB_FETCH_LEAD, job, 0, key);
    json_decref(job);
    if (!rc) {
        log_event(LOG_INFO, "leadgen.queued", "event=%lld leadgen=%s", (long long)x->event_id,
                  log_q(id, (size_t)-1));
    }
    return rc;
}

/* ---- the fetch_lead job ---- */

/* Normalizes a form value and runs one value parser over it. */
static struct str norm_value(const char *s, struct buf *b)
{
    buf_reset(b);
    if (!s || text_normalize(s, strlen(s), b) != RB_OK) {
        return str_make("", 0);
    }
    return str_make(b->p, b->len);
}

/* A Lead Ads form mapped through config [meta_leads]. */
struct meta_fields {
    const char *name, *campaign;
    char phone[20];
    char date[11];
    int64_t guests;
};

static void meta_map(struct wctx *x, const struct graph_lead *gl, struct meta_fields *f)
{
    const struct lead_field_map *map = &x->snap->config->lead_fields;
    struct nlu_now now = {clock_local(x->now_s), x->snap->config->country_code, false};
    struct rb_datetime dt;
    struct rb_date from, to;
    struct buf b;
    bool range;
    const char *d = graph_lead_field(gl, map->event_date);

    memset(f, 0, sizeof(*f));
    buf_init(&b, 4096);
    f->name = graph_lead_field(gl, map->full_name);
    f->campaign = graph_lead_field(gl, map->campaign);
    if (!f->campaign || !f->campaign[0]) {
        f->campaign = gl->campaign_name;
    }
    if (value_phone(norm_value(graph_lead_field(gl, map->phone), &b), now.country_code, f->phone) !=
        RB_OK) {
        f->phone[0] = '\0';
    }
    if (d && datetime_parse(d, &dt) == RB_OK) {
        date_format(dt.date, f->date);
    } else if (value_date(norm_value(d, &b), &now, &from, &to, &range) == RB_OK) {
        date_format(from, f->date);
    }
    if (value_guests(norm_value(graph_lead_field(gl, map->guests), &b), &f->guests) != RB_OK ||
        f->guests < 1 || f->guests > 100000) {
        f->guests = 0;
    }
    buf_release(&b);
}

/* The form came from a client who already has an open lead: fill its gaps
 * and tell the assignee. */
static int meta_join_open(struct wctx *x, int64_t lead_id, const struct meta_fields *f,
                          const char *leadgen_id)
{
    struct say_opts o = {lead_id, "notice", true, NULL};
    struct lead_row l;
    int rc = store_lead_fill_form(x->db, lead_id, f->campaign, f->date[0] ? f->date : NULL,
                                  f->guests, f->name, leadgen_id);

    lead_row_init(&l);
    rc = rc ? rc : lead_load(x, lead_id, false, &l);
    if (!rc && l.assigned) {
        rc = notify_lead(x, l.assigned, "meta_form_existing", &l, NULL, &o);
    }
    lead_row_release(&l);
    return rc;
}

static int meta_create(struct wctx *x, const struct graph_lead *gl, int64_t arrival_event)
{
    struct meta_fields f;
    struct lead_new n;
    struct lead_row l;
    int64_t contact = 0, id = 0, open = 0;
    int rc = RB_OK;

    meta_map(x, gl, &f);
    lead_row_init(&l);
    if (f.phone[0]) {
        rc = contact_for_phone(x, f.phone, f.name, &contact);
        rc = rc ? rc : lead_open_of_contact(x, contact, &open);
    }
    if (!rc && open) {
        rc = meta_join_open(x, open, &f, gl->id);
        goto out;
    }
    memset(&n, 0, sizeof(n));
    n.contact_id = contact;
    n.name = f.name && f.name[0] ? f.name : NULL;
    n.phone = f.phone[0] ? f.phone : NULL;
    n.source = "meta";
    n.campaign = f.campaign;
    n.leadgen_id = gl->id;
    n.event_date = f.date[0] ? f.date : NULL;
    n.guests = f.guests;
    n.client_lang = LANG_ROMAN_UR;
    rc = rc ? rc : lead_insert(x, &n, &id);
    if (rc || !id) {
        goto out; /* known leadgen id: nothing to do */
    }
    log_event(LOG_INFO, "lead.created", "lead=%lld source=meta leadgen=%s", (long long)id,
              log_q(gl->id, (size_t)-1));
    rc = lead_load(x, id, true, &l);
    rc = rc ? rc : lead_welcome(x, &l, true, arrival_event, 0);
out:
    lead_row_release(&l);
    return rc;
}

/* What a fetch outcome means for the job: RB_OK done, RB_EUPSTREAM retry. */
/* A fetch that cannot succeed however often it is tried (a bad id, 100/33:
 * no such lead, a test lead, no access): no lead, and the job is marked
 * failed with the reason (x->job_error). */
static int fetch_outcome(struct wctx *x, const char *id, int rc, const struct graph_result *r)
{
    const char *cls = graph_class_name(r->cls);

    if (rc == RB_EINVAL && r->cls == GRAPH_PERMANENT) {
        log_event(LOG_WARN, "leadgen.dropped", "leadgen=%s reason=bad_id", log_q(id, (size_t)-1));
        snprintf(x->job_error, sizeof(x->job_error), "leadgen id %.64s is not a Graph id", id);
        return RB_OK;
    }
    if (rc == RB_EINVAL) {
        log_event(LOG_ERROR, "leadgen.fetch_failed", "leadgen=%s class=alert reason=config",
                  log_q(id, (size_t)-1));
        return RB_EUPSTREAM;
    }
    if (rc) {
        return rc;
    }
    if (r->cls == GRAPH_PERMANENT) {
        log_event(LOG_WARN, "leadgen.dropped", "leadgen=%s status=%ld code=%lld subcode=%lld",
                  log_q(id, (size_t)-1), r->http_status, r->code, r->subcode);
        snprintf(x->job_error, sizeof(x->job_error),
                 "Graph refused lead %.64s for good: HTTP %ld, code %lld, subcode %lld: %.300s", id,
                 r->http_status, r->code, r->subcode, r->message ? r->message : "");
        return RB_OK;
    }
    if (r->cls != GRAPH_OK) {
        log_event(r->cls == GRAPH_ALERT ? LOG_ERROR : LOG_WARN, "leadgen.fetch_failed",
                  "leadgen=%s class=%s status=%ld code=%lld transport=%s", log_q(id, (size_t)-1),
                  cls, r->http_status, r->code, http_transport_name(r->transport));
        return RB_EUPSTREAM;
    }
    return RB_OK;
}

/* What the Graph call of a fetch_lead job brought back (x->outside). */
struct lead_fetch {
    struct graph_lead gl;
    struct graph_result gr;
    int rc;     /* the call's outcome through fetch_outcome */
    bool known; /* the lead was already stored: nothing was fetched */
};

static void lead_fetch_free(void *p)
{
    struct lead_fetch *f = p;

    if (f) {
        graph_result_release(&f->gr);
        graph_lead_release(&f->gl);
        free(f);
    }
}

/* Outside any transaction: the Graph call, so a slow Meta holds no row lock
 * and no open transaction. */
static int fetch_lead_outside(struct wctx *x, const json_t *payload)
{
    const char *id = json_string_value(json_object_get(payload, "leadgen_id"));
    const struct app_env *env = &x->app->env;
    struct graph_conf conf = {env->graph_base, env->graph_version,
                              env->meta_page_token ? env->meta_page_token : env->wa_token};
    struct lead_fetch *f;
    int rc;

    if (!id) {
        return RB_OK;
    }
    f = calloc(1, sizeof(*f));
    if (!f) {
        return RB_ENOMEM;
    }
    graph_lead_init(&f->gl);
    graph_result_init(&f->gr);
    x->outside = f;
    x->outside_free = lead_fetch_free;
    rc = store_lead_leadgen_known(x->db, x->venue_id, id, &f->known);
    if (rc || f->known) {
        return rc;
    }
    if (!x->http) {
        return RB_EINTERNAL;
    }
    rc = graph_lead_fetch(x->http, &conf, id, &f->gl, &f->gr);
    f->rc = fetch_outcome(x, id, rc, &f->gr);
    return RB_OK;
}

/* In the job's transaction: the lead from what the call brought back. */
static int job_fetch_lead(struct wctx *x, const json_t *payload)
{
    const char *id = json_string_value(json_object_get(payload, "leadgen_id"));
    int64_t arrival = json_integer_value(json_object_get(payload, "event_id"));
    struct lead_fetch *f = x->outside;

    if (!id) {
        log_event(LOG_WARN, "leadgen.dropped", "reason=no_leadgen_id");
        return RB_OK;
    }
    if (!f || x->outside_free != lead_fetch_free) {
        return RB_EINTERNAL;
    }
    if (f->known || f->rc) {
        return f->rc;
    }
    return f->gr.cls == GRAPH_OK ? meta_create(x, &f->gl, arrival) : RB_OK;
}

int domain_job(struct wctx *x, const char *kind, const json_t *payload)
{
    if (strcmp(kind, JOB_FETCH_LEAD) == 0) {
        return job_fetch_lead(x, payload);
    }
    if (money_job_remote(kind)) {
        return money_job(x, kind, payload);
    }
    return RB_ENOTFOUND;
}

int domain_job_outside(struct wctx *x, const char *kind, const json_t *payload)
{
    if (strcmp(kind, JOB_FETCH_LEAD) == 0) {
        return fetch_lead_outside(x, payload);
    }
    return RB_OK;
}
