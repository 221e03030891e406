/*
 * intents_match.c - matching a message: the patterns by priority, the best
 * candidate, its confidence, and the model's say (apply_model).
 */
#include "nlu/intents_impl.h"

/* Higher priority, more slots, longer match, earlier pattern. */
static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    if (x->nslots != y->nslots) {
        return x->nslots > y->nslots ? -1 : 1;
    }
    if (x->mlen != y->mlen) {
        return x->mlen > y->mlen ? -1 : 1;
    }
    return x->pat < y->pat ? -1 : (x->pat > y->pat);
}

static int count_slots(const struct pattern *P, const PCRE2_SIZE *ov)
{
    int n = (int)json_object_size(P->sets), g;
    size_t i;

    for (i = 0; i < P->nslots; i++) {
        for (g = 0; g < P->slots[i].ngroups; g++) {
            uint32_t k = P->slots[i].groups[g];

            if (ov[2 * k] != PCRE2_UNSET && ov[2 * k + 1] > ov[2 * k]) {
                n++;
                break;
            }
        }
    }
    return n;
}

const pcre2_code *ix_pat_code(const struct intents *S, const struct pattern *P)
{
    struct pattern *M = (struct pattern *)P; /* only jit and tries change */
    pcre2_code *jit = __atomic_load_n(&M->jit, __ATOMIC_ACQUIRE), *none = NULL;

    if (jit) {
        return jit;
    }
    if (!S->armed || __atomic_add_fetch(&M->tries, 1, __ATOMIC_RELAXED) < JIT_AFTER) {
        return P->re;
    }
    jit = pcre2_code_copy(P->re);
    if (!jit || pcre2_jit_compile(jit, PCRE2_JIT_COMPLETE) != 0) {
        pcre2_code_free(jit); /* no memory, or no JIT here: interpret */
        return P->re;
    }
    if (!__atomic_compare_exchange_n(&M->jit, &none, jit, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        pcre2_code_free(jit);
        return none; /* another thread's copy */
    }
    return jit;
}

/* What collect reads besides the key: the intents whose trigger words the
 * key has, the key lowered (ASCII) and which of S->lits it holds, as found. */
struct prefilter {
    uint64_t mask;
    const char *lk;
    const uint64_t *bg; /* its pairs of bytes (ix_need_bigrams) */
    unsigned char *seen;
};

/* The captures of each candidate of one priority, kept from collect for
 * choose (a pattern is not run twice): pairs PCRE2_SIZE pairs a candidate. */
struct ovstore {
    PCRE2_SIZE *ov;
    size_t cap, pairs;
};

/* Room for candidate i's captures; NULL without memory. */
static PCRE2_SIZE *ov_slot(struct ovstore *O, size_t i)
{
    PCRE2_SIZE *grown;
    size_t cap;

    if (i >= O->cap) {
        cap = O->cap ? 2 * O->cap : 8;
        cap = cap > i ? cap : i + 1;
        grown = realloc(O->ov, cap * 2 * O->pairs * sizeof *grown);
        if (!grown) {
            return NULL;
        }
        O->ov = grown;
        O->cap = cap;
    }
    return O->ov + i * 2 * O->pairs;
}

/* Runs the patterns S->order[from..to) over the key (those of intents whose
 * trigger words are in F->mask, or that have none, and whose literals the
 * key holds); fills cands, *n of them, and their captures in O. */
static int collect(const struct intents *S, const struct key *K, pcre2_match_data *md,
                   const struct prefilter *F, struct ovstore *O, size_t from, size_t to,
                   struct cand *cands, size_t *n)
{
    PCRE2_SIZE *keep;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    uint64_t bit;
    size_t i, p;
    int rc;

    *n = 0;
    for (i = from; i < to; i++) {
        p = S->order[i];
        bit = S->intents[S->pats[p].intent].bit;
        if (S->pats[p].question) {
            if (!K->question) {
                continue; /* a pattern for questions: the message does not end with "?" */
            }
        } else if (bit && !(F->mask & bit)) {
            continue; /* none of the intent's trigger words: its patterns cannot fit */
        }
        if (S->pats[p].need && !ix_need_met(S, &S->pats[p], F->lk, K->k.len, F->bg, F->seen)) {
            continue; /* a literal it needs is not in the key: it cannot match */
        }
        rc = pcre2_match(ix_pat_code(S, &S->pats[p]), (PCRE2_SPTR)K->k.p, K->k.len, 0,
                         PCRE2_NO_UTF_CHECK, md, S->mctx);
        if (rc < 0) {
            continue; /* no match, or the match limit: this pattern does not apply */
        }
        keep = ov_slot(O, *n);
        if (!keep) {
            return RB_ENOMEM;
        }
        memcpy(keep, ov, 2 * O->pairs * sizeof *keep);
        cands[*n].pat = p;
        cands[*n].priority = S->pats[p].priority;
        cands[*n].nslots = count_slots(&S->pats[p], ov);
        cands[*n].mlen = ov[1] - ov[0];
        cands[*n].ovi = *n;
        (*n)++;
    }
    return RB_OK;
}

/* The key without trailing punctuation: what coverage is measured on. */
static size_t key_content_len(const struct key *K)
{
    size_t n = K->k.len;

    while (n && ix_is_trim_punct(K->k.p[n - 1])) {
        n--;
    }
    return n ? n : K->k.len;
}

static double confidence_of(const struct pattern *P, const struct cand *c, const struct key *K)
{
    double cov;

    if (P->confidence >= 0.0) {
        return P->confidence;
    }
    cov = (double)c->mlen / (double)(key_content_len(K) ? key_content_len(K) : 1);
    if (cov > 1.0) {
        cov = 1.0;
    }
    return 0.5 + 0.45 * cov;
}

/* Tries the candidates best first; the first whose slots all parse wins. */
static int choose(const struct intents *S, const struct key *K, struct rb_datetime now,
                  const struct ovstore *O, struct cand *cands, size_t n, size_t *win,
                  json_t **slots)
{
    struct xctx X;
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        memset(&X, 0, sizeof X);
        X.S = S;
        X.K = K;
        X.P = &S->pats[cands[i].pat];
        X.in = &S->intents[X.P->intent];
        X.nn.now = now;
        X.nn.country_code = S->country_code;
        X.nn.past = X.in->past;
        X.ov = O->ov + cands[i].ovi * 2 * O->pairs; /* as collect's match left them */
        X.slots = json_object();
        if (!X.slots) {
            return RB_ENOMEM;
        }
        rc = ix_extract(&X);
        if (rc == RB_OK) {
            *win = i;
            *slots = X.slots;
            return RB_OK;
        }
        json_decref(X.slots);
        if (rc != RB_EPARSE) {
            return rc;
        }
    }
    return RB_ENOTFOUND;
}

