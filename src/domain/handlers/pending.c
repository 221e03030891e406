/*
 * pending.c - the second message of a conversation: the answer to a
 * question ("Event ki date aur final amount batayein" -> "15 March, 8
 * lakh"), the number of a choice ("2"), or "aur dikhao" for a list's next
 * page. One pending state per staff member (conversation_state.pending),
 * expiring after [thresholds] pending_question_minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/clock.h"
#include "domain/handlers/handlers.h"
#include "nlu/catalog.h"
#include "nlu/intents.h"
#include "nlu/values.h"

#define MAX_TOKENS 64
#define MAX_WINDOW 5

/* Whole answers to a yes/no question (normalized). */
static const char *const yes_words[] = {
    "yes",      "y",       "haan",    "han",    "ha",      "haa",       "ji",
    "jee",      "ji haan", "haan ji", "ok",     "okay",    "theek hai", "confirm",
    "sahi hai", "ہاں",     "جی",      "جی ہاں", "ٹھیک ہے", "درست",      NULL};
static const char *const no_words[] = {"no",     "n",        "nahi",     "nahin", "nhi",     "na",
                                       "cancel", "mat karo", "rehne do", "نہیں",  "رہنے دو", NULL};

/* ---- tokens of an answer ---- */

struct token {
    size_t start, end; /* bytes of the original text */
    bool brk;          /* a comma, semicolon or line break follows */
    bool used;
};

struct answer {
    const char *text;
    struct token tok[MAX_TOKENS];
    size_t n;
    struct nlu_now now;
    struct buf key; /* scratch: a normalized window */
    const struct config *cfg;
    size_t wfrom, wto; /* bytes of the current window, as written */
    bool units_only;   /* numbers must carry a unit (first pass) */
};

/* Bytes of a separator at s[i]: white space, ',' ';' and the Urdu comma
 * and semicolon (U+060C, U+061B); 0 for anything else. *brk is set for the
 * ones that end a value ("15 March, 8 lakh"). */
static size_t sep_at(const char *s, size_t i, bool *brk)
{
    unsigned char c = (unsigned char)s[i];

    *brk = c == ',' || c == ';' || c == '\n' || c == '\r';
    if (c == ' ' || c == '\t' || *brk) {
        return 1;
    }
    if (c == 0xD8 && ((unsigned char)s[i + 1] == 0x8C || (unsigned char)s[i + 1] == 0x9B)) {
        *brk = true;
        return 2;
    }
    return 0;
}

/* Drops end punctuation (. ! ? and the Urdu full stop and question mark). */
static void trim_token(const char *s, struct token *t)
{
    while (t->end > t->start) {
        unsigned char c = (unsigned char)s[t->end - 1];
        if (c == '.' || c == '!' || c == '?') {
            t->end--;
        } else if (t->end - t->start >= 2 && (c == 0x94 || c == 0x9F) &&
                   (unsigned char)s[t->end - 2] == (c == 0x94 ? 0xDB : 0xD8)) {
            t->end -= 2; /* U+06D4 ۔ and U+061F ؟ */
        } else {
            break;
        }
    }
}

static void tokenize(struct answer *a)
{
    const char *s = a->text;
    size_t i = 0, len = strlen(s), n;
    bool brk;

    a->n = 0;
    while (i < len && a->n < MAX_TOKENS) {
        while (i < len && (n = sep_at(s, i, &brk)) > 0) {
            if (a->n && brk) {
                a->tok[a->n - 1].brk = true;
            }
            i += n;
        }
        if (i >= len) {
            break;
        }
        struct token *t = &a->tok[a->n++];
        t->start = i;
        while (i < len && sep_at(s, i, &brk) == 0) {
            i++;
        }
        t->end = i;
        t->brk = false;
        t->used = false;
        trim_token(s, t);
        if (t->end == t->start) {
            a->n--; /* punctuation alone */
        }
    }
}

/* The normalized text of tokens [from, to] in a->key; false when a token
 * is used, a break lies inside, or the text does not normalize. */
