#include "store/db.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"

/*
 * Prepared statements, per connection. Every parameterized statement is
 * prepared on its first use and executed by name afterwards, so PostgreSQL
 * parses and plans it once per connection instead of once per call (about
 * half its CPU under webhook load went to parsing and planning). Statements
 * are nearly always static strings, so the key is the text's address; the
 * text is compared too, so a statement built at run time in a reused buffer
 * can never run as another. A full table falls back to unnamed statements.
 */
#define STMT_SLOTS 512 /* open addressing, at most STMT_MAX used */
#define STMT_MAX 384

/*
 * A prepared statement keeps the generic plan PostgreSQL settled on after
 * its first executions, until an ANALYZE of one of its tables invalidates
 * it. On a new install, or in the first seconds of a flood, that plan was
 * made when the tables were nearly empty, and autovacuum's first ANALYZE can
 * be a minute away: with a few rows every index looks alike and a scan of
 * the whole table looks as cheap as a lookup (seen: the release of held
 * rows reading every held row of the venue for each inbound message, the
 * batch's done update scanning the event table). So a connection forgets
 * its statements when it is idle and REPLAN_FIRST_MS have passed since it
 * prepared them, then twice as long, and so on up to REPLAN_MAX_MS:
 * PostgreSQL plans them again for the tables as they are now.
 */
#define REPLAN_FIRST_MS 2000
#define REPLAN_MAX_MS 600000

struct stmt {
    const char *key; /* the caller's pointer; NULL: free slot */
    char *sql;       /* our copy of the text */
    char name[16];
};

struct dbconn {
    PGconn *pg;
    char *conninfo; /* owned by dedicated connections only */
    struct db *pool;
    bool in_use;
    bool broken;
    struct stmt *stmts; /* STMT_SLOTS, allocated on first use */
    int nstmts;
    int64_t replan_at_ms; /* monotonic; 0: nothing prepared */
    int64_t replan_every_ms;
};

/* Forgets every prepared statement (the server's went with its session). */
static void stmts_clear(struct dbconn *c)
{
    if (c->stmts) {
        for (int i = 0; i < STMT_SLOTS; i++) {
            free(c->stmts[i].sql);
        }
        free(c->stmts);
    }
    c->stmts = NULL;
    c->nstmts = 0;
}

/* The name of sql prepared on c (preparing it now if new), or NULL to run it unnamed. */
static const char *stmt_name(struct dbconn *c, const char *sql, int nparams)
{
    uintptr_t h = (uintptr_t)sql;
    size_t i;
    PGresult *r;

    if (!c->stmts) {
        c->stmts = calloc(STMT_SLOTS, sizeof(*c->stmts));
        if (!c->stmts) {
            return NULL;
        }
        if (!c->replan_every_ms) {
            c->replan_every_ms = REPLAN_FIRST_MS;
        }
        c->replan_at_ms = clock_mono_ms() + c->replan_every_ms;
    }
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ULL & UINTPTR_MAX;
    for (i = (size_t)(h >> 7) % STMT_SLOTS;; i = (i + 1) % STMT_SLOTS) {
        struct stmt *st = &c->stmts[i];
        if (st->key == sql && strcmp(st->sql, sql) == 0) {
            return st->name;
        }
        if (!st->key) {
            break;
        }
    }
    if (c->nstmts >= STMT_MAX) {
        return NULL;
    }
    struct stmt *st = &c->stmts[i];
    snprintf(st->name, sizeof(st->name), "rb%d", c->nstmts);
    r = PQprepare(c->pg, st->name, sql, nparams, NULL);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r); /* e.g. inside a failed transaction: the unnamed path reports it */
        return NULL;
    }
    PQclear(r);
    st->sql = strdup(sql);
    if (!st->sql) {
        return NULL; /* prepared but not remembered: harmless */
    }
    st->key = sql;
    c->nstmts++;
    return st->name;
}

struct db {
    char *conninfo;
    int size;
    struct dbconn *conns;
    pthread_mutex_t mu;
    pthread_cond_t freed;
    struct db_stats stats;
};

