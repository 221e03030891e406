/* clang-format off */
/* links: egress/whatsapp egress/http_client egress/gemini egress/gemini_prompt egress/gemini_request egress/gemini_answer egress/graph_leads egress/invoicing nlu/catalog nlu/text nlu/vocab */
/* clang-format on */
/* slow: starts first in tests/run */
/*
 * The egress clients over real HTTP against the fake upstream
 * (tests/fake_upstream, built as build/test/fake_upstream; run from the
 * repository root). The fake is started as a child on a free port (its
 * first stdout line is "port=N"), told through /_control/ how to fail, and
 * stopped at the end -- and by the kernel if this process dies first
 * (PR_SET_PDEATHSIG).
 */
#include "harness.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "egress/gemini.h"
#include "egress/graph_leads.h"
#include "egress/invoicing.h"
#include "egress/whatsapp.h"

#define FAKE_BIN "build/test/fake_upstream"
#define FAKE_REF "tests/fixtures/reference"

static pid_t fake_pid = -1;
static char base[64];     /* http://127.0.0.1:N */
static char inv_base[80]; /* base + /invoicing */
static struct http_client *ctl_http;

static void fake_stop(void)
{
    int status, i;

    if (fake_pid <= 0) {
        return;
    }
    kill(fake_pid, SIGTERM);
    for (i = 0; i < 50; i++) {
        if (waitpid(fake_pid, &status, WNOHANG) == fake_pid) {
            fake_pid = -1;
            return;
        }
        usleep(100 * 1000);
    }
    kill(fake_pid, SIGKILL);
    waitpid(fake_pid, &status, 0);
    fake_pid = -1;
}

/* Reads the child's first stdout line ("port=N") within 10 s. */
static int fake_read_port(int fd)
{
    char line[64];
    size_t n = 0;
    int64_t deadline = clock_mono_ms() + 10000;
    struct pollfd p = {fd, POLLIN, 0};
    unsigned port = 0;

    while (n < sizeof(line) - 1 && clock_mono_ms() < deadline) {
        if (poll(&p, 1, 100) <= 0) {
            continue;
        }
        if (read(fd, line + n, 1) != 1) {
            break;
        }
        if (line[n] == '\n') {
            break;
        }
        n++;
    }
    line[n] = '\0';
    if (sscanf(line, "port=%u", &port) != 1 || port == 0) {
        printf("  fake_upstream said \"%s\"\n", line);
        return -1;
    }
    return (int)port;
}