static bool window(struct answer *a, size_t from, size_t to, struct str *out)
{
    for (size_t i = from; i <= to; i++) {
        if (a->tok[i].used || (i < to && a->tok[i].brk)) {
            return false;
        }
    }
    buf_reset(&a->key);
    if (text_normalize(a->text + a->tok[from].start, a->tok[to].end - a->tok[from].start,
                       &a->key) != RB_OK) {
        return false;
    }
    *out = str_make(a->key.p, a->key.len);
    a->wfrom = a->tok[from].start;
    a->wto = a->tok[to].end;
    return true;
}

/* A parser over one window: RB_OK puts its value into slots under name. */
typedef int (*window_fn)(struct answer *a, struct str w, const char *name, json_t *slots);

static int w_date(struct answer *a, struct str w, const char *name, json_t *slots)
{
    struct rb_date from, to;
    struct rb_datetime t;
    char out[17];
    bool range;

    if (strcmp(name, "when") == 0 && value_when(w, &a->now, &t) == RB_OK) {
        datetime_format(t, out);
        return json_object_set_new(slots, "when", json_string(out)) ? RB_ENOMEM : RB_OK;
    }
    if (value_date(w, &a->now, &from, &to, &range) != RB_OK) {
        return RB_EPARSE;
    }
    date_format(from, out);
    return json_object_set_new(slots, "date", json_string(out)) ? RB_ENOMEM : RB_OK;
}

/* True when w has something besides digits and spaces ("8 lakh", "8,00,000"). */
static bool has_unit(struct str w)
{
    for (size_t i = 0; i < w.len; i++) {
        if (!(w.p[i] >= '0' && w.p[i] <= '9') && w.p[i] != ' ') {
            return true;
        }
    }
    return false;
}

static int w_number(struct answer *a, struct str w, const char *name, json_t *slots)
{
    int64_t n = 0;
    int rc;

    if (a->units_only && !has_unit(w)) {
        return RB_EPARSE;
    }
    rc = strcmp(name, "amount") == 0 ? value_amount(w, &n) : value_guests(w, &n);
    if (rc || n <= 0 || (strcmp(name, "guests") == 0 && n > 100000)) {
        return RB_EPARSE;
    }
    /* a bare small number is no amount ("hall no 3"): rupees under 1,000
     * come with their unit (Rs 500, 500 rupay) */
    if (strcmp(name, "amount") == 0 && n < 1000 && !has_unit(w)) {
        return RB_EPARSE;
    }
    return json_object_set_new(slots, name, json_integer(n)) ? RB_ENOMEM : RB_OK;
}

static int w_word(struct answer *a, struct str w, const char *name, json_t *slots)
{
    const char *canon = NULL;
    char phone[20];

    if (strcmp(name, "phone") == 0 && value_phone(w, a->now.country_code, phone) == RB_OK) {
        return json_object_set_new(slots, name, json_string(phone)) ? RB_ENOMEM : RB_OK;
    }
    if (strcmp(name, "slot") == 0 && value_slot(w, &canon) == RB_OK) {
        return json_object_set_new(slots, name, json_string(canon)) ? RB_ENOMEM : RB_OK;
    }
    if (strcmp(name, "milestone") == 0 && value_milestone(w, &canon) == RB_OK) {
        return json_object_set_new(slots, name, json_string(canon)) ? RB_ENOMEM : RB_OK;
    }
    return RB_EPARSE;
}

/* A hall of the config by name or alias, as written. */
static int w_hall(struct answer *a, struct str w, const char *name, json_t *slots)
{
    char raw[128];
    const struct hall_conf *hall;

    (void)w;
    if (a->wto - a->wfrom >= sizeof(raw)) {
        return RB_EPARSE;
    }
    memcpy(raw, a->text + a->wfrom, a->wto - a->wfrom);
    raw[a->wto - a->wfrom] = '\0';
    hall = config_find_hall(a->cfg, raw);
    if (!hall) {
        return RB_EPARSE;
    }
    return json_object_set_new(slots, name, json_string(hall->name)) ? RB_ENOMEM : RB_OK;
}

