/*
 * values_impl.h - what the files of the value parsers share (values.c: the
 * tokens, phones, slots, milestones, periods; values_date.c: dates and
 * times; values_amount.c: amounts and guest counts). Not an API: include
 * values.h. The words come from intents/values.words (vocab.h); the enums
 * below are the values its symbolic lists give.
 */
#ifndef RB_NLU_VALUES_IMPL_H
#define RB_NLU_VALUES_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/str.h"
#include "nlu/values.h"
#include "nlu/vocab.h"

#define MAX_TOKS 32

enum tok_kind { TOK_WORD, TOK_NUM, TOK_PUNCT };

/* A word (letters, any non-ASCII bytes), a number (digits with , . / : -
 * between them) or one punctuation byte. */
struct tok {
    struct str s;
    enum tok_kind kind;
};

struct toks {
    struct tok t[MAX_TOKS];
    size_t n;
};

/* A cursor over a run of tokens. */
struct cur {
    const struct tok *t;
    size_t n, i;
};

/* ---- what the words of intents/values.words mean (vocab.h) ---- */

enum det { DET_THIS = 1, DET_NEXT, DET_LAST };

enum unit { UNIT_WEEK = 1, UNIT_MONTH, UNIT_QUARTER, UNIT_YEAR };

enum rel { REL_TODAY = 1, REL_KAL, REL_TOMORROW, REL_PARSON, REL_YESTERDAY };

enum tw { TW_MORNING = 1, TW_NOON, TW_AFTERNOON, TW_EVENING, TW_NIGHT };

enum frac { FRAC_SAWA = 1, FRAC_SAADHE, FRAC_PAUNE, FRAC_DEDH, FRAC_DHAI };

bool vt_is_digit(char c);

/* Cuts s into tokens; trailing sentence punctuation is left out. RB_EPARSE
 * when nothing is left or there are more than MAX_TOKS. */
int vt_tokenize(struct str s, struct toks *tk);

bool vt_tok_is(const struct tok *t, const char *w);

bool vt_tok_in(const struct tok *t, const char *const *list);

/* The value of t in tab, -1 when it is not there. */
int vt_tok_val(const struct tok *t, const struct vocab_word *tab);

/* A NUM token of 1..maxdigits plain digits. */
bool vt_tok_uint(const struct tok *t, size_t maxdigits, int *out);

/* True when the n tokens are exactly the words of phrase (space-separated). */
bool vt_toks_match(const struct tok *t, size_t n, const char *phrase);

/* The index of the first phrase in list that the tokens are, -1 if none. */
int vt_toks_match_any(const struct tok *t, size_t n, const char *const *list);

const struct tok *vt_cur_peek(const struct cur *c);

bool vt_cur_accept(struct cur *c, const char *w);

bool vt_cur_accept_in(struct cur *c, const char *const *list);

/* The value of the next token in tab (and moves past it), -1 otherwise. */
int vt_cur_val(struct cur *c, const struct vocab_word *tab);

bool vt_cur_end(const struct cur *c);

/* "15", "15th", "15 th": a day of the month; *ordinal says a suffix came. */
bool vt_cur_day(struct cur *c, int *d, bool *ordinal);

/* A four-digit year. Two-digit years are read only in numeric dates, so
 * that "15 march 20" can be a date and a time. */
bool vt_cur_year4(struct cur *c, int *y);

/* Splits a NUM token at its separators (all the same one, from seps) into
 * at most 3 parts; *np parts, digits[i] digits each. */
bool vt_num_parts(const struct tok *t, const char *seps, int part[3], size_t digits[3], size_t *np);

#endif
