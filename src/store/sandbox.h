/*
 * sandbox.h - the sandbox's message log (sandbox_messages): what the bot
 * sent through the fake Graph endpoint of a first try, for `rabta chat`.
 */
#ifndef RB_STORE_SANDBOX_H
#define RB_STORE_SANDBOX_H

#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Keeps one send request (JSON text) to recipient from phone number id
 * pnid; *wamid (malloc'd) gets the made-up message id. RB_EINVAL when
 * request is not JSON. */
RB_MUST_CHECK int store_sandbox_keep(struct dbconn *c, const char *pnid, const char *recipient,
                                     const char *request, char **wamid);

/* One kept request; strings malloc'd. */
struct store_sandbox_msg {
    int64_t id;
    char *request, *wamid;
};
/*
 * Up to 50 requests to recipient with an id after after (decimal text, as
 * the caller got it; RB_EINVAL when it is not a number), oldest first: *out
 * (store_sandbox_free) and *n.
 */
RB_MUST_CHECK int store_sandbox_sent(struct dbconn *c, const char *recipient, const char *after,
                                     struct store_sandbox_msg **out, int *n);
void store_sandbox_free(struct store_sandbox_msg *v, int n);

#endif
