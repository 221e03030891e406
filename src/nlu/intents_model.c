/*
 * intents_model.c - the parser's learned layer: slot finders for every slot
 * of every intent, the training sentences (`example:` lines and
 * the .tsv files of intents/examples), the classifier trained on them (nlu/classify.h)
 * and the examples taught word for word.
 */
#include "nlu/intents_impl.h"

/* ---- slot finders and the model ---- */

/*
 * The slots a slot finder looks for, in the order they are looked for: a
 * span taken by one (a phone, an amount, a date) is not read again as
 * another (a lead number, a name).
 */
static const char *const find_order[] = {
    "phone",     "when",  "date",      "amount",     "guests",   "hall",   "slot",
    "milestone", "stage", "scope",     "metric",     "group_by", "period", "compare_period",
    "staff",     "lead",  "lead_else", "staff_else", "name",     NULL};

/*
 * Slot finders: for each slot of each intent, a pattern that finds it
 * anywhere in a message, a word's start to a word's end: the fragment
 * `{find_SLOT}` when the files define one, else `{SLOT}`; and, when the
 * files define `{find_SLOT_else}`, a second one tried when the first found
 * nothing (a lead by number first, then by name). They read the slots of
 * an intent the model chose, when no pattern of that intent matched.
 * compare_period is the second period.
 */
int ix_compile_finders(struct loader *L)
{
    struct intents *S = L->set;
    struct raw_pat r;
    char src[96], full[160], name[48], slot[32];
    const char *f, *us;
    size_t i, k;
    int rc = RB_OK;
    bool alt;

    for (i = 0; i < S->nintents && !rc; i++) {
        S->intents[i].find_from = S->npats;
        for (k = 0; find_order[k] && !rc; k++) {
            f = find_order[k];
            us = strstr(f, "_else");
            alt = us != NULL;
            snprintf(slot, sizeof slot, "%.*s", (int)(alt ? (size_t)(us - f) : strlen(f)), f);
            if (!ix_intent_has_slot(&S->intents[i], slot)) {
                continue;
            }
            snprintf(name, sizeof name, "find_%s", f);
            if (ix_frag_find(L, name, strlen(name))) {
                snprintf(src, sizeof src, "{%s:%s}", name, slot);
            } else if (alt) {
                continue;
            } else if (strcmp(slot, "compare_period") == 0 && ix_frag_find(L, "period", 6)) {
                snprintf(src, sizeof src, "{period:compare_period}");
            } else if (ix_frag_find(L, slot, strlen(slot))) {
                snprintf(src, sizeof src, "{%s}", slot);
            } else {
                continue;
            }
            snprintf(full, sizeof full, "(?<![\\p{L}\\p{M}\\p{N}])(?:%s)(?![\\p{L}\\p{M}\\p{N}])",
                     src);
            memset(&r, 0, sizeof r);
            r.src = full;
            r.intent = i;
            r.confidence = -1.0;
            r.file = S->intents[i].file;
            r.line = 0;
            rc = ix_compile_one(L, &r);
        }
        S->intents[i].find_to = S->npats;
    }
    return rc;
}

static void samples_release(struct samples *T)
{
    for (size_t i = 0; i < T->n; i++) {
        free((char *)T->s[i].key);
    }
    free(T->s);
}

/* What the model reads: the key, and " ?" when the message asked (the key
 * drops the "?", and "Ahmed?" asks for a status where "Ahmed" calls him). */
char *ix_model_text(const struct key *K)
{
    char *t = malloc(K->k.len + 3);

    if (t) {
        memcpy(t, K->k.p, K->k.len);
        memcpy(t + K->k.len, K->question ? " ?" : "", K->question ? 3 : 1);
    }
    return t;
}

/* Adds text, read into its matching key, as an example of intent label. */
static int sample_add(struct loader *L, struct samples *T, const char *text, size_t len, int label)
{
    struct key K;
    char *k;
    int rc;

    if (len > MSG_MAX || !text_utf8_valid(text, len)) {
        return RB_EPARSE;
    }
    ix_key_init(&K);
    rc = ix_key_build(&K, text, len);
    if (!rc) {
        rc = ix_key_fuzzy(L->set, &K);
    }
    if (!rc && K.k.len) {
        k = ix_model_text(&K);
        rc = k ? ix_grow(&T->s, &T->cap, T->n, sizeof *T->s) : RB_ENOMEM;
        if (rc) {
            free(k);
        } else {
            T->s[T->n++] = (struct clf_sample){k, strlen(k), label};
        }
    }
    ix_key_release(&K);
    return rc;
}

