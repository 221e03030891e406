/*
 * dispatch.c - a staff member's message, from text to a queued reply.
 *
 * In order: a quote-reply to a forwarded client message, or a message that
 * begins with #N, goes to that lead's client (client.reply); a pending
 * question, numbered choice or list page takes the message when it answers
 * it (anything else cancels it); otherwise it is parsed (domain/parser.h:
 * the rules, then Gemini when they are unsure; logged in ai_log) and the
 * command table runs it: role, lead, check, handle.
 * A client's text never reaches this file: only registered staff phones do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "domain/parser.h"
#include "nlu/catalog.h"
#include "nlu/intents.h"
#include "store/ai_log.h"
#include "store/replies.h"

#define ALL_ROLES (ROLE_OWNER | ROLE_SALES | ROLE_FINANCE | ROLE_ADMIN)

static const struct handler table[] = {
    {"lead.create", ROLE_OWNER | ROLE_SALES, false, NULL, h_lead_create},
    {"lead.status", ALL_ROLES, true, NULL, h_lead_status},
    {"lead.move", ROLE_OWNER | ROLE_SALES, true, check_lead_move, h_lead_move},
    {"lead.note", ROLE_OWNER | ROLE_SALES, true, check_own_lead, h_lead_note},
    {"lead.assign", ROLE_OWNER | ROLE_SALES, true, check_lead_assign, h_lead_assign},
    {"lead.history", ROLE_OWNER | ROLE_SALES, true, check_own_lead, h_lead_history},
    {"leads.list", ROLE_OWNER | ROLE_SALES, false, NULL, h_leads_list},
    {"followup.schedule", ROLE_OWNER | ROLE_SALES, true, check_own_lead, h_followup_schedule},
    {"followups.list", ROLE_OWNER | ROLE_SALES, false, NULL, h_followups_list},
    {"availability.check", ALL_ROLES, false, NULL, h_availability},
    {"client.reply", ROLE_OWNER | ROLE_SALES, true, check_own_lead, h_client_reply},
    {"payment.record", ROLE_OWNER | ROLE_FINANCE, true, NULL, h_payment_record},
    {"payments.overdue", ROLE_OWNER | ROLE_FINANCE | ROLE_SALES, false, NULL, h_payments_overdue},
    {"payment.reverse", ROLE_OWNER | ROLE_FINANCE, true, NULL, h_payment_reverse},
    {"payment.plan", ROLE_OWNER | ROLE_FINANCE | ROLE_SALES, true, check_payment_plan,
     h_payment_plan},
    {"report.query", ROLE_OWNER | ROLE_FINANCE, false, NULL, h_report},
    {"help", ALL_ROLES, false, NULL, h_help},
    {"unknown", ALL_ROLES, false, NULL, h_unknown},
};

const struct handler *handler_find(const char *intent)
{
    for (size_t i = 0; intent && i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(table[i].intent, intent) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

/* The prompt-key form of an intent name ("lead.move" -> "lead_move"). */
static void key_of(const char *prefix, const char *intent, char *out, size_t n)
{
    snprintf(out, n, "%s%s", prefix, intent);
    for (char *p = out; *p; p++) {
        if (*p == '.') {
            *p = '_';
        }
    }
}

/* "Sorry, as finance you cannot move stages. You can: ..." */
int refuse_role(struct hctx *h)
{
    char action[64], hint[64], role[32];
    struct buf a, b, r;
    json_t *vars = NULL;
    int rc;

    buf_init(&a, 512);
    buf_init(&b, 1024);
    buf_init(&r, 256);
    key_of("action_", h->intent, action, sizeof(action));
    snprintf(hint, sizeof(hint), "hint_%s",
             role_name(h->me->role) ? role_name(h->me->role) : "admin");
    snprintf(role, sizeof(role), "role_%s",
             role_name(h->me->role) ? role_name(h->me->role) : "admin");
    rc = render(h->x, h->lang, action, NULL, &a);
    rc = rc ? rc : render(h->x, h->lang, hint, NULL, &b);
    rc = rc ? rc : render(h->x, h->lang, role, NULL, &r);
    vars = rc ? NULL : json_pack("{s:s, s:s, s:s}", "action", a.p, "hint", b.p, "role", r.p);
    rc = rc ? rc : vars ? reply(h, "refuse_role", vars) : RB_ENOMEM;
    log_event(LOG_INFO, "command.refused", "staff=%lld intent=%s reason=role", (long long)h->me->id,
              h->intent);
    json_decref(vars);
    buf_release(&a);
    buf_release(&b);
    buf_release(&r);
    return rc;
}

