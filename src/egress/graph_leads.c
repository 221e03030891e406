#include "egress/graph_leads.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/str.h"

#define GRAPH_BASE_DEFAULT "https://graph.facebook.com"
#define GRAPH_VERSION_DEFAULT "v26.0"

void graph_lead_init(struct graph_lead *l)
{
    memset(l, 0, sizeof(*l));
    l->is_organic = -1;
}

void graph_lead_release(struct graph_lead *l)
{
    size_t i;

    if (!l) {
        return;
    }
    for (i = 0; i < l->nfields; i++) {
        free(l->fields[i].name);
        free(l->fields[i].value);
    }
    free(l->fields);
    free(l->id);
    free(l->created_time);
    free(l->ad_id);
    free(l->ad_name);
    free(l->adset_id);
    free(l->adset_name);
    free(l->campaign_id);
    free(l->campaign_name);
    free(l->form_id);
    free(l->platform);
    graph_lead_init(l);
}

static int graph_parse_fields(const json_t *data, struct graph_lead *l)
{
    size_t i, n = json_array_size(data);
    const json_t *item;
    int rc;

    if (n == 0) {
        return RB_OK;
    }
    l->fields = calloc(n, sizeof(*l->fields));
    if (!l->fields) {
        return RB_ENOMEM;
    }
    json_array_foreach (data, i, item) {
        struct graph_lead_field *f = &l->fields[l->nfields];
        const json_t *name = json_object_get(item, "name");

        if (!json_is_string(name)) {
            continue; /* ignore what we cannot name */
        }
        rc = json_id_dup(name, &f->name);
        if (!rc) {
            rc = json_id_dup(json_array_get(json_object_get(item, "values"), 0), &f->value);
        }
        if (!rc && !f->value) {
            f->value = strdup("");
            rc = f->value ? RB_OK : RB_ENOMEM;
        }
        l->nfields++; /* counted even when half filled, so release frees it */
        if (rc) {
            return rc;
        }
    }
    return RB_OK;
}

int graph_lead_parse(const char *body, size_t len, struct graph_lead *out)
{
    struct graph_lead l;
    const struct {
        const char *key;
        char **dst;
    } keys[] = {
        {"id", &l.id},
        {"created_time", &l.created_time},
        {"ad_id", &l.ad_id},
        {"ad_name", &l.ad_name},
        {"adset_id", &l.adset_id},
        {"adset_name", &l.adset_name},
        {"campaign_id", &l.campaign_id},
        {"campaign_name", &l.campaign_name},
        {"form_id", &l.form_id},
        {"platform", &l.platform},
    };
    json_t *root;
    const json_t *org;
    size_t i;
    int rc = RB_OK;

    graph_lead_init(&l);
    root = json_loadb(body, len, 0, NULL);
    if (!json_is_object(root)) {
        rc = RB_EPARSE;
        goto out;
    }
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !rc; i++) {
        rc = json_id_dup(json_object_get(root, keys[i].key), keys[i].dst);
    }
    if (!rc && (!l.id || !l.id[0])) {
        rc = RB_EPARSE;
    }
    if (!rc) {
        rc = graph_parse_fields(json_object_get(root, "field_data"), &l);
    }
    org = json_object_get(root, "is_organic");
    l.is_organic = json_is_boolean(org) ? json_is_true(org) : -1;
out:
    json_decref(root);
    if (rc) {
        graph_lead_release(&l);
        return rc;
    }
    *out = l;
    return RB_OK;
}

const char *graph_lead_field(const struct graph_lead *l, const char *name)
{
    size_t i;

    for (i = 0; i < l->nfields; i++) {
        if (strcmp(l->fields[i].name, name) == 0) {
            return l->fields[i].value;
        }
    }
    return NULL;
}

const char *graph_class_name(enum graph_class c)
{
    switch (c) {
    case GRAPH_OK:
        return "ok";
    case GRAPH_RETRY:
        return "retry";
    case GRAPH_ALERT:
        return "alert";
    case GRAPH_PERMANENT:
        return "permanent";
    }
    return "permanent";
}

void graph_result_init(struct graph_result *r)
{
    memset(r, 0, sizeof(*r));
    r->cls = GRAPH_RETRY;
    r->code = -1;
    r->subcode = -1;
}

void graph_result_release(struct graph_result *r)
{
    if (!r) {
        return;
    }
    free(r->message);
    graph_result_init(r);
}

static enum graph_class graph_code_class(long long code, long status)
{
    static const long long retry[] = {1, 2, 4, 17, 32, 613, 80001};
    static const long long alert[] = {0, 3, 10, 102, 190};
    size_t i;

