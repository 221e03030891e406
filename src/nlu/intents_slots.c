/*
 * intents_slots.c - from a pattern's captures to canonical slots: names as
 * written without honorifics, leads, dates and times, words through the
 * synonym table, halls, numbers, free text.
 */
#include "nlu/intents_impl.h"

#include "core/period.h"

/* The first group of slot def in the match that took part: [*s, *e). */
bool ix_capture_of(const struct xctx *X, const struct slot_def *def, size_t *s, size_t *e)
{
    size_t i;
    int g;

    for (i = 0; i < X->P->nslots; i++) {
        if (X->P->slots[i].def != def) {
            continue;
        }
        for (g = 0; g < X->P->slots[i].ngroups; g++) {
            uint32_t n = X->P->slots[i].groups[g];

            if (X->ov[2 * n] != PCRE2_UNSET && X->ov[2 * n + 1] > X->ov[2 * n]) {
                *s = X->ov[2 * n];
                *e = X->ov[2 * n + 1];
                return true;
            }
        }
    }
    return false;
}

bool ix_is_trim_punct(char c)
{
    return c == ' ' || (c != '#' && c != '+' && strchr(".,:;!?-_'\"()*/", c) != NULL);
}

static struct str key_slice(const struct xctx *X, size_t s, size_t e)
{
    return str_make(X->K->k.p + s, e - s);
}

/* The canonical value of a synonym of slot, NULL when none. */
static const char *syn_lookup(const struct intents *S, const char *slot, struct str s)
{
    char tmp[256];
    size_t i, n = 0;

    for (i = 0; i < s.len; i++) {
        if (!ix_squeezed_out(s.p[i])) {
            if (n + 1 >= sizeof tmp) {
                return NULL;
            }
            tmp[n++] = s.p[i];
        }
    }
    tmp[n] = '\0';
    for (i = 0; i < S->nsyns; i++) {
        if (strcmp(S->syns[i].key, tmp) == 0 && strcmp(S->syns[i].slot, slot) == 0) {
            return S->syns[i].value;
        }
    }
    return NULL;
}

/* Drops the "drop-from-names" phrases and punctuation from both ends. */
static void strip_name(const struct xctx *X, size_t *s, size_t *e)
{
    const char *k = X->K->k.p;
    bool changed = true;
    size_t i, n;

    while (changed) {
        changed = false;
        while (*e > *s && ix_is_trim_punct(k[*e - 1])) {
            (*e)--;
        }
        while (*e > *s && ix_is_trim_punct(k[*s])) {
            (*s)++;
        }
        if (*e - *s > 2 && k[*e - 2] == '\'' && k[*e - 1] == 's') {
            *e -= 2; /* Hamza's */
            changed = true;
        }
        for (i = 0; i < X->S->ndrops; i++) {
            n = strlen(X->S->drops[i]);
            if (*e - *s > n + 1 && memcmp(k + *s, X->S->drops[i], n) == 0 && k[*s + n] == ' ') {
                *s += n + 1;
                changed = true;
            }
            if (*e - *s > n + 1 && memcmp(k + *e - n, X->S->drops[i], n) == 0 &&
                k[*e - n - 1] == ' ') {
                *e -= n + 1;
                changed = true;
            }
        }
    }
}

/* Trims white space and punctuation off the start of an original slice,
 * and for names punctuation and symbols off its end too. */
static struct str trim_orig(struct str o, bool name)
{
    ucs4_t c;
    const uint8_t *p;
    size_t back;

    while (o.len && ix_is_trim_punct(o.p[0])) {
        o.p++;
        o.len--;
    }
    while (!name && o.len && ix_is_space(o.p[o.len - 1])) {
        o.len--; /* free text keeps its last "?" or "." */
    }
    while (name && o.len) {
        p = u8_prev(&c, (const uint8_t *)o.p + o.len, (const uint8_t *)o.p);
        if (!p) {
            break;
        }
        back = (size_t)((const uint8_t *)o.p + o.len - p);
        if (c < 0x80 ? !ix_is_trim_punct((char)c)
                     : (!name || uc_is_alnum(c) || uc_is_general_category(c, UC_CATEGORY_M))) {
            break;
        }
        o.len -= back;
    }
    return o;
}

