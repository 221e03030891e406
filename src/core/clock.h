/*
 * clock.h - civil dates and times, and the one place that reads the clock.
 *
 * struct rb_date / rb_datetime are plain values in the venue's local time.
 * Date arithmetic is pure (proleptic Gregorian, days since 1970-01-01).
 * The venue time zone is the process TZ, set once in main before any thread
 * starts (clock_set_zone); local/UTC conversions use localtime_r/mktime.
 */
#ifndef RB_CLOCK_H
#define RB_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct rb_date {
    int y, m, d; /* m 1..12, d 1..31 */
};

struct rb_datetime {
    struct rb_date date;
    int hour, min; /* local time */
};

bool date_valid(struct rb_date d);
int date_days_in_month(int y, int m);
/* Days since 1970-01-01 (negative before). */
int64_t date_to_days(struct rb_date d);
struct rb_date date_from_days(int64_t days);
struct rb_date date_add_days(struct rb_date d, int days);
/* 0 = Monday ... 6 = Sunday. */
int date_weekday(struct rb_date d);
int date_cmp(struct rb_date a, struct rb_date b);
/* "YYYY-MM-DD" into out[11]. */
void date_format(struct rb_date d, char out[11]);
/* "YYYY-MM-DDTHH:MM" into out[17]. */
void datetime_format(struct rb_datetime t, char out[17]);
/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a trailing
 * zone is ignored). RB_EPARSE for anything else or an impossible date. */
RB_MUST_CHECK int datetime_parse(const char *s, struct rb_datetime *out);

/* Sets the process time zone (e.g. "Asia/Karachi"); call before threads. */
void clock_set_zone(const char *zone);
/* Wall clock, milliseconds since the epoch (UTC). */
int64_t clock_now_ms(void);
/*
 * TEST ONLY: seconds the scheduler tick's clock runs ahead of the wall
 * clock, from RABTA_CLOCK_OFFSET_S (read once; may be negative), so tests
 * let days pass in seconds. Honoured in test builds (RB_DEBUG) and when
 * allowed (the sandbox); 0 otherwise, and always in a live release build.
 */
int64_t clock_test_offset_s(bool allowed);
/* Monotonic milliseconds, for durations. */
int64_t clock_mono_ms(void);
/* The local date and time of the Unix time t. */
struct rb_datetime clock_local(int64_t unix_s);
/* The Unix time of a local date and time. */
int64_t clock_from_local(struct rb_datetime t);

#endif
