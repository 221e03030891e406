/*
 * reasons.c - the real reason a staff message cannot be done, found in its
 * text when the parser's reading alone would hide it: a date that does not
 * exist ("31 feb available hai?" is not "didn't understand") and an amount
 * written with a minus ("move 4 to quoted -200000", "Kamran booked -3
 * lakh"), which is refused rather than read as positive or dropped.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "domain/handlers/handlers.h"
#include "nlu/values.h"

bool text_negative_amount(const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");

    for (size_t i = 0; s[i]; i++) {
        size_t n = 0;
        if (s[i] == '-') {
            n = 1;
        } else if (s[i] == 0xE2 && s[i + 1] == 0x88 && s[i + 2] == 0x92) {
            n = 3; /* U+2212 minus sign */
        } else if (s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0x93 || s[i + 2] == 0x94)) {
            n = 3; /* en and em dash, as phones type a minus */
        }
        if (!n || (i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t' && s[i - 1] != '\n' &&
                   s[i - 1] != ':' && s[i - 1] != '(')) {
            continue;
        }
        size_t j = i + n; /* the digit right after it: "lost - 2 din pehle" is no amount */
        if (s[j] >= '0' && s[j] <= '9') {
            return true;
        }
        i += n - 1;
    }
    return false;
}

/* Words of the normalized text: [start, end) byte offsets. */
struct words {
    size_t start[48], end[48];
    size_t n;
};

static void split_words(const char *k, size_t len, struct words *w)
{
    size_t i = 0;

    w->n = 0;
    while (i < len && w->n < sizeof(w->start) / sizeof(w->start[0])) {
        while (i < len && k[i] == ' ') {
            i++;
        }
        if (i >= len) {
            break;
        }
        w->start[w->n] = i;
        while (i < len && k[i] != ' ') {
            i++;
        }
        w->end[w->n++] = i;
    }
}

/* A day number 1..99 written alone (with an optional st/nd/rd/th). */
static int day_number(const char *p, size_t len)
{
    int d = 0;
    size_t i = 0;

    while (i < len && i < 2 && p[i] >= '0' && p[i] <= '9') {
        d = d * 10 + (p[i++] - '0');
    }
    if (i == 0 || (i < len && !(len - i == 2 &&
                                (strncmp(p + i, "st", 2) == 0 || strncmp(p + i, "nd", 2) == 0 ||
                                 strncmp(p + i, "rd", 2) == 0 || strncmp(p + i, "th", 2) == 0)))) {
        return 0;
    }
    return d;
}

static bool is_date(const char *s, const struct nlu_now *now)
{
    struct rb_date from, to;
    bool range;

    return value_date(str_make(s, strlen(s)), now, &from, &to, &range) == RB_OK;
}

int reply_invalid_date(struct hctx *h, bool *done)
{
    char date[96];
    json_t *vars;
    int rc;

    *done = false;
    if (!text_invalid_date(h->x, h->text, date, sizeof(date))) {
        return RB_OK;
    }
    vars = json_pack("{s:s}", "date", date);
    rc = vars ? reply(h, "date_invalid", vars) : RB_ENOMEM;
    json_decref(vars);
    *done = !rc;
    return rc;
}

int text_invalid_date(struct wctx *x, const char *text, char *out, size_t n)
{
    struct nlu_now now;
    struct buf k;
    struct words w;
    int found = 0;

    memset(&now, 0, sizeof(now));
    now.now = clock_local(x->now_s);
    now.country_code = x->snap->config->country_code;
    buf_init(&k, 16384);
    if (!text || text_normalize(text, strlen(text), &k) != RB_OK || !k.len) {
        buf_release(&k);
        return 0;
    }
    split_words(k.p, k.len, &w);
    /* "31 feb" and "feb 31": the month is a word that makes "1 <word>" a
     * date; the day is a number that does not. */
    for (size_t i = 0; !found && i + 1 < w.n; i++) {
        for (int order = 0; order < 2 && !found; order++) {
            size_t di = order ? i + 1 : i, mi = order ? i : i + 1;
            int d = day_number(k.p + w.start[di], w.end[di] - w.start[di]);
            char month[64], as_written[96], first[80];

            size_t ml = w.end[mi] - w.start[mi];
            if (!d || ml >= sizeof(month)) {
                continue;
            }
            memcpy(month, k.p + w.start[mi], ml);
            month[ml] = '\0';
            snprintf(first, sizeof(first), order ? "%s 1" : "1 %s", month);
            if (order) {
                snprintf(as_written, sizeof(as_written), "%s %d", month, d);
            } else {
                snprintf(as_written, sizeof(as_written), "%d %s", d, month);
            }
            if (is_date(first, &now) && !is_date(as_written, &now)) {
                snprintf(out, n, "%s", as_written);
                found = 1;
            }
        }
    }
    buf_release(&k);
    return found;
}
