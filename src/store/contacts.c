#include "store/contacts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "store/lead_sql.h"
#include "store/outbox.h"

static const char sql_insert[] =
    "INSERT INTO contacts (venue_id, phone, bsuid, profile_name, last_inbound_at)"
    " VALUES ($1, $2, $3, $4, CASE WHEN $5::bigint > 0 THEN to_timestamp($5::bigint) END)"
    " ON CONFLICT DO NOTHING RETURNING id";

/* The contact of this phone (first) or bsuid, its missing phone or bsuid
 * filled (linking the two ids, unless the id already names another row),
 * name and window refreshed, in one round trip; with the active staff
 * member of this phone or contact (0 when none) and their contact_id. The
 * UPDATE locks the row until the transaction ends: NO KEY UPDATE while
 * phone and bsuid keep their values, so a transaction that only references
 * the contact (an outbox row to this person: a foreign key's KEY SHARE)
 * does not wait behind it. */
#define TOUCH_FIND                                                                                 \
    "WITH f AS (SELECT id FROM contacts WHERE venue_id = $1"                                       \
    "   AND ((phone = $2 AND $2 IS NOT NULL) OR (bsuid = $3 AND $3 IS NOT NULL))"                  \
    "   ORDER BY (phone = $2) DESC NULLS LAST, id LIMIT 1)"
#define TOUCH_SET                                                                                  \
    " UPDATE contacts SET"                                                                         \
    " phone = COALESCE(phone, (SELECT $2 WHERE NOT EXISTS (SELECT 1 FROM contacts o"               \
    "   WHERE o.venue_id = contacts.venue_id AND o.phone = $2))),"                                 \
    " bsuid = COALESCE(bsuid, (SELECT $3 WHERE NOT EXISTS (SELECT 1 FROM contacts o"               \
    "   WHERE o.venue_id = contacts.venue_id AND o.bsuid = $3))),"                                 \
    " profile_name = COALESCE(NULLIF($4, ''), profile_name),"                                      \
    " last_inbound_at = CASE WHEN $5::bigint > 0 THEN"                                             \
    "   GREATEST(last_inbound_at, to_timestamp($5::bigint)) ELSE last_inbound_at END"              \
    " FROM f LEFT JOIN LATERAL (SELECT id, contact_id FROM staff WHERE venue_id = $1 AND active"   \
    "   AND (phone = $2 OR contact_id = f.id) ORDER BY id LIMIT 1) s ON true"                      \
    " WHERE contacts.id = f.id"

static const char sql_touch[] =
    TOUCH_FIND TOUCH_SET " RETURNING contacts.id, COALESCE(s.id, 0), s.contact_id";

/* The held rows of h (id, prev) released, each after the one before it.
 * Written for plans made while the outbox was nearly empty (a new install,
 * the first seconds of a flood), which may pick any index partial on
 * state = 'held' and read every held row of the venue: the contact's rows
 * are found through an index no other lookup matches (022), and the update
 * reads nothing when h is empty, as it is for nearly every message. Written
 * as a join on h with (contact_id = … OR recipient_phone = …), it read
 * every held row for every inbound message: 47 ms a message at 800 held
 * rows, the top statement of make bench. */
#define RELEASE_HELD                                                                                  \
    " rel AS (UPDATE outbox o SET state = 'pending', next_attempt_at = now(),"                        \
    "   after_id = (SELECT h.prev FROM h WHERE h.id = o.id)"                                          \
    "   WHERE o.id = ANY (ARRAY(SELECT id FROM h)) AND o.state = 'held' AND EXISTS (SELECT 1 FROM h)" \
    "   RETURNING o.id, pg_notify('rabta_outbox', ''))"

/* The writer's held rows (by contact or phone), in order. */
#define HELD_OF_WRITER                                                                             \
    " h AS MATERIALIZED (SELECT id, lag(id) OVER (ORDER BY id) AS prev FROM ("                     \
    "   SELECT id FROM outbox WHERE state = 'held' AND contact_id = (SELECT id FROM f)"            \
    "   UNION SELECT id FROM outbox WHERE venue_id = $1 AND state = 'held'"                        \
    "    AND recipient_phone = $2 AND EXISTS (SELECT 1 FROM f)) u),"

/* The inbound message, logged with the writer: W is the CTE with the contact
 * (cid) and the staff member (sid, NULL for a client) found; $6-$14 are the
 * message's. A client's message goes to their open lead when $14 says so. */
