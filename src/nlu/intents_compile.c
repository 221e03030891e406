/*
 * intents_compile.c - built-in fragments (halls, staff, synonyms), fragment
 * expansion, pattern compilation, and the trigger and stopword word lists.
 */
#include "nlu/intents_impl.h"

/* ---- built-in fragments ---- */

static int add_regex_escaped(struct buf *b, const char *s, bool spaces_loose)
{
    int rc = RB_OK;

    for (; *s && !rc; s++) {
        if (*s == ' ') {
            rc = buf_adds(b, spaces_loose ? "\\s*" : " ");
        } else if (strchr("\\^$.|?*+()[]{}#-/", *s)) {
            rc = buf_addc(b, '\\');
            if (!rc) {
                rc = buf_addc(b, *s);
            }
        } else {
            rc = buf_addc(b, *s);
        }
    }
    return rc;
}

static int cmp_len_desc(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

    if (la != lb) {
        return la < lb ? 1 : -1;
    }
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Adds fragment name = an alternation of the phrases (normalized, longest
 * first, regex characters escaped), bounded by non-word characters when
 * bounded (not: "900k", "9L" glue a multiplier to its number).
 */
static int add_alternation_b(struct loader *L, const char *name, char **phrases, size_t n,
                             bool bounded)
{
    struct buf b;
    struct frag *f = NULL;
    size_t i;
    int rc = RB_OK;

    if (n) {
        qsort(phrases, n, sizeof *phrases, cmp_len_desc);
    }
    buf_init(&b, 1u << 20);
    rc = buf_adds(&b, !n ? "(?!)" : bounded ? "(?<!\\w)(?:" : "(?:");
    for (i = 0; i < n && !rc; i++) {
        if (i > 0 && strcmp(phrases[i], phrases[i - 1]) == 0) {
            continue;
        }
        if (i > 0) {
            rc = buf_addc(&b, '|');
        }
        if (!rc) {
            rc = add_regex_escaped(&b, phrases[i], true);
        }
    }
    if (!rc && n) {
        rc = buf_adds(&b, bounded ? ")(?!\\w)" : ")");
    }
    if (!rc) {
        rc = ix_grow(&L->frags, &L->capfrags, L->nfrags, sizeof *L->frags);
    }
    if (!rc) {
        f = &L->frags[L->nfrags++];
        f->name = rb_strdup(name);
        f->body = buf_detach(&b, NULL);
        f->plain = NULL;
        f->file = "(built in)";
        f->line = 0;
        rc = f->name && f->body ? RB_OK : RB_ENOMEM;
    }
    for (i = 0; i < n && !rc; i++) {
        rc = buf_addf(&b, "%s%s", i ? "|" : "", phrases[i]);
    }
    if (!rc) {
        f->plain = buf_detach(&b, NULL);
    }
    buf_release(&b);
    return rc;
}

static int add_alternation(struct loader *L, const char *name, char **phrases, size_t n)
{
    return add_alternation_b(L, name, phrases, n, true);
}

static void strlist_release(struct strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Adds the normalized form of s (len bytes) to l. */
static int strlist_add_norm(struct strlist *l, const char *s, size_t len)
{
    struct buf b;
    int rc;

    if (ix_grow(&l->v, &l->cap, l->n, sizeof *l->v)) {
        return RB_ENOMEM;
    }
    buf_init(&b, KEY_MAX);
    rc = text_normalize(s, len, &b);
    if (!rc && b.len) {
        l->v[l->n++] = buf_detach(&b, NULL);
    }
    buf_release(&b);
    return rc;
}

/* A built-in fragment with a fixed body. */
int ix_builtin_plain(struct loader *L, const char *name, const char *body)
{
    struct frag *f;

    if (ix_grow(&L->frags, &L->capfrags, L->nfrags, sizeof *L->frags)) {
        return RB_ENOMEM;
    }
    f = &L->frags[L->nfrags++];
    f->name = rb_strdup(name);
    f->body = rb_strdup(body);
    f->plain = NULL;
    f->file = "(built in)";
    f->line = 0;
    return f->name && f->body ? RB_OK : RB_ENOMEM;
}

/* `{words_LIST}` for every list of the .words files (vocab.h): its words
 * as an alternation, the longest first (not bounded: the pattern says), so
 * that patterns and triggers name the vocabulary instead of copying it
 * ("compare X with {words_period_before}", `{guestword} = {words_guest}`). */
int ix_builtin_vocab(struct loader *L)
{
    char name[64], **w = NULL;
    size_t n, i;
    int rc = RB_OK, id;

    for (id = 0; id < VOC_COUNT && !rc; id++) {
        const char *const *list = vocab_words((enum vocab_id)id);

        for (n = 0; list[n]; n++) {
        }
        w = calloc(n + 1, sizeof *w);
        for (i = 0; w && i < n && (w[i] = rb_strdup(list[i])) != NULL; i++) {
        }
        if (!w || i < n) {
            rc = RB_ENOMEM;
        } else {
            snprintf(name, sizeof name, "words_%s", vocab_list_name((enum vocab_id)id));
            rc = add_alternation_b(L, name, w, n, false);
        }
        for (i = 0; w && i < n; i++) {
            free(w[i]);
        }
        free(w);
    }
    return rc;
}

static int add_hall_key(struct intents *S, const char *spelling, const char *name)
{
    struct hall_key *h;

    h = realloc(S->halls, (S->nhalls + 1) * sizeof *S->halls);
    if (!h) {
        return RB_ENOMEM;
    }
    S->halls = h;
    h = &S->halls[S->nhalls];
    h->key = ix_squeeze_key(spelling, strlen(spelling));
    h->name = rb_strdup(name);
    S->nhalls++;
    return h->key && h->name ? RB_OK : RB_ENOMEM;
}

int ix_builtin_halls(struct loader *L)
{
    struct strlist l = {NULL, 0, 0};
    const struct hall_conf *h;
    size_t i, j;
    int rc = RB_OK;

    for (i = 0; i < L->env->nhalls && !rc; i++) {
        h = &L->env->halls[i];
        rc = strlist_add_norm(&l, h->name, strlen(h->name));
        if (!rc) {
            rc = add_hall_key(L->set, h->name, h->name);
        }
        for (j = 0; j < h->naliases && !rc; j++) {
            rc = strlist_add_norm(&l, h->aliases[j], strlen(h->aliases[j]));
            if (!rc) {
                rc = add_hall_key(L->set, h->aliases[j], h->name);
            }
        }
    }
    if (!rc) {
        rc = add_alternation(L, "config_halls", l.v, l.n);
    }
    strlist_release(&l);
    return rc;
}

/* Staff: full names and first names. */
int ix_builtin_staff(struct loader *L)
{
    struct strlist l = {NULL, 0, 0};
    const char *name, *sp;
    size_t i;
    int rc = RB_OK;

    for (i = 0; i < L->env->nstaff && !rc; i++) {
        name = L->env->staff[i].name;
        rc = strlist_add_norm(&l, name, strlen(name));
        sp = strchr(name, ' ');
        if (!rc && sp) {
            rc = strlist_add_norm(&l, name, (size_t)(sp - name));
        }
    }
    if (!rc) {
        rc = add_alternation(L, "config_staff", l.v, l.n);
    }
    strlist_release(&l);
    return rc;
}

/* One {SLOT_synonyms} fragment per slot of the catalog. */
int ix_builtin_synonyms(struct loader *L)
{
    const struct slot_def *defs;
    struct strlist l = {NULL, 0, 0};
    char name[64];
    size_t nd, i, j;
    int rc = RB_OK;

    defs = slot_defs(&nd);
    for (i = 0; i < nd && !rc; i++) {
        for (j = 0; j < L->set->nsyns && !rc; j++) {
            if (strcmp(L->set->syns[j].slot, defs[i].name) == 0) {
                rc = strlist_add_norm(&l, L->set->syns[j].phrase, strlen(L->set->syns[j].phrase));
            }
        }
        snprintf(name, sizeof name, "%s_synonyms", defs[i].name);
        if (!rc) {
            rc = add_alternation(L, name, l.v, l.n);
        }
        strlist_release(&l);
    }
    return rc;
}

/* ---- expansion and compilation ---- */

const struct frag *ix_frag_find(const struct loader *L, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < L->nfrags; i++) {
        if (strlen(L->frags[i].name) == n && memcmp(L->frags[i].name, name, n) == 0) {
            return &L->frags[i];
        }
    }
    return NULL;
}

/* True when body fills a slot itself ((?<name>...) or {fragment:slot}). */
static bool frag_captures(const char *body)
{
    const char *p;

    for (p = body; *p; p++) {
        if (p[0] == '(' && p[1] == '?' && p[2] == '<' && p[3] != '=' && p[3] != '!') {
            return true;
        }
        if (p[0] == '{' && strchr(p, ':') && strchr(p, ':') < strchr(p, '}') &&
            !(strchr(p, ':')[1] == '_' && strchr(p, ':')[2] == '}')) {
            return true;
        }
    }
    return false;
}

static bool frag_callable(const struct frag *f)
{
    return (strlen(f->body) >= CALL_MIN_BYTES || strchr(f->body, '{')) && !frag_captures(f->body);
}

static int expand(struct expand_ctx *X, const char *s, int depth, struct buf *out);

/*
 * A reference {name}, {name:slot} or {name:_} starting at s ('{'). Returns
 * the bytes consumed, 0 when s is not a reference (a quantifier like {2,4}).
 */
static size_t expand_ref(struct expand_ctx *X, const char *s, int depth, struct buf *out, int *rc)
{
    const char *p = s + 1, *name = p, *cap = NULL;
    size_t nname, ncap = 0;
    const struct frag *f;
    char capname[64];

    while (ix_ident_char(*p) && !(*p >= '0' && *p <= '9' && p == name)) {
        p++;
    }
    nname = (size_t)(p - name);
    if (!nname || (*p != '}' && *p != ':')) {
        return 0;
    }
    if (*p == ':') {
        cap = ++p;
        while (ix_ident_char(*p)) {
            p++;
        }
        ncap = (size_t)(p - cap);
        if (*p != '}') {
            return 0;
        }
    }
    f = ix_frag_find(X->L, name, nname);
    if (!f) {
        ix_lerr(X->L, X->file, X->line, "unknown fragment {%.*s}", (int)nname, name);
        X->failed = true;
        return (size_t)(p + 1 - s);
    }
    if (!cap && depth == 0 && slot_def_find(f->name)) {
        cap = name;
        ncap = nname;
    }
    if (cap && ncap == 1 && cap[0] == '_') {
        cap = NULL;
    }
    if (cap && ncap < sizeof capname) {
        memcpy(capname, cap, ncap);
        capname[ncap] = '\0';
        *rc = buf_addf(out, "(?<%s>", capname);
    } else {
        *rc = buf_adds(out, "(?:");
    }
    if (!*rc && X->called && frag_callable(f)) {
        X->called[f - X->L->frags] = true;
        *rc = buf_addf(out, "(?&_f%zu)", (size_t)(f - X->L->frags));
    } else if (!*rc) {
        *rc = expand(X, f->body, depth + 1, out);
    }
    if (!*rc) {
        *rc = buf_addc(out, ')');
    }
    return (size_t)(p + 1 - s);
}

/* Appends the DEFINE block of every fragment called (and of those they call). */
static int expand_defines(struct expand_ctx *X, struct buf *out)
{
    bool *done = calloc(X->L->nfrags ? X->L->nfrags : 1, sizeof *done);
    bool more = true;
    size_t i;
    int rc = RB_OK;

    if (!done) {
        return RB_ENOMEM;
    }
    while (more && !rc && !X->failed) {
        more = false;
        for (i = 0; i < X->L->nfrags && !rc; i++) {
            if (!X->called[i] || done[i]) {
                continue;
            }
            done[i] = more = true;
            rc = buf_addf(out, "(?(DEFINE)(?<_f%zu>", i);
            if (!rc) {
                rc = expand(X, X->L->frags[i].body, 1, out);
            }
            if (!rc) {
                rc = buf_adds(out, "))");
            }
        }
    }
    free(done);
    return rc;
}

/* Appends s to out with every fragment reference replaced by its body. */
static int expand(struct expand_ctx *X, const char *s, int depth, struct buf *out)
{
    bool in_class = false;
    size_t used;
    int rc = RB_OK;

    if (depth > EXPAND_DEPTH) {
        ix_lerr(X->L, X->file, X->line, "fragments nest too deep (a fragment that uses itself?)");
        X->failed = true;
        return RB_OK;
    }
    while (*s && !rc && !X->failed) {
        if (*s == '\\' && s[1]) {
            rc = buf_add(out, s, 2);
            s += 2;
            continue;
        }
        if (*s == '[' && !in_class) {
            in_class = true;
            rc = buf_addc(out, *s++);
            if (!rc && *s == '^') {
                rc = buf_addc(out, *s++);
            }
            if (!rc && *s == ']') {
                rc = buf_addc(out, *s++);
            }
            continue;
        }
        if (*s == ']' && in_class) {
            in_class = false;
        }
        if (*s == '{' && !in_class) {
            used = expand_ref(X, s, depth, out, &rc);
            if (used) {
                s += used;
                continue;
            }
        }
        rc = buf_addc(out, *s++);
    }
    return rc;
}

bool ix_intent_has_slot(const struct intent *in, const char *slot)
{
    size_t i;

    for (i = 0; i < in->nslots; i++) {
        if (strcmp(in->slots[i], slot) == 0) {
            return true;
        }
    }
    return false;
}

/* Fills P->slots from the pattern's named groups. */
static int pattern_groups(struct loader *L, struct pattern *P, const struct intent *in)
{
    uint32_t count = 0, size = 0, i, g;
    PCRE2_SPTR table = NULL, entry;
    const struct slot_def *def;
    const char *name;
    size_t j;

    pcre2_pattern_info(P->re, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(P->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info(P->re, PCRE2_INFO_NAMETABLE, &table);
    P->slots = calloc(count ? count : 1, sizeof *P->slots);
    if (!P->slots) {
        return RB_ENOMEM;
    }
    for (i = 0; i < count; i++) {
        entry = table + (size_t)i * size;
        g = ((uint32_t)entry[0] << 8) | entry[1];
        name = (const char *)entry + 2;
        if (name[0] == '_' && name[1] == 'f') {
            continue; /* a fragment defined once and called (expand_defines) */
        }
        def = slot_def_find(name);
        if (!def || !ix_intent_has_slot(in, name)) {
            ix_lerr(L, P->file, P->line, "group \"%s\" is not a slot of %s", name,
                    in->name ? in->name : "this intent");
            continue;
        }
        for (j = 0; j < P->nslots && P->slots[j].def != def; j++) {
        }
        if (j == P->nslots) {
            P->slots[P->nslots++].def = def;
        }
        if (P->slots[j].ngroups < DUP_GROUPS) {
            P->slots[j].groups[P->slots[j].ngroups++] = g;
        }
    }
    return RB_OK;
}

/* "slot=value slot=value" of a `set:` line. */
static int pattern_sets(struct loader *L, struct pattern *P, const struct intent *in,
                        const char *set)
{
    struct str s = str_from(set), w, k;
    const struct slot_def *def;
    char *slot = NULL, *value = NULL;
    int rc = RB_OK;

    P->sets = json_object();
    if (!P->sets) {
        return RB_ENOMEM;
    }
    while (s.len && !rc) {
        str_split(&s, ' ', &w);
        w = ix_trim(w);
        if (!w.len) {
            continue;
        }
        if (!str_split(&w, '=', &k)) {
            ix_lerr(L, P->file, P->line, "set: expects slot=value");
            continue;
        }
        slot = str_dup(k);
        value = str_dup(w);
        if (!slot || !value) {
            rc = RB_ENOMEM;
        } else if (!(def = slot_def_find(slot)) || !ix_intent_has_slot(in, slot)) {
            ix_lerr(L, P->file, P->line, "set: \"%s\" is not a slot of %s", slot, in->name);
        } else if (!ix_canonical_ok(def, value)) {
            ix_lerr(L, P->file, P->line, "set: \"%s\" is not a canonical value of %s", value, slot);
        } else if (json_object_set_new(P->sets, slot, json_string(value))) {
            rc = RB_ENOMEM;
        }
        free(slot);
        free(value);
        slot = value = NULL;
    }
    return rc;
}

/* A pattern that begins with {start} (which begins with ^) can only match
 * at the start of the key: compiled anchored, the matcher does not try it
 * again at every later position (PCRE2 cannot see the ^ inside the
 * fragment's subroutine). */
static bool starts_anchored(const char *src)
{
    return strncmp(src, "{start}", 7) == 0 || src[0] == '^';
}

/*
 * The PCRE2 source of raw pattern r: fragments expanded (called ones defined
 * at the end) and Urdu literals folded as the key is, so that a pattern's
 * بھیجو matches the key of بھیجو. Problems go to L's errors; *ok says
 * whether out holds a pattern.
 */
static int pattern_source(struct loader *L, const struct raw_pat *r, struct buf *out, bool *ok)
{
    struct expand_ctx X = {L, r->file, r->line, false, NULL};
    struct buf src;
    int rc;

    *ok = false;
    buf_init(&src, 1u << 22);
    X.called = calloc(L->nfrags ? L->nfrags : 1, sizeof *X.called);
    if (!X.called) {
        rc = RB_ENOMEM;
        goto out;
    }
    rc = expand(&X, r->src, 0, &src);
    if (!rc && !X.failed) {
        rc = expand_defines(&X, &src);
    }
    if (rc || X.failed) {
        goto out;
    }
    rc = text_fold_pattern(src.p, src.len, out);
    if (rc && rc != RB_ENOMEM) {
        ix_lerr(L, r->file, r->line, "pattern cannot be folded: %s", rb_strerror(rc));
        rc = RB_OK;
        goto out;
    }
    *ok = rc == RB_OK;
out:
    free(X.called);
    buf_release(&src);
    return rc;
}

int ix_compile_one(struct loader *L, const struct raw_pat *r)
{
    struct intents *S = L->set;
    struct pattern *P;
    struct buf src;
    PCRE2_UCHAR msg[256];
    PCRE2_SIZE off = 0;
    uint32_t caps = 0;
    int rc, ecode = 0;
    bool ok;

    buf_init(&src, 1u << 22);
    rc = pattern_source(L, r, &src, &ok);
    if (!rc && ok) {
        rc = ix_grow(&S->pats, &S->cappats, S->npats, sizeof *S->pats);
    }
    if (rc || !ok) {
        goto out;
    }
    P = &S->pats[S->npats];
    memset(P, 0, sizeof *P);
    P->re = pcre2_compile((PCRE2_SPTR)src.p, src.len,
                          PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES | PCRE2_CASELESS |
                              (starts_anchored(r->src) ? PCRE2_ANCHORED : 0),
                          &ecode, &off, NULL);
    if (!P->re) {
        pcre2_get_error_message(ecode, msg, sizeof msg);
        ix_lerr(L, r->file, r->line,
                "pattern does not compile: %s (at byte %zu of the expanded pattern)",
                (const char *)msg, (size_t)off);
        goto out;
    }
    S->npats++;
    P->intent = r->intent;
    P->priority = r->priority;
    P->confidence = r->confidence;
    P->question = r->question;
    P->file = r->file;
    P->line = r->line;
    /* JIT comes later, for the patterns in use (ix_pat_code) */
    pcre2_pattern_info(P->re, PCRE2_INFO_CAPTURECOUNT, &caps);
    if (caps + 1 > S->max_pairs) {
        S->max_pairs = caps + 1;
    }
    rc = ix_need_build(S, P, src.p, src.len);
    if (!rc) {
        rc = pattern_groups(L, P, &S->intents[r->intent]);
    }
    if (!rc) {
        rc = pattern_sets(L, P, &S->intents[r->intent], r->set ? r->set : "");
    }
out:
    buf_release(&src);
    return rc;
}

/* Adds one literal phrase, normalized, and its form without spaces. */
static int list_add_phrase(struct list_ctx *C, struct str phrase)
{
    struct buf b;
    size_t i, j;
    int rc;

    buf_init(&b, KEY_MAX);
    rc = text_normalize(phrase.p, phrase.len, &b);
    if (!rc && b.len) {
        rc = ix_wordset_add(C->set, b.p, b.len, C->mask);
    }
    if (!rc && memchr(b.p, ' ', b.len)) {
        for (i = 0, j = 0; i < b.len; i++) {
            if (b.p[i] != ' ') {
                b.p[j++] = b.p[i];
            }
        }
        rc = ix_wordset_add(C->set, b.p, j, C->mask);
    }
    buf_release(&b);
    return rc;
}

static int list_add(struct list_ctx *C, struct str list, int depth);

/* {name} in a word list: the phrases of a plain fragment, or of a built-in list
 * (a slot's synonyms, the halls, the staff). */
static int list_add_fragment(struct list_ctx *C, struct str name, int depth)
{
    const struct frag *f = ix_frag_find(C->L, name.p, name.len);

    if (!f) {
        ix_lerr(C->L, C->file, C->line, "unknown fragment {%.*s}", (int)name.len, name.p);
        return RB_OK;
    }
    return list_add(C, str_from(f->plain ? f->plain : f->body), depth + 1);
}

/* "a | b c | {fragment}": plain words and phrases only, no regex. */
static int list_add(struct list_ctx *C, struct str list, int depth)
{
    struct str part;
    size_t i;
    int rc = RB_OK;

    if (depth > EXPAND_DEPTH) {
        ix_lerr(C->L, C->file, C->line, "fragments nest too deep");
        return RB_OK;
    }
    while (list.len && !rc) {
        str_split(&list, '|', &part);
        part = ix_trim(part);
        if (!part.len) {
            continue;
        }
        if (part.p[0] == '{' && part.p[part.len - 1] == '}') {
            rc = list_add_fragment(C, str_make(part.p + 1, part.len - 2), depth);
            continue;
        }
        for (i = 0; i < part.len && !strchr("\\()[]?*+.^${}", part.p[i]); i++) {
        }
        if (i < part.len) {
            ix_lerr(C->L, C->file, C->line, "\"%.*s\" in a word list is not a plain word or phrase",
                    (int)part.len, part.p);
            continue;
        }
        rc = list_add_phrase(C, part);
    }
    return rc;
}

/* S->fuzzy: the words of the `fuzzy:` lists, which must be lower-case Latin
 * words of at least FUZZY_MIN letters (a misspelling is one edit from them). */
static int build_fuzzy(struct loader *L)
{
    struct intents *S = L->set;
    const struct wordset *w = &S->stopwords;
    size_t i, j, n;

    for (i = 0; i < w->cap; i++) {
        if (!w->keys[i] || !(w->masks[i] & WORD_FUZZY)) {
            continue;
        }
        n = strlen(w->keys[i]);
        for (j = 0; j < n && w->keys[i][j] >= 'a' && w->keys[i][j] <= 'z'; j++) {
        }
        if (j < n || n < FUZZY_MIN) {
            for (j = 0; j < S->nstop_raw && S->stop_kind[j] != WORD_FUZZY; j++) {
            }
            ix_lerr(L, S->stop_file[j], S->stop_line[j],
                    "fuzzy word \"%s\": only a-z, at least %d letters", w->keys[i], FUZZY_MIN);
            continue;
        }
        if (ix_grow(&S->fuzzy, &S->nfuzzy_cap, S->nfuzzy, sizeof *S->fuzzy)) {
            return RB_ENOMEM;
        }
        S->fuzzy[S->nfuzzy++] = w->keys[i];
    }
    return RB_OK;
}

/* Builds the trigger set (one bit per intent with a trigger) and the stopwords. */
int ix_build_word_lists(struct loader *L)
{
    struct intents *S = L->set;
    struct list_ctx C = {L, &S->triggers, 0, NULL, 0};
    size_t i, bits = 0;
    int rc = RB_OK;

    for (i = 0; i < S->nintents && !rc; i++) {
        if (!S->intents[i].trigger || bits == 64) {
            continue; /* no trigger (or more than 64): its patterns are always tried */
        }
        S->intents[i].bit = (uint64_t)1 << bits++;
        C.mask = S->intents[i].bit;
        C.file = S->intents[i].file;
        C.line = S->intents[i].trigger_line;
        rc = list_add(&C, str_from(S->intents[i].trigger), 0);
    }
    C.set = &S->stopwords;
    for (i = 0; i < S->nstop_raw && !rc; i++) {
        C.mask = S->stop_kind[i];
        C.file = S->stop_file[i];
        C.line = S->stop_line[i];
        rc = list_add(&C, str_from(S->stop_raw[i]), 0);
    }
    if (!rc) {
        rc = build_fuzzy(L);
    }
    return rc;
}

/* The intents whose trigger words occur in the key (phrases of up to 4 words). */
uint64_t ix_trigger_mask(const struct intents *S, const struct key *K)
{
    const char *k = K->k.p;
    size_t starts[MSG_MAX / 2 + 2], ends[MSG_MAX / 2 + 2], n = 0, i = 0, j, len;
    char squeezed[256];
    uint64_t mask = 0;

    while (i < K->k.len && n < sizeof starts / sizeof starts[0]) {
        starts[n] = i;
        while (i < K->k.len && k[i] != ' ') {
            i++;
        }
        ends[n] = i > starts[n] && k[i - 1] == ':' ? i - 1 : i;
        n++;
        i++;
    }
    for (i = 0; i < n; i++) {
        len = 0;
        for (j = i; j < n && j < i + 4; j++) {
            mask |= ix_wordset_get(&S->triggers, k + starts[i], ends[j] - starts[i]);
            if (len + (ends[j] - starts[j]) < sizeof squeezed) {
                memcpy(squeezed + len, k + starts[j], ends[j] - starts[j]);
                len += ends[j] - starts[j];
                mask |= j > i ? ix_wordset_get(&S->triggers, squeezed, len) : 0;
            }
        }
        if (k[starts[i]] == '#') {
            mask |= ix_wordset_get(&S->triggers, "#", 1);
        }
    }
    return mask;
}

/*
 * The callout of {not_stopword} ((?C1)): fails the match at this point when
 * a stopword starts here. data is the set (read-only).
 */
int ix_stopword_callout(pcre2_callout_block *cb, void *data)
{
    const struct intents *S = data;
    const char *p = (const char *)cb->subject + cb->current_position;
    size_t n = cb->subject_length - cb->current_position, w = 0;

    if (cb->callout_number != 1) {
        return 0;
    }
    while (w < n && (((unsigned char)p[w] >= 0x80) || (p[w] >= 'a' && p[w] <= 'z') ||
                     (p[w] >= '0' && p[w] <= '9') || p[w] == '-')) {
        w++;
    }
    return w && (ix_wordset_get(&S->stopwords, p, w) & WORD_STOP) ? 1 : 0;
}