/* Tries every window, longest first, leftmost first; consumes the first
 * that parses. *hit is true then. */
static int scan(struct answer *a, window_fn fn, const char *name, json_t *slots, bool *hit)
{
    struct str w;

    *hit = false;
    for (size_t from = 0; from < a->n; from++) {
        for (size_t len = MAX_WINDOW; len >= 1; len--) {
            size_t to = from + len - 1;
            if (to >= a->n || !window(a, from, to, &w)) {
                continue;
            }
            int rc = fn(a, w, name, slots);
            if (rc == RB_EPARSE) {
                continue;
            }
            if (rc) {
                return rc;
            }
            for (size_t i = from; i <= to; i++) {
                a->tok[i].used = true;
            }
            *hit = true;
            return RB_OK;
        }
    }
    return RB_OK;
}

/* The unused tokens, as written, joined by single spaces. New or NULL. */
static char *leftover(const struct answer *a)
{
    struct buf b;

    buf_init(&b, 4096);
    for (size_t i = 0; i < a->n; i++) {
        if (a->tok[i].used) {
            continue;
        }
        if (b.len) {
            buf_say(&b, " ");
        }
        buf_say(&b, "%.*s", (int)(a->tok[i].end - a->tok[i].start), a->text + a->tok[i].start);
    }
    if (buf_err(&b) || !b.len) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static bool wants(const json_t *missing, const char *name)
{
    size_t i;
    const json_t *v;

    json_array_foreach (missing, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0) {
            return true;
        }
    }
    return false;
}

/* A stage named in the answer, through the rule engine's synonyms when it
 * reads the answer as a stage move, or a canonical name ("quoted"). */
static int fill_stage(struct wctx *x, struct answer *a, json_t *slots, int *filled)
{
    struct parse_result pr;
    char up[32];
    size_t n = 0;
    const char *st = NULL;
    int rc = RB_OK;

    parse_result_init(&pr);
    if (x->snap->intents &&
        intents_match(x->snap->intents, a->text, strlen(a->text), a->now.now, &pr) == RB_OK) {
        st = json_string_value(json_object_get(pr.slots, "stage"));
    }
    for (const char *s = a->text; !st && *s && n + 1 < sizeof(up); s++) {
        up[n++] = *s == ' ' ? '_' : (*s >= 'a' && *s <= 'z') ? (char)(*s - 32) : *s;
        up[n] = '\0';
    }
    if (!st && n && stage_index(up) >= 0) {
        st = up;
    }
    if (st) {
        rc = json_object_set_new(slots, "stage", json_string(st)) ? RB_ENOMEM : RB_OK;
        *filled += !rc;
    }
    parse_result_release(&pr);
    return rc;
}

static int fill_free(struct answer *a, const json_t *missing, json_t *slots, int *filled)
{
    static const char *const order[] = {"lead", "name", "staff", "text", NULL};
    char *rest = leftover(a);
    int rc = RB_OK;

    for (size_t i = 0; rest && order[i]; i++) {
        if (wants(missing, order[i]) && !json_object_get(slots, order[i])) {
            rc = json_object_set_new(slots, order[i], json_string(rest)) ? RB_ENOMEM : RB_OK;
            *filled += !rc;
            break;
        }
    }
    free(rest);
    return rc;
}

static bool whole_word(const char *text, const char *const *words);

/* Token i of an answer, as written, into w (false when it does not fit). */
static bool token_text(const struct answer *a, size_t i, char *w, size_t size)
{
    size_t n = a->tok[i].end - a->tok[i].start;

    if (n >= size) {
        return false;
    }
    memcpy(w, a->text + a->tok[i].start, n);
    w[n] = '\0';
    return true;
}

