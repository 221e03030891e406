#include "http/report_html.h"

#include "app/prompts.h"
#include "store/reports.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Latin from Noto Sans (no Arabic glyphs), so Urdu falls through to the
 * fonts that have them: Naskh (compact in tables), Noto Sans Arabic,
 * Nastaliq, then the system's. */
static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:15px/1.5 \"Noto Sans\",\"Noto Naskh Arabic\",\"Noto Sans Arabic\","
    "\"Noto Nastaliq Urdu\",system-ui,sans-serif;color:#1d2327;background:#f4f5f7}"
    "[dir=auto],bdi{unicode-bidi:plaintext}"
    "header{background:#0f4c5c;color:#fff;padding:10px 14px}"
    "header h1{font-size:18px;margin:0}"
    "nav{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}"
    "nav a{color:#fff;text-decoration:none;padding:3px 9px;border-radius:12px;"
    "background:rgba(255,255,255,.14);font-size:14px}"
    "nav a.on{background:#fff;color:#0f4c5c}"
    "main{padding:12px;max-width:1240px;margin:0 auto}"
    "h2{font-size:17px;margin:18px 0 8px}"
    "section{background:#fff;border-radius:8px;padding:12px;margin:0 0 12px;"
    "box-shadow:0 1px 2px rgba(0,0,0,.08)}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}"
    ".card{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 2px rgba(0,0,0,.08)}"
    ".card b{display:block;font-size:20px}.card small{color:#5f6b73}"
    ".up{color:#137333}.down{color:#b3261e}"
    ".grid{display:grid;grid-template-columns:1fr;gap:12px}"
    "@media(min-width:900px){.grid{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{text-align:start;padding:5px 8px;border-bottom:1px solid #e3e6e8;vertical-align:top}"
    "th{background:#eef1f3;white-space:nowrap}td.n,th.n{text-align:end;white-space:nowrap}"
    "td.t{white-space:nowrap}table.kv th{width:9em}"
    "svg{max-width:100%;height:auto;display:block}"
    "form.f{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}"
    "form.f label{display:flex;flex-direction:column;font-size:13px;color:#5f6b73}"
    "input,select,button{font:inherit;padding:4px 6px;max-width:100%}"
    "button{background:#0f4c5c;color:#fff;border:0;border-radius:4px;padding:5px 12px}"
    ".pager{display:flex;gap:12px;margin:10px 0}"
    ".tl{list-style:none;padding:0;margin:0}"
    ".tl li{border-inline-start:3px solid #9aa5ab;padding:4px 10px;margin:0 0 8px;"
    "background:#fff;border-radius:4px}"
    ".tl li.message.in{border-color:#1a73e8}.tl li.message.out{border-color:#137333}"
    ".tl li.stage{border-color:#e37400}.tl li.ai{border-color:#8e24aa;background:#faf5fc}"
    ".tl li.payment{border-color:#b06000}.meta{color:#5f6b73;font-size:13px}"
    ".st-failed{color:#b3261e;font-weight:bold}.st-read{color:#137333}"
    "p.why{background:#fff;padding:14px;border-radius:8px}"
    "code{font-size:13px;word-break:break-all}";

void html_begin(struct buf *b, const char *venue, const char *title, const char *active,
                bool finance)
{
    static const struct {
        const char *key, *href, *label;
        bool finance;
    } menu[] = {
        {"dashboard", "/report", "Dashboard", true},
        {"leads", "/report/leads", "Leads", false},
        {"conversations", "/report/conversations", "Conversations", false},
        {"ai", "/report/ai", "AI decisions", false},
        {"payments", "/report/payments", "Payments", true},
    };

    buf_say(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
               "<meta name=\"referrer\" content=\"no-referrer\"><title>");
    html_esc(b, title);
    buf_say(b, " · ");
    html_esc(b, venue);
    buf_say(b, "</title><style>%s</style></head><body><header><h1 dir=\"auto\">", style);
    html_esc(b, venue);
    buf_say(b, "</h1><nav>");
    for (size_t i = 0; i < sizeof(menu) / sizeof(menu[0]); i++) {
        if (finance && !menu[i].finance) {
            continue;
        }
        buf_say(b, "<a href=\"%s\"%s>%s</a>", menu[i].href,
                active && strcmp(active, menu[i].key) == 0 ? " class=\"on\"" : "", menu[i].label);
    }
    buf_say(b, "</nav></header><main><h2>");
    html_esc(b, title);
    buf_say(b, "</h2>\n");
}

void html_end(struct buf *b)
{
    buf_say(b, "</main></body></html>\n");
}

void html_esc(struct buf *b, const char *s)
{
    if (s && buf_add_html(b, s, strlen(s))) {
        /* remembered in b->err */
    }
}

