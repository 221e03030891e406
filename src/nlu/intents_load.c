/*
 * intents_load.c - reading the .frag and .intent files of intents/ into
 * fragments, synonyms, intents, examples and raw patterns (see intents.h; the
 * format is documented for admins in intents/README.md).
 */
#include "nlu/intents_impl.h"

/* ---- reading files ---- */

int ix_read_file(const char *path, char **out, size_t *len)
{
    FILE *f = NULL;
    char *p = NULL;
    size_t n;
    int rc = RB_OK;

    f = fopen(path, "rb");
    if (!f) {
        rc = errno == ENOENT ? RB_ENOTFOUND : RB_EINVAL;
        goto out;
    }
    p = malloc(FILE_MAX + 1);
    if (!p) {
        rc = RB_ENOMEM;
        goto out;
    }
    n = fread(p, 1, FILE_MAX + 1, f);
    if (ferror(f)) {
        rc = RB_EINVAL;
        goto out;
    }
    if (n > FILE_MAX) {
        rc = RB_ETOOBIG;
        goto out;
    }
    p[n] = '\0';
    *out = p;
    *len = n;
    p = NULL;
out:
    free(p);
    if (f) {
        fclose(f);
    }
    return rc;
}

const char *ix_set_file(struct loader *L, const char *path)
{
    struct intents *S = L->set;
    char *p;

    if (ix_grow(&S->files, &S->capfiles, S->nfiles, sizeof *S->files)) {
        return NULL;
    }
    p = rb_strdup(path);
    if (!p) {
        return NULL;
    }
    S->files[S->nfiles++] = p;
    return p;
}

/* Splits "a | b | c" and calls fn on each trimmed, non-empty part. */
static int each_alt(struct loader *L, struct str list, const char *file, int line,
                    int (*fn)(struct loader *, struct str, const char *, int, void *), void *arg)
{
    struct str part;
    int rc;

    while (list.len) {
        str_split(&list, '|', &part);
        part = ix_trim(part);
        if (!part.len) {
            continue;
        }
        rc = fn(L, part, file, line, arg);
        if (rc) {
            return rc;
        }
    }
    return RB_OK;
}

/* The spaces in s[0..n). */
static size_t spaces_in(const char *s, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        k += s[i] == ' ';
    }
    return k;
}

static int add_synonym(struct loader *L, struct str phrase, const char *file, int line, void *arg)
{
    struct syn_head *h = arg;
    struct intents *S = L->set;
    struct syn *y;
    char *key;
    size_t i;

    key = ix_squeeze_key(phrase.p, phrase.len);
    if (!key) {
        return RB_ENOMEM;
    }
    for (i = 0; i < S->nsyns; i++) {
        y = &S->syns[i];
        if (strcmp(y->slot, h->slot) == 0 && strcmp(y->key, key) == 0) {
            if (strcmp(y->value, h->value) != 0) {
                ix_lerr(L, file, line, "synonym \"%.*s\" of %s is already %s (%s:%d)",
                        (int)phrase.len, phrase.p, h->slot, y->value, y->file, y->line);
            } else if (spaces_in(phrase.p, phrase.len) > spaces_in(y->phrase, strlen(y->phrase))) {
                /* one key, two spellings ("salesperson", "sales person"): the one with
                 * the spaces is kept, as its pattern (spaces optional) matches both */
                char *p = ix_dupn(phrase.p, phrase.len);

                if (!p) {
                    free(key);
                    return RB_ENOMEM;
                }
                free(y->phrase);
                y->phrase = p;
            }
            free(key);
            return RB_OK;
        }
    }
    if (ix_grow(&S->syns, &S->capsyns, S->nsyns, sizeof *S->syns)) {
        free(key);
        return RB_ENOMEM;
    }
    y = &S->syns[S->nsyns];
    y->slot = rb_strdup(h->slot);
    y->value = rb_strdup(h->value);
    y->phrase = ix_dupn(phrase.p, phrase.len);
    y->key = key;
    y->file = file;
    y->line = line;
    S->nsyns++;
    if (!y->slot || !y->value || !y->phrase) {
        return RB_ENOMEM;
    }
    return RB_OK;
}

/* True when value is an acceptable canonical value of the slot def. */
bool ix_canonical_ok(const struct slot_def *def, const char *value)
{
    json_t *v = json_string(value);
    bool ok = v && slot_value_valid(def, v);

    json_decref(v);
    return ok;
}