/* A hall the config does not have ("Hall A", "hall no 3", "ہال بی"): a word
 * of the `words hall:` list of intents/, not taken by a hall of the config, with up to two unused
 * words right after it (or else the one before it). The phrase, as written, goes into
 * slots.hall_unknown and its tokens are used; *hit then. */
static int unknown_hall(const struct wctx *x, struct answer *a, json_t *slots, bool *hit)
{
    const char *const *hall_words = intents_words(x->snap->intents, "hall");
    char w[40];
    size_t i, from, to;

    *hit = false;
    for (i = 0; i < a->n; i++) {
        if (!a->tok[i].used && token_text(a, i, w, sizeof w) && whole_word(w, hall_words)) {
            break;
        }
    }
    if (i == a->n) {
        return RB_OK;
    }
    from = to = i;
    while (to + 1 < a->n && to < i + 2 && !a->tok[to].brk && !a->tok[to + 1].used) {
        to++;
    }
    if (to == i && i > 0 && !a->tok[i - 1].brk && !a->tok[i - 1].used) {
        from = i - 1;
    }
    for (size_t k = from; k <= to; k++) {
        a->tok[k].used = true;
    }
    *hit = true;
    return json_object_set_new(
               slots, "hall_unknown",
               json_stringn(a->text + a->tok[from].start, a->tok[to].end - a->tok[from].start))
               ? RB_ENOMEM
               : RB_OK;
}

/* Token i of an answer is a word that carries nothing ("ko", "at", "ji"):
 * one of the `words filler:` list of intents/. */
static bool is_filler(const struct wctx *x, const struct answer *a, size_t i)
{
    char w[40];

    return token_text(a, i, w, sizeof w) &&
           whole_word(w, intents_words(x->snap->intents, "filler"));
}

/* fill_missing, and *whole is true when every word of text went into a
 * typed value (nothing left over for a free-text slot). */
static int fill_answer(struct wctx *x, const json_t *missing, const char *text, json_t *slots,
                       int *filled, bool *whole)
{
    static const struct {
        const char *name;
        window_fn fn;
        bool units_first;
    } typed[] = {{"when", w_date, false},    {"date", w_date, false},
                 {"phone", w_word, false},   {"amount", w_number, true},
                 {"guests", w_number, true}, {"milestone", w_word, false},
                 {"slot", w_word, false},    {"hall", w_hall, false}};
    struct answer a;
    bool hit;
    int rc = RB_OK;

    memset(&a, 0, sizeof(a));
    a.text = text;
    a.now.now = clock_local(x->now_s);
    a.now.country_code = x->snap->config->country_code;
    a.cfg = x->snap->config;
    buf_init(&a.key, 8192);
    tokenize(&a);
    *filled = 0;
    for (size_t i = 0; !rc && i < sizeof(typed) / sizeof(typed[0]); i++) {
        bool want = wants(missing, typed[i].name);
        /* a date is taken out of an answer that gives an amount, so its digits
         * are not read as one ("15 March, 8 lakh") */
        if (!want && (strcmp(typed[i].name, "date") != 0 || !wants(missing, "amount"))) {
            continue;
        }
        a.units_only = typed[i].units_first;
        rc = scan(&a, typed[i].fn, typed[i].name, slots, &hit);
        if (!rc && !hit && typed[i].units_first) {
            a.units_only = false;
            rc = scan(&a, typed[i].fn, typed[i].name, slots, &hit);
        }
        *filled += hit && want;
    }
    /* a hall and a slot named in any answer are kept ("15 March Marquee dinner, 8 lakh") */
    if (!rc && *filled && !json_object_get(slots, "hall")) {
        rc = scan(&a, w_hall, "hall", slots, &hit);
    }
    if (!rc && *filled && !json_object_get(slots, "slot")) {
        rc = scan(&a, w_word, "slot", slots, &hit);
    }
    if (!rc && wants(missing, "stage")) {
        rc = fill_stage(x, &a, slots, filled);
    }
    /* a hall asked for and named, but not one of the config's: the answer
     * still counts, and the handler says so (stages.c, ask_booked) */
    if (!rc && wants(missing, "hall") && !json_object_get(slots, "hall")) {
        rc = unknown_hall(x, &a, slots, &hit);
        *filled += hit;
    }
    *whole = true;
    for (size_t i = 0; i < a.n; i++) {
        *whole = *whole && (a.tok[i].used || is_filler(x, &a, i));
    }
    rc = rc ? rc : fill_free(&a, missing, slots, filled);
    buf_release(&a.key);
    return rc;
}