void html_say(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    const char *run = fmt;

    va_start(ap, fmt);
    for (const char *f = fmt;; f++) {
        if (*f && *f != '%') {
            continue;
        }
        if (f > run && buf_add(b, run, (size_t)(f - run))) {
            /* remembered in b->err */
        }
        if (!*f) {
            break;
        }
        f++;
        if (*f == 's') {
            html_esc(b, va_arg(ap, const char *));
        } else if (*f == 'm') {
            html_money_text(b, va_arg(ap, const char *));
        } else if (*f == '%') {
            buf_say(b, "%%");
        } else {
            f--; /* not ours: the percent sign as it is */
            buf_say(b, "%%");
        }
        run = f + 1;
    }
    va_end(ap);
}

void html_user(struct buf *b, const char *tag, const char *s)
{
    if (!s || !s[0]) {
        buf_say(b, "<%s>–</%s>", tag, tag);
        return;
    }
    buf_say(b, "<%s dir=\"auto\">", tag);
    html_esc(b, s);
    buf_say(b, "</%s>", tag);
}

/* The money format of the request on this thread (each connection has a
 * thread of its own): set by report_page from [report]. */
static _Thread_local struct {
    bool thousands;
    char currency[16];
} money = {false, "Rs"};

void html_money_set(const char *grouping, const char *currency)
{
    money.thousands = grouping && strcmp(grouping, "thousands") == 0;
    snprintf(money.currency, sizeof(money.currency), "%s", currency ? currency : "");
}

/* The prompts of the request on this thread, for the labels (html_label). */
static _Thread_local const struct prompts *page_prompts;

void html_labels_set(const struct prompts *p)
{
    page_prompts = p;
}

const char *html_label(char kind, const char *code, char *out, size_t n)
{
    char key[48];
    struct buf t;

    if (!code || !code[0]) {
        return code;
    }
    snprintf(key, sizeof(key), "%s%s", kind == 'o' ? "rep_src_" : "stage_", code);
    buf_init(&t, 256);
    if (page_prompts && prompts_render(page_prompts, LANG_EN, key, NULL, &t) == RB_OK && t.p &&
        t.len < n) {
        memcpy(out, t.p, t.len + 1);
        code = out;
    }
    buf_release(&t);
    return code;
}

void html_money(struct buf *b, int64_t rupees)
{
    char out[REP_MONEY_MAX];

    rep_money(rupees, !money.thousands, money.currency, out);
    html_esc(b, out);
}

void html_money_text(struct buf *b, const char *rupees)
{
    long long v;
    char *end;

    if (!rupees || !rupees[0]) {
        buf_say(b, "–");
        return;
    }
    v = strtoll(rupees, &end, 10);
    if (*end) {
        html_esc(b, rupees);
        return;
    }
    html_money(b, (int64_t)v);
}

void url_enc(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_say(b, "%c", *p);
        } else {
            buf_say(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
        }
    }
}

void html_option(struct buf *b, const char *value, const char *label, const char *cur)
{
    buf_say(b, "<option value=\"");
    html_esc(b, value);
    buf_say(b, "\"%s>", cur && strcmp(cur, value) == 0 ? " selected" : "");
    html_esc(b, label);
    buf_say(b, "</option>");
}

/* A field a spreadsheet would run as a formula: starts with = + - @ (or a
 * tab or CR) and is not just a number such as a phone "+923001234567". */
static bool formula_like(const char *s)
{
    if (!s[0] || !strchr("=+-@\t\r", s[0])) {
        return false;
    }
    if (s[0] == '+' || s[0] == '-') {
        const char *p = s + 1;
        while (*p && ((*p >= '0' && *p <= '9') || *p == '.' || *p == ' ')) {
            p++;
        }
        return *p != '\0' || p == s + 1;
    }
    return true;
}

void csv_field(struct buf *b, const char *s, bool last)
{
    bool guard, quote;

    s = s ? s : "";
    guard = formula_like(s);
    quote = guard || strpbrk(s, ",\"\r\n") != NULL;
    buf_say(b, "%s%s", quote ? "\"" : "", guard ? "'" : "");
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            buf_say(b, "\"\"");
        } else if (buf_addc(b, *p)) {
            return;
        }
    }
    buf_say(b, "%s%s", quote ? "\"" : "", last ? "\r\n" : ",");
}

/* ---- charts ---- */

static double max_of(const struct chart_bar *bars, int n)
{
    double m = 0;

    for (int i = 0; i < n; i++) {
        m = bars[i].value > m ? bars[i].value : m;
    }
    return m > 0 ? m : 1;
}

static void bar_value(struct buf *b, const struct chart_bar *bar)
{
    if (bar->text) {
        html_esc(b, bar->text);
    } else {
        buf_say(b, "%.0f", bar->value);
    }
}

/* The numbers under a chart, for reading and for screen readers. */
static void chart_table(struct buf *b, const struct chart_bar *bars, int n)
{
    buf_say(b, "<table>");
    for (int i = 0; i < n; i++) {
        buf_say(b, "<tr><td dir=\"auto\">");
        html_esc(b, bars[i].label);
        buf_say(b, "</td><td class=\"n\">");
        bar_value(b, &bars[i]);
        buf_say(b, "</td></tr>");
    }
    buf_say(b, "</table>");
}

