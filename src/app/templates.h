/*
 * templates.h - the WhatsApp message templates: one declaration per template
 * in config/rabta.conf's [templates] section,
 *
 *     lead_greeting = ur: client_name, venue
 *
 * (name = language code: the body's parameters in the order of {{1}}, {{2}},
 * ...), and the code that fills them by name. Code never builds a positional
 * list: it hands the sender named values (template_params), and the sender
 * puts the declared ones in the declared order (templates_order), so a
 * template approved with another order or other parameters is a change of
 * config, not of code. `rabta check` checks every declaration against what
 * the code supplies (template_uses) and lists them (templates_table), which
 * is also the README's table.
 */
#ifndef RB_APP_TEMPLATES_H
#define RB_APP_TEMPLATES_H

#include <stddef.h>

#include <jansson.h>

#include "core/buf.h"

struct config;

/* What the code sends through one template: the config key naming it and
 * the parameter names it supplies (NULL-terminated). */
struct template_use {
    const char *key;  /* "greeting_template" in [whatsapp] */
    const char *what; /* when it is sent, for the listing */
    const char *const *params;
};
extern const struct template_use template_uses[];
extern const size_t template_nuses;

/*
 * Named parameters for a template send, for outbox.template_params:
 *
 *     json_t *p = template_params("client_name", name, "venue", venue, NULL);
 *
 * pairs of name and value, ended by NULL. A NULL or empty value is left out
 * (the sender refuses the send, naming it, if the template declares it).
 * Returns a new reference, NULL when out of memory.
 */
json_t *template_params(const char *name, ...) __attribute__((sentinel));

/*
 * The body parameters of template name for a send: from values (an object
 * of named values, as template_params makes) the declared ones in declared
 * order, as a new array in *out, and the declared language in *lang
 * (borrowed from c). An array of values (a row queued before declarations
 * existed) is taken as it is, with *lang NULL. RB_ENOTFOUND when name is not
 * declared, RB_EINVAL when a declared parameter has no value; why says which.
 */
int templates_order(const struct config *c, const char *name, const json_t *values, json_t **out,
                    const char **lang, struct buf *why);

/* Appends to err a "file:line: message" for each declaration that names a
 * parameter its use does not supply, and for each template the code sends
 * (greeting_template ...) that is not declared. Returns how many. */
int templates_check(const struct config *c, struct buf *err);

/* The declarations as a Markdown table (template, language, parameters,
 * sent when), for `rabta check --templates` and the README. */
void templates_table(const struct config *c, struct buf *out);

#endif
