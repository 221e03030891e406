#include "store/health.h"

#include <string.h>

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

/* The busy tables whose statistics lag their contents: changed rows since
 * the last ANALYZE (manual or autovacuum's) a fifth or more of the rows it
 * counted, and at least 1,000. */
static const char sql_stale_stats[] =
    "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
    " WHERE s.schemaname = current_schema() AND s.relname = ANY ($1::text[])"
    " AND s.n_mod_since_analyze >= GREATEST(1000, 0.2 * GREATEST(c.reltuples, 0))"
    " ORDER BY s.relname";

/* The tables of sql_stale_stats' argument, each with its ANALYZE. */
static const struct {
    const char *name, *analyze;
} busy_tables[] = {
    {"contacts", "ANALYZE contacts"},
    {"convo_current", "ANALYZE convo_current"},
    /* not the payloads and texts: the planner needs none of them, and reading
     * them made an ANALYZE of 20,000 events 150 ms */
    {"inbound_events",
     "ANALYZE inbound_events (id, venue_id, kind, state, priority, next_attempt_at, sender,"
     " attempts)"},
    {"jobs", "ANALYZE jobs"},
    {"leads", "ANALYZE leads"},
    {"messages", "ANALYZE messages (id, venue_id, lead_id, contact_id, staff_id, direction, wamid,"
                 " created_at)"},
    {"outbox", "ANALYZE outbox (id, venue_id, contact_id, lead_id, staff_id, kind, state, priority,"
               " next_attempt_at, recipient_phone, coalesce_key, after_id, purpose, created_at)"},
};

int store_refresh_stats(struct dbconn *c, int *analyzed)
{
    const char *p[1] = {"{contacts,convo_current,inbound_events,jobs,leads,messages,outbox}"};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_stale_stats, 1, p, &r);

    *analyzed = 0;
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        const char *name = PQgetvalue(r, i, 0);
        for (size_t k = 0; !rc && k < sizeof(busy_tables) / sizeof(busy_tables[0]); k++) {
            if (strcmp(name, busy_tables[k].name) == 0) {
                rc = db_exec(c, busy_tables[k].analyze, 0, NULL, NULL);
                *analyzed += !rc;
            }
        }
    }
    PQclear(r);
    return rc;
}
