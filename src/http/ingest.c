#include "http/ingest.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "store/db.h"
#include "store/events.h"

#define INGEST_MAX_EVENTS 2000 /* per statement */
/* Commits in flight at once. One alone makes the rate 1 / (one commit's
 * round trip) whatever the load; two let a batch fill while the other
 * commits. A deadlock between two batches holding the same repeated ids in
 * opposite orders is retried once like a lost connection (the insert is
 * idempotent). */
#define INGEST_COMMITTERS 2

struct ingest_req {
    const char *source;
    const struct inbound_batch *batch;
    char **payloads; /* JSON text per event, owned */
    int rc;
    size_t fresh;
    int done;
    struct ingest_req *next;
};

struct ingest;

struct committer {
    struct ingest *g;
    struct dbconn *conn;
    pthread_t thread;
    bool started;
};

struct ingest {
    struct app *app;
    struct committer committers[INGEST_COMMITTERS];
    pthread_mutex_t mu;
    pthread_cond_t work;
    pthread_cond_t finished;
    struct ingest_req *head, *tail;
    int stop;
};

static const char *kind_name(enum inbound_kind k)
{
    switch (k) {
    case IN_MESSAGE:
        return "message";
    case IN_STATUS:
        return "status";
    case IN_ERROR:
        return "error";
    case IN_LEADGEN:
        return "leadgen";
    case IN_ACCOUNT:
        return "other"; /* payload {"account_update": ...} */
    case IN_PAYMENT:
        return "payment";
    }
    return "other";
}

/* Takes up to INGEST_MAX_EVENTS worth of requests off the queue (at least one). */
static struct ingest_req *take_batch(struct ingest *g)
{
    struct ingest_req *first = g->head, *last = g->head;
    size_t events = last->batch->n;

    while (last->next && events + last->next->batch->n <= INGEST_MAX_EVENTS) {
        last = last->next;
        events += last->batch->n;
    }
    g->head = last->next;
    if (!g->head) {
        g->tail = NULL;
    }
    last->next = NULL;
    return first;
}

static int ensure_conn(struct committer *cm)
{
    if (db_ok(cm->conn)) {
        return RB_OK;
    }
    if (!cm->conn) {
        return db_connect(cm->g->app->conninfo, &cm->conn, NULL);
    }
    return db_reconnect(cm->conn);
}

static int commit_batch(struct committer *cm, struct ingest_req *list, size_t *nrows)
{
    struct ingest *g = cm->g;
    struct event_row *rows;
    size_t n = 0, k = 0, inserted = 0;
    int rc;

    for (struct ingest_req *r = list; r; r = r->next) {
        n += r->batch->n;
    }
    rows = calloc(n ? n : 1, sizeof(*rows));
    if (!rows) {
        return RB_ENOMEM;
    }
    for (struct ingest_req *r = list; r; r = r->next) {
        for (size_t i = 0; i < r->batch->n; i++, k++) {
            const struct inbound_event *e = &r->batch->ev[i];
            const json_t *m = e->kind == IN_MESSAGE ? json_object_get(e->payload, "message") : NULL;
            rows[k] = (struct event_row){r->source,
                                         kind_name(e->kind),
                                         e->dedupe_key,
                                         e->phone_number_id,
                                         r->payloads[i],
                                         json_string_value(json_object_get(m, "from")),
                                         0};
        }
    }
    /* The insert is idempotent, so after a lost connection (PostgreSQL
     * restarted) it is safe to reconnect and try once more. */
    for (int attempt = 0; attempt < 2; attempt++) {
        rc = ensure_conn(cm);
        if (!rc) {
            rc = store_events_insert(cm->conn, rows, n, g->app->venue_id, &inserted);
        }
        if (rc != RB_ESTORE || !cm->conn) {
            break;
        }
        if (db_reconnect(cm->conn)) {
            break;
        }
    }
    k = 0;
    for (struct ingest_req *r = list; r; r = r->next) {
        r->fresh = 0;
        for (size_t i = 0; i < r->batch->n; i++, k++) {
            r->fresh += (size_t)rows[k].inserted;
        }
    }
    free(rows);
    *nrows = n;
    return rc;
}

