#include "store/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

/* priority (sql/012_scale.sql, 014_event_order.sql): 0 the first message
 * of a phone with no contact and no pending event yet (a new client: the
 * lead and its greeting), 2 a delivery status, 1 the rest. sender keeps a
 * message's "from" for the claim's one-at-a-time order per client. busy:
 * the batch's senders with an event pending, one probe of the sender index
 * for the whole batch (a probe per row could be planned as a scan of every
 * pending event, 1.2 ms a 4-row batch over a backlog of 3,000 before the
 * table's first ANALYZE; 0.3 ms this way). */
static const char sql_insert[] =
    "WITH x AS (SELECT t.*, row_number() OVER (PARTITION BY t.sender ORDER BY t.ord) AS nth"
    "   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    "   $7::text[]) WITH ORDINALITY AS t(source, kind, key, pnid, payload, sender, ord)),"
    " busy AS (SELECT DISTINCT p.sender FROM inbound_events p WHERE p.sender = ANY($7::text[])"
    "   AND p.state = 'pending' AND p.sender IS NOT NULL),"
    " ins AS (INSERT INTO inbound_events (venue_id, source, kind, dedupe_key, phone_number_id,"
    "   payload, state, priority, sender)"
    "   SELECT COALESCE(v.id, CASE WHEN x.pnid IS NULL THEN $6::bigint END), x.source, x.kind,"
    "     x.key, x.pnid, x.payload::json,"
    "     CASE WHEN v.id IS NULL AND x.pnid IS NOT NULL THEN 'ignored' ELSE 'pending' END,"
    "     CASE WHEN x.kind = 'status' THEN 2"
    "       WHEN x.kind = 'message' AND x.sender IS NOT NULL AND x.nth = 1 AND NOT EXISTS (SELECT 1"
    "         FROM contacts c WHERE c.venue_id = COALESCE(v.id, $6::bigint)"
    "         AND c.phone = '+' || x.sender)"
    "         AND NOT EXISTS (SELECT 1 FROM busy b WHERE b.sender = x.sender) THEN 0 ELSE 1 END,"
    "     CASE WHEN x.kind = 'message' THEN x.sender END"
    "   FROM x LEFT JOIN venues v ON v.phone_number_id = x.pnid ORDER BY x.ord"
    "   ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key)"
    " SELECT x.ord FROM x JOIN ins ON ins.dedupe_key = x.key";

/* The wake-up for the workers, in a transaction of its own after the insert
 * committed: a NOTIFY takes a database-wide lock until its transaction has
 * committed, and inside the insert that meant until its WAL was flushed, so
 * concurrent group commits waited for each other's fsync. Alone it writes
 * no WAL before its commit record, and PostgreSQL commits such a transaction
 * without waiting for a flush (50 of them: 2 WAL syncs): the lock is held
 * for microseconds. A notification lost in a crash costs only latency (the
 * workers poll too). */
static const char sql_notify[] = "SELECT pg_notify('rabta_events', $1)";

/*
 * A batch: new clients first (priority), then the oldest due; a sender's
 * message only when no earlier event of that sender is pending (being
 * handled by another worker, or waiting for its retry): per client, one
 * event at a time and in order, so two transactions never hold one
 * client's contact and lead rows (sql/014_event_order.sql).
 */
static const char sql_claim[] =
    "SELECT e.id, COALESCE(e.venue_id, 0), e.kind, e.attempts, e.payload::text, e.priority"
    " FROM inbound_events e WHERE e.state = 'pending' AND e.next_attempt_at <= now()"
    " AND (e.sender IS NULL OR NOT EXISTS (SELECT 1 FROM inbound_events p"
    "   WHERE p.sender = e.sender AND p.state = 'pending' AND p.id < e.id))"
    " ORDER BY e.priority, e.next_attempt_at, e.id LIMIT $1 FOR UPDATE OF e SKIP LOCKED";

static const char sql_claim_id[] =
    "SELECT id, COALESCE(venue_id, 0), kind, attempts, payload::text, priority"
    " FROM inbound_events WHERE id = $1 AND state = 'pending' FOR UPDATE SKIP LOCKED";

static const char sql_done_many[] =
    "UPDATE inbound_events SET state = 'done', processed_at = now() WHERE id = ANY($1::bigint[])";

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

