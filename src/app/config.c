#include "app/config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/templates.h"
#include "core/str.h"

enum key_type { K_STR, K_INT, K_DOUBLE };

/* One row per scalar key: section, name, type, offset, default, bounds. */
struct key_def {
    const char *section;
    const char *name;
    enum key_type type;
    size_t off;
    const char *def;
    double min, max;
};

#define S(sec, key, field, d)                                                                      \
    {                                                                                              \
        sec, key, K_STR, offsetof(struct config, field), d, 0, 0                                   \
    }
#define I(sec, key, field, d, lo, hi)                                                              \
    {                                                                                              \
        sec, key, K_INT, offsetof(struct config, field), d, lo, hi                                 \
    }
#define D(sec, key, field, d, lo, hi)                                                              \
    {                                                                                              \
        sec, key, K_DOUBLE, offsetof(struct config, field), d, lo, hi                              \
    }

static const struct key_def config_keys[] = {
    S("venue", "name", venue_name, "Rabta Venue"),
    S("venue", "city", venue_city, ""),
    S("venue", "time_zone", time_zone, "Asia/Karachi"),
    I("venue", "country_code", country_code, "92", 1, 999),
    S("venue", "phone_number_id", phone_number_id, "110200300400500"),
    S("venue", "display_phone", display_phone, ""),
    I("thresholds", "stale_reminder_hours", stale_reminder_hours, "24", 1, 720),
    I("thresholds", "escalate_hours", escalate_hours, "48", 1, 720),
    I("thresholds", "quote_followup_days", quote_followup_days, "3", 1, 60),
    I("thresholds", "pending_question_minutes", pending_question_min, "30", 1, 1440),
    I("thresholds", "window_hours", window_hours, "24", 1, 24),
    S("whatsapp", "greeting_template", greeting_template, "lead_greeting"),
    S("whatsapp", "notify_template", notify_template, "staff_update"),
    S("whatsapp", "reengage_template", reengage_template, "client_followup"),
    S("whatsapp", "template_lang", template_lang, "ur"),
    I("whatsapp", "rate_per_second", rate_per_second, "80", 1, 1000),
    I("whatsapp", "pair_min_interval_ms", pair_min_interval_ms, "6000", 0, 600000),
    I("workers", "count", workers, "4", 1, 64),
    I("workers", "poll_ms", poll_ms, "1000", 10, 60000),
    I("workers", "send_timeout_ms", send_timeout_ms, "10000", 100, 120000),
    I("workers", "connect_timeout_ms", connect_timeout_ms, "3000", 100, 60000),
    I("workers", "max_attempts", max_attempts, "12", 1, 100),
    I("workers", "event_retry_ms", event_retry_ms, "1000", 10, 60000),
    I("workers", "job_retry_ms", job_retry_ms, "2000", 10, 60000),
    I("gemini", "timeout_ms", gemini_timeout_ms, "4000", 100, 60000),
    D("gemini", "min_rules_confidence", gemini_min_rules_confidence, "0.75", 0, 1),
    S("meta_leads", "full_name", lead_fields.full_name, "full_name"),
    S("meta_leads", "phone", lead_fields.phone, "phone_number"),
    S("meta_leads", "event_date", lead_fields.event_date, "event_date"),
    S("meta_leads", "guests", lead_fields.guests, "guest_count"),
    S("meta_leads", "campaign", lead_fields.campaign, "campaign_name"),
    I("assignment", "big_event_guests", big_event_guests, "0", 0, 100000),
    S("assignment", "big_event_staff", big_event_staff, ""),
    S("assignment", "meta_staff", meta_staff, ""),
    I("leads", "reopen_hours", reopen_hours, "24", 0, 720),
    S("report", "public_url", report_public_url, ""),
    S("report", "money_grouping", report_money_grouping, "lakh"),
    S("report", "currency", report_currency, "Rs"),
    S("report", "digest_day", report_digest_day, "monday"),
    S("report", "digest_time", report_digest_time, "09:00"),
    I("payments", "advance_percent", pay_advance_pct, "30", 0, 100),
    I("payments", "advance_days_after_booking", pay_advance_days, "0", 0, 365),
    I("payments", "mid_percent", pay_mid_pct, "40", 0, 100),
    I("payments", "mid_days_before_event", pay_mid_days, "30", 0, 730),
    I("payments", "final_days_before_event", pay_final_days, "7", 0, 730),
    I("payments", "invoicing_poll_seconds", pay_poll_seconds, "900", 1, 86400),
    S("reminders", "remind_clients", rem_clients, "no"),
    S("reminders", "quiet_start", rem_quiet_start, "22:00"),
    S("reminders", "quiet_end", rem_quiet_end, "09:00"),
    I("reminders", "owner_after_days", rem_owner_days, "7", 1, 365),
    S("reminders", "owner_urgent", rem_owner_urgent, "no"),
};

