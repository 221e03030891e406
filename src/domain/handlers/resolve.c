/*
 * resolve.c - which lead a staff member means: by number, phone, "this" or
 * name; two leads of one name become a numbered choice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "nlu/catalog.h"
#include "nlu/namekey.h"
#include "store/lead_rows.h"

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

/* A name written as stored wins over one that only sounds the same
 * (Zainab / زینب / Zaynab, compared by name key: nlu/namekey.h); then open
 * matches win; one of them is the lead, several are a choice. */
static int by_name(struct wctx *x, const char *name, int64_t *id, struct lead_choice *ch)
{
    struct store_lead_name *rows = NULL;
    size_t rn = 0, open = 0, exact = 0;
    int rc = store_lead_names(x->db, x->venue_id, name, &rows, &rn);
    bool *hit;

    if (rc) {
        return rc;
    }
    hit = calloc(rn + 1, sizeof(*hit));
    if (!hit) {
        store_lead_names_free(rows, rn);
        return RB_ENOMEM;
    }
    for (size_t i = 0; i < rn; i++) {
        exact += rows[i].written;
    }
    for (size_t i = 0; i < rn; i++) {
        hit[i] = exact ? rows[i].written : name_key_match(name, rows[i].name);
        open += hit[i] && rows[i].open;
    }
    ch->n = 0;
    for (size_t i = 0; i < rn && ch->n < CHOICE_MAX; i++) {
        if (hit[i] && (!open || rows[i].open)) {
            ch->ids[ch->n++] = rows[i].id;
        }
    }
    free(hit);
    store_lead_names_free(rows, rn);
    if (ch->n == 0) {
        return RB_ENOTFOUND;
    }
    if (ch->n > 1) {
        return RB_ECONFLICT;
    }
    *id = ch->ids[0];
    return RB_OK;
}

/* The lead numbered digits or with phone (digits NULL) into *id, or
 * RB_ENOTFOUND. */
static int by_number_or_phone(struct wctx *x, const char *digits, const char *phone, int64_t *id)
{
    int64_t got = 0;
    int rc = digits ? store_lead_by_number(x->db, x->venue_id, digits, &got)
                    : store_lead_by_phone(x->db, x->venue_id, phone, &got);

    if (!rc && !got) {
        rc = RB_ENOTFOUND;
    }
    if (!rc) {
        *id = got;
    }
    return rc;
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
        if (strlen(ref) > 15) {
            return RB_ENOTFOUND;
        }
        return by_number_or_phone(x, ref, NULL, id);
    }
    if (ref[0] == '+') {
        return by_number_or_phone(x, NULL, ref, id);
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
