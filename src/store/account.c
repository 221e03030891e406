#include "store/account.h"

#include <stdlib.h>

static const char sql_add[] =
    "INSERT INTO account_updates (venue_id, event_id, event, restricts, detail, until_at, value)"
    " VALUES (NULLIF($1::bigint, 0), NULLIF($2::bigint, 0), $3, $4::boolean, $5,"
    " CASE WHEN $6::bigint > 0 THEN to_timestamp($6::bigint) END, $7::jsonb)";

int store_account_update_add(struct dbconn *c, const struct account_update *u)
{
    char vs[24], es[24], us[24];
    char *value = json_dumps(u->value, JSON_COMPACT);
    const char *p[7] = {db_i64s(u->venue_id, vs),
                        db_i64s(u->event_id, es),
                        u->event,
                        u->restricts ? "t" : "f",
                        u->detail,
                        db_i64s(u->until_s, us),
                        value};
    int rc;

    if (!value) {
        return RB_ENOMEM;
    }
    rc = db_exec(c, sql_add, 7, p, NULL);
    free(value);
    return rc;
}
