#include "app/templates.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "app/config.h"
#include "core/err.h"

/* What the code supplies to each template it sends. A declaration may use
 * any of these, in any order; a name not listed here is an error of
 * `rabta check`. */
static const char *const greeting_params[] = {"client_name", "venue", "staff_name", NULL};
static const char *const notify_params[] = {"text",  "client_name", "lead", "count",
                                            "venue", "staff_name",  NULL};
static const char *const reengage_params[] = {"client_name", "venue", "lead", NULL};

const struct template_use template_uses[] = {
    {"greeting_template", "a new lead's greeting, outside the client's 24-hour window",
     greeting_params},
    {"notify_template", "a notice to staff outside their 24-hour window", notify_params},
    {"reengage_template",
     "a salesperson's reply or a visit reminder outside the client's 24-hour window",
     reengage_params},
};
const size_t template_nuses = sizeof(template_uses) / sizeof(template_uses[0]);

/* The template name the config gives a use (greeting_template = ...). */
static const char *use_template(const struct config *c, const struct template_use *u)
{
    if (strcmp(u->key, "greeting_template") == 0) {
        return c->greeting_template;
    }
    if (strcmp(u->key, "notify_template") == 0) {
        return c->notify_template;
    }
    if (strcmp(u->key, "reengage_template") == 0) {
        return c->reengage_template;
    }
    return NULL;
}

static bool listed(const char *const *list, const char *name)
{
    for (; *list; list++) {
        if (strcmp(*list, name) == 0) {
            return true;
        }
    }
    return false;
}

json_t *template_params(const char *name, ...)
{
    json_t *o = json_object();
    va_list ap;

    va_start(ap, name);
    for (const char *k = name; o && k; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        if (v && v[0] && json_object_set_new(o, k, json_string(v))) {
            json_decref(o);
            o = NULL;
        }
    }
    va_end(ap);
    return o;
}

int templates_order(const struct config *c, const char *name, const json_t *values, json_t **out,
                    const char **lang, struct buf *why)
{
    const struct template_decl *t;
    json_t *list;

    *out = NULL;
    *lang = NULL;
    if (json_is_array(values)) {
        *out = json_deep_copy(values);
        return *out ? RB_OK : RB_ENOMEM;
    }
    t = config_find_template(c, name);
    if (!t) {
        buf_say(why, "template %s is not declared in [templates] of rabta.conf", name);
        return RB_ENOTFOUND;
    }
    list = json_array();
    if (!list) {
        return RB_ENOMEM;
    }
    for (size_t i = 0; i < t->nparams; i++) {
        const char *v = json_string_value(json_object_get(values, t->params[i]));
        if (!v || !v[0]) {
            buf_say(why, "template %s: no value for its parameter {{%zu}} %s", name, i + 1,
                    t->params[i]);
            json_decref(list);
            return RB_EINVAL;
        }
        if (json_array_append_new(list, json_string(v))) {
            json_decref(list);
            return RB_ENOMEM;
        }
    }
    *out = list;
    *lang = t->lang;
    return RB_OK;
}

int templates_check(const struct config *c, struct buf *err)
{
    int n = 0;

    for (size_t i = 0; i < template_nuses; i++) {
        const struct template_use *u = &template_uses[i];
        const char *name = use_template(c, u);
        const struct template_decl *t = config_find_template(c, name);
        if (!name || !name[0]) {
            continue;
        }
        if (!t) {
            buf_say(err,
                    "%s: [whatsapp] %s = %s, but template %s is not declared in [templates] "
                    "(add \"%s = LANGUAGE: parameters\")\n",
                    c->path, u->key, name, name, name);
            n++;
            continue;
        }
        for (size_t j = 0; j < t->nparams; j++) {
            if (!listed(u->params, t->params[j])) {
                buf_say(err,
                        "%s:%d: template %s: parameter \"%s\" is not one the code supplies to "
                        "it (%s:",
                        c->path, t->line, name, t->params[j], u->key);
                for (const char *const *p = u->params; *p; p++) {
                    buf_say(err, " %s", *p);
                }
                buf_say(err, ")\n");
                n++;
            }
        }
    }
    return n;
}

void templates_table(const struct config *c, struct buf *out)
{
    buf_say(out, "| template | language | body parameters, in order | sent for |\n");
    buf_say(out, "|---|---|---|---|\n");
    for (size_t i = 0; i < c->ntemplates; i++) {
        const struct template_decl *t = &c->templates[i];
        const char *when = NULL;
        buf_say(out, "| `%s` | `%s` | ", t->name, t->lang);
        for (size_t j = 0; j < t->nparams; j++) {
            buf_say(out, "%s{{%zu}} %s", j ? ", " : "", j + 1, t->params[j]);
        }
        if (!t->nparams) {
            buf_say(out, "none");
        }
        for (size_t k = 0; k < template_nuses; k++) {
            const char *name = use_template(c, &template_uses[k]);
            if (name && strcmp(name, t->name) == 0) {
                when = template_uses[k].what;
            }
        }
        buf_say(out, " | %s |\n", when ? when : "not sent by Rabta");
    }
}
