#include "store/staff.h"

#include <stdlib.h>

#include "core/str.h"

static const char sql_rr_pick[] =
    "WITH s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n"
    "   FROM staff WHERE venue_id = $1 AND role = 'sales' AND active AND NOT away AND id <> $2)"
    " SELECT id FROM s WHERE k = (SELECT (nextval('rr_seq') - 1) % n FROM s LIMIT 1)";
static const char sql_staff_available[] =
    "SELECT id FROM staff WHERE venue_id = $1 AND lower(name) = lower($2) AND active"
    " AND NOT away AND role IN ('sales', 'owner') AND id <> $3";
static const char sql_owner_any[] =
    "SELECT id FROM staff WHERE venue_id = $1 AND role = 'owner' AND active ORDER BY id LIMIT 1";

int store_staff_available_by_name(struct dbconn *c, int64_t venue, const char *name,
                                  int64_t exclude, int64_t *id)
{
    char v[24], e[24];
    const char *p[3] = {db_i64s(venue, v), name, db_i64s(exclude, e)};
    PGresult *r = NULL;
    int rc;

    *id = 0;
    if (!name || !name[0]) {
        return RB_OK;
    }
    rc = db_exec(c, sql_staff_available, 3, p, &r);
    if (!rc && PQntuples(r) == 1) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int store_staff_round_robin(struct dbconn *c, int64_t venue, int64_t exclude, int64_t *id)
{
    char v[24], e[24];
    const char *p[2] = {db_i64s(venue, v), db_i64s(exclude, e)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_rr_pick, 2, p, &r);

    *id = 0;
    if (!rc && PQntuples(r) == 1) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int store_staff_any_owner(struct dbconn *c, int64_t venue, int64_t *id)
{
    char v[24];
    const char *p[1] = {db_i64s(venue, v)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_owner_any, 1, p, &r);

    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

static const char sql_add[] =
    "INSERT INTO staff (venue_id, name, phone, role, lang) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (venue_id, phone) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,"
    " lang = EXCLUDED.lang, active = true RETURNING id";
static const char sql_seed[] =
    "INSERT INTO staff (venue_id, name, phone, role, lang) VALUES ($1, $2, $3, $4,"
    " COALESCE($5, 'ur')) ON CONFLICT DO NOTHING";
static const char sql_list[] =
    "SELECT id, name, phone, role, lang, active, away FROM staff WHERE venue_id = $1 ORDER BY id";
static const char sql_away[] =
    "UPDATE staff SET away = $3::bool WHERE venue_id = $1 AND lower(name) = lower($2) RETURNING id";

int store_staff_upsert(struct dbconn *c, int64_t venue, const char *name, const char *phone,
                       const char *role, const char *lang, int64_t *id)
{
    char v[24];
    const char *p[5] = {db_i64s(venue, v), name, phone, role, lang};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_add, 5, p, &r);

    if (!rc) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int store_staff_seed(struct dbconn *c, int64_t venue, const char *name, const char *phone,
                     const char *role, const char *lang)
{
    char v[24];
    const char *p[5] = {db_i64s(venue, v), name, phone, role, lang};

    return db_exec(c, sql_seed, 5, p, NULL);
}

void store_staff_free(struct store_staff *v, int n)
{
    for (int i = 0; v && i < n; i++) {
        free(v[i].name);
        free(v[i].phone);
        free(v[i].role);
        free(v[i].lang);
    }
    free(v);
}

static char *dup_or_empty(const char *s)
{
    return rb_strdup(s ? s : "");
}

int store_staff_list(struct dbconn *c, int64_t venue, struct store_staff **out, int *n)
{
    char v[24];
    const char *p[1] = {db_i64s(venue, v)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_list, 1, p, &r);
    int rows = rc ? 0 : PQntuples(r);

    *out = NULL;
    *n = 0;
    if (rows > 0) {
        *out = calloc((size_t)rows, sizeof(**out));
        rc = *out ? RB_OK : RB_ENOMEM;
    }
    for (int i = 0; !rc && i < rows; i++) {
        struct store_staff *s = &(*out)[i];

        *n = i + 1;
        s->id = db_i64(r, i, 0);
        s->name = dup_or_empty(db_str(r, i, 1));
        s->phone = dup_or_empty(db_str(r, i, 2));
        s->role = dup_or_empty(db_str(r, i, 3));
        s->lang = dup_or_empty(db_str(r, i, 4));
        s->active = db_bool(r, i, 5);
        s->away = db_bool(r, i, 6);
        rc = s->name && s->phone && s->role && s->lang ? RB_OK : RB_ENOMEM;
    }
    PQclear(r);
    if (rc) {
        store_staff_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int store_staff_set_away(struct dbconn *c, int64_t venue, const char *name, bool away, bool *found)
{
    char v[24];
    const char *p[3] = {db_i64s(venue, v), name, away ? "t" : "f"};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_away, 3, p, &r);

    *found = !rc && PQntuples(r) > 0;
    PQclear(r);
    return rc;
}
