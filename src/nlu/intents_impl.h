/*
 * intents_impl.h - what the files of the rule engine share (intents.c,
 * intents_key.c, intents_load.c, intents_compile.c, intents_slots.c,
 * intents_match.c, intents_model.c, intents_need.c): the loaded set, the loading state, the
 * key, and the functions one file gives the others (prefixed ix_). Not for
 * use outside src/nlu/intents*.c.
 */
#ifndef RB_NLU_INTENTS_IMPL_H
#define RB_NLU_INTENTS_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include "nlu/intents.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcre2.h>
#include <unictype.h>
#include <unistr.h>
#include "core/str.h"
#include "nlu/classify.h"
#include "nlu/text.h"
#include "nlu/values.h"
#include "nlu/vocab.h"

#define MSG_MAX 4096          /* bytes of one message */
#define KEY_MAX (4 * MSG_MAX) /* normalized text may grow a little */
#define FILE_MAX (1u << 20)   /* bytes of one intents/ file */
#define EXPAND_DEPTH 16       /* fragments within fragments */
#define DUP_GROUPS 8          /* groups of one name in a pattern */
#define MATCH_LIMIT 200000    /* PCRE2 backtracking bound per pattern */
#define FUZZY_MIN 5           /* letters of a word the typo reading looks at */
/* ---- .intent files ---- */

#define EXAMPLE_NOW_DEFAULT "2026-03-14T10:00"
#define CALL_MIN_BYTES 48
/*
 * The code to match P with. JIT-compiled machine code is several times
 * faster than PCRE2's interpreter but costs memory (tens of kilobytes a
 * pattern, megabytes for the set), so a pattern gets it on its JIT_AFTER-th
 * use once the set is loaded (the examples checked while loading do not
 * count, and a one-shot `rabta parse` never pays for it): memory goes to
 * the patterns in use. The JIT copy is made from a copy of the compiled
 * pattern and published with one atomic compare-and-swap, so threads
 * matching the original meanwhile never see it change; a thread that loses
 * the race frees its copy. The set stays read-only otherwise.
 */
#define JIT_AFTER 2
/* ---- matching: the model's answer ---- */

/* The model's answer is taken from this probability up; below, "unknown". */
#define MODEL_MIN 0.5
/* ... and over a pattern's (one without a `confidence:` of its own) from this. */
#define MODEL_OVERRIDE 0.9
/* A message that is an example word for word has the example's intent, this sure. */
#define MODEL_TAUGHT 0.95
/* When the pattern wins over a model that disagrees, it is at most this sure. */
#define MODEL_DOUBT 0.7

/* ---- the loaded set ---- */

struct frag {
    char *name;
    char *body;
    char *plain; /* built-in word lists: "a|b|c", for triggers and stopwords */
    const char *file;
    int line;
};

struct syn {
    char *slot;
    char *key; /* the phrase normalized, spaces removed */
    char *phrase;
    char *value;
    const char *file;
    int line;
};

struct pat_slot {
    const struct slot_def *def;
    int ngroups;
    uint32_t groups[DUP_GROUPS];
};

struct pattern {
    pcre2_code *re;  /* compiled at load; never changed after */
    pcre2_code *jit; /* a JIT-compiled copy, made on the pattern's JIT_AFTER-th
                      * use and published atomically (ix_pat_code); NULL until then */
    unsigned tries;  /* uses so far, counted (atomically) until jit is made */
    size_t intent;
    int priority;
    double confidence; /* < 0: computed from coverage */
    const char *file;
    int line;
    struct pat_slot *slots;
    size_t nslots;
    json_t *sets;   /* constant slots, an object */
    bool question;  /* tried only on a message that ends with ? or ؟ */
    uint32_t *need; /* the literals a match needs (intents_need.c): clauses, each
                     * its count then that many indexes into lits; NULL: none */
    size_t nneed;
};

struct intent {
    char *name;
    char *description;
    unsigned roles;
    bool past;
    char **slots;
    bool *required;
    size_t nslots, capslots;
    struct intent_example *examples;
    size_t nexamples, capexamples;
    const char *file;
    int line;
    char *trigger; /* the raw `trigger:` list, until resolved */
    int trigger_line;
    uint64_t bit;              /* this intent's bit in trigger masks, 0 when it has no trigger */
    size_t find_from, find_to; /* its slot finders: pats[find_from .. find_to) */
};

/*
 * A set of normalized words and phrases, each with a mask of intents: open
 * addressing, FNV-1a. Used for the trigger prefilter and the stopwords.
 */
