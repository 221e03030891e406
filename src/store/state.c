#include "store/state.h"

static const char sql_set[] =
    "INSERT INTO app_state (key, value, updated_at) VALUES ($1, $2, now()) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()";

static const char sql_claim[] =
    "INSERT INTO app_state (key, value) VALUES ($1, to_timestamp($2)::text)"
    " ON CONFLICT (key) DO NOTHING RETURNING key";

int store_state_set(struct dbconn *c, const char *key, const char *value)
{
    const char *p[2] = {key, value};

    return db_exec(c, sql_set, 2, p, NULL);
}

int store_state_tick(struct dbconn *c, int64_t now_s)
{
    char v[24];

    return store_state_set(c, "last_tick", db_i64s(now_s, v));
}

int store_state_claim(struct dbconn *c, const char *key, int64_t now_s, bool *claimed)
{
    char ns[24];
    const char *p[2] = {key, db_i64s(now_s, ns)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_claim, 2, p, &r);

    *claimed = !rc && PQntuples(r) == 1;
    PQclear(r);
    return rc;
}
