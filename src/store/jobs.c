#include "store/jobs.h"

#include <stdlib.h>
#include <string.h>

#include "core/str.h"

static const char sql_job_add[] =
    "INSERT INTO jobs (venue_id, kind, payload, run_at, dedupe_key)"
    " VALUES (NULLIF($1::bigint, 0), $2, $3::jsonb,"
    " CASE WHEN $4::bigint > 0 THEN to_timestamp($4::bigint) ELSE now() END, $5)"
    " ON CONFLICT (dedupe_key) DO NOTHING";
static const char sql_job_notify[] = "SELECT pg_notify('rabta_jobs', '')";
#define JOB_LEASE_S "120"
static const char sql_job_claim[] =
    "UPDATE jobs SET run_at = now() + interval '" JOB_LEASE_S " seconds'"
    " WHERE id = (SELECT id FROM jobs WHERE state = 'pending' AND run_at <= now()"
    "   ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " RETURNING id, COALESCE(venue_id, 0), kind, payload::text, attempts";
static const char sql_job_done[] = "UPDATE jobs SET state = 'done', done_at = now() WHERE id = $1";
static const char sql_job_failed[] =
    "UPDATE jobs SET state = 'failed', attempts = attempts + 1, last_error = $2, done_at = now()"
    " WHERE id = $1";
static const char sql_job_retry[] =
    "UPDATE jobs SET attempts = attempts + 1, last_error = $3,"
    " run_at = now() + ($2::int * interval '1 millisecond'),"
    " state = CASE WHEN attempts + 1 >= 12 THEN 'failed' ELSE 'pending' END WHERE id = $1";
static const char sql_tick_lock[] = "SELECT pg_try_advisory_xact_lock(7283452)";

int store_job_add(struct dbconn *c, int64_t venue_id, const char *kind, const char *payload_json,
                  int64_t run_at_s, const char *dedupe_key)
{
    char vs[24], rs[24];
    const char *p[5] = {db_i64s(venue_id, vs), kind, payload_json, db_i64s(run_at_s, rs),
                        dedupe_key};
    int rc = db_exec(c, sql_job_add, 5, p, NULL);

    return rc ? rc : db_exec(c, sql_job_notify, 0, NULL, NULL);
}

void job_claim_release(struct job_claim *j)
{
    if (j) {
        free(j->kind);
        free(j->payload);
        j->kind = j->payload = NULL;
    }
}

int store_job_claim(struct dbconn *c, struct job_claim *out)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql_job_claim, 0, NULL, &r);

    memset(out, 0, sizeof(*out));
    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        out->id = db_i64(r, 0, 0);
        out->venue_id = db_i64(r, 0, 1);
        out->kind = rb_strdup(db_str(r, 0, 2));
        out->payload = rb_strdup(db_str(r, 0, 3) ? db_str(r, 0, 3) : "null");
        out->attempts = (int)db_i64(r, 0, 4);
        if (!out->kind || !out->payload) {
            job_claim_release(out);
            rc = RB_ENOMEM;
        }
    }
    PQclear(r);
    return rc;
}

int store_job_done(struct dbconn *c, int64_t id)
{
    char ids[24];
    const char *p[1] = {db_i64s(id, ids)};

    return db_exec(c, sql_job_done, 1, p, NULL);
}

int store_job_failed(struct dbconn *c, int64_t id, const char *error)
{
    char ids[24];
    const char *p[2] = {db_i64s(id, ids), error};

    return db_exec(c, sql_job_failed, 2, p, NULL);
}

int store_job_retry(struct dbconn *c, int64_t id, int64_t delay_ms, const char *error)
{
    char ids[24], ds[24];
    const char *p[3] = {db_i64s(id, ids), db_i64s(delay_ms, ds), error};

    return db_exec(c, sql_job_retry, 3, p, NULL);
}

int store_tick_lock(struct dbconn *c, bool *got)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql_tick_lock, 0, NULL, &r);

    *got = !rc && db_bool(r, 0, 0);
    PQclear(r);
    return rc;
}

int store_listen_work(struct dbconn *c)
{
    int rc = db_exec(c, "LISTEN rabta_events", 0, NULL, NULL);

    rc = rc ? rc : db_exec(c, "LISTEN rabta_outbox", 0, NULL, NULL);
    return rc ? rc : db_exec(c, "LISTEN rabta_jobs", 0, NULL, NULL);
}
