/*
 * err.h - the one error enum of Rabta.
 *
 * Fallible functions return int holding one of these; RB_OK is 0 so that
 * `rc = step(); if (rc) goto out;` reads naturally. Results travel through
 * out-parameters that are set only on success.
 */
#ifndef RB_ERR_H
#define RB_ERR_H

enum rb_err {
    RB_OK = 0,
    RB_ENOMEM,     /* allocation failed */
    RB_EINVAL,     /* bad argument or input that is not acceptable */
    RB_ETOOBIG,    /* over a size ceiling */
    RB_EPARSE,     /* malformed input (JSON, UTF-8, a value) */
    RB_EBADSIG,    /* signature or token check failed */
    RB_ENOTFOUND,  /* the thing asked for does not exist */
    RB_EPERM,      /* the caller may not do this */
    RB_ECONFLICT,  /* already exists / state forbids it */
    RB_ESTORE,     /* PostgreSQL unreachable or failed */
    RB_EUPSTREAM,  /* an upstream API refused or failed */
    RB_ETIMEOUT,   /* an upstream or lock timed out */
    RB_ERATELIMIT, /* rate limited, retry later */
    RB_EINTERNAL,  /* a bug or an impossible state */
    RB_EEXPIRED,   /* a well-formed grant or lease past its time */
    RB_ERR_COUNT
};

/* A static, lower-case description of rc ("store unavailable"). */
const char *rb_strerror(int rc);

/* Live in the test build only: API misuse and impossible states. */
#ifdef RB_DEBUG
#include <assert.h>
#define RB_ASSERT(x) assert(x)
#else
#define RB_ASSERT(x) ((void)0)
#endif

#define RB_MUST_CHECK __attribute__((warn_unused_result))
#define RB_PRINTF(f, a) __attribute__((format(printf, f, a)))

#endif
