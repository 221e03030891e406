/*
 * serve.c - `rabta serve`: HTTP server, group commit, workers; SIGHUP
 * reloads config, intents and prompts, Gemini's included (a set that fails validation is
 * refused and the running one stays); SIGTERM/SIGINT stop cleanly.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "cmd/cmd.h"
#include "cmd/setup.h"
#include "core/clock.h"
#include "core/grant.h"
#include "core/log.h"
#include "domain/parser.h"
#include "domain/worker.h"
#include "http/ingest.h"
#include "http/server.h"

/* Loads the set again; refuses it when it does not validate or changes a key
 * only a restart applies (naming the keys). Otherwise every key applies: the
 * snapshot is swapped in (what workers read), the time zone set, and the
 * venue and new staff written to the store. */
static void reload(struct app *app)
{
    struct snapshot *s = NULL, *cur;
    struct buf err, keys;
    int nkeys;

    buf_init(&err, 64 * 1024);
    buf_init(&keys, 1024);
    if (parser_snapshot_load(app->home, &s, &err)) {
        log_event(LOG_ERROR, "config.reload_refused", "errors=%s", log_q(err.p, err.len));
        goto out;
    }
    cur = app_snapshot_get(app);
    nkeys = config_restart_keys(cur->config, s->config, &keys);
    app_snapshot_put(app, cur);
    if (nkeys) {
        log_event(LOG_ERROR, "config.reload_refused", "reason=restart_needed keys=%s hint=%s",
                  log_q(keys.p, keys.len),
                  log_q("restart rabta serve to change these; nothing of the new set applied",
                        (size_t)-1));
        snapshot_free(s);
        goto out;
    }
    app_snapshot_swap(app, s);
    clock_set_zone(s->config->time_zone);
    if (setup_seed(app)) {
        log_event(LOG_WARN, "config.reload_seed_failed", "%s", "");
    }
    log_event(LOG_INFO, "config.reloaded", "prompts=%s gemini_prompt=%s time_zone=%s rate=%d",
              prompts_version(s->prompts), parser_gemini_version(s->gemini), s->config->time_zone,
              s->config->rate_per_second);
out:
    buf_release(&keys);
    buf_release(&err);
}

/* The report page: off without REPORT_TOKEN (and why); in the sandbox, a
 * link that opens it for 24 hours. */
static void report_startup(const struct app *app)
{
    struct buf link;

    if (!app->env.report_token) {
        log_event(LOG_WARN, "report.off", "reason=%s",
                  log_q("REPORT_TOKEN is not set: /report answers 503", (size_t)-1));
        return;
    }
    if (!app->env.sandbox) {
        return;
    }
    buf_init(&link, 1024);
    buf_say(&link, "http://%s/report?grant=", app->env.listen);
    if (grant_make(app->env.report_token, "owner", time(NULL) + 24 * 3600, &link) == RB_OK) {
        fprintf(stderr, "rabta: the owner's report page (24 h): %s\n", link.p);
    }
    buf_release(&link);
}

/* SIGTERM, SIGINT and SIGHUP are blocked in every thread (the mask is set
 * before any thread starts and inherited) and taken only by main's
 * sigwait: no handler, no flag checked before pause(), so a SIGHUP that
 * arrives while a reload runs is waited for next rather than lost. */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int cmd_serve(int argc, char **argv)
{
    struct app app;
    struct ingest *ingest = NULL;
    struct workers *workers = NULL;
    struct http_server *http = NULL;
    struct http_ctx ctx;
    struct buf err;
    sigset_t sigs;
    int rc, sig = 0, level = log_level_parse(getenv("RABTA_LOG"));

    (void)argc;
    (void)argv;
    if (level >= 0) {
        log_set_level((enum log_level)level);
    }
    block_signals(&sigs);
    buf_init(&err, 4096);
    rc = setup_app(&app, SETUP_STORE | SETUP_MIGRATE | SETUP_SEED | SETUP_PARSER);
    if (!rc) {
        rc = ingest_start(&app, &ingest);
    }
    if (!rc) {
        rc = workers_start(&app, app.snap->config->workers, &workers);
    }
    ctx.app = &app;
    ctx.ingest = ingest;
    if (!rc) {
        rc = http_start(&ctx, app.env.listen, &http, &err);
        if (rc) {
            fprintf(stderr, "rabta: %s\n", err.p);
        }
    }
    if (!rc) {
        log_event(LOG_INFO, "serve.started", "listen=%s venue=%lld workers=%d mode=%s",
                  app.env.listen, (long long)app.venue_id, app.snap->config->workers,
                  app.env.sandbox ? "sandbox" : "live");
        if (app.env.sandbox) {
            fprintf(stderr, "rabta: sandbox mode (no WHATSAPP_TOKEN): try `bin/rabta chat --from "
                            "923001234567` in another terminal\n");
        }
        report_startup(&app);
        while (sigwait(&sigs, &sig) == 0 && sig == SIGHUP) {
            reload(&app);
        }
        log_event(LOG_INFO, "serve.stopping", "signal=%d", sig);
    }
    http_stop(http);
    atomic_store(&app.stopping, 1);
    workers_stop(workers);
    ingest_stop(ingest);
    setup_release(&app);
    buf_release(&err);
    return rc ? 1 : 0;
}
