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
    const char *usage; /* `rabta NAME --help` */
};

static const struct subcommand commands[] = {
    {"serve", cmd_serve, "run the HTTP server and workers (embedded PostgreSQL by default)",
     "usage: rabta serve\n\n"
     "Serves webhooks on RABTA_LISTEN (default 127.0.0.1:8080) with the workers.\n"
     "Without DATABASE_URL it starts the embedded PostgreSQL in var/pg first and\n"
     "migrates. Without WHATSAPP_TOKEN it runs in sandbox mode (sends are kept,\n"
     "see `rabta chat`). Ctrl-C or SIGTERM stops it cleanly; SIGHUP reloads\n"
     "config/, intents/ and prompts/. The embedded PostgreSQL keeps running after\n"
     "serve stops: `make stop` (rabta db stop) stops it.\n"},
    {"migrate", cmd_migrate, "apply sql/ migrations",
     "usage: rabta migrate\n\nApplies the sql/NNN_*.sql files not yet applied (the embedded\n"
     "PostgreSQL is started first when DATABASE_URL is unset).\n"},
    {"parse", cmd_parse, "parse staff messages into intents (see INTENTS.md)",
     "usage: rabta parse [--offline | --engine auto|rules|gemini] [--now ISO8601]\n"
     "                   [--as owner|sales|finance|admin] [TEXT]\n\n"
     "Parses TEXT (or each line of stdin) as a staff message and prints the intent\n"
     "as JSON.\n"},
    {"check", cmd_check, "validate config/, intents/ and prompts/",
     "usage: rabta check [--templates]\n\nValidates config/rabta.conf, intents/ and prompts/ together and\n"
     "prints every problem as file:line: message; exits 1 when there is one. Also\n"
     "lists the WhatsApp templates declared in config/rabta.conf; --templates prints\n"
     "them as the README's table.\n"},
    {"chat", cmd_chat, "talk to the sandbox as a phone: rabta chat --from PHONE [--name NAME]",
     "usage: rabta chat --from PHONE [--name NAME]\n\n"
     "Be a WhatsApp user of a sandbox `rabta serve`: each line you type is posted as a\n"
     "signed webhook, and what the bot sends to PHONE is shown as it arrives, each\n"
     "message with a number [N]. To answer one by quoting it (as a swipe-reply on\n"
     "WhatsApp does), type `> N text`, or `>wamid.ID text` with its message id.\n"
     "Ctrl-D ends. The server is found at RABTA_LISTEN (host:port, default\n"
     "127.0.0.1:8080), signed with var/sandbox.secret (or WHATSAPP_APP_SECRET).\n"},
    {"staff", cmd_staff, "add|list|away|back staff members",
     "usage: rabta staff add --name NAME --phone PHONE --role sales|finance|owner|admin "
     "[--lang ur|roman_ur|en]\n"
     "       rabta staff list | away NAME | back NAME\n"},
    {"db", cmd_db, "start|stop the embedded PostgreSQL",
     "usage: rabta db start|stop\n\n"
     "Starts (creating it on first use) or stops the embedded PostgreSQL of this\n"
     "clone: data in var/pg, socket in var/run, log in var/pg.log. Run as root, the\n"
     "cluster runs as user \"rabta\"; when that user cannot reach the clone (a\n"
     "private home folder), var/pg links to /var/lib/rabta/<hash>/pg.\n"},
    {"report", cmd_report, "the owner's figures: rabta report [--period P] [--compare P] ...",
     "usage: rabta report [--period P] [--compare P] [--metric M] [--group-by G]\n"
     "                    [--format text|json|csv]\n\n"
     "Prints the owner's figures (the same as the chat answers and the report page).\n"
     "P is a period word: YYYY-MM, YYYY-Qn, YYYY, today, yesterday, this_week,\n"
     "last_week, this_month, last_month, this_quarter, last_quarter, ytd, last_year.\n"
     "M: leads bookings conversion_rate revenue response_time stale_leads\n"
     "overdue_payments; G: source staff stage month.\n"},
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
            if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
                fputs(commands[i].usage, stdout);
                return 0;
            }
            curl_global_init(CURL_GLOBAL_DEFAULT);
            rc = commands[i].fn(argc - 1, argv + 1);
            curl_global_cleanup();
            return rc;
        }
    }
    fprintf(stderr, "rabta: unknown command \"%s\"\n", argv[1]);
    return usage(stderr);
}
