#include "egress/gemini.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistr.h>

/* ---- prompt files ---------------------------------------------------------- */

#define GM_FILE_MAX ((size_t)256 * 1024)

struct gemini_prompt {
    char *system;
    char version[17]; /* FNV-1a 64 of both files, hex */
    char *examples_path;
    struct gemini_example *examples; /* user/model strings owned (cast on free) */
    size_t nexamples;
};

static const char *const gm_placeholders[] = {"intents", "today",        "weekday", "time",
                                              "zone",    "country_code", NULL};

/* Reads path into out; RB_ENOTFOUND, RB_ETOOBIG, RB_ENOMEM, RB_EPARSE (not
 * UTF-8 or a NUL byte), each with a message in err. */
static int gm_read_file(const char *path, struct buf *out, struct buf *err)
{
    char chunk[8192];
    size_t n;
    FILE *f = fopen(path, "rb");
    int rc = RB_OK;

    if (!f) {
        int e = errno;
        char msg[128];
        buf_say(err, "%s: cannot open: %s\n", path, strerror_r(e, msg, sizeof(msg)));
        return e == ENOENT ? RB_ENOTFOUND : RB_EPARSE;
    }
    while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        rc = buf_add(out, chunk, n);
    }
    if (!rc && ferror(f)) {
        rc = RB_EPARSE;
    }
    fclose(f);
    if (!rc && (u8_check((const uint8_t *)out->p, out->len) || memchr(out->p, 0, out->len))) {
        rc = RB_EPARSE;
    }
    if (rc) {
        buf_say(err, "%s: cannot read: %s\n", path,
                rc == RB_EPARSE ? "not UTF-8 text" : rb_strerror(rc));
    }
    return rc;
}

