/*
 * gemini_internal.h - what the files of the Gemini client share among
 * themselves (gemini_prompt.c, gemini_request.c, gemini_answer.c, gemini.c);
 * not for use outside egress/gemini*.
 */
#ifndef RB_GEMINI_INTERNAL_H
#define RB_GEMINI_INTERNAL_H

#include <stddef.h>

/* The largest prompt file, and the largest staff message sent. */
#define GM_FILE_MAX ((size_t)256 * 1024)

/* A NEW copy of text without control characters other than \n and \t (NULL
 * when out of memory): the staff message as it goes into a request. */
char *gemini_clean_text(const char *text, size_t len);

#endif
