/*
 * app.h - the one application context, built in main and passed explicitly
 * (the closure of every HTTP handler, inside every worker).
 *
 * Reloadable parts (config, intents, prompts, and Gemini's prompt and
 * catalog) live in a reference-counted snapshot: SIGHUP builds a whole new
 * one, validates it and swaps one pointer; work in flight keeps the
 * snapshot it started with.
 * Secrets come from the environment once (struct app_env) and are never
 * logged.
 */
#ifndef RB_CONTEXT_APP_H
#define RB_CONTEXT_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/config.h"
#include "app/prompts.h"
#include "core/buf.h"

struct intents;
struct db;
struct parser_gemini;

struct app_env {
    char *database_url;  /* NULL: the embedded cluster under var/pg */
    char *wa_token;      /* NULL: sandbox mode */
    char *wa_app_secret; /* signature key; sandbox: generated, in var/sandbox.secret */
    char *wa_verify_token;
    char *phone_number_id; /* overrides config */
    char *graph_base;      /* default https://graph.facebook.com, sandbox: our /sandbox/graph */
    char *graph_version;   /* default v26.0 */
    char *meta_page_token;
    char *meta_app_secret; /* Lead Ads signature key when its app differs */
    char *gemini_key;
    char *gemini_base;
    char *gemini_model;
    char *invoicing_base;
    char *invoicing_key;
    char *invoicing_secret; /* HMAC key of POST /webhook/invoicing; unset: all refused */
    char *report_token;     /* the report page's key; sandbox: generated, in var/report.secret */
    char *trusted_proxies;  /* RABTA_TRUSTED_PROXY: peers whose X-Forwarded-Proto counts */
    char *listen;           /* host:port, default 127.0.0.1:8080 */
    bool sandbox;
};

struct snapshot {
    int refs; /* guarded by app->snap_mu */
    struct config *config;
    struct prompts *prompts;
    struct intents *intents;
    /* prompts/gemini and the Gemini catalog built from it and intents. app/
     * sits below egress/, so domain/parser.c (parser_snapshot_load) builds
     * them and sets gemini_free, which snapshot_free calls; both NULL in a
     * snapshot from app_snapshot_load alone. */
    struct parser_gemini *gemini;
    void (*gemini_free)(struct parser_gemini *g);
};

struct app_counters {
    uint64_t webhooks_ok, webhooks_dup_only, webhooks_rejected_sig, webhooks_bad_json,
        webhooks_too_big, webhooks_store_down;
    uint64_t events_stored, events_duplicate, events_processed, events_failed;
    uint64_t outbox_sent, outbox_retried, outbox_failed, outbox_fallbacks;
    uint64_t parses_rules, parses_gemini, gemini_fallbacks;
    uint64_t ingest_batches, ingest_batched_requests;
    uint64_t outbox_pair_limited; /* 131056 answers */
};

struct app {
    char *home; /* directory with config/, intents/, prompts/, sql/ */
    struct app_env env;
    struct db *db;
    char *conninfo;
    int64_t venue_id;
    pthread_mutex_t snap_mu;
    struct snapshot *snap;
    struct app_counters counters;
    int gemini_waiting;  /* workers waiting on Gemini now (atomic) */
    atomic_int stopping; /* set once by serve's main thread, read by every thread */
    int64_t started_ms;
};

#define APP_COUNT(app, field) __atomic_add_fetch(&(app)->counters.field, 1, __ATOMIC_RELAXED)
#define APP_COUNT_N(app, field, n) __atomic_add_fetch(&(app)->counters.field, (n), __ATOMIC_RELAXED)

/* Reads the environment into env (new strings). */
RB_MUST_CHECK int app_env_load(struct app_env *env);
void app_env_release(struct app_env *env);

/* Loads config, prompts and intents under home into a new snapshot (refs 1).
 * Every problem goes to err as file:line: message. */
RB_MUST_CHECK int app_snapshot_load(const char *home, struct snapshot **out, struct buf *err);
/* The same without intents/ (s->intents NULL): for the subcommands that never
 * parse a message (report, staff, migrate), which then skip compiling the
 * patterns and training the classifier. */
RB_MUST_CHECK int app_snapshot_load_base(const char *home, struct snapshot **out, struct buf *err);

/* The current snapshot, with a reference the caller must put back. */
struct snapshot *app_snapshot_get(struct app *app);
void app_snapshot_put(struct app *app, struct snapshot *s);
/* Swaps in s (takes it); the old one is freed when its last user puts it. */
void app_snapshot_swap(struct app *app, struct snapshot *s);
void snapshot_free(struct snapshot *s);

#endif
