/*
 * common.c - what every command and notice shares: staff and lead rows,
 * rendering prompts into outbox rows, formatting, conversation state, audit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/templates.h"
#include "core/log.h"
#include "core/clock.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "domain/report.h"
#include "nlu/catalog.h"
#include "nlu/namekey.h"
#include "store/convo.h"
#include "store/lead_rows.h"
#include "store/outbox.h"
#include "store/staff.h"
#include "store/timeline.h"

/* ---- staff ---- */

void staff_info_init(struct staff_info *s)
{
    memset(s, 0, sizeof(*s));
}

void staff_info_release(struct staff_info *s)
{
    if (s) {
        free(s->name);
        staff_info_init(s);
    }
}

int staff_load(struct wctx *x, int64_t id, struct staff_info *out)
{
    struct store_staff s = {0};
    int rc = store_staff_get(x->db, x->venue_id, id, &s);

    if (!rc) {
        staff_info_release(out);
        out->id = s.id;
        out->contact_id = s.contact_id;
        out->name = s.name; /* taken */
        s.name = NULL;
        snprintf(out->phone, sizeof(out->phone), "%s", s.phone);
        out->role = role_parse(s.role);
        if (lang_parse(s.lang, &out->lang) != RB_OK) {
            out->lang = LANG_UR;
        }
        out->active = s.active;
        out->away = s.away;
    }
    store_staff_release(&s);
    return rc;
}

/* The one active staff member whose name (or first name) has name's key. */
static int staff_find_by_key(struct wctx *x, const char *name, struct staff_info *out)
{
    struct store_staff_name *v = NULL;
    size_t n = 0;
    int64_t id = 0;
    int hits = 0, rc = store_staff_active_names(x->db, x->venue_id, &v, &n);

    for (size_t i = 0; !rc && i < n; i++) {
        if (name_key_match(name, v[i].name)) {
            id = v[i].id;
            hits++;
        }
    }
    store_staff_names_free(v, n);
    if (rc) {
        return rc;
    }
    return hits == 0 ? RB_ENOTFOUND : hits > 1 ? RB_ECONFLICT : staff_load(x, id, out);
}

int staff_find(struct wctx *x, const char *name, struct staff_info *out)
{
    int64_t id = 0;
    bool ambiguous = false;
    int rc;

    if (!name || !name[0]) {
        return RB_ENOTFOUND;
    }
    rc = store_staff_find_name(x->db, x->venue_id, name, &id, &ambiguous);
    if (rc) {
        return rc;
    }
    if (ambiguous) {
        return RB_ECONFLICT;
    }
    /* none by name: "سارہ" is Sara (nlu/namekey.h) */
    return id ? staff_load(x, id, out) : staff_find_by_key(x, name, out);
}

int staff_by_role(struct wctx *x, const char *role, int64_t **ids, size_t *n)
{
    return store_staff_ids_by_role(x->db, x->venue_id, role, ids, n);
}

int staff_owners(struct wctx *x, int64_t **ids, size_t *n)
{
    return staff_by_role(x, "owner", ids, n);
}

enum lang staff_lang(const struct staff_info *s)
{
    return s->role == ROLE_OWNER ? LANG_EN : s->lang;
}

/* ---- leads ---- */

int lead_load(struct wctx *x, int64_t id, bool lock, struct lead_row *out)
{
    return id > 0 ? store_lead_get(x->db, x->venue_id, id, lock, out) : RB_ENOTFOUND;
}

const char *lead_label(const struct lead_row *l, char buf[24])
{
    if (l->name && l->name[0]) {
        return l->name;
    }
    if (l->phone[0]) {
        return l->phone;
    }
    snprintf(buf, 24, "#%lld", (long long)l->id);
    return buf;
}

/* ---- speaking ---- */

int render(struct wctx *x, enum lang lang, const char *key, const json_t *vars, struct buf *out)
{
    int rc = prompts_render(x->snap->prompts, lang, key, vars, out);

    if (rc == RB_ENOTFOUND) {
        log_event(LOG_ERROR, "prompt.missing", "key=%s", log_q(key, (size_t)-1));
        return RB_EINTERNAL;
    }
    return rc;
}