int fill_missing(struct wctx *x, const json_t *missing, const char *text, json_t *slots,
                 int *filled)
{
    bool whole;

    return fill_answer(x, missing, text, slots, filled, &whole);
}

/* text answers a question of typed values (a date, a hall, a slot, an
 * amount) with nothing else in it: "20 April, Garden lunch, 12 lakh" reads
 * a little like an availability check, but "20 April available hai?" is
 * one. */
static int typed_answer(struct wctx *x, const json_t *missing, const json_t *slots,
                        const char *text, bool *yes)
{
    json_t *probe = json_deep_copy(slots);
    bool whole = false;
    int filled = 0, rc = probe ? fill_answer(x, missing, text, probe, &filled, &whole) : RB_ENOMEM;

    json_decref(probe);
    *yes = !rc && filled > 0 && whole;
    return rc;
}

/* ---- resuming ---- */

/* text is one of words, as a whole (normalized, end punctuation dropped). */
static bool whole_word(const char *text, const char *const *words)
{
    struct buf k, w;
    bool hit = false;

    buf_init(&k, 1024);
    buf_init(&w, 256);
    if (strlen(text) < 40 && text_normalize(text, strlen(text), &k) == RB_OK) {
        while (k.len && strchr(" .!?", k.p[k.len - 1])) {
            buf_truncate(&k, k.len - 1);
        }
        for (size_t i = 0; !hit && words[i]; i++) {
            buf_reset(&w);
            hit = text_normalize(words[i], strlen(words[i]), &w) == RB_OK && w.len == k.len &&
                  memcmp(w.p, k.p, k.len) == 0;
        }
    }
    buf_release(&k);
    buf_release(&w);
    return hit;
}

/* Whether text asks for the next page of a list: a whole message of the
 * `words more:` list of intents/ (as normalized). */
static bool is_more(const struct wctx *x, const char *text)
{
    return whole_word(text, intents_words(x->snap->intents, "more"));
}

/* "2" (or "۲") -> 2; 0 when the text is not a small number. */
static int small_number(const char *text)
{
    struct buf k;
    int64_t n = 0;

    buf_init(&k, 256);
    if (strlen(text) > 16 || text_normalize(text, strlen(text), &k) != RB_OK ||
        str_to_i64(str_trim(str_make(k.p, k.len)), 1, CHOICE_MAX, &n) != RB_OK) {
        n = 0;
    }
    buf_release(&k);
    return (int)n;
}

/* Missing slots whose answer is free text: a command wins over them. */
static bool free_form(const json_t *missing)
{
    return wants(missing, "text") || wants(missing, "name") || wants(missing, "lead") ||
           wants(missing, "staff");
}

static int run_pending(struct wctx *x, const struct staff_info *me, enum lang lang,
                       const struct convo *cv, json_t *slots, const char *text, int64_t message_id,
                       int offset)
{
    const char *intent = json_string_value(json_object_get(cv->pending, "intent"));
    int rc = convo_set_pending(x, me->id, NULL);

    return rc ? rc
              : dispatch_run(x, me, lang, intent ? intent : "unknown", slots, message_id, text,
                             offset, cv->current_lead);
}

/* The question again, or, when the answer names a day its month does not
 * have ("31 feb"), that reason (the question stays). */