/* "synonym SLOT VALUE: a | b | c": head is "SLOT VALUE", rest the list. */
static int parse_synonym(struct loader *L, struct str head, struct str rest, const char *file,
                         int line)
{
    struct syn_head h = {NULL, NULL};
    struct str slot, value;
    const struct slot_def *def;
    int rc = RB_OK;

    head = ix_trim(head);
    str_split(&head, ' ', &slot);
    value = ix_trim(head);
    if (!slot.len || !value.len) {
        ix_lerr(L, file, line, "a synonym line reads \"synonym SLOT VALUE: phrase | phrase\"");
        return RB_OK;
    }
    h.slot = str_dup(slot);
    h.value = str_dup(value);
    if (!h.slot || !h.value) {
        rc = RB_ENOMEM;
        goto out;
    }
    def = slot_def_find(h.slot);
    if (!def) {
        ix_lerr(L, file, line, "unknown slot \"%s\"", h.slot);
        goto out;
    }
    if (!ix_canonical_ok(def, h.value)) {
        ix_lerr(L, file, line, "\"%s\" is not a canonical value of slot %s", h.value, h.slot);
        goto out;
    }
    rc = each_alt(L, rest, file, line, add_synonym, &h);
out:
    free(h.slot);
    free(h.value);
    return rc;
}

static int add_drop(struct loader *L, struct str phrase, const char *file, int line, void *arg)
{
    struct intents *S = L->set;
    struct buf b;
    int rc;

    (void)file;
    (void)line;
    (void)arg;
    if (ix_grow(&S->drops, &S->capdrops, S->ndrops, sizeof *S->drops)) {
        return RB_ENOMEM;
    }
    buf_init(&b, KEY_MAX);
    rc = text_normalize(phrase.p, phrase.len, &b);
    if (!rc) {
        S->drops[S->ndrops++] = buf_detach(&b, NULL);
    }
    buf_release(&b);
    return rc;
}

/* One phrase of a `words NAME:` list; `""` is the empty message (an emoji alone). */
static int add_word(struct loader *L, struct str phrase, const char *file, int line, void *arg)
{
    struct wordlist *w = arg;
    char *p;

    (void)L;
    (void)file;
    (void)line;
    if (ix_grow(&w->phrases, &w->cap, w->n + 1, sizeof *w->phrases)) {
        return RB_ENOMEM;
    }
    p = str_eqs(phrase, "\"\"") ? ix_dupn("", 0) : ix_dupn(phrase.p, phrase.len);
    if (!p) {
        return RB_ENOMEM;
    }
    w->phrases[w->n++] = p;
    w->phrases[w->n] = NULL;
    return RB_OK;
}

/* "words NAME: a | b | c": a list of whole-message phrases for the C code
 * that reads them (intents_words); more lines of one name add to it. */
static int parse_words(struct loader *L, struct str name, struct str val, const char *file,
                       int line)
{
    struct intents *S = L->set;
    struct wordlist *w = NULL;
    size_t i;

    name = ix_trim(name);
    if (!name.len) {
        ix_lerr(L, file, line, "words: a list needs a name (\"words stop: ...\")");
        return RB_OK;
    }
    for (i = 0; i < S->nwords && !w; i++) {
        if (strlen(S->words[i].name) == name.len && !memcmp(S->words[i].name, name.p, name.len)) {
            w = &S->words[i];
        }
    }
    if (!w) {
        if (ix_grow(&S->words, &S->capwords, S->nwords, sizeof *S->words)) {
            return RB_ENOMEM;
        }
        w = &S->words[S->nwords];
        memset(w, 0, sizeof *w);
        w->name = ix_dupn(name.p, name.len);
        if (!w->name) {
            return RB_ENOMEM;
        }
        S->nwords++;
    }
    return each_alt(L, val, file, line, add_word, w);
}

