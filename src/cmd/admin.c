/*
 * admin.c - `rabta migrate`, `rabta db stop|start|url`, `rabta check`.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/templates.h"
#include "cmd/cmd.h"
#include "cmd/setup.h"
#include "domain/parser.h"
#include "nlu/intents.h"

int cmd_migrate(int argc, char **argv)
{
    struct app app;
    int rc;

    (void)argc;
    (void)argv;
    rc = setup_app(&app, SETUP_STORE | SETUP_MIGRATE);
    if (!rc) {
        printf("migrations are up to date\n");
    }
    setup_release(&app);
    return rc ? 1 : 0;
}

int cmd_db(int argc, char **argv)
{
    char *ci = NULL;
    int rc;

    if (argc < 2 || (strcmp(argv[1], "stop") && strcmp(argv[1], "start"))) {
        fprintf(stderr, "usage: rabta db start|stop\n");
        return 2;
    }
    if (strcmp(argv[1], "stop") == 0) {
        rc = embedded_pg_stop(cmd_home());
        printf(rc ? "could not stop the embedded PostgreSQL\n" : "embedded PostgreSQL stopped\n");
        return rc ? 1 : 0;
    }
    rc = embedded_pg_start(cmd_home(), &ci);
    if (!rc) {
        printf("%s\n", ci);
    }
    free(ci);
    return rc ? 1 : 0;
}

/* Validates config/, intents/ and prompts/ with no side effects (like smtpd -n):
 * the loader serve uses (prompts/gemini included: its files, and every
 * few-shot answer through gemini_prompt_check), then every intents example.
 * `--templates` prints the declared WhatsApp templates as the README's table. */
int cmd_check(int argc, char **argv)
{
    struct snapshot *s = NULL;
    struct buf err;
    char home[1024];
    bool table = argc > 1 && strcmp(argv[1], "--templates") == 0;
    int rc;

    if (argc > 1 && !table) {
        fprintf(stderr, "usage: rabta check [--templates]\n");
        return 2;
    }
    snprintf(home, sizeof(home), "%s", cmd_home());
    buf_init(&err, 1 << 20);
    rc = parser_snapshot_load(home, &s, &err);
    if (!rc) {
        struct nlu_env env;
        char dir[1100];
        nlu_env_from_config(&env, s->config);
        snprintf(dir, sizeof(dir), "%s/intents", home);
        rc = intents_check(dir, &env, &err);
    }
    if (err.len) {
        fprintf(stderr, "%s%s", err.p, err.p[err.len - 1] == '\n' ? "" : "\n");
    }
    if (!rc && table) {
        struct buf t;
        buf_init(&t, 1 << 16);
        templates_table(s->config, &t);
        fputs(t.p, stdout);
        buf_release(&t);
    } else if (!rc) {
        printf("config, intents and prompts are valid\n");
        for (size_t i = 0; i < s->config->ntemplates; i++) {
            const struct template_decl *d = &s->config->templates[i];
            printf("template %s (%s):", d->name, d->lang);
            for (size_t j = 0; j < d->nparams; j++) {
                printf(" {{%zu}} %s", j + 1, d->params[j]);
            }
            printf("\n");
        }
    }
    snapshot_free(s);
    buf_release(&err);
    return rc ? 1 : 0;
}