/*
 * The text as written for key range [s, e), or the key text. Free text that
 * runs to the end of the key runs to the end of the message, so that its
 * last "?" or emoji stays.
 */
static json_t *as_written(const struct xctx *X, size_t s, size_t e, bool name)
{
    size_t os, oe;
    struct str o;

    if (ix_key_to_orig(X->K, s, e, &os, &oe)) {
        if (!name && e == X->K->k.len) {
            oe = X->K->olen;
        }
        o = trim_orig(str_make(X->K->orig + os, oe - os), name);
    } else {
        o = trim_orig(key_slice(X, s, e), name);
    }
    return o.len ? json_stringn(o.p, o.len) : NULL;
}

static int put_slot(struct xctx *X, const char *name, json_t *v)
{
    if (!v) {
        return RB_EPARSE;
    }
    return json_object_set_new(X->slots, name, v) ? RB_ENOMEM : RB_OK;
}

static int conv_name(struct xctx *X, const char *slot, size_t s, size_t e)
{
    strip_name(X, &s, &e);
    if (e <= s) {
        return RB_EPARSE;
    }
    return put_slot(X, slot, as_written(X, s, e, true));
}

/* "lead forty two": a lead number in words, two words or more of the
 * `number:` list ("forty two", "ek sau bees"); one word is a name ("Do"). */
static bool lead_in_words(struct str c, size_t *n)
{
    const struct vocab_word *num = vocab_list(VOC_NUMBER), *mult = vocab_list(VOC_MULTIPLIER);
    struct str cur = str_trim(c), w;
    int64_t v;
    size_t words = 0, i;

    while (cur.len) {
        str_split(&cur, ' ', &w);
        if (!w.len) {
            continue;
        }
        for (i = 0; num[i].w && !str_eqs(w, num[i].w); i++) {
        }
        if (!num[i].w) {
            for (i = 0; mult[i].w && !(str_eqs(w, mult[i].w) && mult[i].v == 100); i++) {
            }
            if (!mult[i].w) {
                return false; /* not a number word, or a lakh: not a lead */
            }
        }
        words++;
    }
    if (words < 2 || value_guests(str_trim(c), &v) != RB_OK || v < 1) {
        return false;
    }
    *n = (size_t)v;
    return true;
}

static int conv_lead(struct xctx *X, size_t s, size_t e)
{
    struct str c = key_slice(X, s, e);
    const char *v = syn_lookup(X->S, "lead", str_trim(c));
    size_t i, d0 = 0, d1 = 0, digits = 0;
    char phone[20];

    if (v) {
        return put_slot(X, "lead", json_string(v));
    }
    for (i = 0; i < c.len; i++) {
        if (c.p[i] >= '0' && c.p[i] <= '9') {
            if (!digits++) {
                d0 = i;
            }
            d1 = i + 1;
        }
    }
    if (!digits && lead_in_words(c, &i)) {
        char num[24];

        snprintf(num, sizeof num, "%zu", i);
        return put_slot(X, "lead", json_string(num));
    }
    if (!digits) {
        return conv_name(X, "lead", s, e);
    }
    if (digits >= 9) {
        if (d0 > 0 && c.p[d0 - 1] == '+') {
            d0--;
        }
        if (value_phone(str_make(c.p + d0, d1 - d0), X->S->country_code, phone) != RB_OK) {
            return RB_EPARSE;
        }
        return put_slot(X, "lead", json_string(phone));
    }
    for (i = d0; i < c.len && c.p[i] >= '0' && c.p[i] <= '9'; i++) {
    }
    while (d0 + 1 < i && c.p[d0] == '0') {
        d0++;
    }
    return put_slot(X, "lead", json_stringn(c.p + d0, i - d0));
}

/*
 * The capture without the English glue words the value parsers do not take
 * ("on the 25th of march at 5 in the evening" → "25th march 5 evening"),
 * with a `tonight:` word read as "aaj raat" ("aaj" for a date alone) and a
 * `noon:` word as "12 baje" (values.words). Written to out.
 */
static bool in_words(struct str w, enum vocab_id id)
{
    const char *const *l = vocab_words(id);

    for (size_t i = 0; l[i]; i++) {
        if (str_eqs(w, l[i])) {
            return true;
        }
    }
    return false;
}

