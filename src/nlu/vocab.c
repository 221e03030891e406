/*
 * vocab.c - the word lists of .words files of intents/ (see vocab.h): what each list
 * is called and which values it takes, the reader, and the current set.
 */
#include "nlu/vocab.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "nlu/text.h"

enum kind { K_PLAIN, K_NUM, K_SYM };

/* A list: its name in the files, and its values (a range, or symbols
 * numbered from lo). */
struct def {
    const char *name;
    enum kind kind;
    int lo, hi;
    const char *const *syms;
};

static const char *const weekday_syms[] = {"monday", "tuesday",  "wednesday", "thursday",
                                           "friday", "saturday", "sunday",    NULL};
static const char *const det_syms[] = {"this", "next", "last", NULL};
static const char *const unit_syms[] = {"week", "month", "quarter", "year", NULL};
static const char *const rel_syms[] = {"today", "kal", "tomorrow", "parson", "yesterday", NULL};
static const char *const tw_syms[] = {"morning", "noon", "afternoon", "evening", "night", NULL};
static const char *const frac_syms[] = {"sawa", "saadhe", "paune", "dedh", "dhai", NULL};
static const char *const slot_syms[] = {"lunch", "dinner", "full_day", NULL};
static const char *const ms_syms[] = {"advance", "mid", "final", NULL};

/* The values of the SYM lists start at lo: 0 for weekdays (as
 * date_weekday), 1 for the others (0 is never a word's value there). */
static const struct def defs[VOC_COUNT] = {
    [VOC_MONTH] = {"month", K_NUM, 1, 12, NULL},
    [VOC_WEEKDAY] = {"weekday", K_SYM, 0, 0, weekday_syms},
    [VOC_DET] = {"det", K_SYM, 1, 0, det_syms},
    [VOC_UNIT] = {"unit", K_SYM, 1, 0, unit_syms},
    [VOC_REL] = {"rel", K_SYM, 1, 0, rel_syms},
    [VOC_KO] = {"ko", K_PLAIN, 0, 0, NULL},
    [VOC_APPROX] = {"approx", K_PLAIN, 0, 0, NULL},
    [VOC_TAREEKH] = {"tareekh", K_PLAIN, 0, 0, NULL},
    [VOC_ORDINAL] = {"ordinal", K_PLAIN, 0, 0, NULL},
    [VOC_DAY_WORD] = {"day_word", K_NUM, 1, 31, NULL},
    [VOC_RANGE_SEP] = {"range_sep", K_PLAIN, 0, 0, NULL},
    [VOC_RANGE_END] = {"range_end", K_PLAIN, 0, 0, NULL},
    [VOC_TIMEWORD] = {"timeword", K_SYM, 1, 0, tw_syms},
    [VOC_BAJE] = {"baje", K_PLAIN, 0, 0, NULL},
    [VOC_FRAC] = {"frac", K_SYM, 1, 0, frac_syms},
    [VOC_NUMBER] = {"number", K_NUM, 0, 999, NULL},
    [VOC_TENS] = {"tens", K_PLAIN, 0, 0, NULL},
    [VOC_UNITS] = {"units", K_PLAIN, 0, 0, NULL},
    [VOC_MULTIPLIER] = {"multiplier", K_NUM, 2, 1000000000, NULL},
    [VOC_CURRENCY] = {"currency", K_PLAIN, 0, 0, NULL},
    [VOC_AND_HALF] = {"and_half", K_PLAIN, 0, 0, NULL},
    [VOC_GUEST] = {"guest", K_PLAIN, 0, 0, NULL},
    [VOC_DELAY_PRE] = {"delay_pre", K_PLAIN, 0, 0, NULL},
    [VOC_DELAY_POST] = {"delay_post", K_PLAIN, 0, 0, NULL},
    [VOC_DELAY_KE] = {"delay_ke", K_PLAIN, 0, 0, NULL},
    [VOC_DELAY_DAY] = {"delay_day", K_PLAIN, 0, 0, NULL},
    [VOC_DELAY_HOUR] = {"delay_hour", K_PLAIN, 0, 0, NULL},
    [VOC_DELAY_MINUTE] = {"delay_minute", K_PLAIN, 0, 0, NULL},
    [VOC_DELAY_HALF] = {"delay_half", K_PLAIN, 0, 0, NULL},
    [VOC_DELAY_NOW] = {"delay_now", K_PLAIN, 0, 0, NULL},
    [VOC_SLOT] = {"slot", K_SYM, 1, 0, slot_syms},
    [VOC_SLOT_SUFFIX] = {"slot_suffix", K_PLAIN, 0, 0, NULL},
    [VOC_MILESTONE] = {"milestone", K_SYM, 1, 0, ms_syms},
    [VOC_MS_SUFFIX] = {"milestone_suffix", K_PLAIN, 0, 0, NULL},
    [VOC_YTD] = {"ytd", K_PLAIN, 0, 0, NULL},
    [VOC_QUARTER] = {"quarter", K_NUM, 1, 4, NULL},
    [VOC_PERIOD_BEFORE] = {"period_before", K_PLAIN, 0, 0, NULL},
    [VOC_LAST_YEAR] = {"last_year", K_PLAIN, 0, 0, NULL},
    [VOC_WHEN_GLUE] = {"when_glue", K_PLAIN, 0, 0, NULL},
    [VOC_TONIGHT] = {"tonight", K_PLAIN, 0, 0, NULL},
    [VOC_NOON] = {"noon", K_PLAIN, 0, 0, NULL},
    [VOC_ROMAN] = {"roman_ur", K_PLAIN, 0, 0, NULL},
    [VOC_ENGLISH] = {"english", K_PLAIN, 0, 0, NULL},
    [VOC_HALF] = {"half_roman", K_PLAIN, 0, 0, NULL},
    [VOC_NEUTRAL] = {"neutral", K_PLAIN, 0, 0, NULL},
    [VOC_CLOCK_FRAC] = {"clock_frac", K_SYM, 1, 0, frac_syms},
};

