/*
 * migrate.h - applies sql/NNN_name.sql in order: a schema_migrations table,
 * one transaction per file, under an advisory lock so two instances never
 * migrate at once. Already-applied files are skipped.
 */
#ifndef RB_STORE_MIGRATE_H
#define RB_STORE_MIGRATE_H

#include "core/buf.h"
#include "store/db.h"

/* Applies what is missing from dir; *applied counts the files run now.
 * On failure err names the file and PostgreSQL's message. */
RB_MUST_CHECK int migrate_run(struct dbconn *c, const char *dir, int *applied, struct buf *err);

#endif
