#include "context/app.h"

#include <stdbool.h>
#include <stddef.h>
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

/* Each variable and the field it fills: unset or empty, the default (NULL:
 * none). GRAPH_API_BASE's default depends on sandbox mode (app_env_load). */
static const struct env_var {
    const char *name;
    size_t off;
    const char *def;
} env_vars[] = {
    {"DATABASE_URL", offsetof(struct app_env, database_url), NULL},
    {"WHATSAPP_TOKEN", offsetof(struct app_env, wa_token), NULL},
    {"WHATSAPP_APP_SECRET", offsetof(struct app_env, wa_app_secret), NULL},
    {"WHATSAPP_VERIFY_TOKEN", offsetof(struct app_env, wa_verify_token), NULL},
    {"WHATSAPP_PHONE_NUMBER_ID", offsetof(struct app_env, phone_number_id), NULL},
    {"GRAPH_API_BASE", offsetof(struct app_env, graph_base), NULL},
    {"GRAPH_API_VERSION", offsetof(struct app_env, graph_version), "v26.0"},
    {"META_PAGE_TOKEN", offsetof(struct app_env, meta_page_token), NULL},
    {"META_APP_SECRET", offsetof(struct app_env, meta_app_secret), NULL},
    {"GEMINI_API_KEY", offsetof(struct app_env, gemini_key), NULL},
    {"GEMINI_API_BASE", offsetof(struct app_env, gemini_base),
     "https://generativelanguage.googleapis.com"},
    {"GEMINI_MODEL", offsetof(struct app_env, gemini_model), NULL},
    {"INVOICING_API_BASE", offsetof(struct app_env, invoicing_base), NULL},
    {"INVOICING_API_KEY", offsetof(struct app_env, invoicing_key), NULL},
    {"INVOICING_WEBHOOK_SECRET", offsetof(struct app_env, invoicing_secret), NULL},
    {"REPORT_TOKEN", offsetof(struct app_env, report_token), NULL},
    {"RABTA_TRUSTED_PROXY", offsetof(struct app_env, trusted_proxies), NULL},
    {"RABTA_LISTEN", offsetof(struct app_env, listen), "127.0.0.1:8080"},
};

#define ENV_FIELD(e, i) ((char **)((char *)(e) + env_vars[i].off))

int app_env_load(struct app_env *e)
{
    memset(e, 0, sizeof(*e));
    for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++) {
        char *v = env_dup(env_vars[i].name);
        *ENV_FIELD(e, i) = v || !env_vars[i].def ? v : rb_strdup(env_vars[i].def);
    }
    e->sandbox = e->wa_token == NULL;
    if (e->sandbox) {
        char base[300];
        snprintf(base, sizeof(base), "http://%s/sandbox/graph", e->listen ? e->listen : "");
        if (!e->graph_base) {
            e->graph_base = rb_strdup(base);
        }
        if (!e->wa_verify_token) {
            e->wa_verify_token = rb_strdup("rabta-sandbox");
        }
    } else if (!e->graph_base) {
        e->graph_base = rb_strdup("https://graph.facebook.com");
    }
    if (!e->graph_version || !e->listen || !e->graph_base || !e->gemini_base) {
        app_env_release(e);
        return RB_ENOMEM;
    }
    return RB_OK;
}

void app_env_release(struct app_env *e)
{
    for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++) {
        free(*ENV_FIELD(e, i));
        *ENV_FIELD(e, i) = NULL;
    }
}

static int snapshot_load(const char *home, bool with_intents, struct snapshot **out,
                         struct buf *err)
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
    if (s->config && with_intents) {
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

int app_snapshot_load(const char *home, struct snapshot **out, struct buf *err)
{
    return snapshot_load(home, true, out, err);
}

int app_snapshot_load_base(const char *home, struct snapshot **out, struct buf *err)
{
    return snapshot_load(home, false, out, err);
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
