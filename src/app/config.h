/*
 * config.h - config/rabta.conf as an immutable snapshot.
 *
 * The file is INI-like: `[section]` lines, `key = value` lines, `#` comments.
 * Repeated sections ([hall], [staff]) make lists. Keys come from one table in
 * config.c (name, type, default, bounds); loading collects every error as
 * "file:line: message" into err rather than stopping at the first.
 * Secrets never live here: they come from the environment (app.h).
 */
#ifndef RB_APP_CONFIG_H
#define RB_APP_CONFIG_H

#include <stddef.h>

#include "core/buf.h"

struct hall_conf {
    char *name;      /* "Grand Hall" */
    char **aliases;  /* other ways staff write it ("grand", "main hall"), may be empty */
    size_t naliases;
    int capacity;    /* guests */
};

struct slot_conf {
    char *name; /* lunch, dinner, full_day */
    int start_min, end_min; /* minutes after midnight */
};

struct staff_conf {
    char *name;
    char *phone; /* E.164 */
    char *role;  /* owner, sales, finance, admin */
    char *lang;  /* ur, roman_ur, en */
};

struct lead_field_map {
    char *full_name, *phone, *event_date, *guests, *campaign;
};

struct config {
    char *path;
    char *venue_name;
    char *venue_city;
    char *time_zone;     /* "Asia/Karachi" */
    int country_code;    /* 92 */
    char *phone_number_id;
    char *display_phone;
    struct hall_conf *halls;
    size_t nhalls;
    struct slot_conf *slots;
    size_t nslots;
    struct staff_conf *staff;
    size_t nstaff;
    /* [thresholds] */
    int stale_reminder_hours;   /* 24 */
    int escalate_hours;         /* 48 */
    int quote_followup_days;    /* 3 */
    int pending_question_min;   /* 30 */
    int window_hours;           /* 24: WhatsApp customer service window */
    /* [whatsapp] */
    char *greeting_template;      /* approved template for greetings */
    char *notify_template;        /* template for staff outside the window */
    char *reengage_template;      /* template for clients outside the window */
    char *template_lang;          /* "ur" */
    int rate_per_second;          /* per phone_number_id, 80 */
    int pair_min_interval_ms;     /* per recipient pacing, 6000 */
    /* [workers] */
    int workers;                  /* 4 */
    int poll_ms;                  /* polling fallback, 1000 */
    int send_timeout_ms;          /* 10000 */
    int connect_timeout_ms;       /* 3000 */
    int max_attempts;             /* before an outbox row is failed, 12 */
    /* [gemini] */
    int gemini_timeout_ms;        /* 4000 */
    double gemini_min_rules_confidence; /* below this, ask Gemini: 0.75 */
    /* [meta_leads] */
    struct lead_field_map lead_fields;
    /* [assignment] */
    int big_event_guests;         /* 0 = off; above this, big_event_staff */
    char *big_event_staff;
    char *meta_staff;             /* leads from Meta to this person, NULL = round-robin */
    /* [payments]: the milestone plan made on BOOKED (final = the rest) */
    int pay_advance_pct;          /* 30 % of the agreed amount */
    int pay_advance_days;         /* due this many days after booking, 0 */
    int pay_mid_pct;              /* 40 % */
    int pay_mid_days;             /* due this many days before the event, 30 */
    int pay_final_days;           /* the rest, this many days before the event, 7 */
    int pay_poll_seconds;         /* open bookings read back from invoicing, 900 */
};

/* Loads path into a new snapshot. On any error returns RB_EPARSE (or
 * RB_ENOMEM) with every problem appended to err, one per line. */
RB_MUST_CHECK int config_load(const char *path, struct config **out, struct buf *err);
/* Frees a snapshot; accepts NULL. */
void config_free(struct config *c);
/* The hall whose name or alias is s (case-insensitive), NULL if none. */
const struct hall_conf *config_find_hall(const struct config *c, const char *s);

#endif
