/*
 * calendar.c - availability.check: per hall and slot of config/rabta.conf,
 * free, tentative (with the lead numbers holding it) or booked; for a date
 * range, the dates with something free.
 *
 * A hold (calendar_holds) without a slot takes the whole day; one without a
 * hall is listed on its own line, since it is not known which hall it takes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/clock.h"
#include "domain/handlers/handlers.h"
#include "nlu/catalog.h"
#include "store/calendar.h"

#define RANGE_MAX_DAYS 62
#define HOLDS_MAX 512

struct hold {
    char date[11];
    const struct hall_conf *hall; /* NULL: hall not chosen */
    const struct slot_conf *slot; /* NULL: the whole day */
    bool confirmed;
    int64_t lead;
};

struct avail {
    struct hctx *h;
    const struct config *cfg;
    struct hold *holds;
    size_t nholds;
    const struct hall_conf *hall_only; /* the hall asked about, or NULL */
    const struct slot_conf *slot_only; /* the slot asked about, or NULL */
    int64_t guests;
};

static const struct slot_conf *slot_by_name(const struct config *c, const char *name)
{
    for (size_t i = 0; name && i < c->nslots; i++) {
        if (strcmp(c->slots[i].name, name) == 0) {
            return &c->slots[i];
        }
    }
    return NULL;
}

static bool overlaps(const struct slot_conf *a, const struct slot_conf *b)
{
    return !a || !b || (a->start_min < b->end_min && b->start_min < a->end_min);
}

static int load_holds(struct avail *a, const char *from, const char *to)
{
    struct store_hold *rows = NULL;
    size_t n = 0;
    int rc = store_holds_between(a->h->x->db, a->h->x->venue_id, from, to, HOLDS_MAX, &rows, &n);

    if (rc) {
        return rc;
    }
    a->holds = calloc(n + 1, sizeof(*a->holds));
    if (!a->holds) {
        store_holds_free(rows, n);
        return RB_ENOMEM;
    }
    for (size_t i = 0; i < n && a->nholds < HOLDS_MAX; i++) {
        struct hold *hd = &a->holds[a->nholds++];
        snprintf(hd->date, sizeof(hd->date), "%s", rows[i].date);
        hd->hall = rows[i].hall ? config_find_hall(a->cfg, rows[i].hall) : NULL;
        hd->slot = slot_by_name(a->cfg, rows[i].slot);
        hd->confirmed = rows[i].confirmed;
        hd->lead = rows[i].lead_id;
    }
    store_holds_free(rows, n);
    return RB_OK;
}

/* Whether hall is shown: the one asked for, and big enough. */
static bool hall_shown(const struct avail *a, const struct hall_conf *hall)
{
    if (a->hall_only && a->hall_only != hall) {
        return false;
    }
    return a->guests <= 0 || hall->capacity <= 0 || hall->capacity >= a->guests;
}

/* Slots shown: the one asked for, else all but full_day (it overlaps the
 * others) unless full_day is the only one. */
static bool slot_shown(const struct avail *a, const struct slot_conf *s)
{
    if (a->slot_only) {
        return a->slot_only == s;
    }
    return strcmp(s->name, "full_day") != 0 || a->cfg->nslots == 1;
}

/* State of (date, hall, slot): 0 free, 1 tentative, 2 booked; lead numbers
 * appended to leads as "#12, #15". */
static int cell_state(const struct avail *a, const char *date, const struct hall_conf *hall,
                      const struct slot_conf *slot, struct buf *leads)
{
    int state = 0;

    for (size_t i = 0; i < a->nholds; i++) {
        const struct hold *hd = &a->holds[i];
        if (strcmp(hd->date, date) != 0 || hd->hall != hall || !overlaps(hd->slot, slot)) {
            continue;
        }
        if (leads) {
            buf_say(leads, "%s#%lld", leads->len ? ", " : "", (long long)hd->lead);
        }
        state = hd->confirmed ? 2 : (state ? state : 1);
    }
    return state;
}

static int cell_line(struct avail *a, const char *date, const struct hall_conf *hall,
                     const struct slot_conf *slot, struct buf *body)
{
    static const char *const keys[] = {"avail_free", "avail_tentative", "avail_booked"};
    char key[32];
    struct buf leads, sname;
    json_t *vars = NULL;
    int rc, state;

    buf_init(&leads, 1024);
    buf_init(&sname, 256);
    state = cell_state(a, date, hall, slot, &leads);
    snprintf(key, sizeof(key), "slot_%s", slot->name);
    rc = render(a->h->x, a->h->lang, key, NULL, &sname);
    vars = rc ? NULL
              : json_pack("{s:s, s:s, s:s}", "hall", hall->name, "slot", sname.p, "leads", leads.p);
    rc = rc ? rc : vars ? buf_addc(body, '\n') : RB_ENOMEM;
    rc = rc ? rc : render(a->h->x, a->h->lang, keys[state], vars, body);
    json_decref(vars);
    buf_release(&leads);
    buf_release(&sname);
    return rc;
}

/* Holds of date with no hall chosen: one line naming their leads, the
 * tentative ones and (older bookings made before a hall was required) the
 * booked ones on a line that says so. */
