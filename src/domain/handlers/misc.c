/*
 * misc.c - client.reply (a salesperson's words to the client, from the
 * business number), help, unknown. (report.query: handlers/report.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/templates.h"
#include "core/log.h"
#include "domain/handlers/handlers.h"
#include "nlu/catalog.h"
#include "nlu/intents.h"
#include "nlu/text.h"
#include "store/replies.h"

int h_client_reply(struct hctx *h)
{
    static const char *const need[] = {"text", NULL};
    const struct config *cfg = h->x->snap->config;
    const char *text = slot_str(h, "text");
    char label[24];
    struct client_msg cm;
    json_t *vars = NULL, *params = NULL;
    int64_t outbox = 0;
    bool open = true, waiting = false;
    int rc;

    if (!text) {
        return ask_lead(h, "ask_reply_text", need);
    }
    params =
        template_params("client_name", lead_label(h->lead, label), "venue", cfg->venue_name, NULL);
    if (!params) {
        return RB_ENOMEM;
    }
    memset(&cm, 0, sizeof(cm));
    cm.kind = "text";
    cm.body = text;
    cm.purpose = "reply";
    cm.template_name = cfg->reengage_template;
    cm.template_params = params;
    rc = store_client_window(h->x->db, h->x->venue_id, h->lead->contact_id, cfg->window_hours,
                             &open, &waiting);
    rc = rc ? rc : send_client(h->x, h->lead, &cm, &outbox);
    if (rc == RB_ENOTFOUND) {
        rc = reply_lead(h, "reply_no_contact");
        goto out;
    }
    if (!rc && h->message_id) {
        rc = store_message_set_lead(h->x->db, h->x->venue_id, h->message_id, h->lead->id);
    }
    if (!rc && outbox) {
        /* the history credits the reply to its writer, not to the venue */
        json_t *d = json_pack("{s:I}", "outbox", (json_int_t)outbox);
        rc = d ? audit(h->x, h->me->id, "client.reply", h->lead->id, d) : RB_ENOMEM;
        json_decref(d);
    }
    rc = rc ? rc : lead_staff_contacted(h->x, h->lead, h->me->id);
    if (!rc && !open) {
        /* the sender holds the words and sends the follow-up template */
        rc = reply_lead(h, waiting ? "reply_window_waiting" : "reply_window_closed");
    }
    if (!rc) {
        log_event(LOG_INFO, "client.replied", "lead=%lld staff=%lld outbox=%lld window=%s",
                  (long long)h->lead->id, (long long)h->me->id, (long long)outbox,
                  open ? "open" : "closed");
    }
out:
    json_decref(vars);
    json_decref(params);
    return rc;
}

int h_help(struct hctx *h)
{
    char key[32];

    snprintf(key, sizeof(key), "help_%s",
             role_name(h->me->role) ? role_name(h->me->role) : "admin");
    return reply(h, key, NULL);
}

/* Chit-chat, matched on the whole message (text_phrase_index) against the
 * `words greeting:` and `words ack:` lists of intents/ (words.frag): a
 * greeting is greeted back with a hint; thanks and acknowledgements, and a
 * message of emoji alone ("👍", the empty phrase), need no answer (a bot
 * that answers "ok" is noise). 1 for a greeting, 2 for an acknowledgement,
 * 0 otherwise. */
static int chitchat(const struct wctx *x, const char *text)
{
    const struct intents *set = x->snap->intents;
    size_t len = text ? strlen(text) : 0;

    return text_phrase_index(text, len, intents_words(set, "greeting")) >= 0 ? 1
           : text_phrase_index(text, len, intents_words(set, "ack")) >= 0    ? 2
                                                                             : 0;
}

int h_unknown(struct hctx *h)
{
    bool done = false;
    int err = reply_invalid_date(h, &done); /* "31 feb available hai?" */

    if (err || done) {
        return err;
    }
    switch (chitchat(h->x, h->text)) {
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
