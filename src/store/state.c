#include "store/state.h"

static const char sql_set[] =
    "INSERT INTO app_state (key, value, updated_at) VALUES ($1, $2, now()) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()";

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
