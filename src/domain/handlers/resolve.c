/*
 * resolve.c - which lead a staff member means: by number, phone, "this" or
 * name; two leads of one name become a numbered choice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "domain/handlers.h"
#include "nlu/catalog.h"
#include "nlu/namekey.h"

static const char sql_by_id[] = "SELECT id FROM leads WHERE venue_id = $1 AND id = $2";
static const char sql_by_phone[] =
    "SELECT l.id FROM leads l LEFT JOIN contacts c ON c.id = l.contact_id"
    " WHERE l.venue_id = $1 AND (l.phone = $2 OR c.phone = $2)"
    " ORDER BY (l.stage IN ('BOOKED', 'LOST')), l.id DESC LIMIT 1";
/* Every named lead (newest first, open ones first), with whether its name
 * is the one written, exactly or as its first word(s); the rest are
 * compared by their name key (nlu/namekey.h: زینب is Zainab). */
static const char sql_by_name[] =
    "SELECT id, stage NOT IN ('BOOKED', 'LOST'), name,"
    " lower(name) = lower($2) OR left(lower(name), length($2) + 1) = lower($2) || ' '"
    " FROM leads WHERE venue_id = $1 AND name IS NOT NULL AND name <> ''"
    " ORDER BY 2 DESC, id DESC LIMIT 20000";

static bool all_digits(const char *s)
{
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
    }
    return true;
}

static int one_id(struct wctx *x, const char *sql, const char *arg, int64_t *id)
{
    char v[24];
    const char *p[2] = {db_i64s(x->venue_id, v), arg};
    PGresult *r = NULL;
    int rc = db_exec(x->db, sql, 2, p, &r);

    if (!rc && PQntuples(r) == 0) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        *id = db_i64(r, 0, 0);
    }
    PQclear(r);
    return rc;
}

/* A name written as stored wins over one that only sounds the same
 * (Zainab / زینب / Zaynab); then open matches win; one of them is the
 * lead, several are a choice. */
static int by_name(struct wctx *x, const char *name, int64_t *id, struct lead_choice *ch)
{
    char v[24];
    const char *p[2] = {db_i64s(x->venue_id, v), name};
    PGresult *r = NULL;
    size_t open = 0, exact = 0;
    int rows, rc = db_exec(x->db, sql_by_name, 2, p, &r);
    bool *hit;

    if (rc) {
        return rc;
    }
    rows = PQntuples(r);
    hit = calloc((size_t)rows + 1, sizeof(*hit));
    if (!hit) {
        PQclear(r);
        return RB_ENOMEM;
    }
    for (int i = 0; i < rows; i++) {
        exact += db_bool(r, i, 3);
    }
    for (int i = 0; i < rows; i++) {
        hit[i] = exact ? db_bool(r, i, 3) : name_key_match(name, PQgetvalue(r, i, 2));
        open += hit[i] && db_bool(r, i, 1);
    }
    ch->n = 0;
    for (int i = 0; i < rows && ch->n < CHOICE_MAX; i++) {
        if (hit[i] && (!open || db_bool(r, i, 1))) {
            ch->ids[ch->n++] = db_i64(r, i, 0);
        }
    }
    free(hit);
    PQclear(r);
    if (ch->n == 0) {
        return RB_ENOTFOUND;
    }
    if (ch->n > 1) {
        return RB_ECONFLICT;
    }
    *id = ch->ids[0];
    return RB_OK;
}

int resolve_lead(struct wctx *x, const char *ref, int64_t current, int64_t *id,
                 struct lead_choice *ch)
{
    char name[256];

    ch->n = 0;
    while (*ref == ' ' || *ref == '#') {
        ref++;
    }
    if (strcmp(ref, "this") == 0) {
        if (!current) {
            return RB_ENOTFOUND;
        }
        *id = current;
        return RB_OK;
    }
    if (all_digits(ref)) {
        return strlen(ref) > 15 ? RB_ENOTFOUND : one_id(x, sql_by_id, ref, id);
    }
    if (ref[0] == '+') {
        return one_id(x, sql_by_phone, ref, id);
    }
    snprintf(name, sizeof(name), "%s", ref);
    return by_name(x, name, id, ch);
}

int resolve_offer_choice(struct hctx *h, const struct lead_choice *ch)
{
    struct buf body;
    struct lead_row l;
    json_t *ids = json_array(), *vars = NULL, *pending = NULL;
    int rc = ids ? RB_OK : RB_ENOMEM;

    buf_init(&body, 16384);
    lead_row_init(&l);
    rc = rc ? rc : render(h->x, h->lang, "choose_lead", NULL, &body);
    for (size_t i = 0; !rc && i < ch->n; i++) {
        rc = lead_load(h->x, ch->ids[i], false, &l);
        rc = rc ? rc : lead_vars(h->x, h->lang, &l, &vars);
        if (!rc) {
            json_object_set_new(vars, "n", json_integer((json_int_t)i + 1));
            json_array_append_new(ids, json_integer(ch->ids[i]));
            rc = buf_addc(&body, '\n');
        }
        rc = rc ? rc : render(h->x, h->lang, "choose_row", vars, &body);
        json_decref(vars);
        vars = NULL;
    }
    if (!rc) {
        pending = json_pack("{s:s, s:s, s:O, s:O}", "kind", "choice", "intent", h->intent, "slots",
                            h->slots, "candidates", ids);
        rc = pending ? convo_set_pending(h->x, h->me->id, pending) : RB_ENOMEM;
    }
    rc = rc ? rc : reply_body(h, body.p);
    json_decref(pending);
    json_decref(ids);
    lead_row_release(&l);
    buf_release(&body);
    return rc;
}
