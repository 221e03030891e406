/*
 * catalog.c - the slot table of INTENTS.md, canonical-form checks, and the
 * one-line JSON of `rabta parse`.
 */
#include "nlu/catalog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

const char *const stage_names[] = {"NEW",         "CONTACTED", "QUALIFIED", "SITE_VISIT", "QUOTED",
                                   "NEGOTIATING", "BOOKED",    "LOST",      NULL};

static const char *const slot_values[] = {"lunch", "dinner", "full_day", NULL};
static const char *const milestone_values[] = {"advance", "mid", "final", NULL};
static const char *const scope_values[] = {"mine", "all", "stale", NULL};
static const char *const metric_values[] = {
    "leads",         "bookings",    "conversion_rate",  "revenue",
    "response_time", "stale_leads", "overdue_payments", NULL};
static const char *const group_by_values[] = {"source", "staff", "stage", "month", NULL};

static const char *const named_periods[] = {
    "today",        "yesterday",    "this_week", "last_week", "this_month", "last_month",
    "this_quarter", "last_quarter", "ytd",       "last_year", NULL};

static const struct slot_def slot_table[] = {
    {"lead", SLOT_LEAD, NULL},
    {"date", SLOT_DATE, NULL},
    {"date_to", SLOT_DATE, NULL},
    {"when", SLOT_WHEN, NULL},
    {"stage", SLOT_STAGE, NULL},
    {"amount", SLOT_INT, NULL},
    {"guests", SLOT_INT, NULL},
    {"phone", SLOT_PHONE, NULL},
    {"name", SLOT_TEXT, NULL},
    {"staff", SLOT_TEXT, NULL},
    {"text", SLOT_TEXT, NULL},
    {"hall", SLOT_TEXT, NULL},
    {"slot", SLOT_ENUM, slot_values},
    {"milestone", SLOT_ENUM, milestone_values},
    {"scope", SLOT_ENUM, scope_values},
    {"metric", SLOT_ENUM, metric_values},
    {"group_by", SLOT_ENUM, group_by_values},
    {"period", SLOT_PERIOD, NULL},
    {"compare_period", SLOT_PERIOD, NULL},
};

#define SLOT_TABLE_LEN (sizeof slot_table / sizeof slot_table[0])

const struct slot_def *slot_def_find(const char *name)
{
    size_t i;

    if (!name) {
        return NULL;
    }
    for (i = 0; i < SLOT_TABLE_LEN; i++) {
        if (strcmp(slot_table[i].name, name) == 0) {
            return &slot_table[i];
        }
    }
    return NULL;
}

const struct slot_def *slot_defs(size_t *n)
{
    *n = SLOT_TABLE_LEN;
    return slot_table;
}

