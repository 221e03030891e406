/*
 * main.c - bin/rabta: a table of subcommands, each in src/cmd/.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd/cmd.h"

struct subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct subcommand commands[] = {
    {"serve", cmd_serve, "run the HTTP server and workers (embedded PostgreSQL by default)"},
    {"migrate", cmd_migrate, "apply sql/ migrations"},
    {"parse", cmd_parse, "parse staff messages into intents (see INTENTS.md)"},
    {"check", cmd_check, "validate config/, intents/ and prompts/"},
    {"chat", cmd_chat, "talk to the sandbox as a phone: rabta chat --from PHONE [--name NAME]"},
    {"staff", cmd_staff, "add|list|away|back staff members"},
    {"db", cmd_db, "start|stop the embedded PostgreSQL"},
    {"report", cmd_report, "the owner's figures: rabta report [--period P] [--compare P] ..."},
};

static int usage(FILE *f)
{
    fprintf(f, "usage: rabta COMMAND [ARGS]\n\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
    }
    return 2;
}

int main(int argc, char **argv)
{
    int rc;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        return usage(argc < 2 ? stderr : stdout);
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            curl_global_init(CURL_GLOBAL_DEFAULT);
            rc = commands[i].fn(argc - 1, argv + 1);
            curl_global_cleanup();
            return rc;
        }
    }
    fprintf(stderr, "rabta: unknown command \"%s\"\n", argv[1]);
    return usage(stderr);
}
