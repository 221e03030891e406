/*
 * extract.h - facts a client states in passing ("14 feb ko barat hai, 500
 * log"), read from a client's message as data, never as a command.
 *
 * Only unambiguous forms are taken: a date with a number in it ("14 feb",
 * "15/3", "15 مارچ", "15-03-2026"; not "kal" or "Friday", which clients use
 * for when to talk) that is not in the past, and a count followed by a word
 * for guests ("500 log", "300 mehman", "250 guests", "۳۰۰ مہمان"). The first
 * of each wins.
 */
#ifndef RB_NLU_EXTRACT_H
#define RB_NLU_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "nlu/values.h"

struct event_facts {
    bool has_date;
    struct rb_date date;
    int64_t guests; /* 0 when not stated */
};

/* Reads text (raw UTF-8). Invalid UTF-8 or a text over 4 KiB gives no facts. */
void extract_event_facts(const char *text, size_t len, const struct nlu_now *now,
                         struct event_facts *out);

#endif
