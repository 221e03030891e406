#include "store/sandbox.h"

#include <stdlib.h>

#include "core/str.h"

static const char sql_keep[] =
    "INSERT INTO sandbox_messages (phone_number_id, recipient, wamid, request)"
    " VALUES ($1, $2, 'wamid.SBX' || to_hex((random() * 2147483647)::int) || '.'"
    " || (SELECT COALESCE(max(id), 0) + 1 FROM sandbox_messages), $3::jsonb) RETURNING wamid";
static const char sql_sent[] =
    "SELECT id, request::text, wamid FROM sandbox_messages WHERE recipient = $1 AND id > $2::bigint"
    " ORDER BY id LIMIT 50";

int store_sandbox_keep(struct dbconn *c, const char *pnid, const char *recipient,
                       const char *request, char **wamid)
{
    const char *p[3] = {pnid, recipient, request};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_keep, 3, p, &r);

    *wamid = NULL;
    if (!rc) {
        *wamid = rb_strdup(db_str(r, 0, 0));
        rc = *wamid ? RB_OK : RB_ENOMEM;
    }
    PQclear(r);
    return rc;
}

void store_sandbox_free(struct store_sandbox_msg *v, int n)
{
    for (int i = 0; v && i < n; i++) {
        free(v[i].request);
        free(v[i].wamid);
    }
    free(v);
}

int store_sandbox_sent(struct dbconn *c, const char *recipient, const char *after,
                       struct store_sandbox_msg **out, int *n)
{
    const char *p[2] = {recipient, after};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_sent, 2, p, &r);
    int rows = rc ? 0 : PQntuples(r);

    *out = NULL;
    *n = 0;
    if (rows > 0) {
        *out = calloc((size_t)rows, sizeof(**out));
        rc = *out ? RB_OK : RB_ENOMEM;
    }
    for (int i = 0; !rc && i < rows; i++) {
        struct store_sandbox_msg *m = &(*out)[i];

        *n = i + 1;
        m->id = db_i64(r, i, 0);
        m->request = rb_strdup(db_str(r, i, 1));
        m->wamid = rb_strdup(db_str(r, i, 2));
        rc = m->request && m->wamid ? RB_OK : RB_ENOMEM;
    }
    PQclear(r);
    if (rc) {
        store_sandbox_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
