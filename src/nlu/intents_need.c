/*
 * intents_need.c - the literal prefilter: what text a pattern cannot match
 * without.
 *
 * At load, the PCRE2 source of each pattern (expanded and folded) is read
 * once for the literal strings every match must contain: a clause is a set
 * of strings one of which must be in the key ("ko" or "ka" or "se"), and a
 * pattern needs all of its clauses. A message whose key lacks every string
 * of one clause cannot match, and the pattern is not run on it. The
 * analysis is conservative: whatever it does not understand (a class, an
 * escape, an optional part, a negative lookaround, a conditional) requires
 * nothing (what a positive lookaround sees is needed like the rest),
 * and a construct it does not know at all (an option setting, a verb)
 * leaves the pattern with no clauses, tried on every message as before.
 * Literals are ASCII (lowered: the patterns are caseless) or letters of the
 * Arabic script, which have no case; any other letter ends a literal.
 * Subroutine calls (?&_fN) are followed into their DEFINE bodies.
 */
#include "nlu/intents_impl.h"
#include <ctype.h>

#define NEED_LIT 24     /* bytes kept of one literal (a prefix is needed too) */
#define NEED_ALTS 96    /* strings of one clause; a bigger clause is dropped */
#define NEED_CLAUSES 24 /* clauses of one part; more are dropped */
#define NEED_DEPTH 12   /* subroutine calls followed within each other */

struct nlit {
    char s[NEED_LIT + 1];
    size_t n;
};

struct nclause {
    struct nlit alt[NEED_ALTS];
    size_t n;
};

/* The clauses of one part of a pattern (a branch, a group). */
struct nset {
    struct nclause c[NEED_CLAUSES];
    size_t n;
};

#define NEED_MEMO 64  /* subroutines of one pattern whose clauses are kept */
#define NEED_SPARE 32 /* nsets kept for reuse while one pattern is read */

struct nparse {
    const char *src, *end;
    bool bad; /* a construct not understood: the pattern needs nothing */
    int depth;
    struct {
        const char *name;
        size_t n;
        struct nset *set;
    } memo[NEED_MEMO]; /* the clauses of the subroutines read so far */
    size_t nmemo;
    /* an nset is big (tens of KB): each branch and alternation borrows one
     * from here and gives it back, instead of a malloc and free each */
    struct nset *spare[NEED_SPARE];
    size_t nspare;
};

static struct nset *nset_take(struct nparse *N)
{
    return N->nspare ? N->spare[--N->nspare] : malloc(sizeof(struct nset));
}

static void nset_give(struct nparse *N, struct nset *s)
{
    if (s && N->nspare < NEED_SPARE) {
        N->spare[N->nspare++] = s;
    } else {
        free(s);
    }
}

static size_t nclause_min(const struct nclause *c)
{
    size_t m = SIZE_MAX;

    for (size_t i = 0; i < c->n; i++) {
        m = c->alt[i].n < m ? c->alt[i].n : m;
    }
    return m;
}

static void nclause_copy(struct nclause *to, const struct nclause *from)
{
    to->n = from->n;
    memcpy(to->alt, from->alt, from->n * sizeof *from->alt);
}

static void nset_copy(struct nset *to, const struct nset *from)
{
    to->n = from->n;
    for (size_t i = 0; i < from->n; i++) {
        nclause_copy(&to->c[i], &from->c[i]);
    }
}

static void nset_add(struct nset *S, const struct nclause *c)
{
    if (c->n && nclause_min(c) >= 2 && S->n < NEED_CLAUSES) {
        nclause_copy(&S->c[S->n++], c);
    }
}

static void nset_add_lit(struct nset *S, const char *s, size_t n)
{
    struct nclause c;

    if (n < 2) {
        return;
    }
    c.n = 1;
    c.alt[0].n = n > NEED_LIT ? NEED_LIT : n;
    memcpy(c.alt[0].s, s, c.alt[0].n);
    c.alt[0].s[c.alt[0].n] = '\0';
    nset_add(S, &c);
}

/* The clause of S that says most: the longest shortest string, fewest strings. */
static const struct nclause *nset_best(const struct nset *S)
{
    const struct nclause *b = NULL;

    for (size_t i = 0; i < S->n; i++) {
        if (!b || nclause_min(&S->c[i]) > nclause_min(b) ||
            (nclause_min(&S->c[i]) == nclause_min(b) && S->c[i].n < b->n)) {
            b = &S->c[i];
        }
    }
    return b;
}

/* Bytes of the UTF-8 sequence led by c (1 for a stray byte). */
static size_t u8_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Whether code point p[0..n) is a literal the key holds as written: ASCII
 * that is not a letter, a lowered ASCII letter, or a letter without case. */
