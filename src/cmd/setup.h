/*
 * setup.h - what several subcommands share: the home directory, the
 * embedded PostgreSQL, opening the app (env, snapshot, store, migrations,
 * venue and staff seed), and the sandbox signing secret.
 */
#ifndef RB_CMD_SETUP_H
#define RB_CMD_SETUP_H

#include "context/app.h"

/* SETUP_PARSER: the snapshot has the parser (intents/ and prompts/gemini);
 * without it only config/ and prompts/ are loaded (app_snapshot_load_base). */
enum setup_flags { SETUP_STORE = 1, SETUP_MIGRATE = 2, SETUP_SEED = 4, SETUP_PARSER = 8 };

/* Fills app; prints what went wrong to stderr. Returns an rb_err. */
int setup_app(struct app *app, unsigned flags);
void setup_release(struct app *app);
/* Writes the venue (name, time zone) and the config's staff that are new to
 * the store, from app's snapshot: at start, and again on a reload. */
int setup_seed(struct app *app);

/* The embedded cluster under <home>/var: start (initdb on first use) and
 * fill conninfo (new string), or stop it. */
int embedded_pg_start(const char *home, char **conninfo);
int embedded_pg_stop(const char *home);

/* The sandbox secret in <home>/var/sandbox.secret, made on first use (new string). */
char *sandbox_secret(const char *home);
/* A random secret kept in <home>/var/<name> (64 hex digits, mode 0600), made
 * on first use (new string; NULL if /dev/urandom cannot be read). */
char *var_secret(const char *home, const char *name);

#endif