/* A lead reference that did not resolve to one lead: a question, a
 * "not found", or a numbered choice remembered for the next message. */
static int unresolved(struct hctx *h, int why, const char *ref, const struct lead_choice *ch)
{
    static const char *const need_lead[] = {"lead", NULL};
    json_t *vars = json_pack("{s:s}", "ref", ref ? ref : "");
    int rc = vars ? RB_OK : RB_ENOMEM;

    if (!rc && !ref) {
        rc = ask(h, "ask_lead", need_lead, NULL);
    } else if (!rc && why == RB_ECONFLICT) {
        rc = resolve_offer_choice(h, ch);
    } else if (!rc && strcmp(ref, "this") == 0) {
        rc = reply(h, "lead_this_unknown", NULL);
    } else if (!rc) {
        rc = reply(h, "lead_not_found", vars);
    }
    json_decref(vars);
    return rc;
}

/* Resolves slots.lead into h->lead (locked); *ok false when a reply or a
 * question was queued instead. */
static int bind_lead(struct hctx *h, int64_t current, struct lead_row *l, bool *ok)
{
    const char *ref = slot_str(h, "lead");
    struct lead_choice ch = {{0}, 0};
    int64_t id = 0;
    int rc;

    *ok = false;
    rc = ref ? resolve_lead(h->x, ref, current, &id, &ch) : RB_ENOTFOUND;
    if (rc == RB_ENOTFOUND || rc == RB_ECONFLICT) {
        rc = unresolved(h, rc, ref, &ch);
        goto out;
    }
    rc = rc ? rc : lead_load(h->x, id, true, l);
    if (rc == RB_ENOTFOUND) {
        rc = unresolved(h, rc, ref, &ch);
        goto out;
    }
    if (!rc) {
        h->lead = l;
        *ok = true;
        rc = convo_set_current(h->x, h->me->id, l->id);
    }
out:
    return rc;
}

/* Finance moving a lead to BOOKED with an amount (in its slot or in the
 * text): after booking the agreed amount is money, changed by finance or
 * the owner (check_lead_move refuses finance a lead not booked yet, and
 * h_lead_move anything but the amount). */
static bool finance_amount(const struct hctx *h)
{
    return h->me->role == ROLE_FINANCE && strcmp(h->intent, "lead.move") == 0 &&
           stage_index(slot_str(h, "stage")) == STAGE_BOOKED &&
           (slot_int(h, "amount") > 0 || slot_str(h, "text"));
}

int dispatch_run(struct wctx *x, const struct staff_info *me, enum lang lang, const char *intent,
                 json_t *slots, int64_t message_id, const char *text, int offset, int64_t current)
{
    const struct handler *hd = handler_find(intent);
    struct lead_row l;
    struct hctx h;
    bool ok = true;
    int rc = RB_OK;

    if (!hd) {
        hd = handler_find("unknown");
    }
    hctx_init(&h, x, me, lang, hd->intent);
    h.slots = slots;
    h.message_id = message_id;
    h.text = text;
    h.offset = offset;
    lead_row_init(&l);
    if (!(hd->roles & me->role) && !finance_amount(&h)) {
        rc = refuse_role(&h);
        goto out;
    }
    if (hd->lead) {
        rc = bind_lead(&h, current, &l, &ok);
    }
    if (!rc && ok && hd->check) {
        rc = hd->check(&h);
        ok = rc == RB_OK;
        rc = rc == RB_EPERM ? RB_OK : rc;
    }
    if (!rc && ok) {
        rc = hd->handle(&h);
    }
    if (!rc) {
        log_event(LOG_INFO, "command.done", "staff=%lld intent=%s lead=%lld ran=%d",
                  (long long)me->id, hd->intent, (long long)(h.lead ? h.lead->id : 0), ok);
    }
out:
    lead_row_release(&l);
    return rc;
}

/* ---- relay detection ---- */

