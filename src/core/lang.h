/*
 * lang.h - the three writings Rabta reads and answers in.
 * Pure: no I/O, no globals.
 */
#ifndef RB_LANG_H
#define RB_LANG_H

#include "core/err.h"

enum lang { LANG_UR = 0, LANG_ROMAN_UR = 1, LANG_EN = 2 };

/* "ur", "roman_ur", "en". */
const char *lang_name(enum lang l);
/* Parses a lang_name; RB_EINVAL otherwise. */
RB_MUST_CHECK int lang_parse(const char *s, enum lang *out);

#endif