/* Server notices ("relation already exists, skipping") are not the user's
 * business: they go to the debug log, not to stderr. */
static void notice_to_log(void *arg, const char *message)
{
    (void)arg;
    log_event(LOG_DEBUG, "db.notice", "text=%s", log_q(message, strcspn(message, "\n")));
}

static int conn_establish(struct dbconn *c, const char *conninfo, struct buf *err)
{
    if (c->pg) {
        PQfinish(c->pg);
    }
    stmts_clear(c);
    c->pg = PQconnectdb(conninfo);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        if (err) {
            const char *m = c->pg ? PQerrorMessage(c->pg) : "out of memory";
            buf_say(err, "cannot connect to PostgreSQL: %.*s", (int)strcspn(m, "\n"), m);
        }
        if (c->pg) {
            PQfinish(c->pg);
            c->pg = NULL;
        }
        return RB_ESTORE;
    }
    PQsetNoticeProcessor(c->pg, notice_to_log, NULL);
    c->broken = false;
    return RB_OK;
}

int db_open(const char *conninfo, int size, struct db **out, struct buf *err)
{
    struct db *db = calloc(1, sizeof(*db));
    int rc;

    if (!db) {
        return RB_ENOMEM;
    }
    db->size = size > 0 ? size : 4;
    db->conninfo = rb_strdup(conninfo ? conninfo : "");
    db->conns = calloc((size_t)db->size, sizeof(*db->conns));
    if (!db->conninfo || !db->conns) {
        db_close(db);
        return RB_ENOMEM;
    }
    pthread_mutex_init(&db->mu, NULL);
    pthread_cond_init(&db->freed, NULL);
    for (int i = 0; i < db->size; i++) {
        db->conns[i].pool = db;
        db->conns[i].broken = true;
    }
    rc = conn_establish(&db->conns[0], db->conninfo, err);
    if (rc) {
        db_close(db);
        return rc;
    }
    *out = db;
    return RB_OK;
}

void db_close(struct db *db)
{
    if (!db) {
        return;
    }
    if (db->conns) {
        for (int i = 0; i < db->size; i++) {
            if (db->conns[i].pg) {
                PQfinish(db->conns[i].pg);
            }
            stmts_clear(&db->conns[i]);
        }
        pthread_mutex_destroy(&db->mu);
        pthread_cond_destroy(&db->freed);
    }
    free(db->conns);
    free(db->conninfo);
    free(db);
}

