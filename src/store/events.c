#include "store/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

static const char sql_insert[] =
    "WITH x AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
    "   WITH ORDINALITY AS t(source, kind, key, pnid, payload, ord)),"
    " ins AS (INSERT INTO inbound_events (venue_id, source, kind, dedupe_key, phone_number_id,"
    "   payload, state)"
    "   SELECT COALESCE(v.id, CASE WHEN x.pnid IS NULL THEN $6::bigint END), x.source, x.kind,"
    "     x.key, x.pnid, x.payload::jsonb,"
    "     CASE WHEN v.id IS NULL AND x.pnid IS NOT NULL THEN 'ignored' ELSE 'pending' END"
    "   FROM x LEFT JOIN venues v ON v.phone_number_id = x.pnid ORDER BY x.ord"
    "   ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key),"
    " n AS (SELECT pg_notify('rabta_events', s.c::text) FROM (SELECT count(*) AS c FROM ins) s"
    "   WHERE s.c > 0)"
    " SELECT x.ord FROM x JOIN ins ON ins.dedupe_key = x.key, (SELECT count(*) FROM n) nn";

static const char sql_claim[] =
    "SELECT id, COALESCE(venue_id, 0), kind, attempts, payload::text FROM inbound_events"
    " WHERE state = 'pending' AND next_attempt_at <= now()"
    " ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";

static const char sql_done[] =
    "UPDATE inbound_events SET state = 'done', processed_at = now() WHERE id = $1";

static const char sql_retry[] =
    "UPDATE inbound_events SET attempts = attempts + 1, last_error = $3,"
    " next_attempt_at = now() + ($2::int * interval '1 millisecond'),"
    " state = CASE WHEN $4::bool THEN 'failed' ELSE state END WHERE id = $1";

/* Appends s as an element of a PostgreSQL array literal: quoted, \ and " escaped. */
static const char sql_lease[] =
    "UPDATE inbound_events SET next_attempt_at = now() + ($2::int * interval '1 millisecond')"
    " WHERE id = $1";

static const char sql_retake[] =
    "SELECT id FROM inbound_events WHERE id = $1 AND state = 'pending' FOR UPDATE SKIP LOCKED";

static int array_elem(struct buf *b, const char *s)
{
    int rc;

    if (b->len > 1) {
        rc = buf_addc(b, ',');
        if (rc) {
            return rc;
        }
    }
    if (!s) {
        return buf_adds(b, "NULL");
    }
    rc = buf_addc(b, '"');
    for (; !rc && *s; s++) {
        if (*s == '"' || *s == '\\') {
            rc = buf_addc(b, '\\');
        }
        if (!rc) {
            rc = buf_addc(b, *s);
        }
    }
    return rc ? rc : buf_addc(b, '"');
}

int store_events_insert(struct dbconn *c, struct event_row *rows, size_t n, int64_t default_venue,
                        size_t *inserted)
{
    struct buf arr[5];
    const char *params[6];
    char venue[24];
    PGresult *r = NULL;
    size_t total = 0;
    int rc = RB_OK;

    for (int k = 0; k < 5; k++) {
        buf_init(&arr[k], 256u << 20);
        rc = rc ? rc : buf_addc(&arr[k], '{');
    }
    for (size_t i = 0; i < n && !rc; i++) {
        const char *f[5] = {rows[i].source, rows[i].kind, rows[i].dedupe_key,
                            rows[i].phone_number_id, rows[i].payload};
        rows[i].inserted = 0;
        for (int k = 0; k < 5 && !rc; k++) {
            rc = array_elem(&arr[k], f[k]);
        }
    }
    for (int k = 0; k < 5 && !rc; k++) {
        rc = buf_addc(&arr[k], '}');
        params[k] = arr[k].p;
    }
    if (rc) {
        goto out;
    }
    params[5] = db_i64s(default_venue, venue);
    rc = db_exec(c, sql_insert, 6, params, &r);
    if (rc) {
        goto out;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t ord = db_i64(r, i, 0);
        if (ord >= 1 && (size_t)ord <= n) {
            rows[ord - 1].inserted = 1;
            total++;
        }
    }
    *inserted = total;
out:
    PQclear(r);
    for (int k = 0; k < 5; k++) {
        buf_release(&arr[k]);
    }
    return rc;
}

int store_event_claim(struct dbconn *c, struct event_claim *out)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql_claim, 0, NULL, &r);

    if (rc) {
        return rc;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        return RB_ENOTFOUND;
    }
    memset(out, 0, sizeof(*out));
    out->id = db_i64(r, 0, 0);
    out->venue_id = db_i64(r, 0, 1);
    snprintf(out->kind, sizeof(out->kind), "%s", db_str(r, 0, 2));
    out->attempts = (int)db_i64(r, 0, 3);
    out->payload = rb_strdup(db_str(r, 0, 4));
    PQclear(r);
    return out->payload ? RB_OK : RB_ENOMEM;
}

void event_claim_release(struct event_claim *e)
{
    if (e) {
        free(e->payload);
        e->payload = NULL;
    }
}

int store_event_done(struct dbconn *c, int64_t id)
{
    char ids[24];
    const char *p[1] = {db_i64s(id, ids)};

    return db_exec(c, sql_done, 1, p, NULL);
}

int store_event_retry(struct dbconn *c, int64_t id, int delay_ms, const char *error, int give_up)
{
    char ids[24], ds[24];
    const char *p[4] = {db_i64s(id, ids), db_i64s(delay_ms, ds), error, give_up ? "t" : "f"};

    return db_exec(c, sql_retry, 4, p, NULL);
}

int store_event_lease(struct dbconn *c, int64_t id, int lease_ms)
{
    char ids[24], ms[24];
    const char *p[2] = {db_i64s(id, ids), db_i64s(lease_ms, ms)};

    return db_exec(c, sql_lease, 2, p, NULL);
}

int store_event_retake(struct dbconn *c, int64_t id)
{
    char ids[24];
    const char *p[1] = {db_i64s(id, ids)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_retake, 1, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    PQclear(r);
    return rc;
}