/* Fills out from the winner cands[w], or "unknown" when w == n. */
static int fill_result(const struct intents *S, const struct key *K, const struct cand *cands,
                       size_t n, size_t w, json_t *slots, struct parse_result *out)
{
    const struct pattern *P;
    const char *name = "unknown";
    double conf = 0.0;
    size_t i;

    if (w < n) {
        P = &S->pats[cands[w].pat];
        name = S->intents[P->intent].name;
        conf = confidence_of(P, &cands[w], K);
        for (i = w + 1; i < n; i++) {
            const struct pattern *Q = &S->pats[cands[i].pat];

            if (Q->intent != P->intent && cands[i].priority == cands[w].priority &&
                cands[i].nslots == cands[w].nslots) {
                conf -= 0.1; /* another intent fits as well: less sure */
                break;
            }
        }
        if (strcmp(name, "unknown") == 0) {
            json_object_clear(slots);
        }
    }
    out->intent = rb_strdup(name);
    out->slots = slots ? slots : json_object();
    out->engine = "rules";
    out->confidence = conf < 0.0 ? 0.0 : conf;
    if (!out->intent || !out->slots) {
        return RB_ENOMEM;
    }
    return RB_OK;
}

/*
 * The slots of intent i read by its slot finders (ix_compile_finders), each
 * anywhere in the message, in find_order: what one finder took is blanked
 * for the next, so that the phone is not read again as a lead number. A
 * finder whose first hit does not convert (a "lead" that is a stage word)
 * tries its next hit.
 */
static int find_slots(const struct intents *S, const struct key *K, size_t i,
                      struct rb_datetime now, pcre2_match_data *md, json_t **out)
{
    const struct intent *in = &S->intents[i];
    struct key M = *K;
    struct xctx X;
    const PCRE2_SIZE *ov;
    size_t f, start, s, e;
    char *masked;
    int rc = RB_OK, m;

