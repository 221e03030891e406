/*
 * whatsapp.h - the Graph API client for WhatsApp messages.
 *
 * Three layers, each usable alone:
 *   - builders (pure, jansson): the JSON body of a text, a reply quoting an
 *     earlier message, a template with body parameters, a mark-as-read;
 *     wa_split_text cuts a long text into sendable pieces;
 *   - wa_classify (pure): (HTTP status, transport class, body) -> a result
 *     with a retry class (reference §8.2) and, on success, the wamid;
 *   - wa_send: POST {base}/{version}/{phone_number_id}/messages with
 *     "Authorization: Bearer <token>" on the caller's http_client.
 * wa_backoff_ms is the one backoff function of the outbox (pure).
 *
 * Nothing here logs or retries: the outbox worker decides, and logs once.
 */
#ifndef RB_EGRESS_WHATSAPP_H
#define RB_EGRESS_WHATSAPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"
#include "core/str.h"
#include "egress/http_client.h"

#define WA_GRAPH_BASE_DEFAULT "https://graph.facebook.com"
#define WA_GRAPH_VERSION_DEFAULT "v26.0"
/* Longest text body WhatsApp accepts, in characters (code points). */
#define WA_TEXT_MAX 4096
/* Ceiling on a Graph response body we read. */
#define WA_RESPONSE_MAX ((size_t)64 * 1024)

/*
 * Who a message goes to. phone: E.164 digits with the country code, '+'
 * optional ("+923001234567" or "923001234567" as webhooks give it); always
 * sent as "to" with the '+'. When no phone is known, bsuid (a business-scoped
 * user id such as "PK.13491208655302741918") is sent as "recipient".
 * Both borrowed.
 */
struct wa_recipient {
    const char *phone;
    const char *bsuid;
};

/*
 * Builders. Each sets *out to a NEW json_t object (caller json_decref's) on
 * success and leaves it untouched on failure. RB_EINVAL for a bad recipient
 * (neither field usable, a phone that is not 8-15 digits with a non-zero
 * first digit), an empty body or id; RB_EPARSE for a body that is not valid
 * UTF-8; RB_ETOOBIG for a body over WA_TEXT_MAX code points (split it first
 * with wa_split_text); RB_ENOMEM.
 */
RB_MUST_CHECK int wa_build_text(const struct wa_recipient *to, const char *body, bool preview_url,
                                json_t **out);
/* A text that quotes context_wamid (context.message_id). */
RB_MUST_CHECK int wa_build_reply(const struct wa_recipient *to, const char *context_wamid,
                                 const char *body, json_t **out);
/*
 * A template by name and language code ("ur", "en_US"), with nparams
 * positional body parameters (text, borrowed); no components when nparams
 * is 0. RB_EINVAL for a name or code that is empty or not [A-Za-z0-9_].
 */
RB_MUST_CHECK int wa_build_template(const struct wa_recipient *to, const char *name,
                                    const char *lang_code, const char *const *params,
                                    size_t nparams, json_t **out);
/* Marks wamid (and earlier messages in that chat) as read. */
RB_MUST_CHECK int wa_build_mark_read(const char *wamid, json_t **out);

/*
 * Splits s (len bytes of UTF-8) into pieces of at most max_chars code points
 * each, cutting only between grapheme clusters (never inside a code point,
 * and not between a letter and its combining marks), and preferring the last
 * newline, then the last space, in the second half of a piece. Pieces
 * borrow from s; the separator at a cut stays at the end of the earlier
 * piece. Sets *parts to a NEW array (free() it) of *nparts slices; a text
 * that fits gives one piece; an empty text gives zero pieces (*parts NULL).
 * RB_EPARSE for invalid UTF-8, RB_EINVAL for max_chars 0, RB_ENOMEM.
 */
RB_MUST_CHECK int wa_split_text(const char *s, size_t len, size_t max_chars, struct str **parts,
                                size_t *nparts);