static bool caseless_safe(const char *p, size_t n)
{
    ucs4_t u = 0;

    if (n == 1) {
        return (unsigned char)p[0] < 0x80;
    }
    if (u8_mbtouc(&u, (const uint8_t *)p, n) != (int)n) {
        return false;
    }
    return (u >= 0x0600 && u <= 0x06FF) || (u >= 0x0750 && u <= 0x077F) ||
           (u >= 0xFB50 && u <= 0xFDFF) || (u >= 0xFE70 && u <= 0xFEFF);
}

/* Skips a bracket class starting at p ('['); returns the byte after it. */
static const char *skip_class(struct nparse *N, const char *p)
{
    p++;
    if (p < N->end && *p == '^') {
        p++;
    }
    if (p < N->end && *p == ']') {
        p++;
    }
    while (p < N->end && *p != ']') {
        if (*p == '\\') {
            p++;
        } else if (*p == '[' && p + 1 < N->end && p[1] == ':') {
            const char *q = strstr(p + 2, ":]");

            if (!q || q >= N->end) {
                N->bad = true;
                return N->end;
            }
            p = q + 1;
        }
        p++;
    }
    if (p >= N->end) {
        N->bad = true;
        return N->end;
    }
    return p + 1;
}

/* Skips a group whose '(' is at p, nested groups, classes and escapes
 * included; returns the byte after its ')'. */
static const char *skip_group(struct nparse *N, const char *p)
{
    int level = 0;

    while (p < N->end) {
        if (*p == '\\') {
            p += 2;
            continue;
        }
        if (*p == '[') {
            p = skip_class(N, p);
            continue;
        }
        if (*p == '(') {
            level++;
        } else if (*p == ')' && --level == 0) {
            return p + 1;
        }
        p++;
    }
    N->bad = true;
    return N->end;
}

/* A quantifier at *pp: sets *min and moves past it (and a lazy ? or
 * possessive +). Returns false when there is none. */
static bool quantifier(struct nparse *N, const char **pp, unsigned *min)
{
    const char *p = *pp;
    unsigned m = 0;

    if (p >= N->end) {
        return false;
    }
    if (*p == '?' || *p == '*') {
        *min = 0;
        p++;
    } else if (*p == '+') {
        *min = 1;
        p++;
    } else if (*p == '{') {
        p++;
        while (p < N->end && *p >= '0' && *p <= '9') {
            m = m * 10 + (unsigned)(*p++ - '0');
        }
        if (p < N->end && *p == ',') {
            p++;
            while (p < N->end && *p >= '0' && *p <= '9') {
                p++;
            }
        }
        if (p >= N->end || *p != '}' || p == *pp + 1) {
            N->bad = true; /* a brace that is not a quantifier: not read */
            return false;
        }
        p++;
        *min = m;
    } else {
        return false;
    }
    if (p < N->end && (*p == '?' || *p == '+')) {
        p++;
    }
    *pp = p;
    return true;
}

static const char *alternation(struct nparse *N, const char *p, struct nset *out);

/* A subroutine call (?&name) at p: the clauses of the group it calls. */
static void call_need(struct nparse *N, const char *name, size_t n, struct nset *out)
{
    char open[80];
    const char *g;
    struct nset *set;
    size_t i;

    for (i = 0; i < N->nmemo; i++) {
        if (N->memo[i].n == n && memcmp(N->memo[i].name, name, n) == 0) {
            nset_copy(out, N->memo[i].set);
            return;
        }
    }
    if (n < 3 || name[0] != '_' || name[1] != 'f' || n + 4 >= sizeof open ||
        N->depth >= NEED_DEPTH) {
        return; /* only the fragments' own groups, which have one definition */
    }
    snprintf(open, sizeof open, "(?<%.*s>", (int)n, name);
    g = memmem(N->src, (size_t)(N->end - N->src), open, strlen(open));
    if (!g || g >= N->end) {
        return;
    }
    N->depth++;
    alternation(N, g + strlen(open), out);
    N->depth--;
    if (N->nmemo < NEED_MEMO && (set = malloc(sizeof *set)) != NULL) {
        nset_copy(set, out);
        N->memo[N->nmemo].name = name;
        N->memo[N->nmemo].n = n;
        N->memo[N->nmemo++].set = set;
    }
}

/*
 * A group whose '(' is at p: its clauses in *g (none for a lookaround, a
 * call that is not followed, a conditional). *width says whether it
 * matches text (false: an assertion). Returns the byte after it.
 */