static int fake_start(void)
{
    int fds[2], port;

    if (access(FAKE_BIN, X_OK) != 0) {
        printf("  %s missing: make %s\n", FAKE_BIN, FAKE_BIN);
        return -1;
    }
    if (pipe(fds) != 0) {
        return -1;
    }
    fake_pid = fork();
    if (fake_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(FAKE_BIN, "fake_upstream", "--port", "0", "--ref", FAKE_REF, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    port = fake_pid > 0 ? fake_read_port(fds[0]) : -1;
    close(fds[0]);
    if (port < 0) {
        fake_stop();
        return -1;
    }
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    snprintf(inv_base, sizeof(inv_base), "%s/invoicing", base);
    return 0;
}

/* POSTs json to a control route; returns the HTTP status. */
static long ctl_post(const char *path, const char *json)
{
    struct http_response res;
    char url[256];
    long status;

    snprintf(url, sizeof(url), "%s%s", base, path);
    http_response_init(&res, 0);
    status = http_post_json(ctl_http, url, NULL, json, strlen(json), &res) ? 0 : res.status;
    http_response_release(&res);
    return status;
}

/* Queues count failures; delay_ms < 0 leaves the fake's default (a hang
 * lasts 30 s). */
static void ctl_fail(const char *route, const char *mode, int count, int delay_ms)
{
    char json[256];

    snprintf(json, sizeof(json), "{\"route\":\"%s\",\"mode\":\"%s\",\"count\":%d", route, mode,
             count);
    if (delay_ms >= 0) {
        snprintf(json + strlen(json), sizeof(json) - strlen(json), ",\"delay_ms\":%d", delay_ms);
    }
    strncat(json, "}", sizeof(json) - strlen(json) - 1);
    CHECK_INT(ctl_post("/_control/fail", json), 200);
}

static void ctl_reset(void)
{
    CHECK_INT(ctl_post("/_control/reset", "{}"), 200);
}

/* How many requests the fake recorded on route. */
static long ctl_count(const char *route)
{
    struct http_response res;
    char url[256];
    json_t *j;
    long n = -1;

    snprintf(url, sizeof(url), "%s/_control/count?route=%s", base, route);
    http_response_init(&res, 0);
    if (http_get(ctl_http, url, NULL, &res) == RB_OK && res.status == 200) {
        j = json_loadb(res.body.p, res.body.len, 0, NULL);
        n = (long)json_integer_value(json_object_get(j, "count"));
        json_decref(j);
    }
    http_response_release(&res);
    return n;
}

/* The last request recorded on route, as a new object (or NULL). */
static json_t *ctl_last(const char *route)
{
    struct http_response res;
    char url[256];
    json_t *last = NULL;
    char *line, *nl;

    snprintf(url, sizeof(url), "%s/_control/requests?route=%s", base, route);
    http_response_init(&res, 0);
    if (http_get(ctl_http, url, NULL, &res) == RB_OK && res.status == 200) {
        for (line = res.body.p; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl) {
                break;
            }
            json_decref(last);
            last = json_loadb(line, (size_t)(nl - line), 0, NULL);
        }
    }
    http_response_release(&res);
    return last;
}

/* True when the last request recorded on route has no status yet: the fake
 * has not answered it (a hang still holds it). */
static bool ctl_last_pending(const char *route)
{
    json_t *last = ctl_last(route);
    bool pending = last && json_is_null(json_object_get(last, "status"));

    json_decref(last);
    return pending;
}

/* ---- WhatsApp ---- */

static struct wa_conf wa_conf_fake(void)
{
    struct wa_conf c = {base, "v26.0", "110200300400500", "test-token"};
    return c;
}

/* Sends a text with h and returns the class. */
static enum wa_class wa_send_one(struct http_client *h, struct wa_result *r)
{
    struct wa_recipient to = {"+923001234567", NULL};
    struct wa_conf conf = wa_conf_fake();
    json_t *msg = NULL;

    CHECK_INT(wa_build_text(&to, "Ji, 15 March available hai.", false, &msg), RB_OK);
    CHECK_INT(wa_send(h, &conf, msg, r), RB_OK);
    json_decref(msg);
    return r->cls;
}

TEST(wa_send_ok_gives_wamid)
{
    struct http_client *h = NULL;
    struct wa_conf conf = wa_conf_fake();
    struct wa_result r;
    json_t *rec, *read = NULL;

    ctl_reset();
    wa_result_init(&r);
    CHECK_INT(http_client_new(1000, 5000, &h), RB_OK);
    CHECK_INT(wa_send_one(h, &r), WA_OK);
    CHECK_INT(r.http_status, 200);
    CHECK(r.wamid && strncmp(r.wamid, "wamid.FAKE", 10) == 0);
    rec = ctl_last("whatsapp");
    CHECK_STR(json_string_value(json_object_get(rec, "path")), "/v26.0/110200300400500/messages");
    CHECK_STR(json_string_value(json_object_get(rec, "auth")), "Bearer test-token");
    CHECK_STR(json_string_value(json_object_get(json_object_get(rec, "body"), "to")),
              "+923001234567");
    json_decref(rec);
    CHECK_INT(wa_build_mark_read("wamid.X", &read), RB_OK);
    CHECK_INT(wa_send(h, &conf, read, &r), RB_OK);
    CHECK_INT(r.cls, WA_OK);
    CHECK(r.wamid == NULL);
    json_decref(read);
    wa_result_release(&r);
    http_client_free(h);
}

TEST(wa_failures_get_their_class)
{
    static const struct {
        const char *mode;
        enum wa_class cls;
        long long code;
    } cases[] = {
        {"http500", WA_RETRY, 1},
        {"http503", WA_RETRY, -1},
        {"http429", WA_RETRY, 130429},
        {"wa131047", WA_TEMPLATE_FALLBACK, 131047},
        {"wa131056", WA_PAIR_LIMIT, 131056},
        {"wa190", WA_STOP_ALERT, 190},
        {"wa131026", WA_PERMANENT, 131026},
        {"garbage", WA_RETRY, -1},
    };
    struct http_client *h = NULL;
    struct wa_result r;
    size_t i;

    ctl_reset();
    wa_result_init(&r);
    CHECK_INT(http_client_new(1000, 5000, &h), RB_OK);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ctl_fail("whatsapp", cases[i].mode, 1, 0);
        CHECK_INT(wa_send_one(h, &r), cases[i].cls);
        CHECK_INT(r.code, cases[i].code);
        if (r.cls != cases[i].cls) {
            printf("  mode %s: got %s\n", cases[i].mode, wa_class_name(r.cls));
        }
    }
    CHECK_INT(wa_send_one(h, &r), WA_OK); /* the queue is spent */
    wa_result_release(&r);
    http_client_free(h);
}