#define NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

struct loader {
    struct config *c;
    const char *path;
    int line;
    char section[32];
    struct buf *err;
    int errors;
};

RB_PRINTF(2, 3) static void lerr(struct loader *l, const char *fmt, ...)
{
    va_list ap;

    buf_say(l->err, "%s:%d: ", l->path, l->line);
    va_start(ap, fmt);
    if (buf_vaddf(l->err, fmt, ap)) {
        /* remembered in l->err */
    }
    va_end(ap);
    buf_say(l->err, "\n");
    l->errors++;
}

static int set_scalar(struct config *c, const struct key_def *k, const char *v, struct loader *l)
{
    char *end = NULL;
    void *field = (char *)c + k->off;

    if (k->type == K_STR) {
        char *s = rb_strdup(v);
        if (!s) {
            return RB_ENOMEM;
        }
        free(*(char **)field);
        *(char **)field = s;
        return RB_OK;
    }
    double d = strtod(v, &end);
    if (!v[0] || (end && *end) || d < k->min || d > k->max ||
        (k->type == K_INT && d != (double)(long)d)) {
        if (l) {
            lerr(l, "%s: value \"%s\" is out of range or not a number", k->name, v);
        }
        return RB_EPARSE;
    }
    if (k->type == K_INT) {
        *(int *)field = (int)d;
    } else {
        *(double *)field = d;
    }
    return RB_OK;
}

static int apply_defaults(struct config *c)
{
    for (size_t i = 0; i < NKEYS; i++) {
        int rc = set_scalar(c, &config_keys[i], config_keys[i].def, NULL);
        if (rc) {
            return rc;
        }
    }
    return RB_OK;
}

static char *trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) {
        *--e = '\0';
    }
    return s;
}

