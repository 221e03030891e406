#include "store/health.h"

static const char sql_ping[] = "SELECT 1";
static const char sql_backlog[] =
    "SELECT (SELECT count(*) FROM inbound_events WHERE state = 'pending'),"
    " (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')),"
    " (SELECT count(*) FROM jobs WHERE state = 'pending')";

int store_ping(struct dbconn *c)
{
    return db_exec(c, sql_ping, 0, NULL, NULL);
}

int store_backlog(struct dbconn *c, struct store_backlog *out)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql_backlog, 0, NULL, &r);

    if (!rc) {
        out->events = db_i64(r, 0, 0);
        out->outbox = db_i64(r, 0, 1);
        out->jobs = db_i64(r, 0, 2);
    }
    PQclear(r);
    return rc;
}
