#include "store/outbox.h"

#include <stdlib.h>

static const char sql_coalesce[] =
    "UPDATE outbox SET body = body || E'\\n\\n' || $2 WHERE id = ("
    " SELECT id FROM outbox WHERE coalesce_key = $1 AND state = 'pending'"
    "  AND (attempts = 0 OR error_code = 131056)"
    "  AND kind = 'text' AND length(body) + length($2) < 3500"
    "  ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id";

static const char sql_insert[] =
    "INSERT INTO outbox (venue_id, contact_id, recipient_phone, recipient_bsuid, lead_id,"
    " staff_id, kind, body, context_wamid, template_name, template_lang, template_params,"
    " automated, coalesce_key, purpose, priority, next_attempt_at)"
    " VALUES ($1, NULLIF($2::bigint, 0), $3, $4, NULLIF($5::bigint, 0), NULLIF($6::bigint, 0),"
    " $7, $8, $9, $10, $11, $12::jsonb, $13::bool, $14, $15,"
    " CASE WHEN $15 IN ('greeting', 'reply') THEN 1 ELSE 0 END,"
    " GREATEST(now(), (SELECT max(next_attempt_at) FROM outbox WHERE state = 'pending'"
    "  AND error_code = 131056 AND recipient_phone IS NOT DISTINCT FROM $3"
    "  AND recipient_bsuid IS NOT DISTINCT FROM $4)))"
    " RETURNING id";

static const char sql_notify[] = "SELECT pg_notify('rabta_outbox', '')";

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

int store_outbox_add(struct dbconn *c, const struct outbox_msg *m, int64_t *id)
{
    char venue[24], contact[24], lead[24], staff[24];
    char *params_json = NULL;
    PGresult *r = NULL;
    int rc;

    if (m->coalesce_key && m->body && m->kind && m->kind[0] == 't' && m->kind[1] == 'e' &&
        m->kind[2] == 'x') {
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
    const char *p[15] = {db_i64s(m->venue_id, venue), db_i64s(m->contact_id, contact),
                         m->phone, m->bsuid, db_i64s(m->lead_id, lead),
                         db_i64s(m->staff_id, staff), m->kind, m->body, m->context_wamid,
                         m->template_name, m->template_lang, params_json,
                         m->automated ? "t" : "f", m->coalesce_key, m->purpose};
    rc = db_exec(c, sql_insert, 15, p, &r);
    if (!rc) {
        *id = db_i64(r, 0, 0);
        rc = db_exec(c, sql_notify, 0, NULL, NULL);
    }
    PQclear(r);
    free(params_json);
    return rc;
}