static int ask_again(struct wctx *x, const struct staff_info *me, enum lang lang,
                     const json_t *pending, const char *text)
{
    const char *key = json_string_value(json_object_get(pending, "ask"));
    const json_t *missing = json_object_get(pending, "missing");
    struct hctx h;
    bool done = false;
    int rc = RB_OK;

    hctx_init(&h, x, me, lang, "unknown");
    h.text = text;
    if (wants(missing, "date") || wants(missing, "when")) {
        rc = reply_invalid_date(&h, &done);
    }
    return rc || done ? rc : reply(&h, key ? key : "unknown", json_object_get(pending, "vars"));
}

static int resume_slots(struct wctx *x, const struct staff_info *me, enum lang lang,
                        const struct convo *cv, json_t *slots, const char *text, const char *intent,
                        const json_t *cmd_slots, int64_t message_id, bool *taken)
{
    const json_t *missing = json_object_get(cv->pending, "missing");
    const char *asked = json_string_value(json_object_get(cv->pending, "intent"));
    bool command = strcmp(intent, "unknown") != 0, answer = false;
    int filled = 0, rc;

    /* "status 42" while a note is asked for, "واجب الادا ادائیگیاں دکھائیں"
     * while a payment's milestone and amount are, or "3 ko quoted kar do"
     * while lead 2's booking details are: a new command, even when a word of
     * it would fill the question (answers read as no command), unless every
     * word of it answers a question of typed values ("20 April, Garden
     * lunch, 12 lakh") */
    if (command && (free_form(missing) || !asked || strcmp(asked, intent) != 0 ||
                    json_object_get(cmd_slots, "lead"))) {
        rc = free_form(missing) ? RB_OK : typed_answer(x, missing, slots, text, &answer);
        if (rc || !answer) {
            return rc;
        }
    }
    rc = fill_missing(x, missing, text, slots, &filled);
    if (rc) {
        return rc;
    }
    if (filled) {
        *taken = true;
        return run_pending(x, me, lang, cv, slots, text, message_id, 0);
    }
    if (!command) {
        *taken = true;
        return ask_again(x, me, lang, cv->pending, text);
    }
    return RB_OK;
}

int resume_pending(struct wctx *x, const struct staff_info *me, enum lang lang,
                   const struct convo *cv, const char *text, const char *intent,
                   const json_t *cmd_slots, int64_t message_id, bool *taken)
{
    const char *kind = json_string_value(json_object_get(cv->pending, "kind"));
    const json_t *cands = json_object_get(cv->pending, "candidates");
    json_t *slots = json_deep_copy(json_object_get(cv->pending, "slots"));
    int rc = RB_OK, n;

    *taken = false;
    if (!slots) {
        slots = json_object();
    }
    if (!kind || !slots) {
        json_decref(slots);
        return slots ? RB_OK : RB_ENOMEM;
    }
    if (strcmp(kind, "choice") == 0 && (n = small_number(text)) > 0 &&
        (size_t)n <= json_array_size(cands)) {
        char id[24];
        json_object_set_new(
            slots, "lead",
            json_string(db_i64s(json_integer_value(json_array_get(cands, n - 1)), id)));
        *taken = true;
        rc = run_pending(x, me, lang, cv, slots, text, message_id, 0);
    } else if (strcmp(kind, "page") == 0 && is_more(x, text)) {
        *taken = true;
        rc = run_pending(x, me, lang, cv, slots, text, message_id,
                         (int)json_integer_value(json_object_get(cv->pending, "offset")));
    } else if (strcmp(kind, "slots") == 0) {
        rc = resume_slots(x, me, lang, cv, slots, text, intent, cmd_slots, message_id, taken);
    } else if (strcmp(kind, "confirm") == 0 && whole_word(text, yes_words)) {
        *taken = true; /* the command again, with "confirmed" in its slots */
        rc = run_pending(x, me, lang, cv, slots, text, message_id, 0);
    } else if (strcmp(kind, "confirm") == 0 && whole_word(text, no_words)) {
        *taken = true;
        rc = convo_set_pending(x, me->id, NULL);
        rc = rc ? rc : reply_to(x, me, lang, "confirm_cancelled", NULL);
    }
    json_decref(slots);
    return rc;
}
