#include "store/outbox.h"

#include <stdlib.h>
#include <string.h>

#include "core/split.h"
#include "core/str.h"

#define OUTBOX_INSERT                                                                              \
    "INSERT INTO outbox (venue_id, contact_id, recipient_phone, recipient_bsuid, lead_id,"         \
    " staff_id, kind, body, context_wamid, template_name, template_lang, template_params,"         \
    " automated, coalesce_key, purpose, after_id, priority, next_attempt_at)"                      \
    " VALUES ($1, NULLIF($2::bigint, 0), $3, $4, NULLIF($5::bigint, 0), NULLIF($6::bigint, 0),"    \
    " $7, $8, $9, $10, $11, $12::jsonb, $13::bool, $14, $15, NULLIF($16::bigint, 0),"              \
    " CASE WHEN $15 IN ('greeting', 'reply') THEN 1 ELSE 0 END,"                                   \
    " GREATEST(now(), (SELECT max(next_attempt_at) FROM outbox WHERE state = 'pending'"            \
    "  AND error_code = 131056 AND recipient_phone IS NOT DISTINCT FROM $3"                        \
    "  AND recipient_bsuid IS NOT DISTINCT FROM $4)))"                                             \
    " RETURNING id, pg_notify('rabta_outbox', '')" /* the wake-up, same round trip */
static const char sql_insert[] = OUTBOX_INSERT;

/* The lead $1 greeted now, the latency from event $2's arrival (else the
 * lead's creation), once. */
#define GREETED(lead, event)                                                                       \
    "UPDATE leads SET greeted_at = clock_timestamp(), greeting_latency_ms = GREATEST(0,"           \
    " (extract(epoch FROM clock_timestamp() - COALESCE((SELECT received_at FROM inbound_events"    \
    " WHERE id = " event "), created_at)) * 1000)::bigint) WHERE id = " lead                       \
    " AND greeted_at IS NULL"
static const char sql_greeted[] = GREETED("$1", "$2");
/* A greeting's row and its lead greeted: one round trip where it took two. */
static const char sql_insert_greeting[] =
    "WITH o AS (" OUTBOX_INSERT "),"
    " g AS (" GREETED("NULLIF($5::bigint, 0)", "$17::bigint") ")"
                                                              " SELECT id FROM o";

/* sql_coalesce, else sql_insert, in one round trip (a forward to a
 * salesperson whose earlier forward has not gone yet joins it). */
static const char sql_coalesce_or_insert[] =
    "WITH c AS (UPDATE outbox SET body = body || E'\\n\\n' || $8::text WHERE id = ("
    "  SELECT id FROM outbox WHERE coalesce_key = $14::text AND state = 'pending'"
    "  AND (attempts = 0 OR error_code = 131056)"
    "  AND kind = 'text' AND length(body) + length($8::text) < 3500"
    "  ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id),"
    " i AS (INSERT INTO outbox (venue_id, contact_id, recipient_phone, recipient_bsuid, lead_id,"
    "  staff_id, kind, body, context_wamid, template_name, template_lang, template_params,"
    "  automated, coalesce_key, purpose, after_id, priority, next_attempt_at)"
    "  SELECT $1::bigint, NULLIF($2::bigint, 0), $3::text, $4::text, NULLIF($5::bigint, 0),"
    "  NULLIF($6::bigint, 0), $7::text, $8::text, $9::text, $10::text, $11::text, $12::jsonb,"
    "  $13::bool, $14::text, $15::text, NULLIF($16::bigint, 0),"
    "  CASE WHEN $15::text IN ('greeting', 'reply') THEN 1 ELSE 0 END,"
    "  GREATEST(now(), (SELECT max(next_attempt_at) FROM outbox WHERE state = 'pending'"
    "   AND error_code = 131056 AND recipient_phone IS NOT DISTINCT FROM $3::text"
    "   AND recipient_bsuid IS NOT DISTINCT FROM $4::text))"
    "  WHERE NOT EXISTS (SELECT 1 FROM c) RETURNING id, pg_notify('rabta_outbox', ''))"
    " SELECT id FROM c UNION ALL SELECT id FROM i";

