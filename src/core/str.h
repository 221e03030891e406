/*
 * str.h - borrowed slices of text owned elsewhere, and small parsers over
 * them. A struct str never owns its bytes; p may be NULL only when len is 0.
 * Parsers advance a cursor and return an rb_err code so steps chain.
 */
#ifndef RB_STR_H
#define RB_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"

struct str {
    const char *p;
    size_t len;
};

static inline struct str str_from(const char *s)
{
    struct str r = {s, s ? strlen(s) : 0};
    return r;
}

static inline struct str str_make(const char *p, size_t len)
{
    struct str r = {p, len};
    return r;
}

bool str_eq(struct str a, struct str b);
bool str_eqs(struct str a, const char *s);
/* ASCII case-insensitive comparison. */
bool str_eq_ci(struct str a, const char *s);
bool str_starts_with(struct str a, const char *prefix);
/* Removes ASCII white space from both ends. */
struct str str_trim(struct str a);
/* A new NUL-terminated copy (caller frees), NULL when out of memory. */
char *str_dup(struct str a);
/* Parses all of a as a decimal integer in [min, max]; RB_EPARSE otherwise. */
RB_MUST_CHECK int str_to_i64(struct str a, int64_t min, int64_t max, int64_t *out);
/* Splits at the first sep: *head before it, the cursor moves past it.
 * Returns false (and takes the whole rest as head) when there is no sep. */
bool str_split(struct str *cursor, char sep, struct str *head);

/* strdup that returns NULL for NULL. */
char *rb_strdup(const char *s);

struct json_t; /* jansson's */
/*
 * An id or value that an API sends as a JSON string or as a JSON integer,
 * as text: the string itself (borrowed), or the integer in decimal written
 * into tmp (every digit kept, where a double would round ids above 2^53).
 * NULL for anything else (absent, null, real, object).
 */
const char *json_id_text(const struct json_t *v, char tmp[32]);
/* json_id_text as a new copy in *out (NULL when absent); RB_ENOMEM. */
RB_MUST_CHECK int json_id_dup(const struct json_t *v, char **out);
/* Constant-time comparison of two byte strings (length leaks only). */
bool rb_ct_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif
