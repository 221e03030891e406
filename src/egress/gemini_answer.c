/* gemini_answer.c - the response: reading Gemini's answer and validating it against the catalog. */
#include "egress/gemini.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistr.h>

/* ---- the response ------------------------------------------------------ */

void gemini_info_init(struct gemini_info *i)
{
    memset(i, 0, sizeof(*i));
}

void gemini_info_release(struct gemini_info *i)
{
    if (!i) {
        return;
    }
    free(i->raw_text);
    free(i->model_version);
    free(i->response_id);
    free(i->finish_reason);
    free(i->error_message);
    free(i->detail);
    gemini_info_init(i);
}

/* Replaces *dst with a new copy of a JSON string (or NULL); false on ENOMEM. */
static bool gm_keep(char **dst, const json_t *v)
{
    const char *s = json_string_value(v);

    free(*dst);
    *dst = s ? strdup(s) : NULL;
    return !s || *dst;
}

/* Ids and token counts; absent numbers are 0 (proto3 JSON). */
static bool gm_read_usage(const json_t *root, struct gemini_info *info)
{
    const json_t *u = json_object_get(root, "usageMetadata");

    info->prompt_tokens = json_integer_value(json_object_get(u, "promptTokenCount"));
    info->output_tokens = json_integer_value(json_object_get(u, "candidatesTokenCount"));
    info->thoughts_tokens = json_integer_value(json_object_get(u, "thoughtsTokenCount"));
    info->total_tokens = json_integer_value(json_object_get(u, "totalTokenCount"));
    return gm_keep(&info->model_version, json_object_get(root, "modelVersion")) &&
           gm_keep(&info->response_id, json_object_get(root, "responseId"));
}

/* Concatenates the text of every part that is not a thought. */
static int gm_candidate_text(const json_t *cand, struct buf *out)
{
    const json_t *parts = json_object_get(json_object_get(cand, "content"), "parts"), *part;
    const char *t;
    size_t i;

    json_array_foreach (parts, i, part) {
        t = json_string_value(json_object_get(part, "text"));
        if (t && !json_is_true(json_object_get(part, "thought"))) {
            if (buf_add(out, t, json_string_length(json_object_get(part, "text")))) {
                return buf_err(out);
            }
        }
    }
    return RB_OK;
}

/* Trims white space in place; *end is the string's end, moved back. */
static char *gm_trim(char *s, char **end)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
        s++;
    }
    while (*end > s &&
           ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\n' || (*end)[-1] == '\r')) {
        *--*end = '\0';
    }
    return s;
}

/* Trims white space and Markdown fences (```json ... ```, nested or not) in
 * place, in time linear in the text: each step consumes what it scanned, so
 * an answer of nothing but backticks costs no more than its length. */
static char *gm_unfence(char *s)
{
    char *end = s + strlen(s), *nl;

    for (s = gm_trim(s, &end); strncmp(s, "```", 3) == 0; s = gm_trim(s, &end)) {
        nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl) { /* "```json```" or only backticks: drop them from both ends */
            s += strspn(s, "`");
            while (end > s && end[-1] == '`') {
                *--end = '\0';
            }
            continue;
        }
        s = nl + 1;
        if (end - s >= 3 && memcmp(end - 3, "```", 3) == 0) {
            end -= 3;
            *end = '\0';
        }
    }
    return s;
}

static const char *gm_finish_reason(const char *fr)
{
    static const char *const blocked[] = {"SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
                                          NULL};
    size_t i;

    if (!fr) {
        return "finish_other";
    }
    if (strcmp(fr, "MAX_TOKENS") == 0) {
        return "max_tokens";
    }
    for (i = 0; blocked[i]; i++) {
        if (strcmp(fr, blocked[i]) == 0) {
            return "blocked";
        }
    }
    return strcmp(fr, "STOP") == 0 ? NULL : "finish_other";
}

