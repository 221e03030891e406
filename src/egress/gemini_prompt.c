/* gemini_prompt.c - prompt files (prompts/gemini: the system instruction and few-shot examples) and
 * the system instruction built from them. */
#include "egress/gemini.h"
#include "egress/gemini_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistr.h>

/* ---- prompt files ---------------------------------------------------------- */

struct gemini_prompt {
    char *system;
    char version[17]; /* FNV-1a 64 of both files, hex */
    char *examples_path;
    struct gemini_example *examples; /* user/model strings owned (cast on free) */
    size_t nexamples;
    char *schema_text;   /* schema.tsv, its lines cut in place */
    const char **schema; /* name, description, name, description, ... */
    size_t nschema;      /* pairs */
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

/* The number of lines of text (for sizing an array of them). */
static size_t gm_count_lines(const char *text)
{
    size_t n = 1;

    for (; *text; text++) {
        n += *text == '\n';
    }
    return n;
}

/* Cuts the next line at *cursor in place (no \n, no trailing \r), counting
 * *lineno, and returns it; NULL when the text is used up. Blank lines and
 * '#' comments are skipped. */
static char *gm_next_line(char **cursor, int *lineno)
{
    while (*cursor) {
        char *line = *cursor, *next = strchr(line, '\n');
        size_t len;
        if (next) {
            *next++ = '\0';
        }
        *cursor = next;
        (*lineno)++;
        len = strlen(line);
        if (len > 0 && line[len - 1] == '\r') {
            line[--len] = '\0';
        }
        if (len > 0 && line[0] != '#') {
            return line;
        }
    }
    return NULL;
}

/* Splits examples.tsv into p->examples; collects every problem. */
static int gm_parse_examples(struct gemini_prompt *p, char *text, struct buf *err)
{
    char *cursor = text, *line;
    int lineno = 0, rc = RB_OK, one;

    p->examples = calloc(gm_count_lines(text), sizeof(*p->examples));
    if (!p->examples) {
        return RB_ENOMEM;
    }
    while ((line = gm_next_line(&cursor, &lineno)) != NULL) {
        one = gm_example_line(p->examples_path, lineno, line, &p->examples[p->nexamples], err);
        p->nexamples++; /* counted even when half made, so free releases it */
        if (one == RB_ENOMEM) {
            return one;
        }
        rc = rc ? rc : one;
    }
    return rc;
}

/* Cuts schema.tsv (owned by p->schema_text) into name/description pairs;
 * collects every problem. */
static int gm_parse_schema(struct gemini_prompt *p, const char *path, struct buf *err)
{
    char *cursor = p->schema_text, *line;
    int lineno = 0, rc = RB_OK;

    p->schema = calloc(2 * gm_count_lines(p->schema_text), sizeof(*p->schema));
    if (!p->schema) {
        return RB_ENOMEM;
    }
    while ((line = gm_next_line(&cursor, &lineno)) != NULL) {
        char *tab;
        tab = strchr(line, '\t');
        if (!tab || tab == line || !tab[1]) {
            buf_say(err, "%s:%d: expected name<TAB>description\n", path, lineno);
            rc = RB_EPARSE;
            continue;
        }
        *tab = '\0';
        if (gemini_prompt_describe(p, line)) {
            buf_say(err, "%s:%d: %s described twice\n", path, lineno, line);
            rc = RB_EPARSE;
            continue;
        }
        p->schema[2 * p->nschema] = line;
        p->schema[2 * p->nschema + 1] = tab + 1;
        p->nschema++;
    }
    return rc;
}

const char *gemini_prompt_describe(const struct gemini_prompt *p, const char *name)
{
    for (size_t i = 0; p && i < p->nschema; i++) {
        if (strcmp(p->schema[2 * i], name) == 0) {
            return p->schema[2 * i + 1];
        }
    }
    return NULL;
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
    free(p->schema);
    free(p->schema_text);
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
    buf_reset(&path);
    buf_reset(&text);
    if (!rc || rc == RB_EPARSE) {
        int r = buf_addf(&path, "%s/schema.tsv", dir);
        r = r ? r : gm_read_file(path.p, &text, err);
        if (!r) {
            hash = gm_fnv(hash, text.p, text.len);
            p->schema_text = buf_detach(&text, NULL);
            r = p->schema_text ? gm_parse_schema(p, path.p, err) : RB_ENOMEM;
        }
        rc = rc ? rc : r;
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
