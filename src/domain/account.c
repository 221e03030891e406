/*
 * account.c - WhatsApp account_update changes (field account_update): kept in
 * account_updates, logged by name, and when one restricts what the number can
 * send (ACCOUNT_RESTRICTION, DISABLED_UPDATE), the owners and admins are told
 * on WhatsApp (prompts/<lang>/firstrun.txt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/handlers/handlers.h"
#include "domain/worker.h"
#include "store/account.h"

static bool restricts(const char *event)
{
    return strcmp(event, "ACCOUNT_RESTRICTION") == 0 || strcmp(event, "DISABLED_UPDATE") == 0;
}

/* What the value says beyond its event name, into out; the latest expiration
 * of its restrictions into *until_s (0 when none). */
static void describe(const json_t *value, struct buf *out, int64_t *until_s)
{
    const json_t *r, *ban = json_object_get(value, "ban_info");
    const char *violation = json_string_value(
        json_object_get(json_object_get(value, "violation_info"), "violation_type"));
    size_t i;

    *until_s = 0;
    json_array_foreach (json_object_get(value, "restriction_info"), i, r) {
        const char *type = json_string_value(json_object_get(r, "restriction_type"));
        const json_t *exp = json_object_get(r, "expiration");
        int64_t e = json_is_integer(exp)  ? (int64_t)json_integer_value(exp)
                    : json_is_string(exp) ? strtoll(json_string_value(exp), NULL, 10)
                                          : 0;
        buf_say(out, "%s%s", out->len ? ", " : "", type ? type : "restriction");
        *until_s = e > *until_s ? e : *until_s;
    }
    if (ban) {
        const char *state = json_string_value(json_object_get(ban, "waba_ban_state"));
        const char *date = json_string_value(json_object_get(ban, "waba_ban_date"));
        buf_say(out, "%s%s%s%s", out->len ? ", " : "", state ? state : "ban", date ? " " : "",
                date ? date : "");
    }
    if (violation) {
        buf_say(out, "%s%s", out->len ? ", " : "", violation);
    }
}

/* Tells each active owner and admin (once each). */
static int tell_owners(struct wctx *x, const char *key, const json_t *vars)
{
    static const char *const roles[] = {"owner", "admin"};
    int64_t *told = NULL;
    size_t ntold = 0;
    int rc = RB_OK;

    for (size_t k = 0; !rc && k < 2; k++) {
        int64_t *ids = NULL;
        size_t n = 0;
        rc = staff_by_role(x, roles[k], &ids, &n);
        for (size_t i = 0; !rc && i < n; i++) {
            bool seen = false;
            for (size_t j = 0; j < ntold; j++) {
                seen = seen || told[j] == ids[i];
            }
            if (seen) {
                continue;
            }
            struct say_opts o = {0, "alert", false, NULL};
            int64_t *t = realloc(told, (ntold + 1) * sizeof(*t));
            if (!t) {
                rc = RB_ENOMEM;
                break;
            }
            told = t;
            told[ntold++] = ids[i];
            rc = notify_staff_id(x, ids[i], key, vars, &o);
        }
        free(ids);
    }
    free(told);
    return rc;
}

int domain_account_update(struct wctx *x, const json_t *payload)
{
    const json_t *value = json_object_get(payload, "account_update");
    const char *event = json_string_value(json_object_get(value, "event"));
    struct account_update u;
    struct buf detail;
    json_t *vars = NULL;
    char until[24] = "";
    int rc;

    if (!json_is_object(value)) {
        return RB_OK;
    }
    event = event && event[0] ? event : "UNKNOWN";
    buf_init(&detail, 4096);
    memset(&u, 0, sizeof(u));
    describe(value, &detail, &u.until_s);
    u.venue_id = x->venue_id;
    u.event_id = x->event_id;
    u.event = event;
    u.restricts = restricts(event);
    u.detail = detail.len ? detail.p : NULL;
    u.value = value;
    rc = store_account_update_add(x->db, &u);
    log_event(u.restricts ? LOG_ERROR : LOG_INFO, "whatsapp.account_update",
              "event=%s restricts=%s detail=%s until=%lld", log_q(event, (size_t)-1),
              u.restricts ? "yes" : "no", log_q(detail.p, detail.len), (long long)u.until_s);
    if (!rc && u.restricts) {
        if (u.until_s > 0) {
            struct rb_datetime t = clock_local(u.until_s);
            snprintf(until, sizeof(until), "%02d/%02d/%04d %02d:%02d", t.date.d % 100,
                     t.date.m % 100, t.date.y % 10000, t.hour % 100, t.min % 100);
        }
        vars = json_pack("{s:s, s:s, s:s}", "event", event, "restriction",
                         detail.len ? detail.p : event, "until", until);
        rc = vars
                 ? tell_owners(x, until[0] ? "account_restricted" : "account_restricted_open", vars)
                 : RB_ENOMEM;
    }
    json_decref(vars);
    buf_release(&detail);
    return rc;
}