TEST(wa_hang_times_out_fast)
{
    struct http_client *h = NULL;
    struct wa_result r;

    ctl_reset();
    wa_result_init(&r);
    CHECK_INT(http_client_new(1000, 1000, &h), RB_OK);
    ctl_fail("whatsapp", "hang", 1, -1);
    CHECK_INT(wa_send_one(h, &r), WA_RETRY);
    /* Gave up before the hung upstream answered (it holds the request 30 s):
     * an order of events, not a race with a loaded machine. */
    CHECK(ctl_last_pending("whatsapp"));
    CHECK_INT(r.transport, HTTP_T_TIMEOUT);
    CHECK_INT(r.http_status, 0);
    CHECK_INT(wa_send_one(h, &r), WA_OK); /* the same client works on */
    wa_result_release(&r);
    http_client_free(h);
}

/* ---- Gemini ---- */

static const char *const s_lead[] = {"lead"};
static const char *const s_move[] = {"lead", "stage", "amount", "text"};
static const struct gemini_intent g_intents[] = {
    {"lead.status", NULL, s_lead, 1},
    {"lead.move", NULL, s_move, 4},
    {"help", NULL, NULL, 0},
};

/* One parse of "42 ka status" with budget_ms; returns the code. */
static int gemini_once(int budget_ms, struct parse_result *pr, struct gemini_info *info)
{
    struct gemini_catalog cat = {"Parse. {intents}\nToday is {today}.", g_intents, 3, NULL, 0};
    struct gemini_ctx ctx = {{{2026, 3, 10}, 9, 0}, "Asia/Karachi", 92, LANG_ROMAN_UR};
    struct gemini_conf conf = {base, "gemini-2.5-flash-lite", "test-key", budget_ms};
    struct http_client *h = NULL;
    const char *msg = "42 ka status";
    int rc;

    CHECK_INT(http_client_new(1000, 10000, &h), RB_OK);
    rc = gemini_parse(h, &conf, &cat, &ctx, msg, strlen(msg), pr, info);
    http_client_free(h);
    return rc;
}

static void gemini_reply(const char *answer)
{
    json_t *j = json_pack("{s:s}", "text", answer);
    char *s = json_dumps(j, JSON_COMPACT);

    CHECK_INT(ctl_post("/_control/gemini_reply", s), 200);
    free(s);
    json_decref(j);
}

