/*
 * misc.c - client.reply (a salesperson's words to the client, from the
 * business number), help, unknown, and report.query's placeholder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/handlers.h"
#include "nlu/catalog.h"
#include "nlu/text.h"

static const char sql_link[] =
    "UPDATE messages SET lead_id = $3 WHERE venue_id = $1 AND id = $2 AND lead_id IS NULL";

int h_client_reply(struct hctx *h)
{
    static const char *const need[] = {"text", NULL};
    const struct config *cfg = h->x->snap->config;
    const char *text = slot_str(h, "text");
    char label[24], v[24], m[24], ls[24];
    const char *p[3] = {db_i64s(h->x->venue_id, v), db_i64s(h->message_id, m),
                        db_i64s(h->lead->id, ls)};
    struct client_msg cm;
    json_t *vars = NULL, *params = NULL;
    int64_t outbox = 0;
    int rc;

    if (!text) {
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        rc = rc ? rc : ask(h, "ask_reply_text", need, vars);
        json_decref(vars);
        return rc;
    }
    params = json_pack("[s, s]", lead_label(h->lead, label), cfg->venue_name);
    if (!params) {
        return RB_ENOMEM;
    }
    memset(&cm, 0, sizeof(cm));
    cm.kind = "text";
    cm.body = text;
    cm.purpose = "reply";
    cm.template_name = cfg->reengage_template;
    cm.template_params = params;
    rc = send_client(h->x, h->lead, &cm, &outbox);
    if (rc == RB_ENOTFOUND) {
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        rc = rc ? rc : reply(h, "reply_no_contact", vars);
        goto out;
    }
    rc = rc ? rc : (h->message_id ? db_exec(h->x->db, sql_link, 3, p, NULL) : RB_OK);
    if (!rc && outbox) {
        /* the history credits the reply to its writer, not to the venue */
        json_t *d = json_pack("{s:I}", "outbox", (json_int_t)outbox);
        rc = d ? audit(h->x, h->me->id, "client.reply", h->lead->id, d) : RB_ENOMEM;
        json_decref(d);
    }
    rc = rc ? rc : lead_staff_contacted(h->x, h->lead, h->me->id);
    if (!rc) {
        log_event(LOG_INFO, "client.replied", "lead=%lld staff=%lld outbox=%lld",
                  (long long)h->lead->id, (long long)h->me->id, (long long)outbox);
    }
out:
    json_decref(vars);
    json_decref(params);
    return rc;
}

int h_help(struct hctx *h)
{
    char key[32];

    snprintf(key, sizeof(key), "help_%s", role_name(h->me->role) ? role_name(h->me->role)
                                                                 : "admin");
    return reply(h, key, NULL);
}

/* Chit-chat, matched on the whole message (text_phrase_index): a greeting
 * is greeted back with a hint; thanks and acknowledgements, and a message of
 * emoji alone ("👍", the empty phrase), need no answer (a bot that answers
 * "ok" is noise). */
static const char *const greetings[] = {
    "salam", "salaam", "slam", "aoa", "assalam o alaikum", "assalamualaikum", "asalam o alaikum",
    "assalam alaikum", "asalamualaikum", "hi", "hello", "hey", "good morning", "gm",
    "السلام علیکم", "سلام", NULL};
static const char *const acknowledgements[] = {
    "", "ok", "okay", "okk", "k", "theek hai", "thik hai", "ji", "jee", "g", "done", "noted",
    "shukriya", "shukria", "thanks", "thank you", "thx", "ty", "jazakallah", "ٹھیک ہے", "جی",
    "شکریہ", "اوکے", NULL};

/* 1 for a greeting, 2 for an acknowledgement, 0 otherwise. */
static int chitchat(const char *text)
{
    size_t len = text ? strlen(text) : 0;

    return text_phrase_index(text, len, greetings) >= 0          ? 1
           : text_phrase_index(text, len, acknowledgements) >= 0 ? 2
                                                                 : 0;
}

int h_unknown(struct hctx *h)
{
    bool done = false;
    int err = reply_invalid_date(h, &done); /* "31 feb available hai?" */

    if (err || done) {
        return err;
    }
    switch (chitchat(h->text)) {
    case 1: {
        json_t *vars = json_pack("{s:s}", "name", h->me->name ? h->me->name : "");
        int rc = vars ? reply(h, "greeting_staff", vars) : RB_ENOMEM;
        json_decref(vars);
        return rc;
    }
    case 2:
        return RB_OK;
    default:
        return reply(h, "unknown", NULL);
    }
}

int h_report(struct hctx *h)
{
    return reply(h, "report_later", NULL);
}
