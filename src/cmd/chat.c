/*
 * chat.c - `rabta chat --from PHONE [--name NAME]`: be a WhatsApp user in the
 * sandbox. Each line typed becomes a real, signed webhook POST; what the bot
 * sends to that phone is printed as it arrives (a thread polls the sandbox's
 * list of sent messages), each with a number [N]. `> N text` (or
 * `>wamid.ID text`) answers by quoting that message: the webhook's message
 * carries context.id, as a swipe-reply on WhatsApp does.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "cmd/setup.h"
#include "core/clock.h"
#include "core/hmac.h"
#include "core/str.h"
#include "egress/http_client.h"

#define CHAT_KEEP 4096 /* received messages that can be quoted by number */

struct chat {
    struct http_client *http, *poll_http;
    const char *base; /* http://host:port */
    const char *secret;
    const char *pnid;
    char digits[24];
    const char *name;
    long long last_id;
    unsigned seq;
    pthread_mutex_t mu;      /* what follows, and stdout */
    char *wamids[CHAT_KEEP]; /* [N - 1]: the wamid of message N */
    int received;
    int64_t last_post_ms, last_recv_ms;
    volatile int stop;
};

static char *webhook_body(struct chat *ch, const char *text, const char *context_id)
{
    char wamid[64], ts[24];
    json_t *body;
    char *s;

    snprintf(wamid, sizeof(wamid), "wamid.CHAT%lx%04x%u", (long)time(NULL), (unsigned)getpid(),
             ++ch->seq);
    snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
    body =
        json_pack("{s:s, s:[{s:s, s:[{s:s, s:{s:s, s:{s:s, s:s}, s:[{s:{s:s}, s:s}],"
                  " s:[{s:s, s:s, s:s, s:s, s:{s:s}}]}}]}]}",
                  "object", "whatsapp_business_account", "entry", "id", "0", "changes", "field",
                  "messages", "value", "messaging_product", "whatsapp", "metadata",
                  "display_phone_number", "0", "phone_number_id", ch->pnid, "contacts", "profile",
                  "name", ch->name, "wa_id", ch->digits, "messages", "from", ch->digits, "id",
                  wamid, "timestamp", ts, "type", "text", "text", "body", text);
    if (body && context_id) {
        json_t *m = json_array_get(
            json_object_get(
                json_object_get(
                    json_array_get(
                        json_object_get(json_array_get(json_object_get(body, "entry"), 0),
                                        "changes"),
                        0),
                    "value"),
                "messages"),
            0);
        json_object_set_new(m, "context", json_pack("{s:s, s:s}", "from", "0", "id", context_id));
    }
    s = body ? json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(body);
    return s;
}

static int post_line(struct chat *ch, const char *text, const char *context_id)
{
    char url[512], sig[72], hdr[100];
    char *body = webhook_body(ch, text, context_id);
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
    } else if (rc == RB_EUPSTREAM || rc == RB_ETIMEOUT) {
        fprintf(stderr,
                "(not sent: nothing answers at %s - is `rabta serve` running there? "
                "RABTA_LISTEN=host:port points chat at another address)\n",
                ch->base);
    }
    http_response_release(&res);
    free(body);
    pthread_mutex_lock(&ch->mu);
    ch->last_post_ms = clock_mono_ms();
    pthread_mutex_unlock(&ch->mu);
    return rc;
}

static void print_message(int n, const json_t *req)
{
    const char *type = json_string_value(json_object_get(req, "type"));
    const json_t *tpl = json_object_get(req, "template");
    size_t i;
    json_t *p;

    if (type && strcmp(type, "text") == 0) {
        printf("[%d] bot> %s\n", n,
               json_string_value(json_object_get(json_object_get(req, "text"), "body")));
        return;
    }
    printf("[%d] bot> [template %s:", n, json_string_value(json_object_get(tpl, "name")));
    json_array_foreach (
        json_object_get(json_array_get(json_object_get(tpl, "components"), 0), "parameters"), i,
        p) {
        printf(" \"%s\"", json_string_value(json_object_get(p, "text")));
    }
    printf("]\n");
}

/* Prints (when show) what the bot sent since last time, numbering each;
 * returns how many. */
static int poll_replies(struct chat *ch, bool show)
{
    char url[600];
    struct http_response res;
    json_t *root = NULL, *m;
    size_t i;
    int n = 0;

    snprintf(url, sizeof(url), "%s/sandbox/graph/_sent?to=%%2B%s&after=%lld", ch->base, ch->digits,
             ch->last_id);
    http_response_init(&res, 1 << 20);
    if (!http_get(ch->poll_http, url, NULL, &res) && res.status == 200) {
        root = json_loadb(res.body.p, res.body.len, 0, NULL);
    }
    pthread_mutex_lock(&ch->mu);
    json_array_foreach (json_object_get(root, "messages"), i, m) {
        ch->last_id = json_integer_value(json_object_get(m, "id"));
        if (show) {
            int k = ch->received++ % CHAT_KEEP;
            free(ch->wamids[k]);
            ch->wamids[k] = rb_strdup(json_string_value(json_object_get(m, "wamid")));
            print_message(ch->received, json_object_get(m, "request"));
            ch->last_recv_ms = clock_mono_ms();
        }
        n++;
    }
    fflush(stdout);
    pthread_mutex_unlock(&ch->mu);
    json_decref(root);
    http_response_release(&res);
    return n;
}