TEST(gemini_ok)
{
    struct parse_result pr;
    struct gemini_info info;
    json_t *rec;

    ctl_reset();
    parse_result_init(&pr);
    gemini_info_init(&info);
    gemini_reply("{\"intent\":\"lead.status\",\"slots\":{\"lead\":\"42\"},\"lang\":\"roman_ur\","
                 "\"confidence\":0.9}");
    CHECK_INT(gemini_once(4000, &pr, &info), RB_OK);
    CHECK_STR(info.fallback, "");
    CHECK_STR(pr.intent, "lead.status");
    CHECK_STR(pr.engine, "gemini");
    CHECK_STR(json_string_value(json_object_get(pr.slots, "lead")), "42");
    CHECK_INT(info.attempts, 1);
    CHECK_INT(info.http_status, 200);
    CHECK_STR(info.model_version, "gemini-2.5-flash-lite");
    CHECK(info.response_id != NULL);
    CHECK(info.prompt_tokens > 0);
    rec = ctl_last("gemini");
    CHECK_STR(json_string_value(json_object_get(rec, "api_key")), "test-key");
    CHECK_STR(json_string_value(json_object_get(rec, "path")),
              "/v1beta/models/gemini-2.5-flash-lite:generateContent");
    json_decref(rec);
    parse_result_release(&pr);
    gemini_info_release(&info);
}

TEST(gemini_429_with_retry_delay_retries_once)
{
    struct parse_result pr;
    struct gemini_info info;
    int64_t t0 = clock_mono_ms();

    ctl_reset();
    parse_result_init(&pr);
    gemini_info_init(&info);
    ctl_fail("gemini", "http429", 1, 0); /* RetryInfo.retryDelay "1s" */
    gemini_reply("{\"intent\":\"help\",\"slots\":{}}");
    CHECK_INT(gemini_once(4000, &pr, &info), RB_OK);
    CHECK_STR(pr.intent, "help");
    CHECK_INT(info.attempts, 2);
    CHECK(clock_mono_ms() - t0 >= 1000);
    CHECK_INT(ctl_count("gemini"), 2);
    parse_result_release(&pr);
    gemini_info_release(&info);
}

/* A fault mode on every attempt; checks the code, reason and attempts. */
static void gemini_expect(const char *mode, int count, int budget_ms, int rc, const char *reason,
                          int attempts)
{
    struct parse_result pr;
    struct gemini_info info;

    ctl_reset();
    parse_result_init(&pr);
    gemini_info_init(&info);
    ctl_fail("gemini", mode, count, strcmp(mode, "hang") == 0 ? -1 : 0);
    CHECK_INT(gemini_once(budget_ms, &pr, &info), rc);
    CHECK_STR(info.fallback, reason);
    CHECK_INT(info.attempts, attempts);
    CHECK(pr.intent == NULL);
    gemini_info_release(&info);
}

TEST(gemini_fallback_reasons)
{
    gemini_expect("http503", 2, 4000, RB_EUPSTREAM, "http_503", 2);
    gemini_expect("http429", 2, 4000, RB_ERATELIMIT, "http_429", 2);
    gemini_expect("blocked", 1, 4000, RB_EUPSTREAM, "blocked", 1);
    gemini_expect("max_tokens", 1, 4000, RB_EUPSTREAM, "max_tokens", 1);
    gemini_expect("bad_json", 1, 4000, RB_EPARSE, "bad_json", 1);
    gemini_expect("enum_violation", 1, 4000, RB_EPARSE, "not_in_catalog", 1);
}

TEST(gemini_500_once_then_ok)
{
    struct parse_result pr;
    struct gemini_info info;

    ctl_reset();
    parse_result_init(&pr);
    gemini_info_init(&info);
    ctl_fail("gemini", "http500", 1, 0);
    gemini_reply("{\"intent\":\"help\",\"slots\":{}}");
    CHECK_INT(gemini_once(4000, &pr, &info), RB_OK);
    CHECK_INT(info.attempts, 2);
    CHECK(info.latency_ms >= 300); /* waited before the retry */
    parse_result_release(&pr);
    gemini_info_release(&info);
}