static void *committer_main(void *arg)
{
    struct committer *cm = arg;
    struct ingest *g = cm->g;

    pthread_mutex_lock(&g->mu);
    for (;;) {
        struct ingest_req *list;
        size_t n = 0, fresh = 0;
        int rc;
        while (!g->head && !g->stop) {
            pthread_cond_wait(&g->work, &g->mu);
        }
        if (!g->head) {
            break;
        }
        list = take_batch(g);
        pthread_mutex_unlock(&g->mu);
        rc = commit_batch(cm, list, &n);
        APP_COUNT(g->app, ingest_batches);
        pthread_mutex_lock(&g->mu);
        for (struct ingest_req *r = list, *next; r; r = next) {
            next = r->next;
            fresh += rc ? 0 : r->fresh;
            r->rc = rc;
            r->done = 1;
            APP_COUNT(g->app, ingest_batched_requests);
        }
        pthread_cond_broadcast(&g->finished);
        if (fresh) {
            /* Acknowledged first; then the workers' wake-up, in a
             * transaction of its own (store_events_notify). */
            pthread_mutex_unlock(&g->mu);
            if (store_events_notify(cm->conn, fresh)) {
                log_event(LOG_WARN, "ingest.notify_failed", "events=%zu", fresh);
            }
            pthread_mutex_lock(&g->mu);
        }
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

void ingest_stop(struct ingest *g)
{
    if (!g) {
        return;
    }
    pthread_mutex_lock(&g->mu);
    g->stop = 1;
    pthread_cond_broadcast(&g->work);
    pthread_mutex_unlock(&g->mu);
    for (int i = 0; i < INGEST_COMMITTERS; i++) {
        if (g->committers[i].started) {
            pthread_join(g->committers[i].thread, NULL);
        }
        db_disconnect(g->committers[i].conn);
    }
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->work);
    pthread_cond_destroy(&g->finished);
    free(g);
}

int ingest_start(struct app *app, struct ingest **out)
{
    struct ingest *g = calloc(1, sizeof(*g));

    if (!g) {
        return RB_ENOMEM;
    }
    g->app = app;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->work, NULL);
    pthread_cond_init(&g->finished, NULL);
    for (int i = 0; i < INGEST_COMMITTERS; i++) {
        struct committer *cm = &g->committers[i];
        cm->g = g;
        if (db_connect(app->conninfo, &cm->conn, NULL)) {
            cm->conn = NULL; /* connect later, per batch */
        }
        if (pthread_create(&cm->thread, NULL, committer_main, cm) != 0) {
            ingest_stop(g);
            return RB_EINTERNAL;
        }
        cm->started = true;
    }
    *out = g;
    return RB_OK;
}

/* U+0000 would fail the worker's parse of the payload (and any payload::jsonb):
 * a NUL escape in text from outside becomes U+FFFD. */
static void scrub_nul(char *json)
{
    char *p = json;

    while ((p = strstr(p, "\\u0000")) != NULL) {
        memcpy(p, "\\ufffd", 6);
        p += 6;
    }
}

static void free_payloads(char **p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        free(p[i]);
    }
    free(p);
}

int ingest_submit(struct ingest *g, const char *source, const struct inbound_batch *b,
                  size_t *fresh)
{
    struct ingest_req req = {source, b, NULL, RB_OK, 0, 0, NULL};
    int rc = RB_OK;

    if (b->n == 0) {
        *fresh = 0;
        return RB_OK;
    }
    req.payloads = calloc(b->n, sizeof(char *));
    for (size_t i = 0; req.payloads && i < b->n && !rc; i++) {
        req.payloads[i] = json_dumps(b->ev[i].payload, JSON_COMPACT);
        rc = req.payloads[i] ? RB_OK : RB_ENOMEM;
        if (!rc) {
            scrub_nul(req.payloads[i]);
        }
    }
    if (!req.payloads || rc) {
        free_payloads(req.payloads, b->n);
        return RB_ENOMEM;
    }
    pthread_mutex_lock(&g->mu);
    if (g->tail) {
        g->tail->next = &req;
    } else {
        g->head = &req;
    }
    g->tail = &req;
    pthread_cond_signal(&g->work);
    while (!req.done) {
        pthread_cond_wait(&g->finished, &g->mu);
    }
    pthread_mutex_unlock(&g->mu);
    free_payloads(req.payloads, b->n);
    if (!req.rc) {
        *fresh = req.fresh;
    }
    return req.rc;
}
