/*
 * fake_gemini.c - fake_upstream's Gemini generateContent, answering the
 * canned texts tests queue (gemini-api.md §1, §6).
 */
#include <stdlib.h>
#include <string.h>

#include "fake.h"

/* Fixed bodies; they follow gemini-api.md §7 and §12.7. */
#define GEM_KEY_INVALID                                                                            \
    "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass "                       \
    "a valid API key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{"                            \
    "\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":"                           \
    "\"API_KEY_INVALID\",\"domain\":\"googleapis.com\",\"metadata\":{"                             \
    "\"service\":\"generativelanguage.googleapis.com\"}},{\"@type\":"                              \
    "\"type.googleapis.com/google.rpc.LocalizedMessage\",\"locale\":"                              \
    "\"en-US\",\"message\":\"API key not valid. Please pass a valid API "                          \
    "key.\"}]}}"
#define GEM_BAD_BODY                                                                               \
    "{\"error\":{\"code\":400,\"message\":\"Invalid JSON payload received. "                       \
    "Unexpected token.\",\"status\":\"INVALID_ARGUMENT\"}}"
#define GEM_NO_CONTENTS                                                                            \
    "{\"error\":{\"code\":400,\"message\":\"* GenerateContentRequest."                             \
    "contents: contents is not specified\\n\",\"status\":"                                         \
    "\"INVALID_ARGUMENT\"}}"
#define GEM_INTERNAL                                                                               \
    "{\"error\":{\"code\":500,\"message\":\"An internal error has "                                \
    "occurred. Please retry or report in https://developers.generativeai."                         \
    "google/guide/troubleshooting\",\"status\":\"INTERNAL\"}}"
#define GEM_DEADLINE                                                                               \
    "{\"error\":{\"code\":504,\"message\":\"Deadline expired before "                              \
    "operation could complete.\",\"status\":\"DEADLINE_EXCEEDED\"}}"
#define GEM_DEFAULT_TEXT "{\"intent\":\"unknown\",\"slots\":{}}"
#define GEM_BAD_JSON_TEXT "{\"intent\":\"lead.status\",\"slots\":{"
#define GEM_ENUM_TEXT "{\"intent\":\"lead.destroy\",\"slots\":{}}"

/* ---- Gemini --------------------------------------------------------- */

/* 200 in the shape of response_ok.json with text as the model's output. */
static void gem_answer(struct call *c, struct reply *rep, const char *text)
{
    json_t *resp = json_deep_copy(c->f->ref.gem_ok);
    json_t *cand = json_array_get(json_object_get(resp, "candidates"), 0);
    json_t *parts = json_object_get(json_object_get(cand, "content"), "parts");
    json_t *usage = json_object_get(resp, "usageMetadata");
    json_t *details = json_array_get(json_object_get(usage, "promptTokensDetails"), 0);
    json_int_t in = (json_int_t)(c->req->len / 4 + 1);
    json_int_t out = (json_int_t)(strlen(text) / 3 + 1);
    char rid[TOKEN_LEN + 1];

    make_token(c->f, rid);
    json_object_set_new(json_array_get(parts, 0), "text", jtext(text));
    json_object_set_new(usage, "promptTokenCount", json_integer(in));
    json_object_set_new(usage, "candidatesTokenCount", json_integer(out));
    json_object_set_new(usage, "totalTokenCount", json_integer(in + out));
    json_object_set_new(details, "tokenCount", json_integer(in));
    json_object_set_new(resp, "modelVersion", jtext(c->arg));
    json_object_set_new(resp, "responseId", json_string(rid));
    reply_json(rep, 200, resp);
}

static void gem_fault(struct call *c, struct reply *rep)
{
    const struct refs *r = &c->f->ref;

    switch (c->fault.mode) {
    case M_HTTP500:
        reply_text(rep, 500, CT_JSON, GEM_INTERNAL);
        break;
    case M_HTTP503:
        reply_text(rep, 503, CT_JSON, r->gem_503);
        break;
    case M_HTTP429:
        reply_text(rep, 429, CT_JSON, r->gem_429);
        break;
    case M_HANG:
        reply_text(rep, 504, CT_JSON, GEM_DEADLINE);
        break;
    case M_MAX_TOKENS:
        reply_text(rep, 200, CT_JSON, r->gem_max_tokens);
        break;
    case M_BLOCKED:
        reply_text(rep, 200, CT_JSON, r->gem_blocked);
        break;
    case M_BAD_JSON:
        gem_answer(c, rep, GEM_BAD_JSON_TEXT);
        break;
    case M_ENUM_VIOLATION:
        gem_answer(c, rep, GEM_ENUM_TEXT);
        break;
    default:
        reply_garbage(rep);
        break;
    }
}

/* POST /v1beta/models/{model}:generateContent */
void gem_generate(struct call *c, struct reply *rep)
{
    char *text;

    if (c->fault.mode > M_OK) {
        gem_fault(c, rep);
        return;
    }
    if (!nonempty(header(c->con, "x-goog-api-key"))) {
        reply_text(rep, 400, CT_JSON, GEM_KEY_INVALID);
        return;
    }
    if (!json_is_object(c->json)) {
        reply_text(rep, 400, CT_JSON, GEM_BAD_BODY);
        return;
    }
    if (json_array_size(json_object_get(c->json, "contents")) == 0) {
        reply_text(rep, 400, CT_JSON, GEM_NO_CONTENTS);
        return;
    }
    text = gemini_text_pop(c->f);
    gem_answer(c, rep, text ? text : GEM_DEFAULT_TEXT);
    free(text);
}
