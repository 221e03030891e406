#include "core/err.h"

static const char *const rb_err_text[RB_ERR_COUNT] = {
    [RB_OK] = "ok",
    [RB_ENOMEM] = "out of memory",
    [RB_EINVAL] = "invalid input",
    [RB_ETOOBIG] = "too large",
    [RB_EPARSE] = "malformed input",
    [RB_EBADSIG] = "bad signature",
    [RB_ENOTFOUND] = "not found",
    [RB_EPERM] = "not permitted",
    [RB_ECONFLICT] = "conflict",
    [RB_ESTORE] = "store unavailable",
    [RB_EUPSTREAM] = "upstream error",
    [RB_ETIMEOUT] = "timed out",
    [RB_ERATELIMIT] = "rate limited",
    [RB_EINTERNAL] = "internal error",
    [RB_EEXPIRED] = "expired",
};

const char *rb_strerror(int rc)
{
    if (rc < 0 || rc >= RB_ERR_COUNT) {
        return "unknown error";
    }
    return rb_err_text[rc];
}
