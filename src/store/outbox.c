#include "store/outbox.h"

#include <stdlib.h>
#include <string.h>

#include "core/split.h"

static const char sql_coalesce[] =
    "UPDATE outbox SET body = body || E'\\n\\n' || $2 WHERE id = ("
    " SELECT id FROM outbox WHERE coalesce_key = $1 AND state = 'pending'"
    "  AND (attempts = 0 OR error_code = 131056)"
    "  AND kind = 'text' AND length(body) + length($2) < 3500"
    "  ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id";

static const char sql_insert[] =
    "INSERT INTO outbox (venue_id, contact_id, recipient_phone, recipient_bsuid, lead_id,"
    " staff_id, kind, body, context_wamid, template_name, template_lang, template_params,"
    " automated, coalesce_key, purpose, after_id, priority, next_attempt_at)"
    " VALUES ($1, NULLIF($2::bigint, 0), $3, $4, NULLIF($5::bigint, 0), NULLIF($6::bigint, 0),"
    " $7, $8, $9, $10, $11, $12::jsonb, $13::bool, $14, $15, NULLIF($16::bigint, 0),"
    " CASE WHEN $15 IN ('greeting', 'reply') THEN 1 ELSE 0 END,"
    " GREATEST(now(), (SELECT max(next_attempt_at) FROM outbox WHERE state = 'pending'"
    "  AND error_code = 131056 AND recipient_phone IS NOT DISTINCT FROM $3"
    "  AND recipient_bsuid IS NOT DISTINCT FROM $4)))"
    " RETURNING id";

static const char sql_notify[] = "SELECT pg_notify('rabta_outbox', '')";

/* Rows held for a recipient whose window was closed go, in order, once
 * they write: each waits for the one before it. */
static const char sql_release[] =
    "UPDATE outbox o SET state = 'pending', next_attempt_at = now(), after_id = h.prev"
    " FROM (SELECT id, lag(id) OVER (ORDER BY id) AS prev FROM outbox"
    "  WHERE venue_id = $1 AND state = 'held'"
    "  AND (contact_id = NULLIF($2::bigint, 0) OR recipient_phone = $3)) h"
    " WHERE o.id = h.id AND o.state = 'held' RETURNING o.id";

static int try_coalesce(struct dbconn *c, const struct outbox_msg *m, int64_t *id)
{
    const char *p[2] = {m->coalesce_key, m->body};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_coalesce, 2, p, &r);

    if (!rc && PQntuples(r) == 1) {
        *id = db_i64(r, 0, 0);
    } else if (!rc) {
        rc = RB_ENOTFOUND;
    }
    PQclear(r);
    return rc;
}

/* Inserts one row (a part of m's body when body is not m->body). */
static int insert_row(struct dbconn *c, const struct outbox_msg *m, const char *body,
                      const char *params_json, int64_t after, int64_t *id)
{
    char venue[24], contact[24], lead[24], staff[24], af[24];
    PGresult *r = NULL;
    const char *p[16] = {db_i64s(m->venue_id, venue),
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
    int rc = db_exec(c, sql_insert, 16, p, &r);

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
    int64_t prev = 0, row = 0;
    int rc = text_split(m->body, len, WA_TEXT_PART, &parts, &n);

    for (size_t i = 0; !rc && i < n; i++) {
        char *body = strndup(m->body + parts[i].off, parts[i].len);
        rc = body ? insert_row(c, m, body, params_json, prev, &row) : RB_ENOMEM;
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

    if (m->coalesce_key && m->body && is_text(m) && !long_text) {
        rc = try_coalesce(c, m, id);
        if (rc != RB_ENOTFOUND) {
            return rc;
        }
    }
    if (m->template_params) {
        params_json = json_dumps(m->template_params, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!params_json) {
            return RB_ENOMEM;
        }
    }
    rc = long_text ? insert_parts(c, m, params_json, id)
                   : insert_row(c, m, m->body, params_json, 0, id);
    if (!rc) {
        rc = db_exec(c, sql_notify, 0, NULL, NULL);
    }
    free(params_json);
    return rc;
}

int store_outbox_release(struct dbconn *c, int64_t venue_id, int64_t contact_id, const char *phone,
                         int *released)
{
    char v[24], cs[24];
    const char *p[3] = {db_i64s(venue_id, v), db_i64s(contact_id, cs), phone};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_release, 3, p, &r);

    *released = rc ? 0 : PQntuples(r);
    PQclear(r);
    if (!rc && *released) {
        rc = db_exec(c, sql_notify, 0, NULL, NULL);
    }
    return rc;
}