struct list {
    struct vocab_word *items; /* n entries and {NULL, 0} */
    const char **words;       /* the same words and NULL */
    size_t n, cap;
};

struct vocab {
    struct list l[VOC_COUNT];
};

static const struct vocab_word no_items[1] = {{NULL, 0}};
static const char *const no_words[1] = {NULL};
static const struct vocab empty_set;

static _Thread_local const struct vocab *used;
static _Atomic(const struct vocab *) installed;

struct vocab *vocab_new(void)
{
    return calloc(1, sizeof(struct vocab));
}

void vocab_free(struct vocab *v)
{
    const struct vocab *expect = v;
    size_t i, j;

    if (!v) {
        return;
    }
    atomic_compare_exchange_strong(&installed, &expect, NULL);
    if (used == v) {
        used = NULL;
    }
    for (i = 0; i < VOC_COUNT; i++) {
        for (j = 0; j < v->l[i].n; j++) {
            free((char *)v->l[i].items[j].w);
        }
        free(v->l[i].items);
        free(v->l[i].words);
    }
    free(v);
}

static int list_add(struct list *l, char *w, int val)
{
    if (l->n + 2 > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct vocab_word *items = realloc(l->items, cap * sizeof *items);
        const char **words;

        if (!items) {
            return RB_ENOMEM;
        }
        l->items = items;
        words = realloc(l->words, cap * sizeof *words);
        if (!words) {
            return RB_ENOMEM;
        }
        l->words = words;
        l->cap = cap;
    }
    l->items[l->n].w = w;
    l->items[l->n].v = val;
    l->words[l->n] = w;
    l->n++;
    l->items[l->n].w = NULL;
    l->items[l->n].v = 0;
    l->words[l->n] = NULL;
    return RB_OK;
}

static void verr(struct buf *err, int *nerr, const char *file, int line, const char *msg,
                 struct str what)
{
    int rc = buf_addf(err, "%s:%d: %s \"%.*s\"\n", file, line, msg, (int)what.len, what.p);

    (*nerr)++;
    (void)rc; /* a full error buffer still counts the error */
}

/* The value of "LIST VALUE" for list d; false when it is not one. */
static bool parse_value(const struct def *d, struct str s, int *val)
{
    size_t i;
    long n = 0;

    if (d->kind == K_PLAIN) {
        return s.len == 0;
    }
    if (d->kind == K_SYM) {
        for (i = 0; d->syms[i]; i++) {
            if (str_eqs(s, d->syms[i])) {
                *val = d->lo + (int)i;
                return true;
            }
        }
        return false;
    }
    if (!s.len || s.len > 10) {
        return false;
    }
    for (i = 0; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9') {
            return false;
        }
        n = n * 10 + (s.p[i] - '0');
    }
    if (n < d->lo || n > d->hi) {
        return false;
    }
    *val = (int)n;
    return true;
}

/* One "LIST [VALUE]: a | b" line. */
static int add_line(struct vocab *v, const char *file, int line, struct str ln, struct buf *err,
                    int *nerr)
{
    struct str head, name, value, word;
    struct buf key;
    const char *colon = memchr(ln.p, ':', ln.len);
    size_t i;
    int val = 0, rc = RB_OK;

    if (!colon) {
        verr(err, nerr, file, line, "a line reads \"LIST [VALUE]: word | word\", not", ln);
        return RB_OK;
    }
    head = str_trim(str_make(ln.p, (size_t)(colon - ln.p)));
    ln = str_make(colon + 1, ln.len - (size_t)(colon - ln.p) - 1);
    name = head;
    value = str_make(head.p + head.len, 0);
    for (i = 0; i < head.len; i++) {
        if (head.p[i] == ' ') {
            name = str_make(head.p, i);
            value = str_trim(str_make(head.p + i, head.len - i));
            break;
        }
    }
    for (i = 0; i < VOC_COUNT && !str_eqs(name, defs[i].name); i++) {
    }
    if (i == VOC_COUNT) {
        verr(err, nerr, file, line, "no such word list", name);
        return RB_OK;
    }
    if (!parse_value(&defs[i], value, &val)) {
        verr(err, nerr, file, line,
             defs[i].kind == K_PLAIN ? "this list takes no value:" : "not a value of this list:",
             value);
        return RB_OK;
    }
    buf_init(&key, 256);
    while (ln.len && !rc) {
        str_split(&ln, '|', &word);
        word = str_trim(word);
        if (!word.len) {
            verr(err, nerr, file, line, "an empty word in list", name);
            continue;
        }
        buf_reset(&key);
        rc = text_normalize(word.p, word.len, &key);
        if (rc == RB_EPARSE || rc == RB_ETOOBIG || (!rc && !key.len)) {
            verr(err, nerr, file, line, "not a word:", word);
            rc = RB_OK;
            continue;
        }
        if (!rc) {
            char *w = rb_strdup(key.p);

            rc = w ? list_add(&v->l[i], w, val) : RB_ENOMEM;
            if (rc) {
                free(w);
            }
        }
    }
    buf_release(&key);
    return rc;
}

