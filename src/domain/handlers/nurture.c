/*
 * nurture.c - nurture sequences ([sequence NAME] of rabta.conf, texts in
 * prompts/<lang>/nurture.txt), run by the tick after the payment reminders.
 *
 * A lead that entered a sequence's trigger stage (and for LOST, whose
 * reason contains the sequence's reason) gets its steps at their delays
 * after it entered: a client step sends the step's text to the client
 * (automated: held after STOP; the reengage template outside the 24-hour
 * window); a staff step sends the assignee the same text to forward,
 * wrapped in nurture_nudge (outbox purpose "nudge"; quote-replying "ok" to
 * it sends the text to the client as the salesperson's reply: see
 * nurture_quoted_ok, called by handlers/dispatch.c). The sequence stops when the lead leaves the
 * stage (moved on, booked, lost) or the client writes after entering it
 * (the list leaves such leads out). Each step is claimed in reminders_sent
 * (lead, "seq:NAME", "step N", the Unix second the stage was entered);
 * when the clock has passed several steps at once only the last one is
 * sent. Quiet hours hold every step until the morning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/handlers/handlers.h"
#include "store/reminders.h"

#define SEQ_MAX 200

/* Step i's text for lead l in lang into out. */
static int step_text(struct wctx *x, enum lang lang, const struct lead_row *l,
                     const struct seq_step *st, struct buf *out)
{
    json_t *v = NULL;
    int rc = lead_vars(x, lang, l, &v);

    if (!rc) {
        json_object_set_new(v, "venue", json_string(x->snap->config->venue_name));
        rc = render(x, lang, st->key, v, out);
    }
    json_decref(v);
    return rc;
}

static int step_client(struct wctx *x, const struct lead_row *l, const struct seq_step *st)
{
    json_t *v = NULL;
    int rc = lead_vars(x, l->client_lang, l, &v);

    rc = rc ? rc : remind_client(x, l, st->key, v, "nurture");
    json_decref(v);
    return rc;
}

static int step_staff(struct wctx *x, const struct lead_row *l, const struct seq_conf *sq,
                      const struct seq_step *st, const char *kind, const char *due)
{
    char subject[80];
    struct buf text;
    json_t *extra = NULL;
    int rc;

    if (!l->assigned) {
        return RB_OK;
    }
    buf_init(&text, 1024);
    rc = step_text(x, l->client_lang, l, st, &text);
    extra = rc ? NULL
               : json_pack("{s:s, s:s, s:i}", "text", text.p, "sequence", sq->name, "days",
                           st->delay_s / 86400);
    rc = rc ? rc : extra ? RB_OK : RB_ENOMEM;
    struct say_opts o = {l->id, "nudge", false, NULL};
    snprintf(subject, sizeof(subject), "seq:%s", sq->name);
    rc = rc ? rc : reminder_suggest(x->db, l->id, subject, kind, due, text.p);
    rc = rc ? rc : notify_lead(x, l->assigned, "nurture_nudge", l, extra, &o);
    json_decref(extra);
    buf_release(&text);
    return rc;
}

static int run_lead(struct wctx *x, const struct seq_conf *sq, const struct nurture_lead *nl,
                    int *sent)
{
    char subject[80], kind[32], due[24];
    const struct seq_step *st = NULL;
    struct lead_row l;
    bool go = false;
    size_t i;
    int rc;

    for (i = sq->nsteps; i > 0 && !st; i--) {
        if (nl->entered_s + sq->steps[i - 1].delay_s <= x->now_s) {
            st = &sq->steps[i - 1];
        }
    }
    if (!st || nl->client_replied) {
        return RB_OK;
    }
    snprintf(subject, sizeof(subject), "seq:%s", sq->name);
    snprintf(kind, sizeof(kind), "step %zu", i + 1);
    rc = reminder_claim(x->db, x->venue_id, nl->lead_id, subject, kind, db_i64s(nl->entered_s, due),
                        &go);
    if (rc || !go) {
        return rc;
    }
    lead_row_init(&l);
    rc = lead_load(x, nl->lead_id, false, &l);
    rc = rc ? rc : st->to_client ? step_client(x, &l, st) : step_staff(x, &l, sq, st, kind, due);
    if (!rc) {
        json_t *d = json_pack("{s:s, s:s, s:s}", "a", sq->name, "b", kind, "key", st->key);
        rc = d ? audit(x, 0, "nurture.step", l.id, d) : RB_ENOMEM;
        json_decref(d);
        log_event(LOG_INFO, "nurture.step", "lead=%lld sequence=%s step=%zu to=%s", (long long)l.id,
                  sq->name, i + 1, st->to_client ? "client" : "staff");
        (*sent)++;
    }
    lead_row_release(&l);
    return rc;
}

/* Whole answers that mean "send it" (lowercase, trimmed). */
static const char *const ok_words[] = {"ok",      "okay",      "ok hai",    "haan",    "han",
                                       "ji",      "yes",       "send",      "send it", "bhej do",
                                       "bhejo",   "bhej dein", "theek hai", "ہاں",     "جی",
                                       "ٹھیک ہے", "بھیج دیں",  "بھیج دو",   NULL};

int nurture_quoted_ok(struct wctx *x, const char *wamid, const char *text, char **out)
{
    char t[64];
    size_t n = 0;

    *out = NULL;
    while (text && (*text == ' ' || *text == '\n')) {
        text++;
    }
    for (; text && *text && n + 1 < sizeof(t); text++) {
        t[n++] = (char)(*text >= 'A' && *text <= 'Z' ? *text - 'A' + 'a' : *text);
    }
    while (n && (t[n - 1] == ' ' || t[n - 1] == '.' || t[n - 1] == '!' || t[n - 1] == '\n')) {
        n--;
    }
    t[n] = '\0';
    for (size_t i = 0; ok_words[i]; i++) {
        if (strcmp(t, ok_words[i]) == 0) {
            return reminder_nudge_text(x->db, x->venue_id, wamid, out);
        }
    }
    return RB_OK;
}

int nurture_tick(struct wctx *x)
{
    const struct config *cfg = x->snap->config;
    int rc = RB_OK, sent = 0;

    if (!cfg->nseqs || reminders_quiet(cfg, x->now_s)) {
        return RB_OK;
    }
    for (size_t s = 0; !rc && s < cfg->nseqs; s++) {
        const struct seq_conf *sq = &cfg->seqs[s];
        struct nurture_lead *rows = NULL;
        size_t n = 0;
        if (!sq->nsteps || !sq->trigger) {
            continue;
        }
        /* a lead whose last step is a week past is done with the sequence */
        int64_t since = x->now_s - sq->steps[sq->nsteps - 1].delay_s - 7 * 86400;
        rc = nurture_leads(x->db, x->venue_id, sq->trigger, since, sq->reason, SEQ_MAX, &rows, &n);
        for (size_t i = 0; !rc && i < n; i++) {
            rc = run_lead(x, sq, &rows[i], &sent);
        }
        free(rows);
    }
    if (!rc && sent) {
        log_event(LOG_INFO, "tick.reminded", "kind=nurture rows=%d", sent);
    }
    return rc;
}