    *out = json_object();
    masked = malloc(K->k.len + 1);
    if (!*out || !masked) {
        free(masked);
        return RB_ENOMEM;
    }
    memcpy(masked, K->k.p, K->k.len + 1);
    M.k.p = masked;
    for (f = in->find_from; f < in->find_to && !rc; f++) {
        const struct pattern *P = &S->pats[f];

        if (!P->nslots || json_object_get(*out, P->slots[0].def->name)) {
            continue; /* nothing to find, or found by the finder before */
        }
        for (start = 0; start <= M.k.len && !rc;) {
            m = pcre2_match(ix_pat_code(S, P), (PCRE2_SPTR)M.k.p, M.k.len, start,
                            PCRE2_NO_UTF_CHECK, md, S->mctx);
            if (m < 0) {
                break;
            }
            ov = pcre2_get_ovector_pointer(md);
            memset(&X, 0, sizeof X);
            X.S = S;
            X.K = &M;
            X.P = P;
            X.in = in;
            X.ov = ov;
            X.nn.now = now;
            X.nn.country_code = S->country_code;
            X.nn.past = in->past;
            X.slots = *out;
            if (ix_capture_of(&X, P->slots[0].def, &s, &e) && e > s) {
                rc = ix_conv_slot(&X, P->slots[0].def, s, e);
                if (rc == RB_OK) {
                    memset(masked + ov[0], 0x1f, ov[1] - ov[0]);
                    break;
                }
                rc = rc == RB_EPARSE ? RB_OK : rc;
            }
            /* the next hit: from the next code point after this one's start */
            start = ov[0] + 1;
            while (start < M.k.len && ((unsigned char)M.k.p[start] & 0xC0) == 0x80) {
                start++;
            }
            if (start > M.k.len) {
                break;
            }
        }
    }
    free(masked);
    if (!rc && json_object_get(*out, "when")) {
        json_object_del(*out, "date");
    }
    return rc;
}

/* Whether the key has a letter (Latin, or any non-ASCII one: Urdu). */
static bool has_letter(const struct key *K)
{
    for (size_t i = 0; i < K->k.len; i++) {
        unsigned char c = (unsigned char)K->k.p[i];

        if ((c >= 'a' && c <= 'z') || c >= 0x80) {
            return true;
        }
    }
    return false;
}

/*
 * The model's say on the pattern layer's answer r (matched: a pattern of a
 * command or of chit-chat won; fixed: with a `confidence:` of its own). A
 * pattern that matched wins, as the precise layer, with two exceptions:
 * when the model agrees, the answer is as sure as the surer of the two;
 * when the model disagrees, the answer is at most MODEL_DOUBT sure (Gemini
 * is asked when there is one), and when the model is MODEL_OVERRIDE sure of
 * another intent and the pattern gave no confidence of its own, the model's
 * answer wins. When no pattern matched, the model's intent is the answer when
 * it is at least MODEL_MIN sure, with its slots read by the slot finders;
 * otherwise "unknown", as sure as the model is that it is chit-chat.
 * *used says whether the model decided.
 */
static int apply_model(const struct intents *S, const struct key *K, struct rb_datetime now,
                       pcre2_match_data *md, bool matched, bool fixed, struct parse_result *r,
                       double *prob, bool *used)
{
    float p[64];
    json_t *slots = NULL;
    char *name, *text;
    int top, rc, taught;

    *used = false;
    *prob = 0.0;
    if (!S->model || !has_letter(K)) {
        return RB_OK; /* "2", a phone alone: an answer to a question, not a command */
    }
    text = ix_model_text(K);
    if (!text) {
        return RB_ENOMEM;
    }
    top = classifier_predict(S->model, text, strlen(text), p);
    taught = ix_memo_find(S, text);
    free(text);
    if (taught >= 0) {
        /* an example word for word: its intent, as sure as a pattern can be */
        if (matched && strcmp(S->intents[taught].name, r->intent) == 0) {
            r->confidence = r->confidence > MODEL_TAUGHT ? r->confidence : MODEL_TAUGHT;
            return RB_OK;
        }
        top = taught;
        p[top] = MODEL_TAUGHT;
        matched = false;
    }
    *prob = p[top];
    if (matched && strcmp(S->intents[top].name, r->intent) == 0) {
        r->confidence = p[top] > r->confidence ? p[top] : r->confidence;
        return RB_OK;
    }
    if (matched && (fixed || p[top] < MODEL_OVERRIDE)) {
        /* the two layers disagree: the pattern's answer, but not a sure one */
        r->confidence = r->confidence > MODEL_DOUBT ? MODEL_DOUBT : r->confidence;
        return RB_OK;
    }
    if (matched && strcmp(S->intents[top].name, "unknown") == 0) {
        free(r->intent);
        r->intent = rb_strdup("unknown");
        json_object_clear(r->slots);
        r->confidence = p[top];
        *used = true;
        return r->intent ? RB_OK : RB_ENOMEM;
    }
    if (strcmp(S->intents[top].name, "unknown") == 0 || p[top] < MODEL_MIN) {
        r->confidence = strcmp(S->intents[top].name, "unknown") == 0 ? p[top] : 0.0;
        if (strcmp(r->intent, "unknown") != 0) { /* taught as chit-chat */
            free(r->intent);
            r->intent = rb_strdup("unknown");
            json_object_clear(r->slots);
            *used = true;
        }
        return r->intent ? RB_OK : RB_ENOMEM;
    }
    rc = find_slots(S, K, (size_t)top, now, md, &slots);
    name = rc ? NULL : rb_strdup(S->intents[top].name);
    if (!name) {
        json_decref(slots);
        return rc ? rc : RB_ENOMEM;
    }
    free(r->intent);
    json_decref(r->slots);
    r->intent = name;
    r->slots = slots;
    r->confidence = p[top];
    *used = true;
    return RB_OK;
}