const char *gemini_read_response(const char *body, size_t len, struct gemini_info *info,
                                 char **answer)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const json_t *cand;
    const char *reason = NULL;
    struct buf text;
    char *t = NULL;

    buf_init(&text, GEMINI_RESPONSE_MAX);
    if (!json_is_object(root)) {
        reason = "bad_response";
        goto out;
    }
    if (!gm_read_usage(root, info)) {
        reason = "no_memory";
        goto out;
    }
    if (json_is_string(json_object_get(json_object_get(root, "promptFeedback"), "blockReason"))) {
        reason = "blocked";
        goto out;
    }
    cand = json_array_get(json_object_get(root, "candidates"), 0);
    if (!json_is_object(cand)) {
        reason = "no_candidates";
        goto out;
    }
    if (!gm_keep(&info->finish_reason, json_object_get(cand, "finishReason")) ||
        gm_candidate_text(cand, &text)) {
        reason = "no_memory";
        goto out;
    }
    free(info->raw_text);
    info->raw_text = text.len ? strdup(text.p) : NULL;
    if (text.len && !info->raw_text) {
        reason = "no_memory";
        goto out;
    }
    reason = gm_finish_reason(info->finish_reason);
    if (!reason) {
        t = gm_unfence(text.p);
        reason = t[0] ? NULL : "empty";
    }
    if (!reason) {
        *answer = strdup(t);
        reason = *answer ? NULL : "no_memory";
    }
out:
    buf_release(&text);
    json_decref(root);
    return reason;
}

/* ---- validation (§11) -------------------------------------------------- */

static const struct gemini_intent *gm_intent_find(const struct gemini_catalog *cat,
                                                  const char *name)
{
    size_t i;

    for (i = 0; i < cat->nintents; i++) {
        if (strcmp(cat->intents[i].name, name) == 0) {
            return &cat->intents[i];
        }
    }
    return NULL;
}

static bool gm_intent_takes(const struct gemini_intent *in, const char *slot)
{
    size_t i;

    for (i = 0; i < in->nslots; i++) {
        if (strcmp(in->slots[i], slot) == 0) {
            return true;
        }
    }
    return false;
}

/* null, "" and white space only count as absent (§11.3). */
static bool gm_blank(const json_t *v)
{
    const char *s;

    if (json_is_null(v)) {
        return true;
    }
    s = json_string_value(v);
    return s && s[strspn(s, " \t\r\n")] == '\0';
}

static bool gm_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool gm_punct(char c)
{
    return strchr(".,;:!?\"'()[]-", c) != NULL && c != '\0';
}

/* Appends s folded for the grounding check: ASCII lower case, white space
 * runs as one space; trim_punct also drops ASCII punctuation at both ends. */