/* Inserts one row (a part of m's body when body is not m->body). */
static int insert_row(struct dbconn *c, const char *sql, const struct outbox_msg *m,
                      const char *body, const char *params_json, int64_t after, int64_t *id)
{
    char venue[24], contact[24], lead[24], staff[24], af[24], ev[24];
    PGresult *r = NULL;
    const char *p[17] = {db_i64s(m->venue_id, venue),
                         db_i64s(m->contact_id, contact),
                         m->phone,
                         m->bsuid,
                         db_i64s(m->lead_id, lead),
                         db_i64s(m->staff_id, staff),
                         m->kind,
                         body,
                         m->context_wamid,
                         m->template_name,
                         m->template_lang,
                         params_json,
                         m->automated ? "t" : "f",
                         after ? NULL : m->coalesce_key,
                         m->purpose,
                         db_i64s(after, af)};
    int rc;

    p[16] = db_i64s(m->arrival_event, ev);
    rc = db_exec(c, sql, sql == sql_insert_greeting ? 17 : 16, p, &r);
    if (!rc) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

/* A text over WhatsApp's limit becomes parts, each a row of its own (its own
 * wamid, still about the lead, so a quote-reply to any part names it), each
 * sent only after the one before. *id is the first part. */
static int insert_parts(struct dbconn *c, const struct outbox_msg *m, const char *params_json,
                        int64_t *id)
{
    struct text_part *parts = NULL;
    size_t n = 0, len = strlen(m->body);
    int64_t prev = m->after_id, row = 0;
    int rc = text_split(m->body, len, WA_TEXT_PART, &parts, &n);

    for (size_t i = 0; !rc && i < n; i++) {
        char *body = strndup(m->body + parts[i].off, parts[i].len);
        rc = body ? insert_row(c, sql_insert, m, body, params_json, prev, &row) : RB_ENOMEM;
        free(body);
        if (!rc && i == 0) {
            *id = row;
        }
        prev = row;
    }
    free(parts);
    return rc;
}

static bool is_text(const struct outbox_msg *m)
{
    return m->kind && strcmp(m->kind, "text") == 0;
}

int store_outbox_add(struct dbconn *c, const struct outbox_msg *m, int64_t *id)
{
    char *params_json = NULL;
    bool long_text =
        is_text(m) && m->body && text_utf16_len(m->body, strlen(m->body)) > WA_TEXT_PART;
    int rc;

    bool coalesce = m->coalesce_key && m->body && is_text(m) && !long_text;
    if (m->template_params) {
        params_json = json_dumps(m->template_params, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!params_json) {
            return RB_ENOMEM;
        }
    }
    if (long_text) {
        rc = insert_parts(c, m, params_json, id);
    } else {
        rc = insert_row(c,
                        coalesce && !m->after_id  ? sql_coalesce_or_insert
                        : m->greets && m->lead_id ? sql_insert_greeting
                                                  : sql_insert,
                        m, m->body, params_json, m->after_id, id);
    }
    if (!rc && m->greets && m->lead_id && (long_text || coalesce)) {
        char ls[24], es[24];
        const char *p[2] = {db_i64s(m->lead_id, ls), db_i64s(m->arrival_event, es)};
        rc = db_exec(c, sql_greeted, 2, p, NULL);
    }
    free(params_json);
    return rc;
}

/* ---- the sender (domain/sender.c) ---- */

/* The most urgent due row. New clients first: a row of priority 0 (a
 * notice, a forward) waits while a new client's first message (inbound_events
 * priority 0, sql/014) that came before the row was queued is still to be
 * handled, so that client's greeting (priority 1) goes before it. Only the
 * clients who came earlier: under a flood of new clients the notices wait
 * for the band before them, not for ever. (A first message's next_attempt_at
 * is its arrival while attempts is 0.) Whether a new client waits is one
 * probe of the events' index, not one a row. */
static const char sql_claim[] =
    "SELECT o.id, o.kind, o.recipient_phone, o.recipient_bsuid, o.body, o.context_wamid,"
    " o.template_name, o.template_lang, o.template_params::text, o.automated, o.attempts,"
    " COALESCE(o.contact_id, 0), COALESCE(o.staff_id, 0), COALESCE(o.lead_id, 0),"
    " (SELECT max(c.last_inbound_at) FROM contacts c WHERE c.venue_id = o.venue_id AND"
    "   (c.id = o.contact_id OR c.phone = o.recipient_phone OR c.bsuid = o.recipient_bsuid))"
    "   > now() - ($1::int * interval '1 hour') AS in_window,"
    " EXISTS (SELECT 1 FROM opt_outs x JOIN contacts c ON c.id = x.contact_id"
    "   WHERE x.venue_id = o.venue_id AND (c.id = o.contact_id OR c.phone = o.recipient_phone))"
    "   AS opted_out, o.purpose, o.venue_id"
    " FROM outbox o WHERE o.state IN ('pending', 'sending') AND o.next_attempt_at <= now()"
    " AND (o.after_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox a WHERE a.id = o.after_id"
    "   AND a.state IN ('pending', 'sending', 'held')))"
    " AND (o.priority > 0 OR o.created_at <= (SELECT COALESCE(min(e.next_attempt_at), 'infinity')"
    "   FROM inbound_events e WHERE e.state = 'pending' AND e.priority = 0 AND e.attempts = 0))"
    " ORDER BY o.priority DESC, o.next_attempt_at, o.id LIMIT 1 FOR UPDATE OF o SKIP LOCKED";

static const char sql_sent[] =
    "UPDATE outbox SET state = 'sent', wamid = $2, sent_at = now(), attempts = attempts + 1,"
    " kind = $3, fell_back = fell_back OR $4::bool WHERE id = $1";

static const char sql_log_out[] =
    "INSERT INTO messages (venue_id, lead_id, contact_id, staff_id, direction, party, wamid,"
    " type, body, context_wamid, status, status_at, outbox_id)"
    " SELECT venue_id, lead_id, contact_id, staff_id, 'out',"
    " CASE WHEN staff_id IS NULL THEN 'client' ELSE 'staff' END, $2, $3, $4, context_wamid,"
    " 'queued', now(), id FROM outbox WHERE id = $1 ON CONFLICT DO NOTHING";

static const char sql_recover_sent[] =
    "WITH o AS (UPDATE outbox SET state = 'sent', wamid = $2, sent_at = now(),"
    "   attempts = attempts + 1 WHERE id = $1 AND venue_id = $3 AND state = 'sending'"
    "   RETURNING id, venue_id, lead_id, contact_id, staff_id, kind, body, context_wamid)"
    " INSERT INTO messages (venue_id, lead_id, contact_id, staff_id, direction, party, wamid,"
    " type, body, context_wamid, status, status_at, outbox_id)"
    " SELECT venue_id, lead_id, contact_id, staff_id, 'out',"
    " CASE WHEN staff_id IS NULL THEN 'client' ELSE 'staff' END, $2, kind, body, context_wamid,"
    " 'queued', now(), id FROM o ON CONFLICT DO NOTHING RETURNING outbox_id";

static const char sql_sending[] =
    "UPDATE outbox SET state = 'sending',"
    " next_attempt_at = now() + ($2::int * interval '1 millisecond') WHERE id = $1";

static const char sql_retry[] =
    "UPDATE outbox SET state = 'pending', attempts = attempts + $4::int, error_code = $3::int,"
    " error_title = $5,"
    " next_attempt_at = now() + ($2::int * interval '1 millisecond') WHERE id = $1";

static const char sql_defer_pair[] =
    "UPDATE outbox SET next_attempt_at = GREATEST(next_attempt_at,"
    " now() + ($2::int * interval '1 millisecond')) WHERE state = 'pending'"
    " AND recipient_phone IS NOT DISTINCT FROM $1 AND id <> $3";

static const char sql_failed[] =
    "UPDATE outbox SET state = $4, attempts = attempts + 1, error_code = $2::int,"
    " error_title = $3, fell_back = fell_back OR $5::bool WHERE id = $1";

static const char sql_unreachable[] =
    "UPDATE contacts SET unreachable = true WHERE id = (SELECT contact_id FROM outbox"
    " WHERE id = $1)";

static const char sql_fallback_row[] =
    "INSERT INTO outbox (venue_id, contact_id, recipient_phone, recipient_bsuid, lead_id,"
    " staff_id, kind, template_name, template_lang, template_params, automated, purpose,"
    " fell_back)"
    " SELECT venue_id, contact_id, recipient_phone, recipient_bsuid, lead_id, staff_id,"
    " 'template', template_name, template_lang,"
    " COALESCE(template_params, jsonb_build_array(left(body, 900))), automated, purpose, true"
    " FROM outbox WHERE id = $1 AND template_name IS NOT NULL RETURNING id";

static const char sql_hold_lock[] =
    "SELECT pg_advisory_xact_lock(7283453, hashtext(COALESCE($1, $2, '')))";

static const char sql_hold[] =
    "UPDATE outbox SET state = 'held' WHERE id IN (SELECT id FROM outbox WHERE venue_id = $1"
    " AND (id = $2 OR (state = 'pending' AND kind = 'text'"
    "  AND recipient_phone IS NOT DISTINCT FROM $3 AND recipient_bsuid IS NOT DISTINCT FROM $4"
    "  AND (staff_id IS NOT NULL OR purpose = 'reply') AND purpose IS DISTINCT FROM 'digest'))"
    " FOR UPDATE SKIP LOCKED) RETURNING id";

static const char sql_waiting_recent[] =
    "SELECT EXISTS (SELECT 1 FROM outbox WHERE venue_id = $1 AND purpose = 'waiting'"
    " AND recipient_phone IS NOT DISTINCT FROM $2 AND recipient_bsuid IS NOT DISTINCT FROM $3"
    " AND state NOT IN ('failed', 'cancelled') AND created_at > now() - interval '1 hour')";

static const char sql_held_leads[] =
    "SELECT COALESCE(sum(x.n), 0)::bigint, COALESCE(string_agg(x.label, ', ' ORDER BY x.first),"
    " '') FROM (SELECT min(o.id) AS first, count(*) AS n, CASE WHEN o.lead_id IS NOT NULL THEN"
    "  '#' || o.lead_id || COALESCE(' ' || l.name, '') END AS label"
    " FROM outbox o LEFT JOIN leads l ON l.id = o.lead_id WHERE o.venue_id = $1"
    " AND o.state = 'held' AND o.recipient_phone IS NOT DISTINCT FROM $2"
    " AND o.recipient_bsuid IS NOT DISTINCT FROM $3 GROUP BY o.lead_id, l.name) x";

static const char sql_status[] =
    "UPDATE messages SET status = $3, status_at = to_timestamp($4::bigint),"
    " error_code = COALESCE($5::int, error_code), error_title = COALESCE($6, error_title)"
    " WHERE venue_id = $1 AND wamid = $2 AND (CASE status WHEN 'sent' THEN 1"
    "  WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END) < $7::int"
    " RETURNING outbox_id";

static const char sql_failed_send[] =
    "SELECT id FROM outbox WHERE venue_id = $1 AND wamid = $2 AND NOT fell_back"
    " AND kind = 'text' AND template_name IS NOT NULL FOR UPDATE";

static const char sql_mark_fell_back[] =
    "UPDATE outbox SET fell_back = true, error_code = 131047, error_title = $2 WHERE id = $1";

enum {
    C_ID,
    C_KIND,
    C_PHONE,
    C_BSUID,
    C_BODY,
    C_CTX,
    C_TNAME,
    C_TLANG,
    C_TPARAMS,
    C_AUTO,
    C_ATTEMPTS,
    C_CONTACT,
    C_STAFF,
    C_LEAD,
    C_WINDOW,
    C_OPTOUT,
    C_PURPOSE,
    C_VENUE
};

void outbox_send_release(struct outbox_send *w)
{
    char **s[] = {&w->kind,          &w->phone,           &w->bsuid,
                  &w->body,          &w->context_wamid,   &w->template_name,
                  &w->template_lang, &w->template_params, &w->purpose};

    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        free(*s[i]);
        *s[i] = NULL;
    }
}

