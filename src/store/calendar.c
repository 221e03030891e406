#include "store/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

static const char sql_hold[] =
    "INSERT INTO calendar_holds (venue_id, lead_id, event_date, hall, slot, state)"
    " VALUES ($1, $2, $3::date, $4, $5, $6) ON CONFLICT (lead_id) DO UPDATE"
    " SET event_date = EXCLUDED.event_date, hall = EXCLUDED.hall, slot = EXCLUDED.slot,"
    " state = EXCLUDED.state";
static const char sql_unhold[] = "DELETE FROM calendar_holds WHERE lead_id = $1";
static const char sql_between[] =
    "SELECT to_char(h.event_date, 'YYYY-MM-DD'), h.hall, h.slot, h.state, h.lead_id"
    " FROM calendar_holds h JOIN leads l ON l.id = h.lead_id WHERE h.venue_id = $1"
    " AND h.event_date BETWEEN $2::date AND $3::date AND l.stage <> 'LOST'"
    " ORDER BY h.event_date, h.lead_id LIMIT $4";
static const char sql_taken[] =
    "SELECT h.lead_id FROM calendar_holds h WHERE h.venue_id = $1 AND h.event_date = $2::date"
    " AND h.state = 'confirmed' AND h.lead_id <> $3 AND lower(h.hall) = lower($4)"
    " AND (h.slot IS NULL OR $5::text IS NULL OR h.slot = $5 OR h.slot = 'full_day'"
    " OR $5 = 'full_day') LIMIT 1";

int store_hold_set(struct dbconn *c, int64_t venue, int64_t lead_id, const char *date,
                   const char *hall, const char *slot, bool confirmed)
{
    char v[24], ls[24];
    const char *p[6] = {db_i64s(venue, v),
                        db_i64s(lead_id, ls),
                        date,
                        hall,
                        slot,
                        confirmed ? "confirmed" : "tentative"};

    return db_exec(c, sql_hold, 6, p, NULL);
}

int store_hold_clear(struct dbconn *c, int64_t lead_id)
{
    char ls[24];
    const char *p[1] = {db_i64s(lead_id, ls)};

    return db_exec(c, sql_unhold, 1, p, NULL);
}

static void hold_drop(void *elem)
{
    struct store_hold *hd = elem;

    free(hd->hall);
    free(hd->slot);
}

void store_holds_free(struct store_hold *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        hold_drop(&v[i]);
    }
    free(v);
}

static int hold_fill(const PGresult *r, int i, void *elem)
{
    struct store_hold *hd = elem;
    const char *state = db_str(r, i, 3);

    snprintf(hd->date, sizeof(hd->date), "%s", db_str(r, i, 0) ? db_str(r, i, 0) : "");
    hd->hall = rb_strdup(db_str(r, i, 1));
    hd->slot = rb_strdup(db_str(r, i, 2));
    hd->confirmed = state && strcmp(state, "confirmed") == 0;
    hd->lead_id = db_i64(r, i, 4);
    return (hd->hall || !db_str(r, i, 1)) && (hd->slot || !db_str(r, i, 2)) ? RB_OK : RB_ENOMEM;
}

int store_holds_between(struct dbconn *c, int64_t venue, const char *from, const char *to, int max,
                        struct store_hold **rows, size_t *n)
{
    char v[24], m[24];
    const char *p[4] = {db_i64s(venue, v), from, to, db_i64s(max, m)};
    void *a = NULL;
    int rc = db_query_rows(c, sql_between, 4, p, sizeof(**rows), hold_fill, hold_drop, &a, n);

    if (!rc) {
        *rows = a;
    }
    return rc;
}

int store_hold_taken(struct dbconn *c, int64_t venue, const char *date, int64_t lead_id,
                     const char *hall, const char *slot, int64_t *other)
{
    char v[24], ls[24];
    const char *p[5] = {db_i64s(venue, v), date, db_i64s(lead_id, ls), hall, slot};

    return db_query_id(c, sql_taken, 5, p, other);
}