static int gm_fold(const char *s, bool trim_punct, struct buf *out)
{
    const char *end = s + strlen(s);
    bool space = false;

    while (s < end && (gm_space(*s) || (trim_punct && gm_punct(*s)))) {
        s++;
    }
    while (end > s && (gm_space(end[-1]) || (trim_punct && gm_punct(end[-1])))) {
        end--;
    }
    for (; s < end; s++) {
        if (gm_space(*s)) {
            space = true;
            continue;
        }
        if (space) {
            buf_say(out, " ");
            space = false;
        }
        buf_say(out, "%c", (*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
    }
    return buf_err(out);
}

/* True when value occurs in message (§11.5), ASCII case and spacing aside. */
static int gm_grounded(const char *value, const char *message, bool *yes)
{
    struct buf v, m;
    int rc;

    /* a value can be no longer than the answer it came in */
    buf_init(&v, GEMINI_RESPONSE_MAX);
    buf_init(&m, GEMINI_RESPONSE_MAX);
    rc = gm_fold(value, true, &v);
    if (!rc) {
        rc = gm_fold(message, false, &m);
    }
    if (!rc) {
        *yes = v.len == 0 || memmem(m.p, m.len, v.p, v.len) != NULL;
    }
    buf_release(&v);
    buf_release(&m);
    return rc;
}

static bool gm_copied_slot(const struct slot_def *d)
{
    return d->type == SLOT_TEXT; /* name, staff, text, hall: copied as written */
}

/* Checks one slot; NULL or the reason, with a line in detail. */
static const char *gm_check_slot(const struct gemini_intent *in, const char *key, const json_t *v,
                                 const char *message, struct buf *detail)
{
    const struct slot_def *d = slot_def_find(key);
    bool grounded = true;

    if (!d || !gm_intent_takes(in, key)) {
        buf_say(detail, "slot \"%.64s\" is not one of %s\n", key, in->name);
        return "bad_slot";
    }
    if (!slot_value_valid(d, v)) {
        buf_say(detail, "slot \"%.64s\" is not in canonical form\n", key);
        return "bad_slot";
    }
    if (gm_copied_slot(d)) {
        int rc = gm_grounded(json_string_value(v), message, &grounded);
        if (rc == RB_ETOOBIG) {
            grounded = false; /* longer than any message: not copied from it */
        } else if (rc) {
            return "no_memory";
        }
    }
    if (!grounded) {
        buf_say(detail, "slot \"%.64s\" is not in the message\n", key);
        return "bad_slot";
    }
    return NULL;
}

/* The canonical slots of answer's "slots" object, as a NEW object in *out. */
static const char *gm_check_slots(const struct gemini_intent *in, const json_t *slots,
                                  const char *message, struct buf *detail, json_t **out)
{
    json_t *kept = json_object();
    const char *key, *reason = NULL;
    const json_t *v;

    if (!kept) {
        return "no_memory";
    }
    json_object_foreach ((json_t *)slots, key, v) {
        if (gm_blank(v)) {
            continue;
        }
        reason = gm_check_slot(in, key, v, message, detail);
        if (reason) {
            break;
        }
        if (json_object_set(kept, key, (json_t *)v)) {
            reason = "no_memory";
            break;
        }
    }
    if (reason) {
        json_decref(kept);
        return reason;
    }
    *out = kept;
    return NULL;
}

static enum lang gm_lang(const json_t *v, enum lang hint)
{
    const char *s = json_string_value(v);

    if (s && strcmp(s, "ur") == 0) {
        return LANG_UR;
    }
    if (s && strcmp(s, "roman_ur") == 0) {
        return LANG_ROMAN_UR;
    }
    if (s && strcmp(s, "en") == 0) {
        return LANG_EN;
    }
    return hint;
}

static double gm_confidence(const json_t *v)
{
    double c = json_is_number(v) ? json_number_value(v) : 0.5;

    if (!(c >= 0.0)) { /* also NaN */
        return 0.0;
    }
    return c > 1.0 ? 1.0 : c;
}

const char *gemini_validate(const struct gemini_catalog *cat, const char *answer,
                            const char *message, enum lang lang_hint, struct parse_result *out,
                            struct buf *detail)
{
    struct buf scratch;
    json_t *root = json_loads(answer, JSON_REJECT_DUPLICATES, NULL), *kept = NULL;
    const json_t *slots = json_object_get(root, "slots");
    const char *name = json_string_value(json_object_get(root, "intent"));
    const struct gemini_intent *in = NULL;
    static const struct gemini_intent unknown = {"unknown", NULL, NULL, 0};
    const char *reason = NULL;
    char *intent = NULL;

    buf_init(&scratch, 1024);
    detail = detail ? detail : &scratch;
    if (!json_is_object(root) || !name || (slots && !json_is_object(slots))) {
        buf_say(detail, "the answer is not an object with an intent and slots\n");
        reason = "bad_json";
        goto out;
    }
    in = strcmp(name, "unknown") == 0 ? &unknown : gm_intent_find(cat, name);
    if (!in) {
        buf_say(detail, "intent \"%.64s\" is not in the catalog\n", name);
        reason = "not_in_catalog";
        goto out;
    }
    if (in == &unknown || !slots) {
        kept = json_object(); /* "unknown" takes no slots: whatever came is dropped */
        reason = kept ? NULL : "no_memory";
    } else {
        reason = gm_check_slots(in, slots, message, detail, &kept);
    }
    intent = reason ? NULL : strdup(name);
    if (!reason && !intent) {
        reason = "no_memory";
    }
    if (reason) {
        goto out;
    }
    parse_result_release(out);
    out->intent = intent;
    out->slots = kept;
    out->lang = gm_lang(json_object_get(root, "lang"), lang_hint);
    out->engine = "gemini";
    out->confidence = gm_confidence(json_object_get(root, "confidence"));
    intent = NULL;
    kept = NULL;
out:
    free(intent);
    json_decref(kept);
    json_decref(root);
    buf_release(&scratch);
    return reason;
}