    for (i = 0; i < sizeof(retry) / sizeof(retry[0]); i++) {
        if (code == retry[i]) {
            return GRAPH_RETRY;
        }
    }
    for (i = 0; i < sizeof(alert) / sizeof(alert[0]); i++) {
        if (code == alert[i]) {
            return GRAPH_ALERT;
        }
    }
    if (code >= 200 && code <= 299) {
        return GRAPH_ALERT;
    }
    return status >= 500 ? GRAPH_RETRY : GRAPH_PERMANENT;
}

int graph_classify(long status, enum http_transport t, const char *body, size_t len,
                   struct graph_result *r)
{
    json_t *root = NULL;
    const json_t *err, *code, *sub;
    const char *msg;
    int rc = RB_OK;

    graph_result_release(r);
    r->http_status = status;
    r->transport = t;
    r->cls = GRAPH_RETRY;
    if (t != HTTP_T_OK) {
        return RB_OK;
    }
    if (status == 200) {
        r->cls = GRAPH_OK;
        return RB_OK;
    }
    root = body ? json_loadb(body, len, 0, NULL) : NULL;
    err = json_object_get(root, "error");
    code = json_object_get(err, "code");
    if (!json_is_integer(code)) {
        goto out; /* not the Graph shape: a transport problem, retry */
    }
    sub = json_object_get(err, "error_subcode");
    r->code = json_integer_value(code);
    r->subcode = json_is_integer(sub) ? json_integer_value(sub) : -1;
    r->cls = graph_code_class(r->code, status);
    msg = json_string_value(json_object_get(err, "message"));
    if (msg) {
        r->message = strdup(msg);
        rc = r->message ? RB_OK : RB_ENOMEM;
    }
out:
    json_decref(root);
    return rc;
}

/* "{base}/{version}/{id}?fields=..." */
static int graph_url(const struct graph_conf *conf, const char *id, struct buf *url)
{
    const char *base = conf->base && conf->base[0] ? conf->base : GRAPH_BASE_DEFAULT;
    const char *version = conf->version && conf->version[0] ? conf->version : GRAPH_VERSION_DEFAULT;
    size_t blen = strlen(base);

    while (blen > 0 && base[blen - 1] == '/') {
        blen--;
    }
    if (blen == 0 || !http_header_value_ok(base) || !http_path_segment_ok(version)) {
        return RB_EINVAL;
    }
    if (buf_add(url, base, blen) ||
        buf_addf(url, "/%s/%s?fields=%s", version, id, GRAPH_LEAD_FIELDS)) {
        return buf_err(url);
    }
    return RB_OK;
}

static bool graph_id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    return n > 0 && n <= 32 && strspn(id, "0123456789") == n;
}

int graph_lead_fetch(struct http_client *h, const struct graph_conf *conf, const char *leadgen_id,
                     struct graph_lead *lead, struct graph_result *r)
{
    struct buf url, auth;
    struct http_response res;
    const char *headers[2] = {NULL, NULL};
    int rc;

    buf_init(&url, 4096);
    buf_init(&auth, 8192);
    http_response_init(&res, GRAPH_RESPONSE_MAX);
    graph_result_release(r);
    if (!graph_id_ok(leadgen_id)) {
        r->cls = GRAPH_PERMANENT;
        rc = RB_EINVAL;
        goto out;
    }
    r->cls = GRAPH_ALERT; /* until the configuration proves usable */
    rc = graph_url(conf, leadgen_id, &url);
    if (!rc && !http_header_value_ok(conf->token)) {
        rc = RB_EINVAL;
    }
    if (!rc) {
        rc = buf_addf(&auth, "Authorization: Bearer %s", conf->token);
    }
    if (rc) {
        goto out;
    }
    headers[0] = auth.p;
    rc = http_get(h, url.p, headers, &res);
    if (rc == RB_EINVAL || rc == RB_ENOMEM) {
        goto out;
    }
    rc = graph_classify(res.status, res.transport, res.body.p, res.body.len, r);
    r->total_ms = res.total_ms;
    if (!rc && r->cls == GRAPH_OK) {
        rc = graph_lead_parse(res.body.p, res.body.len, lead);
        if (rc == RB_EPARSE) {
            r->cls = GRAPH_RETRY; /* a 200 we cannot read: a proxy page, a cut body */
            rc = RB_OK;
        }
    }
out:
    if (rc == RB_ENOMEM) {
        r->cls = GRAPH_RETRY;
    }
    http_response_release(&res);
    buf_release(&auth);
    buf_release(&url);
    return rc;
}
