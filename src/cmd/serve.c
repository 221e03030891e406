/*
 * serve.c - `rabta serve`: HTTP server, group commit, workers; SIGHUP
 * reloads config, intents and prompts, Gemini's included (a set that fails validation is
 * refused and the running one stays); SIGTERM/SIGINT stop cleanly.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "cmd/cmd.h"
#include "cmd/setup.h"
#include "core/grant.h"
#include "core/log.h"
#include "domain/parser.h"
#include "domain/worker.h"
#include "http/ingest.h"
#include "http/server.h"

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP) {
        got_hup = 1;
    } else {
        got_stop = 1;
    }
}

static void reload(struct app *app)
{
    struct snapshot *s = NULL;
    struct buf err;

    buf_init(&err, 64 * 1024);
    if (parser_snapshot_load(app->home, &s, &err)) {
        log_event(LOG_ERROR, "config.reload_refused", "errors=%s", log_q(err.p, err.len));
    } else {
        app_snapshot_swap(app, s);
        log_event(LOG_INFO, "config.reloaded", "prompts=%s gemini_prompt=%s",
                  prompts_version(s->prompts), parser_gemini_version(s->gemini));
    }
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

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
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
    int rc, level = log_level_parse(getenv("RABTA_LOG"));

    (void)argc;
    (void)argv;
    if (level >= 0) {
        log_set_level((enum log_level)level);
    }
    install_signals();
    buf_init(&err, 4096);
    rc = setup_app(&app, SETUP_STORE | SETUP_MIGRATE | SETUP_SEED);
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
        while (!got_stop) {
            pause();
            if (got_hup) {
                got_hup = 0;
                reload(&app);
            }
        }
        log_event(LOG_INFO, "serve.stopping", "%s", "");
    }
    http_stop(http);
    app.stopping = 1;
    workers_stop(workers);
    ingest_stop(ingest);
    setup_release(&app);
    buf_release(&err);
    return rc ? 1 : 0;
}
