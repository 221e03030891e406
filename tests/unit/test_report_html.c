/* links: http/report_html store/reports store/db */
/*
 * test_report_html - the report pages' shared pieces: HTML escaping with
 * dir="auto", money in lakh and thousands grouping, query-value encoding,
 * CSV fields (quoting, doubled quotes, the formula guard that leaves phone
 * numbers alone), and charts that carry their numbers as text.
 */
#include "harness.h"

#include <string.h>

#include "core/buf.h"
#include "http/report_html.h"

TEST(escapes_user_text)
{
    struct buf b;

    buf_init(&b, 4096);
    html_user(&b, "td", "<script>alert(1)</script>");
    CHECK_STR(b.p, "<td dir=\"auto\">&lt;script&gt;alert(1)&lt;/script&gt;</td>");
    buf_reset(&b);
    html_user(&b, "td", "عائشہ \"خان\" & 'co'");
    CHECK_STR(b.p, "<td dir=\"auto\">عائشہ &quot;خان&quot; &amp; &#39;co&#39;</td>");
    buf_reset(&b);
    html_user(&b, "td", NULL);
    CHECK_STR(b.p, "<td>–</td>");
    buf_release(&b);
}

TEST(money_grouping)
{
    struct buf b;

    buf_init(&b, 4096);
    html_money_set("lakh", "Rs");
    html_money(&b, 800000);
    CHECK_STR(b.p, "Rs 8,00,000");
    buf_reset(&b);
    html_money(&b, 12000000);
    CHECK_STR(b.p, "Rs 1,20,00,000");
    buf_reset(&b);
    html_money_text(&b, "999");
    CHECK_STR(b.p, "Rs 999");
    buf_reset(&b);
    html_money_text(&b, NULL);
    CHECK_STR(b.p, "–");
    buf_reset(&b);
    html_money_set("thousands", "Rs");
    html_money(&b, 800000);
    CHECK_STR(b.p, "Rs 800,000");
    html_money_set("lakh", "Rs");
    buf_release(&b);
}

TEST(url_values)
{
    struct buf b;

    buf_init(&b, 4096);
    url_enc(&b, "a b&c=d/é");
    CHECK_STR(b.p, "a%20b%26c%3Dd%2F%C3%A9");
    buf_release(&b);
}

TEST(csv_fields)
{
    struct buf b;

    buf_init(&b, 4096);
    csv_field(&b, "plain", false);
    csv_field(&b, "a,b", false);
    csv_field(&b, "say \"hi\"", false);
    csv_field(&b, "two\nlines", false);
    csv_field(&b, "", false);
    csv_field(&b, NULL, false);
    csv_field(&b, "+923001234567", false);
    csv_field(&b, "-5", false);
    csv_field(&b, "=HYPERLINK(\"x\")", false);
    csv_field(&b, "+cmd", false);
    csv_field(&b, "@SUM(A1)", true);
    CHECK_STR(b.p, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,,+923001234567,-5,"
                   "\"'=HYPERLINK(\"\"x\"\")\",\"'+cmd\",\"'@SUM(A1)\"\r\n");
    buf_release(&b);
}

TEST(charts_carry_their_numbers)
{
    struct buf b;
    struct chart_bar bars[2] = {{"<meta>", 3, NULL}, {"walk_in", 1, "1 (1 booked)"}};

    buf_init(&b, 64 * 1024);
    svg_hbars(&b, "Leads by source", bars, 2);
    CHECK(strstr(b.p, "<svg") != NULL);
    CHECK(strstr(b.p, "&lt;meta&gt;") != NULL);
    CHECK(strstr(b.p, "<meta>") == NULL);
    CHECK(strstr(b.p, "<td class=\"n\">3</td>") != NULL);
    CHECK(strstr(b.p, "<td class=\"n\">1 (1 booked)</td>") != NULL);
    CHECK_INT(buf_err(&b), RB_OK);
    buf_release(&b);
}

int main(void)
{
    RUN(escapes_user_text);
    RUN(money_grouping);
    RUN(url_values);
    RUN(csv_fields);
    RUN(charts_carry_their_numbers);
    return harness_done();
}