static struct str simplify(struct str c, bool date_only, struct buf *out)
{
    const char *const *glue = vocab_words(VOC_WHEN_GLUE);
    struct str cur = c, w;
    size_t i;
    bool skip;
    int rc = RB_OK;

    buf_reset(out);
    while (cur.len && !rc) {
        skip = false;
        for (i = 0; glue[i] && !skip; i++) {
            size_t gl = strlen(glue[i]);

            /* a glue phrase of several words ("ke din"): skipped whole */
            if (strchr(glue[i], ' ') && cur.len >= gl && memcmp(cur.p, glue[i], gl) == 0 &&
                (cur.len == gl || cur.p[gl] == ' ')) {
                cur = str_make(cur.p + gl, cur.len - gl);
                skip = true;
            }
        }
        if (skip) {
            continue;
        }
        str_split(&cur, ' ', &w);
        for (i = 0; glue[i]; i++) {
            skip = skip || str_eqs(w, glue[i]);
        }
        if (skip || !w.len) {
            continue;
        }
        if (out->len) {
            rc = buf_addc(out, ' ');
        }
        if (!rc) {
            if (in_words(w, VOC_TONIGHT)) {
                rc = buf_adds(out, date_only ? "aaj" : "aaj raat");
            } else if (in_words(w, VOC_NOON)) {
                rc = date_only ? RB_OK : buf_adds(out, "12 baje");
            } else {
                rc = buf_add(out, w.p, w.len);
            }
        }
    }
    return rc ? c : str_make(out->p, out->len);
}

/* value_date, then again on the simplified capture. */
static int parse_date(struct xctx *X, struct str c, struct rb_date *from, struct rb_date *to,
                      bool *range)
{
    struct buf tmp;
    int rc;

    if (value_date(c, &X->nn, from, to, range) == RB_OK) {
        return RB_OK;
    }
    buf_init(&tmp, KEY_MAX);
    rc = value_date(simplify(c, true, &tmp), &X->nn, from, to, range);
    buf_release(&tmp);
    return rc;
}

static int parse_when(struct xctx *X, struct str c, struct rb_datetime *t)
{
    struct buf tmp;
    int rc;

    if (value_when(c, &X->nn, t) == RB_OK) {
        return RB_OK;
    }
    buf_init(&tmp, KEY_MAX);
    rc = value_when(simplify(c, false, &tmp), &X->nn, t);
    buf_release(&tmp);
    return rc;
}

static int put_date(struct xctx *X, const char *name, struct rb_date d)
{
    char out[11];

    date_format(d, out);
    return put_slot(X, name, json_string(out));
}

/* A day alone, in digits with or without its ordinal ("10", "5th", "5 th"). */
static bool bare_day_of(struct str c, int64_t *day)
{
    size_t n;

    c = str_trim(c);
    for (n = 0; n < c.len && c.p[n] >= '0' && c.p[n] <= '9'; n++) {
    }
    if (n == 0 || n > 2 || str_to_i64(str_make(c.p, n), 1, 31, day) != RB_OK) {
        return false;
    }
    c = str_trim(str_make(c.p + n, c.len - n));
    return c.len == 0 || in_words(c, VOC_ORDINAL);
}

/*
 * A bare day of a range: "10" in "10 se 15 april tak" takes the month of
 * date_to; "15" in "april 10 to 15" takes the month of date (already set).
 */
static int conv_bare_day(struct xctx *X, const char *slot, struct str c)
{
    const struct slot_def *to_def = slot_def_find("date_to");
    struct rb_date from, to, d;
    const char *have;
    size_t s, e;
    int64_t day;
    bool range;

    if (!bare_day_of(c, &day)) {
        return RB_EPARSE;
    }
    if (strcmp(slot, "date") == 0) {
        if (!ix_capture_of(X, to_def, &s, &e) ||
            parse_date(X, key_slice(X, s, e), &from, &to, &range) != RB_OK) {
            return RB_EPARSE;
        }
        d = from;
        d.d = (int)day;
        if (!date_valid(d) || date_cmp(d, from) > 0) {
            return RB_EPARSE;
        }
        return put_date(X, "date", d);
    }
    have = json_string_value(json_object_get(X->slots, "date"));
    if (!have || sscanf(have, "%d-%d-%d", &d.y, &d.m, &d.d) != 3) {
        return RB_EPARSE;
    }
    from = d;
    d.d = (int)day;
    if (!date_valid(d) || date_cmp(d, from) < 0) {
        return RB_EPARSE;
    }
    return put_date(X, "date_to", d);
}

