/*
 * account.h - what WhatsApp said about the business account (account_update
 * changes: ACCOUNT_RESTRICTION, DISABLED_UPDATE, ...), one row per change.
 */
#ifndef RB_STORE_ACCOUNT_H
#define RB_STORE_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "store/db.h"

/* One account_update change; strings and value borrowed. */
struct account_update {
    int64_t venue_id;
    int64_t event_id;   /* the inbound event, 0 if none */
    const char *event;  /* "ACCOUNT_RESTRICTION" */
    bool restricts;     /* limits what the number can send */
    const char *detail; /* restriction types, ban state, violation; may be NULL */
    int64_t until_s;    /* the restriction's end (Unix seconds), 0 when not given */
    const json_t *value;
};

/* Keeps u inside the caller's transaction (account_updates). */
RB_MUST_CHECK int store_account_update_add(struct dbconn *c, const struct account_update *u);

#endif
