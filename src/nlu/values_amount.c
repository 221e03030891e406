/*
 * values_amount.c - amounts in rupees and guest counts (values.h:
 * value_amount, value_guests).
 */
#include "nlu/values_impl.h"

#include <stdio.h>
#include <string.h>

/* Largest amount accepted, in rupees (a sanity bound, far above any booking). */
#define AMOUNT_MAX 10000000000000LL

#define GUESTS_MAX 100000

/* ---- amounts and counts ---- */

/* A number as written: mant / 10^scale. */
struct num {
    int64_t mant;
    int scale;
    bool grouped; /* written with thousands separators */
};

/*
 * Digit groups of an integer part with commas: Western (1-3 digits, then
 * 3s: 800,000) or South Asian (1-2 digits, then 2s, then 3: 8,00,000).
 * "2,5" is neither (reference §9: ambiguous, ask).
 */
static bool grouping_ok(const char *p, size_t len)
{
    size_t i, g = 0, first = 0, groups = 0;
    bool west = true, south = true;

    for (i = 0; i <= len; i++) {
        if (i < len && p[i] != ',') {
            g++;
            continue;
        }
        if (groups == 0) {
            first = g;
        } else if (i < len) { /* a middle group */
            west = west && g == 3;
            south = south && g == 2;
        } else if (g != 3) { /* the last group */
            return false;
        }
        groups++;
        g = 0;
    }
    west = west && first >= 1 && first <= 3;
    south = south && first >= 1 && first <= 2;
    return groups >= 2 && (west || south);
}

/* "350000", "8,00,000", "2.5", "1,250.50" (at most 15 digits, 6 decimals). */
static bool num_token(const struct tok *t, struct num *out)
{
    size_t i, int_len = t->s.len, ndig = 0;
    int64_t mant = 0;
    int scale = 0;
    bool comma = false, dot = false;

    if (t->kind != TOK_NUM) {
        return false;
    }
    for (i = 0; i < t->s.len; i++) {
        char ch = t->s.p[i];
        if (vt_is_digit(ch)) {
            if (++ndig > 15) {
                return false;
            }
            mant = mant * 10 + (ch - '0');
            scale += dot;
        } else if (ch == ',' && !dot) {
            comma = true;
        } else if (ch == '.' && !dot) {
            dot = true;
            int_len = i;
        } else {
            return false;
        }
    }
    if (scale > 6 || (comma && !grouping_ok(t->s.p, int_len))) {
        return false;
    }
    out->mant = mant;
    out->scale = scale;
    out->grouped = comma;
    return true;
}

static int64_t pow10_i(int k)
{
    int64_t r = 1;

    while (k-- > 0) {
        r *= 10;
    }
    return r;
}

/* n times mult, when that is a whole number that fits. */
static bool num_times(struct num n, int64_t mult, int64_t *out)
{
    int64_t p = pow10_i(n.scale);

    if (n.mant > INT64_MAX / mult || (n.mant * mult) % p != 0) {
        return false;
    }
    *out = n.mant * mult / p;
    return true;
}

static bool next_is_multiplier(const struct cur *c)
{
    const struct tok *t = vt_cur_peek(c);
    return t && vt_tok_val(t, vocab_list(VOC_MULTIPLIER)) > 0;
}

/* A number: digits, a number word (ek ... nabbe), dedh (1.5), dhai (2.5),
 * sawa/saadhe/paune N (N + 1/4, N + 1/2, N - 1/4), sawa alone (1.25). */
/* "and a half" (an `and_half:` phrase) at the cursor, moved past. */
static bool cur_and_half(struct cur *c)
{
    const char *const *p = vocab_words(VOC_AND_HALF);

    for (size_t i = 0; p[i]; i++) {
        size_t k = 1;

        for (const char *q = p[i]; *q; q++) {
            k += *q == ' ';
        }
        if (c->i + k <= c->n && vt_toks_match(&c->t[c->i], k, p[i])) {
            c->i += k;
            return true;
        }
    }
    return false;
}

static bool cur_number(struct cur *c, struct num *out)
{
    const struct tok *t = vt_cur_peek(c);
    struct num base;
    int frac, v;

    if (!t) {
        return false;
    }
    if (num_token(t, out)) {
        c->i++;
        return true;
    }
    v = vt_cur_val(c, vocab_list(VOC_NUMBER));
    if (v > 0) {
        const struct tok *u = vt_cur_peek(c);
        if (vt_tok_in(t, vocab_words(VOC_TENS)) && u && vt_tok_in(u, vocab_words(VOC_UNITS))) {
            v += vt_cur_val(c, vocab_list(VOC_NUMBER)); /* "twenty five" */
        }
        out->mant = v;
        out->scale = 0;
        out->grouped = false;
        if (cur_and_half(c)) { /* "one and a half lakh" */
            out->mant = v * 10 + 5;
            out->scale = 1;
        }
        return true;
    }
    frac = vt_cur_val(c, vocab_list(VOC_FRAC));
    out->scale = 2;
    out->grouped = false;
    if (frac == FRAC_DEDH || frac == FRAC_DHAI || (frac == FRAC_SAWA && next_is_multiplier(c))) {
        out->mant = frac == FRAC_DEDH ? 150 : frac == FRAC_DHAI ? 250 : 125;
        return true;
    }
    if (frac <= 0 || !cur_number(c, &base) || base.grouped || base.scale > 0 || base.mant < 1 ||
        base.mant > 1000000) {
        return false;
    }
    out->mant = base.mant * 100 + (frac == FRAC_SAWA ? 25 : frac == FRAC_SAADHE ? 50 : -25);
    return true;
}

