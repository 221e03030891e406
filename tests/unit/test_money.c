/* links: nlu/text nlu/vocab nlu/values nlu/values_date nlu/values_amount egress/invoicing
 * egress/http_client domain/inbound store/ledger store/db */
/*
 * test_money - every way staff write an amount reaches the exact rupees
 * (through text_normalize first, as the intent engine does), and the pure
 * parts of the invoicing round trip: a receipt's body, a booking's
 * payments, a webhook body split into one event per payment id.
 */
#include "harness.h"
#include "words.h"

#include "core/buf.h"
#include "domain/inbound.h"
#include "egress/invoicing.h"
#include "store/ledger.h"
#include "nlu/text.h"
#include "nlu/values.h"

static int64_t amount_of(const char *s)
{
    struct buf k;
    int64_t v = -1;

    buf_init(&k, 4096);
    if (text_normalize(s, strlen(s), &k) != RB_OK ||
        value_amount(str_make(k.p, k.len), &v) != RB_OK) {
        v = -1;
    }
    buf_release(&k);
    return v;
}

TEST(amount_forms_staff_write)
{
    CHECK_INT(amount_of("2.5 lac"), 250000);
    CHECK_INT(amount_of("dedh lakh"), 150000);
    CHECK_INT(amount_of("sawa do lakh"), 225000);
    CHECK_INT(amount_of("dhai lakh"), 250000);
    CHECK_INT(amount_of("paune do lakh"), 175000);
    CHECK_INT(amount_of("saadhe teen lakh"), 350000);
    CHECK_INT(amount_of("sawa lakh"), 125000);
    CHECK_INT(amount_of("fifty thousand"), 50000);
    CHECK_INT(amount_of("twenty five thousand"), 25000);
    CHECK_INT(amount_of("seventy five thousand"), 75000);
    CHECK_INT(amount_of("ninety thousand"), 90000);
    CHECK_INT(amount_of("one lakh twenty thousand"), 120000);
    CHECK_INT(amount_of("PKR 350,000"), 350000);
    CHECK_INT(amount_of("Rs. 3,50,000/-"), 350000);
    CHECK_INT(amount_of("3,50,000"), 350000);
    CHECK_INT(amount_of("2 lakh 50 hazar"), 250000);
    CHECK_INT(amount_of("bees hazar"), 20000);
}

TEST(amount_urdu_and_arabic_digits)
{
    CHECK_INT(amount_of("۳ لاکھ"), 300000);
    CHECK_INT(amount_of("٣ لاكھ"), 300000); /* Arabic-Indic digit, Arabic kaf */
    CHECK_INT(amount_of("۳,۵۰,۰۰۰"), 350000);
    CHECK_INT(amount_of("۲٫۵ لاکھ"), 250000);
    CHECK_INT(amount_of("٢٥٠٠٠٠"), 250000);
    CHECK_INT(amount_of("ڈیڑھ لاکھ"), 150000);
    CHECK_INT(amount_of("سوا دو لاکھ"), 225000);
    CHECK_INT(amount_of("ڈھائی لاکھ"), 250000);
    CHECK_INT(amount_of("پونے دو لاکھ"), 175000);
    CHECK_INT(amount_of("پچاس ہزار"), 50000);
}

TEST(amount_refuses_what_is_not_money)
{
    CHECK_INT(amount_of("0"), -1);
    CHECK_INT(amount_of("zero"), -1);
    CHECK_INT(amount_of("8,00,000 lakh"), -1);
    CHECK_INT(amount_of("lakh"), -1);
    CHECK_INT(amount_of("twenty five"), 25); /* a number, the caller decides */
}

TEST(receipt_body)
{
    struct inv_receipt r = {"rabta-entry-12", "advance", 200000, "cash", "2026-12-07T10:00:00Z"};
    json_t *o = NULL;
    char *s;

    CHECK_INT(inv_build_receipt(&r, &o), RB_OK);
    s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK_STR(s, "{\"amount\":200000,\"method\":\"cash\",\"milestone\":\"advance\","
                 "\"received_at\":\"2026-12-07T10:00:00Z\",\"reference\":\"rabta-entry-12\"}");
    free(s);
    json_decref(o);
    r.amount = 0;
    CHECK_INT(inv_build_receipt(&r, &o), RB_EINVAL);
    r.amount = -5;
    CHECK_INT(inv_build_receipt(&r, &o), RB_EINVAL);
}

TEST(booking_payments_parse)
{
    static const char body[] =
        "{\"booking_id\":\"INV-7\",\"milestones\":[],\"payments\":["
        "{\"payment_id\":\"PAY-1\",\"milestone\":\"advance\",\"amount\":\"150000\","
        "\"method\":\"bank\",\"received_at\":\"2026-12-01T09:00:00Z\",\"reference\":null},"
        "{\"milestone\":\"mid\",\"amount\":5},"
        "{\"payment_id\":22,\"amount\":50000,\"reference\":\"rabta-entry-3\"}]}";
    struct inv_payments ps;

    CHECK_INT(inv_parse_payments(body, strlen(body), &ps), RB_OK);
    CHECK_INT(ps.n, 2); /* the one without an id is skipped */
    CHECK_STR(ps.v[0].payment_id, "PAY-1");
    CHECK_INT(ps.v[0].amount, 150000);
    CHECK_STR(ps.v[0].method, "bank");
    CHECK(ps.v[0].reference == NULL);
    CHECK_STR(ps.v[1].payment_id, "22");
    CHECK_STR(ps.v[1].reference, "rabta-entry-3");
    inv_payments_release(&ps);
    CHECK_INT(inv_parse_payments("{\"booking_id\":\"INV-7\"}", 22, &ps), RB_OK);
    CHECK_INT(ps.n, 0);
    CHECK_INT(inv_parse_payments("[1]", 3, &ps), RB_EPARSE);
    CHECK_INT(inv_parse_payments("{\"payments\":5}", 14, &ps), RB_EPARSE);
}