int stage_index(const char *name)
{
    int i;

    if (!name) {
        return -1;
    }
    for (i = 0; i < STAGE_COUNT; i++) {
        if (strcmp(stage_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

static const struct {
    const char *name;
    unsigned bit;
} role_table[] = {
    {"owner", ROLE_OWNER},
    {"sales", ROLE_SALES},
    {"finance", ROLE_FINANCE},
    {"admin", ROLE_ADMIN},
};

unsigned role_parse(const char *s)
{
    size_t i;

    if (!s) {
        return 0;
    }
    for (i = 0; i < sizeof role_table / sizeof role_table[0]; i++) {
        if (strcmp(role_table[i].name, s) == 0) {
            return role_table[i].bit;
        }
    }
    return 0;
}

const char *role_name(unsigned role)
{
    size_t i;

    for (i = 0; i < sizeof role_table / sizeof role_table[0]; i++) {
        if (role_table[i].bit == role) {
            return role_table[i].name;
        }
    }
    return NULL;
}

/* ---- canonical-form checks ---- */

/* True when s[0..n) are all ASCII digits. */
static bool all_digits(const char *s, size_t n)
{
    size_t i;

    if (n == 0) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

static bool in_list(const char *const *list, const char *s)
{
    size_t i;

    for (i = 0; list && list[i]; i++) {
        if (strcmp(list[i], s) == 0) {
            return true;
        }
    }
    return false;
}

/* "+" then 8..15 digits, the first not 0. */
static bool phone_valid(const char *s)
{
    size_t n = strlen(s);

    return n >= 9 && n <= 16 && s[0] == '+' && s[1] >= '1' && s[1] <= '9' &&
           all_digits(s + 1, n - 1);
}

/* Exactly YYYY-MM-DD (10 bytes), or YYYY-MM-DDTHH:MM (16) when with_time. */
static bool date_text_valid(const char *s, bool with_time)
{
    struct rb_datetime t;
    size_t n = strlen(s);

    if (n != (with_time ? 16u : 10u)) {
        return false;
    }
    if (!all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
        !all_digits(s + 8, 2)) {
        return false;
    }
    if (with_time &&
        (s[10] != 'T' || !all_digits(s + 11, 2) || s[13] != ':' || !all_digits(s + 14, 2))) {
        return false;
    }
    if (datetime_parse(s, &t) != RB_OK) {
        return false;
    }
    return t.hour >= 0 && t.hour < 24 && t.min >= 0 && t.min < 60;
}

/* YYYY-MM, YYYY-Qn, YYYY or a named period. */
static bool period_valid(const char *s)
{
    size_t n = strlen(s);
    int m;

    if (in_list(named_periods, s)) {
        return true;
    }
    if (n == 4) {
        return all_digits(s, 4);
    }
    if (n != 7 || !all_digits(s, 4) || s[4] != '-') {
        return false;
    }
    if (s[5] == 'Q') {
        return s[6] >= '1' && s[6] <= '4';
    }
    if (!all_digits(s + 5, 2)) {
        return false;
    }
    m = (s[5] - '0') * 10 + (s[6] - '0');
    return m >= 1 && m <= 12;
}

static bool text_nonblank(const char *s)
{
    for (; *s; s++) {
        if (!isspace((unsigned char)*s)) {
            return true;
        }
    }
    return false;
}

/* A lead: digits, an E.164 phone, "this", or a name (anything not blank). */
static bool lead_valid(const char *s)
{
    if (s[0] == '+') {
        return phone_valid(s);
    }
    return text_nonblank(s);
}

bool slot_value_valid(const struct slot_def *def, const json_t *v)
{
    const char *s;

    if (!def || !v) {
        return false;
    }
    if (def->type == SLOT_INT) {
        return json_is_integer(v) && json_integer_value(v) > 0;
    }
    if (!json_is_string(v)) {
        return false;
    }
    s = json_string_value(v);
    switch (def->type) {
    case SLOT_LEAD:
        return lead_valid(s);
    case SLOT_DATE:
        return date_text_valid(s, false);
    case SLOT_WHEN:
        return date_text_valid(s, true);
    case SLOT_STAGE:
        return stage_index(s) >= 0;
    case SLOT_PHONE:
        return phone_valid(s);
    case SLOT_TEXT:
        return text_nonblank(s);
    case SLOT_ENUM:
        return in_list(def->values, s);
    case SLOT_PERIOD:
        return period_valid(s);
    case SLOT_INT:
        break;
    }
    return false;
}

/* ---- parse results ---- */

void parse_result_init(struct parse_result *r)
{
    r->intent = NULL;
    r->slots = NULL;
    r->lang = LANG_EN;
    r->engine = "rules";
    r->confidence = 0.0;
    r->fallback = NULL;
}

void parse_result_release(struct parse_result *r)
{
    if (!r) {
        return;
    }
    free(r->intent);
    json_decref(r->slots);
    free(r->fallback);
    parse_result_init(r);
}

/* Adds key → value to obj, taking the reference to value. */
static int put(json_t *obj, const char *key, json_t *value)
{
    if (!value) {
        return RB_ENOMEM;
    }
    if (json_object_set_new(obj, key, value) != 0) {
        return RB_ENOMEM;
    }
    return RB_OK;
}

int parse_result_to_json(const struct parse_result *r, struct buf *out)
{
    json_t *obj = NULL;
    json_t *slots = NULL;
    char *text = NULL;
    double conf = r->confidence;
    int rc;

    if (conf < 0.0) {
        conf = 0.0;
    }
    if (conf > 1.0) {
        conf = 1.0;
    }
    /* two decimals: 0.92, never 0.92000000000000004 */
    conf = (double)(long)(conf * 100.0 + 0.5) / 100.0;

    obj = json_object();
    if (!obj) {
        rc = RB_ENOMEM;
        goto out;
    }
    slots = r->slots ? json_incref(r->slots) : json_object();
    rc = put(obj, "intent", json_string(r->intent ? r->intent : "unknown"));
    if (!rc) {
        rc = put(obj, "slots", slots);
        slots = NULL; /* taken, even on failure */
    }
    if (!rc) {
        rc = put(obj, "lang", json_string(lang_name(r->lang)));
    }
    if (!rc) {
        rc = put(obj, "engine", json_string(r->engine ? r->engine : "rules"));
    }
    if (!rc) {
        rc = put(obj, "confidence", json_real(conf));
    }
    if (!rc && r->fallback) {
        rc = put(obj, "fallback", json_string(r->fallback));
    }
    if (rc) {
        goto out;
    }
    /* Insertion order is kept (jansson >= 2.8); non-ASCII stays UTF-8 since
     * JSON_ENSURE_ASCII is not set. */
    text = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(2));
    if (!text) {
        rc = RB_ENOMEM;
        goto out;
    }
    rc = buf_adds(out, text);
out:
    free(text);
    json_decref(slots);
    json_decref(obj);
    return rc;
}