/* "{name} = body" */
static int parse_fragment(struct loader *L, struct str line_s, const char *file, int line)
{
    struct str name, body;
    struct frag *f;
    size_t i;

    if (!str_split(&line_s, '=', &name)) {
        ix_lerr(L, file, line, "a fragment reads \"{name} = pattern\"");
        return RB_OK;
    }
    name = ix_trim(name);
    body = ix_trim(line_s);
    if (name.len < 3 || name.p[name.len - 1] != '}') {
        ix_lerr(L, file, line, "a fragment reads \"{name} = pattern\"");
        return RB_OK;
    }
    name.p++;
    name.len -= 2;
    for (i = 0; i < name.len; i++) {
        if (!ix_ident_char(name.p[i])) {
            ix_lerr(L, file, line, "fragment name \"%.*s\": use a-z, 0-9 and _", (int)name.len,
                    name.p);
            return RB_OK;
        }
    }
    for (i = 0; i < L->nfrags; i++) {
        if (strlen(L->frags[i].name) == name.len &&
            memcmp(L->frags[i].name, name.p, name.len) == 0) {
            ix_lerr(L, file, line, "fragment {%.*s} is already defined at %s:%d", (int)name.len,
                    name.p, L->frags[i].file, L->frags[i].line);
            return RB_OK;
        }
    }
    if (ix_grow(&L->frags, &L->capfrags, L->nfrags, sizeof *L->frags)) {
        return RB_ENOMEM;
    }
    f = &L->frags[L->nfrags];
    f->name = str_dup(name);
    f->body = str_dup(body);
    f->plain = NULL;
    f->file = file;
    f->line = line;
    L->nfrags++;
    return f->name && f->body ? RB_OK : RB_ENOMEM;
}

static int parse_roles(struct loader *L, struct intent *in, struct str s, const char *file,
                       int line)
{
    struct str w;
    char name[16];
    unsigned r;

    while (s.len) {
        str_split(&s, ' ', &w);
        w = ix_trim(w);
        while (w.len && w.p[w.len - 1] == ',') {
            w.len--;
        }
        if (!w.len) {
            continue;
        }
        if (str_eqs(w, "everyone") || str_eqs(w, "all")) {
            in->roles |= ROLE_OWNER | ROLE_SALES | ROLE_FINANCE | ROLE_ADMIN;
            continue;
        }
        r = 0;
        if (w.len < sizeof name) {
            memcpy(name, w.p, w.len);
            name[w.len] = '\0';
            r = role_parse(name);
        }
        if (!r) {
            ix_lerr(L, file, line, "unknown role \"%.*s\" (owner, sales, finance, admin, everyone)",
                    (int)w.len, w.p);
        }
        in->roles |= r;
    }
    return RB_OK;
}

static int parse_slots(struct loader *L, struct intent *in, struct str s, const char *file,
                       int line)
{
    struct str w;
    bool opt;
    char *name;

    while (s.len) {
        str_split(&s, ' ', &w);
        w = ix_trim(w);
        while (w.len && w.p[w.len - 1] == ',') {
            w.len--;
        }
        if (!w.len) {
            continue;
        }
        opt = w.p[w.len - 1] == '?';
        if (opt) {
            w.len--;
        }
        name = str_dup(w);
        if (!name) {
            return RB_ENOMEM;
        }
        if (!slot_def_find(name)) {
            ix_lerr(L, file, line, "unknown slot \"%s\"", name);
            free(name);
            continue;
        }
        if (ix_grow(&in->slots, &in->capslots, in->nslots, sizeof *in->slots)) {
            free(name);
            return RB_ENOMEM;
        }
        in->required = realloc(in->required, in->capslots * sizeof *in->required);
        if (!in->required) {
            free(name);
            return RB_ENOMEM;
        }
        in->slots[in->nslots] = name;
        in->required[in->nslots] = !opt;
        in->nslots++;
    }
    return RB_OK;
}

static int parse_example(struct loader *L, struct intent *in, struct str s, const char *now,
                         const char *file, int line)
{
    struct intent_example *ex;
    json_error_t jerr;
    json_t *j = NULL;
    const char *arrow = NULL, *p;
    struct str text = s, expect = str_from("{}");
    char *dumped = NULL;

    for (p = s.p; p + 4 <= s.p + s.len; p++) {
        if (memcmp(p, " => ", 4) == 0) {
            arrow = p;
        }
    }
    if (arrow) {
        text = ix_trim(str_make(s.p, (size_t)(arrow - s.p)));
        expect = ix_trim(str_make(arrow + 4, s.len - (size_t)(arrow - s.p) - 4));
    }
    j = json_loadb(expect.p, expect.len, 0, &jerr);
    if (!j || !json_is_object(j)) {
        ix_lerr(L, file, line, "expected slots are not a JSON object: %s", j ? "" : jerr.text);
        json_decref(j);
        return RB_OK;
    }
    dumped = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!dumped || ix_grow(&in->examples, &in->capexamples, in->nexamples, sizeof *in->examples)) {
        free(dumped);
        return RB_ENOMEM;
    }
    ex = &in->examples[in->nexamples];
    ex->text = str_dup(text);
    ex->expect = dumped;
    ex->now = rb_strdup(now);
    ex->file = file;
    ex->line = line;
    in->nexamples++;
    return ex->text && ex->now ? RB_OK : RB_ENOMEM;
}