TEST(webhook_split)
{
    static const char one[] =
        "{\"event\":\"payment.received\",\"booking_id\":\"INV-7\",\"lead_id\":\"1\","
        "\"payment\":{\"payment_id\":\"PAY-9\",\"amount\":100000}}";
    static const char many[] =
        "{\"events\":[{\"event\":\"payment.received\",\"payment\":{\"payment_id\":\"A\"}},"
        "{\"event\":\"booking.updated\",\"booking_id\":\"INV-7\"},"
        "{\"event\":\"payment.received\",\"payment\":{\"amount\":5}},"
        "{\"event\":\"payment.received\",\"payment\":{\"payment_id\":\"B\"}}]}";
    struct inbound_batch b;
    struct buf err;

    buf_init(&err, 256);
    inbound_batch_init(&b);
    CHECK_INT(inbound_split_invoicing(one, strlen(one), &b, &err), RB_OK);
    CHECK_INT(b.n, 1);
    CHECK_STR(b.ev[0].dedupe_key, "invpay:PAY-9");
    CHECK_INT(b.ev[0].kind, IN_PAYMENT);
    CHECK_STR(json_string_value(json_object_get(b.ev[0].payload, "booking_id")), "INV-7");
    inbound_batch_release(&b);
    CHECK_INT(inbound_split_invoicing(many, strlen(many), &b, &err), RB_OK);
    CHECK_INT(b.n, 2);
    CHECK_INT(b.ignored, 2);
    CHECK_STR(b.ev[1].dedupe_key, "invpay:B");
    inbound_batch_release(&b);
    CHECK_INT(inbound_split_invoicing("[]", 2, &b, &err), RB_EPARSE);
    CHECK_INT(inbound_split_invoicing("{", 1, &b, &err), RB_EPARSE);
    inbound_batch_release(&b);
    buf_release(&err);
}

TEST(reversal_and_plan_bodies)
{
    struct inv_reversal v = {"rabta-entry-15", "PAY-31",       "rabta-entry-12",      "advance",
                             200000,           "wrong amount", "2026-12-08T10:00:00Z"};
    json_t *o = NULL, *ms = json_pack("[{s:s, s:I}]", "milestone", "advance", "amount", 7);
    char *s;

    CHECK_INT(inv_build_reversal(&v, &o), RB_OK);
    s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK_STR(s, "{\"amount\":200000,\"milestone\":\"advance\",\"reason\":\"wrong amount\","
                 "\"reference\":\"rabta-entry-15\",\"reversed_at\":\"2026-12-08T10:00:00Z\","
                 "\"reverses\":\"PAY-31\",\"reverses_reference\":\"rabta-entry-12\"}");
    free(s);
    json_decref(o);
    v.reason = "";
    CHECK_INT(inv_build_reversal(&v, &o), RB_EINVAL); /* a reason is required */
    v.reason = "x";
    v.reverses = v.reverses_reference = NULL;
    CHECK_INT(inv_build_reversal(&v, &o), RB_EINVAL); /* and what it takes back */
    CHECK_INT(inv_build_plan(3, 6000000, ms, &o), RB_OK);
    s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK_STR(s, "{\"amount\":6000000,\"milestones\":[{\"amount\":7,\"milestone\":\"advance\"}],"
                 "\"revision\":3}");
    free(s);
    json_decref(o);
    CHECK_INT(inv_build_plan(0, 1, ms, &o), RB_EINVAL);
    json_decref(ms);
}

TEST(plan_shares_add_up)
{
    static const struct ledger_plan_conf pc = {30, 0, 40, 30, 7};
    const int64_t none[3] = {-1, -1, -1}, mid_set[3] = {-1, 2200000, -1};
    const int64_t all_set[3] = {1, 2, 3}, too_much[3] = {-1, 7000000, -1};
    int64_t out[3];

    ledger_plan_shares(5000000, &pc, none, out);
    CHECK_INT(out[0], 1500000);
    CHECK_INT(out[1], 2000000);
    CHECK_INT(out[2], 1500000);
    /* odd rupees: rounded shares, the last takes the rest, the sum is exact */
    ledger_plan_shares(1000001, &pc, none, out);
    CHECK_INT(out[0], 300000);
    CHECK_INT(out[1], 400000);
    CHECK_INT(out[2], 300001);
    /* the mid set in chat stays; advance and final share the rest 30:30 */
    ledger_plan_shares(6000000, &pc, mid_set, out);
    CHECK_INT(out[0], 1900000);
    CHECK_INT(out[1], 2200000);
    CHECK_INT(out[2], 1900000);
    ledger_plan_shares(6000000, &pc, all_set, out);
    CHECK_INT(out[0] + out[1] + out[2], 6);
    /* more set than agreed: the others get nothing, never less */
    ledger_plan_shares(6000000, &pc, too_much, out);
    CHECK_INT(out[0], 0);
    CHECK_INT(out[2], 0);
}

int main(void)
{
    struct vocab *vocab = test_words_install();

    RUN(amount_forms_staff_write);
    RUN(amount_urdu_and_arabic_digits);
    RUN(amount_refuses_what_is_not_money);
    RUN(receipt_body);
    RUN(booking_payments_parse);
    RUN(webhook_split);
    RUN(reversal_and_plan_bodies);
    RUN(plan_shares_add_up);
    vocab_free(vocab);
    return harness_done();
}