struct wordset {
    char **keys;
    uint64_t *masks;
    size_t cap, n;
};

struct hall_key {
    char *key; /* normalized name or alias, spaces removed */
    char *name;
};

/* A `words NAME:` list of whole-message phrases, as written; NULL-terminated. */
struct wordlist {
    char *name;
    char **phrases;
    size_t n, cap; /* phrases[n] is NULL */
};

/* A literal some pattern needs (intents_need.c). */
struct need_lit {
    char *s;
    size_t n;
};

struct intents {
    struct intent *intents;
    size_t nintents, capintents;
    struct intent_info *infos;
    struct pattern *pats;
    size_t npats, cappats;
    size_t nmain;  /* pats[0 .. nmain) are the files' patterns, the rest slot finders */
    size_t *order; /* pattern indexes by priority, highest first, then in file order */
    struct syn *syns;
    size_t nsyns, capsyns;
    char **drops; /* normalized phrases dropped from the ends of names */
    size_t ndrops, capdrops;
    struct hall_key *halls;
    size_t nhalls;
    char **files;
    size_t nfiles, capfiles;
    int country_code;
    bool armed; /* loading done: uses now count toward JIT (ix_pat_code) */
    uint32_t max_pairs;
    pcre2_match_context *mctx;
    struct wordset triggers;  /* phrase → intents it may start */
    struct wordset stopwords; /* WORD_STOP: never part of a name; WORD_FUZZY: typo targets */
    char **stop_raw;          /* the raw `stopwords:` and `fuzzy:` lists, until resolved */
    int *stop_line;
    const char **stop_file;
    uint64_t *stop_kind; /* WORD_STOP or WORD_FUZZY, per raw list */
    size_t nstop_raw, capstop_raw;
    const char **fuzzy; /* the WORD_FUZZY words, borrowed from stopwords */
    size_t nfuzzy, nfuzzy_cap;
    struct classifier *model; /* learned from the examples; NULL with fewer than 2 intents */
    size_t nexamples;         /* sentences it learned from */
    struct wordlist *words;   /* `words NAME:` lists (STOP, START, greetings ...) */
    size_t nwords, capwords;
    struct memo *memo;   /* the examples themselves, by ix_model_text, sorted */
    struct vocab *vocab; /* the `.words` lists the value parsers read (vocab.h) */
    size_t nmemo;
    struct need_lit *lits; /* the literals the patterns need, lowered (intents_need.c) */
    size_t nlits, caplits;
    struct wordset litset; /* literal → its index in lits, plus one */
};

/* One example sentence as the model reads it, and its intent. */
struct memo {
    char *text;
    size_t intent;
};

/* ---- loading state ---- */

struct raw_pat {
    char *src;
    size_t intent;
    int priority;
    double confidence;
    char *set;
    bool question;
    const char *file;
    int line;
};

struct loader {
    struct intents *set;
    const struct nlu_env *env;
    struct frag *frags;
    size_t nfrags, capfrags;
    struct raw_pat *raws;
    size_t nraws, capraws;
    struct buf *err;
    int nerr;
    int oom;
};

/* The two kinds of words of the `stopwords` set. */
enum { WORD_STOP = 1, WORD_FUZZY = 2 };

/* ---- the key: normalized text with a map back to the original ---- */

/*
 * The text patterns run on: text_normalize's key, then emoji and the
 * punctuation that only separates words (? ! , ; quotes, brackets, a dot
 * not between digits) turned into spaces, runs of spaces made one, ends
 * trimmed. A colon, or a dash standing alone ("reply Ali - ok"), stays as
 * ":" glued to the word before it ("reply ali: ok"): it often ends a lead or
 * a name. Each byte remembers the normalized byte it came from, and
 * text_map_span leads from there to the original message.
 */
struct key {
    struct buf k;
    struct buf norm;
    struct buf map;
    uint32_t *idx; /* per byte of k: its byte in norm */
    const char *orig;
    size_t olen;
    bool question; /* the message ends with ? or ؟ (emoji and spaces after it aside) */
};

enum key_class { KC_KEEP, KC_SPACE, KC_COLON };

struct syn_head {
    char *slot;
    char *value;
};

struct file_state {
    const char *file;
    bool frag;
    size_t intent;    /* index in set->intents (intent files) */
    size_t first_raw; /* raws of this file start here */
    char now[32];     /* clock for the examples that follow */
};

struct strlist {
    char **v;
    size_t n, cap;
};