static int match_impl(const struct intents *S, const char *text, size_t len, struct rb_datetime now,
                      struct parse_result *out, struct buf *why)
{
    struct parse_result r;
    struct key K;
    pcre2_match_data *md = NULL;
    struct cand *cands = NULL;
    json_t *slots = NULL;
    size_t n = 0, w = 0, from, to, i;
    struct prefilter F = {0, NULL, NULL, NULL};
    uint64_t *bg = NULL;
    struct ovstore O = {NULL, 0, 0};
    char *lk = NULL;
    double prob = 0.0;
    bool model = false;
    int rc;

    parse_result_init(&r);
    ix_key_init(&K);
    if (len > MSG_MAX) {
        rc = RB_ETOOBIG;
        goto out;
    }
    if (!text_utf8_valid(text, len)) {
        rc = RB_EPARSE;
        goto out;
    }
    rc = ix_key_build(&K, text, len);
    if (!rc) {
        rc = ix_key_fuzzy(S, &K);
    }
    if (rc) {
        goto out;
    }
    md = pcre2_match_data_create(S->max_pairs ? S->max_pairs : 1, NULL);
    cands = malloc((S->npats ? S->npats : 1) * sizeof *cands);
    lk = malloc(K.k.len + 1);
    F.seen = calloc(S->nlits ? S->nlits : 1, 1);
    bg = malloc(NEED_BIGRAM_WORDS * sizeof *bg);
    if (!md || !cands || !lk || !F.seen || !bg) {
        rc = RB_ENOMEM;
        goto out;
    }
    /* One priority at a time, highest first: a winner at one priority beats
     * anything below it, so the (costlier, word-order-free) patterns of lower
     * priorities run only when nothing above fits. */
    F.mask = ix_trigger_mask(S, &K);
    for (i = 0; i < K.k.len; i++) {
        char c = K.k.p[i];

        lk[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    F.lk = lk;
    ix_need_bigrams(lk, K.k.len, bg);
    F.bg = bg;
    O.pairs = pcre2_get_ovector_count(md);
    rc = RB_ENOTFOUND;
    for (from = 0; from < S->nmain && rc == RB_ENOTFOUND; from = to) {
        for (to = from + 1;
             to < S->nmain && S->pats[S->order[to]].priority == S->pats[S->order[from]].priority;
             to++) {
        }
        rc = collect(S, &K, md, &F, &O, from, to, cands, &n);
        if (rc) {
            goto out;
        }
        qsort(cands, n, sizeof *cands, cand_cmp);
        rc = choose(S, &K, now, &O, cands, n, &w, &slots);
    }
    if (rc == RB_ENOTFOUND) {
        n = 0;
        w = 0;
        rc = RB_OK;
    }
    if (rc) {
        goto out;
    }
    rc = fill_result(S, &K, cands, n, w, slots, &r);
    slots = NULL; /* taken by r */
    if (!rc) {
        rc = apply_model(S, &K, now, md, w < n, w < n && S->pats[cands[w].pat].confidence >= 0.0,
                         &r, &prob, &model);
    }
    if (rc) {
        goto out;
    }
    r.lang = text_lang(text, len);
    if (why && model) {
        rc = buf_addf(why, "the model, %.2f sure", prob);
    } else if (why && w < n) {
        rc = buf_addf(why, "%s:%d", S->pats[cands[w].pat].file, S->pats[cands[w].pat].line);
    } else if (why) {
        rc = buf_adds(why, "no pattern matched");
    }
    if (rc) {
        goto out;
    }
    parse_result_release(out);
    *out = r;
    parse_result_init(&r);
out:
    parse_result_release(&r);
    json_decref(slots);
    free(cands);
    free(lk);
    free(O.ov);
    free(F.seen);
    free(bg);
    pcre2_match_data_free(md);
    ix_key_release(&K);
    return rc;
}

/* The value parsers read the set's own words for the whole parse. */
static int match_with_vocab(const struct intents *S, const char *text, size_t len,
                            struct rb_datetime now, struct parse_result *out, struct buf *why)
{
    const struct vocab *old = vocab_use(S ? S->vocab : NULL);
    int rc = match_impl(S, text, len, now, out, why);

    vocab_use(old);
    return rc;
}

int intents_match(const struct intents *S, const char *text, size_t len, struct rb_datetime now,
                  struct parse_result *out)
{
    return match_with_vocab(S, text, len, now, out, NULL);
}

int intents_match_explain(const struct intents *S, const char *text, size_t len,
                          struct rb_datetime now, struct parse_result *out, struct buf *why)
{
    return match_with_vocab(S, text, len, now, out, why);
}
