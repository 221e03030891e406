#include "app/prompts.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/str.h"

#define NLANGS 3

struct prompt {
    char *key;
    char *text[NLANGS];
    int line[NLANGS];
    char *file[NLANGS]; /* the file that defined text[l], for messages */
};

struct prompts {
    struct prompt *items;
    size_t n;
    char version[17];
};

static struct prompt *find(const struct prompts *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->items[i].key, key) == 0) {
            return &p->items[i];
        }
    }
    return NULL;
}

static int add_item(struct prompts *p, const char *key, struct prompt **out)
{
    struct prompt *it = find(p, key);

    if (!it) {
        struct prompt *a = realloc(p->items, (p->n + 1) * sizeof(*a));
        if (!a) {
            return RB_ENOMEM;
        }
        p->items = a;
        it = &a[p->n++];
        memset(it, 0, sizeof(*it));
        it->key = rb_strdup(key);
        if (!it->key) {
            p->n--;
            return RB_ENOMEM;
        }
    }
    *out = it;
    return RB_OK;
}

static void strip_blank_ends(struct buf *b)
{
    while (b->len && (b->p[b->len - 1] == '\n' || b->p[b->len - 1] == ' ')) {
        buf_truncate(b, b->len - 1);
    }
}

static int finish_item(struct prompts *p, const char *key, int lang, int line, struct buf *text,
                       const char *path, struct buf *err)
{
    struct prompt *it;
    int rc;

    if (!key[0]) {
        return RB_OK;
    }
    rc = add_item(p, key, &it);
    if (rc) {
        return rc;
    }
    if (it->text[lang]) {
        buf_say(err, "%s:%d: message [%s] defined twice\n", path, line, key);
        return RB_EPARSE;
    }
    strip_blank_ends(text);
    it->text[lang] = buf_detach(text, NULL);
    it->line[lang] = line;
    it->file[lang] = rb_strdup(path);
    return it->text[lang] && it->file[lang] ? RB_OK : RB_ENOMEM;
}

static int load_file(struct prompts *p, const char *path, int lang, EVP_MD_CTX *md, struct buf *err)
{
    char line[4096], key[128] = "";
    struct buf text;
    FILE *f;
    int rc = RB_OK, lineno = 0, keyline = 0, errors = 0;

    f = fopen(path, "r");
    if (!f) {
        buf_say(err, "%s: cannot open\n", path);
        return RB_ENOTFOUND;
    }
    buf_init(&text, 64 * 1024);
    while (!rc && fgets(line, sizeof(line), f)) {
        size_t n = strlen(line);
        lineno++;
        EVP_DigestUpdate(md, line, n);
        if (line[0] == '#') {
            continue;
        }
        if (line[0] == '[' && n > 2 && strchr(line, ']')) {
            int r = finish_item(p, key, lang, keyline, &text, path, err);
            errors += r == RB_EPARSE;
            rc = r == RB_EPARSE ? RB_OK : r;
            snprintf(key, sizeof(key), "%.*s", (int)(strchr(line, ']') - line - 1), line + 1);
            keyline = lineno;
            buf_reset(&text);
            continue;
        }
        if (!key[0] || (text.len == 0 && (line[0] == '\n' || line[0] == '\r'))) {
            continue;
        }
        if (n && line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        if (n && line[n - 1] == '\r') {
            line[--n] = '\0';
        }
        rc = buf_add(&text, line, n);
        if (!rc) {
            rc = buf_addc(&text, '\n');
        }
    }
    if (!rc) {
        int r = finish_item(p, key, lang, keyline, &text, path, err);
        errors += r == RB_EPARSE;
        rc = r == RB_EPARSE ? RB_OK : r;
    }
    fclose(f);
    buf_release(&text);
    return rc ? rc : (errors ? RB_EPARSE : RB_OK);
}

static int txt_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".txt") == 0;
}

/* Every *.txt of dir/LANG/, in name order (messages.txt holds the core; a
 * feature may keep its sentences in a file of its own). A key is defined once
 * per language across the files. */
static int load_lang(struct prompts *p, const char *dir, int lang, EVP_MD_CTX *md, struct buf *err)
{
    char path[1024];
    struct dirent **names = NULL;
    int n, rc = RB_OK, errors = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, lang_name((enum lang)lang));
    n = scandir(path, &names, txt_file, alphasort);
    if (n < 0) {
        buf_say(err, "%s/: cannot open\n", path);
        return RB_ENOTFOUND;
    }
    if (n == 0) {
        buf_say(err, "%s/: no *.txt file\n", path);
        rc = RB_ENOTFOUND;
    }
    for (int i = 0; i < n; i++) {
        if (!rc || rc == RB_EPARSE) {
            char file[1400];
            int r;
            snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
            EVP_DigestUpdate(md, names[i]->d_name, strlen(names[i]->d_name));
            r = load_file(p, file, lang, md, err);
            errors += r == RB_EPARSE;
            rc = r == RB_EPARSE ? RB_OK : r;
        }
        free(names[i]);
    }
    free(names);
    return rc ? rc : (errors ? RB_EPARSE : RB_OK);
}

