/*
 * db.h - PostgreSQL connections: a small pool, parameterized execution,
 * transactions, and reconnection after the server restarts.
 *
 * Every statement goes through db_exec/db_execv with its values as
 * parameters; SQL text is a constant in the calling store module. A lost
 * connection is RB_ESTORE: the connection is marked broken and the next
 * db_acquire re-establishes it, so callers answer 503 or schedule a retry.
 *
 * Ownership: a struct dbconn is borrowed from the pool by db_acquire and
 * must go back with db_release in the same function. A PGresult returned
 * through *res is new: PQclear it in the same function.
 */
#ifndef RB_STORE_DB_H
#define RB_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "core/buf.h"

struct db;
struct dbconn;

/* Opens a pool of up to size connections (made lazily, the first one now to
 * check the settings). err gets a message on failure. */
RB_MUST_CHECK int db_open(const char *conninfo, int size, struct db **out, struct buf *err);
void db_close(struct db *db);

/* Borrows a healthy connection, waiting up to wait_ms for a free one.
 * RB_ESTORE when the server cannot be reached, RB_ETIMEOUT when all busy. */
RB_MUST_CHECK int db_acquire(struct db *db, int wait_ms, struct dbconn **out);
/* Returns a connection; one left inside a transaction is rolled back first. */
void db_release(struct db *db, struct dbconn *c);

/* Opens one dedicated connection outside the pool (LISTEN, migrations). */
RB_MUST_CHECK int db_connect(const char *conninfo, struct dbconn **out, struct buf *err);
void db_disconnect(struct dbconn *c);
PGconn *db_pg(struct dbconn *c);
/* True when c is connected and no failure has marked it broken. */
bool db_ok(struct dbconn *c);
/* Re-establishes a broken dedicated connection; RB_ESTORE if still down. */
RB_MUST_CHECK int db_reconnect(struct dbconn *c);

/*
 * Runs sql with nparams text parameters (NULL entries are SQL NULL).
 * On success *res (if res is non-NULL) is a new PGresult. Errors:
 * RB_ECONFLICT unique violation, RB_EINVAL check/foreign-key/invalid input,
 * RB_ESTORE connection lost or anything else (logged once here).
 */
RB_MUST_CHECK int db_exec(struct dbconn *c, const char *sql, int nparams, const char *const *params,
                          PGresult **res);

RB_MUST_CHECK int db_begin(struct dbconn *c);
RB_MUST_CHECK int db_commit(struct dbconn *c);
/* Rolls back if a transaction is open; safe to call in any state. */
void db_rollback(struct dbconn *c);

/* A savepoint inside the open transaction, and going back to it: name is a
 * constant identifier of the caller ([a-z_]+; RB_EINVAL otherwise). */
RB_MUST_CHECK int db_savepoint(struct dbconn *c, const char *name);
RB_MUST_CHECK int db_rollback_to(struct dbconn *c, const char *name);

/* Runs sql and reads the first column of its first row as an id into *id,
 * 0 when there is no row. */
RB_MUST_CHECK int db_query_id(struct dbconn *c, const char *sql, int nparams,
                              const char *const *params, int64_t *id);
/* Runs sql and reads the first column of every row as an id: *ids is new
 * (free(); never NULL on success), *n its count. */
RB_MUST_CHECK int db_query_ids(struct dbconn *c, const char *sql, int nparams,
                               const char *const *params, int64_t **ids, size_t *n);

/*
 * Runs sql and copies its rows into a new array of elem_size elements:
 * fill copies row of res into elem (zeroed) and returns RB_OK or RB_ENOMEM.
 * On any failure drop (may be NULL) releases each element filled so far,
 * the array is freed and *rows, *n are untouched. On success *rows is new
 * (never NULL: release each element, then free() it), *n its count.
 */
RB_MUST_CHECK int db_query_rows(struct dbconn *c, const char *sql, int nparams,
                                const char *const *params, size_t elem_size,
                                int (*fill)(const PGresult *res, int row, void *elem),
                                void (*drop)(void *elem), void **rows, size_t *n);

/* Helpers over a PGresult row: NULL for SQL NULL (borrowed from res). */
const char *db_str(const PGresult *res, int row, int col);
int64_t db_i64(const PGresult *res, int row, int col);
bool db_bool(const PGresult *res, int row, int col);

/* Formats an int64 parameter into a caller's 24-byte buffer; returns it. */
const char *db_i64s(int64_t v, char out[24]);

/* Counters for /metrics. */
struct db_stats {
    uint64_t queries, errors, reconnects;
};
void db_stats(struct db *db, struct db_stats *out);

#endif
