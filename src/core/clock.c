#include "core/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m < 1 || m > 12) {
        return 0;
    }
    return (m == 2 && is_leap(y)) ? 29 : days[m - 1];
}

bool date_valid(struct rb_date d)
{
    return d.y >= 1900 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= date_days_in_month(d.y, d.m);
}

/* Howard Hinnant's days_from_civil. */
int64_t date_to_days(struct rb_date d)
{
    int64_t y = d.m <= 2 ? d.y - 1 : d.y;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d.m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct rb_date date_from_days(int64_t z)
{
    struct rb_date r;
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(yoe + era * 400 + (r.m <= 2));
    return r;
}

struct rb_date date_add_days(struct rb_date d, int days)
{
    return date_from_days(date_to_days(d) + days);
}

int date_weekday(struct rb_date d)
{
    int64_t z = date_to_days(d); /* 1970-01-01 was a Thursday (3) */
    int64_t w = (z + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int date_cmp(struct rb_date a, struct rb_date b)
{
    int64_t x = date_to_days(a), y = date_to_days(b);
    return x < y ? -1 : x > y;
}

void date_format(struct rb_date d, char out[11])
{
    char tmp[48];

    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", d.y % 10000, d.m % 100, d.d % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void datetime_format(struct rb_datetime t, char out[17])
{
    char tmp[64];

    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d", t.date.y % 10000, t.date.m % 100,
             t.date.d % 100, t.hour % 100, t.min % 100);
    memcpy(out, tmp, 16);
    out[16] = '\0';
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int datetime_parse(const char *s, struct rb_datetime *out)
{
    struct rb_datetime t = {{0, 0, 0}, 0, 0};
    int sec = 0;

    if (!s || strlen(s) < 10 || !digits(s, 4, &t.date.y) || s[4] != '-' ||
        !digits(s + 5, 2, &t.date.m) || s[7] != '-' || !digits(s + 8, 2, &t.date.d)) {
        return RB_EPARSE;
    }
    if (!date_valid(t.date)) {
        return RB_EPARSE;
    }
    s += 10;
    if (*s == 'T' || *s == ' ') {
        if (strlen(s) < 6 || !digits(s + 1, 2, &t.hour) || s[3] != ':' ||
            !digits(s + 4, 2, &t.min) || t.hour > 23 || t.min > 59) {
            return RB_EPARSE;
        }
        s += 6;
        if (*s == ':' && (!digits(s + 1, 2, &sec) || sec > 60)) {
            return RB_EPARSE;
        }
    } else if (*s) {
        return RB_EPARSE;
    }
    *out = t;
    return RB_OK;
}

/* The zone can change while workers convert times (a reload): TZ is changed
 * with the write side held, conversions hold the read side. */
static pthread_rwlock_t zone_lock = PTHREAD_RWLOCK_INITIALIZER;

void clock_set_zone(const char *zone)
{
    pthread_rwlock_wrlock(&zone_lock);
    if (zone && zone[0]) {
        const char *cur = getenv("TZ");
        if (!cur || strcmp(cur, zone) != 0) {
            setenv("TZ", zone, 1);
        }
    }
    tzset();
    pthread_rwlock_unlock(&zone_lock);
}

int64_t clock_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pthread_once_t offset_once = PTHREAD_ONCE_INIT;
static int64_t offset_s;

static void offset_read(void)
{
    const char *v = getenv("RABTA_CLOCK_OFFSET_S");
    char *end = NULL;
    long long n = v ? strtoll(v, &end, 10) : 0;

    /* at most ten years either way; anything else is ignored */
    offset_s = v && v[0] && end && !*end && n > -315360000 && n < 315360000 ? (int64_t)n : 0;
}

int64_t clock_test_offset_s(bool allowed)
{
#ifdef RB_DEBUG
    allowed = true;
#endif
    if (!allowed) {
        return 0;
    }
    pthread_once(&offset_once, offset_read);
    return offset_s;
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct rb_datetime clock_local(int64_t unix_s)
{
    struct rb_datetime r;
    struct tm tm;
    time_t t = (time_t)unix_s;

    pthread_rwlock_rdlock(&zone_lock);
    localtime_r(&t, &tm);
    pthread_rwlock_unlock(&zone_lock);
    r.date.y = tm.tm_year + 1900;
    r.date.m = tm.tm_mon + 1;
    r.date.d = tm.tm_mday;
    r.hour = tm.tm_hour;
    r.min = tm.tm_min;
    return r;
}

int64_t clock_from_local(struct rb_datetime t)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = t.date.y - 1900;
    tm.tm_mon = t.date.m - 1;
    tm.tm_mday = t.date.d;
    tm.tm_hour = t.hour;
    tm.tm_min = t.min;
    tm.tm_isdst = -1;
    pthread_rwlock_rdlock(&zone_lock);
    time_t r = mktime(&tm);
    pthread_rwlock_unlock(&zone_lock);
    return (int64_t)r;
}
