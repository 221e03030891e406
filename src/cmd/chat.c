/*
 * chat.c - `rabta chat --from PHONE [--name NAME]`: be a WhatsApp user in the
 * sandbox. Each line typed becomes a real, signed webhook POST; what the bot
 * sends to that phone is printed.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "cmd/setup.h"
#include "core/hmac.h"
#include "core/str.h"
#include "egress/http_client.h"

struct chat {
    struct http_client *http;
    const char *base; /* http://host:port */
    const char *secret;
    const char *pnid;
    char digits[24];
    const char *name;
    long long last_id;
    unsigned seq;
};

static char *webhook_body(struct chat *ch, const char *text)
{
    char wamid[64], ts[24];
    json_t *body;
    char *s;

    snprintf(wamid, sizeof(wamid), "wamid.CHAT%lx%04x%u", (long)time(NULL), (unsigned)getpid(),
             ++ch->seq);
    snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
    body = json_pack("{s:s, s:[{s:s, s:[{s:s, s:{s:s, s:{s:s, s:s}, s:[{s:{s:s}, s:s}],"
                     " s:[{s:s, s:s, s:s, s:s, s:{s:s}}]}}]}]}",
                     "object", "whatsapp_business_account", "entry", "id", "0", "changes",
                     "field", "messages", "value", "messaging_product", "whatsapp", "metadata",
                     "display_phone_number", "0", "phone_number_id", ch->pnid, "contacts",
                     "profile", "name", ch->name, "wa_id", ch->digits, "messages", "from",
                     ch->digits, "id", wamid, "timestamp", ts, "type", "text", "text", "body",
                     text);
    s = body ? json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(body);
    return s;
}

static int post_line(struct chat *ch, const char *text)
{
    char url[512], sig[72], hdr[100];
    char *body = webhook_body(ch, text);
    struct http_response res;
    int rc;

    if (!body) {
        return RB_ENOMEM;
    }
    snprintf(url, sizeof(url), "%s/webhook/whatsapp", ch->base);
    rc = hmac_sign_meta(ch->secret, body, strlen(body), sig);
    snprintf(hdr, sizeof(hdr), "X-Hub-Signature-256: %s", sig);
    const char *headers[] = {hdr, NULL};
    http_response_init(&res, 1 << 16);
    rc = rc ? rc : http_post_json(ch->http, url, headers, body, strlen(body), &res);
    if (!rc && res.status != 200) {
        fprintf(stderr, "(the bot answered HTTP %ld: %s)\n", res.status, res.body.p);
        rc = RB_EUPSTREAM;
    }
    http_response_release(&res);
    free(body);
    return rc;
}

static void print_message(const json_t *req)
{
    const char *type = json_string_value(json_object_get(req, "type"));
    const json_t *tpl = json_object_get(req, "template");
    size_t i;
    json_t *p;

    if (type && strcmp(type, "text") == 0) {
        printf("bot> %s\n", json_string_value(json_object_get(json_object_get(req, "text"),
                                                              "body")));
        return;
    }
    printf("bot> [template %s:", json_string_value(json_object_get(tpl, "name")));
    json_array_foreach(json_object_get(json_array_get(json_object_get(tpl, "components"), 0),
                                       "parameters"), i, p)
    {
        printf(" \"%s\"", json_string_value(json_object_get(p, "text")));
    }
    printf("]\n");
}

/* Prints (when show) what the bot sent since last time; returns how many. */
static int poll_replies(struct chat *ch, bool show)
{
    char url[600];
    struct http_response res;
    json_t *root = NULL, *m;
    size_t i;
    int n = 0;

    snprintf(url, sizeof(url), "%s/sandbox/graph/_sent?to=%%2B%s&after=%lld", ch->base,
             ch->digits, ch->last_id);
    http_response_init(&res, 1 << 20);
    if (!http_get(ch->http, url, NULL, &res) && res.status == 200) {
        root = json_loadb(res.body.p, res.body.len, 0, NULL);
    }
    json_array_foreach(json_object_get(root, "messages"), i, m)
    {
        ch->last_id = json_integer_value(json_object_get(m, "id"));
        if (show) {
            print_message(json_object_get(m, "request"));
        }
        n++;
    }
    fflush(stdout);
    json_decref(root);
    http_response_release(&res);
    return n;
}

static void wait_replies(struct chat *ch)
{
    struct timespec step = {0, 250 * 1000000L};
    int quiet = 0, got = 0;

    for (int i = 0; i < 40 && quiet < (got ? 4 : 40); i++) {
        int n = poll_replies(ch, true);
        got += n;
        quiet = n ? 0 : quiet + 1;
        nanosleep(&step, NULL);
    }
}

int cmd_chat(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, 0, 'f'}, {"name", required_argument, 0, 'n'}, {0, 0, 0, 0}};
    struct chat ch = {0};
    struct app app;
    char line[4096], base[300];
    const char *from = NULL;
    int o, rc;

    ch.name = "Sandbox User";
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        from = o == 'f' ? optarg : from;
        ch.name = o == 'n' ? optarg : ch.name;
    }
    if (!from) {
        fprintf(stderr, "usage: rabta chat --from PHONE [--name NAME]\n");
        return 2;
    }
    for (const char *p = from; *p && strlen(ch.digits) < 20; p++) {
        if (*p >= '0' && *p <= '9') {
            ch.digits[strlen(ch.digits)] = *p;
        }
    }
    rc = setup_app(&app, 0);
    if (rc) {
        return 1;
    }
    snprintf(base, sizeof(base), "http://%s", app.env.listen);
    ch.base = base;
    ch.secret = app.env.wa_app_secret;
    ch.pnid = app.env.phone_number_id ? app.env.phone_number_id : app.snap->config->phone_number_id;
    rc = http_client_new(3000, 10000, &ch.http);
    if (!rc) {
        if (!app.env.sandbox) {
            fprintf(stderr, "(live mode: replies go to real WhatsApp and are not shown here)\n");
        }
        while (poll_replies(&ch, false) > 0) {
            /* skip what was sent before this session */
        }
        printf("Chatting as +%s (%s). Type a message; Ctrl-D ends.\n", ch.digits, ch.name);
        fflush(stdout);
        while (fgets(line, sizeof(line), stdin)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] && post_line(&ch, line) == RB_OK) {
                wait_replies(&ch);
            }
        }
    }
    http_client_free(ch.http);
    setup_release(&app);
    return rc ? 1 : 0;
}
