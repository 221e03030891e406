#include "store/venue.h"

static const char sql_db_exists[] = "SELECT 1 FROM pg_database WHERE datname = 'rabta'";
static const char sql_db_create[] = "CREATE DATABASE rabta";
static const char sql_venue[] =
    "INSERT INTO venues (name, phone_number_id, time_zone) VALUES ($1, $2, $3)"
    " ON CONFLICT (phone_number_id) DO UPDATE SET name = EXCLUDED.name,"
    " time_zone = EXCLUDED.time_zone RETURNING id";

int store_database_ensure(struct dbconn *c)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql_db_exists, 0, NULL, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = db_exec(c, sql_db_create, 0, NULL, NULL);
    }
    PQclear(r);
    return rc;
}

int store_venue_upsert(struct dbconn *c, const char *name, const char *pnid, const char *time_zone,
                       int64_t *id)
{
    const char *p[3] = {name, pnid, time_zone};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_venue, 3, p, &r);

    if (!rc) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}