/*
 * A month alone ("june mein koi date?") as a range of days: its whole month,
 * the next such month on or after today (the latest before, in the past).
 */
static int conv_month(struct xctx *X, const char *slot, struct str c)
{
    struct nlu_now past = X->nn;
    struct rb_date from = {0, 0, 1}, to;
    char period[16];
    int rc;

    past.past = true;
    if (strcmp(slot, "date") != 0 || !ix_intent_has_slot(X->in, "date_to") ||
        value_period(c, &past, period) != RB_OK || strlen(period) != 7 || period[4] != '-' ||
        !ix_is_digit(period[5])) {
        return RB_EPARSE;
    }
    from.y = atoi(period);
    from.m = atoi(period + 5);
    if (!X->nn.past &&
        (from.y < X->nn.now.date.y || (from.y == X->nn.now.date.y && from.m < X->nn.now.date.m))) {
        from.y++;
    }
    to = from;
    to.d = date_days_in_month(to.y, to.m);
    rc = put_date(X, "date", from);
    if (!rc) {
        rc = put_date(X, "date_to", to);
    }
    return rc;
}

/*
 * A day of a month named relatively ("is mahine ki 20", "agle mahine ko
 * 5th"): the month read as a range, then that day of it.
 */
static int conv_month_day(struct xctx *X, const char *slot, struct str c)
{
    struct rb_date from, to, d;
    struct str head, num;
    int64_t day;
    size_t i, n;
    bool range;

    c = str_trim(c);
    for (i = c.len; i > 0 && c.p[i - 1] != ' '; i--) {
    }
    if (i == 0) {
        return RB_EPARSE;
    }
    num = str_make(c.p + i, c.len - i);
    for (n = 0; n < num.len && num.p[n] >= '0' && num.p[n] <= '9'; n++) {
    }
    if (n == 0 || str_to_i64(str_make(num.p, n), 1, 31, &day) != RB_OK) {
        return RB_EPARSE;
    }
    head = str_trim(str_make(c.p, i));
    for (i = head.len; i > 0 && head.p[i - 1] != ' '; i--) {
    }
    head = str_trim(str_make(head.p, i)); /* without "ki", "ko", "ke" */
    if (!head.len || parse_date(X, head, &from, &to, &range) != RB_OK || !range) {
        return RB_EPARSE;
    }
    d = to;
    d.d = (int)day;
    if (!date_valid(d)) {
        return RB_EPARSE;
    }
    return put_date(X, strcmp(slot, "date_to") == 0 ? "date_to" : "date", d);
}

static int conv_date(struct xctx *X, const char *slot, size_t s, size_t e)
{
    struct rb_date from, to;
    bool range;
    int rc;

    if (conv_month_day(X, slot, key_slice(X, s, e)) == RB_OK) {
        return RB_OK;
    }
    /* "5th to 7th feb": the first day takes the month of the range's end */
    if (strcmp(slot, "date") == 0 && bare_day_of(key_slice(X, s, e), &(int64_t){0}) &&
        conv_bare_day(X, slot, key_slice(X, s, e)) == RB_OK) {
        return RB_OK;
    }
    if (parse_date(X, key_slice(X, s, e), &from, &to, &range) != RB_OK) {
        if (conv_month(X, slot, key_slice(X, s, e)) == RB_OK) {
            return RB_OK;
        }
        return conv_bare_day(X, slot, key_slice(X, s, e));
    }
    if (strcmp(slot, "date_to") == 0) {
        return put_date(X, "date_to", range ? to : from);
    }
    rc = put_date(X, "date", from);
    if (!rc && range && ix_intent_has_slot(X->in, "date_to") &&
        !json_object_get(X->slots, "date_to")) {
        rc = put_date(X, "date_to", to);
    }
    return rc;
}