static struct dbconn *pool_take(struct db *db, int wait_ms)
{
    struct timespec deadline;
    struct dbconn *c = NULL;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += wait_ms / 1000;
    deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&db->mu);
    for (;;) {
        /* Prefer a connected one, then any free slot. */
        for (int i = 0; i < db->size && !c; i++) {
            if (!db->conns[i].in_use && db->conns[i].pg && !db->conns[i].broken) {
                c = &db->conns[i];
            }
        }
        for (int i = 0; i < db->size && !c; i++) {
            if (!db->conns[i].in_use) {
                c = &db->conns[i];
            }
        }
        if (c) {
            c->in_use = true;
            break;
        }
        if (pthread_cond_timedwait(&db->freed, &db->mu, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    pthread_mutex_unlock(&db->mu);
    return c;
}

int db_acquire(struct db *db, int wait_ms, struct dbconn **out)
{
    struct dbconn *c = pool_take(db, wait_ms);

    if (!c) {
        return RB_ETIMEOUT;
    }
    if (c->pg && !c->broken && PQstatus(c->pg) == CONNECTION_OK) {
        *out = c;
        return RB_OK;
    }
    if (conn_establish(c, db->conninfo, NULL)) {
        db_release(db, c);
        return RB_ESTORE;
    }
    __atomic_add_fetch(&db->stats.reconnects, 1, __ATOMIC_RELAXED);
    log_event(LOG_INFO, "store.connected", "pool=%d", (int)(c - db->conns));
    *out = c;
    return RB_OK;
}

void db_release(struct db *db, struct dbconn *c)
{
    if (!c) {
        return;
    }
    if (c->pg && !c->broken && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        db_rollback(c);
    }
    pthread_mutex_lock(&db->mu);
    c->in_use = false;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->mu);
}

int db_connect(const char *conninfo, struct dbconn **out, struct buf *err)
{
    struct dbconn *c = calloc(1, sizeof(*c));
    int rc;

    if (!c) {
        return RB_ENOMEM;
    }
    c->conninfo = rb_strdup(conninfo ? conninfo : "");
    rc = c->conninfo ? conn_establish(c, c->conninfo, err) : RB_ENOMEM;
    if (rc) {
        db_disconnect(c);
        return rc;
    }
    *out = c;
    return RB_OK;
}

void db_disconnect(struct dbconn *c)
{
    if (!c) {
        return;
    }
    if (c->pg) {
        PQfinish(c->pg);
    }
    stmts_clear(c);
    free(c->conninfo);
    free(c);
}

PGconn *db_pg(struct dbconn *c)
{
    return c->pg;
}

bool db_ok(struct dbconn *c)
{
    return c && c->pg && !c->broken && PQstatus(c->pg) == CONNECTION_OK;
}

int db_reconnect(struct dbconn *c)
{
    const char *ci = c->conninfo ? c->conninfo : (c->pool ? c->pool->conninfo : "");

    return conn_establish(c, ci, NULL);
}

static int classify(struct dbconn *c, PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg;

    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK || !state) {
        c->broken = true;
        log_event(LOG_WARN, "store.disconnected", "error=%s",
                  log_q(c->pg ? PQerrorMessage(c->pg) : "no connection", (size_t)-1));
        return RB_ESTORE;
    }
    if (strcmp(state, "23505") == 0) {
        return RB_ECONFLICT;
    }
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0) {
        return RB_EINVAL;
    }
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0) {
        c->broken = true; /* connection exception, admin shutdown */
    }
    msg = PQresultErrorMessage(r);
    log_event(LOG_ERROR, "store.failed", "sqlstate=%s error=%s", state,
              log_q(msg, strcspn(msg, "\n")));
    return RB_ESTORE;
}

/* Forgets the prepared statements when they are due to be planned again
 * and no transaction is open (see REPLAN_FIRST_MS). */
static void replan_if_due(struct dbconn *c)
{
    PGresult *r;

    if (!c->stmts || clock_mono_ms() < c->replan_at_ms ||
        PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        return;
    }
    r = PQexec(c->pg, "DEALLOCATE ALL");
    if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
        log_event(LOG_DEBUG, "db.replan", "statements=%d after_ms=%lld", c->nstmts,
                  (long long)c->replan_every_ms);
        stmts_clear(c);
        c->replan_every_ms =
            c->replan_every_ms * 2 < REPLAN_MAX_MS ? c->replan_every_ms * 2 : REPLAN_MAX_MS;
    } else {
        c->replan_at_ms = clock_mono_ms() + c->replan_every_ms; /* the next call finds out */
    }
    PQclear(r);
}

int db_exec(struct dbconn *c, const char *sql, int nparams, const char *const *params,
            PGresult **res)
{
    PGresult *r;
    ExecStatusType st;
    int rc;

    if (!c->pg || c->broken) {
        return RB_ESTORE;
    }
    replan_if_due(c);
    if (c->pool) {
        __atomic_add_fetch(&c->pool->stats.queries, 1, __ATOMIC_RELAXED);
    }
    const char *name = nparams > 0 ? stmt_name(c, sql, nparams) : NULL;
    r = name ? PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0)
             : PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (res) {
            *res = r;
        } else {
            PQclear(r);
        }
        return RB_OK;
    }
    rc = classify(c, r);
    if (c->pool) {
        __atomic_add_fetch(&c->pool->stats.errors, 1, __ATOMIC_RELAXED);
    }
    PQclear(r);
    return rc;
}

int db_begin(struct dbconn *c)
{
    return db_exec(c, "BEGIN", 0, NULL, NULL);
}

int db_commit(struct dbconn *c)
{
    return db_exec(c, "COMMIT", 0, NULL, NULL);
}