static int parse_hhmm(const char *s, int *min)
{
    int h, m;
    char extra;

    if (sscanf(s, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 24 || m < 0 || m > 59) {
        return RB_EPARSE;
    }
    *min = h * 60 + m;
    return RB_OK;
}

static int add_aliases(struct hall_conf *h, char *v)
{
    char *save = NULL;

    for (char *t = strtok_r(v, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char **a = realloc(h->aliases, (h->naliases + 1) * sizeof(*a));
        if (!a) {
            return RB_ENOMEM;
        }
        h->aliases = a;
        t = trim(t);
        if (!*t) {
            continue;
        }
        a[h->naliases] = rb_strdup(t);
        if (!a[h->naliases]) {
            return RB_ENOMEM;
        }
        h->naliases++;
    }
    return RB_OK;
}

static int hall_key(struct loader *l, const char *k, char *v)
{
    struct hall_conf *h = &l->c->halls[l->c->nhalls - 1];

    if (strcmp(k, "name") == 0) {
        free(h->name);
        h->name = rb_strdup(v);
        return h->name ? RB_OK : RB_ENOMEM;
    }
    if (strcmp(k, "aliases") == 0) {
        return add_aliases(h, v);
    }
    if (strcmp(k, "capacity") == 0) {
        h->capacity = atoi(v);
        if (h->capacity <= 0) {
            lerr(l, "capacity: \"%s\" is not a positive number", v);
        }
        return RB_OK;
    }
    lerr(l, "unknown key \"%s\" in [hall]", k);
    return RB_OK;
}

static int slot_key(struct loader *l, const char *k, char *v)
{
    struct slot_conf *s = &l->c->slots[l->c->nslots - 1];

    if (strcmp(k, "name") == 0) {
        if (strcmp(v, "lunch") && strcmp(v, "dinner") && strcmp(v, "full_day")) {
            lerr(l, "slot name \"%s\" is not lunch, dinner or full_day", v);
        }
        free(s->name);
        s->name = rb_strdup(v);
        return s->name ? RB_OK : RB_ENOMEM;
    }
    if (strcmp(k, "hours") == 0) {
        char *dash = strchr(v, '-');
        if (!dash) {
            lerr(l, "hours: \"%s\" is not HH:MM-HH:MM", v);
            return RB_OK;
        }
        *dash = '\0';
        if (parse_hhmm(trim(v), &s->start_min) || parse_hhmm(trim(dash + 1), &s->end_min)) {
            lerr(l, "hours: \"%s\" is not HH:MM-HH:MM", v);
        }
        return RB_OK;
    }
    lerr(l, "unknown key \"%s\" in [slot]", k);
    return RB_OK;
}

static bool valid_e164(const char *p)
{
    size_t n = strlen(p);

    if (n < 8 || n > 16 || p[0] != '+' || p[1] == '0') {
        return false;
    }
    for (size_t i = 1; i < n; i++) {
        if (!isdigit((unsigned char)p[i])) {
            return false;
        }
    }
    return true;
}

static int staff_key(struct loader *l, const char *k, char *v)
{
    struct staff_conf *s = &l->c->staff[l->c->nstaff - 1];
    char **field = NULL;

    if (strcmp(k, "name") == 0) {
        field = &s->name;
    } else if (strcmp(k, "phone") == 0) {
        field = &s->phone;
        if (!valid_e164(v)) {
            lerr(l, "phone \"%s\" is not E.164 (like +923001234567)", v);
        }
    } else if (strcmp(k, "role") == 0) {
        field = &s->role;
        if (strcmp(v, "owner") && strcmp(v, "sales") && strcmp(v, "finance") &&
            strcmp(v, "admin")) {
            lerr(l, "role \"%s\" is not owner, sales, finance or admin", v);
        }
    } else if (strcmp(k, "lang") == 0) {
        field = &s->lang;
        if (strcmp(v, "ur") && strcmp(v, "roman_ur") && strcmp(v, "en")) {
            lerr(l, "lang \"%s\" is not ur, roman_ur or en", v);
        }
    } else {
        lerr(l, "unknown key \"%s\" in [staff]", k);
        return RB_OK;
    }
    free(*field);
    *field = rb_strdup(v);
    return *field ? RB_OK : RB_ENOMEM;
}

static int grow(void **arr, size_t *n, size_t size);

static bool param_name_ok(const char *p)
{
    if (!*p) {
        return false;
    }
    for (; *p; p++) {
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_') {
            return false;
        }
    }
    return true;
}

/* "lead_greeting = ur: client_name, venue" */
static int template_key(struct loader *l, const char *k, char *v)
{
    struct config *c = l->c;
    struct template_decl *t;
    char *colon = strchr(v, ':'), *save = NULL;
    int rc;

    if (!param_name_ok(k)) {
        lerr(l, "template name \"%s\" is not lower-case letters, digits and _", k);
        return RB_OK;
    }
    if (config_find_template(c, k)) {
        lerr(l, "template %s is declared twice", k);
        return RB_OK;
    }
    if (!colon) {
        lerr(l,
             "template %s: expected \"LANGUAGE: param, param\" (like \"ur: client_name, venue\")",
             k);
        return RB_OK;
    }
    *colon = '\0';
    rc = grow((void **)&c->templates, &c->ntemplates, sizeof(*c->templates));
    if (rc) {
        return rc;
    }
    t = &c->templates[c->ntemplates - 1];
    t->line = l->line;
    t->name = rb_strdup(k);
    t->lang = rb_strdup(trim(v));
    if (!t->name || !t->lang) {
        return RB_ENOMEM;
    }
    if (!t->lang[0] || strspn(t->lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") !=
                           strlen(t->lang)) {
        lerr(l, "template %s: language \"%s\" is not a code like ur or en_US", k, t->lang);
    }
    for (char *p = strtok_r(colon + 1, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        p = trim(p);
        if (!param_name_ok(p)) {
            lerr(l, "template %s: parameter \"%s\" is not lower-case letters, digits and _", k, p);
            continue;
        }
        rc = grow((void **)&t->params, &t->nparams, sizeof(*t->params));
        if (rc) {
            return rc;
        }
        t->params[t->nparams - 1] = rb_strdup(p);
        if (!t->params[t->nparams - 1]) {
            return RB_ENOMEM;
        }
    }
    return RB_OK;
}

const struct template_decl *config_find_template(const struct config *c, const char *name)
{
    for (size_t i = 0; name && i < c->ntemplates; i++) {
        if (strcmp(c->templates[i].name, name) == 0) {
            return &c->templates[i];
        }
    }
    return NULL;
}

static int grow(void **arr, size_t *n, size_t size)
{
    void *p = realloc(*arr, (*n + 1) * size);

    if (!p) {
        return RB_ENOMEM;
    }
    memset((char *)p + *n * size, 0, size);
    *arr = p;
    (*n)++;
    return RB_OK;
}

static int open_section(struct loader *l, const char *name)
{
    struct config *c = l->c;

    snprintf(l->section, sizeof(l->section), "%s", name);
    if (strncmp(name, "sequence ", 9) == 0) {
        snprintf(l->section, sizeof(l->section), "sequence");
        const char *nm = name + 9;
        while (*nm == ' ') {
            nm++;
        }
        return seq_open(&c->seqs, &c->nseqs, nm);
    }
    if (strcmp(name, "hall") == 0) {
        return grow((void **)&c->halls, &c->nhalls, sizeof(*c->halls));
    }
    if (strcmp(name, "slot") == 0) {
        return grow((void **)&c->slots, &c->nslots, sizeof(*c->slots));
    }
    if (strcmp(name, "staff") == 0) {
        return grow((void **)&c->staff, &c->nstaff, sizeof(*c->staff));
    }
    if (strcmp(name, "templates") == 0) {
        return RB_OK;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(config_keys[i].section, name) == 0) {
            return RB_OK;
        }
    }
    lerr(l, "unknown section [%s]", name);
    return RB_OK;
}

static int key_value(struct loader *l, const char *k, char *v)
{
    if (strcmp(l->section, "hall") == 0) {
        return hall_key(l, k, v);
    }
    if (strcmp(l->section, "slot") == 0) {
        return slot_key(l, k, v);
    }
    if (strcmp(l->section, "staff") == 0) {
        return staff_key(l, k, v);
    }
    if (strcmp(l->section, "templates") == 0) {
        return template_key(l, k, v);
    }
    if (strcmp(l->section, "sequence") == 0) {
        char why[200];
        int rc = seq_key(&l->c->seqs[l->c->nseqs - 1], k, v, why, sizeof(why));
        if (rc == RB_EPARSE) {
            lerr(l, "%s", why);
        }
        return rc == RB_EPARSE ? RB_OK : rc;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(config_keys[i].section, l->section) == 0 &&
            strcmp(config_keys[i].name, k) == 0) {
            int rc = set_scalar(l->c, &config_keys[i], v, l);
            return rc == RB_EPARSE ? RB_OK : rc;
        }
    }
    lerr(l, "unknown key \"%s\" in [%s]", k, l->section);
    return RB_OK;
}

static int load_line(struct loader *l, char *line)
{
    char *s = trim(line), *eq, *hash;

    if (!*s || *s == '#' || *s == ';') {
        return RB_OK;
    }
    if (*s == '[') {
        char *e = strchr(s, ']');
        if (!e || e[1]) {
            lerr(l, "malformed section line \"%s\"", s);
            return RB_OK;
        }
        *e = '\0';
        return open_section(l, trim(s + 1));
    }
    eq = strchr(s, '=');
    if (!eq) {
        lerr(l, "expected key = value, got \"%s\"", s);
        return RB_OK;
    }
    *eq = '\0';
    hash = strstr(eq + 1, " #");
    if (hash) {
        *hash = '\0';
    }
    if (!l->section[0]) {
        lerr(l, "key \"%s\" outside any [section]", trim(s));
        return RB_OK;
    }
    return key_value(l, trim(s), trim(eq + 1));
}

static void check_whole(struct loader *l)
{
    struct config *c = l->c;

    l->line = 0;
    if (c->nhalls == 0) {
        lerr(l, "no [hall] defined");
    }
    for (size_t i = 0; i < c->nhalls; i++) {
        if (!c->halls[i].name) {
            lerr(l, "a [hall] has no name");
        }
    }
    for (size_t i = 0; i < c->nstaff; i++) {
        if (!c->staff[i].name || !c->staff[i].phone || !c->staff[i].role) {
            lerr(l, "a [staff] entry needs name, phone and role");
        }
    }
    l->errors += templates_check(c, l->err);
    if (strcmp(c->report_money_grouping, "lakh") && strcmp(c->report_money_grouping, "thousands")) {
        lerr(l, "[report] money_grouping \"%s\" is not lakh or thousands",
             c->report_money_grouping);
    }
    char day[40];
    snprintf(day, sizeof(day), " %s ", c->report_digest_day);
    if (!c->report_digest_day[0] || strchr(c->report_digest_day, ' ') ||
        !strstr(" monday tuesday wednesday thursday friday saturday sunday off ", day)) {
        lerr(l, "[report] digest_day \"%s\" is not a weekday (monday ... sunday) or off",
             c->report_digest_day);
    }
    if (parse_hhmm(c->report_digest_time, &c->report_digest_min) ||
        c->report_digest_min >= 24 * 60) {
        lerr(l, "[report] digest_time \"%s\" is not HH:MM", c->report_digest_time);
    }
    if (c->pay_advance_pct + c->pay_mid_pct > 100) {
        lerr(l, "[payments] advance_percent and mid_percent add up to more than 100");
    }
    if (c->pay_final_days > c->pay_mid_days) {
        lerr(l, "[payments] final_days_before_event is more than mid_days_before_event");
    }
    if (strcmp(c->rem_clients, "yes") && strcmp(c->rem_clients, "no")) {
        lerr(l, "[reminders] remind_clients \"%s\" is not yes or no", c->rem_clients);
    }
    if (strcmp(c->rem_owner_urgent, "yes") && strcmp(c->rem_owner_urgent, "no")) {
        lerr(l, "[reminders] owner_urgent \"%s\" is not yes or no", c->rem_owner_urgent);
    }
    if (parse_hhmm(c->rem_quiet_start, &c->rem_quiet_start_min) ||
        c->rem_quiet_start_min >= 24 * 60) {
        lerr(l, "[reminders] quiet_start \"%s\" is not HH:MM", c->rem_quiet_start);
    }
    if (parse_hhmm(c->rem_quiet_end, &c->rem_quiet_end_min) || c->rem_quiet_end_min >= 24 * 60) {
        lerr(l, "[reminders] quiet_end \"%s\" is not HH:MM", c->rem_quiet_end);
    }
    for (size_t i = 0; i < c->nseqs; i++) {
        char why[200];
        if (seq_invalid(&c->seqs[i], why, sizeof(why))) {
            lerr(l, "%s", why);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(c->seqs[i].name, c->seqs[j].name) == 0) {
                lerr(l, "[sequence %s] is defined twice", c->seqs[i].name);
            }
        }
    }
}

