#include "store/invoices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

static const char sql_receipt_add[] =
    "INSERT INTO invoicing_receipts (entry_id) VALUES ($1) ON CONFLICT DO NOTHING";
static const char sql_receipt_get[] =
    "SELECT e.lead_id, COALESCE(e.milestone, ''), e.amount, COALESCE(e.method, ''),"
    " to_char(e.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " COALESCE(l.invoice_booking_id, ''), r.pushed_at IS NOT NULL, COALESCE(e.reverses, 0),"
    " COALESCE(e.reason, ''), COALESCE(o.source, ''), orr.entry_id IS NOT NULL,"
    " COALESCE(CASE WHEN o.source = 'invoicing' THEN o.external_id ELSE orr.payment_id END, '')"
    " FROM invoicing_receipts r JOIN payment_entries e ON e.id = r.entry_id"
    " JOIN leads l ON l.id = e.lead_id LEFT JOIN payment_entries o ON o.id = e.reverses"
    " LEFT JOIN invoicing_receipts orr ON orr.entry_id = o.id WHERE r.entry_id = $1";
static const char sql_receipt_done[] =
    "UPDATE invoicing_receipts SET payment_id = COALESCE(payment_id, $2),"
    " pushed_at = COALESCE(pushed_at, now()) WHERE entry_id = $1";
static const char sql_invoice_pending[] =
    "SELECT invoice_booking_id IS NULL FROM leads WHERE venue_id = $1 AND id = $2";
static const char sql_invoice_done[] =
    "UPDATE leads SET invoice_booking_id = $2 WHERE id = $1 AND invoice_booking_id IS NULL";
static const char sql_poll_due[] =
    "SELECT id, invoice_booking_id FROM leads WHERE venue_id = $1 AND stage = 'BOOKED'"
    " AND invoice_booking_id IS NOT NULL AND (invoice_polled_at IS NULL"
    " OR invoice_polled_at <= now() - ($2::int * interval '1 second'))"
    " ORDER BY invoice_polled_at NULLS FIRST, id LIMIT $3";
static const char sql_poll_needed[] =
    "SELECT NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'invoicing_poll' AND state = 'pending'"
    " AND venue_id = $1) AND EXISTS (SELECT 1 FROM leads WHERE venue_id = $1"
    " AND stage = 'BOOKED' AND invoice_booking_id IS NOT NULL)";
static const char sql_plan_pushed[] =
    "UPDATE payment_plan_state SET pushed_revision = GREATEST(pushed_revision, $2::bigint)"
    " WHERE lead_id = $1 RETURNING revision, pushed_revision";
static const char sql_polled[] = "UPDATE leads SET invoice_polled_at = now() WHERE id = $1";
static const char sql_lead_by_booking[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND invoice_booking_id = $2";
static const char sql_lead_booked[] =
    "SELECT id FROM leads WHERE venue_id = $1 AND id = $2 AND stage = 'BOOKED'";

/* The first column of the first row as a bool, false when no row. */
static int one_bool(struct dbconn *c, const char *sql, int np, const char *const *p, bool *out)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql, np, p, &r);

    *out = !rc && PQntuples(r) > 0 && db_bool(r, 0, 0);
    PQclear(r);
    return rc;
}

/* Copies a column that may be SQL NULL ("" then). */
static void copy_col(char *dst, size_t size, const char *s)
{
    snprintf(dst, size, "%s", s ? s : "");
}

static int one_id(struct dbconn *c, const char *sql, int np, const char *const *p, int64_t *id)
{
    PGresult *r = NULL;
    int rc = db_exec(c, sql, np, p, &r);

    *id = !rc && PQntuples(r) ? db_i64(r, 0, 0) : 0;
    PQclear(r);
    return rc;
}

int store_inv_booking_pending(struct dbconn *c, int64_t venue, int64_t lead, bool *pending)
{
    char v[24], l[24];
    const char *p[2] = {db_i64s(venue, v), db_i64s(lead, l)};

    return one_bool(c, sql_invoice_pending, 2, p, pending);
}

int store_inv_booking_done(struct dbconn *c, int64_t lead, const char *booking_id)
{
    char l[24];
    const char *p[2] = {db_i64s(lead, l), booking_id};

    return db_exec(c, sql_invoice_done, 2, p, NULL);
}

int store_inv_lead_by_booking(struct dbconn *c, int64_t venue, const char *booking, int64_t *id)
{
    char v[24];
    const char *p[2] = {db_i64s(venue, v), booking};

    *id = 0;
    return booking ? one_id(c, sql_lead_by_booking, 2, p, id) : RB_OK;
}

int store_inv_lead_booked(struct dbconn *c, int64_t venue, int64_t lead, int64_t *id)
{
    char v[24], l[24];
    const char *p[2] = {db_i64s(venue, v), db_i64s(lead, l)};

    return one_id(c, sql_lead_booked, 2, p, id);
}

int store_inv_receipt_add(struct dbconn *c, int64_t entry)
{
    char e[24];
    const char *p[1] = {db_i64s(entry, e)};

    return db_exec(c, sql_receipt_add, 1, p, NULL);
}