TEST(gemini_hang_stays_within_budget)
{
    gemini_expect("hang", 2, 1500, RB_ETIMEOUT, "timeout", 1);
    /* Gave up before the hung upstream answered (it holds the request 30 s). */
    CHECK(ctl_last_pending("gemini"));
}

/* ---- Lead Ads ---- */

TEST(lead_fetch_ok_and_ids_exact)
{
    const char *lead =
        "{\"id\":\"1482736950192837\",\"created_time\":\"2026-11-20T09:02:09+0000\","
        "\"ad_id\":120212345678900123,\"campaign_id\":\"120212345678900789\","
        "\"campaign_name\":\"Shadi Season 2027 - Lahore\",\"form_id\":987654321098765,"
        "\"is_organic\":false,\"platform\":\"fb\",\"field_data\":["
        "{\"name\":\"full_name\",\"values\":[\"Ayesha Khan\"]},"
        "{\"name\":\"phone_number\",\"values\":[\"+923001234567\"]},"
        "{\"name\":\"guest_count\",\"values\":[\"300\"]}]}";
    struct graph_conf conf = {base, "v26.0", "page-token"};
    struct http_client *h = NULL;
    struct graph_lead l;
    struct graph_result r;
    const char *query;
    json_t *rec;

    ctl_reset();
    graph_lead_init(&l);
    graph_result_init(&r);
    CHECK_INT(ctl_post("/_control/lead", lead), 200);
    CHECK_INT(http_client_new(1000, 5000, &h), RB_OK);
    CHECK_INT(graph_lead_fetch(h, &conf, "1482736950192837", &l, &r), RB_OK);
    CHECK_INT(r.cls, GRAPH_OK);
    CHECK_STR(l.id, "1482736950192837");
    CHECK_STR(l.ad_id, "120212345678900123");
    CHECK_STR(l.form_id, "987654321098765");
    CHECK_STR(l.campaign_name, "Shadi Season 2027 - Lahore");
    CHECK_INT(l.is_organic, 0);
    CHECK_STR(graph_lead_field(&l, "phone_number"), "+923001234567");
    rec = ctl_last("leads");
    CHECK_STR(json_string_value(json_object_get(rec, "auth")), "Bearer page-token");
    query = json_string_value(json_object_get(rec, "query"));
    CHECK(query && strstr(query, "campaign_name") != NULL);
    json_decref(rec);
    graph_lead_release(&l);
    graph_result_release(&r);
    http_client_free(h);
}

TEST(lead_fetch_errors)
{
    struct graph_conf conf = {base, "v26.0", "page-token"};
    struct http_client *h = NULL;
    struct graph_lead l;
    struct graph_result r;

    ctl_reset();
    graph_lead_init(&l);
    graph_result_init(&r);
    CHECK_INT(http_client_new(1000, 5000, &h), RB_OK);
    CHECK_INT(graph_lead_fetch(h, &conf, "444444444444", &l, &r), RB_OK);
    CHECK_INT(r.cls, GRAPH_PERMANENT);
    CHECK_INT(r.code, 100);
    CHECK_INT(r.subcode, 33);
    CHECK(l.id == NULL);
    ctl_fail("leads", "wa190", 1, 0);
    CHECK_INT(graph_lead_fetch(h, &conf, "1", &l, &r), RB_OK);
    CHECK_INT(r.cls, GRAPH_ALERT);
    ctl_fail("leads", "http500", 1, 0);
    CHECK_INT(graph_lead_fetch(h, &conf, "1", &l, &r), RB_OK);
    CHECK_INT(r.cls, GRAPH_RETRY);
    CHECK_INT(graph_lead_fetch(h, &conf, "1/../x", &l, &r), RB_EINVAL);
    CHECK_INT(r.cls, GRAPH_PERMANENT);
    graph_result_release(&r);
    http_client_free(h);
}

/* ---- invoicing ---- */