#define MESSAGE_IN(W)                                                                              \
    " m AS (INSERT INTO messages (venue_id, contact_id, staff_id, direction, party, wamid, type,"  \
    "  body, media_id, media_mime, context_wamid, event_id, created_at, lead_id)"                  \
    "  SELECT $1, " W ".cid, " W ".sid, 'in',"                                                     \
    "  CASE WHEN " W ".sid IS NULL THEN 'client' ELSE 'staff' END, $6, $7, $8, $9, $10, $11,"      \
    "  NULLIF($12::bigint, 0), CASE WHEN $13::bigint > 0 THEN to_timestamp($13::bigint)"           \
    "  ELSE now() END, CASE WHEN $14::bool AND " W ".sid IS NULL THEN (SELECT id FROM leads"       \
    "   WHERE venue_id = $1 AND contact_id = " W ".cid AND stage NOT IN ('BOOKED', 'LOST')"        \
    "   ORDER BY id LIMIT 1) END FROM " W " ON CONFLICT DO NOTHING RETURNING id, lead_id)"

/* sql_touch for the writer of an inbound message, who opens their 24-hour
 * window: the rows held for them go, each after the one before it (each
 * with after_id = the one before); the message is logged; and the open lead
 * it went to is touched (last contact now, the event's date $15 and guests
 * $16 where still unknown, the row locked by the UPDATE) and read back: one
 * round trip where it took four. The lead's columns (LEAD_COLS) follow the
 * sixth, NULL when no open lead took the message. */
static const char sql_touch_msg[] = TOUCH_FIND
    "," HELD_OF_WRITER RELEASE_HELD ","
    " t AS (" TOUCH_SET
    " RETURNING contacts.id AS cid, s.id AS sid, s.contact_id AS scid)," MESSAGE_IN(
        "t") ","
             " lt AS (UPDATE leads SET last_contact_at = now(),"
             "  event_date = COALESCE(event_date, NULLIF($15, '')::date),"
             "  guests = COALESCE(guests, NULLIF($16::bigint, 0)::int)"
             "  WHERE id = (SELECT lead_id FROM m) AND stage NOT IN ('BOOKED', 'LOST') RETURNING *)"
             " SELECT t.cid, COALESCE(t.sid, 0), t.scid, (SELECT count(*) FROM rel),"
             " (SELECT COALESCE(max(id), 0) FROM rel), COALESCE((SELECT id FROM m), 0), x.*"
             " FROM t LEFT JOIN (" LEAD_COLS " FROM lt l" LEAD_JOINS ") x ON true";
#define TOUCH_LEAD_COL 6

static const char sql_staff[] = "SELECT id FROM staff WHERE venue_id = $1 AND active"
                                " AND (phone = $2 OR contact_id = $3) ORDER BY id LIMIT 1";

static const char sql_staff_link[] =
    "UPDATE staff SET contact_id = $2 WHERE id = $1 AND contact_id IS DISTINCT FROM $2";

/* $14: the row goes to the contact's open lead, if any, as it is written. */
static const char sql_msg[] =
    "INSERT INTO messages (venue_id, contact_id, staff_id, direction, party, wamid, type, body,"
    " media_id, media_mime, context_wamid, event_id, created_at, sender_wa_id, lead_id)"
    " VALUES ($1, NULLIF($2::bigint, 0), NULLIF($3::bigint, 0), 'in', $4, $5, $6, $7, $8, $9,"
    " $10, NULLIF($11::bigint, 0), CASE WHEN $12::bigint > 0 THEN to_timestamp($12::bigint)"
    " ELSE now() END, $13, CASE WHEN $14::bool THEN (SELECT id FROM leads WHERE venue_id = $1"
    "  AND contact_id = $2::bigint AND stage NOT IN ('BOOKED', 'LOST') ORDER BY id LIMIT 1) END)"
    " ON CONFLICT DO NOTHING RETURNING id";

/* A new contact, in one round trip (five before): the row; the active
 * staff member with this phone, who takes it as theirs (no staff row can
 * name a contact id that did not exist); the rows held for this phone
 * released in order (none can name the new id); and the message logged. No
 * row when a concurrent insert won (the caller touches that one). */
