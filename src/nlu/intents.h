/*
 * intents.h - the intents/ rule engine: loads the .intent files, compiles
 * their patterns once (PCRE2 + JIT) and turns a staff message into one
 * intent with canonical slots (INTENTS.md).
 *
 * Files (the format is documented for admins in intents/README.md):
 *   intents/NAME.intent   one intent: name, roles, slots, description,
 *                         patterns, synonyms, examples
 *   intents/NAME.frag     shared fragments ({date} = ...), synonyms, the
 *                         stopwords and drop-from-names lists, usable from
 *                         every .intent file
 *
 * A loaded set (struct intents) is immutable but for one thing: a pattern
 * is JIT-compiled on its second use after loading (into a copy published
 * atomically, so matching threads never see it change), which keeps the
 * JIT's megabytes for the patterns in use and spares a one-shot `rabta
 * parse` the cost. Compiled patterns (big
 * fragments defined once per pattern and called as PCRE2 subroutines), the
 * synonym table, the trigger and stopword word sets and the catalog are
 * shared read-only by every thread; the one PCRE2 match context (match limit,
 * the stopword callout) only reads the set. Each call to intents_match makes
 * its own match data, so any number of threads may match against one set at
 * once. A reload builds a new set; the old one is freed when nobody uses it
 * (the app's snapshot reference count).
 *
 * Speed: an intent with a `trigger:` word list has its patterns tried only
 * when one of those words or phrases is in the message (one hash look-up per
 * word); `{not_stopword}` is a callout into a hash of the `stopwords:` list,
 * not a regex alternation.
 *
 * Matching (intents_match) runs on the normalized text (text_normalize,
 * emoji dropped); every named group that matched goes through the value
 * parsers (nlu/values.h) or the synonym table to its canonical form. A
 * capture that does not parse makes that pattern not match. When several
 * patterns match, the best is the one with, in order:
 *   1. the higher `priority:` (default 0),
 *   2. more slots filled,
 *   3. the longer match (bytes of the normalized text),
 *   4. the earlier pattern (files in name order, lines in file order).
 * Its confidence is the pattern's `confidence:` when set, otherwise
 * 0.5 + 0.45 * (match length / text length); 0.1 less when the runner-up,
 * of another intent, ties on 1 and 2. When no pattern matches the answer
 * is "unknown" with confidence 0 (unknown.intent's own patterns give a
 * confident "unknown" to chit-chat).
 * Names (name, staff, a lead by name) and free text come from the original
 * message as written, without honorifics (bhai, sahab, sb, ji, Mr ...).
 *
 * Behind the patterns, a classifier (nlu/classify.h) trained while loading
 * on every `example:` line and every row of the .tsv files of intents/examples has its
 * say (intents_model.c, apply_model in intents_match.c): when no pattern
 * matches, its intent is the answer from 0.5 sure, with slots read by slot
 * finders ({find_SLOT} or {SLOT} anywhere in the message); when it is 0.9
 * sure of another intent than a pattern without a `confidence:`, it wins;
 * when it merely disagrees, the pattern's answer is at most 0.7 sure; a
 * message that is an example word for word gets that example's intent.
 * The engine's code: intents.c (the set, rabta check), intents_key.c,
 * intents_load.c, intents_compile.c, intents_slots.c, intents_match.c,
 * intents_model.c, sharing intents_impl.h.
 */
#ifndef RB_NLU_INTENTS_H
#define RB_NLU_INTENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "app/config.h"
#include "core/buf.h"
#include "core/clock.h"
#include "nlu/catalog.h"

/*
 * What the engine needs from the venue configuration, given at load time
 * (the {config_halls} and {config_staff} fragments are built from it).
 * Everything is borrowed for the duration of intents_load only.
 */
struct nlu_env {
    const struct hall_conf *halls;
    size_t nhalls;
    const struct staff_conf *staff;
    size_t nstaff;
    int country_code; /* default calling code for phones: 92 */
};

/* Fills env from a loaded config (borrowing its arrays). */
void nlu_env_from_config(struct nlu_env *env, const struct config *c);

struct intents; /* opaque, immutable once loaded */

/* One example line of an .intent file. */
struct intent_example {
    const char *text;   /* the message */
    const char *expect; /* expected slots as a JSON object text, "{}" when none */
    const char *now;    /* "YYYY-MM-DDTHH:MM", the clock the example is read with */
    const char *file;   /* "intents/lead.move.intent" */
    int line;
};

/* What an intent file declares; every pointer is borrowed from the set and
 * valid until intents_free. */
struct intent_info {
    const char *name;          /* "lead.move" */
    unsigned roles;            /* ROLE_* bits */
    const char *description;   /* one line for people and for the Gemini prompt */
    const char *const *slots;  /* slot names, in the order the file gives them */
    const bool *slot_required; /* parallel to slots */
    size_t nslots;
    const struct intent_example *examples;
    size_t nexamples;
    bool past; /* `tense: past`: kal/parson and bare months are read as the past */
};

/*
 * Loads every .frag and .intent file of dir and compiles the patterns with
 * env. On success *out is a new set (intents_free it). On failure returns
 * RB_EPARSE (or RB_ENOMEM, RB_ENOTFOUND for a missing directory) and appends
 * every problem found to err, one "file:line: message" line each; *out is
 * untouched.
 */
RB_MUST_CHECK int intents_load(const char *dir, const struct nlu_env *env, struct intents **out,
                               struct buf *err);
/* Frees a set; accepts NULL. */
void intents_free(struct intents *set);

/*
 * Parses one message (raw UTF-8 as received, len bytes) read at local time
 * now. Fills *out (parse_result_init'ed by the caller, released first) with
 * a new intent name and slots, lang, engine "rules" and the confidence;
 * "unknown" when no pattern matches. RB_EPARSE for invalid UTF-8 or NUL
 * bytes, RB_ETOOBIG for a message over 4096 bytes, RB_ENOMEM; *out is then
 * untouched. Thread-safe on a shared set.
 */
RB_MUST_CHECK int intents_match(const struct intents *set, const char *text, size_t len,
                                struct rb_datetime now, struct parse_result *out);

/*
 * Like intents_match, and appends to why which pattern won
 * ("intents/lead.move.intent:12") or "no pattern matched". For `rabta parse
 * --explain`-style debugging and the tests.
 */
RB_MUST_CHECK int intents_match_explain(const struct intents *set, const char *text, size_t len,
                                        struct rb_datetime now, struct parse_result *out,
                                        struct buf *why);

/*
 * The `words NAME:` list of the set's files (whole-message phrases as
 * written, for text_phrase_index: "stop", "start", "greeting", "ack",
 * "more"), NULL-terminated; an empty list when there is none or set is
 * NULL. Borrowed. Loading refuses a set without "stop" and "start".
 */
const char *const *intents_words(const struct intents *set, const char *name);

/* The intents of the set, in file name order: *n of them, borrowed. */
const struct intent_info *intents_list(const struct intents *set, size_t *n);
/* The intent called name, NULL if none; borrowed. */
const struct intent_info *intents_find(const struct intents *set, const char *name);

/*
 * The intents/ part of `rabta check`: loads dir (every pattern compiles,
 * every slot and fragment named is known, every file has a name, roles and
 * a known slot list) and parses every example, which must give its own
 * intent and exactly its expected slots. Appends each problem to err as
 * "file:line: message" and returns RB_OK when there are none, RB_EPARSE
 * otherwise (RB_ENOMEM when memory ran out). No side effects.
 */
RB_MUST_CHECK int intents_check(const char *dir, const struct nlu_env *env, struct buf *err);

#endif