/* A decimal digit at s (ASCII, Urdu or Arabic-Indic): its value and length. */
static int digit_at(const unsigned char *s, int *len)
{
    if (s[0] >= '0' && s[0] <= '9') {
        *len = 1;
        return s[0] - '0';
    }
    /* U+06F0..U+06F9 = DB B0..B9, U+0660..U+0669 = D9 A0..A9 */
    if (s[0] == 0xDB && s[1] >= 0xB0 && s[1] <= 0xB9) {
        *len = 2;
        return s[1] - 0xB0;
    }
    if (s[0] == 0xD9 && s[1] >= 0xA0 && s[1] <= 0xA9) {
        *len = 2;
        return s[1] - 0xA0;
    }
    return -1;
}

/* "#42 text": true with *lead 42 and *rest at the text (as written). */
static bool hash_prefix(const char *text, int64_t *lead, const char **rest)
{
    const unsigned char *s = (const unsigned char *)text;
    int64_t n = 0;
    int digits = 0, len, d;

    while (*s == ' ' || *s == '\t' || *s == '\n') {
        s++;
    }
    if (*s != '#') {
        return false;
    }
    s++;
    while ((d = digit_at(s, &len)) >= 0 && digits < 15) {
        n = n * 10 + d;
        digits++;
        s += len;
    }
    if (!digits || (*s && !strchr(" \t\n:,-.", *s))) {
        return false;
    }
    while (*s && strchr(" \t\n:,-.", *s)) {
        s++;
    }
    *lead = n;
    *rest = (const char *)s;
    return true;
}

static int relay(struct wctx *x, const struct staff_info *me, enum lang lang, int64_t lead,
                 const char *text, int64_t message_id)
{
    char id[24];
    json_t *slots = json_pack("{s:s}", "lead", db_i64s(lead, id));
    int rc = slots ? RB_OK : RB_ENOMEM;

    if (!rc && text && text[0]) {
        json_object_set_new(slots, "text", json_string(text));
    }
    rc = rc ? rc : dispatch_run(x, me, lang, "client.reply", slots, message_id, text, 0, lead);
    json_decref(slots);
    return rc;
}

/* ---- parsing ---- */

/* One ai_log row per parse: the answer used and, when Gemini was asked,
 * its prompt version, model, raw output, tokens and the fallback reason. */
static int ai_log(struct wctx *x, int64_t staff_id, const char *text, const struct parse_result *pr,
                  const struct parser_trace *t)
{
    const struct gemini_info *gi = &t->info;
    bool no_usage = !t->asked || gi->http_status != 200;
    char *slots = pr->slots ? json_dumps(pr->slots, JSON_COMPACT) : strdup("{}");
    struct store_ai_log a = {
        .venue = x->venue_id,
        .staff_id = staff_id,
        .text = text,
        .engine = pr->engine ? pr->engine : "rules",
        .prompt_version = t->asked ? t->prompt_version : prompts_version(x->snap->prompts),
        .intent = pr->intent,
        .slots = slots,
        .confidence = pr->confidence,
        .latency_ms = t->latency_ms,
        .fallback = pr->fallback,
        .model = t->asked ? t->model : NULL,
        .raw_output = t->asked ? gi->raw_text : NULL,
        .tokens_in = no_usage ? -1 : gi->prompt_tokens,
        .tokens_out = no_usage ? -1 : gi->output_tokens,
    };
    int rc;

    if (!slots) {
        return RB_ENOMEM;
    }
    rc = store_ai_log_add(x->db, &a);
    free(slots);
    return rc;
}

/* The log line and counters of one parse. */
static void parse_count(struct wctx *x, int64_t staff_id, const struct parse_result *pr,
                        const struct parser_trace *t)
{
    const struct gemini_info *gi = &t->info;
    bool gemini = pr->engine && strcmp(pr->engine, "gemini") == 0;

    if (gemini) {
        APP_COUNT(x->app, parses_gemini);
    } else {
        APP_COUNT(x->app, parses_rules);
    }
    if (pr->fallback) {
        APP_COUNT(x->app, gemini_fallbacks);
    }
    if (!t->asked && !pr->fallback) {
        return;
    }
    log_event(pr->fallback ? LOG_WARN : LOG_INFO, "parse.gemini",
              "staff=%lld engine=%s intent=%s fallback=%s status=%ld attempts=%d ms=%lld "
              "tokens_in=%lld tokens_out=%lld",
              (long long)staff_id, gemini ? "gemini" : "rules", pr->intent,
              pr->fallback ? pr->fallback : "-", gi->http_status, gi->attempts,
              (long long)gi->latency_ms, (long long)gi->prompt_tokens,
              (long long)gi->output_tokens);
    if (gi->detail) {
        /* may quote the message: debug only */
        log_event(LOG_DEBUG, "parse.gemini_detail", "staff=%lld detail=%s", (long long)staff_id,
                  log_q(gi->detail, strlen(gi->detail)));
    }
}