static const char sql_insert_msg[] =
    "WITH ins AS (INSERT INTO contacts (venue_id, phone, bsuid, profile_name, last_inbound_at)"
    "  VALUES ($1, $2, $3, $4, CASE WHEN $5::bigint > 0 THEN to_timestamp($5::bigint) END)"
    "  ON CONFLICT DO NOTHING RETURNING id),"
    " s AS (SELECT id FROM staff WHERE venue_id = $1 AND active AND phone = $2"
    "  AND EXISTS (SELECT 1 FROM ins) ORDER BY id LIMIT 1),"
    " sl AS (UPDATE staff SET contact_id = (SELECT id FROM ins) WHERE id = (SELECT id FROM s)),"
    " h AS MATERIALIZED (SELECT id, lag(id) OVER (ORDER BY id) AS prev FROM outbox"
    "  WHERE venue_id = $1 AND state = 'held' AND recipient_phone = $2"
    "  AND EXISTS (SELECT 1 FROM ins))," RELEASE_HELD ","
    " t AS (SELECT ins.id AS cid, (SELECT id FROM s) AS sid FROM ins)," MESSAGE_IN(
        "t") " SELECT id, COALESCE((SELECT id FROM s), 0), (SELECT count(*) FROM rel),"
             " (SELECT COALESCE(max(id), 0) FROM rel), COALESCE((SELECT id FROM m), 0) FROM ins";

/* The existing contact touched (sql_touch, or sql_touch_msg when w is
 * given, its open lead into *lead): RB_ENOTFOUND when none. */
static int touch(struct dbconn *c, const char *const *p, int64_t *id, int64_t *staff, bool *link,
                 struct inbound_writer *w, struct lead_row *lead)
{
    PGresult *r = NULL;
    int rc = w ? db_exec(c, sql_touch_msg, 16, p, &r) : db_exec(c, sql_touch, 5, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        *id = db_i64(r, 0, 0);
        *staff = db_i64(r, 0, 1);
        *link = *staff && db_i64(r, 0, 2) != *id;
        if (w) {
            w->released = (int)db_i64(r, 0, 3);
            w->last = db_i64(r, 0, 4);
            w->message_id = db_i64(r, 0, 5);
        }
        if (w && lead && db_str(r, 0, TOUCH_LEAD_COL)) {
            rc = lead_row_fill(r, TOUCH_LEAD_COL, lead);
        }
    }
    PQclear(r);
    return rc;
}

/* The staff member found with the contact takes it as theirs. */
static int staff_link(struct dbconn *c, int64_t staff, int64_t contact)
{
    char ss[24], cs[24];
    const char *q[2] = {db_i64s(staff, ss), db_i64s(contact, cs)};

    return db_exec(c, sql_staff_link, 2, q, NULL);
}

/* A message's own eight parameters, in the order of both message inserts
 * (wamid, type, body, media id and type, quoted wamid, event, time). */
static void message_params(const struct message_in *m, char es[24], char ts[24], const char **p)
{
    p[0] = m->wamid;
    p[1] = m->type;
    p[2] = m->body;
    p[3] = m->media_id;
    p[4] = m->media_mime;
    p[5] = m->context_wamid;
    p[6] = db_i64s(m->event_id, es);
    p[7] = db_i64s(m->at_s, ts);
}

/* sql_insert_msg: RB_ENOTFOUND when the contact exists (a concurrent
 * insert won, or the guess that it is new was wrong). */
static int insert_new(struct dbconn *c, const char *const *p, struct inbound_writer *w)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql_insert_msg, 14, p, &r);

    if (!rc && PQntuples(r) != 1) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        w->contact_id = db_i64(r, 0, 0);
        w->staff_id = db_i64(r, 0, 1);
        w->released = (int)db_i64(r, 0, 2);
        w->last = db_i64(r, 0, 3);
        w->message_id = db_i64(r, 0, 4);
        w->created = true;
    }
    PQclear(r);
    return rc;
}

