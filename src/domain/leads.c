/*
 * leads.c - intake: a client's message finds or opens its lead, a new lead
 * is assigned, greeted and announced, every client message is forwarded to
 * the assignee, STOP/START keep opt_outs; Lead Ads leadgen events become a
 * fetch_lead job; the invoicing jobs are domain/money.c's.
 */
#include "domain/leads.h"

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
#include "store/outbox.h"

static const char sql_contact[] =
    "SELECT phone, bsuid, profile_name FROM contacts WHERE venue_id = $1 AND id = $2";
static const char sql_open_lead[] = "SELECT id FROM leads WHERE venue_id = $1 AND contact_id = $2"
                                    " AND stage NOT IN ('BOOKED', 'LOST') ORDER BY id LIMIT 1";
/* A booked client stays that lead's client until the event day has passed
 * (a booking with no date yet stays theirs too). */
static const char sql_booked_lead[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND contact_id = $2 AND stage = 'BOOKED'"
    " AND (event_date IS NULL OR event_date >= $3::date) ORDER BY id DESC LIMIT 1";
static const char sql_last_lead[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND contact_id = $2 ORDER BY id DESC LIMIT 1";
static const char sql_lead_insert[] =
    "INSERT INTO leads (venue_id, contact_id, name, phone, source, campaign, leadgen_id,"
    " event_date, guests, returning_of, client_lang, assigned_staff_id, last_contact_at)"
    " VALUES ($1, NULLIF($2, '0')::bigint, $3, $4, $5, $6, $7, $8::date,"
    " NULLIF($9, '0')::int, NULLIF($10, '0')::bigint, $11, NULLIF($12, '0')::bigint,"
    " CASE WHEN $13::bool THEN now() END)"
    " ON CONFLICT DO NOTHING RETURNING id";
static const char sql_link_message[] =
    "WITH m AS (UPDATE messages SET lead_id = $3 WHERE venue_id = $1 AND id = $2)"
    " UPDATE leads SET last_contact_at = now() WHERE id = $3";
static const char sql_opt_out[] =
    "INSERT INTO opt_outs (venue_id, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char sql_opt_in[] = "DELETE FROM opt_outs WHERE venue_id = $1 AND contact_id = $2";
/* Round robin without a lock: the n-th pick (rr_seq, sql/012_scale.sql)
 * takes the (n mod count)-th salesperson on duty. A sequence is not
 * transactional, so new leads in concurrent transactions (a worker's batch
 * of them included) never wait on one another; a rolled-back pick only
 * skips one turn. */
static const char sql_rr_pick[] =
    "WITH s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n"
    "   FROM staff WHERE venue_id = $1 AND role = 'sales' AND active AND NOT away AND id <> $2)"
    " SELECT id FROM s WHERE k = (SELECT (nextval('rr_seq') - 1) % n FROM s LIMIT 1)";
static const char sql_staff_available[] =
    "SELECT id FROM staff WHERE venue_id = $1 AND lower(name) = lower($2) AND active"
    " AND NOT away AND role IN ('sales', 'owner') AND id <> $3";
static const char sql_owner_any[] =
    "SELECT id FROM staff WHERE venue_id = $1 AND role = 'owner' AND active ORDER BY id LIMIT 1";
static const char sql_assign[] =
    "UPDATE leads SET assigned_staff_id = $2 WHERE venue_id = $1 AND id = $3";
static const char sql_greeted[] =
    "UPDATE leads SET greeted_at = clock_timestamp(), greeting_latency_ms = GREATEST(0,"
    " (extract(epoch FROM clock_timestamp() - COALESCE((SELECT received_at FROM inbound_events"
    " WHERE id = $2), created_at)) * 1000)::bigint) WHERE id = $1 AND greeted_at IS NULL";
static const char sql_leadgen_known[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND leadgen_id = $2";
static const char sql_fill_open[] =
    "UPDATE leads SET campaign = COALESCE(campaign, $2), event_date = COALESCE(event_date,"
    " $3::date), guests = COALESCE(guests, NULLIF($4, '0')::int), name = COALESCE(name, $5),"
    " leadgen_id = COALESCE(leadgen_id, $6) WHERE id = $1";

/* ---- finding and opening the lead ---- */

int lead_open_of_contact(struct wctx *x, int64_t contact_id, int64_t *id)
{
    char v[24], c[24];
    const char *p[2] = {db_i64s(x->venue_id, v), db_i64s(contact_id, c)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_open_lead, 2, p, &r);

    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

/* The contact's booked lead whose event is today or later, 0 when none. */
static int booked_lead_of_contact(struct wctx *x, int64_t contact_id, int64_t *id)
{
    char v[24], c[24], today[11];
    const char *p[3] = {db_i64s(x->venue_id, v), db_i64s(contact_id, c), today};
    PGresult *r = NULL;
    int rc;

    date_format(clock_local(x->now_s).date, today);
    rc = db_exec(x->db, sql_booked_lead, 3, p, &r);
    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

static int last_lead_of_contact(struct wctx *x, int64_t contact_id, int64_t *id)
{
    char v[24], c[24];
    const char *p[2] = {db_i64s(x->venue_id, v), db_i64s(contact_id, c)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_last_lead, 2, p, &r);

    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

int lead_insert(struct wctx *x, const struct lead_new *n, int64_t *id)
{
    char v[24], c[24], g[24], ret[24], as[24];
    int64_t returning = 0;
    PGresult *r = NULL;
    int rc = RB_OK;

    if (n->contact_id) {
        rc = last_lead_of_contact(x, n->contact_id, &returning);
        if (rc) {
            return rc;
        }
    }
    const char *p[13] = {db_i64s(x->venue_id, v), db_i64s(n->contact_id, c), n->name, n->phone,
                         n->source, n->campaign, n->leadgen_id, n->event_date,
                         db_i64s(n->guests, g), db_i64s(returning, ret),
                         lang_name(n->client_lang), db_i64s(n->assigned, as),
                         n->contacted_now ? "t" : "f"};
    rc = db_exec(x->db, sql_lead_insert, 13, p, &r);
    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

int contact_for_phone(struct wctx *x, const char *phone, const char *profile_name,
                      int64_t *contact_id)
{
    return store_contact_upsert(x->db, x->venue_id, phone, NULL, profile_name, 0, contact_id);
}

/* The contact's phone, BSUID and profile name as a lead's first fields. */
struct contact_info {
    char *phone, *bsuid, *name;
};

static void contact_info_release(struct contact_info *ci)
{
    free(ci->phone);
    free(ci->bsuid);
    free(ci->name);
    memset(ci, 0, sizeof(*ci));
}

static int contact_load(struct wctx *x, int64_t contact_id, struct contact_info *out)
{
    char v[24], c[24];
    const char *p[2] = {db_i64s(x->venue_id, v), db_i64s(contact_id, c)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_contact, 2, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        out->phone = rb_strdup(db_str(r, 0, 0));
        out->bsuid = rb_strdup(db_str(r, 0, 1));
        out->name = rb_strdup(db_str(r, 0, 2));
    }
    PQclear(r);
    return rc;
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

/*
 * The open lead of contact_id, opened now when there is none (*fresh true).
 * Two workers racing for one contact: the partial unique index makes the
 * second INSERT do nothing after the first commits, and it re-reads.
 */
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

static const char sql_fill_facts[] =
    "UPDATE leads SET event_date = COALESCE(event_date, NULLIF($2, '')::date),"
    " guests = COALESCE(guests, NULLIF($3::bigint, 0))"
    " WHERE id = $1 AND (event_date IS NULL AND $2 <> '' OR guests IS NULL AND $3::bigint > 0)";

/* Fills the open lead's date and guests from the client's words when still unknown. */
static int fill_facts(struct wctx *x, int64_t lead_id, const char *text)
{
    struct event_facts f;
    char date[11], l[24], g[24];

    client_facts(x, text, &f, date);
    if (!date[0] && !f.guests) {
        return RB_OK;
    }
    const char *p[3] = {db_i64s(lead_id, l), date, db_i64s(f.guests, g)};
    return db_exec(x->db, sql_fill_facts, 3, p, NULL);
}

static int open_lead(struct wctx *x, const struct wa_message *m, int64_t contact_id, int64_t *id,
                     bool *fresh)
{
    struct contact_info ci = {0};
    struct lead_new n;
    struct event_facts facts;
    char date[11];
    int rc = lead_open_of_contact(x, contact_id, id);

    *fresh = false;
    if (rc || *id) {
        return rc ? rc : fill_facts(x, *id, m->text);
    }
    rc = booked_lead_of_contact(x, contact_id, id);
    if (rc || *id) {
        return rc; /* a booked client asks about their booking: no new lead */
    }
    rc = contact_load(x, contact_id, &ci);
    if (rc) {
        goto out;
    }
    name_cut(ci.name, 120);
    memset(&n, 0, sizeof(n));
    n.contact_id = contact_id;
    n.name = ci.name;
    n.phone = ci.phone;
    n.source = "whatsapp";
    n.client_lang = client_lang(m->text);
    n.contacted_now = true;
    /* a click-to-WhatsApp ad names the campaign the client came from */
    n.campaign = m->ad_headline && m->ad_headline[0] ? m->ad_headline : m->ad_source_id;
    client_facts(x, m->text, &facts, date);
    n.event_date = date[0] ? date : NULL;
    n.guests = facts.guests;
    rc = lead_insert(x, &n, id);
    if (!rc && *id) {
        *fresh = true;
        log_event(LOG_INFO, "lead.created", "lead=%lld source=whatsapp contact=%lld event=%lld",
                  (long long)*id, (long long)contact_id, (long long)x->event_id);
    } else if (!rc) {
        rc = lead_open_of_contact(x, contact_id, id);
        rc = rc ? rc : (*id ? RB_OK : RB_ECONFLICT);
    }
out:
    contact_info_release(&ci);
    return rc;
}

/* ---- assignment ---- */

static int staff_available_by_name(struct wctx *x, const char *name, int64_t exclude,
                                   int64_t *id)
{
    char v[24], e[24];
    const char *p[3] = {db_i64s(x->venue_id, v), name, db_i64s(exclude, e)};
    PGresult *r = NULL;
    int rc;

    *id = 0;
    if (!name || !name[0]) {
        return RB_OK;
    }
    rc = db_exec(x->db, sql_staff_available, 3, p, &r);
    if (!rc && PQntuples(r) == 1) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

static int round_robin(struct wctx *x, int64_t exclude, int64_t *id)
{
    char v[24], e[24];
    const char *p[2] = {db_i64s(x->venue_id, v), db_i64s(exclude, e)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_rr_pick, 2, p, &r);

    *id = 0;
    if (!rc && PQntuples(r) == 1) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int lead_pick_assignee(struct wctx *x, const char *source, int64_t guests, int64_t exclude,
                       int64_t *staff_id)
{
    const struct config *cfg = x->snap->config;
    int64_t id = 0;
    int rc = RB_OK;

    if (cfg->big_event_guests > 0 && guests > cfg->big_event_guests) {
        rc = staff_available_by_name(x, cfg->big_event_staff, exclude, &id);
    }
    if (!rc && !id && source && strcmp(source, "meta") == 0) {
        rc = staff_available_by_name(x, cfg->meta_staff, exclude, &id);
    }
    if (!rc && !id) {
        rc = round_robin(x, exclude, &id);
    }
    if (!rc) {
        *staff_id = id;
    }
    return rc;
}

static int any_owner(struct wctx *x, int64_t *id)
{
    char v[24];
    const char *p[1] = {db_i64s(x->venue_id, v)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_owner_any, 1, p, &r);

    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

static int assign_new(struct wctx *x, struct lead_row *l)
{
    char v[24], s[24], ls[24];
    int64_t id = 0;
    int rc = lead_pick_assignee(x, l->source, l->guests, 0, &id);

    if (!rc && !id) {
        rc = any_owner(x, &id);
    }
    if (rc || !id) {
        if (!rc) {
            log_event(LOG_WARN, "lead.unassigned", "lead=%lld reason=no_staff", (long long)l->id);
        }
        return rc;
    }
    const char *p[3] = {db_i64s(x->venue_id, v), db_i64s(id, s), db_i64s(l->id, ls)};
    rc = db_exec(x->db, sql_assign, 3, p, NULL);
    if (!rc) {
        l->assigned = id;
        log_event(LOG_INFO, "lead.assigned", "lead=%lld staff=%lld by=auto", (long long)l->id,
                  (long long)id);
    }
    return rc;
}

/* ---- welcome: greeting and the assignee's notice ---- */

static int greet(struct wctx *x, struct lead_row *l, bool by_template, int64_t arrival_event)
{
    const struct config *cfg = x->snap->config;
    const char *staff = l->assignee ? l->assignee : cfg->venue_name;
    json_t *vars = json_pack("{s:s, s:s}", "venue", cfg->venue_name, "staff", staff);
    json_t *params = template_params("client_name", l->name && l->name[0] ? l->name : l->phone,
                                     "venue", cfg->venue_name, "staff_name", staff, NULL);
    struct client_msg cm;
    struct buf body;
    char ev[24], ls[24];
    const char *p[2] = {db_i64s(l->id, ls), db_i64s(arrival_event, ev)};
    int rc = vars && params ? RB_OK : RB_ENOMEM;

    buf_init(&body, 4096);
    rc = rc ? rc : render(x, l->client_lang, "greeting", vars, &body);
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
    rc = send_client(x, l, &cm, NULL);
    if (rc == RB_ENOTFOUND) {
        rc = RB_OK; /* no WhatsApp contact (a Meta lead without a phone) */
        goto out;
    }
    rc = rc ? rc : db_exec(x->db, sql_greeted, 2, p, NULL);
    if (!rc) {
        l->greeted = true;
        log_event(LOG_INFO, "lead.greeted", "lead=%lld kind=%s", (long long)l->id, cm.kind);
    }
out:
    buf_release(&body);
    json_decref(vars);
    json_decref(params);
    return rc;
}

static int announce(struct wctx *x, const struct lead_row *l)
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
    rc = rc ? rc : send_staff(x, &s, body.p, &o);
    rc = rc ? rc : convo_set_current(x, s.id, l->id);
out:
    json_decref(vars);
    buf_release(&body);
    staff_info_release(&s);
    return rc;
}

int lead_welcome(struct wctx *x, struct lead_row *l, bool by_template, int64_t arrival_event,
                 int64_t quiet_staff)
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
    if (!rc && !l->greeted) {
        rc = greet(x, l, by_template, arrival_event);
    }
    if (!rc && l->assigned && l->assigned != quiet_staff) {
        rc = announce(x, l);
    }
    return rc;
}

/* ---- relay: client -> assignee ---- */

static int forward(struct wctx *x, const struct lead_row *l, const struct wa_message *m)
{
    struct staff_info s;
    struct say_opts o = {l->id, "forward", true, NULL};
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
        rc = RB_OK; /* carries nothing to read: nothing is sent */
        goto out;
    }
    rc = rc ? rc : send_staff(x, &s, body.p, &o);
    rc = rc ? rc : convo_set_current(x, s.id, l->id);
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
    char v[24], c[24];
    const char *p[2] = {db_i64s(x->venue_id, v), db_i64s(l->contact_id, c)};
    struct client_msg cm;
    struct buf body;
    int rc = db_exec(x->db, verdict > 0 ? sql_opt_out : sql_opt_in, 2, p, NULL);

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

/* The lead a reaction or an edit belongs to: the open one or a booked one
 * whose day has not passed; 0 when none (nothing is opened for it). */
static int existing_lead(struct wctx *x, int64_t contact_id, int64_t *id)
{
    int rc = lead_open_of_contact(x, contact_id, id);

    return rc || *id ? rc : booked_lead_of_contact(x, contact_id, id);
}

static const char sql_moved[] =
    "UPDATE contacts SET moved_to = $3 WHERE venue_id = $1 AND id = $2 AND id <> $3";
static const char sql_move_leads[] =
    "UPDATE leads SET contact_id = $3, phone = $4 WHERE venue_id = $1 AND contact_id = $2"
    " AND (stage NOT IN ('BOOKED', 'LOST') OR (stage = 'BOOKED' AND (event_date IS NULL"
    "  OR event_date >= $5::date)))"
    " AND NOT EXISTS (SELECT 1 FROM leads n WHERE n.venue_id = $1 AND n.contact_id = $3"
    "  AND n.stage NOT IN ('BOOKED', 'LOST')) RETURNING id";

/* A system notice that the client changed number: the new number becomes a
 * contact, the old one points at it, and the client's current lead follows
 * (its assignee is told). Nothing is opened and nobody is greeted. */
static int changed_number(struct wctx *x, const struct wa_message *m, int64_t contact_id)
{
    const char *d = m->new_wa_id && m->new_wa_id[0] == '+' ? m->new_wa_id + 1 : m->new_wa_id;
    size_t n = d ? strspn(d, "0123456789") : 0;
    char phone[24], v[24], c[24], nc[24], today[11];
    int64_t fresh = 0;
    PGresult *r = NULL;
    int rc;

    if (!d || n < 7 || n > 15 || d[n] || d[0] == '0') {
        log_event(LOG_INFO, "client.system", "contact=%lld kind=%s", (long long)contact_id,
                  log_q(m->subtype ? m->subtype : "", (size_t)-1));
        return RB_OK; /* an identity change or a notice without a number */
    }
    snprintf(phone, sizeof(phone), "+%s", d);
    rc = contact_for_phone(x, phone, m->profile_name, &fresh);
    date_format(clock_local(x->now_s).date, today);
    const char *p[5] = {db_i64s(x->venue_id, v), db_i64s(contact_id, c), db_i64s(fresh, nc), phone,
                        today};
    rc = rc ? rc : db_exec(x->db, sql_moved, 3, p, NULL);
    rc = rc ? rc : db_exec(x->db, sql_move_leads, 5, p, &r);
    for (int i = 0; !rc && r && i < PQntuples(r); i++) {
        struct lead_row l;
        struct say_opts o = {db_i64(r, i, 0), "notice", false, NULL};
        json_t *extra = json_pack("{s:s}", "new_phone", phone);

        lead_row_init(&l);
        rc = extra ? lead_load(x, db_i64(r, i, 0), false, &l) : RB_ENOMEM;
        if (!rc && l.assigned) {
            rc = notify_lead(x, l.assigned, "client_changed_number", &l, extra, &o);
        }
        json_decref(extra);
        lead_row_release(&l);
    }
    if (!rc) {
        log_event(LOG_INFO, "client.changed_number", "contact=%lld new_contact=%lld leads=%d",
                  (long long)contact_id, (long long)fresh, r ? PQntuples(r) : 0);
    }
    PQclear(r);
    return rc;
}

int domain_client_message(struct wctx *x, const struct wa_message *m, int64_t contact_id,
                          int64_t message_id)
{
    char v[24], mid[24], lid[24];
    struct lead_row l;
    int64_t lead_id = 0;
    bool fresh = false;
    enum client_weight weight = client_message_weight(m);
    int rc, verdict;

    lead_row_init(&l);
    if (weight == CLIENT_NOTHING) {
        rc = strcmp(m->type, "system") == 0 ? changed_number(x, m, contact_id) : RB_OK;
        log_event(LOG_INFO, "client.message_kept", "message=%lld type=%s reason=%s",
                  (long long)message_id, log_q(m->type, (size_t)-1),
                  strcmp(m->type, "text") == 0 ? "blank" : "no_content");
        goto out;
    }
    rc = weight == CLIENT_REAL ? open_lead(x, m, contact_id, &lead_id, &fresh)
                               : existing_lead(x, contact_id, &lead_id);
    if (rc || !lead_id) {
        if (!rc) {
            log_event(LOG_INFO, "client.message_kept", "message=%lld type=%s reason=no_lead",
                      (long long)message_id, log_q(m->type, (size_t)-1));
        }
        goto out;
    }
    const char *p[3] = {db_i64s(x->venue_id, v), db_i64s(message_id, mid), db_i64s(lead_id, lid)};
    rc = db_exec(x->db, sql_link_message, 3, p, NULL);
    rc = rc ? rc : lead_load(x, lead_id, true, &l);
    if (rc) {
        goto out;
    }
    verdict = opt_keyword(x, m->text);
    if (verdict) {
        rc = opt_change(x, &l, verdict);
    }
    if (!rc && weight == CLIENT_REAL && (fresh || !l.assigned)) {
        rc = lead_welcome(x, &l, false, x->event_id, 0);
    }
    rc = rc ? rc : forward(x, &l, m);
    if (!rc) {
        log_event(LOG_INFO, "client.message_routed", "lead=%lld message=%lld staff=%lld new=%d",
                  (long long)l.id, (long long)message_id, (long long)l.assigned, fresh);
    }
out:
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
    if (value_phone(norm_value(graph_lead_field(gl, map->phone), &b), now.country_code,
                    f->phone) != RB_OK) {
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
    char ls[24], g[24];
    const char *p[6] = {db_i64s(lead_id, ls), f->campaign, f->date[0] ? f->date : NULL,
                        db_i64s(f->guests, g), f->name, leadgen_id};
    struct say_opts o = {lead_id, "notice", true, NULL};
    struct lead_row l;
    int rc = db_exec(x->db, sql_fill_open, 6, p, NULL);

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

static int leadgen_known(struct wctx *x, const char *id, bool *known)
{
    char v[24];
    const char *p[2] = {db_i64s(x->venue_id, v), id};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_leadgen_known, 2, p, &r);

    if (!rc) {
        *known = PQntuples(r) > 0;
    }
    PQclear(r);
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
                  "leadgen=%s class=%s status=%ld code=%lld transport=%s",
                  log_q(id, (size_t)-1), cls, r->http_status, r->code,
                  http_transport_name(r->transport));
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
    rc = leadgen_known(x, id, &f->known);
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
