/* gemini_request.c - the request: the response schema and the generateContent body. */
#include "egress/gemini.h"
#include "egress/gemini_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistr.h>

/* ---- the response schema ----------------------------------------------- */

/* s with its "description" from schema.tsv when there is one; NULL (and s
 * released) when out of memory. */
static json_t *gm_described(const struct gemini_catalog *cat, const char *name, json_t *s)
{
    const char *desc = gemini_prompt_describe(cat->prompt, name);

    if (s && desc && json_object_set_new(s, "description", json_string(desc))) {
        json_decref(s);
        return NULL;
    }
    return s;
}

/* A NEW array of the NULL-terminated strings v. */
static json_t *gm_string_array(const char *const *v)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && v && v[i]; i++) {
        if (json_array_append_new(a, json_string(v[i]))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The schema of one slot: its type, enum values, description. */
static json_t *gm_slot_schema(const struct gemini_catalog *cat, const struct slot_def *d)
{
    const char *const *values = d->type == SLOT_STAGE ? stage_names : d->values;
    const char *desc = gemini_prompt_describe(cat->prompt, d->name);
    json_t *s;

    s = json_pack("{s:s}", "type", d->type == SLOT_INT ? "INTEGER" : "STRING");
    if (s && (d->type == SLOT_STAGE || d->type == SLOT_ENUM) &&
        json_object_set_new(s, "enum", gm_string_array(values))) {
        json_decref(s);
        return NULL;
    }
    if (s && desc && json_object_set_new(s, "description", json_string(desc))) {
        json_decref(s);
        return NULL;
    }
    return s;
}

/* {"type":"OBJECT", "properties":{...every slot...}, "propertyOrdering":[...]} */
static json_t *gm_slots_schema(const struct gemini_catalog *cat)
{
    size_t n, i;
    const struct slot_def *defs = slot_defs(&n);
    json_t *props = json_object(), *order = json_array(), *s;

    for (i = 0; props && order && i < n; i++) {
        s = gm_slot_schema(cat, &defs[i]);
        if (json_object_set_new(props, defs[i].name, s) ||
            json_array_append_new(order, json_string(defs[i].name))) {
            break;
        }
    }
    if (!props || !order || i < n) {
        json_decref(props);
        json_decref(order);
        return NULL;
    }
    return gm_described(cat, ".slots",
                        json_pack("{s:s, s:o, s:o}", "type", "OBJECT", "properties", props,
                                  "propertyOrdering", order));
}

/* ["lead.create", ..., "unknown"] */
static json_t *gm_intent_enum(const struct gemini_catalog *cat)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < cat->nintents; i++) {
        if (strcmp(cat->intents[i].name, "unknown") == 0) {
            continue;
        }
        if (json_array_append_new(a, json_string(cat->intents[i].name))) {
            json_decref(a);
            return NULL;
        }
    }
    if (a && json_array_append_new(a, json_string("unknown"))) {
        json_decref(a);
        return NULL;
    }
    return a;
}

int gemini_build_schema(const struct gemini_catalog *cat, json_t **out)
{
    static const char *const langs[] = {"ur", "roman_ur", "en", NULL};
    static const char *const keys[] = {"intent", "slots", "lang", "confidence", NULL};
    json_t *s;

    /* "o" takes each reference, also when json_pack fails (a NULL among them). */
    s = json_pack(
        "{s:s, s:{s:o, s:o, s:{s:s, s:o}, s:o}, s:o, s:o}", "type", "OBJECT", "properties",
        "intent",
        gm_described(cat, ".intent",
                     json_pack("{s:s, s:o}", "type", "STRING", "enum", gm_intent_enum(cat))),
        "slots", gm_slots_schema(cat), "lang", "type", "STRING", "enum", gm_string_array(langs),
        "confidence", gm_described(cat, ".confidence", json_pack("{s:s}", "type", "NUMBER")),
        "required", gm_string_array(keys), "propertyOrdering", gm_string_array(keys));
    if (!s) {
        return RB_ENOMEM;
    }
    *out = s;
    return RB_OK;
}

/* ---- the request ------------------------------------------------------- */

struct gemini_family gemini_family_of(const char *model)
{
    /* Most specific prefix first (gemini-api.md §4.6). */
    static const struct {
        const char *prefix;
        struct gemini_family f;
    } table[] = {
        {"gemini-2.5-", {NULL, true, true, 512}},      {"gemini-2.0-", {NULL, false, true, 512}},
        {"gemini-3.7-", {"LOW", false, false, 2048}},  {"gemini-3.8-", {"LOW", false, false, 2048}},
        {"gemini-3", {"MINIMAL", false, false, 1024}},
    };
    static const struct gemini_family unknown = {NULL, false, false, 1024};
    size_t i;

