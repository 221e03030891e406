/*
 * split_body.h - for the unit tests that feed webhook bodies as strings: a
 * body split by one of domain/inbound.h's splitters.
 */
#ifndef RB_TEST_SPLIT_BODY_H
#define RB_TEST_SPLIT_BODY_H

#include <string.h>

#include "domain/inbound.h"

typedef int (*split_body_fn)(const char *body, size_t len, struct inbound_batch *b,
                             struct buf *err);

/* Initializes b and splits body into it with split; returns split's status
 * (its error text is dropped). The caller releases b. */
static inline int split_body(split_body_fn split, const char *body, struct inbound_batch *b)
{
    struct buf err;
    int rc;

    buf_init(&err, 256);
    inbound_batch_init(b);
    rc = split(body, strlen(body), b, &err);
    buf_release(&err);
    return rc;
}

#endif