/* Folds s into a running FNV-1a 64 hash. */
static uint64_t gm_fnv(uint64_t h, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Checks that every {placeholder} of s is known; one message per problem. */
static int gm_check_placeholders(const char *path, const char *s, struct buf *err)
{
    const char *p, *q;
    int line = 1, rc = RB_OK;
    size_t i, n;

    for (p = s; *p; p++) {
        if (*p == '\n') {
            line++;
        }
        if (*p != '{') {
            continue;
        }
        q = p + 1;
        n = strspn(q, "abcdefghijklmnopqrstuvwxyz_");
        if (n == 0 || q[n] != '}') {
            continue; /* a literal brace */
        }
        for (i = 0; gm_placeholders[i]; i++) {
            if (strlen(gm_placeholders[i]) == n && memcmp(gm_placeholders[i], q, n) == 0) {
                break;
            }
        }
        if (!gm_placeholders[i]) {
            buf_say(err, "%s:%d: unknown placeholder {%.*s}\n", path, line, (int)n, q);
            rc = RB_EPARSE;
        }
    }
    return rc;
}

/* Parses one "message<TAB>answer" line into ex (new strings). */
static int gm_example_line(const char *path, int line, char *s, struct gemini_example *ex,
                           struct buf *err)
{
    char *tab = strchr(s, '\t'), *model;
    json_t *answer;
    json_error_t jerr;

    if (!tab || tab == s || !tab[1]) {
        buf_say(err, "%s:%d: expected message<TAB>answer JSON\n", path, line);
        return RB_EPARSE;
    }
    *tab = '\0';
    answer = json_loads(tab + 1, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(answer) || !json_is_string(json_object_get(answer, "intent"))) {
        buf_say(err, "%s:%d: the answer is not a JSON object with an intent%s%s\n", path, line,
                answer ? "" : ": ", answer ? "" : jerr.text);
        json_decref(answer);
        return RB_EPARSE;
    }
    /* the compact form the schema produces; 0.95 stays 0.95 */
    model = json_dumps(answer, JSON_COMPACT | JSON_REAL_PRECISION(3));
    json_decref(answer);
    ex->user = strdup(s);
    ex->model = model;
    ex->file = path;
    ex->line = line;
    return ex->user && model ? RB_OK : RB_ENOMEM;
}

/* Splits examples.tsv into p->examples; collects every problem. */
static int gm_parse_examples(struct gemini_prompt *p, char *text, struct buf *err)
{
    size_t cap = 1, len;
    char *line = text, *next;
    int lineno = 0, rc = RB_OK, one;

    for (next = text; *next; next++) {
        cap += *next == '\n';
    }
    p->examples = calloc(cap, sizeof(*p->examples));
    if (!p->examples) {
        return RB_ENOMEM;
    }
    for (; line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        len = strlen(line);
        if (len > 0 && line[len - 1] == '\r') {
            line[--len] = '\0';
        }
        if (len == 0 || line[0] == '#') {
            continue;
        }
        one = gm_example_line(p->examples_path, lineno, line, &p->examples[p->nexamples], err);
        p->nexamples++; /* counted even when half made, so free releases it */
        if (one == RB_ENOMEM) {
            return one;
        }
        rc = rc ? rc : one;
    }
    return rc;
}

void gemini_prompt_free(struct gemini_prompt *p)
{
    size_t i;

    if (!p) {
        return;
    }
    for (i = 0; i < p->nexamples; i++) {
        free((char *)p->examples[i].user);
        free((char *)p->examples[i].model);
    }
    free(p->examples);
    free(p->examples_path);
    free(p->system);
    free(p);
}

int gemini_prompt_load(const char *dir, struct gemini_prompt **out, struct buf *err)
{
    struct gemini_prompt *p = calloc(1, sizeof(*p));
    struct buf path, text;
    uint64_t hash = 0xcbf29ce484222325ULL;
    int rc;

    buf_init(&path, 4096);
    buf_init(&text, GM_FILE_MAX);
    if (!p) {
        return RB_ENOMEM;
    }
    rc = buf_addf(&path, "%s/system.txt", dir);
    if (!rc) {
        rc = gm_read_file(path.p, &text, err);
    }
    if (!rc) {
        rc = gm_check_placeholders(path.p, text.p, err);
        hash = gm_fnv(hash, text.p, text.len);
        p->system = buf_detach(&text, NULL);
    }
    buf_reset(&path);
    if (!rc) {
        rc = buf_addf(&path, "%s/examples.tsv", dir);
    }
    if (!rc) {
        rc = gm_read_file(path.p, &text, err);
        hash = gm_fnv(hash, text.p, text.len);
        p->examples_path = buf_detach(&path, NULL);
    }
    if (!rc) {
        rc = gm_parse_examples(p, text.p, err);
    }
    if (!rc && (!p->system || !p->system[0])) {
        buf_say(err, "%s/system.txt: empty\n", dir);
        rc = RB_EPARSE;
    }
    buf_release(&text);
    buf_release(&path);
    if (rc) {
        gemini_prompt_free(p);
        return rc;
    }
    snprintf(p->version, sizeof(p->version), "%016llx", (unsigned long long)hash);
    *out = p;
    return RB_OK;
}

const char *gemini_prompt_version(const struct gemini_prompt *p)
{
    return p->version;
}

const char *gemini_prompt_system(const struct gemini_prompt *p)
{
    return p->system;
}

const struct gemini_example *gemini_prompt_examples(const struct gemini_prompt *p, size_t *n)
{
    *n = p->nexamples;
    return p->examples;
}

/* ---- the system instruction -------------------------------------------- */

/* "- lead.move: lead, stage, amount, text. Move a lead to a stage." */
static int gm_add_intents(const struct gemini_catalog *cat, struct buf *out)
{
    size_t i, j;

    for (i = 0; i < cat->nintents; i++) {
        const struct gemini_intent *in = &cat->intents[i];

        if (strcmp(in->name, "unknown") == 0) {
            continue;
        }
        buf_say(out, "- %s:", in->name);
        for (j = 0; j < in->nslots; j++) {
            buf_say(out, "%s %s", j ? "," : "", in->slots[j]);
        }
        if (in->nslots == 0) {
            buf_say(out, " (no slots)");
        }
        if (in->description && in->description[0]) {
            buf_say(out, ". %s", in->description);
        }
        buf_say(out, "\n");
    }
    buf_say(out, "- unknown: (no slots). Anything else.");
    return buf_err(out);
}

static int gm_add_placeholder(const char *name, size_t n, const struct gemini_catalog *cat,
                              const struct gemini_ctx *ctx, struct buf *out)
{
    static const char *const weekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};
    char date[11];

#define GM_IS(lit) (n == strlen(lit) && memcmp(name, lit, n) == 0)
    if (GM_IS("intents")) {
        return gm_add_intents(cat, out);
    }
    if (GM_IS("today")) {
        date_format(ctx->now.date, date);
        return buf_adds(out, date);
    }
    if (GM_IS("weekday")) {
        return buf_adds(out, weekdays[date_weekday(ctx->now.date)]);
    }
    if (GM_IS("time")) {
        return buf_addf(out, "%02d:%02d", ctx->now.hour, ctx->now.min);
    }
    if (GM_IS("zone")) {
        return buf_adds(out, ctx->zone && ctx->zone[0] ? ctx->zone : "UTC");
    }
    if (GM_IS("country_code")) {
        return buf_addf(out, "%d", ctx->country_code > 0 ? ctx->country_code : 92);
    }
#undef GM_IS
    return RB_EINVAL;
}

