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

#include "app/sequences.h"
#include "core/buf.h"

struct hall_conf {
    char *name;     /* "Grand Hall" */
    char **aliases; /* other ways staff write it ("grand", "main hall"), may be empty */
    size_t naliases;
    int capacity; /* guests */
};

struct slot_conf {
    char *name;             /* lunch, dinner, full_day */
    int start_min, end_min; /* minutes after midnight */
};

struct staff_conf {
    char *name;
    char *phone; /* E.164 */
    char *role;  /* owner, sales, finance, admin */
    char *lang;  /* ur, roman_ur, en */
};

/* [templates]: "name = lang: p1, p2" (see templates.h). */
struct template_decl {
    char *name;
    char *lang;
    char **params;
    size_t nparams;
    int line;
};

struct lead_field_map {
    char *full_name, *phone, *event_date, *guests, *campaign;
};

struct config {
    char *path;
    char *venue_name;
    char *venue_city;
    char *time_zone;  /* "Asia/Karachi" */
    int country_code; /* 92 */
    char *phone_number_id;
    char *display_phone;
    struct hall_conf *halls;
    size_t nhalls;
    struct slot_conf *slots;
    size_t nslots;
    struct staff_conf *staff;
    size_t nstaff;
    /* [thresholds] */
    int stale_reminder_hours; /* 24 */
    int escalate_hours;       /* 48 */
    int quote_followup_days;  /* 3 */
    int pending_question_min; /* 30 */
    int window_hours;         /* 24: WhatsApp customer service window */
    /* [whatsapp] */
    char *greeting_template;  /* approved template for greetings */
    char *notify_template;    /* template for staff outside the window */
    char *reengage_template;  /* template for clients outside the window */
    char *template_lang;      /* "ur" */
    int rate_per_second;      /* per phone_number_id, 80 */
    int pair_min_interval_ms; /* per recipient pacing, 6000 */
    /* [workers] */
    int workers;            /* 4 */
    int poll_ms;            /* polling fallback, 1000 */
    int send_timeout_ms;    /* 10000 */
    int connect_timeout_ms; /* 3000 */
    int max_attempts;       /* before an outbox row is failed, 12 */
    int event_retry_ms;     /* a failed event's first retry, doubling: 1000 */
    int job_retry_ms;       /* a failed job's first retry, doubling: 2000 */
    /* [gemini] */
    int gemini_timeout_ms;              /* 4000 */
    double gemini_min_rules_confidence; /* below this, ask Gemini: 0.75 */
    /* [meta_leads] */
    struct lead_field_map lead_fields;
    /* [assignment] */
    int big_event_guests; /* 0 = off; above this, big_event_staff */
    int reopen_hours;     /* a LOST lead closed this recently reopens; 0 = never */
    char *big_event_staff;
    char *meta_staff; /* leads from Meta to this person, NULL = round-robin */
    /* [templates] */
    struct template_decl *templates;
    size_t ntemplates;
    /* [report] */
    char *report_public_url;     /* the page's address in links: "http://127.0.0.1:8080" */
    char *report_money_grouping; /* "lakh" (8,00,000) or "thousands" (800,000) */
    char *report_currency;       /* "Rs" */
    char *report_digest_day;     /* monday ... sunday, or "off" */
    char *report_digest_time;    /* "09:00" local */
    int report_digest_min;       /* report_digest_time in minutes after midnight */
    /* [payments]: the milestone plan made on BOOKED (final = the rest) */
    int pay_advance_pct;  /* 30 % of the agreed amount */
    int pay_advance_days; /* due this many days after booking, 0 */
    int pay_mid_pct;      /* 40 % */
    int pay_mid_days;     /* due this many days before the event, 30 */
    int pay_final_days;   /* the rest, this many days before the event, 7 */
    int pay_poll_seconds; /* open bookings read back from invoicing, 900 */
    /* [reminders]: payment reminders (handlers/reminders.c) */
    char *rem_clients;     /* "yes": clients are reminded too; "no" */
    char *rem_quiet_start; /* "22:00" venue time: staff pings wait ... */
    char *rem_quiet_end;   /* "09:00" ... until this */
    int rem_quiet_start_min, rem_quiet_end_min;
    int rem_owner_days;     /* overdue more than this: the owner, 7 */
    char *rem_owner_urgent; /* "yes": the owner's escalations skip quiet hours */
    /* [sequence NAME]: nurture sequences */
    struct seq_conf *seqs;
    size_t nseqs;
};

/* Loads path into a new snapshot. On any error returns RB_EPARSE (or
 * RB_ENOMEM) with every problem appended to err, one per line. */
RB_MUST_CHECK int config_load(const char *path, struct config **out, struct buf *err);
/* Like config_load, but on RB_EPARSE *out still holds what could be read
 * (bad values keep their defaults; free it), so that the intents and prompts
 * can be checked in the same run and every problem listed together. */
RB_MUST_CHECK int config_load_best(const char *path, struct config **out, struct buf *err);
/*
 * The keys that differ between old and new and that only a restart applies
 * ([workers] count: the threads and the store's pool; [venue]
 * phone_number_id: the venue the store knows), appended to out as
 * "section.key" separated by ", ". Returns how many. Every other key applies
 * on reload.
 */
int config_restart_keys(const struct config *old, const struct config *new, struct buf *out);
/* Frees a snapshot; accepts NULL. */
void config_free(struct config *c);
/* The declaration of template name, NULL if none. */
const struct template_decl *config_find_template(const struct config *c, const char *name);
/* The hall whose name or alias is s (case-insensitive), NULL if none. */
const struct hall_conf *config_find_hall(const struct config *c, const char *s);

#endif