/* A copy of a column, NULL for NULL; false when out of memory. */
static bool dup_col(const PGresult *r, int c, char **out)
{
    const char *v = db_str(r, 0, c);

    *out = v ? rb_strdup(v) : NULL;
    return !v || *out;
}

int store_outbox_claim_send(struct dbconn *c, int window_hours, struct outbox_send *w)
{
    char ws[24];
    const char *p[1] = {db_i64s(window_hours, ws)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_claim, 1, p, &r);

    memset(w, 0, sizeof(*w));
    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        w->id = db_i64(r, 0, C_ID);
        w->venue_id = db_i64(r, 0, C_VENUE);
        w->contact_id = db_i64(r, 0, C_CONTACT);
        w->staff_id = db_i64(r, 0, C_STAFF);
        w->lead_id = db_i64(r, 0, C_LEAD);
        w->automated = db_bool(r, 0, C_AUTO);
        w->attempts = (int)db_i64(r, 0, C_ATTEMPTS);
        w->in_window = db_bool(r, 0, C_WINDOW);
        w->opted_out = db_bool(r, 0, C_OPTOUT);
        if (!dup_col(r, C_KIND, &w->kind) || !dup_col(r, C_PHONE, &w->phone) ||
            !dup_col(r, C_BSUID, &w->bsuid) || !dup_col(r, C_BODY, &w->body) ||
            !dup_col(r, C_CTX, &w->context_wamid) || !dup_col(r, C_TNAME, &w->template_name) ||
            !dup_col(r, C_TLANG, &w->template_lang) ||
            !dup_col(r, C_TPARAMS, &w->template_params) || !dup_col(r, C_PURPOSE, &w->purpose) ||
            !w->kind) {
            outbox_send_release(w);
            rc = RB_ENOMEM;
        }
    }
    PQclear(r);
    return rc;
}