/* A date and time; a date alone fills `date` when the intent takes one. */
static int conv_when(struct xctx *X, size_t s, size_t e)
{
    struct rb_datetime t;
    struct rb_date from, to;
    char out[17];
    bool range;

    if (parse_when(X, key_slice(X, s, e), &t) == RB_OK) {
        datetime_format(t, out);
        return put_slot(X, "when", json_string(out));
    }
    if (!ix_intent_has_slot(X->in, "date")) {
        return RB_EPARSE;
    }
    /* no time in it after all ("friday evening"): the day, from its longest start that is one */
    while (e > s) {
        if (parse_date(X, key_slice(X, s, e), &from, &to, &range) == RB_OK) {
            return put_date(X, "date", from);
        }
        while (e > s && X->K->k.p[e - 1] != ' ') {
            e--;
        }
        while (e > s && X->K->k.p[e - 1] == ' ') {
            e--;
        }
    }
    return RB_EPARSE;
}

/* "q1 last year", "march pichle saal": that month or quarter of the calendar
 * year before now (as value_period reads it: asked in March 2026, "december
 * last year" is 2025-12, not the December before the latest one). For what
 * value_period does not take with its year. */
static int period_last_year(struct str c, const struct nlu_now *ctx, char out[16])
{
    const char *const *tails = vocab_words(VOC_LAST_YEAR);
    char tmp[16];
    size_t i, n;
    int y;

    for (i = 0; tails[i]; i++) {
        n = strlen(tails[i]);
        if (c.len > n + 1 && c.p[c.len - n - 1] == ' ' &&
            memcmp(c.p + c.len - n, tails[i], n) == 0 &&
            value_period(str_make(c.p, c.len - n), ctx, tmp) == RB_OK && ix_is_digit(tmp[0]) &&
            strlen(tmp) >= 4) {
            y = ctx->now.date.y - 1;
            if (y < 1000 || y > 9999) {
                return RB_EPARSE;
            }
            /* "2025-12" → "2025-12", "2026-Q1" → "2025-Q1": only the year changes */
            memcpy(out, tmp, 16);
            out[0] = (char)('0' + y / 1000);
            out[1] = (char)('0' + y / 100 % 10);
            out[2] = (char)('0' + y / 10 % 10);
            out[3] = (char)('0' + y % 10);
            return RB_OK;
        }
    }
    return RB_EPARSE;
}

/* The canonical name of a period that period_previous gave (its name is
 * empty), or RB_EPARSE when it has none (a week that is not last week). */
static int period_name_of(const struct period *p, const struct period *named, struct rb_date today,
                          char out[16])
{
    struct period t;
    int y = p->from.y, m = p->from.m;

    if (y < 1000 || y > 9999 || m < 1 || m > 12) {
        return RB_EPARSE;
    }
    switch (p->kind) {
    case PERIOD_MONTH:
        snprintf(out, 16, "%04d-%02d", y % 10000, m % 100);
        return RB_OK;
    case PERIOD_QUARTER:
        snprintf(out, 16, "%04d-Q%d", y % 10000, (m - 1) / 3 % 4 + 1);
        return RB_OK;
    case PERIOD_YEAR:
    case PERIOD_YTD:
        snprintf(out, 16, "%04d", y % 10000);
        return RB_OK;
    case PERIOD_WEEK:
        if (strcmp(named->name, "this_week") == 0) {
            snprintf(out, 16, "last_week");
            return RB_OK;
        }
        return RB_EPARSE;
    case PERIOD_DAY:
        if (period_parse("yesterday", today, &t) == RB_OK && date_cmp(t.from, p->from) == 0) {
            snprintf(out, 16, "yesterday");
            return RB_OK;
        }
        return RB_EPARSE;
    }
    return RB_EPARSE;
}

/* "compare last month with the month before": a compare_period written as
 * a `period_before:` phrase (values.words) is the period before the one
 * the message named (found before it, or captured by the same pattern). */