/* What the outbox does with a send's outcome (reference §8.2). */
enum wa_class {
    WA_OK = 0,            /* accepted; wamid set (a mark-as-read has none) */
    WA_RETRY,             /* back off and retry the same message */
    WA_PAIR_LIMIT,        /* 131056: retry this recipient later; others go on */
    WA_TEMPLATE_FALLBACK, /* 131047: outside the window; send the template instead */
    WA_STOP_ALERT,        /* token/permission/account: keep the row, alert, stop sending;
                             not a per-message failure */
    WA_PERMANENT,         /* this message will never go; fail the row */
};

/* "ok", "retry", "pair_limit", "template_fallback", "stop_alert", "permanent". */
const char *wa_class_name(enum wa_class c);

struct wa_result {
    enum wa_class cls;
    long http_status;              /* 0 when no response arrived */
    enum http_transport transport; /* HTTP_T_OK when a response arrived */
    long long code;                /* error.code; -1 when there is none */
    long long subcode;             /* error.error_subcode; -1 when absent */
    char *title;                   /* new string or NULL: "Re-engagement message" */
    char *details;                 /* new string or NULL: error.error_data.details */
    char *wamid;                   /* new string or NULL: messages[0].id */
    int64_t total_ms;
};

void wa_result_init(struct wa_result *r);
/* Frees the strings and re-inits. Accepts NULL. */
void wa_result_release(struct wa_result *r);

/* The class of one Graph error code, as the table in §8.2. */
enum wa_class wa_code_class(long long code);

/*
 * Classifies one exchange into r (released and refilled). Pure.
 *   - a transport failure (t != HTTP_T_OK) or a 5xx without a known code:
 *     WA_RETRY;
 *   - 2xx with messages[0].id: WA_OK with wamid; 2xx with "success": true
 *     (mark-as-read): WA_OK;
 *   - otherwise error.code decides (wa_code_class), except that a 5xx never
 *     ends as WA_PERMANENT (server trouble: WA_RETRY);
 *   - a body that is not the documented JSON (HTML from a proxy, empty,
 *     truncated, a 2xx without an id): WA_RETRY.
 * Returns RB_OK, or RB_ENOMEM (r then holds WA_RETRY and no strings).
 */
RB_MUST_CHECK int wa_classify(long status, enum http_transport t, const char *body, size_t len,
                              struct wa_result *r);

/* Where and as whom to send; all borrowed. base and version may be NULL
 * (the defaults above). */
struct wa_conf {
    const char *base;            /* GRAPH_API_BASE, no trailing slash needed */
    const char *version;         /* GRAPH_API_VERSION, "v26.0" */
    const char *phone_number_id; /* WHATSAPP_PHONE_NUMBER_ID */
    const char *token;           /* WHATSAPP_TOKEN; never logged */
};

/*
 * Sends msg (from a builder; borrowed) and classifies the answer into r.
 * Returns RB_OK when the exchange was classified -- then look at r->cls,
 * which may well be an error class. RB_EINVAL for a bad conf (a missing
 * token or id, characters that cannot go in a URL or a header): r->cls is
 * then WA_STOP_ALERT, since the configuration is wrong, not the message.
 * RB_ENOMEM: r->cls is WA_RETRY.
 */
RB_MUST_CHECK int wa_send(struct http_client *h, const struct wa_conf *conf, const json_t *msg,
                          struct wa_result *r);

/*
 * Delay before retry number attempt (1 = the first retry): base_ms *
 * 2^(attempt-1), capped at cap_ms, then "equal jitter": a value drawn
 * uniformly from [d/2, d] by a generator seeded with seed (the same seed
 * gives the same delay -- pass e.g. outbox id ^ attempt, or a random
 * number). Pure. attempt < 1 counts as 1; never returns less than 0.
 * For WA_PAIR_LIMIT use a base of about 6000 ms (one message per 6 s per
 * recipient, §10).
 */
int64_t wa_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms, uint64_t seed);

#endif
