/*
 * handlers.h - the staff side of the domain: who is writing, which lead a
 * message is about, how the bot answers (prompts/ rendered into outbox rows),
 * each staff member's conversation state, and the table of commands.
 *
 * Everything here runs inside the caller's open transaction (struct wctx)
 * and returns an rb_err; a non-zero code rolls the whole unit back and the
 * worker retries it. Outcomes a person should hear about (no such lead, not
 * allowed, a missing detail) are replies, not errors: the function queues
 * the reply and returns RB_OK.
 *
 * The command table has one row per intent of INTENTS.md:
 *   { intent, roles, lead, check, handle }
 * The dispatcher (handlers/dispatch.c) parses, asks for a lead it cannot
 * resolve, refuses a role that may not run the intent, then calls check
 * (which may refuse for this lead, replying why, and return RB_EPERM) and
 * handle (which does the work and queues the reply). One file per area:
 * handlers/leads.c, stages.c, calendar.c, followups.c, payments.c, misc.c.
 *
 * No SQL here: the handlers read and write typed rows through store/
 * (lead_rows.h one lead and its lists, timeline.h history, notes and audit,
 * followups.h, calendar.h holds, convo.h conversation state, staff.h,
 * replies.h the quoted lead and the client's window, lead_due.h the tick's
 * scans, ai_log.h, state.h the digest's weekly claim).
 *
 * Ownership follows jansson's words: "new" is the caller's to release,
 * "borrowed" is valid until the named event.
 */
#ifndef RB_DOMAIN_HANDLERS_H
#define RB_DOMAIN_HANDLERS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/worker.h"
#include "nlu/text.h"
#include "store/lead_rows.h"

/* Rows in one page of a list ("aur dikhao" shows the next). */
#define LIST_PAGE 8

/* ---- staff ---- */

struct staff_info {
    int64_t id;
    int64_t contact_id; /* 0 when the staff member has no contact row yet */
    char *name;         /* new */
    char phone[20];     /* E.164 */
    unsigned role;      /* ROLE_* of nlu/catalog.h */
    enum lang lang;
    bool active, away;
};

void staff_info_init(struct staff_info *s);
void staff_info_release(struct staff_info *s);
/* The staff member id of x's venue into out (initialised). RB_ENOTFOUND. */
RB_MUST_CHECK int staff_load(struct wctx *x, int64_t id, struct staff_info *out);
/* An active staff member by name as written: the full name or a unique first
 * name, case-insensitive. RB_ENOTFOUND, or RB_ECONFLICT when several fit. */
RB_MUST_CHECK int staff_find(struct wctx *x, const char *name, struct staff_info *out);
/* Active owners of x's venue: a new array of *n ids (free() it). */
RB_MUST_CHECK int staff_owners(struct wctx *x, int64_t **ids, size_t *n);
/* Active staff of a role (ROLE_FINANCE ...): as staff_owners. */
RB_MUST_CHECK int staff_by_role(struct wctx *x, const char *role, int64_t **ids, size_t *n);

/* ---- leads ---- */

/* struct lead_row, lead_row_init and lead_row_release: store/lead_rows.h */
/* Lead id of x's venue into out (initialised); lock takes FOR UPDATE.
 * RB_ENOTFOUND when there is none. */
RB_MUST_CHECK int lead_load(struct wctx *x, int64_t id, bool lock, struct lead_row *out);
/* A display name: the lead's name, its phone, or "#N" (borrowed from l or buf). */
const char *lead_label(const struct lead_row *l, char buf[24]);

/* ---- speaking ---- */

/* Appends prompt key in lang with vars (NULL: none) to out. */
RB_MUST_CHECK int render(struct wctx *x, enum lang lang, const char *key, const json_t *vars,
                         struct buf *out);

struct say_opts {
    int64_t lead_id;           /* what it is about, 0 if nothing */
    const char *purpose;       /* reply, notice, forward, reminder ... */
    bool coalesce;             /* merge with queued forwards about lead_id */
    const char *context_wamid; /* quote this message */
    /* what the notify template says outside the 24-hour window; NULL: the
     * body (a row that joins two messages says the first, as a coalesced
     * row does) */
    const char *template_line;
};

/* Queues body to staff member `to` (text; the notify template outside the
 * 24-hour window). */
RB_MUST_CHECK int send_staff(struct wctx *x, const struct staff_info *to, const char *body,
                             const struct say_opts *o);
