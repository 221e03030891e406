/*
 * intents.c - the intents/ rule engine: loading a set in its phases, freeing
 * it, the public view of its intents, and `rabta check` (see intents.h).
 *
 * Loading runs in phases so that any file may use what another defines:
 * (1) read every file into fragments, synonyms, intents and raw patterns
 * (intents_load.c); (2) add the built-in fragments (halls and staff from the
 * config, one {SLOT_synonyms} per slot with synonyms); (3) expand and compile
 * every pattern and the slot finders (intents_compile.c, intents_model.c);
 * (4) train the classifier on the examples (intents_model.c). Errors are
 * collected, never fatal to the scan.
 */
#include "nlu/intents_impl.h"

/* ---- the set ---- */

static void intent_release(struct intent *in)
{
    size_t i;

    free(in->name);
    free(in->description);
    free(in->trigger);
    for (i = 0; i < in->nslots; i++) {
        free(in->slots[i]);
    }
    free(in->slots);
    free(in->required);
    for (i = 0; i < in->nexamples; i++) {
        free((char *)in->examples[i].text);
        free((char *)in->examples[i].expect);
        free((char *)in->examples[i].now);
    }
    free(in->examples);
}

void intents_free(struct intents *S)
{
    size_t i;

    if (!S) {
        return;
    }
    for (i = 0; i < S->nwords; i++) {
        for (size_t j = 0; j < S->words[i].n; j++) {
            free(S->words[i].phrases[j]);
        }
        free(S->words[i].phrases);
        free(S->words[i].name);
    }
    free(S->words);
    vocab_free(S->vocab);
    for (i = 0; i < S->nintents; i++) {
        intent_release(&S->intents[i]);
    }
    free(S->intents);
    free(S->infos);
    for (i = 0; i < S->npats; i++) {
        pcre2_code_free(S->pats[i].re);
        pcre2_code_free(S->pats[i].jit);
        free(S->pats[i].slots);
        json_decref(S->pats[i].sets);
        free(S->pats[i].need);
    }
    free(S->pats);
    for (i = 0; i < S->nlits; i++) {
        free(S->lits[i].s);
    }
    free(S->lits);
    ix_wordset_release(&S->litset);
    free(S->order);
    for (i = 0; i < S->nsyns; i++) {
        free(S->syns[i].slot);
        free(S->syns[i].key);
        free(S->syns[i].phrase);
        free(S->syns[i].value);
    }
    free(S->syns);
    for (i = 0; i < S->ndrops; i++) {
        free(S->drops[i]);
    }
    free(S->drops);
    for (i = 0; i < S->nhalls; i++) {
        free(S->halls[i].key);
        free(S->halls[i].name);
    }
    free(S->halls);
    for (i = 0; i < S->nfiles; i++) {
        free(S->files[i]);
    }
    free(S->files);
    pcre2_match_context_free(S->mctx);
    classifier_free(S->model);
    for (i = 0; i < S->nmemo; i++) {
        free(S->memo[i].text);
    }
    free(S->memo);
    ix_wordset_release(&S->triggers);
    ix_wordset_release(&S->stopwords);
    for (i = 0; i < S->nstop_raw; i++) {
        free(S->stop_raw[i]);
    }
    free(S->stop_raw);
    free(S->stop_line);
    free(S->stop_file);
    free(S->stop_kind);
    free((void *)S->fuzzy);
    free(S);
}

static void loader_release(struct loader *L)
{
    size_t i;

    for (i = 0; i < L->nfrags; i++) {
        free(L->frags[i].name);
        free(L->frags[i].body);
        free(L->frags[i].plain);
    }
    free(L->frags);
    for (i = 0; i < L->nraws; i++) {
        free(L->raws[i].src);
        free(L->raws[i].set);
    }
    free(L->raws);
}