static int intent_index(const struct intents *S, const char *name)
{
    for (size_t i = 0; i < S->nintents; i++) {
        if (strcmp(S->intents[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* One labeled file of examples/: text, now, {"intent":...}, lang per line. */
static int read_examples(struct loader *L, const char *path, struct samples *T)
{
    const char *file = ix_set_file(L, path);
    struct str all, ln, col[4];
    char *text = NULL;
    size_t len = 0;
    json_t *j;
    int line = 0, c, label, rc;

    if (!file) {
        return RB_ENOMEM;
    }
    rc = ix_read_file(path, &text, &len);
    if (rc) {
        ix_lerr(L, file, 0, "cannot read: %s", rb_strerror(rc));
        return rc == RB_ENOMEM ? rc : RB_OK;
    }
    all = str_make(text, len);
    while (all.len && rc != RB_ENOMEM) {
        str_split(&all, '\n', &ln);
        line++;
        if (!ln.len) {
            continue;
        }
        for (c = 0; c < 3; c++) {
            if (!str_split(&ln, '\t', &col[c]) && c < 2) {
                break;
            }
        }
        if (c < 3) {
            ix_lerr(L, file, line, "expected text<TAB>now<TAB>{\"intent\":...}");
            continue;
        }
        j = json_loadb(col[2].p, col[2].len, 0, NULL);
        label = intent_index(L->set, json_string_value(json_object_get(j, "intent"))
                                         ? json_string_value(json_object_get(j, "intent"))
                                         : "");
        json_decref(j);
        if (label < 0) {
            ix_lerr(L, file, line, "no known intent in the third column");
            continue;
        }
        rc = sample_add(L, T, col[0].p, col[0].len, label);
        if (rc == RB_EPARSE) {
            ix_lerr(L, file, line, "the text is not valid UTF-8 or is too long");
        }
    }
    free(text);
    return rc == RB_ENOMEM ? rc : RB_OK;
}

/* Every *.tsv of dir/examples, in name order; none is fine. */
static int read_examples_dir(struct loader *L, const char *dir, struct samples *T)
{
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    struct dirent *e;
    struct buf path;
    DIR *d;
    int rc = RB_OK;

    buf_init(&path, 4096);
    if (buf_addf(&path, "%s/examples", dir)) {
        return RB_ENOMEM;
    }
    d = opendir(path.p);
    if (!d) {
        buf_release(&path);
        return RB_OK;
    }
    while ((e = readdir(d)) != NULL && !rc) {
        if (e->d_name[0] == '.' || !ix_has_suffix(e->d_name, ".tsv")) {
            continue;
        }
        rc = ix_grow(&names, &cap, n, sizeof *names);
        if (!rc && !(names[n++] = rb_strdup(e->d_name))) {
            rc = RB_ENOMEM;
        }
    }
    closedir(d);
    if (!rc) {
        qsort(names, n, sizeof *names, ix_cmp_str);
    }
    for (i = 0; i < n && !rc; i++) {
        buf_reset(&path);
        rc = buf_addf(&path, "%s/examples/%s", dir, names[i]);
        if (!rc) {
            rc = read_examples(L, path.p, T);
        }
    }
    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    buf_release(&path);
    return rc;
}

static int cmp_memo(const void *a, const void *b)
{
    const struct memo *x = a, *y = b;
    int c = strcmp(x->text, y->text);

    return c ? c : (x->intent > y->intent) - (x->intent < y->intent);
}

/*
 * The examples by text, so that a message an admin taught word for word
 * gets the intent taught even where a pattern says otherwise. A text taught
 * as two intents is left out.
 */
static int build_memo(struct intents *S, const struct samples *T)
{
    size_t i, j, n = 0;

    S->memo = calloc(T->n, sizeof *S->memo);
    if (!S->memo) {
        return RB_ENOMEM;
    }
    for (i = 0; i < T->n; i++) {
        S->memo[i].text = rb_strdup(T->s[i].key);
        S->memo[i].intent = (size_t)T->s[i].label;
        S->nmemo++;
        if (!S->memo[i].text) {
            return RB_ENOMEM;
        }
    }
    qsort(S->memo, S->nmemo, sizeof *S->memo, cmp_memo);
    for (i = 0; i < S->nmemo; i = j) {
        bool mixed = false;

        for (j = i + 1; j < S->nmemo && strcmp(S->memo[j].text, S->memo[i].text) == 0; j++) {
            mixed = mixed || S->memo[j].intent != S->memo[i].intent;
        }
        for (size_t k = i + 1; k < j; k++) {
            free(S->memo[k].text);
        }
        if (mixed) {
            free(S->memo[i].text);
        } else {
            S->memo[n++] = S->memo[i];
        }
    }
    S->nmemo = n;
    return RB_OK;
}

/* The intent taught for exactly this text, or -1. */
int ix_memo_find(const struct intents *S, const char *text)
{
    struct memo key = {(char *)text, 0};
    size_t lo = 0, hi = S->nmemo, mid;
    int c;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = strcmp(key.text, S->memo[mid].text);
        if (c == 0) {
            return (int)S->memo[mid].intent;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return -1;
}

/* Trains the model on every `example:` line and every examples/ file. */
int ix_build_model(struct loader *L, const char *dir)
{
    struct intents *S = L->set;
    struct samples T = {NULL, 0, 0};
    size_t i, j;
    int rc = RB_OK;

    if (S->nintents < 2 || S->nintents > 64) {
        return RB_OK;
    }
    for (i = 0; i < S->nintents && rc != RB_ENOMEM; i++) {
        for (j = 0; j < S->intents[i].nexamples && rc != RB_ENOMEM; j++) {
            const char *t = S->intents[i].examples[j].text;

            rc = sample_add(L, &T, t, strlen(t), (int)i);
        }
    }
    if (rc != RB_ENOMEM) {
        rc = read_examples_dir(L, dir, &T);
    }
    if (!rc && T.n) {
        /* the tests share one trained model between their processes */
        rc = classifier_train_cached(T.s, T.n, (int)S->nintents, getenv("RABTA_MODEL_CACHE"),
                                     &S->model);
        S->nexamples = T.n;
    }
    if (!rc && T.n) {
        rc = build_memo(S, &T);
    }
    samples_release(&T);
    return rc == RB_ENOMEM ? rc : RB_OK;
}