void flatten_line(const char *s, char *out, size_t max)
{
    size_t n = 0;
    bool space = false;

    for (; s && *s && n + 1 < max; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < max) {
            out[n++] = ' ';
        }
        space = false;
        out[n++] = (char)c;
    }
    while (n > 0 && ((unsigned char)out[n - 1] & 0x80)) {
        /* do not leave a cut multi-byte character at the end */
        size_t start = n - 1;
        while (start > 0 && ((unsigned char)out[start] & 0xC0) == 0x80) {
            start--;
        }
        unsigned char lead = (unsigned char)out[start];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - start >= need) {
            break;
        }
        n = start;
    }
    while (s && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')) {
        s++;
    }
    if (s && *s && max > 8) {
        /* cut: end at a word with an ellipsis, never inside a word */
        while (n > 0 && n + 4 > max) {
            n--;
            while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80) {
                n--;
            }
        }
        for (size_t k = n; k > 0 && n - k < 40; k--) {
            if (out[k - 1] == ' ') {
                n = k - 1;
                break;
            }
        }
        memcpy(out + n, "\xE2\x80\xA6", 3);
        n += 3;
    }
    out[n] = '\0';
}

int send_staff(struct wctx *x, const struct staff_info *to, const char *body,
               const struct say_opts *o)
{
    const struct config *cfg = x->snap->config;
    char line[900], key[64];
    json_t *params;
    struct outbox_msg m;
    int64_t id = 0;
    int rc;

    flatten_line(o->template_line ? o->template_line : body, line, sizeof(line));
    params = template_params("text", line, NULL);
    if (!params) {
        return RB_ENOMEM;
    }
    memset(&m, 0, sizeof(m));
    m.venue_id = x->venue_id;
    m.contact_id = to->contact_id;
    m.phone = to->phone;
    m.lead_id = o->lead_id;
    m.staff_id = to->id;
    m.kind = "text";
    m.body = body;
    m.context_wamid = o->context_wamid;
    m.template_name = cfg->notify_template;
    m.template_lang = cfg->template_lang;
    m.template_params = params;
    m.purpose = o->purpose;
    if (x->released_last && to->id == x->released_staff) {
        m.after_id = x->released_last; /* after what waited for them */
    }
    if (o->coalesce && o->lead_id) {
        snprintf(key, sizeof(key), "staff:%lld:lead:%lld", (long long)to->id,
                 (long long)o->lead_id);
        m.coalesce_key = key;
    }
    rc = store_outbox_add(x->db, &m, &id);
    json_decref(params);
    return rc;
}

int notify_staff(struct wctx *x, const struct staff_info *to, const char *key, const json_t *vars,
                 const struct say_opts *o)
{
    struct buf body;
    int rc;

    buf_init(&body, 16384);
    rc = render(x, staff_lang(to), key, vars, &body);
    rc = rc ? rc : send_staff(x, to, body.p, o);
    buf_release(&body);
    return rc;
}

int notify_staff_id(struct wctx *x, int64_t staff_id, const char *key, const json_t *vars,
                    const struct say_opts *o)
{
    struct staff_info s;
    int rc;

    staff_info_init(&s);
    rc = staff_load(x, staff_id, &s);
    if (rc == RB_ENOTFOUND || (!rc && !s.active)) {
        rc = RB_OK;
    } else if (!rc) {
        rc = notify_staff(x, &s, key, vars, o);
    }
    staff_info_release(&s);
    return rc;
}

int notify_lead(struct wctx *x, int64_t staff_id, const char *key, const struct lead_row *l,
                const json_t *extra, const struct say_opts *o)
{
    struct staff_info s;
    json_t *vars = NULL;
    int rc;

    staff_info_init(&s);
    rc = staff_load(x, staff_id, &s);
    if (rc == RB_ENOTFOUND || (!rc && !s.active)) {
        rc = RB_OK;
        goto out;
    }
    rc = rc ? rc : lead_vars(x, staff_lang(&s), l, &vars);
    if (!rc && extra) {
        rc = json_object_update(vars, (json_t *)extra) ? RB_ENOMEM : RB_OK;
    }
    rc = rc ? rc : notify_staff(x, &s, key, vars, o);
out:
    json_decref(vars);
    staff_info_release(&s);
    return rc;
}