/* The public view of each intent, in file name order. */
static int build_infos(struct intents *S)
{
    struct intent_info *info;
    struct intent *in;
    size_t i;

    S->infos = calloc(S->nintents ? S->nintents : 1, sizeof *S->infos);
    if (!S->infos) {
        return RB_ENOMEM;
    }
    for (i = 0; i < S->nintents; i++) {
        in = &S->intents[i];
        info = &S->infos[i];
        info->name = in->name;
        info->roles = in->roles;
        info->description = in->description ? in->description : "";
        info->slots = (const char *const *)in->slots;
        info->slot_required = in->required;
        info->nslots = in->nslots;
        info->examples = in->examples;
        info->nexamples = in->nexamples;
        info->past = in->past;
    }
    return RB_OK;
}

void nlu_env_from_config(struct nlu_env *env, const struct config *c)
{
    env->halls = c->halls;
    env->nhalls = c->nhalls;
    env->staff = c->staff;
    env->nstaff = c->nstaff;
    env->country_code = c->country_code;
}

static int cmp_prio_idx(const void *a, const void *b)
{
    const struct prio_idx *x = a, *y = b;

    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

/* S->order: the patterns by priority, highest first (matching stops at the
 * first priority that gives a winner), in file order within one priority. */
static int build_order(struct intents *S)
{
    struct prio_idx *tmp;
    size_t i, n = S->nmain ? S->nmain : 1;

    S->order = malloc(n * sizeof *S->order);
    tmp = malloc(n * sizeof *tmp);
    if (!S->order || !tmp) {
        free(tmp);
        return RB_ENOMEM;
    }
    for (i = 0; i < S->nmain; i++) {
        tmp[i].priority = S->pats[i].priority;
        tmp[i].idx = i;
    }
    qsort(tmp, S->nmain, sizeof *tmp, cmp_prio_idx);
    for (i = 0; i < S->nmain; i++) {
        S->order[i] = tmp[i].idx;
    }
    free(tmp);
    return RB_OK;
}

/* Loads into L->set; returns a code, L->nerr counts the problems. */
static int load_all(struct loader *L, const char *dir)
{
    size_t i;
    int rc;

    rc = ix_load_dir(L, dir);
    for (i = 0; !rc && i < 2; i++) {
        const char *need = i ? "start" : "stop";

        if (!intents_words(L->set, need)[0]) {
            ix_lerr(L, dir, 0,
                    "no `words %s:` list: clients must be able to %s automated messages "
                    "(common.frag)",
                    need, i ? "resume" : "stop");
        }
    }
    if (!rc) {
        rc = ix_builtin_halls(L);
    }
    if (!rc) {
        rc = ix_builtin_staff(L);
    }
    if (!rc) {
        rc = ix_builtin_synonyms(L);
    }
    if (!rc) {
        rc = ix_builtin_plain(L, "not_stopword", "(?C1)");
    }
    if (!rc) {
        rc = ix_builtin_vocab(L);
    }
    if (!rc) {
        rc = ix_build_word_lists(L);
    }
    for (i = 0; i < L->nraws && !rc; i++) {
        rc = ix_compile_one(L, &L->raws[i]);
    }
    L->set->nmain = L->set->npats;
    if (!rc) {
        rc = ix_compile_finders(L);
    }
    if (!rc) {
        rc = build_infos(L->set);
    }
    if (!rc) {
        rc = build_order(L->set);
    }
    if (!rc) {
        L->set->mctx = pcre2_match_context_create(NULL);
        if (!L->set->mctx) {
            rc = RB_ENOMEM;
        } else {
            pcre2_set_match_limit(L->set->mctx, MATCH_LIMIT);
            pcre2_set_callout(L->set->mctx, ix_stopword_callout, L->set);
        }
    }
    if (!rc && !L->nerr) {
        rc = ix_build_model(L, dir);
    }
    return rc;
}

int intents_load(const char *dir, const struct nlu_env *env, struct intents **out, struct buf *err)
{
    struct loader L;
    struct nlu_env none = {NULL, 0, NULL, 0, 92};
    const struct vocab *old;
    int rc;

    memset(&L, 0, sizeof L);
    L.env = env ? env : &none;
    L.err = err;
    L.set = calloc(1, sizeof *L.set);
    if (!L.set) {
        return RB_ENOMEM;
    }
    L.set->country_code = L.env->country_code ? L.env->country_code : 92;
    L.set->vocab = vocab_new();
    if (!L.set->vocab) {
        free(L.set);
        return RB_ENOMEM;
    }
    /* the set's examples and finders are read with its own words */
    old = vocab_use(L.set->vocab);
    rc = load_all(&L, dir);
    vocab_use(old);
    if (!rc && L.nerr) {
        rc = RB_EPARSE;
    }
    if (!rc) {
        vocab_install(L.set->vocab); /* the newest rules' words, for callers outside a parse */
        L.set->armed = true;
        *out = L.set;
        L.set = NULL;
    }
    intents_free(L.set);
    loader_release(&L);
    return rc;
}

const char *const *intents_words(const struct intents *S, const char *name)
{
    static const char *const none[] = {NULL};

    for (size_t i = 0; S && i < S->nwords; i++) {
        if (strcmp(S->words[i].name, name) == 0 && S->words[i].phrases) {
            return (const char *const *)S->words[i].phrases;
        }
    }
    return none;
}

const struct intent_info *intents_list(const struct intents *S, size_t *n)
{
    *n = S->nintents;
    return S->infos;
}

const struct intent_info *intents_find(const struct intents *S, const char *name)
{
    size_t i;

    for (i = 0; i < S->nintents; i++) {
        if (strcmp(S->intents[i].name, name) == 0) {
            return &S->infos[i];
        }
    }
    return NULL;
}

/* ---- rabta check ---- */

static int check_example(const struct intents *S, const struct intent *in,
                         const struct intent_example *ex, struct loader *L)
{
    struct parse_result r;
    struct rb_datetime now;
    json_t *want = NULL;
    char *got = NULL;
    int rc;

    parse_result_init(&r);
    if (datetime_parse(ex->now, &now) != RB_OK) {
        ix_lerr(L, ex->file, ex->line, "bad now \"%s\"", ex->now);
        return RB_OK;
    }
    rc = intents_match(S, ex->text, strlen(ex->text), now, &r);
    if (rc) {
        ix_lerr(L, ex->file, ex->line, "example cannot be parsed: %s", rb_strerror(rc));
        rc = rc == RB_ENOMEM ? rc : RB_OK;
        goto out;
    }
    want = json_loads(ex->expect, 0, NULL);
    if (strcmp(r.intent, in->name) != 0 || !json_equal(want, r.slots)) {
        got = json_dumps(r.slots, JSON_COMPACT);
        ix_lerr(L, ex->file, ex->line, "example \"%s\": expected %s %s, got %s %s", ex->text,
                in->name, ex->expect, r.intent, got ? got : "?");
    }
out:
    free(got);
    json_decref(want);
    parse_result_release(&r);
    return rc;
}

int intents_check(const char *dir, const struct nlu_env *env, struct buf *err)
{
    struct intents *S = NULL;
    struct loader L;
    size_t i, j;
    int rc;

    memset(&L, 0, sizeof L);
    L.err = err;
    rc = intents_load(dir, env, &S, err);
    if (rc) {
        return rc == RB_ENOMEM ? rc : RB_EPARSE;
    }
    for (i = 0; i < S->nintents && !rc; i++) {
        for (j = 0; j < S->intents[i].nexamples && !rc; j++) {
            rc = check_example(S, &S->intents[i], &S->intents[i].examples[j], &L);
        }
    }
    intents_free(S);
    if (!rc && L.nerr) {
        rc = RB_EPARSE;
    }
    return rc;
}