/* render + send_staff in the staff member's own language (owner: English). */
RB_MUST_CHECK int notify_staff(struct wctx *x, const struct staff_info *to, const char *key,
                               const json_t *vars, const struct say_opts *o);
/* notify_staff by id; a missing or inactive staff member is skipped. */
RB_MUST_CHECK int notify_staff_id(struct wctx *x, int64_t staff_id, const char *key,
                                  const json_t *vars, const struct say_opts *o);
/* Tells staff_id about lead l: key rendered in their language with l's card
 * (lead_vars) plus extra (borrowed, may be NULL: language-free values such as
 * names and numbers). A missing or inactive staff member is skipped. */
RB_MUST_CHECK int notify_lead(struct wctx *x, int64_t staff_id, const char *key,
                              const struct lead_row *l, const json_t *extra,
                              const struct say_opts *o);
/* The language notices to s are written in. */
enum lang staff_lang(const struct staff_info *s);

struct client_msg {
    const char *kind;          /* "text" or "template" */
    const char *body;          /* the text (also kept for a template: the transcript) */
    bool automated;            /* held for a client who opted out */
    const char *purpose;       /* greeting, reply, reminder */
    const char *template_name; /* template, or the fallback of a text */
    const json_t *template_params;
    bool greets;           /* the lead's greeting: greeted with the row (store_outbox_add) */
    int64_t arrival_event; /* with greets: the event the client came with, 0 none */
};

/* Queues cm to l's client (the sender logs it in messages once sent).
 * RB_ENOTFOUND when the lead has no WhatsApp contact. */
RB_MUST_CHECK int send_client(struct wctx *x, const struct lead_row *l, const struct client_msg *cm,
                              int64_t *outbox_id);
/* An automated message to the client (a reminder, a nurture step): key
 * rendered in the client's language with vars (plus {venue}), held after
 * STOP, by the re-engagement template outside the 24-hour window; purpose
 * as in outbox ("reminder", "nurture"). A client who cannot be reached is
 * no error. */
RB_MUST_CHECK int remind_client(struct wctx *x, const struct lead_row *l, const char *key,
                                json_t *vars, const char *purpose);

/* ---- formatting (pure) ---- */

/* 800000 -> "8,00,000" (South Asian grouping). */
void fmt_amount(int64_t rupees, char out[32]);
/* The prompt key of a milestone's name: "advance" -> "milestone_advance". */
const char *milestone_key(const char *m);
/* "2026-03-15" -> "15/03/2026"; "" stays "". */
void fmt_date(const char *iso, char out[16]);
/* Unix seconds -> "15/03/2026 16:00" local. */
void fmt_when(int64_t unix_s, char out[24]);
/* "stage_QUOTED" and friends: the prompt key naming a stage. */
const char *stage_key(int stage);
/* Copies s with runs of white space (newlines included) made one space, cut
 * at max bytes on a UTF-8 boundary (template parameters take no newlines). */
void flatten_line(const char *s, char *out, size_t max);

/* A vars object for a lead's card: lead, name, phone, date, guests, stage,
 * staff, amount, hall, slot (unknown ones as the "unknown" prompt). New. */
RB_MUST_CHECK int lead_vars(struct wctx *x, enum lang lang, const struct lead_row *l, json_t **out);

/* ---- conversation state (conversation_state) ---- */

struct convo {
    int64_t current_lead; /* 0 when none */
    json_t *pending;      /* new, NULL when none or expired */
};

RB_MUST_CHECK int convo_load(struct wctx *x, int64_t staff_id, struct convo *out);
void convo_release(struct convo *c);
RB_MUST_CHECK int convo_set_current(struct wctx *x, int64_t staff_id, int64_t lead_id);
/* Stores pending (borrowed; NULL clears) with the configured expiry. */
RB_MUST_CHECK int convo_set_pending(struct wctx *x, int64_t staff_id, const json_t *pending);

/* ---- lead changes shared by commands, relay and the tick ---- */

/* Moves the locked lead l to stage `to`: the row, stage_history (from, to,
 * who, note), calendar holds (tentative for SITE_VISIT/QUOTED/NEGOTIATING
 * with a date, confirmed for BOOKED, released otherwise) and, on BOOKED,
 * the invoicing push job. l->stage is updated. */
RB_MUST_CHECK int stage_set(struct wctx *x, struct lead_row *l, int to, int64_t staff_id,
                            const char *note);
/* A staff member contacted l's client: first_response_at (first time),
 * NEW -> CONTACTED, last_contact_at. */
RB_MUST_CHECK int lead_staff_contacted(struct wctx *x, struct lead_row *l, int64_t staff_id);
/* Writes an audit_log row; detail borrowed (may be NULL). */
RB_MUST_CHECK int audit(struct wctx *x, int64_t staff_id, const char *action, int64_t lead_id,
                        const json_t *detail);

/* ---- commands ---- */

struct hctx {
    struct wctx *x;
    const struct staff_info *me;
    enum lang lang; /* the reply's language */
    const char *intent;
    json_t *slots;         /* borrowed from the dispatcher; handlers may add to it */
    struct lead_row *lead; /* resolved when the row says lead, else NULL */
    int64_t message_id;
    const char *text; /* the message as written */
    int offset;       /* rows of this list already shown */
};

struct handler {
    const char *intent;
    unsigned roles;               /* ROLE_* bits that may run it */
    bool lead;                    /* resolve slots.lead before check */
    int (*check)(struct hctx *h); /* NULL: roles only; RB_EPERM after replying */
    int (*handle)(struct hctx *h);
};

/* Fills h for me writing in lang about intent: nothing else set (no slots,
 * no lead, no text). */
void hctx_init(struct hctx *h, struct wctx *x, const struct staff_info *me, enum lang lang,
               const char *intent);
/* Replies key with vars (may be NULL) to me in lang outside any command. */
RB_MUST_CHECK int reply_to(struct wctx *x, const struct staff_info *me, enum lang lang,
                           const char *key, const json_t *vars);
/* Replies to the sender in h->lang. */
RB_MUST_CHECK int reply(struct hctx *h, const char *key, const json_t *vars);
RB_MUST_CHECK int reply_body(struct hctx *h, const char *body);
/* Asks one short question (prompt key) and remembers intent, slots and the
 * missing slot names, so the next message can fill them. */
RB_MUST_CHECK int ask(struct hctx *h, const char *key, const char *const *missing,
                      const json_t *vars);
/* ask's memory alone: the caller sends the question (with a sentence before
 * it, say); a later answer that fills nothing gets key with vars again. */
RB_MUST_CHECK int remember_ask(struct hctx *h, const char *key, const char *const *missing,
                               const json_t *vars);
/* reply and ask with h->lead's card (lead_vars) as their vars. */
RB_MUST_CHECK int reply_lead(struct hctx *h, const char *key);
RB_MUST_CHECK int ask_lead(struct hctx *h, const char *key, const char *const *missing);
/* Remembers where a list stopped, so "aur dikhao" shows the next page. */
RB_MUST_CHECK int remember_page(struct hctx *h, int next_offset);

/* Renders row i of a list's rows (an array the caller knows the type of)
 * into body (a line of its own). */
typedef int (*page_row_fn)(struct hctx *h, const void *rows, size_t i, struct buf *body);
/*
 * The end of every list reply: the n rows (fetched LIST_PAGE + 1, so that
 * one more says there is a next page) appended to body (its head already
 * there) by row, then the "aur dikhao" hint with the page remembered when
 * more are left, and the reply sent.
 */
RB_MUST_CHECK int reply_page(struct hctx *h, const void *rows, size_t n, page_row_fn row,
                             struct buf *body);
/* reply_page's end alone, for a list that adds lines after its rows: of n
 * rows fetched, the "aur dikhao" hint (page remembered) when more than
 * LIST_PAGE, then body sent. */
RB_MUST_CHECK int reply_page_end(struct hctx *h, size_t n, struct buf *body);

/* Slot helpers: a string (borrowed) or NULL; an integer or -1. */
const char *slot_str(const struct hctx *h, const char *name);
int64_t slot_int(const struct hctx *h, const char *name);

/* Checks shared by several rows: sales only on their own leads (owner on
 * all; admin and finance refused); replies and returns RB_EPERM. */
int check_own_lead(struct hctx *h);
/* "Sorry, as finance you cannot move stages. ..." (the role's refusal,
 * handlers/dispatch.c). */
int refuse_role(struct hctx *h);