int store_outbox_sending(struct dbconn *c, int64_t id, int64_t lease_ms)
{
    char ids[24], ls[24];
    const char *p[2] = {db_i64s(id, ids), db_i64s(lease_ms, ls)};

    return db_exec(c, sql_sending, 2, p, NULL);
}

int store_outbox_sent(struct dbconn *c, int64_t id, const char *wamid, const char *kind,
                      bool fell_back, const char *body)
{
    char ids[24];
    const char *p[4] = {db_i64s(id, ids), wamid, kind, fell_back ? "t" : "f"};
    const char *q[4] = {ids, wamid, kind, body};
    int rc = db_exec(c, sql_sent, 4, p, NULL);

    if (!rc && wamid) {
        rc = db_exec(c, sql_log_out, 4, q, NULL);
    }
    return rc;
}

int store_outbox_retry(struct dbconn *c, int64_t id, int64_t delay_ms, int64_t code,
                       int count_attempt, const char *title)
{
    char ids[24], ds[24], cs[24], as[24];
    const char *p[5] = {db_i64s(id, ids), db_i64s(delay_ms, ds),
                        code > 0 ? db_i64s(code, cs) : NULL, db_i64s(count_attempt, as), title};

    return db_exec(c, sql_retry, 5, p, NULL);
}

