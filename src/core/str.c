#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>
#include <openssl/crypto.h>

bool str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool str_eqs(struct str a, const char *s)
{
    return str_eq(a, str_from(s));
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

bool str_eq_ci(struct str a, const char *s)
{
    size_t n = strlen(s);
    size_t i;

    if (n != a.len) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (ascii_lower((unsigned char)a.p[i]) != ascii_lower((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

bool str_starts_with(struct str a, const char *prefix)
{
    size_t n = strlen(prefix);
    return a.len >= n && memcmp(a.p, prefix, n) == 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

struct str str_trim(struct str a)
{
    while (a.len && is_space(a.p[0])) {
        a.p++;
        a.len--;
    }
    while (a.len && is_space(a.p[a.len - 1])) {
        a.len--;
    }
    return a;
}

char *str_dup(struct str a)
{
    char *s = malloc(a.len + 1);

    if (!s) {
        return NULL;
    }
    if (a.len) {
        memcpy(s, a.p, a.len);
    }
    s[a.len] = '\0';
    return s;
}

int str_to_i64(struct str a, int64_t min, int64_t max, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    uint64_t v = 0;
    int64_t r;

    if (a.len && (a.p[0] == '-' || a.p[0] == '+')) {
        neg = a.p[0] == '-';
        i = 1;
    }
    if (i == a.len) {
        return RB_EPARSE;
    }
    for (; i < a.len; i++) {
        unsigned d = (unsigned char)a.p[i] - '0';
        if (d > 9) {
            return RB_EPARSE;
        }
        if (v > (UINT64_MAX - d) / 10 || v * 10 + d > (uint64_t)INT64_MAX + 1) {
            return RB_EPARSE;
        }
        v = v * 10 + d;
    }
    if (!neg && v > (uint64_t)INT64_MAX) {
        return RB_EPARSE;
    }
    r = neg ? (int64_t)(0 - v) : (int64_t)v;
    if (r < min || r > max) {
        return RB_EPARSE;
    }
    *out = r;
    return RB_OK;
}

bool str_split(struct str *cursor, char sep, struct str *head)
{
    const char *p = cursor->len ? memchr(cursor->p, sep, cursor->len) : NULL;

    if (!p) {
        *head = *cursor;
        cursor->p += cursor->len;
        cursor->len = 0;
        return false;
    }
    head->p = cursor->p;
    head->len = (size_t)(p - cursor->p);
    cursor->len -= head->len + 1;
    cursor->p = p + 1;
    return true;
}

char *rb_strdup(const char *s)
{
    return s ? str_dup(str_from(s)) : NULL;
}

bool rb_ct_equal(const void *a, size_t alen, const void *b, size_t blen)
{
    if (alen != blen) {
        return false;
    }
    return CRYPTO_memcmp(a, b, alen) == 0;
}

const char *json_id_text(const json_t *v, char tmp[32])
{
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        snprintf(tmp, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return tmp;
    }
    return NULL;
}

int json_id_dup(const json_t *v, char **out)
{
    char tmp[32];
    const char *t = json_id_text(v, tmp);

    *out = t ? strdup(t) : NULL;
    return t && !*out ? RB_ENOMEM : RB_OK;
}