/* handlers/leads.c */
int h_lead_create(struct hctx *h);
int h_lead_status(struct hctx *h);
int h_lead_note(struct hctx *h);
int h_lead_assign(struct hctx *h);
int check_lead_assign(struct hctx *h);
int h_lead_history(struct hctx *h);
int h_leads_list(struct hctx *h);
/* handlers/stages.c */
int h_lead_move(struct hctx *h);
int check_lead_move(struct hctx *h);
/* handlers/calendar.c */
int h_availability(struct hctx *h);
/* handlers/followups.c */
int h_followup_schedule(struct hctx *h);
int h_followups_list(struct hctx *h);
/* handlers/payments.c */
int h_payment_record(struct hctx *h);
int h_payments_overdue(struct hctx *h);
int h_payment_reverse(struct hctx *h);
int h_payment_plan(struct hctx *h);
int check_payment_plan(struct hctx *h);
/* handlers/misc.c */
int h_client_reply(struct hctx *h);
int h_help(struct hctx *h);
int h_unknown(struct hctx *h);
/* handlers/report.c */
int h_report(struct hctx *h);
/* handlers/digest.c: the weekly digest to the owners when it is due (tick) */
RB_MUST_CHECK int digest_tick(struct wctx *x);
/* Payment reminders due now (handlers/reminders.c), once each, then the
 * nurture steps (nurture_tick). */
RB_MUST_CHECK int reminders_tick(struct wctx *x);
struct config;
/* True when now_s falls in [reminders] quiet hours (venue time). */
bool reminders_quiet(const struct config *cfg, int64_t now_s);
/* Nurture sequence steps due now (handlers/nurture.c), once each. */
RB_MUST_CHECK int nurture_tick(struct wctx *x);
/* A staff text quote-replying a nurture nudge (wamid): when text is "ok"
 * (or haan, bhej do ...), *out gets the suggested text to send the client
 * (new, free()); NULL otherwise. */
RB_MUST_CHECK int nurture_quoted_ok(struct wctx *x, const char *wamid, const char *text,
                                    char **out);

/* The row for intent, NULL when there is none. */
const struct handler *handler_find(const char *intent);

/* ---- the dispatcher's parts (dispatch.c, resolve.c, pending.c) ---- */

/* Runs intent with slots (borrowed) for me: role, lead, check, handle.
 * current is the lead "this" means; offset the rows of a list shown. */
RB_MUST_CHECK int dispatch_run(struct wctx *x, const struct staff_info *me, enum lang lang,
                               const char *intent, json_t *slots, int64_t message_id,
                               const char *text, int offset, int64_t current);

#define CHOICE_MAX 9

/* Leads a reference could mean. */
struct lead_choice {
    int64_t ids[CHOICE_MAX];
    size_t n;
};

/*
 * A lead reference (INTENTS.md slot `lead`) into *id: "42" or "#42" by
 * number, "+92..." by phone, "this" as current, otherwise a name (the full
 * name or a first name, case-insensitive; open leads before closed ones).
 * RB_ENOTFOUND, or RB_ECONFLICT with the candidates in ch (newest first).
 */
RB_MUST_CHECK int resolve_lead(struct wctx *x, const char *ref, int64_t current, int64_t *id,
                               struct lead_choice *ch);
/* Replies with a numbered list of ch and remembers it, so "2" picks. */
RB_MUST_CHECK int resolve_offer_choice(struct hctx *h, const struct lead_choice *ch);

/*
 * Offers text (parsed as intent with cmd_slots, "unknown" when nothing fit)
 * to the pending state in cv: a question, a numbered choice, a list page.
 * A command of another intent, or one naming its own lead, is a new command
 * even when a word of it would answer the question. *taken is true
 * when the message answered it (the command then ran) or when the question
 * was asked again; false when it is a new command (the caller clears the
 * pending state and runs it).
 */
RB_MUST_CHECK int resume_pending(struct wctx *x, const struct staff_info *me, enum lang lang,
                                 const struct convo *cv, const char *text, const char *intent,
                                 const json_t *cmd_slots, int64_t message_id, bool *taken);

/*
 * Reads the values of the missing slot names (a JSON array) out of a short
 * answer ("15 March, 8 lakh") into slots. *filled counts the slots set.
 */
RB_MUST_CHECK int fill_missing(struct wctx *x, const json_t *missing, const char *text,
                               json_t *slots, int *filled);

/* reasons.c: the real reason behind a refusal, read from the text. */
/* True when the text writes an amount with a minus ("-3 lakh", "−200000"). */
bool text_negative_amount(const char *text);
/* 1 with the date as written (normalized) in out when the text names a day
 * its month does not have ("31 feb", "feb 30"), else 0. */
int text_invalid_date(struct wctx *x, const char *text, char *out, size_t n);
/* Replies date_invalid (*done true) when h->text names such a date. */
RB_MUST_CHECK int reply_invalid_date(struct hctx *h, bool *done);

#endif