int vocab_add_text(struct vocab *v, const char *file, const char *text, size_t len, struct buf *err,
                   int *nerr)
{
    struct str all = str_make(text, len), ln;
    int line = 0, rc = RB_OK;

    while (all.len && !rc) {
        str_split(&all, '\n', &ln);
        line++;
        ln = str_trim(ln);
        if (!ln.len || ln.p[0] == '#') {
            continue;
        }
        rc = add_line(v, file, line, ln, err, nerr);
    }
    return rc;
}

static int cmp_word(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int vocab_finish(struct vocab *v, const char *dir, struct buf *err, int *nerr)
{
    size_t i;

    for (i = 0; i < VOC_COUNT; i++) {
        if (!v->l[i].n) {
            int rc = buf_addf(err, "%s: no `%s:` word list (a .words file)\n", dir, defs[i].name);

            (*nerr)++;
            (void)rc; /* a full error buffer still counts the error */
        }
    }
    /* the markers are looked up by bsearch; their values mean nothing */
    if (v->l[VOC_ROMAN].n) {
        qsort(v->l[VOC_ROMAN].words, v->l[VOC_ROMAN].n, sizeof(char *), cmp_word);
    }
    if (v->l[VOC_ENGLISH].n) {
        qsort(v->l[VOC_ENGLISH].words, v->l[VOC_ENGLISH].n, sizeof(char *), cmp_word);
    }
    return RB_OK;
}

static int read_all(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[4096];
    size_t n;
    int rc = RB_OK;

    if (!f) {
        return RB_ENOTFOUND;
    }
    buf_init(&b, 1 << 20);
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        rc = buf_add(&b, chunk, n);
    }
    fclose(f);
    if (rc) {
        buf_release(&b);
        return rc;
    }
    *out = buf_detach(&b, len);
    return *out ? RB_OK : RB_ENOMEM;
}

int vocab_load_dir(const char *dir, struct vocab **out, struct buf *err)
{
    struct vocab *v = vocab_new();
    struct dirent **names = NULL;
    int i, n, nerr = 0, rc = RB_OK;

    *out = NULL;
    if (!v) {
        return RB_ENOMEM;
    }
    n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        vocab_free(v);
        return RB_ENOTFOUND;
    }
    for (i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name), tl = 0;
        char path[4096], *text = NULL;

        if (!rc && len > 6 && names[i]->d_name[0] != '.' &&
            strcmp(names[i]->d_name + len - 6, ".words") == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            rc = read_all(path, &text, &tl);
            if (!rc) {
                rc = vocab_add_text(v, path, text, tl, err, &nerr);
            }
            free(text);
        }
        free(names[i]);
    }
    free(names);
    if (!rc) {
        rc = vocab_finish(v, dir, err, &nerr);
    }
    if (!rc && nerr) {
        rc = RB_EPARSE;
    }
    if (rc) {
        vocab_free(v);
        return rc;
    }
    *out = v;
    return RB_OK;
}

const struct vocab *vocab_use(const struct vocab *v)
{
    const struct vocab *old = used;

    used = v;
    return old;
}

void vocab_install(const struct vocab *v)
{
    atomic_store(&installed, v);
}

const struct vocab *vocab_current(void)
{
    const struct vocab *v = used;

    if (!v) {
        v = atomic_load_explicit(&installed, memory_order_acquire);
    }
    return v ? v : &empty_set;
}

const char *vocab_list_name(enum vocab_id id)
{
    return defs[id].name;
}

const struct vocab_word *vocab_list(enum vocab_id id)
{
    const struct vocab *v = vocab_current();

    return v->l[id].items ? v->l[id].items : no_items;
}

const char *const *vocab_words(enum vocab_id id)
{
    const struct vocab *v = vocab_current();

    return v->l[id].words ? (const char *const *)v->l[id].words : no_words;
}

bool vocab_has_sorted(enum vocab_id id, const char *w)
{
    const struct vocab *v = vocab_current();

    return v->l[id].n && bsearch(&w, v->l[id].words, v->l[id].n, sizeof(char *), cmp_word);
}