void store_inv_receipt_release(struct store_inv_receipt *r)
{
    free(r->booking_id);
    free(r->reason);
    free(r->reverses_id);
    memset(r, 0, sizeof(*r));
}

int store_inv_receipt_get(struct dbconn *c, int64_t entry, struct store_inv_receipt *out)
{
    char e[24];
    const char *p[1] = {db_i64s(entry, e)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_receipt_get, 1, p, &r);

    memset(out, 0, sizeof(*out));
    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        out->lead_id = db_i64(r, 0, 0);
        copy_col(out->milestone, sizeof(out->milestone), db_str(r, 0, 1));
        out->amount = db_i64(r, 0, 2);
        copy_col(out->method, sizeof(out->method), db_str(r, 0, 3));
        copy_col(out->received_at, sizeof(out->received_at), db_str(r, 0, 4));
        if (db_str(r, 0, 5)[0]) {
            out->booking_id = rb_strdup(db_str(r, 0, 5));
            rc = out->booking_id ? RB_OK : RB_ENOMEM;
        }
        out->pushed = db_bool(r, 0, 6);
        out->reverses = db_i64(r, 0, 7);
    }
    if (!rc && out->reverses) {
        copy_col(out->reverses_source, sizeof(out->reverses_source), db_str(r, 0, 9));
        out->reverses_queued = db_bool(r, 0, 10);
        out->reason = rb_strdup(db_str(r, 0, 8));
        out->reverses_id = db_str(r, 0, 11)[0] ? rb_strdup(db_str(r, 0, 11)) : NULL;
        rc = out->reason && (out->reverses_id || !db_str(r, 0, 11)[0]) ? RB_OK : RB_ENOMEM;
    }
    if (rc) {
        store_inv_receipt_release(out);
    }
    PQclear(r);
    return rc;
}

int store_inv_receipt_done(struct dbconn *c, int64_t entry, const char *payment_id)
{
    char e[24];
    const char *p[2] = {db_i64s(entry, e), payment_id};

    return db_exec(c, sql_receipt_done, 2, p, NULL);
}

int store_inv_poll_needed(struct dbconn *c, int64_t venue, bool *needed)
{
    char v[24];
    const char *p[1] = {db_i64s(venue, v)};

    return one_bool(c, sql_poll_needed, 1, p, needed);
}

void store_inv_due_free(struct store_inv_due *v, int n)
{
    for (int i = 0; v && i < n; i++) {
        free(v[i].booking_id);
    }
    free(v);
}

int store_inv_poll_due(struct dbconn *c, int64_t venue, int64_t period_s, int64_t limit,
                       struct store_inv_due **out, int *n)
{
    char v[24], per[24], lim[24];
    const char *p[3] = {db_i64s(venue, v), db_i64s(period_s, per), db_i64s(limit, lim)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_poll_due, 3, p, &r);
    int rows = rc ? 0 : PQntuples(r);

    *out = NULL;
    *n = 0;
    if (rows > 0) {
        *out = calloc((size_t)rows, sizeof(**out));
        rc = *out ? RB_OK : RB_ENOMEM;
    }
    for (int i = 0; !rc && i < rows; i++) {
        (*out)[i].lead_id = db_i64(r, i, 0);
        (*out)[i].booking_id = rb_strdup(db_str(r, i, 1));
        rc = (*out)[i].booking_id ? RB_OK : RB_ENOMEM;
        *n = i + 1;
    }
    PQclear(r);
    if (rc) {
        store_inv_due_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int store_inv_polled(struct dbconn *c, int64_t lead)
{
    char l[24];
    const char *p[1] = {db_i64s(lead, l)};

    return db_exec(c, sql_polled, 1, p, NULL);
}

int store_inv_plan_pushed(struct dbconn *c, int64_t lead, int64_t revision, int64_t *current)
{
    char l[24], rv[24];
    const char *p[2] = {db_i64s(lead, l), db_i64s(revision, rv)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_plan_pushed, 2, p, &r);

    *current = !rc && PQntuples(r) ? db_i64(r, 0, 0) : 0;
    PQclear(r);
    return rc;
}

static const char sql_plan_pending[] =
    "SELECT s.revision FROM payment_plan_state s JOIN leads l ON l.id = s.lead_id"
    " WHERE s.lead_id = $1 AND s.revision > s.pushed_revision"
    " AND l.invoice_booking_id IS NOT NULL";

int store_inv_plan_pending(struct dbconn *c, int64_t lead, int64_t *revision)
{
    char l[24];
    const char *p[1] = {db_i64s(lead, l)};

    return one_id(c, sql_plan_pending, 1, p, revision);
}

static const char sql_booking_of[] =
    "SELECT COALESCE(invoice_booking_id, '') FROM leads WHERE id = $1";

int store_inv_booking_of(struct dbconn *c, int64_t lead, char **booking)
{
    char l[24];
    const char *p[1] = {db_i64s(lead, l)};
    PGresult *r = NULL;
    int rc = db_exec(c, sql_booking_of, 1, p, &r);

    *booking = NULL;
    if (!rc && PQntuples(r) && db_str(r, 0, 0)[0]) {
        *booking = rb_strdup(db_str(r, 0, 0));
        rc = *booking ? RB_OK : RB_ENOMEM;
    }
    PQclear(r);
    return rc;
}