/* Collects the placeholder names of s into out as "a,b," in order of first use. */
static void placeholders(const char *s, struct buf *out)
{
    buf_reset(out);
    while (s && (s = strchr(s, '{')) != NULL) {
        const char *e;
        if (s[1] == '{') {
            s += 2;
            continue;
        }
        e = strchr(s, '}');
        if (!e) {
            break;
        }
        buf_say(out, "%.*s,", (int)(e - s - 1), s + 1);
        s = e + 1;
    }
}

static bool same_set(const char *a, const char *b)
{
    /* Each name of a appears in b and vice versa. */
    const char *lists[2][2] = {{a, b}, {b, a}};

    for (int k = 0; k < 2; k++) {
        struct str cur = str_from(lists[k][0]), name;
        while (cur.len) {
            char pat[130];
            str_split(&cur, ',', &name);
            snprintf(pat, sizeof(pat), "%.*s,", (int)name.len, name.p);
            if (name.len && !strstr(lists[k][1], pat)) {
                return false;
            }
        }
    }
    return true;
}

static int check_all(const struct prompts *p, const char *dir, struct buf *err)
{
    struct buf ph[NLANGS];
    int errors = 0;

    for (int l = 0; l < NLANGS; l++) {
        buf_init(&ph[l], 4096);
    }
    for (size_t i = 0; i < p->n; i++) {
        const struct prompt *it = &p->items[i];
        for (int l = 0; l < NLANGS; l++) {
            if (!it->text[l]) {
                int h = it->file[0] ? 0 : it->file[1] ? 1 : 2;
                buf_say(err, "%s/%s/: message [%s] is missing (%s:%d has it)\n", dir,
                        lang_name((enum lang)l), it->key, it->file[h] ? it->file[h] : "?",
                        it->line[h]);
                errors++;
            }
            placeholders(it->text[l], &ph[l]);
        }
        for (int l = 1; l < NLANGS; l++) {
            if (it->text[0] && it->text[l] && !same_set(ph[0].p, ph[l].p)) {
                buf_say(err, "%s:%d: [%s] uses placeholders {%s} but %s uses {%s}\n", it->file[l],
                        it->line[l], it->key, ph[l].p, lang_name(LANG_UR), ph[0].p);
                errors++;
            }
        }
    }
    for (int l = 0; l < NLANGS; l++) {
        buf_release(&ph[l]);
    }
    return errors ? RB_EPARSE : RB_OK;
}

int prompts_load(const char *dir, struct prompts **out, struct buf *err)
{
    struct prompts *p = calloc(1, sizeof(*p));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    int rc = (p && md) ? RB_OK : RB_ENOMEM;
    int parse_errors = 0;

    if (!rc) {
        EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    }
    for (int l = 0; l < NLANGS && (!rc || rc == RB_EPARSE); l++) {
        int r = load_lang(p, dir, l, md, err);
        parse_errors += r == RB_EPARSE;
        rc = r == RB_EPARSE ? RB_OK : r;
    }
    if (!rc) {
        rc = check_all(p, dir, err);
    }
    if (!rc && parse_errors) {
        rc = RB_EPARSE;
    }
    if (!rc) {
        EVP_DigestFinal_ex(md, digest, &dlen);
        for (unsigned i = 0; i < 8 && i < dlen; i++) {
            snprintf(p->version + i * 2, 3, "%02x", digest[i]);
        }
        *out = p;
        p = NULL;
    }
    EVP_MD_CTX_free(md);
    prompts_free(p);
    return rc;
}

void prompts_free(struct prompts *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].key);
        for (int l = 0; l < NLANGS; l++) {
            free(p->items[i].text[l]);
            free(p->items[i].file[l]);
        }
    }
    free(p->items);
    free(p);
}

int prompts_has(const struct prompts *p, const char *key)
{
    return find(p, key) != NULL;
}

static int render_var(const json_t *vars, const char *name, size_t len, struct buf *out)
{
    char key[128];
    const json_t *v;

    snprintf(key, sizeof(key), "%.*s", (int)len, name);
    v = json_object_get(vars, key);
    if (json_is_string(v)) {
        return buf_add(out, json_string_value(v), json_string_length(v));
    }
    if (json_is_integer(v)) {
        return buf_addf(out, "%lld", (long long)json_integer_value(v));
    }
    return RB_OK;
}

int prompts_render(const struct prompts *p, enum lang lang, const char *key, const json_t *vars,
                   struct buf *out)
{
    const struct prompt *it = find(p, key);
    const char *s, *brace;
    int rc = RB_OK;

    if (!it || (int)lang < 0 || lang >= NLANGS || !it->text[lang]) {
        return RB_ENOTFOUND;
    }
    s = it->text[lang];
    while (!rc && (brace = strchr(s, '{')) != NULL) {
        const char *end;
        rc = buf_add(out, s, (size_t)(brace - s));
        if (rc) {
            break;
        }
        if (brace[1] == '{') {
            rc = buf_addc(out, '{');
            s = brace + 2;
            continue;
        }
        end = strchr(brace, '}');
        if (!end) {
            s = brace;
            break;
        }
        rc = render_var(vars, brace + 1, (size_t)(end - brace - 1), out);
        s = end + 1;
    }
    if (!rc) {
        rc = buf_adds(out, s);
    }
    return rc;
}

const char *prompts_version(const struct prompts *p)
{
    return p->version;
}