static int add_raw_pattern(struct loader *L, size_t intent, struct str src, const char *file,
                           int line)
{
    struct raw_pat *r;

    if (ix_grow(&L->raws, &L->capraws, L->nraws, sizeof *L->raws)) {
        return RB_ENOMEM;
    }
    r = &L->raws[L->nraws];
    memset(r, 0, sizeof *r);
    r->src = str_dup(src);
    r->intent = intent;
    r->confidence = -1.0;
    r->file = file;
    r->line = line;
    L->nraws++;
    return r->src ? RB_OK : RB_ENOMEM;
}

/* An indented "priority:", "confidence:" or "set:" line after a pattern. */
static int parse_attr(struct loader *L, struct raw_pat *r, struct str key, struct str val,
                      const char *file, int line)
{
    int64_t n;
    char tmp[32];
    char *end;
    double d;

    if (!r) {
        ix_lerr(L, file, line, "\"%.*s\" must follow a pattern line", (int)key.len, key.p);
        return RB_OK;
    }
    if (str_eqs(key, "priority")) {
        if (str_to_i64(val, -100, 100, &n) != RB_OK) {
            ix_lerr(L, file, line, "priority must be a whole number from -100 to 100");
        } else {
            r->priority = (int)n;
        }
        return RB_OK;
    }
    if (str_eqs(key, "confidence")) {
        d = -1.0;
        if (val.len < sizeof tmp) {
            memcpy(tmp, val.p, val.len);
            tmp[val.len] = '\0';
            d = strtod(tmp, &end);
            if (*end) {
                d = -1.0;
            }
        }
        if (d < 0.0 || d > 1.0) {
            ix_lerr(L, file, line, "confidence must be a number from 0 to 1");
        } else {
            r->confidence = d;
        }
        return RB_OK;
    }
    if (str_eqs(key, "question")) {
        if (str_eqs(val, "yes")) {
            r->question = true;
        } else if (!str_eqs(val, "no")) {
            ix_lerr(L, file, line, "question must be yes or no");
        }
        return RB_OK;
    }
    if (str_eqs(key, "set")) {
        free(r->set);
        r->set = str_dup(val);
        return r->set ? RB_OK : RB_ENOMEM;
    }
    ix_lerr(L, file, line, "unknown pattern setting \"%.*s\" (priority, confidence, set, question)",
            (int)key.len, key.p);
    return RB_OK;
}

/* Keeps a `stopwords:` (kind WORD_STOP) or `fuzzy:` (WORD_FUZZY) list for
 * when every fragment is known. */
static int add_stop_raw(struct loader *L, struct str val, const char *file, int line, uint64_t kind)
{
    struct intents *S = L->set;
    size_t cap = S->capstop_raw;

    if (ix_grow(&S->stop_raw, &S->capstop_raw, S->nstop_raw, sizeof *S->stop_raw)) {
        return RB_ENOMEM;
    }
    if (S->capstop_raw != cap) {
        S->stop_line = realloc(S->stop_line, S->capstop_raw * sizeof *S->stop_line);
        S->stop_file = realloc(S->stop_file, S->capstop_raw * sizeof *S->stop_file);
        S->stop_kind = realloc(S->stop_kind, S->capstop_raw * sizeof *S->stop_kind);
        if (!S->stop_line || !S->stop_file || !S->stop_kind) {
            return RB_ENOMEM;
        }
    }
    S->stop_raw[S->nstop_raw] = str_dup(val);
    S->stop_line[S->nstop_raw] = line;
    S->stop_file[S->nstop_raw] = file;
    S->stop_kind[S->nstop_raw] = kind;
    S->nstop_raw++;
    return S->stop_raw[S->nstop_raw - 1] ? RB_OK : RB_ENOMEM;
}

/* "now: YYYY-MM-DDTHH:MM", the clock of the examples that follow. */
static int parse_now(struct loader *L, struct file_state *F, struct str val, int line)
{
    struct rb_datetime t;
    char *s = str_dup(val);

    if (!s) {
        return RB_ENOMEM;
    }
    if (val.len >= sizeof F->now || datetime_parse(s, &t) != RB_OK) {
        ix_lerr(L, F->file, line, "now must read YYYY-MM-DDTHH:MM");
    } else {
        memcpy(F->now, val.p, val.len);
        F->now[val.len] = '\0';
    }
    free(s);
    return RB_OK;
}

