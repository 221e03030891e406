#include "store/staff.h"

#include <stdlib.h>
#include <string.h>

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

static const char sql_get[] =
    "SELECT s.id, COALESCE(s.contact_id, c.id, 0), s.name, s.phone, s.role, s.lang, s.active,"
    " s.away FROM staff s LEFT JOIN contacts c ON c.venue_id = s.venue_id AND c.phone = s.phone"
    " WHERE s.venue_id = $1 AND s.id = $2";
static const char sql_find_name[] =
    "SELECT id, lower(name) = lower($2) FROM staff WHERE venue_id = $1 AND active"
    " AND (lower(name) = lower($2) OR lower(split_part(name, ' ', 1)) = lower($2))"
    " ORDER BY 2 DESC, id LIMIT 5";
static const char sql_active_names[] =
    "SELECT id, name FROM staff WHERE venue_id = $1 AND active ORDER BY id";
static const char sql_by_role[] =
    "SELECT id FROM staff WHERE venue_id = $1 AND role = $2 AND active ORDER BY id";

void store_staff_release(struct store_staff *s)
{
    if (s) {
        free(s->name);
        free(s->phone);
        free(s->role);
        free(s->lang);
        memset(s, 0, sizeof(*s));
    }
}

int store_staff_get(struct dbconn *c, int64_t venue, int64_t id, struct store_staff *out)
{
    char v[24], i[24];
    const char *p[2] = {db_i64s(venue, v), db_i64s(id, i)};
    struct store_staff s = {0};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_get, 2, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        s.id = db_i64(r, 0, 0);
        s.contact_id = db_i64(r, 0, 1);
        s.name = dup_or_empty(db_str(r, 0, 2));
        s.phone = dup_or_empty(db_str(r, 0, 3));
        s.role = dup_or_empty(db_str(r, 0, 4));
        s.lang = dup_or_empty(db_str(r, 0, 5));
        s.active = db_bool(r, 0, 6);
        s.away = db_bool(r, 0, 7);
        rc = s.name && s.phone && s.role && s.lang ? RB_OK : RB_ENOMEM;
    }
    PQclear(r);
    if (rc) {
        store_staff_release(&s);
        return rc;
    }
    *out = s;
    return RB_OK;
}

int store_staff_find_name(struct dbconn *c, int64_t venue, const char *name, int64_t *id,
                          bool *ambiguous)
{
    char v[24];
    const char *p[2] = {db_i64s(venue, v), name};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_find_name, 2, p, &r);

    if (!rc) {
        int n = PQntuples(r);
        *ambiguous = n > 1 && !db_bool(r, 0, 1);
        *id = n == 0 || *ambiguous ? 0 : db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

static void name_drop(void *elem)
{
    free(((struct store_staff_name *)elem)->name);
}

void store_staff_names_free(struct store_staff_name *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        name_drop(&v[i]);
    }
    free(v);
}

static int name_fill(const PGresult *r, int i, void *elem)
{
    struct store_staff_name *s = elem;

    s->id = db_i64(r, i, 0);
    s->name = dup_or_empty(db_str(r, i, 1));
    return s->name ? RB_OK : RB_ENOMEM;
}

int store_staff_active_names(struct dbconn *c, int64_t venue, struct store_staff_name **out,
                             size_t *n)
{
    char v[24];
    const char *p[1] = {db_i64s(venue, v)};
    void *rows = NULL;
    int rc =
        db_query_rows(c, sql_active_names, 1, p, sizeof(**out), name_fill, name_drop, &rows, n);

    if (!rc) {
        *out = rows;
    }
    return rc;
}

int store_staff_ids_by_role(struct dbconn *c, int64_t venue, const char *role, int64_t **ids,
                            size_t *n)
{
    char v[24];
    const char *p[2] = {db_i64s(venue, v), role};

    return db_query_ids(c, sql_by_role, 2, p, ids, n);
}
