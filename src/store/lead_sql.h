/*
 * lead_sql.h - inside the store only: the SQL of one lead as the domain
 * reads it (struct lead_row), for the statements of other store files that
 * return a lead with what they wrote (store/contacts.c).
 */
#ifndef RB_STORE_LEAD_SQL_H
#define RB_STORE_LEAD_SQL_H

#include <libpq-fe.h>

#include "store/lead_rows.h"

/* One lead with its assignee's name and its contact, l being the lead (a
 * table or a CTE of UPDATE ... RETURNING *). */
#define LEAD_COLS                                                                                     \
    "SELECT l.id, COALESCE(l.contact_id, 0), COALESCE(l.assigned_staff_id, 0),"                       \
    " COALESCE(l.returning_of, 0), COALESCE(l.guests, 0), COALESCE(l.amount, -1), l.stage,"           \
    " l.name, s.name, l.campaign, l.hall, c.bsuid, COALESCE(l.phone, c.phone), l.source,"             \
    " to_char(l.event_date, 'YYYY-MM-DD'), l.slot,"                                                   \
    " COALESCE(extract(epoch FROM l.visit_at)::bigint, 0), extract(epoch FROM l.created_at)::bigint," \
    " COALESCE(extract(epoch FROM l.last_contact_at)::bigint, 0), l.greeted_at IS NOT NULL,"          \
    " l.client_lang"
#define LEAD_JOINS                                                                                 \
    " LEFT JOIN staff s ON s.id = l.assigned_staff_id LEFT JOIN contacts c ON c.id = l.contact_id"
/* A row by its id, which is unique across venues; the venue is checked on
 * the row ("+ 0": not an index condition). Written plainly, PostgreSQL took
 * the (venue_id, ...) indexes for these while a table's statistics were
 * those of an almost empty table (a new install under its first flood:
 * make bench) and read every row of the venue to find one; the id's own
 * index reads one. */
#define BY_ID(alias, id) " " alias "id = " id " AND " alias "venue_id + 0 = $1"

/* Fills *l from row 0 of r, its LEAD_COLS starting at column base. */
RB_MUST_CHECK int lead_row_fill(const PGresult *r, int base, struct lead_row *l);

#endif
