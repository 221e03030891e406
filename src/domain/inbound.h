/*
 * inbound.h - webhook bodies into events, and events into structs. Pure.
 *
 * A WhatsApp POST can carry several entries, each with several changes, each
 * value with several messages or statuses (or an errors array). Each becomes
 * one struct inbound_event with a dedupe key:
 *   msg:<wamid>              a message
 *   st:<wamid>:<status>      a status
 *   err:<sha256 of value>    account-level errors (value.errors)
 *   lead:<leadgen_id>        a Lead Ads leadgen change
 *   acct:<sha256 of value>   an account_update change (ACCOUNT_RESTRICTION ...)
 *   invpay:<payment_id>      an invoicing payment (http/webhook_invoicing.c)
 * and a payload object holding what the worker needs:
 *   {"phone_number_id", "display_phone_number", "contact", "message"} or
 *   {"phone_number_id", "status"} or {"phone_number_id", "errors"} or
 *   {"leadgen_id", "page_id", "form_id", "ad_id", "created_time"} (ids as strings) or
 *   {"account_update": value} (stored with kind 'other').
 * Unknown fields are ignored; other change fields are counted, not kept.
 */
#ifndef RB_DOMAIN_INBOUND_H
#define RB_DOMAIN_INBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"

enum inbound_kind { IN_MESSAGE, IN_STATUS, IN_ERROR, IN_LEADGEN, IN_ACCOUNT, IN_PAYMENT };

struct inbound_event {
    enum inbound_kind kind;
    char *dedupe_key;      /* new */
    char *phone_number_id; /* new, NULL for leadgen */
    json_t *payload;       /* new reference */
};

struct inbound_batch {
    struct inbound_event *ev;
    size_t n, cap;
    size_t ignored; /* changes of other fields, logged by the caller */
};

void inbound_batch_init(struct inbound_batch *b);
void inbound_batch_release(struct inbound_batch *b);

/*
 * Splits a WhatsApp webhook body (object whatsapp_business_account) into b.
 * RB_EPARSE for malformed JSON or a non-object (err says why); valid JSON
 * with no entry yields no events and RB_OK.
 */
RB_MUST_CHECK int inbound_split_whatsapp(const char *body, size_t len, struct inbound_batch *b,
                                         struct buf *err);
/* The same for a Lead Ads body (object page, field leadgen). */
RB_MUST_CHECK int inbound_split_leadgen(const char *body, size_t len, struct inbound_batch *b,
                                        struct buf *err);

/* The same for an invoicing webhook body: one event object or
 * {"events": [...]}; each payment.received with a payment id is one
 * event (key invpay:<payment_id>, payload {"booking_id", "lead_id",
 * "payment"}). */
RB_MUST_CHECK int inbound_split_invoicing(const char *body, size_t len, struct inbound_batch *b,
                                          struct buf *err);

/*
 * A copy of a JSON text in which a lone \uD800-\uDFFF escape (a message
 * cut inside an emoji) becomes \ufffd and bytes that are not UTF-8 become
 * U+FFFD, so a strict decoder takes it; NULL when nothing needed repair.
 * The split functions try it when a body does not decode as it is. Free
 * the result with free(); *out_len is its length.
 */
char *inbound_repair_json(const char *s, size_t len, size_t *out_len);

/* A message event's payload as fields; all pointers are borrowed from payload. */
struct wa_message {
    const char *phone_number_id;
    const char *wamid;
    const char *from;         /* digits, NULL for a username-only user */
    const char *from_user_id; /* BSUID, may be NULL */
    const char *profile_name; /* may be NULL */
    const char *type;         /* text, image, ... */
    const char *text;         /* body, caption, button text, list/button title; may be NULL */
    const char *context_id;   /* wamid quoted, NULL if none */
    const char *media_id;
    const char *media_mime;
    const char *subtype; /* unsupported.type, interactive.type, reaction emoji */
    int64_t timestamp;   /* Unix seconds, 0 if absent */
    bool forwarded;
    const char *ad_headline;  /* referral.headline of a click-to-WhatsApp ad, or NULL */
    const char *ad_source_id; /* referral.source_id (the ad id), or NULL */
    const char *new_wa_id;    /* system: the number the client changed to, or NULL */
    const json_t *body;       /* the object named by type (order, edit, interactive ...) */
};

struct wa_status {
    const char *phone_number_id;
    const char *wamid;
    const char *status;       /* sent delivered read failed played */
    const char *recipient_id; /* digits, may be NULL */
    const char *recipient_user_id;
    int64_t timestamp;
    long error_code; /* 0 when none */
    const char *error_title;
    const char *error_details;
    const char *biz_opaque; /* biz_opaque_callback_data echoed from the send */
};

RB_MUST_CHECK int inbound_message(const json_t *payload, struct wa_message *out);
RB_MUST_CHECK int inbound_status(const json_t *payload, struct wa_status *out);
/* Rank of a status for monotonic updates: sent 1, delivered 2, read 3, played 3,
 * failed 4 (terminal); 0 for anything else. */
int inbound_status_rank(const char *status);

#endif