static int period_before(struct xctx *X, struct str c, char out[16])
{
    const struct vocab_word *w = vocab_list(VOC_PERIOD_BEFORE);
    const struct slot_def *pd = slot_def_find("period");
    json_t *have = json_object_get(X->slots, "period");
    const char *name = json_string_value(have);
    struct nlu_now past = X->nn;
    struct period p, prev;
    char tmp[16];
    size_t i, s, e;

    for (i = 0; w[i].w && !str_eqs(c, w[i].w); i++) {
    }
    if (!w[i].w) {
        return RB_EPARSE;
    }
    past.past = true;
    if (!name && pd && ix_capture_of(X, pd, &s, &e) && e > s) {
        struct str pc = str_trim(key_slice(X, s, e));

        name = syn_lookup(X->S, "period", pc);
        if (!name && value_period(pc, &past, tmp) == RB_OK) {
            name = tmp;
        }
    }
    if (!name || period_parse(name, X->nn.now.date, &p) != RB_OK) {
        return RB_EPARSE;
    }
    period_previous(&p, &prev);
    return period_name_of(&prev, &p, X->nn.now.date, out);
}

/* stage, enums and periods: synonyms first, then the value parsers. */
static int conv_word(struct xctx *X, const struct slot_def *def, size_t s, size_t e)
{
    struct str c = str_trim(key_slice(X, s, e));
    const char *v = syn_lookup(X->S, def->name, c);
    struct nlu_now past = X->nn;
    const char *canon = NULL;
    char period[16], *tmp;
    json_t *j;
    size_t i;

    if (!v && strcmp(def->name, "slot") == 0 && value_slot(c, &canon) == RB_OK) {
        v = canon;
    }
    if (!v && strcmp(def->name, "milestone") == 0 && value_milestone(c, &canon) == RB_OK) {
        v = canon;
    }
    if (!v && def->type == SLOT_PERIOD) {
        past.past = true;
        if (value_period(c, &past, period) == RB_OK ||
            period_last_year(c, &past, period) == RB_OK ||
            (strcmp(def->name, "compare_period") == 0 && period_before(X, c, period) == RB_OK)) {
            v = period;
        }
    }
    if (v) {
        return put_slot(X, def->name, json_string(v));
    }
    /* the canonical value itself ("mine", "conversion_rate", "site_visit") */
    tmp = str_dup(c);
    if (!tmp) {
        return RB_ENOMEM;
    }
    if (def->type == SLOT_STAGE) {
        for (i = 0; tmp[i]; i++) {
            if (tmp[i] == ' ') {
                tmp[i] = '_';
            } else if (tmp[i] >= 'a' && tmp[i] <= 'z') {
                tmp[i] = (char)(tmp[i] - 'a' + 'A');
            }
        }
    }
    j = json_string(tmp);
    free(tmp);
    if (j && slot_value_valid(def, j)) {
        return put_slot(X, def->name, j);
    }
    json_decref(j);
    return RB_EPARSE;
}

static int conv_hall(struct xctx *X, size_t s, size_t e)
{
    char tmp[256];
    size_t i, n = 0;

    for (i = s; i < e && n + 1 < sizeof tmp; i++) {
        if (!ix_squeezed_out(X->K->k.p[i])) {
            tmp[n++] = X->K->k.p[i];
        }
    }
    tmp[n] = '\0';
    for (i = 0; i < X->S->nhalls; i++) {
        if (strcmp(X->S->halls[i].key, tmp) == 0) {
            return put_slot(X, "hall", json_string(X->S->halls[i].name));
        }
    }
    return conv_name(X, "hall", s, e);
}

static int conv_int(struct xctx *X, const struct slot_def *def, size_t s, size_t e)
{
    int64_t n = 0;
    int rc;

    struct str c = key_slice(X, s, e);
    size_t i;

    if (strcmp(def->name, "amount") == 0) {
        rc = value_amount(c, &n);
    } else {
        rc = value_guests(c, &n);
        /* "400 mehmanon", "۳۰۰ لوگوں": the count before a word the parser does not know */
        for (i = 0; rc && i < c.len && ix_is_digit(c.p[i]); i++) {
        }
        if (rc && i > 0 && i < c.len && c.p[i] == ' ') {
            rc = str_to_i64(str_make(c.p, i), 1, 100000, &n);
        }
    }
    if (rc || n <= 0) {
        return RB_EPARSE;
    }
    return put_slot(X, def->name, json_integer(n));
}