/* Leaves out what may close an amount: "/-", "=/-", a currency, "only". */
static size_t amount_end(const struct tok *t, size_t n)
{
    for (;;) {
        if (n >= 3 && vt_tok_is(&t[n - 2], "/") && vt_tok_is(&t[n - 1], "-")) {
            n -= 2;
            if (vt_tok_is(&t[n - 1], "=")) {
                n--;
            }
        } else if (n >= 2 && (vt_tok_in(&t[n - 1], vocab_words(VOC_CURRENCY)) ||
                              vt_tok_is(&t[n - 1], "only"))) {
            n--;
        } else {
            return n;
        }
    }
}

/*
 * [Rs[.]|PKR] term+ [rupay|/-], a term a number and maybe a multiplier.
 * Multipliers fall term by term ("1 crore 20 lakh", "12 lakh 50 hazar");
 * a last bare term only after hazar or sau ("50 hazar 500"). A number
 * written with separators is already rupees and takes no multiplier:
 * "8,00,000 lakh" is an error, not 80 billion.
 */
int value_amount(struct str s, int64_t *rupees)
{
    struct toks tk;
    struct cur c;
    int64_t total = 0, prev_mult = 0;
    int rc = vt_tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    c.t = tk.t;
    c.n = amount_end(tk.t, tk.n);
    c.i = 0;
    if (c.n > 1 && vt_cur_accept_in(&c, vocab_words(VOC_CURRENCY))) {
        if (!vt_cur_accept(&c, ".")) {
            vt_cur_accept(&c, ":");
        }
    }
    if (vt_cur_end(&c)) {
        return RB_EPARSE;
    }
    while (!vt_cur_end(&c)) {
        struct num num;
        int64_t mult, v;

        if (!cur_number(&c, &num)) {
            return RB_EPARSE;
        }
        mult = vt_cur_val(&c, vocab_list(VOC_MULTIPLIER));
        if (mult > 0 && (num.grouped || (prev_mult && mult >= prev_mult))) {
            return RB_EPARSE;
        }
        if (mult <= 0 && (!vt_cur_end(&c) || prev_mult > 1000)) {
            return RB_EPARSE;
        }
        if (mult <= 0) {
            mult = 1;
        }
        if (!num_times(num, mult, &v) || (prev_mult && v >= prev_mult)) {
            return RB_EPARSE;
        }
        total += v;
        if (total > AMOUNT_MAX) {
            return RB_EPARSE;
        }
        prev_mult = mult;
    }
    if (total <= 0) {
        return RB_EPARSE;
    }
    *rupees = total;
    return RB_OK;
}

/* "300", "300 guests", "300+ log", "teen sau mehman", "1,000 pax". */
int value_guests(struct str s, int64_t *count)
{
    struct toks tk;
    struct cur c;
    struct num num;
    int64_t mult, v;
    int rc = vt_tokenize(s, &tk);

    if (rc) {
        return rc;
    }
    c.t = tk.t;
    c.n = tk.n;
    c.i = 0;
    if (c.n > 1 && vt_tok_in(&tk.t[c.n - 1], vocab_words(VOC_GUEST))) {
        c.n--;
    }
    if (!cur_number(&c, &num)) {
        return RB_EPARSE;
    }
    mult = vt_cur_val(&c, vocab_list(VOC_MULTIPLIER));
    if (mult > 1000 || (mult > 0 && num.grouped)) {
        return RB_EPARSE;
    }
    if (!num_times(num, mult > 0 ? mult : 1, &v)) {
        return RB_EPARSE;
    }
    if (mult >= 100 && !vt_cur_end(&c)) { /* "teen sau pachas", "three hundred and fifty" */
        struct num rest;
        int64_t r;

        if (!vt_cur_accept(&c, "and")) {
            vt_cur_accept(&c, "aur");
        }
        if (!cur_number(&c, &rest) || rest.grouped || !num_times(rest, 1, &r) || r < 1 ||
            r >= mult) {
            return RB_EPARSE;
        }
        v += r;
    }
    vt_cur_accept(&c, "+");
    if (!vt_cur_end(&c) || v < 1 || v > GUESTS_MAX) {
        return RB_EPARSE;
    }
    *count = v;
    return RB_OK;
}
