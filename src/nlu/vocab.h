/*
 * vocab.h - the words the value parsers (values.h) and the language guess
 * (text_lang) read: month and weekday names, relative days, number words,
 * multipliers, time words, slot and milestone words, the Roman Urdu and
 * English markers ... The lists live in the admin-editable `.words` files of intents/
 * files; C keeps only what each list means.
 *
 * A `.words` file has one list entry per line (`#` comments, blank lines):
 *
 *     LIST VALUE: word | word | two words
 *     LIST: word | word
 *
 * LIST is one of the names of vocab.c's table (month, weekday, rel ...);
 * VALUE is a number (month 1..12, number 0..999 ...) or a symbol of that
 * list (weekday monday, rel kal, slot dinner ...); lists without values
 * take none. Words are folded as a message's key is (text_normalize), so
 * Urdu may be written as typed (بدھ). More lines of one list add to it.
 *
 * A set is owned by whoever loaded it (the intents set). The parsers read
 * vocab_current(): the set the calling thread named with vocab_use (the
 * matcher names its own for each parse), else the one vocab_install made
 * the process's default (the newest loaded rule set), else an empty set.
 */
#ifndef RB_NLU_VOCAB_H
#define RB_NLU_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

enum vocab_id {
    VOC_MONTH,         /* 1..12 */
    VOC_WEEKDAY,       /* monday..sunday: 0..6 */
    VOC_DET,           /* this next last */
    VOC_UNIT,          /* week month quarter year */
    VOC_REL,           /* today kal tomorrow parson yesterday */
    VOC_KO,            /* "ko" after a date */
    VOC_APPROX,        /* "around 7" */
    VOC_TAREEKH,       /* "15 tareekh" */
    VOC_ORDINAL,       /* "15 th" */
    VOC_DAY_WORD,      /* a day of the month in words: 1..31 */
    VOC_RANGE_SEP,     /* "10 se 15" */
    VOC_RANGE_END,     /* "... tak" */
    VOC_TIMEWORD,      /* morning noon afternoon evening night */
    VOC_BAJE,          /* "4 baje" */
    VOC_FRAC,          /* sawa saadhe paune dedh dhai */
    VOC_NUMBER,        /* number words, 0..999 */
    VOC_TENS,          /* English tens that take a unit after them */
    VOC_UNITS,         /* the units they take */
    VOC_MULTIPLIER,    /* rupees per unit: hazar 1000, lakh 100000 ... */
    VOC_CURRENCY,      /* rs, rupay ... */
    VOC_AND_HALF,      /* "one and a half lakh" */
    VOC_GUEST,         /* guests, log, mehman ... */
    VOC_DELAY_PRE,     /* "after 2 days" */
    VOC_DELAY_POST,    /* "2 din baad" */
    VOC_DELAY_KE,      /* "2 din ke baad" */
    VOC_DELAY_DAY,     /* day, din ... */
    VOC_DELAY_HOUR,    /* hours, ghante ... in a delay from now */
    VOC_DELAY_MINUTE,  /* minutes, mins ... */
    VOC_DELAY_HALF,    /* "aadhe ghante baad": half (an hour) */
    VOC_DELAY_NOW,     /* "abhi 2 ghante baad": a word before a delay from now */
    VOC_SLOT,          /* lunch dinner full_day */
    VOC_SLOT_SUFFIX,   /* "dinner time" */
    VOC_MILESTONE,     /* advance mid final */
    VOC_MS_SUFFIX,     /* "final payment" */
    VOC_YTD,           /* phrases for ytd */
    VOC_QUARTER,       /* quarter ordinals 1..4 */
    VOC_PERIOD_BEFORE, /* a compare period: "the month before" the period */
    VOC_LAST_YEAR,     /* "december last year": that month of last year */
    VOC_WHEN_GLUE,     /* "on friday at 5": words a date and time may carry */
    VOC_TONIGHT,       /* "tonight": today, at night */
    VOC_NOON,          /* "noon": 12 o'clock */
    VOC_ROMAN,         /* words that mark Roman Urdu */
    VOC_ENGLISH,       /* words that mark English */
    VOC_HALF,          /* number words: half a Roman Urdu vote */
    VOC_NEUTRAL,       /* words that say nothing of the language */
    VOC_CLOCK_FRAC,    /* "half past", "quarter to": sawa, saadhe, paune of a clock hour */
    VOC_COUNT
};

/* One word of a list and its value (0 for lists without values). */
struct vocab_word {
    const char *w;
    int v;
};

struct vocab;

/* A new, empty set; NULL when out of memory. */
struct vocab *vocab_new(void);

/* Frees a set (NULL is fine). A set still installed is uninstalled first. */
void vocab_free(struct vocab *v);

/*
 * Reads the lines of one `.words` file (text, len; file names it in the
 * messages) into v. Each problem is appended to err as "file:line:
 * message\n" and counted in *nerr. Returns RB_ENOMEM, else RB_OK.
 */
RB_MUST_CHECK int vocab_add_text(struct vocab *v, const char *file, const char *text, size_t len,
                                 struct buf *err, int *nerr);

/*
 * Finishes a set once every file is read: sorts the marker lists and
 * appends "dir: message\n" to err (counting in *nerr) for every list left
 * empty. Returns RB_ENOMEM, else RB_OK.
 */
RB_MUST_CHECK int vocab_finish(struct vocab *v, const char *dir, struct buf *err, int *nerr);

/*
 * A new set from every `.words` file of dir, in name order, finished
 * (vocab_finish): what the rule loader does, for a program or test that
 * reads values without the rules. On RB_EPARSE the problems are in err and
 * *out is NULL; RB_ENOTFOUND when dir cannot be read.
 */
RB_MUST_CHECK int vocab_load_dir(const char *dir, struct vocab **out, struct buf *err);

/* The set the value parsers of this thread read until the next call (NULL:
 * the installed one); returns the one it replaces. */
const struct vocab *vocab_use(const struct vocab *v);

/* Makes v the process's default set (the newest loaded rules). */
void vocab_install(const struct vocab *v);

/* What the parsers read now (never NULL: an empty set when none). */
const struct vocab *vocab_current(void);

/* List id of the current set, ended by {NULL, 0}. */
const struct vocab_word *vocab_list(enum vocab_id id);

/* The same words as a NULL-terminated array of strings. */
const char *const *vocab_words(enum vocab_id id);

/* The name of list id in the files ("month", "period_before"). */
const char *vocab_list_name(enum vocab_id id);

/* True when the word w (len bytes, compared without ASCII case) is in the
 * sorted list id (VOC_ROMAN, VOC_ENGLISH); for the language guess. */
bool vocab_has_sorted(enum vocab_id id, const char *w);

#endif
