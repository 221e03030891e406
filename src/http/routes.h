/*
 * routes.h - the handlers of the route table in server.c.
 */
#ifndef RB_HTTP_ROUTES_H
#define RB_HTTP_ROUTES_H

#include "http/server.h"

void wa_webhook_verify(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);
void wa_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);
void leads_webhook_verify(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);
void leads_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);
void invoicing_webhook_post(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);
void health_get(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);
void metrics_get(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);
void sandbox_graph(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);
/* The owner's report pages (http/report_auth.c). */
void report_page(struct http_ctx *ctx, struct http_req *req, struct http_resp *resp);

#endif
