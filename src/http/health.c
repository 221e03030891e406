/*
 * health.c - GET /healthz (liveness with a store check) and GET /metrics
 * (Prometheus text: counters kept beside the logs, and backlog gauges).
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/log.h"
#include "http/routes.h"
#include "store/db.h"
#include "store/health.h"

void health_get(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    struct dbconn *c = NULL;
    int rc = db_acquire(ctx->app->db, 2000, &c);

    (void)req;
    if (!rc) {
        rc = store_ping(c);
    }
    db_release(ctx->app->db, c);
    resp->content_type = "application/json";
    resp->status = rc ? 503 : 200;
    buf_say(&resp->body, "{\"status\":\"%s\",\"store\":\"%s\",\"sandbox\":%s,\"uptime_s\":%lld}",
            rc ? "degraded" : "ok", rc ? "down" : "ok", ctx->app->env.sandbox ? "true" : "false",
            (long long)((clock_mono_ms() - ctx->app->started_ms) / 1000));
}

#define COUNTER(name, field, help)                                                                 \
    buf_say(&resp->body,                                                                           \
            "# HELP rabta_" name " " help "\n# TYPE rabta_" name " counter\nrabta_" name           \
            " %" PRIu64 "\n",                                                                      \
            __atomic_load_n(&k->field, __ATOMIC_RELAXED))

void metrics_get(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp)
{
    const struct app_counters *k = &ctx->app->counters;
    struct db_stats ds;
    struct dbconn *c = NULL;
    struct store_backlog bl;

    (void)req;
    resp->status = 200;
    resp->content_type = "text/plain; version=0.0.4";
    COUNTER("webhooks_accepted_total", webhooks_ok, "Webhook POSTs acknowledged after commit.");
    COUNTER("webhooks_bad_signature_total", webhooks_rejected_sig, "POSTs refused with 401.");
    COUNTER("webhooks_malformed_total", webhooks_bad_json, "POSTs refused with 400.");
    COUNTER("webhooks_store_down_total", webhooks_store_down, "POSTs answered 503.");
    COUNTER("events_stored_total", events_stored, "New inbound events stored.");
    COUNTER("events_duplicate_total", events_duplicate, "Inbound events already stored.");
    COUNTER("events_processed_total", events_processed, "Inbound events processed.");
    COUNTER("events_failed_total", events_failed, "Inbound event attempts that failed.");
    COUNTER("outbox_sent_total", outbox_sent, "Messages accepted by WhatsApp.");
    COUNTER("outbox_retried_total", outbox_retried, "Send attempts to retry later.");
    COUNTER("outbox_failed_total", outbox_failed, "Sends failed for good.");
    COUNTER("outbox_template_fallbacks_total", outbox_fallbacks, "Templates sent after 131047.");
    COUNTER("outbox_pair_limited_total", outbox_pair_limited, "Sends deferred by 131056.");
    COUNTER("parses_rules_total", parses_rules, "Staff messages parsed by the rules.");
    COUNTER("parses_gemini_total", parses_gemini, "Staff messages parsed by Gemini.");
    COUNTER("gemini_fallbacks_total", gemini_fallbacks, "Gemini answers not used.");
    COUNTER("ingest_commits_total", ingest_batches, "Group commits of webhook events.");
    db_stats(ctx->app->db, &ds);
    buf_say(&resp->body,
            "rabta_store_queries_total %" PRIu64 "\nrabta_store_errors_total %" PRIu64
            "\nrabta_store_reconnects_total %" PRIu64 "\n",
            ds.queries, ds.errors, ds.reconnects);
    if (!db_acquire(ctx->app->db, 1000, &c) && !store_backlog(c, &bl)) {
        buf_say(&resp->body,
                "# TYPE rabta_backlog gauge\nrabta_backlog{queue=\"events\"} %lld\n"
                "rabta_backlog{queue=\"outbox\"} %lld\nrabta_backlog{queue=\"jobs\"} %lld\n",
                (long long)bl.events, (long long)bl.outbox, (long long)bl.jobs);
    }
    db_release(ctx->app->db, c);
}
