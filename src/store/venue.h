/*
 * venue.h - the first run's rows: the "rabta" database itself (in an
 * embedded cluster) and the venue row rabta.conf names.
 */
#ifndef RB_STORE_VENUE_H
#define RB_STORE_VENUE_H

#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Creates the database "rabta" unless it exists; c is a connection to
 * another database of the cluster (postgres). */
RB_MUST_CHECK int store_database_ensure(struct dbconn *c);

/* The venue of WhatsApp phone number id pnid, made or renamed (name, IANA
 * time_zone); *id gets it. */
RB_MUST_CHECK int store_venue_upsert(struct dbconn *c, const char *name, const char *pnid,
                                     const char *time_zone, int64_t *id);

#endif
