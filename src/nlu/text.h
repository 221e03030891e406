/*
 * text.h - normalizing staff text and telling its language. Pure.
 *
 * The pipeline (reference/urdu-text.md §1): UTF-8 validation, NFKC
 * (libunistring), Urdu letter variants folded to one form (ي/ى→ی, ك→ک,
 * ه→ہ where it matters, ۃ, hamza carriers as documented), harakat, tatweel,
 * zero-width and direction marks removed, Urdu/Arabic-Indic digits to ASCII,
 * Urdu punctuation mapped (؟→? ،→, ۔→.), dashes/quotes unified, white space
 * collapsed, case folded (Latin). Emoji are kept.
 */
#ifndef RB_NLU_TEXT_H
#define RB_NLU_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

enum lang { LANG_UR = 0, LANG_ROMAN_UR = 1, LANG_EN = 2 };

/* True when s is well-formed UTF-8 with no NUL bytes. */
bool text_utf8_valid(const char *s, size_t len);

/*
 * Appends the normalized form of s to out. RB_EPARSE on invalid UTF-8 (out
 * untouched), RB_ETOOBIG past out's ceiling, RB_ENOMEM.
 */
RB_MUST_CHECK int text_normalize(const char *s, size_t len, struct buf *out);

/*
 * The language of a message: LANG_UR when most letters are Arabic-script,
 * otherwise LANG_ROMAN_UR or LANG_EN by the Roman Urdu words it uses.
 * Works on raw or normalized text.
 */
enum lang text_lang(const char *s, size_t len);

/* "ur", "roman_ur", "en". */
const char *lang_name(enum lang l);
/* Parses a lang_name; RB_EINVAL otherwise. */
RB_MUST_CHECK int lang_parse(const char *s, enum lang *out);

#endif