int store_events_notify(struct dbconn *c, size_t fresh)
{
    char n[24];
    const char *p[1] = {db_i64s((int64_t)fresh, n)};

    return db_exec(c, sql_notify, 1, p, NULL);
}

int store_events_insert(struct dbconn *c, struct event_row *rows, size_t n, int64_t default_venue,
                        size_t *inserted)
{
    struct buf arr[6];
    const char *params[7];
    char venue[24];
    PGresult *r = NULL;
    size_t total = 0;
    int rc = RB_OK;

    for (int k = 0; k < 6; k++) {
        buf_init(&arr[k], 256u << 20);
        rc = rc ? rc : buf_addc(&arr[k], '{');
    }
    for (size_t i = 0; i < n && !rc; i++) {
        const char *f[6] = {rows[i].source,          rows[i].kind,    rows[i].dedupe_key,
                            rows[i].phone_number_id, rows[i].payload, rows[i].sender};
        rows[i].inserted = 0;
        for (int k = 0; k < 6 && !rc; k++) {
            rc = array_elem(&arr[k], f[k]);
        }
    }
    for (int k = 0; k < 6 && !rc; k++) {
        rc = buf_addc(&arr[k], '}');
    }
    for (int k = 0; k < 6 && !rc; k++) {
        params[k < 5 ? k : 6] = arr[k].p;
    }
    if (rc) {
        goto out;
    }
    params[5] = db_i64s(default_venue, venue);
    rc = db_exec(c, sql_insert, 7, params, &r);
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
    for (int k = 0; k < 6; k++) {
        buf_release(&arr[k]);
    }
    return rc;
}

static int claim_rows(PGresult *r, struct event_claim *out, size_t max, size_t *n)
{
    size_t k = 0;

    for (int i = 0; i < PQntuples(r) && k < max; i++, k++) {
        struct event_claim *e = &out[k];
        memset(e, 0, sizeof(*e));
        e->id = db_i64(r, i, 0);
        e->venue_id = db_i64(r, i, 1);
        snprintf(e->kind, sizeof(e->kind), "%s", db_str(r, i, 2));
        e->attempts = (int)db_i64(r, i, 3);
        e->priority = (int)db_i64(r, i, 5);
        e->payload = rb_strdup(db_str(r, i, 4));
        if (!e->payload) {
            for (size_t j = 0; j <= k; j++) {
                event_claim_release(&out[j]);
            }
            return RB_ENOMEM;
        }
    }
    *n = k;
    return k ? RB_OK : RB_ENOTFOUND;
}

int store_events_claim(struct dbconn *c, struct event_claim *out, size_t max, size_t *n)
{
    char ms[24];
    const char *p[1] = {db_i64s((int64_t)max, ms)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_claim, 1, p, &r);

    *n = 0;
    if (!rc) {
        rc = claim_rows(r, out, max, n);
    }
    PQclear(r);
    return rc;
}

int store_event_claim_id(struct dbconn *c, int64_t id, struct event_claim *out)
{
    char ids[24];
    const char *p[1] = {db_i64s(id, ids)};
    PGresult *r = NULL;
    size_t n = 0;
    int rc = db_exec(c, sql_claim_id, 1, p, &r);

    if (!rc) {
        rc = claim_rows(r, out, 1, &n);
    }
    PQclear(r);
    return rc;
}

void event_claim_release(struct event_claim *e)
{
    if (e) {
        free(e->payload);
        e->payload = NULL;
    }
}

int store_events_done(struct dbconn *c, const int64_t *ids, size_t n)
{
    struct buf arr;
    char one[24];
    int rc;

    buf_init(&arr, 64u << 20);
    rc = buf_addc(&arr, '{');
    for (size_t i = 0; i < n && !rc; i++) {
        rc = i ? buf_addc(&arr, ',') : RB_OK;
        rc = rc ? rc : buf_adds(&arr, db_i64s(ids[i], one));
    }
    rc = rc ? rc : buf_addc(&arr, '}');
    if (!rc) {
        const char *p[1] = {arr.p};
        rc = db_exec(c, sql_done_many, 1, p, NULL);
    }
    buf_release(&arr);
    return rc;
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