static const char *group(struct nparse *N, const char *p, struct nset *g, bool *width)
{
    const char *q, *name;

    g->n = 0;
    *width = true;
    if (p + 1 >= N->end) {
        N->bad = true;
        return N->end;
    }
    if (p[1] == '*') {
        N->bad = true; /* a verb */
        return N->end;
    }
    if (p[1] != '?') {
        q = alternation(N, p + 1, g);
        return q < N->end && *q == ')' ? q + 1 : (N->bad = true, N->end);
    }
    q = p + 2;
    if (q < N->end && (*q == ':' || *q == '>' || *q == '|')) {
        q = alternation(N, q + 1, g);
        return q < N->end && *q == ')' ? q + 1 : (N->bad = true, N->end);
    }
    if (q < N->end && *q == '<' && q + 1 < N->end && q[1] != '=' && q[1] != '!') {
        q = memchr(q, '>', (size_t)(N->end - q));
        if (!q) {
            N->bad = true;
            return N->end;
        }
        q = alternation(N, q + 1, g);
        return q < N->end && *q == ')' ? q + 1 : (N->bad = true, N->end);
    }
    if (q < N->end && *q == '&') {
        name = q + 1;
        q = memchr(name, ')', (size_t)(N->end - name));
        if (!q) {
            N->bad = true;
            return N->end;
        }
        call_need(N, name, (size_t)(q - name), g);
        return q + 1;
    }
    if (q < N->end && (*q == '=' || (*q == '<' && q + 1 < N->end && q[1] == '='))) {
        *width = false; /* a positive lookaround: what it sees is in the key too */
        q = alternation(N, q + (*q == '=' ? 1 : 2), g);
        return q < N->end && *q == ')' ? q + 1 : (N->bad = true, N->end);
    }
    if (q < N->end && (*q == '!' || *q == '<' || *q == 'C' || *q == '(')) {
        *width = false; /* lookaround, callout, conditional (DEFINE): nothing needed */
        return skip_group(N, p);
    }
    N->bad = true; /* option settings and the rest: not read */
    return N->end;
}

