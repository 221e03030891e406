/*
 * worker.h - the worker threads of `rabta serve`, and the context every
 * piece of domain work runs in.
 *
 * N threads each own a store connection and a curl handle. A thread takes,
 * in turn: a batch of due inbound events (up to 16, at most one per
 * client, in one transaction), one due outbox row, one due job; when none
 * is due it sleeps until LISTEN/NOTIFY wakes it or poll_ms passes. A batch
 * that fails rolls back and its events run again one per transaction; an
 * event or job that fails alone is recorded on the row (attempts,
 * last_error) and retried with backoff, so nothing is lost. Rows are
 * claimed with FOR UPDATE SKIP LOCKED, so several processes on one
 * database never take the same row.
 */
#ifndef RB_DOMAIN_WORKER_H
#define RB_DOMAIN_WORKER_H

#include <stdint.h>

#include <jansson.h>

#include "context/app.h"
#include "domain/inbound.h"
#include "domain/parser.h"
#include "store/convo.h"
#include "store/db.h"
#include "store/lead_rows.h"

struct http_client;

/*
 * The "current lead" of each salesperson that a batch of client messages set
 * (every notice and forward sets it), the last one per salesperson, written
 * in one statement at the batch's end or before a staff message of the batch
 * reads it (worker_convo_flush). The rows are appended (convo_current,
 * sql/021), so no batch waits for another's commit on a salesperson's row
 * (the upsert of conversation_state did, and written at once, two batches
 * that each held several of those rows deadlocked).
 */
#define CONVO_DEFER_MAX 64
struct convo_defer {
    size_t n;
    struct convo_current v[CONVO_DEFER_MAX];
};

/* The context of one unit of work (borrowed by the callee). */
struct wctx {
    struct app *app;
    struct snapshot *snap;    /* config, prompts, intents of this unit */
    struct dbconn *db;        /* a transaction is open */
    struct http_client *http; /* this thread's curl handle (Gemini, Graph) */
    int64_t venue_id;
    int64_t now_s;    /* Unix seconds when the unit started */
    int64_t event_id; /* the inbound event, 0 for jobs */
    /* Set by the unit when no retry can help: what could be kept was, and
     * the event fails at once with this reason. */
    char failed[200];
    /* A job's result of domain_job_outside (an HTTP call's outcome), read by
     * domain_job in the transaction after it; freed with outside_free. */
    void *outside;
    void (*outside_free)(void *outside);
    char job_error[512];       /* set by a job that failed for good (domain_job) */
    struct preparsed *pre;     /* a staff message parsed before the transaction, or NULL */
    struct convo_defer *defer; /* a batch's current-lead writes, or NULL: at once */
    /* The message's contact was created by this event: it has no lead yet
     * (intake skips looking for one). */
    bool contact_new;
    bool likely_new; /* the event came from a phone no contact had (its priority 0) */
    /* A known client's open lead, touched and read with the message in the
     * writer's statement (store_contact_inbound; its id 0 when none took
     * the message), or NULL. domain_client_message takes it over. */
    struct lead_row *inbound_lead;
    /* What the inbound message says of the event (domain_client_facts),
     * read once for the writer's statement and a new lead alike. */
    bool facts_read;
    char facts_date[11]; /* YYYY-MM-DD or "" */
    int64_t facts_guests;
    /* The writer's held rows this message released: the last of them and
     * whose they are. What this unit queues for the writer goes after it,
     * so they read what waited first, in order, then the answer. */
    int64_t released_last;
    int64_t released_contact;
    int64_t released_staff;
};

/* Hooks implemented by the domain (domain/intake.c, handlers/); each runs
 * inside x->db's transaction and returns an rb_err (non-zero rolls back and
 * retries the whole unit later). */

/* A client's message was logged (message_id) for contact_id. Finds or creates
 * the lead, links the message to it, greets/assigns/forwards as needed. */
/* What a client's message says of the event for its open lead (date
 * YYYY-MM-DD or "", guests or 0); nothing for a message that is not a real
 * client message (client_message_weight). */
void domain_client_facts(struct wctx *x, const struct wa_message *m, char date[11],
                         int64_t *guests);
int domain_client_message(struct wctx *x, const struct wa_message *m, int64_t contact_id,
                          int64_t message_id);
/* A registered staff member wrote (message logged as message_id). */
int domain_staff_message(struct wctx *x, const struct wa_message *m, int64_t staff_id,
                         int64_t message_id);
/*
 * Parses a staff message (the rules and the model, Gemini when the engine
 * allows and they are unsure, at most workers - 1 waiting on Gemini at once)
 * without touching the database: the worker calls it before the event's
 * transaction opens. Fills pr and t (parser_trace_release it).
 */
int domain_staff_parse(struct wctx *x, const char *text, enum parser_engine engine,
                       struct parse_result *pr, struct parser_trace *t);
/* Whether the bot waits for staff_id's answer to a question (then the
 * message is read by the rules alone). */
int domain_staff_pending(struct wctx *x, int64_t staff_id, bool *pending);
/* A Lead Ads leadgen event (payload of inbound.h). */
int domain_leadgen(struct wctx *x, const json_t *payload);
/* A WhatsApp account_update change ({"account_update": value}): kept, logged,
 * and the owners and admins told when it restricts messaging (account.c). */
int domain_account_update(struct wctx *x, const json_t *payload);
/* A due job of a kind the domain queued. RB_ENOTFOUND for an unknown kind.
 * A job that fails for good (retrying cannot help) returns RB_OK with the
 * reason in x->job_error: the job is then marked failed with it. */
int domain_job(struct wctx *x, const char *kind, const json_t *payload);
/* The part of a job that must not hold a transaction (an HTTP call): runs
 * before domain_job with NO transaction open on x->db (a statement there
 * commits on its own) and leaves its outcome in x->outside. The job row is
 * leased meanwhile (run_at moved forward), so a crash retries it later. */
int domain_job_outside(struct wctx *x, const char *kind, const json_t *payload);
/* Periodic checks (stale leads, reminders); runs about once a minute on one
 * worker at a time across all processes (advisory lock). */
int domain_tick(struct wctx *x);

/* Sets staff_id's current lead (convo_set_current), or, in a batch, records
 * it for worker_convo_flush. */
RB_MUST_CHECK int worker_convo_current(struct wctx *x, int64_t staff_id, int64_t lead_id);
/* Writes what the batch recorded, the last lead per staff, in one statement. */
RB_MUST_CHECK int worker_convo_flush(struct wctx *x);

/* Queues a job in x's transaction; dedupe_key may be NULL. run_at_s 0 = now. */
RB_MUST_CHECK int worker_job_add(struct wctx *x, const char *kind, const json_t *payload,
                                 int64_t run_at_s, const char *dedupe_key);

struct workers;

RB_MUST_CHECK int workers_start(struct app *app, int n, struct workers **out);
/* Asks every thread to finish its unit and joins them. Accepts NULL. */
void workers_stop(struct workers *w);

#endif