static int unplaced_line(struct avail *a, const char *date, struct buf *body)
{
    static const char *const keys[] = {"avail_unplaced", "avail_unplaced_booked"};
    struct buf leads;
    json_t *vars;
    int rc = RB_OK;

    buf_init(&leads, 1024);
    for (int booked = 0; !rc && booked < 2; booked++) {
        buf_reset(&leads);
        for (size_t i = 0; i < a->nholds; i++) {
            if (!a->holds[i].hall && strcmp(a->holds[i].date, date) == 0 &&
                a->holds[i].confirmed == (booked == 1)) {
                buf_say(&leads, "%s#%lld", leads.len ? ", " : "", (long long)a->holds[i].lead);
            }
        }
        if (leads.len) {
            vars = json_pack("{s:s}", "leads", leads.p);
            rc = vars ? buf_addc(body, '\n') : RB_ENOMEM;
            rc = rc ? rc : render(a->h->x, a->h->lang, keys[booked], vars, body);
            json_decref(vars);
        }
    }
    buf_release(&leads);
    return rc;
}

static int one_day(struct avail *a, const char *date, struct buf *body)
{
    char shown[16];
    json_t *vars;
    size_t cells = 0;
    int rc;

    fmt_date(date, shown);
    vars = json_pack("{s:s, s:I}", "date", shown, "guests", (json_int_t)a->guests);
    rc = vars ? render(a->h->x, a->h->lang, "avail_head", vars, body) : RB_ENOMEM;
    for (size_t i = 0; !rc && i < a->cfg->nhalls; i++) {
        for (size_t j = 0; !rc && hall_shown(a, &a->cfg->halls[i]) && j < a->cfg->nslots; j++) {
            if (slot_shown(a, &a->cfg->slots[j])) {
                rc = cell_line(a, date, &a->cfg->halls[i], &a->cfg->slots[j], body);
                cells++;
            }
        }
    }
    if (!rc && !cells) {
        rc = buf_addc(body, '\n');
        rc = rc ? rc : render(a->h->x, a->h->lang, "avail_none_fits", vars, body);
    }
    rc = rc ? rc : unplaced_line(a, date, body);
    json_decref(vars);
    return rc;
}

/* True when some shown (hall, slot) of date is free. */
static bool day_has_free(const struct avail *a, const char *date)
{
    for (size_t i = 0; i < a->cfg->nhalls; i++) {
        for (size_t j = 0; hall_shown(a, &a->cfg->halls[i]) && j < a->cfg->nslots; j++) {
            if (slot_shown(a, &a->cfg->slots[j]) &&
                cell_state(a, date, &a->cfg->halls[i], &a->cfg->slots[j], NULL) == 0) {
                return true;
            }
        }
    }
    return false;
}

static int range(struct avail *a, struct rb_date from, struct rb_date to, struct buf *body)
{
    char f[11], t[11], fs[16], ts[16], d[11], ds[16];
    struct buf dates;
    json_t *vars;
    int rc;

    date_format(from, f);
    date_format(to, t);
    fmt_date(f, fs);
    fmt_date(t, ts);
    buf_init(&dates, 4096);
    for (struct rb_date x = from; date_cmp(x, to) <= 0; x = date_add_days(x, 1)) {
        date_format(x, d);
        fmt_date(d, ds);
        if (day_has_free(a, d)) {
            buf_say(&dates, "%s%.5s", dates.len ? ", " : "", ds);
        }
    }
    vars = json_pack("{s:s, s:s, s:s}", "from", fs, "to", ts, "dates", dates.p);
    rc = vars ? render(a->h->x, a->h->lang, dates.len ? "avail_range" : "avail_range_none", vars,
                       body)
              : RB_ENOMEM;
    json_decref(vars);
    buf_release(&dates);
    return rc;
}

static int parse_range(struct hctx *h, struct rb_date *from, struct rb_date *to)
{
    struct rb_datetime a, b;

    if (datetime_parse(slot_str(h, "date"), &a) != RB_OK) {
        return RB_EPARSE;
    }
    *from = a.date;
    *to = a.date;
    if (slot_str(h, "date_to") && datetime_parse(slot_str(h, "date_to"), &b) == RB_OK &&
        date_cmp(b.date, a.date) > 0) {
        *to = b.date;
    }
    if (date_to_days(*to) - date_to_days(*from) >= RANGE_MAX_DAYS) {
        *to = date_add_days(*from, RANGE_MAX_DAYS - 1);
    }
    return RB_OK;
}

int h_availability(struct hctx *h)
{
    static const char *const need[] = {"date", NULL};
    struct avail a;
    struct rb_date from, to;
    char f[11], t[11];
    struct buf body;
    bool done = false;
    int rc;

    if (!slot_str(h, "date") || parse_range(h, &from, &to) != RB_OK) {
        rc = reply_invalid_date(h, &done); /* "31 feb": say so, do not ask */
        return rc || done ? rc : ask(h, "ask_date", need, NULL);
    }
    memset(&a, 0, sizeof(a));
    a.h = h;
    a.cfg = h->x->snap->config;
    a.hall_only = slot_str(h, "hall") ? config_find_hall(a.cfg, slot_str(h, "hall")) : NULL;
    a.slot_only = slot_by_name(a.cfg, slot_str(h, "slot"));
    a.guests = slot_int(h, "guests");
    date_format(from, f);
    date_format(to, t);
    buf_init(&body, 32768);
    rc = load_holds(&a, f, t);
    if (!rc && date_cmp(from, to) == 0) {
        rc = one_day(&a, f, &body);
    } else if (!rc) {
        rc = range(&a, from, to, &body);
    }
    rc = rc ? rc : reply_body(h, body.p);
    free(a.holds);
    buf_release(&body);
    return rc;
}
