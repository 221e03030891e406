#include "context/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "nlu/intents.h"

static char *env_dup(const char *name)
{
    const char *v = getenv(name);

    return (v && v[0]) ? rb_strdup(v) : NULL;
}

static char *dup_or(const char *name, const char *def)
{
    char *v = env_dup(name);

    return v ? v : rb_strdup(def);
}

int app_env_load(struct app_env *e)
{
    memset(e, 0, sizeof(*e));
    e->database_url = env_dup("DATABASE_URL");
    e->wa_token = env_dup("WHATSAPP_TOKEN");
    e->wa_app_secret = env_dup("WHATSAPP_APP_SECRET");
    e->wa_verify_token = env_dup("WHATSAPP_VERIFY_TOKEN");
    e->phone_number_id = env_dup("WHATSAPP_PHONE_NUMBER_ID");
    e->graph_version = dup_or("GRAPH_API_VERSION", "v26.0");
    e->meta_page_token = env_dup("META_PAGE_TOKEN");
    e->meta_app_secret = env_dup("META_APP_SECRET");
    e->gemini_key = env_dup("GEMINI_API_KEY");
    e->gemini_base = dup_or("GEMINI_API_BASE", "https://generativelanguage.googleapis.com");
    e->gemini_model = env_dup("GEMINI_MODEL");
    e->invoicing_base = env_dup("INVOICING_API_BASE");
    e->invoicing_key = env_dup("INVOICING_API_KEY");
    e->invoicing_secret = env_dup("INVOICING_WEBHOOK_SECRET");
    e->report_token = env_dup("REPORT_TOKEN");
    e->trusted_proxies = env_dup("RABTA_TRUSTED_PROXY");
    e->listen = dup_or("RABTA_LISTEN", "127.0.0.1:8080");
    e->sandbox = e->wa_token == NULL;
    if (e->sandbox) {
        char base[300];
        snprintf(base, sizeof(base), "http://%s/sandbox/graph", e->listen);
        e->graph_base = env_dup("GRAPH_API_BASE");
        if (!e->graph_base) {
            e->graph_base = rb_strdup(base);
        }
        if (!e->wa_verify_token) {
            e->wa_verify_token = rb_strdup("rabta-sandbox");
        }
    } else {
        e->graph_base = dup_or("GRAPH_API_BASE", "https://graph.facebook.com");
    }
    if (!e->graph_version || !e->listen || !e->graph_base || !e->gemini_base) {
        app_env_release(e);
        return RB_ENOMEM;
    }
    return RB_OK;
}

void app_env_release(struct app_env *e)
{
    char **fields[] = {&e->database_url,    &e->wa_token,        &e->wa_app_secret,
                       &e->wa_verify_token, &e->phone_number_id, &e->graph_base,
                       &e->graph_version,   &e->meta_page_token, &e->meta_app_secret,
                       &e->gemini_key,      &e->gemini_base,     &e->gemini_model,
                       &e->invoicing_base,  &e->invoicing_key,   &e->invoicing_secret,
                       &e->report_token,    &e->listen,          &e->trusted_proxies};

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        free(*fields[i]);
        *fields[i] = NULL;
    }
}

int app_snapshot_load(const char *home, struct snapshot **out, struct buf *err)
{
    struct snapshot *s = calloc(1, sizeof(*s));
    struct nlu_env env;
    char path[1024];
    int rc, failed = 0;

    if (!s) {
        return RB_ENOMEM;
    }
    s->refs = 1;
    snprintf(path, sizeof(path), "%s/config/rabta.conf", home);
    rc = config_load_best(path, &s->config, err);
    failed += rc != RB_OK;
    snprintf(path, sizeof(path), "%s/prompts", home);
    int prc = prompts_load(path, &s->prompts, err);
    failed += prc != RB_OK;
    rc = prc == RB_ENOMEM ? prc : rc;
    /* nurture sequence steps name prompts: both must agree */
    for (size_t i = 0; s->config && s->prompts && i < s->config->nseqs; i++) {
        const struct seq_conf *sq = &s->config->seqs[i];
        for (size_t j = 0; j < sq->nsteps; j++) {
            if (!prompts_has(s->prompts, sq->steps[j].key)) {
                buf_say(err, "%s/config/rabta.conf: [sequence %s] step %zu: no prompt \"%s\"\n",
                        home, sq->name, j + 1, sq->steps[j].key);
                failed++;
            }
        }
    }
    if (s->config) {
        /* a config with errors still gives the intents their halls and staff,
         * so that their problems are listed in the same run */
        int irc;
        nlu_env_from_config(&env, s->config);
        snprintf(path, sizeof(path), "%s/intents", home);
        irc = intents_load(path, &env, &s->intents, err);
        failed += irc != RB_OK;
        rc = irc == RB_ENOMEM ? irc : rc;
    }
    if (failed) {
        snapshot_free(s);
        return rc == RB_ENOMEM ? RB_ENOMEM : RB_EPARSE;
    }
    *out = s;
    return RB_OK;
}

void snapshot_free(struct snapshot *s)
{
    if (!s) {
        return;
    }
    if (s->gemini_free) {
        s->gemini_free(s->gemini); /* before the intents it borrows from */
    }
    config_free(s->config);
    prompts_free(s->prompts);
    intents_free(s->intents);
    free(s);
}

struct snapshot *app_snapshot_get(struct app *app)
{
    struct snapshot *s;

    pthread_mutex_lock(&app->snap_mu);
    s = app->snap;
    s->refs++;
    pthread_mutex_unlock(&app->snap_mu);
    return s;
}

void app_snapshot_put(struct app *app, struct snapshot *s)
{
    int left;

    if (!s) {
        return;
    }
    pthread_mutex_lock(&app->snap_mu);
    left = --s->refs;
    pthread_mutex_unlock(&app->snap_mu);
    if (left == 0) {
        snapshot_free(s);
    }
}

void app_snapshot_swap(struct app *app, struct snapshot *s)
{
    struct snapshot *old;

    pthread_mutex_lock(&app->snap_mu);
    old = app->snap;
    app->snap = s;
    pthread_mutex_unlock(&app->snap_mu);
    app_snapshot_put(app, old);
}
