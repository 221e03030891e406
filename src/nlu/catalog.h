/*
 * catalog.h - the slots of INTENTS.md and what one parse yields.
 *
 * The slot names and their canonical forms are the contract of `rabta parse`
 * and are fixed here. Which intents exist, who may run them and which slots
 * each takes come from the intents/ files (nlu/intents.h).
 */
#ifndef RB_NLU_CATALOG_H
#define RB_NLU_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/buf.h"
#include "nlu/text.h"

enum slot_type {
    SLOT_LEAD,   /* "42", "+923001234567", a name, or "this" */
    SLOT_DATE,   /* YYYY-MM-DD */
    SLOT_WHEN,   /* YYYY-MM-DDTHH:MM */
    SLOT_STAGE,  /* NEW ... LOST */
    SLOT_INT,    /* amount (rupees), guests */
    SLOT_PHONE,  /* E.164 */
    SLOT_TEXT,   /* free text: name, staff, text, hall */
    SLOT_ENUM,   /* one of def->values */
    SLOT_PERIOD, /* YYYY-MM, YYYY-Qn, YYYY or a named period */
};

struct slot_def {
    const char *name;
    enum slot_type type;
    const char *const *values; /* SLOT_ENUM: NULL-terminated */
};

/* The slot table; NULL for an unknown name. */
const struct slot_def *slot_def_find(const char *name);
/* All slot definitions, *n of them. */
const struct slot_def *slot_defs(size_t *n);

/* Checks that v has the canonical form of its slot (used on Gemini output). */
bool slot_value_valid(const struct slot_def *def, const json_t *v);

/* The stages in pipeline order. */
extern const char *const stage_names[];
enum {
    STAGE_NEW,
    STAGE_CONTACTED,
    STAGE_QUALIFIED,
    STAGE_SITE_VISIT,
    STAGE_QUOTED,
    STAGE_NEGOTIATING,
    STAGE_BOOKED,
    STAGE_LOST,
    STAGE_COUNT
};
/* Index of a stage name, -1 when it is not one. */
int stage_index(const char *name);

/* Roles, as a bit set on an intent. */
enum role { ROLE_OWNER = 1, ROLE_SALES = 2, ROLE_FINANCE = 4, ROLE_ADMIN = 8 };
/* "owner" → ROLE_OWNER ...; 0 when unknown. */
unsigned role_parse(const char *s);
const char *role_name(unsigned role);

/* What one parse yields (both engines). */
struct parse_result {
    char *intent;  /* new string; "unknown" when nothing fits */
    json_t *slots; /* new reference: an object of canonical values */
    enum lang lang;
    const char *engine; /* static: "rules" or "gemini" */
    double confidence;  /* 0..1 */
    char *fallback;     /* new string or NULL: why Gemini's answer was not used */
};

void parse_result_init(struct parse_result *r);
void parse_result_release(struct parse_result *r);
/* The one-line JSON of INTENTS.md: intent, slots, lang, engine, confidence
 * [, fallback]. Appended to out. */
RB_MUST_CHECK int parse_result_to_json(const struct parse_result *r, struct buf *out);

#endif
