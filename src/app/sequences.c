#include "app/sequences.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/str.h"

static const char *const triggers[] = {"CONTACTED", "SITE_VISIT", "QUOTED", "NEGOTIATING", "LOST"};

int seq_open(struct seq_conf **arr, size_t *n, const char *name)
{
    struct seq_conf *p = realloc(*arr, (*n + 1) * sizeof(*p));

    if (!p) {
        return RB_ENOMEM;
    }
    *arr = p;
    memset(&p[*n], 0, sizeof(p[*n]));
    p[*n].name = rb_strdup(name);
    (*n)++;
    return p[*n - 1].name ? RB_OK : RB_ENOMEM;
}

static void free_steps(struct seq_conf *s)
{
    for (size_t i = 0; i < s->nsteps; i++) {
        free(s->steps[i].key);
    }
    free(s->steps);
    s->steps = NULL;
    s->nsteps = 0;
}

/* "3d" / "12h" / "30m" into seconds; false when it is not one. */
static bool parse_delay(const char *s, int *out)
{
    char unit, extra;
    int v;

    if (sscanf(s, "%d%c%c", &v, &unit, &extra) != 2 || v <= 0 || v > 365 * 24 * 60) {
        return false;
    }
    switch (unit) {
    case 'd':
        *out = v <= 365 ? v * 86400 : -1;
        break;
    case 'h':
        *out = v <= 365 * 24 ? v * 3600 : -1;
        break;
    case 'm':
        *out = v * 60;
        break;
    default:
        return false;
    }
    return *out > 0;
}

static bool key_ok(const char *k)
{
    if (!k[0] || strlen(k) > 60) {
        return false;
    }
    for (const char *p = k; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
            return false;
        }
    }
    return true;
}

/* "1d client:key, 3d staff:key" into s's steps. */
static int parse_steps(struct seq_conf *s, const char *v, char *err, size_t errn)
{
    char *copy = rb_strdup(v), *save = NULL;
    int rc = copy ? RB_OK : RB_ENOMEM, last = 0;

    free_steps(s);
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; !rc && t;
         t = strtok_r(NULL, ",", &save)) {
        char delay[16], who[16], key[64], extra[2];
        struct seq_step st = {0, false, NULL};
        char *colon = strchr(t, ':');

        if (colon) {
            *colon = ' ';
        }
        if (sscanf(t, " %15s %15s %63s %1s", delay, who, key, extra) != 3) {
            snprintf(err, errn, "steps: \"%s\" is not DELAY client:KEY or DELAY staff:KEY", t);
            rc = RB_EPARSE;
        } else if (!parse_delay(delay, &st.delay_s)) {
            snprintf(
                err, errn,
                "steps: delay \"%s\" is not a number of days (3d), hours (12h) or minutes (30m)",
                delay);
            rc = RB_EPARSE;
        } else if (st.delay_s <= last) {
            snprintf(err, errn, "steps: delay \"%s\" comes no later than the step before", delay);
            rc = RB_EPARSE;
        } else if (strcmp(who, "client") && strcmp(who, "staff")) {
            snprintf(err, errn, "steps: \"%s\" is not client or staff", who);
            rc = RB_EPARSE;
        } else if (!key_ok(key)) {
            snprintf(err, errn, "steps: \"%s\" is not a prompt key", key);
            rc = RB_EPARSE;
        } else {
            struct seq_step *p = realloc(s->steps, (s->nsteps + 1) * sizeof(*p));
            st.to_client = strcmp(who, "client") == 0;
            st.key = rb_strdup(key);
            if (!p || !st.key) {
                free(st.key);
                if (p) {
                    s->steps = p;
                }
                rc = RB_ENOMEM;
            } else {
                s->steps = p;
                s->steps[s->nsteps++] = st;
                last = st.delay_s;
            }
        }
    }
    free(copy);
    return rc;
}

int seq_key(struct seq_conf *s, const char *k, const char *v, char *err, size_t errn)
{
    char **field = NULL;

    if (strcmp(k, "steps") == 0) {
        return parse_steps(s, v, err, errn);
    }
    if (strcmp(k, "trigger") == 0) {
        bool known = false;
        for (size_t i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++) {
            known = known || strcasecmp(v, triggers[i]) == 0;
        }
        if (!known) {
            snprintf(err, errn,
                     "trigger \"%s\" is not a stage a sequence can start at (CONTACTED, "
                     "SITE_VISIT, QUOTED, NEGOTIATING, LOST)",
                     v);
            return RB_EPARSE;
        }
        field = &s->trigger;
    } else if (strcmp(k, "reason") == 0) {
        field = &s->reason;
    } else {
        snprintf(err, errn, "unknown key \"%s\" in [sequence %s]", k, s->name);
        return RB_EPARSE;
    }
    free(*field);
    *field = rb_strdup(v);
    if (*field && field == &s->trigger) {
        for (char *p = *field; *p; p++) {
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
        }
    }
    return *field ? RB_OK : RB_ENOMEM;
}

bool seq_invalid(const struct seq_conf *s, char *err, size_t errn)
{
    if (!s->name[0] || !key_ok(s->name)) {
        snprintf(err, errn, "[sequence %s]: the name is not lowercase letters, digits, _", s->name);
    } else if (!s->trigger) {
        snprintf(err, errn, "[sequence %s] has no trigger", s->name);
    } else if (!s->nsteps) {
        snprintf(err, errn, "[sequence %s] has no steps", s->name);
    } else if (s->reason && strcmp(s->trigger, "LOST") != 0) {
        snprintf(err, errn, "[sequence %s]: reason is for trigger = LOST only", s->name);
    } else {
        return false;
    }
    return true;
}

void seq_free(struct seq_conf *arr, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(arr[i].name);
        free(arr[i].trigger);
        free(arr[i].reason);
        free_steps(&arr[i]);
    }
    free(arr);
}