static void *poller(void *arg)
{
    struct chat *ch = arg;
    struct timespec step = {0, 250 * 1000000L};

    while (!ch->stop) {
        poll_replies(ch, true);
        nanosleep(&step, NULL);
    }
    return NULL;
}

/* After the last line (stdin ended): waits until what the bot answers has
 * arrived (1 s of quiet after a message), at most 10 s after the last post. */
static void drain(struct chat *ch)
{
    struct timespec step = {0, 100 * 1000000L};

    for (;;) {
        int64_t now = clock_mono_ms();
        pthread_mutex_lock(&ch->mu);
        bool done = ch->last_post_ms == 0 ||
                    (ch->last_recv_ms > ch->last_post_ms && now - ch->last_recv_ms > 1000) ||
                    now - ch->last_post_ms > 10000;
        pthread_mutex_unlock(&ch->mu);
        if (done) {
            return;
        }
        nanosleep(&step, NULL);
    }
}

/*
 * A line "> N text" or ">wamid.X text": *context is the quoted message's id
 * (a new string) and *text what follows. Returns false after printing why
 * when the quote names no message. Other lines: *context NULL, *text the line.
 */
static bool read_quote(struct chat *ch, char *line, char **context, const char **text)
{
    char *p = line + 1, *end;

    *context = NULL;
    *text = line;
    if (line[0] != '>') {
        return true;
    }
    while (*p == ' ') {
        p++;
    }
    end = p + strcspn(p, " ");
    if (strncmp(p, "wamid.", 6) == 0) {
        *context = str_dup(str_make(p, (size_t)(end - p)));
    } else {
        char *stop = NULL;
        long n = strtol(p, &stop, 10);
        if (stop == end && end > p) {
            pthread_mutex_lock(&ch->mu);
            if (n >= 1 && n <= ch->received && n > ch->received - CHAT_KEEP &&
                ch->wamids[(n - 1) % CHAT_KEEP]) {
                *context = rb_strdup(ch->wamids[(n - 1) % CHAT_KEEP]);
            }
            pthread_mutex_unlock(&ch->mu);
            if (!*context) {
                printf("(no message [%ld] to quote: the numbers are those shown beside the "
                       "bot's messages)\n",
                       n);
                fflush(stdout);
                return false;
            }
        } else {
            printf("(to quote a message type \"> N text\" with N its number, or "
                   "\">wamid.ID text\")\n");
            fflush(stdout);
            return false;
        }
    }
    while (*end == ' ') {
        end++;
    }
    if (!*end) {
        printf("(nothing to send after the quote)\n");
        fflush(stdout);
        free(*context);
        *context = NULL;
        return false;
    }
    *text = end;
    return true;
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
        fprintf(stderr, "usage: rabta chat --from PHONE [--name NAME] (rabta chat --help)\n");
        return 2;
    }
    for (const char *p = from; *p && strlen(ch.digits) < 20; p++) {
        if (*p >= '0' && *p <= '9') {
            ch.digits[strlen(ch.digits)] = *p;
        }
    }
    rc = setup_app(&app, SETUP_PARSER);
    if (rc) {
        return 1;
    }
    snprintf(base, sizeof(base), "http://%s", app.env.listen);
    ch.base = base;
    ch.secret = app.env.wa_app_secret;
    ch.pnid = app.env.phone_number_id ? app.env.phone_number_id : app.snap->config->phone_number_id;
    pthread_mutex_init(&ch.mu, NULL);
    rc = http_client_new(3000, 10000, &ch.http);
    rc = rc ? rc : http_client_new(3000, 10000, &ch.poll_http);
    if (!rc) {
        pthread_t th;
        if (!app.env.sandbox) {
            fprintf(stderr, "(live mode: replies go to real WhatsApp and are not shown here)\n");
        }
        while (poll_replies(&ch, false) > 0) {
            /* skip what was sent before this session */
        }
        printf("Chatting as +%s (%s) with %s. Type a message; \"> N text\" answers message [N] "
               "by quoting it; Ctrl-D ends.\n",
               ch.digits, ch.name, ch.base);
        fflush(stdout);
        bool threaded = pthread_create(&th, NULL, poller, &ch) == 0;
        while (fgets(line, sizeof(line), stdin)) {
            char *context = NULL;
            const char *text;
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] && read_quote(&ch, line, &context, &text)) {
                post_line(&ch, text, context);
            }
            free(context);
        }
        drain(&ch);
        ch.stop = 1;
        if (threaded) {
            pthread_join(th, NULL);
        }
    }
    for (int i = 0; i < CHAT_KEEP; i++) {
        free(ch.wamids[i]);
    }
    pthread_mutex_destroy(&ch.mu);
    http_client_free(ch.poll_http);
    http_client_free(ch.http);
    setup_release(&app);
    return rc ? 1 : 0;
}