/* One line of either kind of file; key is before the first ':'. */
static int parse_keyed(struct loader *L, struct file_state *F, struct str key, struct str val,
                       int line)
{
    struct intent *in = F->frag ? NULL : &L->set->intents[F->intent];

    if (str_starts_with(key, "synonym ")) {
        return parse_synonym(L, str_make(key.p + 8, key.len - 8), val, F->file, line);
    }
    if (str_starts_with(key, "words ")) {
        return parse_words(L, str_make(key.p + 6, key.len - 6), val, F->file, line);
    }
    if (str_eqs(key, "drop-from-names")) {
        return each_alt(L, val, F->file, line, add_drop, NULL);
    }
    if (str_eqs(key, "stopwords")) {
        return add_stop_raw(L, val, F->file, line, WORD_STOP);
    }
    if (str_eqs(key, "fuzzy")) {
        return add_stop_raw(L, val, F->file, line, WORD_FUZZY);
    }
    if (in && str_eqs(key, "trigger")) {
        free(in->trigger);
        in->trigger = str_dup(val);
        in->trigger_line = line;
        return in->trigger ? RB_OK : RB_ENOMEM;
    }
    if (!in) {
        ix_lerr(L, F->file, line, "\"%.*s\" belongs in an .intent file", (int)key.len, key.p);
        return RB_OK;
    }
    if (str_eqs(key, "intent")) {
        free(in->name);
        in->name = str_dup(val);
        in->line = line;
        return in->name ? RB_OK : RB_ENOMEM;
    }
    if (str_eqs(key, "description")) {
        free(in->description);
        in->description = str_dup(val);
        return in->description ? RB_OK : RB_ENOMEM;
    }
    if (str_eqs(key, "roles")) {
        return parse_roles(L, in, val, F->file, line);
    }
    if (str_eqs(key, "slots")) {
        return parse_slots(L, in, val, F->file, line);
    }
    if (str_eqs(key, "tense")) {
        if (!str_eqs(val, "past") && !str_eqs(val, "future")) {
            ix_lerr(L, F->file, line, "tense is past or future");
        }
        in->past = str_eqs(val, "past");
        return RB_OK;
    }
    if (str_eqs(key, "pattern")) {
        return add_raw_pattern(L, F->intent, val, F->file, line);
    }
    if (str_eqs(key, "example")) {
        return parse_example(L, in, val, F->now, F->file, line);
    }
    if (str_eqs(key, "now")) {
        return parse_now(L, F, val, line);
    }
    ix_lerr(L, F->file, line, "unknown setting \"%.*s\"", (int)key.len, key.p);
    return RB_OK;
}

static int parse_line(struct loader *L, struct file_state *F, struct str s, int line)
{
    struct str t = ix_trim(s), key, rest;
    bool indented = s.len && (s.p[0] == ' ' || s.p[0] == '\t');
    struct raw_pat *last;

    if (!t.len || t.p[0] == '#') {
        return RB_OK;
    }
    if (t.p[0] == '{') {
        if (!F->frag) {
            ix_lerr(L, F->file, line, "fragments belong in a .frag file");
            return RB_OK;
        }
        return parse_fragment(L, t, F->file, line);
    }
    rest = t;
    if (!str_split(&rest, ':', &key)) {
        ix_lerr(L, F->file, line, "expected \"key: value\"");
        return RB_OK;
    }
    key = ix_trim(key);
    rest = ix_trim(rest);
    if (indented) {
        last = L->nraws > F->first_raw ? &L->raws[L->nraws - 1] : NULL;
        return parse_attr(L, last, key, rest, F->file, line);
    }
    return parse_keyed(L, F, key, rest, line);
}

/* The file name without directory and extension must be the intent name. */
static void check_intent_file(struct loader *L, struct intent *in, const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n, i;

    base = base ? base + 1 : path;
    n = strlen(base) - strlen(".intent");
    if (!in->name) {
        ix_lerr(L, path, 0, "no \"intent:\" line");
        return;
    }
    if (strlen(in->name) != n || memcmp(in->name, base, n) != 0) {
        ix_lerr(L, path, in->line, "intent \"%s\" must live in %s.intent", in->name, in->name);
    }
    if (!in->roles) {
        ix_lerr(L, path, in->line, "no \"roles:\" line");
    }
    for (i = 0; i < L->set->nintents - 1; i++) {
        if (L->set->intents[i].name && strcmp(L->set->intents[i].name, in->name) == 0) {
            ix_lerr(L, path, in->line, "intent \"%s\" is defined twice", in->name);
        }
    }
}