int gemini_build_system(const struct gemini_catalog *cat, const struct gemini_ctx *ctx,
                        struct buf *out)
{
    const char *p = cat->system_template, *q;
    size_t n, lit;
    int rc;

    if (!p || !date_valid(ctx->now.date)) {
        return RB_EINVAL;
    }
    while (*p) {
        lit = strcspn(p + 1, "{") + 1; /* up to the next brace (a leading one included) */
        if (*p == '{') {
            q = p + 1;
            n = strspn(q, "abcdefghijklmnopqrstuvwxyz_");
            if (n > 0 && q[n] == '}') {
                rc = gm_add_placeholder(q, n, cat, ctx, out);
                if (rc) {
                    return rc;
                }
                p = q + n + 1;
                continue;
            }
        }
        rc = buf_add(out, p, lit);
        if (rc) {
            return rc;
        }
        p += lit;
    }
    return RB_OK;
}

/* ---- the response schema ----------------------------------------------- */

static const struct {
    const char *slot, *description;
} gm_slot_descriptions[] = {
    {"lead", "Lead number as digits, an E.164 phone, a name as written, or 'this'."},
    {"name", "Client name exactly as written."},
    {"phone", "E.164 phone number, e.g. +923001234567."},
    {"date", "Calendar date, YYYY-MM-DD."},
    {"date_to", "End of a date range, YYYY-MM-DD."},
    {"when", "Local date and time, YYYY-MM-DDTHH:MM."},
    {"guests", "Number of guests."},
    {"amount", "Amount in whole rupees."},
    {"staff", "Staff member name as written."},
    {"text", "Free text to store or send, copied exactly as written."},
    {"hall", "Hall name as written."},
    {"period", "YYYY-MM, YYYY-Qn, YYYY, today, yesterday, this_week, last_week, this_month, "
               "last_month, this_quarter, last_quarter, ytd or last_year."},
    {"compare_period", "Same forms as period."},
};

