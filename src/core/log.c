#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

enum log_level log_min_level = LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
    log_min_level = level;
}

int log_level_parse(const char *s)
{
    size_t i;

    for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (s && strcmp(s, level_names[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}

void log_emit(enum log_level level, const char *event, const char *fmt, ...)
{
    char line[4096];
    struct timeval tv;
    struct tm tm;
    va_list ap;
    int n, m;

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    n = snprintf(line, sizeof(line), "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ level=%s event=%s",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(tv.tv_usec / 1000), level_names[level], event);
    if (n < 0 || (size_t)n >= sizeof(line) - 2) {
        return;
    }
    if (fmt && fmt[0]) {
        line[n++] = ' ';
        va_start(ap, fmt);
        m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
        va_end(ap);
        if (m > 0) {
            n += m;
        }
        if ((size_t)n > sizeof(line) - 2) {
            n = (int)sizeof(line) - 2;
        }
    }
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* nowhere left to report it */
    }
}

#define LOG_Q_RING 8
#define LOG_Q_MAX 200

const char *log_q(const char *s, size_t len)
{
    static _Thread_local char ring[LOG_Q_RING][LOG_Q_MAX * 4 + 8];
    static _Thread_local unsigned next;
    char *out = ring[next++ % LOG_Q_RING];
    struct buf b;
    size_t cut;

    if (!s) {
        return "\"\"";
    }
    if (len == (size_t)-1) {
        len = strlen(s);
    }
    cut = len > LOG_Q_MAX ? LOG_Q_MAX : len;
    buf_init(&b, LOG_Q_MAX * 4 + 4);
    if (buf_add_logval(&b, s, cut) == RB_OK) {
        memcpy(out, b.p, b.len + 1);
    } else {
        strcpy(out, "\"?\"");
    }
    buf_release(&b);
    return out;
}

const char *log_phone(const char *phone)
{
    static _Thread_local char ring[LOG_Q_RING][16];
    static _Thread_local unsigned next;
    char *out = ring[next++ % LOG_Q_RING];
    size_t n;

    if (!phone || !phone[0]) {
        return "none";
    }
    n = strlen(phone);
    snprintf(out, 16, "...%s", n > 4 ? phone + n - 4 : phone);
    return out;
}