/* config_load; with best, *out also gets what could be read when there were
 * errors (bad values keep their defaults), and RB_EPARSE is still returned. */
static int load(const char *path, struct config **out, struct buf *err, bool best)
{
    struct loader l = {0};
    FILE *f = NULL;
    char line[4096];
    int rc;

    l.c = calloc(1, sizeof(*l.c));
    l.path = path;
    l.err = err;
    if (!l.c) {
        return RB_ENOMEM;
    }
    rc = apply_defaults(l.c);
    if (!rc) {
        l.c->path = rb_strdup(path);
        f = fopen(path, "r");
        if (!f) {
            buf_say(err, "%s: cannot open\n", path);
            rc = RB_ENOTFOUND;
        }
    }
    while (!rc && f && fgets(line, sizeof(line), f)) {
        l.line++;
        rc = load_line(&l, line);
    }
    if (f) {
        fclose(f);
    }
    if (!rc) {
        check_whole(&l);
        rc = l.errors ? RB_EPARSE : RB_OK;
    }
    if (rc && !(best && rc == RB_EPARSE)) {
        config_free(l.c);
        return rc;
    }
    *out = l.c;
    return rc;
}

int config_load(const char *path, struct config **out, struct buf *err)
{
    return load(path, out, err, false);
}

int config_load_best(const char *path, struct config **out, struct buf *err)
{
    *out = NULL;
    return load(path, out, err, true);
}