static const char *gm_slot_description(const char *slot)
{
    size_t i;

    for (i = 0; i < sizeof(gm_slot_descriptions) / sizeof(gm_slot_descriptions[0]); i++) {
        if (strcmp(gm_slot_descriptions[i].slot, slot) == 0) {
            return gm_slot_descriptions[i].description;
        }
    }
    return NULL;
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
static json_t *gm_slot_schema(const struct slot_def *d)
{
    const char *const *values = d->type == SLOT_STAGE ? stage_names : d->values;
    const char *desc = gm_slot_description(d->name);
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
static json_t *gm_slots_schema(void)
{
    size_t n, i;
    const struct slot_def *defs = slot_defs(&n);
    json_t *props = json_object(), *order = json_array(), *s;

    for (i = 0; props && order && i < n; i++) {
        s = gm_slot_schema(&defs[i]);
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
    return json_pack("{s:s, s:s, s:o, s:o}", "type", "OBJECT", "description",
                     "Only the slots the message states.", "properties", props, "propertyOrdering",
                     order);
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
    s = json_pack("{s:s, s:{s:{s:s, s:o, s:s}, s:o, s:{s:s, s:o}, s:{s:s, s:s}}, s:o, s:o}", "type",
                  "OBJECT", "properties", "intent", "type", "STRING", "enum", gm_intent_enum(cat),
                  "description", "The one command the message asks for.", "slots",
                  gm_slots_schema(), "lang", "type", "STRING", "enum", gm_string_array(langs),
                  "confidence", "type", "NUMBER", "description", "0 to 1.", "required",
                  gm_string_array(keys), "propertyOrdering", gm_string_array(keys));
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
static char *gm_clean_text(const char *text, size_t len)
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
        message = gm_clean_text(text, len);
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
    while (*end > s && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\n' ||
                        (*end)[-1] == '\r')) {
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

/* ---- errors ------------------------------------------------------------ */

/* The entry of error.details whose "@type" ends in suffix, or NULL. */
static const json_t *gm_error_detail(const json_t *err, const char *suffix)
{
    const json_t *d;
    const char *type;
    size_t i, n = strlen(suffix);

    json_array_foreach (json_object_get(err, "details"), i, d) {
        type = json_string_value(json_object_get(d, "@type"));
        if (type && strlen(type) >= n && strcmp(type + strlen(type) - n, suffix) == 0) {
            return d;
        }
    }
    return NULL;
}

/* A protobuf Duration ("21s", "1.5s") in ms; -1 when malformed. */
static int64_t gm_duration_ms(const char *s)
{
    char *end;
    double secs;

    if (!s || !*s) {
        return -1;
    }
    errno = 0;
    secs = strtod(s, &end);
    if (errno || end == s || strcmp(end, "s") != 0 || !(secs >= 0.0) || secs > 86400.0) {
        return -1;
    }
    return (int64_t)(secs * 1000.0 + 0.5);
}

int64_t gemini_retry_delay_ms(const char *body, size_t len)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const json_t *info = gm_error_detail(json_object_get(root, "error"), "google.rpc.RetryInfo");
    int64_t ms = gm_duration_ms(json_string_value(json_object_get(info, "retryDelay")));

    json_decref(root);
    return ms;
}

/* A 429 that waiting seconds will not cure: a per-day quota or "limit: 0"
 * (§7.2). */
static bool gm_quota_hopeless(const json_t *err)
{
    const char *msg = json_string_value(json_object_get(err, "message"));
    const json_t *qf = gm_error_detail(err, "google.rpc.QuotaFailure"), *v;
    const char *id;
    size_t i;

    if (msg && strstr(msg, "limit: 0")) {
        return true;
    }
    json_array_foreach (json_object_get(qf, "violations"), i, v) {
        id = json_string_value(json_object_get(v, "quotaId"));
        if (id && strstr(id, "PerDay")) {
            return true;
        }
    }
    return false;
}

/* ---- the call ---------------------------------------------------------- */

#define GM_MIN_ATTEMPT_MS 100 /* no attempt with less budget than this */

struct gm_call {
    struct http_client *h;
    const struct gemini_catalog *cat;
    const struct gemini_ctx *ctx;
    const char *model;
    const char *text;
    size_t len;
    bool thinking;  /* thinkingConfig is in body */
    struct buf url; /* .../models/{model}:generateContent */
    struct buf key; /* "x-goog-api-key: ..." */
    char *body;
    int64_t deadline; /* clock_mono_ms */
    uint64_t seed;
    struct http_response res;
};

static uint64_t gm_splitmix64(uint64_t *state)
{
    uint64_t x = (*state += 0x9E3779B97F4A7C15ULL);

    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* 300-800 ms before retrying a 5xx or a transport error (§7.3). */
static int64_t gm_jitter_ms(struct gm_call *c)
{
    return 300 + (int64_t)(gm_splitmix64(&c->seed) % 501);
}

static void gm_sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

    while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* (Re)builds c->body, with or without thinkingConfig. */
static int gm_call_body(struct gm_call *c, bool thinking)
{
    json_t *req = NULL;
    int rc = gemini_build_request(c->cat, c->model, c->ctx, c->text, c->len, thinking, &req);

    if (rc) {
        return rc;
    }
    free(c->body);
    c->body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    c->thinking = thinking;
    return c->body ? RB_OK : RB_ENOMEM;
}

/* The URL and the key header; RB_EINVAL when conf cannot be used. */
static int gm_call_conf(struct gm_call *c, const struct gemini_conf *conf)
{
    const char *base = conf->base && conf->base[0] ? conf->base : GEMINI_BASE_DEFAULT;
    size_t blen = strlen(base);

    c->model = conf->model && conf->model[0] ? conf->model : GEMINI_MODEL_DEFAULT;
    if (strncmp(c->model, "models/", 7) == 0) {
        c->model += 7;
    }
    while (blen > 0 && base[blen - 1] == '/') {
        blen--;
    }
    if (blen == 0 || !http_header_value_ok(base) || !http_path_segment_ok(c->model) ||
        !http_header_value_ok(conf->api_key)) {
        return RB_EINVAL;
    }
    if (buf_add(&c->url, base, blen) ||
        buf_addf(&c->url, "/v1beta/models/%s:generateContent", c->model) ||
        buf_addf(&c->key, "x-goog-api-key: %s", conf->api_key)) {
        return RB_ENOMEM;
    }
    return RB_OK;
}

static void gm_set_reason(struct gemini_info *info, const char *reason)
{
    snprintf(info->fallback, sizeof(info->fallback), "%s", reason);
}

/*
 * After a non-200 answer: records error.message and decides whether the one
 * retry is worth it. Returns the delay before it in ms, or -1 for none.
 */
static int64_t gm_retry_policy(struct gm_call *c, struct gemini_info *info)
{
    long status = c->res.status;
    json_t *root = json_loadb(c->res.body.p, c->res.body.len, 0, NULL);
    const json_t *err = json_object_get(root, "error");
    const char *msg = json_string_value(json_object_get(err, "message"));
    int64_t delay = -1;

    free(info->error_message);
    info->error_message = msg ? strdup(msg) : NULL;
    if (status == 429) {
        delay = gemini_retry_delay_ms(c->res.body.p, c->res.body.len);
        if (gm_quota_hopeless(err) || delay > GEMINI_RETRY_DELAY_MAX_MS) {
            delay = -1;
        } else if (delay < 0) {
            delay = gm_jitter_ms(c);
        }
    } else if (status == 408 || status == 500 || status == 502 || status == 503 || status == 504) {
        delay = gm_jitter_ms(c);
    } else if (status == 400 && c->thinking && msg && strcasestr(msg, "thinking")) {
        /* the model refuses our thinking settings: once more without (§4.6) */
        delay = gm_call_body(c, false) ? -1 : 0;
    }
    json_decref(root);
    return delay;
}

/*
 * One attempt within what is left of the budget. RB_OK for a 200 (body in
 * c->res); otherwise the code gemini_parse returns, info->fallback set and
 * *retry_ms the delay before a retry (-1: do not retry).
 */
static int gm_attempt(struct gm_call *c, struct gemini_info *info, int64_t *retry_ms)
{
    int64_t left = c->deadline - clock_mono_ms();
    char server_timeout[48];
    const char *headers[3] = {c->key.p, server_timeout, NULL};
    struct http_request req = {"POST", c->url.p, headers, c->body, strlen(c->body), (long)left};
    int rc;

    *retry_ms = -1;
    if (left < GM_MIN_ATTEMPT_MS) {
        gm_set_reason(info, "timeout");
        return RB_ETIMEOUT;
    }
    /* lets the server give up when we do (§1) */
    snprintf(server_timeout, sizeof(server_timeout), "X-Server-Timeout: %lld",
             (long long)((left + 999) / 1000));
    rc = http_perform(c->h, &req, &c->res);
    info->attempts++;
    info->http_status = c->res.status;
    if (rc == RB_EINVAL || rc == RB_ENOMEM) {
        gm_set_reason(info, rc == RB_EINVAL ? "config" : "no_memory");
        return rc;
    }
    if (c->res.transport != HTTP_T_OK) {
        bool timeout = c->res.transport == HTTP_T_TIMEOUT;
        gm_set_reason(info, timeout                              ? "timeout"
                            : c->res.transport == HTTP_T_CONNECT ? "connect_error"
                                                                 : "transport_error");
        *retry_ms = timeout ? 0 : gm_jitter_ms(c);
        return timeout ? RB_ETIMEOUT : RB_EUPSTREAM;
    }
    if (c->res.status == 200) {
        info->fallback[0] = '\0';
        return RB_OK;
    }
    snprintf(info->fallback, sizeof(info->fallback), "http_%ld", c->res.status);
    *retry_ms = gm_retry_policy(c, info);
    return c->res.status == 429 ? RB_ERATELIMIT : RB_EUPSTREAM;
}

/* The message checks done before anything is sent. */
static int gm_input_check(const char *text, size_t len, struct gemini_info *info)
{
    size_t i;

    if (!text || u8_check((const uint8_t *)text, len) || memchr(text, 0, len)) {
        gm_set_reason(info, "bad_utf8");
        return RB_EINVAL;
    }
    for (i = 0; i < len && (unsigned char)text[i] <= ' '; i++) {
    }
    if (i == len) {
        gm_set_reason(info, "empty_input");
        return RB_EINVAL;
    }
    if (u8_mbsnlen((const uint8_t *)text, len) > GEMINI_INPUT_MAX) {
        gm_set_reason(info, "too_long");
        return RB_ETOOBIG;
    }
    return RB_OK;
}

/* Reads and validates a 200 answer into out. */
static int gm_answer(struct gm_call *c, struct parse_result *out, struct gemini_info *info)
{
    struct buf detail;
    char *answer = NULL, *message = NULL;
    const char *reason;
    int rc;

    buf_init(&detail, 4096);
    reason = gemini_read_response(c->res.body.p, c->res.body.len, info, &answer);
    rc = reason ? RB_EUPSTREAM : RB_OK;
    if (!reason) {
        message = gm_clean_text(c->text, c->len);
        reason = message ? gemini_validate(c->cat, answer, message, c->ctx->lang_hint, out, &detail)
                         : "no_memory";
        rc = reason ? RB_EPARSE : RB_OK;
    }
    if (reason) {
        gm_set_reason(info, reason);
        rc = strcmp(reason, "no_memory") == 0 ? RB_ENOMEM : rc;
    }
    if (detail.len) {
        buf_truncate(&detail, detail.len - (detail.p[detail.len - 1] == '\n'));
        free(info->detail);
        info->detail = strdup(detail.p);
    }
    free(message);
    free(answer);
    buf_release(&detail);
    return rc;
}

int gemini_parse(struct http_client *h, const struct gemini_conf *conf,
                 const struct gemini_catalog *cat, const struct gemini_ctx *ctx, const char *text,
                 size_t len, struct parse_result *out, struct gemini_info *info)
{
    int64_t start = clock_mono_ms(), delay;
    struct gm_call c = {h, cat, ctx, NULL, text, len, false};
    int rc;

    gemini_info_release(info);
    buf_init(&c.url, 4096);
    buf_init(&c.key, 4096);
    http_response_init(&c.res, GEMINI_RESPONSE_MAX);
    c.deadline = start + (conf->timeout_ms > 0 ? conf->timeout_ms : GEMINI_TIMEOUT_MS_DEFAULT);
    c.seed = (uint64_t)start ^ (uint64_t)(uintptr_t)&c;
    rc = gm_input_check(text, len, info);
    if (!rc) {
        rc = gm_call_conf(&c, conf);
        gm_set_reason(info, rc == RB_EINVAL ? "config" : rc ? "no_memory" : "");
    }
    if (!rc) {
        rc = gm_call_body(&c, true);
        gm_set_reason(info, rc == RB_ENOMEM ? "no_memory" : rc ? "config" : "");
    }
    if (rc) {
        goto out;
    }
    for (;;) {
        rc = gm_attempt(&c, info, &delay);
        if (!rc || delay < 0 || info->attempts >= 2 ||
            clock_mono_ms() + delay + GM_MIN_ATTEMPT_MS > c.deadline) {
            break; /* an answer, or no (time for a) retry */
        }
        gm_sleep_ms(delay);
    }
    if (!rc) {
        rc = gm_answer(&c, out, info);
    }
out:
    info->latency_ms = clock_mono_ms() - start;
    free(c.body);
    http_response_release(&c.res);
    buf_release(&c.key);
    buf_release(&c.url);
    return rc;
}

int gemini_prompt_check(const struct gemini_catalog *cat, struct buf *err)
{
    struct parse_result pr;
    struct buf detail;
    const struct gemini_example *ex;
    const char *reason;
    size_t i;
    int rc = RB_OK;

    parse_result_init(&pr);
    buf_init(&detail, 4096);
    for (i = 0; i < cat->nexamples; i++) {
        ex = &cat->examples[i];
        buf_reset(&detail);
        reason = gemini_validate(cat, ex->model, ex->user, LANG_EN, &pr, &detail);
        if (reason && strcmp(reason, "no_memory") == 0) {
            rc = RB_ENOMEM;
            break;
        }
        if (reason) {
            buf_truncate(&detail, detail.len ? detail.len - 1 : 0);
            buf_say(err, "%s:%d: the example answer fails validation: %s (%s)\n",
                    ex->file ? ex->file : "examples", ex->line, reason, detail.p);
            rc = RB_EPARSE;
        }
    }
    parse_result_release(&pr);
    buf_release(&detail);
    return rc;
}