    if (model && strncmp(model, "models/", 7) == 0) {
        model += 7;
    }
    for (i = 0; model && i < sizeof(table) / sizeof(table[0]); i++) {
        if (strncmp(model, table[i].prefix, strlen(table[i].prefix)) == 0) {
            return table[i].f;
        }
    }
    return unknown;
}

/* generationConfig for model, around schema (taken). */
static json_t *gm_generation_config(const char *model, json_t *schema, bool with_thinking)
{
    struct gemini_family f = gemini_family_of(model);
    json_t *g, *thinking = NULL;
    int bad = 0;

    g = json_pack("{s:s, s:o}", "responseMimeType", "application/json", "responseSchema", schema);
    if (!g) {
        return NULL;
    }
    if (f.temperature_zero) {
        bad |= json_object_set_new(g, "temperature", json_integer(0));
    }
    bad |= json_object_set_new(g, "maxOutputTokens", json_integer(f.max_output_tokens));
    if (with_thinking && f.thinking_level) {
        thinking = json_pack("{s:s}", "thinkingLevel", f.thinking_level);
    } else if (with_thinking && f.thinking_budget_zero) {
        thinking = json_pack("{s:i}", "thinkingBudget", 0);
    }
    if (thinking) {
        bad |= json_object_set_new(g, "thinkingConfig", thinking);
    }
    if (bad) {
        json_decref(g);
        return NULL;
    }
    return g;
}

static json_t *gm_safety_settings(void)
{
    static const char *const cats[] = {"HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH",
                                       "HARM_CATEGORY_SEXUALLY_EXPLICIT",
                                       "HARM_CATEGORY_DANGEROUS_CONTENT"};
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < sizeof(cats) / sizeof(cats[0]); i++) {
        if (json_array_append_new(
                a, json_pack("{s:s, s:s}", "category", cats[i], "threshold", "BLOCK_ONLY_HIGH"))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static int gm_add_turn(json_t *contents, const char *role, const char *text)
{
    json_t *turn = json_pack("{s:s, s:[{s:s}]}", "role", role, "parts", "text", text);

    return turn && !json_array_append_new(contents, turn) ? RB_OK : RB_ENOMEM;
}

/* A NEW copy of text without control bytes other than \n and \t. */
char *gemini_clean_text(const char *text, size_t len)
{
    char *s = malloc(len + 1);
    size_t i, n = 0;

    if (!s) {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            continue;
        }
        s[n++] = (char)c;
    }
    s[n] = '\0';
    return s;
}

/* The few-shot pairs, then the message as the last user turn. */
static json_t *gm_contents(const struct gemini_catalog *cat, const char *message)
{
    json_t *c = json_array();
    size_t i;
    int rc = c ? RB_OK : RB_ENOMEM;

    for (i = 0; !rc && i < cat->nexamples; i++) {
        rc = gm_add_turn(c, "user", cat->examples[i].user);
        if (!rc) {
            rc = gm_add_turn(c, "model", cat->examples[i].model);
        }
    }
    if (!rc) {
        rc = gm_add_turn(c, "user", message);
    }
    if (rc) {
        json_decref(c);
        return NULL;
    }
    return c;
}

int gemini_build_request(const struct gemini_catalog *cat, const char *model,
                         const struct gemini_ctx *ctx, const char *text, size_t len,
                         bool with_thinking, json_t **out)
{
    struct buf sys;
    json_t *schema = NULL, *req = NULL;
    char *message = NULL;
    int rc;

    buf_init(&sys, GM_FILE_MAX);
    if (!text || u8_check((const uint8_t *)text, len) || memchr(text, 0, len)) {
        return text ? RB_EPARSE : RB_EINVAL;
    }
    rc = gemini_build_system(cat, ctx, &sys);
    if (!rc) {
        rc = gemini_build_schema(cat, &schema);
    }
    if (!rc) {
        message = gemini_clean_text(text, len);
        rc = message ? RB_OK : RB_ENOMEM;
    }
    if (rc) {
        goto out;
    }
    req = json_pack("{s:{s:[{s:s}]}, s:o, s:o, s:o}", "systemInstruction", "parts", "text", sys.p,
                    "contents", gm_contents(cat, message), "generationConfig",
                    gm_generation_config(model, schema, with_thinking), "safetySettings",
                    gm_safety_settings());
    schema = NULL; /* taken by gm_generation_config */
    if (!req) {
        rc = RB_ENOMEM;
        goto out;
    }
    *out = req;
out:
    json_decref(schema);
    free(message);
    buf_release(&sys);
    return rc;
}