int config_restart_keys(const struct config *old, const struct config *new, struct buf *out)
{
    int n = 0;

    if (old->workers != new->workers) {
        buf_say(out, "%sworkers.count", n++ ? ", " : "");
    }
    if (strcmp(old->phone_number_id, new->phone_number_id) != 0) {
        buf_say(out, "%svenue.phone_number_id", n++ ? ", " : "");
    }
    return n;
}

void config_free(struct config *c)
{
    if (!c) {
        return;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (config_keys[i].type == K_STR) {
            free(*(char **)((char *)c + config_keys[i].off));
        }
    }
    for (size_t i = 0; i < c->nhalls; i++) {
        free(c->halls[i].name);
        for (size_t j = 0; j < c->halls[i].naliases; j++) {
            free(c->halls[i].aliases[j]);
        }
        free(c->halls[i].aliases);
    }
    for (size_t i = 0; i < c->nslots; i++) {
        free(c->slots[i].name);
    }
    for (size_t i = 0; i < c->nstaff; i++) {
        free(c->staff[i].name);
        free(c->staff[i].phone);
        free(c->staff[i].role);
        free(c->staff[i].lang);
    }
    for (size_t i = 0; i < c->ntemplates; i++) {
        free(c->templates[i].name);
        free(c->templates[i].lang);
        for (size_t j = 0; j < c->templates[i].nparams; j++) {
            free(c->templates[i].params[j]);
        }
        free(c->templates[i].params);
    }
    free(c->templates);
    seq_free(c->seqs, c->nseqs);
    free(c->halls);
    free(c->slots);
    free(c->staff);
    free(c->path);
    free(c);
}

const struct hall_conf *config_find_hall(const struct config *c, const char *s)
{
    for (size_t i = 0; i < c->nhalls; i++) {
        if (c->halls[i].name && strcasecmp(c->halls[i].name, s) == 0) {
            return &c->halls[i];
        }
        for (size_t j = 0; j < c->halls[i].naliases; j++) {
            if (strcasecmp(c->halls[i].aliases[j], s) == 0) {
                return &c->halls[i];
            }
        }
    }
    return NULL;
}
