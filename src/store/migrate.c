#include "store/migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/str.h"

#define MIGRATE_LOCK_KEY "7283451"
#define MIGRATE_MAX_FILES 512

static const char sql_lock[] = "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")";
static const char sql_unlock[] = "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")";
static const char sql_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                " version text PRIMARY KEY,"
                                " applied_at timestamptz NOT NULL DEFAULT now())";
static const char sql_applied[] = "SELECT 1 FROM schema_migrations WHERE version = $1";
static const char sql_record[] = "INSERT INTO schema_migrations (version) VALUES ($1)";

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_migration(const char *name)
{
    size_t n = strlen(name);

    return n > 8 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' &&
           name[2] >= '0' && name[2] <= '9' && name[3] == '_' && strcmp(name + n - 4, ".sql") == 0;
}

static int list_files(const char *dir, char ***out, size_t *n, struct buf *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0;

    if (!d) {
        buf_say(err, "%s: cannot open migrations directory", dir);
        return RB_ENOTFOUND;
    }
    names = calloc(MIGRATE_MAX_FILES, sizeof(*names));
    while (names && (e = readdir(d)) != NULL && count < MIGRATE_MAX_FILES) {
        if (is_migration(e->d_name)) {
            names[count++] = rb_strdup(e->d_name);
        }
    }
    closedir(d);
    if (!names) {
        return RB_ENOMEM;
    }
    qsort(names, count, sizeof(*names), cmp_names);
    *out = names;
    *n = count;
    return RB_OK;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[8192];
    size_t k;

    if (!f) {
        return NULL;
    }
    buf_init(&b, 16u << 20);
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_add(&b, chunk, k)) {
            break;
        }
    }
    fclose(f);
    if (buf_err(&b)) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* One file in one transaction; plain PQexec because a file has many statements. */
static int apply_one(struct dbconn *c, const char *dir, const char *name, struct buf *err)
{
    char path[1024];
    const char *params[1] = {name};
    char *sql = NULL;
    PGresult *r = NULL;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    sql = read_file(path);
    if (!sql) {
        buf_say(err, "%s: cannot read", path);
        return RB_ENOTFOUND;
    }
    rc = db_begin(c);
    if (rc) {
        goto out;
    }
    r = PQexec(db_pg(c), sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *m = PQresultErrorMessage(r);
        buf_say(err, "%s: %.*s", path, (int)strcspn(m, "\n"), m);
        rc = RB_ESTORE;
        goto out;
    }
    rc = db_exec(c, sql_record, 1, params, NULL);
    if (!rc) {
        rc = db_commit(c);
    }
    if (!rc) {
        log_event(LOG_INFO, "migrate.applied", "file=%s", name);
    }
out:
    PQclear(r);
    db_rollback(c);
    free(sql);
    return rc;
}

int migrate_run(struct dbconn *c, const char *dir, int *applied, struct buf *err)
{
    char **names = NULL;
    size_t n = 0, i;
    int count = 0;
    int rc;

    rc = list_files(dir, &names, &n, err);
    if (rc) {
        return rc;
    }
    rc = db_exec(c, sql_lock, 0, NULL, NULL);
    if (rc) {
        buf_say(err, "cannot take the migration lock: %s", rb_strerror(rc));
        goto out;
    }
    rc = db_exec(c, sql_table, 0, NULL, NULL);
    for (i = 0; i < n && !rc; i++) {
        const char *params[1] = {names[i]};
        PGresult *r = NULL;
        rc = db_exec(c, sql_applied, 1, params, &r);
        if (!rc && PQntuples(r) == 0) {
            rc = apply_one(c, dir, names[i], err);
            count += rc == RB_OK;
        }
        PQclear(r);
    }
    if (db_exec(c, sql_unlock, 0, NULL, NULL)) {
        /* the lock goes with the session anyway */
    }
    if (!rc) {
        *applied = count;
    }
out:
    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return rc;
}
