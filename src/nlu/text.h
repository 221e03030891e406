/*
 * text.h - normalizing staff text and telling its language. Pure.
 *
 * The pipeline (reference/urdu-text.md §1): UTF-8 validation, NFKC
 * (libunistring), Urdu letter variants folded to one form (ي/ى→ی, ك→ک,
 * ه→ہ where it matters, ۃ, hamza carriers as documented), harakat, tatweel,
 * zero-width and direction marks removed, Urdu/Arabic-Indic digits to ASCII,
 * Urdu punctuation mapped (؟→? ،→, ۔→.), dashes/quotes unified, white space
 * collapsed, case folded (Latin). Emoji are kept.
 *
 * The result is a matching key, not text to show or store. In detail:
 *   - heh: ه, ہ and ھ all become ہ (choice (b) of the reference), so بھی is
 *     بہی in the key. Patterns must be folded the same way: text_fold_pattern.
 *   - ي ى ې → ی; ك ڪ → ک; ة → ۃ; ۀ ۂ ە → ہ; أ إ ٱ ٲ ٳ → ا; آ is kept;
 *     ئ → ی, ؤ → و, ۓ → یے; left-over hamza marks are dropped.
 *   - ZWNJ and ZWSP become a space; ZWJ, LRM, RLM, ALM, bidi controls, BOM,
 *     variation selectors and other default-ignorable code points are dropped,
 *     except inside an emoji sequence (ZWJ between pictographs, FE0F, skin
 *     tones and tags after one stay, so 👍🏽 and 👨‍👩‍👧 come out as they went in).
 *   - a keycap (4️⃣) becomes its digit.
 *   - runs of three or more of the same ASCII letter become one (kyaaa → kya).
 */
#ifndef RB_NLU_TEXT_H
#define RB_NLU_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/lang.h"
#include "core/str.h"

/* True when s is well-formed UTF-8 with no NUL bytes. */
bool text_utf8_valid(const char *s, size_t len);

/*
 * Appends the normalized form of s to out. RB_EPARSE on invalid UTF-8 (out
 * untouched), RB_ETOOBIG past out's ceiling, RB_ENOMEM.
 */
RB_MUST_CHECK int text_normalize(const char *s, size_t len, struct buf *out);

/* Where one byte of a key came from: bytes [start, end) of the original. */
struct text_span {
    uint32_t start, end;
};

/*
 * text_normalize that also says where each key byte came from, so that
 * slots the contract wants "as written" (name, text) can be cut from the
 * original. For the i-th byte this call appends to out, one struct
 * text_span is appended to map (as raw bytes; read them with
 * text_map_span). On failure out and map are both left as they were.
 * RB_ETOOBIG also when len does not fit in 32 bits.
 */
RB_MUST_CHECK int text_normalize_map(const char *s, size_t len, struct buf *out, struct buf *map);

/*
 * The original bytes [*from, *to) behind key bytes [key_from, key_to), the
 * key offsets counted from the first byte text_normalize_map appended.
 * Requires key_from < key_to <= number of spans in map.
 */
void text_map_span(const struct buf *map, size_t key_from, size_t key_to, size_t *from, size_t *to);

/*
 * Appends a PCRE2 pattern with the same per-character fold applied to its
 * non-ASCII characters (NFKC, letter variants, marks dropped, digits and
 * Urdu punctuation to ASCII), so a pattern written as بھیجو matches the key
 * of بھیجو. ASCII is copied as it is (regex syntax is ASCII); a non-ASCII
 * character that folds to ? . or - comes out escaped (\? \. \-). Errors as
 * text_normalize.
 */
RB_MUST_CHECK int text_fold_pattern(const char *s, size_t len, struct buf *out);

/*
 * Word iteration over a key (or any UTF-8): sets *word to the next run of
 * letters, marks and digits, moves the cursor past it and returns true;
 * false at the end. Anything else (space, punctuation, emoji, invalid
 * bytes) separates words. *word borrows from the cursor's text.
 */
bool text_next_word(struct str *cursor, struct str *word);

/*
 * The words of s (normalized; punctuation, emoji and spacing dropped)
 * joined by single spaces, appended to out: "STOP!!" and "stop" read the
 * same. Errors as text_normalize.
 */
RB_MUST_CHECK int text_words(const char *s, size_t len, struct buf *out);

/*
 * The index of the phrase in phrases (NULL-terminated, written as people
 * write them) whose words are exactly the words of s, or -1. A message of
 * no words at all ("👍", "...") matches an empty phrase "". Meant for short
 * whole-message keywords (STOP, salam, shukriya): s over 80 bytes is -1.
 */
int text_phrase_index(const char *s, size_t len, const char *const *phrases);

/*
 * The language of a message: LANG_UR when most letters are Arabic-script,
 * otherwise LANG_ROMAN_UR or LANG_EN by the Roman Urdu words it uses.
 * Works on raw or normalized text.
 */
enum lang text_lang(const char *s, size_t len);

/*
 * text_lang, but fallback (the sender's usual language) when the message
 * says nothing about it: no letters at all (digits, emoji) or only "ok".
 * text_lang(s, len) is text_lang_or(s, len, LANG_EN).
 */
enum lang text_lang_or(const char *s, size_t len, enum lang fallback);

/* How many letters of the Arabic script (Urdu's) s has. */
size_t text_arabic_letters(const char *s, size_t len);

#endif