/*
 * Expansion state of one pattern. A fragment of more than a few bytes is
 * not copied at each use: it becomes a subroutine call (?&_fN) and its body
 * is defined once at the end, in (?(DEFINE)(?<_fN>...)), which keeps big
 * patterns under PCRE2's size limit. A fragment whose body captures a slot
 * is always copied (captures made inside a subroutine call do not last).
 */
struct expand_ctx {
    struct loader *L;
    const char *file;
    int line;
    bool failed;
    bool *called; /* per fragment: used as a subroutine */
};

/* ---- word lists: triggers and stopwords ---- */

struct list_ctx {
    struct loader *L;
    struct wordset *set;
    uint64_t mask;
    const char *file;
    int line;
};

struct prio_idx {
    int priority;
    size_t idx;
};

struct samples {
    struct clf_sample *s;
    size_t n, cap;
};

/* ---- matching: from captures to canonical slots ---- */

struct xctx {
    const struct intents *S;
    const struct key *K;
    const struct intent *in;
    const struct pattern *P;
    const PCRE2_SIZE *ov;
    struct nlu_now nn;
    json_t *slots;
};

/* ---- matching: choosing the pattern ---- */

struct cand {
    size_t pat;
    int priority;
    int nslots;
    size_t mlen;
    size_t ovi; /* its captures' place in match_impl's store */
};

/* ---- shared between the files ---- */

/* Makes room for one more element in *arr (n used, *cap allocated). */
int ix_grow(void *arr, size_t *cap, size_t n, size_t size);
RB_PRINTF(4, 5)
void ix_lerr(struct loader *L, const char *file, int line, const char *fmt, ...);
char *ix_dupn(const char *s, size_t n);
bool ix_is_space(char c);
struct str ix_trim(struct str s);
bool ix_ident_char(char c);
bool ix_squeezed_out(char c);
char *ix_squeeze_key(const char *s, size_t n);
void ix_wordset_release(struct wordset *w);
int ix_wordset_add(struct wordset *w, const char *p, size_t n, uint64_t mask);
uint64_t ix_wordset_get(const struct wordset *w, const char *p, size_t n);
bool ix_is_digit(char c);
void ix_key_init(struct key *K);
void ix_key_release(struct key *K);
int ix_key_build(struct key *K, const char *orig, size_t olen);
int ix_key_fuzzy(const struct intents *S, struct key *K);
bool ix_key_to_orig(const struct key *K, size_t ks, size_t ke, size_t *os, size_t *oe);
int ix_read_file(const char *path, char **out, size_t *len);
const char *ix_set_file(struct loader *L, const char *path);
int ix_builtin_vocab(struct loader *L);
bool ix_canonical_ok(const struct slot_def *def, const char *value);
bool ix_has_suffix(const char *s, const char *suf);
int ix_cmp_str(const void *a, const void *b);
int ix_load_dir(struct loader *L, const char *dir);
int ix_builtin_plain(struct loader *L, const char *name, const char *body);
int ix_builtin_halls(struct loader *L);
int ix_builtin_staff(struct loader *L);
int ix_builtin_synonyms(struct loader *L);
const struct frag *ix_frag_find(const struct loader *L, const char *name, size_t n);
bool ix_intent_has_slot(const struct intent *in, const char *slot);
int ix_compile_one(struct loader *L, const struct raw_pat *r);
int ix_build_word_lists(struct loader *L);
uint64_t ix_trigger_mask(const struct intents *S, const struct key *K);
int ix_stopword_callout(pcre2_callout_block *cb, void *data);
int ix_compile_finders(struct loader *L);
char *ix_model_text(const struct key *K);
int ix_memo_find(const struct intents *S, const char *text);
int ix_build_model(struct loader *L, const char *dir);
bool ix_capture_of(const struct xctx *X, const struct slot_def *def, size_t *s, size_t *e);
bool ix_is_trim_punct(char c);
int ix_conv_slot(struct xctx *X, const struct slot_def *def, size_t s, size_t e);
int ix_extract(struct xctx *X);
const pcre2_code *ix_pat_code(const struct intents *S, const struct pattern *P);
int ix_need_build(struct intents *S, struct pattern *P, const char *src, size_t len);
/* The pairs of adjacent bytes of a key, one bit each (ix_need_bigrams). */
#define NEED_BIGRAM_WORDS (65536 / 64)
void ix_need_bigrams(const char *lk, size_t n, uint64_t *bg);
bool ix_need_met(const struct intents *S, const struct pattern *P, const char *lk, size_t n,
                 const uint64_t *bg, unsigned char *seen);

#endif