int ix_conv_slot(struct xctx *X, const struct slot_def *def, size_t s, size_t e)
{
    char phone[20];

    switch (def->type) {
    case SLOT_LEAD:
        return conv_lead(X, s, e);
    case SLOT_DATE:
        return conv_date(X, def->name, s, e);
    case SLOT_WHEN:
        return conv_when(X, s, e);
    case SLOT_INT:
        return conv_int(X, def, s, e);
    case SLOT_PHONE:
        if (value_phone(key_slice(X, s, e), X->S->country_code, phone) != RB_OK) {
            return RB_EPARSE;
        }
        return put_slot(X, def->name, json_string(phone));
    case SLOT_TEXT:
        if (strcmp(def->name, "hall") == 0) {
            return conv_hall(X, s, e);
        }
        if (strcmp(def->name, "text") == 0) {
            return put_slot(X, "text", as_written(X, s, e, false));
        }
        return conv_name(X, def->name, s, e);
    case SLOT_STAGE:
    case SLOT_ENUM:
    case SLOT_PERIOD:
        return conv_word(X, def, s, e);
    }
    return RB_EPARSE;
}

/*
 * A text group that took part but is empty at the very end of the key
 * ("#90 👍": the key drops the emoji) stands for what the original has after
 * the key's last character. NULL when there is nothing there.
 */
static json_t *text_tail(const struct xctx *X, const struct slot_def *def)
{
    size_t i, os, oe, n = X->K->k.len;
    struct str o;
    int g;

    if (n == 0) {
        return NULL;
    }
    for (i = 0; i < X->P->nslots; i++) {
        if (X->P->slots[i].def != def) {
            continue;
        }
        for (g = 0; g < X->P->slots[i].ngroups; g++) {
            uint32_t k = X->P->slots[i].groups[g];

            if (X->ov[2 * k] == n && X->ov[2 * k + 1] == n &&
                ix_key_to_orig(X->K, n - 1, n, &os, &oe)) {
                o = trim_orig(str_make(X->K->orig + oe, X->K->olen - oe), false);
                return o.len ? json_stringn(o.p, o.len) : NULL;
            }
        }
    }
    return NULL;
}

/*
 * A time and a day written apart ("paune 5 baje Sobia ko call karni hai
 * aaj"): when the `when` capture is a time alone and a `date` was found
 * elsewhere, `when` is that day at that time.
 */
static int join_time_and_day(struct xctx *X)
{
    const struct slot_def *def = slot_def_find("when");
    const char *day = json_string_value(json_object_get(X->slots, "date"));
    struct rb_datetime t;
    size_t s, e;
    char out[17];
    int hour, min;

    if (!def || !day || !json_object_get(X->slots, "when") || !ix_capture_of(X, def, &s, &e) ||
        value_time(key_slice(X, s, e), &hour, &min) != RB_OK ||
        sscanf(day, "%d-%d-%d", &t.date.y, &t.date.m, &t.date.d) != 3) {
        return RB_OK;
    }
    t.hour = hour;
    t.min = min;
    datetime_format(t, out);
    return put_slot(X, "when", json_string(out));
}

/* All slots of the match, in the intent's order, then the `set:` ones. */
int ix_extract(struct xctx *X)
{
    const struct slot_def *def;
    const char *k;
    json_t *v;
    size_t i, s, e;
    int rc = RB_OK;

    for (i = 0; i < X->in->nslots && !rc; i++) {
        def = slot_def_find(X->in->slots[i]);
        if (def && ix_capture_of(X, def, &s, &e)) {
            rc = ix_conv_slot(X, def, s, e);
        } else if (def && def->type == SLOT_TEXT && strcmp(def->name, "text") == 0) {
            v = text_tail(X, def);
            rc = v ? put_slot(X, "text", v) : RB_OK;
        }
    }
    json_object_foreach (X->P->sets, k, v) {
        if (!rc && !json_object_get(X->slots, k)) {
            rc = json_object_set(X->slots, k, v) ? RB_ENOMEM : RB_OK;
        }
    }
    if (!rc) {
        rc = join_time_and_day(X);
    }
    /* a day and time (when) says all a day alone (date) would */
    if (!rc && json_object_get(X->slots, "when")) {
        json_object_del(X->slots, "date");
    }
    return rc;
}
