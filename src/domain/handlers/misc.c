/*
 * misc.c - client.reply (a salesperson's words to the client, from the
 * business number), help, unknown. (report.query: handlers/report.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/templates.h"
#include "core/log.h"
#include "domain/handlers.h"
#include "nlu/catalog.h"
#include "nlu/intents.h"
#include "nlu/text.h"

static const char sql_link[] =
    "UPDATE messages SET lead_id = $3 WHERE venue_id = $1 AND id = $2 AND lead_id IS NULL";
static const char sql_window_open[] =
    "SELECT COALESCE(last_inbound_at > now() - ($3::int * interval '1 hour'), false),"
    " EXISTS (SELECT 1 FROM outbox o WHERE o.venue_id = $1 AND o.contact_id = $2"
    "  AND o.purpose = 'reply' AND o.state IN ('pending', 'held'))"
    " FROM contacts WHERE venue_id = $1 AND id = $2";

/* Whether the client of l wrote within the window (a free text may go),
 * and whether replies to them already wait. */
static int client_window_open(struct wctx *x, const struct lead_row *l, bool *open, bool *waiting)
{
    char v[24], c[24], w[24];
    const char *p[3] = {db_i64s(x->venue_id, v), db_i64s(l->contact_id, c),
                        db_i64s(x->snap->config->window_hours, w)};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql_window_open, 3, p, &r);

    if (!rc) {
        *open = PQntuples(r) > 0 && db_bool(r, 0, 0);
        *waiting = PQntuples(r) > 0 && db_bool(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

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
    bool open = true, waiting = false;
    int rc;

    if (!text) {
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        rc = rc ? rc : ask(h, "ask_reply_text", need, vars);
        json_decref(vars);
        return rc;
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
    rc = client_window_open(h->x, h->lead, &open, &waiting);
    rc = rc ? rc : send_client(h->x, h->lead, &cm, &outbox);
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
    if (!rc && !open) {
        /* the sender holds the words and sends the follow-up template */
        rc = lead_vars(h->x, h->lang, h->lead, &vars);
        rc = rc ? rc : reply(h, waiting ? "reply_window_waiting" : "reply_window_closed", vars);
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
