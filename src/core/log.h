/*
 * log.h - one line per event, key=value, to stderr.
 *
 *   ts=2026-03-14T10:22:05.123Z level=info event=webhook.accepted req=7f3a09c1 msgs=3
 *
 * `event` is a dotted past-tense name; the format string supplies the rest of
 * the fields. Values that come from outside must go through log_q() (quoted,
 * escaped) — never raw. Each line is written with one write(2), so lines from
 * several threads never interleave. Debug lines cost one comparison when off.
 */
#ifndef RB_LOG_H
#define RB_LOG_H

#include <stddef.h>

#include "core/err.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

extern enum log_level log_min_level;

void log_set_level(enum log_level level);
/* Parses "debug"/"info"/"warn"/"error"; returns -1 for anything else. */
int log_level_parse(const char *s);

RB_PRINTF(3, 4) void log_emit(enum log_level level, const char *event, const char *fmt, ...);

#define log_event(level, event, ...)                                                               \
    do {                                                                                           \
        if ((level) >= log_min_level) {                                                            \
            log_emit((level), (event), __VA_ARGS__);                                               \
        }                                                                                          \
    } while (0)

/*
 * log_q formats s (len bytes, or up to NUL when len is (size_t)-1) as a
 * quoted, escaped log value into a thread-local ring of buffers, cut at 200
 * bytes. The pointer is borrowed: valid until 8 more log_q calls on this
 * thread. Use with %s.
 */
const char *log_q(const char *s, size_t len);
/* The last four digits of a phone, "...4567", for logs (never a full phone). */
const char *log_phone(const char *phone);

#endif