int store_contact_inbound(struct dbconn *c, int64_t venue, const char *phone, const char *bsuid,
                          const char *profile_name, int64_t inbound_at, const struct message_in *m,
                          bool likely_new, struct inbound_writer *w, struct lead_row *lead,
                          bool *lead_read)
{
    char vs[24], ts[24], es[24], as[24], gs[24];
    const char *p[16] = {db_i64s(venue, vs), phone, bsuid, profile_name, db_i64s(inbound_at, ts)};
    bool link = false;
    int rc = RB_ENOTFOUND;

    message_params(m, es, as, p + 5);
    p[13] = m->open_lead ? "t" : "f";
    p[14] = m->event_date ? m->event_date : "";
    p[15] = db_i64s(m->guests, gs);
    memset(w, 0, sizeof(*w));
    *lead_read = false;
    if (likely_new) {
        rc = insert_new(c, p, w);
        if (rc != RB_ENOTFOUND) {
            return rc;
        }
    }
    rc = touch(c, p, &w->contact_id, &w->staff_id, &link, w, lead);
    if (rc == RB_ENOTFOUND && !likely_new) {
        rc = insert_new(c, p, w);
        if (rc != RB_ENOTFOUND) {
            return rc;
        }
        /* lost a race with a concurrent insert */
        rc = touch(c, p, &w->contact_id, &w->staff_id, &link, w, lead);
    }
    *lead_read = rc == RB_OK;
    if (!rc && link) {
        rc = staff_link(c, w->staff_id, w->contact_id);
    }
    return rc;
}

int store_contact_upsert(struct dbconn *c, int64_t venue, const char *phone, const char *bsuid,
                         const char *profile_name, int64_t inbound_at, int64_t *id)
{
    char vs[24], ts[24];
    const char *p[5] = {db_i64s(venue, vs), phone, bsuid, profile_name, db_i64s(inbound_at, ts)};
    PGresult *r = NULL;
    int64_t staff = 0;
    bool link = false;
    int rc = touch(c, p, id, &staff, &link, NULL, NULL);

    if (rc == RB_ENOTFOUND) {
        rc = db_exec(c, sql_insert, 5, p, &r);
        if (!rc && PQntuples(r) == 1) {
            *id = db_i64(r, 0, 0);
            PQclear(r);
            return RB_OK;
        }
        PQclear(r);
        if (!rc) {
            rc = touch(c, p, id, &staff, &link, NULL,
                       NULL); /* lost a race with a concurrent insert */
        }
    }
    return rc;
}

int store_staff_by_phone(struct dbconn *c, int64_t venue, const char *phone, int64_t *staff_id)
{
    char vs[24];
    const char *p[3] = {db_i64s(venue, vs), phone, NULL};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_staff, 3, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        *staff_id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

int store_message_in(struct dbconn *c, const struct message_in *m, int64_t *id)
{
    char vs[24], cs[24], ss[24], es[24], ts[24];
    const char *p[14] = {db_i64s(m->venue_id, vs), db_i64s(m->contact_id, cs),
                         db_i64s(m->staff_id, ss), m->party};
    PGresult *r = NULL;
    int rc;

    message_params(m, es, ts, p + 4);
    p[12] = m->sender_wa_id;
    p[13] = m->open_lead && m->contact_id ? "t" : "f";
    rc = db_exec(c, sql_msg, 14, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ECONFLICT;
    }
    if (!rc) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

static const char sql_contact[] =
    "SELECT phone, bsuid, profile_name FROM contacts WHERE venue_id = $1 AND id = $2";
static const char sql_opt_out[] =
    "INSERT INTO opt_outs (venue_id, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char sql_opt_in[] = "DELETE FROM opt_outs WHERE venue_id = $1 AND contact_id = $2";

void store_contact_release(struct store_contact *ct)
{
    free(ct->phone);
    free(ct->bsuid);
    free(ct->profile_name);
    memset(ct, 0, sizeof(*ct));
}

int store_contact_get(struct dbconn *c, int64_t venue, int64_t id, struct store_contact *out)
{
    char vs[24], cs[24];
    const char *p[2] = {db_i64s(venue, vs), db_i64s(id, cs)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_contact, 2, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        out->phone = rb_strdup(db_str(r, 0, 0));
        out->bsuid = rb_strdup(db_str(r, 0, 1));
        out->profile_name = rb_strdup(db_str(r, 0, 2));
    }
    PQclear(r);
    return rc;
}

int store_contact_opt_out(struct dbconn *c, int64_t venue, int64_t contact_id, bool out)
{
    char vs[24], cs[24];
    const char *p[2] = {db_i64s(venue, vs), db_i64s(contact_id, cs)};

    return db_exec(c, out ? sql_opt_out : sql_opt_in, 2, p, NULL);
}