int store_outbox_defer_pair(struct dbconn *c, const char *phone, int64_t delay_ms,
                            int64_t except_id)
{
    char ds[24], ids[24];
    const char *p[3] = {phone, db_i64s(delay_ms, ds), db_i64s(except_id, ids)};

    return db_exec(c, sql_defer_pair, 3, p, NULL);
}

int store_outbox_failed(struct dbconn *c, int64_t id, int64_t code, const char *title,
                        const char *state, bool fell_back, bool unreachable)
{
    char ids[24], cs[24];
    const char *p[5] = {db_i64s(id, ids), code > 0 ? db_i64s(code, cs) : NULL, title, state,
                        fell_back ? "t" : "f"};
    int rc = db_exec(c, sql_failed, 5, p, NULL);

    if (!rc && unreachable) {
        rc = db_exec(c, sql_unreachable, 1, p, NULL);
    }
    return rc;
}

int store_outbox_fallback(struct dbconn *c, int64_t id, int64_t *new_id)
{
    char ids[24];
    const char *p[1] = {db_i64s(id, ids)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_fallback_row, 1, p, &r);

    *new_id = !rc && PQntuples(r) ? db_i64(r, 0, 0) : 0;
    PQclear(r);
    return rc;
}

int store_outbox_hold(struct dbconn *c, int64_t venue_id, int64_t id, const char *phone,
                      const char *bsuid, int *held, bool *recent)
{
    char v[24], ids[24];
    const char *p[4] = {db_i64s(venue_id, v), db_i64s(id, ids), phone, bsuid};
    const char *q[3] = {v, phone, bsuid};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_hold_lock, 2, p + 2, NULL);

    *held = 0;
    *recent = false;
    rc = rc ? rc : db_exec(c, sql_hold, 4, p, &r);
    *held = rc ? 0 : PQntuples(r);
    PQclear(r);
    r = NULL;
    rc = rc ? rc : db_exec(c, sql_waiting_recent, 3, q, &r);
    if (!rc) {
        *recent = db_bool(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int store_outbox_held_leads(struct dbconn *c, int64_t venue_id, const char *phone,
                            const char *bsuid, int64_t *count, char **labels)
{
    char v[24];
    const char *p[3] = {db_i64s(venue_id, v), phone, bsuid};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_held_leads, 3, p, &r);

    *count = 0;
    *labels = NULL;
    if (!rc) {
        *count = db_i64(r, 0, 0);
        *labels = rb_strdup(db_str(r, 0, 1) ? db_str(r, 0, 1) : "");
        rc = *labels ? RB_OK : RB_ENOMEM;
    }
    PQclear(r);
    return rc;
}

int store_outbox_recover_sent(struct dbconn *c, int64_t venue_id, int64_t id, const char *wamid,
                              bool *recovered)
{
    char ids[24], vs[24];
    const char *p[3] = {db_i64s(id, ids), wamid, db_i64s(venue_id, vs)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_recover_sent, 3, p, &r);

    *recovered = !rc && PQntuples(r) == 1;
    PQclear(r);
    return rc;
}

int store_message_status(struct dbconn *c, int64_t venue_id, const char *wamid, const char *status,
                         int64_t at_s, int64_t code, const char *title, int rank)
{
    char vs[24], ts[24], cs[24], rs[24];
    const char *p[7] = {db_i64s(venue_id, vs),           wamid, status,           db_i64s(at_s, ts),
                        code ? db_i64s(code, cs) : NULL, title, db_i64s(rank, rs)};

    return db_exec(c, sql_status, 7, p, NULL);
}

int store_outbox_fell_back(struct dbconn *c, int64_t venue_id, const char *wamid, const char *title,
                           int64_t *id)
{
    char vs[24];
    const char *p[2] = {db_i64s(venue_id, vs), wamid};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_failed_send, 2, p, &r);

    *id = 0;
    if (!rc && PQntuples(r) == 1) {
        const char *q[2] = {PQgetvalue(r, 0, 0), title};
        *id = db_i64(r, 0, 0);
        rc = db_exec(c, sql_mark_fell_back, 2, q, NULL);
        rc = rc ? rc : db_exec(c, sql_fallback_row, 1, q, NULL);
    }
    PQclear(r);
    return rc;
}