TEST(invoicing_create_idempotent_and_milestones)
{
    struct inv_conf conf = {inv_base, "inv-key"};
    struct inv_booking b = {"42",         "Ayesha Khan", "+923001234567", "2027-03-15", 300,
                            "Grand Hall", "dinner",      "gold",          800000};
    struct http_client *h = NULL;
    struct inv_result r;
    struct inv_milestones ms;
    char *first = NULL;
    char ctl[256];
    json_t *rec;

    ctl_reset();
    inv_result_init(&r);
    inv_milestones_init(&ms);
    CHECK_INT(http_client_new(1000, 5000, &h), RB_OK);
    CHECK_INT(inv_booking_create(h, &conf, &b, "lead-42-booking", &r), RB_OK);
    CHECK_INT(r.cls, INV_OK);
    CHECK_INT(r.http_status, 201);
    first = r.booking_id ? strdup(r.booking_id) : NULL;
    rec = ctl_last("invoicing");
    CHECK_STR(json_string_value(json_object_get(rec, "idempotency_key")), "lead-42-booking");
    CHECK_STR(json_string_value(json_object_get(rec, "auth")), "Bearer inv-key");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(rec, "body"), "amount")), 800000);
    json_decref(rec);
    CHECK_INT(inv_booking_create(h, &conf, &b, "lead-42-booking", &r), RB_OK);
    CHECK_INT(r.http_status, 200);
    CHECK_STR(r.booking_id, first);
    snprintf(ctl, sizeof(ctl),
             "{\"booking_id\":\"%s\",\"milestones\":[{\"milestone\":\"advance\",\"amount\":"
             "200000,\"status\":\"paid\",\"due_date\":\"2026-12-01\",\"paid_at\":"
             "\"2026-11-30T10:00:00Z\"},{\"milestone\":\"final\",\"amount\":600000,\"status\":"
             "\"pending\",\"due_date\":\"2027-03-01\",\"paid_at\":null}]}",
             first ? first : "x");
    CHECK_INT(ctl_post("/_control/milestones", ctl), 200);
    CHECK_INT(inv_booking_get(h, &conf, first ? first : "x", &ms, &r), RB_OK);
    CHECK_INT(r.cls, INV_OK);
    CHECK_INT(ms.n, 2);
    if (ms.n == 2) {
        CHECK_STR(ms.v[0].milestone, "advance");
        CHECK_INT(ms.v[0].amount, 200000);
        CHECK_STR(ms.v[1].status, "pending");
        CHECK(ms.v[1].paid_at == NULL);
    }
    inv_milestones_release(&ms);
    CHECK_INT(inv_booking_get(h, &conf, "INV-999999", &ms, &r), RB_OK);
    CHECK_INT(r.cls, INV_PERMANENT);
    ctl_fail("invoicing", "http500", 1, 0);
    CHECK_INT(inv_booking_create(h, &conf, &b, "lead-43-booking", &r), RB_OK);
    CHECK_INT(r.cls, INV_RETRY);
    free(first);
    inv_result_release(&r);
    http_client_free(h);
}

int main(void)
{
    int rc;

    signal(SIGPIPE, SIG_IGN);
    atexit(fake_stop);
    if (http_client_new(1000, 5000, &ctl_http) || fake_start() != 0) {
        printf("not ok - %s: fake upstream did not start\n", __FILE__);
        return 1;
    }
    RUN(wa_send_ok_gives_wamid);
    RUN(wa_failures_get_their_class);
    RUN(wa_hang_times_out_fast);
    RUN(gemini_ok);
    RUN(gemini_429_with_retry_delay_retries_once);
    RUN(gemini_fallback_reasons);
    RUN(gemini_500_once_then_ok);
    RUN(gemini_hang_stays_within_budget);
    RUN(lead_fetch_ok_and_ids_exact);
    RUN(lead_fetch_errors);
    RUN(invoicing_create_idempotent_and_milestones);
    rc = harness_done();
    http_client_free(ctl_http);
    fake_stop();
    return rc;
}