int send_client(struct wctx *x, const struct lead_row *l, const struct client_msg *cm,
                int64_t *outbox_id)
{
    const struct config *cfg = x->snap->config;
    struct outbox_msg m;
    int64_t id = 0;
    int rc;

    if (!l->contact_id || (!l->phone[0] && !l->bsuid)) {
        return RB_ENOTFOUND;
    }
    memset(&m, 0, sizeof(m));
    m.venue_id = x->venue_id;
    m.contact_id = l->contact_id;
    m.phone = l->phone[0] ? l->phone : NULL;
    m.bsuid = l->phone[0] ? NULL : l->bsuid;
    m.lead_id = l->id;
    m.kind = cm->kind;
    m.body = cm->body;
    m.template_name = cm->template_name;
    m.template_lang = cfg->template_lang;
    m.template_params = cm->template_params;
    m.automated = cm->automated;
    m.purpose = cm->purpose;
    m.greets = cm->greets;
    m.arrival_event = cm->arrival_event;
    if (x->released_last && l->contact_id == x->released_contact) {
        m.after_id = x->released_last; /* after what waited for them */
    }
    /* the sender logs the message (messages, direction out) once it is sent */
    rc = store_outbox_add(x->db, &m, &id);
    if (!rc && outbox_id) {
        *outbox_id = id;
    }
    return rc;
}

int remind_client(struct wctx *x, const struct lead_row *l, const char *key, json_t *vars,
                  const char *purpose)
{
    const struct config *cfg = x->snap->config;
    char label[24];
    json_t *params =
        template_params("client_name", lead_label(l, label), "venue", cfg->venue_name, NULL);
    struct client_msg cm;
    struct buf body;
    int rc = params ? RB_OK : RB_ENOMEM;

    buf_init(&body, 4096);
    if (!rc) {
        json_object_set_new(vars, "venue", json_string(cfg->venue_name));
        rc = render(x, l->client_lang, key, vars, &body);
    }
    memset(&cm, 0, sizeof(cm));
    cm.kind = "text";
    cm.body = body.p;
    cm.automated = true;
    cm.purpose = purpose;
    cm.template_name = cfg->reengage_template;
    cm.template_params = params;
    rc = rc ? rc : send_client(x, l, &cm, NULL);
    buf_release(&body);
    json_decref(params);
    return rc == RB_ENOTFOUND ? RB_OK : rc;
}

/* ---- formatting ---- */