/* One branch, up to '|' or ')' or the end; its clauses go to out. */
static const char *branch(struct nparse *N, const char *p, struct nset *out)
{
    char run[NEED_LIT + 8];
    size_t nrun = 0, n, i;
    struct nset *g = nset_take(N);
    const char *atom, *after;
    unsigned min;
    bool width, lit;

    if (!g) {
        N->bad = true;
        return N->end;
    }
    out->n = 0;
    while (p < N->end && *p != '|' && *p != ')' && !N->bad) {
        atom = p;
        lit = false;
        width = true;
        g->n = 0;
        if (*p == '(') {
            p = group(N, p, g, &width);
        } else if (*p == '[') {
            p = skip_class(N, p);
        } else if (*p == '\\') {
            if (p + 1 >= N->end) {
                N->bad = true;
                break;
            }
            if (strchr("bBAzZG", p[1])) {
                width = false;
                p += 2;
            } else if (strchr("dDsSwWhHvVRX", p[1])) {
                p += 2;
            } else if (p[1] == 'p' || p[1] == 'P') {
                if (p + 2 < N->end && p[2] == '{') {
                    after = memchr(p, '}', (size_t)(N->end - p));
                    p = after ? after + 1 : (N->bad = true, N->end);
                } else {
                    p += 3;
                }
            } else if ((unsigned char)p[1] < 0x80 && !isalnum((unsigned char)p[1])) {
                lit = true;
                atom = p + 1;
                p += 2;
            } else {
                N->bad = true; /* \x, \Q, back references ...: not read */
                break;
            }
        } else if (*p == '.') {
            p++;
        } else if (*p == '^' || *p == '$') {
            width = false;
            p++;
        } else if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
            N->bad = true; /* a quantifier with nothing before it */
            break;
        } else {
            n = u8_len((unsigned char)*p);
            if (p + n > N->end) {
                N->bad = true;
                break;
            }
            lit = caseless_safe(p, n);
            p += n;
        }
        if (p > N->end) {
            N->bad = true;
            break;
        }
        min = 1;
        if (quantifier(N, &p, &min) || !lit || !width) {
            /* the literal run ends here */
            if (N->bad) {
                break;
            }
            nset_add_lit(out, run, nrun);
            nrun = 0;
            if (lit && min >= 1 && width) {
                nset_add_lit(out, atom, u8_len((unsigned char)*atom));
            }
            if (!lit && min >= 1) {
                for (i = 0; i < g->n; i++) {
                    nset_add(out, &g->c[i]);
                }
            }
            continue;
        }
        n = u8_len((unsigned char)*atom);
        if (nrun + n > NEED_LIT) {
            nset_add_lit(out, run, nrun);
            nrun = 0;
        }
        for (i = 0; i < n; i++) {
            char c = atom[i];

            run[nrun++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
    }
    if (!N->bad) {
        nset_add_lit(out, run, nrun);
    }
    nset_give(N, g);
    return p;
}

/* Branches up to ')' or the end: a clause they all need one string of. */
static const char *alternation(struct nparse *N, const char *p, struct nset *out)
{
    struct nset *b = nset_take(N);
    struct nclause any;
    const struct nclause *best;
    bool none = false;
    size_t i, nb = 0;

    out->n = 0;
    any.n = 0;
    if (!b) {
        N->bad = true;
        return N->end;
    }
    for (;;) {
        p = branch(N, p, b);
        if (N->bad) {
            break;
        }
        nb++;
        if (nb == 1) { /* one branch: all of its clauses */
            nset_copy(out, b);
        }
        best = nset_best(b);
        if (!best || any.n + best->n > NEED_ALTS) {
            none = true;
        } else if (!none) {
            for (i = 0; i < best->n; i++) {
                any.alt[any.n++] = best->alt[i];
            }
        }
        if (p < N->end && *p == '|') {
            p++;
            continue;
        }
        break;
    }
    if (nb > 1) {
        out->n = 0;
        if (!none) {
            nset_add(out, &any);
        }
    }
    nset_give(N, b);
    return p;
}

/* Interns literal s among S's literals; its index, or -1 without memory. */
static long lit_id(struct intents *S, const struct nlit *s)
{
    uint64_t known = ix_wordset_get(&S->litset, s->s, s->n);

    if (known) {
        return (long)(known - 1);
    }
    if (ix_grow(&S->lits, &S->caplits, S->nlits, sizeof *S->lits) ||
        ix_wordset_add(&S->litset, s->s, s->n, S->nlits + 1)) {
        return -1;
    }
    S->lits[S->nlits].s = ix_dupn(s->s, s->n);
    S->lits[S->nlits].n = s->n;
    if (!S->lits[S->nlits].s) {
        return -1;
    }
    return (long)S->nlits++;
}

int ix_need_build(struct intents *S, struct pattern *P, const char *src, size_t len)
{
    struct nparse N = {.src = src, .end = src + len};
    struct nset *out = malloc(sizeof *out);
    size_t i, j, k = 0, total = 0;
    const char *end;
    long id;

    P->need = NULL;
    P->nneed = 0;
    if (!out) {
        return RB_ENOMEM;
    }
    end = alternation(&N, src, out);
    for (i = 0; i < N.nmemo; i++) {
        free(N.memo[i].set);
    }
    for (i = 0; i < N.nspare; i++) {
        free(N.spare[i]);
    }
    if (N.bad || end != N.end || !out->n) {
        free(out);
        return RB_OK; /* not read, or needs nothing: tried on every message */
    }
    for (i = 0; i < out->n; i++) {
        total += 1 + out->c[i].n;
    }
    P->need = malloc(total * sizeof *P->need);
    if (!P->need) {
        free(out);
        return RB_ENOMEM;
    }
    for (i = 0; i < out->n; i++) {
        P->need[k++] = (uint32_t)out->c[i].n;
        for (j = 0; j < out->c[i].n; j++) {
            id = lit_id(S, &out->c[i].alt[j]);
            if (id < 0) {
                free(out);
                return RB_ENOMEM;
            }
            P->need[k++] = (uint32_t)id;
        }
    }
    P->nneed = k;
    free(out);
    return RB_OK;
}

static unsigned bigram(const char *p)
{
    return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
}

void ix_need_bigrams(const char *lk, size_t n, uint64_t *bg)
{
    memset(bg, 0, NEED_BIGRAM_WORDS * sizeof *bg);
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned b = bigram(lk + i);

        bg[b >> 6] |= (uint64_t)1 << (b & 63);
    }
}

/* Whether literal id is in the lowered key lk: each pair of its bytes must
 * be among the key's (bg) before it is looked for. seen caches the answer:
 * 0 not known yet, 1 no, 2 yes. */
static bool has_lit(const struct intents *S, uint32_t id, const char *lk, size_t n,
                    const uint64_t *bg, unsigned char *seen)
{
    const struct need_lit *L = &S->lits[id];
    unsigned b;

    if (!seen[id]) {
        seen[id] = 2;
        for (size_t i = 0; i + 1 < L->n && seen[id] == 2; i++) {
            b = bigram(L->s + i);
            if (!(bg[b >> 6] & ((uint64_t)1 << (b & 63)))) {
                seen[id] = 1;
            }
        }
        if (seen[id] == 2 && !memmem(lk, n, L->s, L->n)) {
            seen[id] = 1;
        }
    }
    return seen[id] == 2;
}

bool ix_need_met(const struct intents *S, const struct pattern *P, const char *lk, size_t n,
                 const uint64_t *bg, unsigned char *seen)
{
    size_t i = 0, j, m;
    bool any;

    while (i < P->nneed) {
        m = P->need[i++];
        any = false;
        for (j = 0; j < m && !any; j++) {
            any = has_lit(S, P->need[i + j], lk, n, bg, seen);
        }
        if (!any) {
            return false;
        }
        i += m;
    }
    return true;
}