void db_rollback(struct dbconn *c)
{
    PGresult *r;

    if (!c || !c->pg || c->broken || PQtransactionStatus(c->pg) == PQTRANS_IDLE) {
        return;
    }
    r = PQexec(c->pg, "ROLLBACK");
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        c->broken = true;
    }
    PQclear(r);
}

static bool savepoint_name_ok(const char *name)
{
    size_t n = 0;

    for (; name && name[n]; n++) {
        if ((name[n] < 'a' || name[n] > 'z') && name[n] != '_') {
            return false;
        }
    }
    return n > 0 && n < 64;
}

int db_savepoint(struct dbconn *c, const char *name)
{
    char sql[96];

    if (!savepoint_name_ok(name)) {
        return RB_EINVAL;
    }
    snprintf(sql, sizeof(sql), "SAVEPOINT %s", name);
    return db_exec(c, sql, 0, NULL, NULL);
}

int db_rollback_to(struct dbconn *c, const char *name)
{
    char sql[96];

    if (!savepoint_name_ok(name)) {
        return RB_EINVAL;
    }
    snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT %s", name);
    return db_exec(c, sql, 0, NULL, NULL);
}

int db_query_id(struct dbconn *c, const char *sql, int nparams, const char *const *params,
                int64_t *id)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql, nparams, params, &r);

    if (!rc) {
        *id = PQntuples(r) ? db_i64(r, 0, 0) : 0;
    }
    PQclear(r);
    return rc;
}

int db_query_ids(struct dbconn *c, const char *sql, int nparams, const char *const *params,
                 int64_t **ids, size_t *n)
{
    PGresult *r = NULL;
    int64_t *a;
    int rc = db_exec(c, sql, nparams, params, &r);

    if (rc) {
        return rc;
    }
    a = calloc((size_t)PQntuples(r) + 1, sizeof(*a));
    if (!a) {
        PQclear(r);
        return RB_ENOMEM;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        a[i] = db_i64(r, i, 0);
    }
    *n = (size_t)PQntuples(r);
    *ids = a;
    PQclear(r);
    return RB_OK;
}

int db_query_rows(struct dbconn *c, const char *sql, int nparams, const char *const *params,
                  size_t elem_size, int (*fill)(const PGresult *res, int row, void *elem),
                  void (*drop)(void *elem), void **rows, size_t *n)
{
    PGresult *r = NULL;
    char *a = NULL;
    size_t k = 0;
    int rc = db_exec(c, sql, nparams, params, &r);

    if (!rc) {
        a = calloc((size_t)PQntuples(r) + 1, elem_size);
        rc = a ? RB_OK : RB_ENOMEM;
    }
    for (; !rc && k < (size_t)PQntuples(r); k++) {
        rc = fill(r, (int)k, a + k * elem_size);
    }
    PQclear(r);
    if (rc) {
        /* the element that failed holds what it copied before failing */
        for (size_t i = 0; drop && a && i < k; i++) {
            drop(a + i * elem_size);
        }
        free(a);
        return rc;
    }
    *rows = a;
    *n = k;
    return RB_OK;
}

const char *db_str(const PGresult *res, int row, int col)
{
    if (row >= PQntuples(res) || col >= PQnfields(res) || PQgetisnull(res, row, col)) {
        return NULL;
    }
    return PQgetvalue(res, row, col);
}

int64_t db_i64(const PGresult *res, int row, int col)
{
    const char *s = db_str(res, row, col);

    return s ? strtoll(s, NULL, 10) : 0;
}

bool db_bool(const PGresult *res, int row, int col)
{
    const char *s = db_str(res, row, col);

    return s && s[0] == 't';
}

const char *db_i64s(int64_t v, char out[24])
{
    snprintf(out, 24, "%" PRId64, v);
    return out;
}

void db_stats(struct db *db, struct db_stats *out)
{
    out->queries = __atomic_load_n(&db->stats.queries, __ATOMIC_RELAXED);
    out->errors = __atomic_load_n(&db->stats.errors, __ATOMIC_RELAXED);
    out->reconnects = __atomic_load_n(&db->stats.reconnects, __ATOMIC_RELAXED);
}