void fmt_amount(int64_t rupees, char out[32])
{
    char digits[24];
    size_t n, k = 0;
    unsigned long long u =
        rupees < 0 ? 0ULL - (unsigned long long)rupees : (unsigned long long)rupees;

    snprintf(digits, sizeof(digits), "%llu", u);
    n = strlen(digits);
    if (rupees < 0) {
        out[k++] = '-';
    }
    /* the last three digits, then groups of two (8,00,000) */
    for (size_t i = 0; i < n && k + 2 < 32; i++) {
        size_t left = n - i;
        if (i > 0 && (left == 3 || (left > 3 && (left - 3) % 2 == 0))) {
            out[k++] = ',';
        }
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

void fmt_date(const char *iso, char out[16])
{
    if (!iso || strlen(iso) < 10) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

void fmt_when(int64_t unix_s, char out[24])
{
    struct rb_datetime t = clock_local(unix_s);

    snprintf(out, 24, "%02d/%02d/%04d %02d:%02d", t.date.d, t.date.m, t.date.y, t.hour, t.min);
}

const char *stage_key(int stage)
{
    static const char *const keys[] = {"stage_NEW",        "stage_CONTACTED", "stage_QUALIFIED",
                                       "stage_SITE_VISIT", "stage_QUOTED",    "stage_NEGOTIATING",
                                       "stage_BOOKED",     "stage_LOST"};

    return stage >= 0 && stage < STAGE_COUNT ? keys[stage] : "stage_NEW";
}

/* Sets vars[name] to s, or to the "unknown" prompt when s is empty. */
static void var_or_unknown(json_t *vars, const char *name, const char *s, const char *unknown)
{
    json_object_set_new(vars, name, json_string(s && s[0] ? s : unknown));
}

static int rendered(struct wctx *x, enum lang lang, const char *key, struct buf *b)
{
    buf_reset(b);
    return render(x, lang, key, NULL, b);
}

int lead_vars(struct wctx *x, enum lang lang, const struct lead_row *l, json_t **out)
{
    char label[24], date[16], amount[REP_MONEY_MAX] = "", guests[24] = "", visit[24] = "";
    struct buf unknown, stage, slot;
    json_t *v = json_object();
    int rc = v ? RB_OK : RB_ENOMEM;

    buf_init(&unknown, 512);
    buf_init(&stage, 512);
    buf_init(&slot, 512);
    rc = rc ? rc : rendered(x, lang, "value_unknown", &unknown);
    rc = rc ? rc : rendered(x, lang, stage_key(l->stage), &stage);
    if (!rc && l->slot[0]) {
        char key[32];
        snprintf(key, sizeof(key), "slot_%s", l->slot);
        rc = rendered(x, lang, key, &slot);
    }
    if (!rc) {
        fmt_date(l->event_date, date);
        if (l->amount >= 0) {
            report_money(x, l->amount, amount); /* the venue's format (report.money_*) */
        }
        if (l->guests > 0) {
            snprintf(guests, sizeof(guests), "%lld", (long long)l->guests);
        }
        if (l->visit_at) {
            fmt_when(l->visit_at, visit);
        }
        json_object_set_new(v, "lead", json_integer(l->id));
        var_or_unknown(v, "name", lead_label(l, label), unknown.p);
        var_or_unknown(v, "phone", l->phone, unknown.p);
        var_or_unknown(v, "date", date, unknown.p);
        var_or_unknown(v, "guests", guests, unknown.p);
        var_or_unknown(v, "amount", amount, unknown.p);
        var_or_unknown(v, "staff", l->assignee, unknown.p);
        var_or_unknown(v, "hall", l->hall, unknown.p);
        var_or_unknown(v, "slot", slot.p, unknown.p);
        var_or_unknown(v, "visit", visit, unknown.p);
        var_or_unknown(v, "campaign", l->campaign, unknown.p);
        json_object_set_new(v, "stage", json_string(stage.p));
        json_object_set_new(v, "source", json_string(l->source));
    }
    buf_release(&unknown);
    buf_release(&stage);
    buf_release(&slot);
    if (rc) {
        json_decref(v);
        return rc;
    }
    *out = v;
    return RB_OK;
}

/* ---- conversation state ---- */

int convo_load(struct wctx *x, int64_t staff_id, struct convo *out)
{
    char *text = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = store_convo_get(x->db, x->venue_id, staff_id, x->now_s, &out->current_lead, &text);
    if (!rc && text) {
        out->pending = json_loads(text, 0, NULL);
    }
    free(text);
    return rc;
}

void convo_release(struct convo *c)
{
    if (c) {
        json_decref(c->pending);
        c->pending = NULL;
    }
}

int convo_set_current(struct wctx *x, int64_t staff_id, int64_t lead_id)
{
    if (!staff_id || !lead_id) {
        return RB_OK;
    }
    return store_convo_set_current(x->db, x->venue_id, staff_id, lead_id);
}

int convo_set_pending(struct wctx *x, int64_t staff_id, const json_t *pending)
{
    int64_t expires = x->now_s + (int64_t)x->snap->config->pending_question_min * 60;
    char *text = pending ? json_dumps(pending, JSON_COMPACT) : NULL;
    int rc;

    if (pending && !text) {
        return RB_ENOMEM;
    }
    rc = store_convo_set_pending(x->db, x->venue_id, staff_id, text, pending ? expires : 0);
    free(text);
    return rc;
}

int audit(struct wctx *x, int64_t staff_id, const char *action, int64_t lead_id,
          const json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    int rc;

    if (detail && !text) {
        return RB_ENOMEM;
    }
    rc = store_audit_add(x->db, x->venue_id, staff_id, action, lead_id, text);
    free(text);
    return rc;
}

/* ---- replies and questions ---- */

void hctx_init(struct hctx *h, struct wctx *x, const struct staff_info *me, enum lang lang,
               const char *intent)
{
    memset(h, 0, sizeof(*h));
    h->x = x;
    h->me = me;
    h->lang = lang;
    h->intent = intent;
}

int reply_to(struct wctx *x, const struct staff_info *me, enum lang lang, const char *key,
             const json_t *vars)
{
    struct hctx h;

    hctx_init(&h, x, me, lang, "unknown");
    return reply(&h, key, vars);
}

int reply_body(struct hctx *h, const char *body)
{
    struct say_opts o = {h->lead ? h->lead->id : 0, "reply", false, NULL};

    return send_staff(h->x, h->me, body, &o);
}

int reply(struct hctx *h, const char *key, const json_t *vars)
{
    struct buf body;
    int rc;

    buf_init(&body, 16384);
    rc = render(h->x, h->lang, key, vars, &body);
    rc = rc ? rc : reply_body(h, body.p);
    buf_release(&body);
    return rc;
}

/* The pending state that resumes h's command: intent, slots with the
 * resolved lead pinned by number. New. */
static json_t *pending_of(struct hctx *h, const char *kind)
{
    json_t *slots = h->slots ? json_deep_copy(h->slots) : json_object();
    json_t *p;

    if (slots && h->lead) {
        char id[24];
        json_object_set_new(slots, "lead", json_string(db_i64s(h->lead->id, id)));
    }
    p = json_pack("{s:s, s:s, s:o*}", "kind", kind, "intent", h->intent, "slots", slots);
    return p;
}

int remember_ask(struct hctx *h, const char *key, const char *const *missing, const json_t *vars)
{
    json_t *p = pending_of(h, "slots");
    json_t *miss = json_array();
    int rc = p && miss ? RB_OK : RB_ENOMEM;

    for (size_t i = 0; !rc && missing && missing[i]; i++) {
        json_array_append_new(miss, json_string(missing[i]));
    }
    if (!rc) {
        json_object_set(p, "missing", miss);
        json_object_set_new(p, "ask", json_string(key));
        if (vars) {
            json_object_set_new(p, "vars", json_deep_copy(vars));
        }
        rc = convo_set_pending(h->x, h->me->id, p);
    }
    json_decref(miss);
    json_decref(p);
    return rc;
}

int ask(struct hctx *h, const char *key, const char *const *missing, const json_t *vars)
{
    int rc = remember_ask(h, key, missing, vars);

    return rc ? rc : reply(h, key, vars);
}

int reply_lead(struct hctx *h, const char *key)
{
    json_t *vars = NULL;
    int rc = lead_vars(h->x, h->lang, h->lead, &vars);

    rc = rc ? rc : reply(h, key, vars);
    json_decref(vars);
    return rc;
}

int ask_lead(struct hctx *h, const char *key, const char *const *missing)
{
    json_t *vars = NULL;
    int rc = lead_vars(h->x, h->lang, h->lead, &vars);

    rc = rc ? rc : ask(h, key, missing, vars);
    json_decref(vars);
    return rc;
}

int remember_page(struct hctx *h, int next_offset)
{
    json_t *p = pending_of(h, "page");
    int rc = p ? RB_OK : RB_ENOMEM;

    if (!rc) {
        json_object_set_new(p, "offset", json_integer(next_offset));
        rc = convo_set_pending(h->x, h->me->id, p);
    }
    json_decref(p);
    return rc;
}

int reply_page(struct hctx *h, const void *rows, size_t n, page_row_fn row, struct buf *body)
{
    int rc = RB_OK;

    for (size_t i = 0; !rc && i < n && i < LIST_PAGE; i++) {
        rc = row(h, rows, i, body);
    }
    return rc ? rc : reply_page_end(h, n, body);
}

int reply_page_end(struct hctx *h, size_t n, struct buf *body)
{
    int rc = RB_OK;

    if (n > LIST_PAGE) {
        rc = buf_addc(body, '\n');
        rc = rc ? rc : render(h->x, h->lang, "more_hint", NULL, body);
        rc = rc ? rc : remember_page(h, h->offset + LIST_PAGE);
    }
    return rc ? rc : reply_body(h, body->p);
}

const char *slot_str(const struct hctx *h, const char *name)
{
    const char *s = json_string_value(json_object_get(h->slots, name));

    return s && s[0] ? s : NULL;
}

int64_t slot_int(const struct hctx *h, const char *name)
{
    const json_t *v = json_object_get(h->slots, name);

    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

int check_own_lead(struct hctx *h)
{
    int rc;

    if (h->me->role == ROLE_OWNER) {
        return RB_OK;
    }
    if (h->me->role == ROLE_SALES && h->lead && h->lead->assigned == h->me->id) {
        return RB_OK;
    }
    if (h->me->role != ROLE_SALES || !h->lead) {
        return RB_EPERM; /* the dispatcher's role check replies for these */
    }
    rc = reply_lead(h, "refuse_not_your_lead");
    return rc ? rc : RB_EPERM;
}
