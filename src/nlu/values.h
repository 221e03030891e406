/*
 * values.h - parsers from what people write to the canonical slot forms of
 * INTENTS.md. Pure: the clock comes in through struct nlu_now.
 *
 * Every parser takes a slice of NORMALIZED text (text_normalize: ASCII
 * digits, folded case, unified Urdu letters), returns RB_OK and fills its
 * out-parameters only when the WHOLE slice is one value of that kind
 * (surrounding white space and trailing . ? ! , ; allowed), RB_EPARSE
 * otherwise. Nothing is allocated. Urdu words are matched in their key form
 * (text.h: ھ → ہ, ئ → ی), so a slice must come from a key, not the original.
 */
#ifndef RB_NLU_VALUES_H
#define RB_NLU_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/str.h"

struct nlu_now {
    struct rb_datetime now; /* local time of the message */
    int country_code;       /* default calling code, 92 for Pakistan */
    bool past;              /* a question about the past (reports): kal = yesterday */
};

/*
 * A date or a range: "15 March", "15th march", "March 15", "15/3", "15-03-2026",
 * "15 مارچ", "aaj/kal/parson", weekday names (three scripts), "hafte ko"
 * (Saturday), "is hafte"/"this week", "agle hafte"/"next week",
 * "agle mahine"/"next month". For a range *to is its last day and *is_range
 * is true; for a single day *to == *from and *is_range is false.
 *
 * Readings (INTENTS.md): a weekday is its next occurrence after today (on a
 * Friday, "friday" is a week away; "last friday"/"pichle jumme" the one
 * before); day+month without a year is the next such date on or after
 * today, and 29 February then the next leap day; 31 February is RB_EPARSE.
 * kal/parson look back one/two days when ctx->past; English "tomorrow"
 * and "yesterday" never flip. Also taken: "15th" or "15 tareekh" alone (the
 * next such day of a month), "pichle hafte"/"last week", "is mahine"
 * (today to month end), "last month", and explicit ranges "10 se 15 april
 * tak", "15 to 20 march", "15-20 march".
 */
RB_MUST_CHECK int value_date(struct str s, const struct nlu_now *ctx, struct rb_date *from,
                             struct rb_date *to, bool *is_range);

/*
 * A date with a time: "kal 4 baje", "Friday 11am", "15 March sham 6 baje",
 * "16:30" (today, or tomorrow when already past), "subah 10". A date alone
 * ("kal", "kal sham") is RB_EPARSE: the hour is required. raat with an hour
 * after midnight is the night that begins on the date named ("kal raat 2
 * baje" is the day after tomorrow, 02:00).
 */
RB_MUST_CHECK int value_when(struct str s, const struct nlu_now *ctx, struct rb_datetime *out);

/* A time of day alone: "4 baje" (16:00), "sham 6", "11am", "16:30", "sawa 4"
 * (16:15), "paune 8" (07:45), "dedh baje" (13:30). Bare hours 1-7 are
 * 13:00-19:00, 8-11 morning, 12 noon; am/pm, then a time word, decide first. */
RB_MUST_CHECK int value_time(struct str s, int *hour, int *min);

/* Integer rupees: "8 lakh", "2.5 lac", "8,00,000", "50k", "50 hazar",
 * "1 crore", "Rs. 350,000", "Rs 350000/-", "1 crore 20 lakh", "dhai lakh".
 * RB_EPARSE for zero, for paisa ("1,250.50"), for a comma grouping that is
 * neither 8,00,000 nor 800,000 ("2,5 lakh"), and for a grouped number with
 * a multiplier ("8,00,000 lakh"). */
RB_MUST_CHECK int value_amount(struct str s, int64_t *rupees);

/* A guest count: "300", "300 guests", "300 log", "300 mehman". */
RB_MUST_CHECK int value_guests(struct str s, int64_t *count);

/* A phone to E.164 ("+923001234567"): "0300-1234567", "03001234567",
 * "+92 300 1234567", "0092...", "3001234567". out holds 20 bytes. For the
 * home country (92: 10 national digits) a wrong length is RB_EPARSE; a
 * foreign "+..." or "00..." number with 8-15 digits is kept as given.
 * RB_EINVAL when country_code is not 1..999. */
RB_MUST_CHECK int value_phone(struct str s, int country_code, char out[20]);

/* "lunch"/"dopahar" → "lunch"; "dinner"/"raat"/"shaam"/"evening"/"night" →
 * "dinner"; "full day"/"poora din" → "full_day". *canon is static. */
RB_MUST_CHECK int value_slot(struct str s, const char **canon);

/* "advance"/"beyana"/"token" → "advance"; "mid"/"second" → "mid";
 * "final"/"last"/"baqi" → "final". *canon is static. */
RB_MUST_CHECK int value_milestone(struct str s, const char **canon);

/*
 * A report period: a month name ("January" → latest such month not in the
 * future, "2026-01"), "Q1 2026" → "2026-Q1", "2025" → "2025", and the named
 * periods today, yesterday, this_week, last_week, this_month, last_month,
 * this_quarter, last_quarter, ytd, last_year. out holds 16 bytes.
 * "march last year" is 2025-03 (asked in 2026); "this year" is ytd; kal is
 * yesterday whatever ctx->past says (a report asks about the past); "next
 * month" and other future periods are RB_EPARSE.
 */
RB_MUST_CHECK int value_period(struct str s, const struct nlu_now *ctx, char out[16]);

#endif
