#include "cmd/setup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/parser.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/staff.h"
#include "store/venue.h"

const char *cmd_home(void)
{
    const char *h = getenv("RABTA_HOME");

    return (h && h[0]) ? h : ".";
}

static char *abs_home(const char *home)
{
    char *r = realpath(home, NULL);

    return r ? r : rb_strdup(home);
}

/* The embedded cluster has no "rabta" database until the first start. */
static int ensure_database(const char *conninfo)
{
    char admin[1300];
    struct dbconn *c = NULL;
    int rc;

    const char *db = strstr(conninfo, "dbname=rabta");
    if (!db) {
        return RB_OK;
    }
    snprintf(admin, sizeof(admin), "%.*sdbname=postgres%s", (int)(db - conninfo), conninfo,
             db + strlen("dbname=rabta"));
    rc = db_connect(admin, &c, NULL);
    if (!rc) {
        rc = store_database_ensure(c);
    }
    db_disconnect(c);
    return rc;
}

char *sandbox_secret(const char *home)
{
    return var_secret(home, "sandbox.secret");
}

char *var_secret(const char *home, const char *name)
{
    char path[1100], hex[65];
    unsigned char raw[32];
    FILE *f;
    int fd;

    snprintf(path, sizeof(path), "%s/var/%s", home, name);
    f = fopen(path, "r");
    if (f) {
        char *ok = fgets(hex, sizeof(hex), f);
        fclose(f);
        if (ok && strlen(hex) == 64) {
            return rb_strdup(hex);
        }
    }
    fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0 || read(fd, raw, sizeof(raw)) != (ssize_t)sizeof(raw)) {
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    close(fd);
    for (int i = 0; i < 32; i++) {
        snprintf(hex + i * 2, 3, "%02x", raw[i]);
    }
    snprintf(path, sizeof(path), "%s/var", home);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/var/%s", home, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        if (write(fd, hex, 64) != 64) {
            /* the secret still works for this process */
        }
        close(fd);
    }
    return rb_strdup(hex);
}

int setup_seed(struct app *app)
{
    const struct config *c = app->snap->config;
    const char *pnid = app->env.phone_number_id ? app->env.phone_number_id : c->phone_number_id;
    struct dbconn *conn = NULL;
    int rc = db_acquire(app->db, 5000, &conn);

    if (!rc) {
        rc = store_venue_upsert(conn, c->venue_name, pnid, c->time_zone, &app->venue_id);
    }
    for (size_t i = 0; !rc && i < c->nstaff; i++) {
        const struct staff_conf *s = &c->staff[i];
        rc = store_staff_seed(conn, app->venue_id, s->name, s->phone, s->role, s->lang);
    }
    db_release(app->db, conn);
    return rc;
}

static int open_store(struct app *app, unsigned flags)
{
    struct buf err;
    struct dbconn *c = NULL;
    int applied = 0, rc;
    char sql[1100];

    buf_init(&err, 4096);
    if (app->env.database_url) {
        app->conninfo = rb_strdup(app->env.database_url);
        rc = app->conninfo ? RB_OK : RB_ENOMEM;
    } else {
        rc = embedded_pg_start(app->home, &app->conninfo);
        rc = rc ? rc : ensure_database(app->conninfo);
    }
    if (!rc) {
        struct snapshot *s = app->snap;
        rc = db_open(app->conninfo, s->config->workers + 8, &app->db, &err);
    }
    if (!rc && (flags & SETUP_MIGRATE)) {
        snprintf(sql, sizeof(sql), "%s/sql", app->home);
        rc = db_acquire(app->db, 5000, &c);
        rc = rc ? rc : migrate_run(c, sql, &applied, &err);
        db_release(app->db, c);
        if (!rc && applied) {
            fprintf(stderr, "rabta: applied %d migration(s)\n", applied);
        }
    }
    if (!rc && (flags & SETUP_SEED)) {
        rc = setup_seed(app);
    }
    if (rc) {
        fprintf(stderr, "rabta: store: %s%s%s\n", rb_strerror(rc), err.len ? ": " : "", err.p);
    }
    buf_release(&err);
    return rc;
}

int setup_app(struct app *app, unsigned flags)
{
    struct buf err;
    int rc;

    memset(app, 0, sizeof(*app));
    pthread_mutex_init(&app->snap_mu, NULL);
    app->started_ms = clock_mono_ms();
    app->home = abs_home(cmd_home());
    buf_init(&err, 64 * 1024);
    rc = app_env_load(&app->env);
    if (!rc && !app->env.wa_app_secret && app->env.sandbox) {
        app->env.wa_app_secret = sandbox_secret(app->home);
    }
    /* The sandbox's report page works without set-up: its key is made once. */
    if (!rc && !app->env.report_token && app->env.sandbox) {
        app->env.report_token = var_secret(app->home, "report.secret");
    }
    if (!rc) {
        rc = (flags & SETUP_PARSER) ? parser_snapshot_load(app->home, &app->snap, &err)
                                    : app_snapshot_load_base(app->home, &app->snap, &err);
        if (rc) {
            fprintf(stderr, "%s", err.p);
        }
    }
    buf_release(&err);
    if (!rc) {
        clock_set_zone(app->snap->config->time_zone);
    }
    if (!rc && (flags & SETUP_STORE)) {
        rc = open_store(app, flags);
    }
    return rc;
}

void setup_release(struct app *app)
{
    db_close(app->db);
    snapshot_free(app->snap);
    app_env_release(&app->env);
    pthread_mutex_destroy(&app->snap_mu);
    free(app->conninfo);
    free(app->home);
}