static void caption_open(struct buf *b, const char *caption, int w, int h)
{
    buf_say(b, "<figure style=\"margin:0\"><figcaption><b>");
    html_esc(b, caption);
    buf_say(b,
            "</b></figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
            w, h, w, h);
    html_esc(b, caption);
    buf_say(b, "\" font-size=\"12\" font-family=\"sans-serif\">");
}

void svg_hbars(struct buf *b, const char *caption, const struct chart_bar *bars, int n)
{
    const int w = 560, row = 26, lw = 130, vw = 180;
    double m = max_of(bars, n);

    caption_open(b, caption, w, n * row + 8);
    for (int i = 0; i < n; i++) {
        double len = (w - lw - vw) * bars[i].value / m;
        int y = 4 + i * row;
        buf_say(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 6, y + 16);
        html_esc(b, bars[i].label);
        buf_say(b,
                "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#1a73e8\"/>"
                "<text x=\"%.1f\" y=\"%d\">",
                lw, y + 3, len > 0 ? len : 0, row - 8, lw + (len > 0 ? len : 0) + 6, y + 16);
        bar_value(b, &bars[i]);
        buf_say(b, "</text>");
    }
    buf_say(b, "</svg>");
    chart_table(b, bars, n);
    buf_say(b, "</figure>");
}

void svg_funnel(struct buf *b, const char *caption, const struct chart_bar *bars, int n)
{
    const int w = 560, row = 30, lw = 120;
    double m = max_of(bars, n), room = w - lw - 10;

    caption_open(b, caption, w, n * row + 8);
    for (int i = 0; i < n; i++) {
        double len = room * bars[i].value / m;
        double x = lw + (room - len) / 2;
        int y = 4 + i * row;
        len = len < 2 ? 2 : len;
        buf_say(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 6, y + 18);
        html_esc(b, bars[i].label);
        buf_say(b,
                "</text><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" "
                "fill=\"#0f4c5c\" fill-opacity=\"%.2f\"/><text x=\"%.1f\" y=\"%d\" "
                "text-anchor=\"middle\" fill=\"%s\">",
                x, y + 3, len, row - 6, 1.0 - 0.08 * i, lw + room / 2, y + 18,
                len > 60 ? "#fff" : "#1d2327");
        bar_value(b, &bars[i]);
        buf_say(b, "</text>");
    }
    buf_say(b, "</svg>");
    chart_table(b, bars, n);
    buf_say(b, "</figure>");
}

void svg_months(struct buf *b, const char *caption, const char *const *labels, const double *a,
                const double *bv, int n, const char *a_name, const char *b_name)
{
    const int w = 560, h = 230, top = 24, base = 190, left = 30;
    double m = 1, slot = n ? (double)(w - left - 6) / n : 1;

    for (int i = 0; i < n; i++) {
        m = a[i] > m ? a[i] : m;
        m = bv[i] > m ? bv[i] : m;
    }
    caption_open(b, caption, w, h);
    buf_say(b,
            "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"#1a73e8\"/>"
            "<text x=\"%d\" y=\"13\">",
            left, left + 14);
    html_esc(b, a_name);
    buf_say(b,
            "</text><rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"#e37400\"/>"
            "<text x=\"%d\" y=\"13\">",
            left + 110, left + 124);
    html_esc(b, b_name);
    buf_say(b, "</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa5ab\"/>", left,
            base, w - 4, base);
    buf_say(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>", left - 4, top + 4, m);
    for (int i = 0; i < n; i++) {
        double x = left + i * slot, bw = slot * 0.36;
        double ha = (base - top) * a[i] / m, hb = (base - top) * bv[i] / m;
        buf_say(b,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1a73e8\">"
                "<title>%.0f</title></rect>",
                x + slot * 0.12, base - ha, bw, ha, a[i]);
        buf_say(b,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#e37400\">"
                "<title>%.0f</title></rect>",
                x + slot * 0.12 + bw, base - hb, bw, hb, bv[i]);
        buf_say(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">",
                x + slot / 2, base + 14);
        html_esc(b, labels[i] && strlen(labels[i]) >= 7 ? labels[i] + 5 : labels[i]);
        buf_say(b, "</text>");
        if (labels[i] && strlen(labels[i]) >= 7 && (i == 0 || strncmp(labels[i], "", 0) == 0) &&
            (i == 0 || strncmp(labels[i] + 5, "01", 2) == 0)) {
            buf_say(b,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%.4s"
                    "</text>",
                    x + slot / 2, base + 28, labels[i]);
        }
    }
    buf_say(b, "</svg><div class=\"scroll\"><table><tr><th>Month</th>");
    buf_say(b, "<th class=\"n\">");
    html_esc(b, a_name);
    buf_say(b, "</th><th class=\"n\">");
    html_esc(b, b_name);
    buf_say(b, "</th></tr>");
    for (int i = 0; i < n; i++) {
        buf_say(b, "<tr><td>");
        html_esc(b, labels[i]);
        buf_say(b, "</td><td class=\"n\">%.0f</td><td class=\"n\">%.0f</td></tr>", a[i], bv[i]);
    }
    buf_say(b, "</table></div></figure>");
}
