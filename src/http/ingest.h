/*
 * ingest.h - group commit of webhook events.
 *
 * HTTP handler threads hand their parsed events to ingest_submit and block;
 * two committer threads (INGEST_COMMITTERS, ingest.c) each take everything
 * queued when they are free, write it in ONE statement (one transaction, one
 * fsync) and wake its waiters with the outcome: while one batch commits, the
 * next fills. So concurrent webhooks share a commit, and each is
 * acknowledged only after the commit that holds its events. A message's
 * sender is stored with it (the per-client order of store/events.h).
 */
#ifndef RB_HTTP_INGEST_H
#define RB_HTTP_INGEST_H

#include <stddef.h>

#include "context/app.h"
#include "domain/inbound.h"

struct ingest;

RB_MUST_CHECK int ingest_start(struct app *app, struct ingest **out);
/* Stops the committers after the queue drains; accepts NULL. */
void ingest_stop(struct ingest *g);

/*
 * Commits b's events (source "whatsapp", "meta_leads" or "invoicing"); returns after the
 * commit. *fresh counts the events that were new. RB_ESTORE when the store is
 * down (the caller answers 503 so Meta retries).
 */
RB_MUST_CHECK int ingest_submit(struct ingest *g, const char *source, const struct inbound_batch *b,
                                size_t *fresh);

#endif