int domain_staff_parse(struct wctx *x, const char *text, enum parser_engine engine,
                       struct parse_result *pr, struct parser_trace *t)
{
    const struct app_env *env = &x->app->env;
    struct parser p = {.cfg = x->snap->config,
                       .rules = x->snap->intents,
                       .gemini = x->snap->gemini,
                       .api_key = env->gemini_key,
                       .base = env->gemini_base,
                       .model = env->gemini_model,
                       .http = x->http,
                       .engine = engine};
    int rc;

    /* A Gemini call holds this worker for up to gemini.timeout_ms: at most
     * workers - 1 may wait on it at once, so one worker is always free for
     * clients' messages and sends. */
    int cap = x->snap->config->workers > 1 ? x->snap->config->workers - 1 : 1;
    bool slot = engine != PARSER_RULES && env->gemini_key && env->gemini_key[0];
    bool busy = false;
    if (slot && __atomic_add_fetch(&x->app->gemini_waiting, 1, __ATOMIC_ACQ_REL) > cap) {
        __atomic_sub_fetch(&x->app->gemini_waiting, 1, __ATOMIC_ACQ_REL);
        slot = false;
        busy = true;
        p.engine = PARSER_RULES;
    }
    parser_trace_init(t);
    rc = parser_run(&p, text, strlen(text), clock_local(x->now_s), pr, t);
    if (slot) {
        __atomic_sub_fetch(&x->app->gemini_waiting, 1, __ATOMIC_ACQ_REL);
    }
    if (!rc && busy && pr->confidence < x->snap->config->gemini_min_rules_confidence) {
        free(pr->fallback);
        pr->fallback = rb_strdup("busy");
        rc = pr->fallback ? RB_OK : RB_ENOMEM;
    }
    return rc;
}

int domain_staff_pending(struct wctx *x, int64_t staff_id, bool *pending)
{
    struct convo cv;
    int rc = convo_load(x, staff_id, &cv);

    *pending = !rc && cv.pending;
    convo_release(&cv);
    return rc;
}

/*
 * Parses a staff message into pr (domain_staff_parse), counts it and logs it
 * in ai_log. Only staff messages come here. A message the worker parsed
 * before the transaction opened (x->pre, engine auto) is not parsed again.
 */
static int parse_text(struct wctx *x, int64_t staff_id, const char *text, enum parser_engine engine,
                      struct parse_result *pr)
{
    struct parser_trace t;
    int rc;

    if (x->pre && x->pre->done && engine == PARSER_AUTO && strcmp(x->pre->text, text) == 0) {
        parse_result_release(pr);
        *pr = x->pre->pr; /* taken: its strings move to pr */
        parse_result_init(&x->pre->pr);
        t = x->pre->t;
        parser_trace_init(&x->pre->t);
        x->pre->done = false;
        rc = x->pre->rc;
    } else {
        rc = domain_staff_parse(x, text, engine, pr, &t);
    }
    if (!rc) {
        parse_count(x, staff_id, pr, &t);
        rc = ai_log(x, staff_id, text, pr, &t);
    }
    parser_trace_release(&t);
    return rc;
}

/* Reply language: Urdu script is answered in Urdu script; otherwise the
 * owner in English and others in their own language. */
/*
 * The language of a reply: staff are answered in the script they wrote in.
 * Urdu script gets Urdu script; a staff member whose language is Urdu (in
 * either script) writing in Latin letters gets Roman Urdu; one whose
 * language is English (the owner by default) gets English unless they wrote
 * Urdu script.
 */
