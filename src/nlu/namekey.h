/*
 * namekey.h - one comparison key for a person's name, whether it is written
 * in Urdu script or in Roman letters, so "زینب", "Zainab" and "Zaynab" are
 * the same lead. Pure.
 *
 * Each word becomes its consonant skeleton: Urdu letters are read as the
 * Latin consonants staff would type (ش "sh", خ "kh", ق and ک "k", ث ص س "s",
 * ذ ز ض ظ "z", ط ت ٹ "t" ...), short and long vowels are dropped (Urdu
 * writes few of them, Roman spelling varies: zainab/zaynab, ayesha/aisha),
 * و and ی count as w and y only at the start of a word, a doubled consonant
 * is one, and a word that ends in a vowel keeps its kind (A for a/ا/ہ,
 * I for i/e/y/ی/ے, U for o/u/و), so Ali and Alia stay apart. Words are
 * joined by one space. Anything that is not a letter separates words.
 *
 * Names that differ only in their vowels share a key (Hassan and Hussain,
 * Muhammad and Mehmood, Sana and Sania): a lookup that finds both offers a
 * numbered choice, and an exact spelling is preferred by the caller.
 */
#ifndef RB_NLU_NAMEKEY_H
#define RB_NLU_NAMEKEY_H

#include <stdbool.h>

#include "core/buf.h"

/* Appends the key of name to out (empty when it has no letters).
 * RB_EPARSE on invalid UTF-8, RB_ENOMEM / RB_ETOOBIG from out. */
RB_MUST_CHECK int name_key(const char *name, struct buf *out);

/* True when name has query's key, or query's key is its first word(s)
 * ("Zainab" finds "زینب بی بی"). A query without letters matches nothing. */
bool name_key_match(const char *query, const char *name);

#endif