static int load_file(struct loader *L, const char *path, bool frag)
{
    struct file_state F;
    struct intents *S = L->set;
    struct str all, ln;
    char *text = NULL;
    size_t len = 0;
    int rc, line = 0;

    memset(&F, 0, sizeof F);
    F.file = ix_set_file(L, path);
    if (!F.file) {
        return RB_ENOMEM;
    }
    F.frag = frag;
    F.first_raw = L->nraws;
    strcpy(F.now, EXAMPLE_NOW_DEFAULT);
    rc = ix_read_file(path, &text, &len);
    if (rc) {
        ix_lerr(L, path, 0, "cannot read: %s", rb_strerror(rc));
        return rc == RB_ENOMEM ? rc : RB_OK;
    }
    if (!text_utf8_valid(text, len)) {
        ix_lerr(L, path, 0, "not valid UTF-8");
        goto out;
    }
    if (!frag) {
        rc = ix_grow(&S->intents, &S->capintents, S->nintents, sizeof *S->intents);
        if (rc) {
            goto out;
        }
        F.intent = S->nintents++;
        memset(&S->intents[F.intent], 0, sizeof S->intents[F.intent]);
        S->intents[F.intent].file = F.file;
    }
    all = str_make(text, len);
    while (all.len) {
        str_split(&all, '\n', &ln);
        line++;
        rc = parse_line(L, &F, ln, line);
        if (rc) {
            goto out;
        }
    }
    if (!frag) {
        check_intent_file(L, &S->intents[F.intent], path);
    }
out:
    free(text);
    return rc;
}

/* A `.words` file into the set's vocabulary (vocab.h). */
static int load_words(struct loader *L, const char *path)
{
    const char *file = ix_set_file(L, path);
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (!file) {
        return RB_ENOMEM;
    }
    rc = ix_read_file(path, &text, &len);
    if (rc) {
        ix_lerr(L, path, 0, "cannot read: %s", rb_strerror(rc));
        return rc == RB_ENOMEM ? rc : RB_OK;
    }
    if (!text_utf8_valid(text, len)) {
        ix_lerr(L, path, 0, "not valid UTF-8");
    } else {
        rc = vocab_add_text(L->set->vocab, file, text, len, L->err, &L->nerr);
    }
    free(text);
    return rc;
}

bool ix_has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);

    return n > m && strcmp(s + n - m, suf) == 0;
}

int ix_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads the .frag files, then the .intent files, each in name order. */
int ix_load_dir(struct loader *L, const char *dir)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    struct buf path;
    int rc = RB_OK, pass;

    d = opendir(dir);
    if (!d) {
        ix_lerr(L, dir, 0, "cannot open directory: %s", strerror_r(errno, (char[128]){0}, 128));
        return RB_ENOTFOUND;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' ||
            (!ix_has_suffix(e->d_name, ".intent") && !ix_has_suffix(e->d_name, ".frag") &&
             !ix_has_suffix(e->d_name, ".words"))) {
            continue;
        }
        rc = ix_grow(&names, &cap, n, sizeof *names);
        if (rc || !(names[n] = rb_strdup(e->d_name))) {
            rc = RB_ENOMEM;
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof *names, ix_cmp_str);
    buf_init(&path, 4096);
    /* the words first: the examples of the .intent files are read with them */
    for (i = 0; i < n && !rc; i++) {
        if (ix_has_suffix(names[i], ".words")) {
            buf_reset(&path);
            rc = buf_addf(&path, "%s/%s", dir, names[i]);
            if (!rc) {
                rc = load_words(L, path.p);
            }
        }
    }
    if (!rc) {
        rc = vocab_finish(L->set->vocab, dir, L->err, &L->nerr);
    }
    for (pass = 0; pass < 2 && !rc; pass++) {
        for (i = 0; i < n && !rc; i++) {
            if (ix_has_suffix(names[i], ".words") ||
                ix_has_suffix(names[i], ".frag") != (pass == 0)) {
                continue;
            }
            buf_reset(&path);
            rc = buf_addf(&path, "%s/%s", dir, names[i]);
            if (!rc) {
                rc = load_file(L, path.p, pass == 0);
            }
        }
    }
    buf_release(&path);
out:
    closedir(d);
    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return rc;
}