static enum lang reply_lang(const struct staff_info *me, const char *text)
{
    enum lang usual = staff_lang(me);
    enum lang wrote = text_lang_or(text, strlen(text), usual);

    /* Urdu script gets Urdu script back: for a member whose language is
     * Urdu, a word of it is enough ("2 کو grand hall dinner book کر دو",
     * typed on an Urdu keyboard with English words in it) */
    if (wrote == LANG_UR || (usual != LANG_EN && text_arabic_letters(text, strlen(text)) >= 2)) {
        return LANG_UR;
    }
    return usual == LANG_EN ? LANG_EN : LANG_ROMAN_UR;
}

/* Something to say when the staff message has no text to act on. */
static int say_need_text(struct wctx *x, const struct staff_info *me, enum lang lang)
{
    return reply_to(x, me, lang, "need_text", NULL);
}

/* A command (or an answer to a pending question) in text. */
static int staff_command(struct wctx *x, const struct staff_info *me, enum lang lang,
                         const struct convo *cv, const char *text, int64_t message_id)
{
    struct parse_result pr;
    bool taken = false;
    int rc;

    parse_result_init(&pr);
    /* An answer to a pending question (a number, an amount, a note's text)
     * is read by the rules alone: the question decides what it means. */
    rc = parse_text(x, me->id, text, cv->pending ? PARSER_RULES : PARSER_AUTO, &pr);
    if (!rc && cv->pending) {
        rc = resume_pending(x, me, lang, cv, text, pr.intent, pr.slots, message_id, &taken);
        if (!rc && !taken) {
            rc = convo_set_pending(x, me->id, NULL); /* a new command cancels it */
        }
    }
    if (!rc && !taken) {
        rc = dispatch_run(x, me, lang, pr.intent, pr.slots, message_id, text, 0, cv->current_lead);
    }
    parse_result_release(&pr);
    return rc;
}

static int staff_text(struct wctx *x, const struct wa_message *m, const struct staff_info *me,
                      int64_t message_id)
{
    const char *text = m->text, *rest = NULL;
    enum lang lang = reply_lang(me, text);
    struct convo cv;
    int64_t lead = 0;
    bool is_relay = false;
    int rc = convo_load(x, me->id, &cv);

    char *suggestion = NULL;
    if (!rc && m->context_id) {
        rc = store_quoted_lead(x->db, x->venue_id, m->context_id, &lead, &is_relay);
    }
    if (!rc && m->context_id && lead && !is_relay) { /* "ok" to a nurture nudge */
        rc = nurture_quoted_ok(x, m->context_id, text, &suggestion);
        is_relay = suggestion != NULL;
        text = suggestion ? suggestion : text;
    }
    if (!rc && (is_relay || hash_prefix(text, &lead, &rest))) {
        rc = cv.pending ? convo_set_pending(x, me->id, NULL) : RB_OK;
        rc = rc ? rc : relay(x, me, lang, lead, is_relay ? text : rest, message_id);
        goto out;
    }
    if (!rc && lead) {
        cv.current_lead = lead; /* quoting a reply about a lead makes it "this" */
    }
    rc = rc ? rc : staff_command(x, me, lang, &cv, text, message_id);
out:
    free(suggestion);
    convo_release(&cv);
    return rc;
}

int domain_staff_message(struct wctx *x, const struct wa_message *m, int64_t staff_id,
                         int64_t message_id)
{
    struct staff_info me;
    int rc;

    staff_info_init(&me);
    rc = staff_load(x, staff_id, &me);
    if (rc == RB_ENOTFOUND || (!rc && !me.active)) {
        log_event(LOG_INFO, "staff.message_ignored", "staff=%lld reason=%s", (long long)staff_id,
                  rc ? "unknown" : "inactive");
        rc = RB_OK;
        goto out;
    }
    if (rc) {
        goto out;
    }
    if (m->type && strcmp(m->type, "reaction") == 0) {
        goto out; /* a thumbs-up on a message is not a command */
    }
    if (!m->text || !m->text[0] || strlen(m->text) > 4096 ||
        !text_utf8_valid(m->text, strlen(m->text))) {
        rc = say_need_text(x, &me, staff_lang(&me));
        goto out;
    }
    rc = staff_text(x, m, &me, message_id);
out:
    staff_info_release(&me);
    return rc;
}
