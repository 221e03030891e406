/*
 * gemini_intents.c - the thin adapter from a loaded rule-engine set
 * (nlu/intents.h) to the plain catalog gemini.c works on. Kept apart so that
 * gemini.c (and its unit test) do not link the rule engine.
 */
#include "egress/gemini.h"

#include <stdlib.h>

#include "nlu/intents.h"

/* The catalog and its intents array, allocated together. */
struct gm_owned_catalog {
    struct gemini_catalog cat;
    struct gemini_intent intents[];
};

int gemini_catalog_new(const struct intents *set, const struct gemini_prompt *p,
                       struct gemini_catalog **out)
{
    const struct intent_info *info;
    struct gm_owned_catalog *c;
    size_t n = 0, i;

    info = intents_list(set, &n);
    c = calloc(1, sizeof(*c) + n * sizeof(c->intents[0]));
    if (!c) {
        return RB_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        c->intents[i].name = info[i].name;
        c->intents[i].description = info[i].description;
        c->intents[i].slots = info[i].slots;
        c->intents[i].nslots = info[i].nslots;
    }
    c->cat.system_template = gemini_prompt_system(p);
    c->cat.intents = c->intents;
    c->cat.nintents = n;
    c->cat.examples = gemini_prompt_examples(p, &c->cat.nexamples);
    c->cat.prompt = p;
    *out = &c->cat;
    return RB_OK;
}

void gemini_catalog_free(struct gemini_catalog *c)
{
    /* cat is the first member of the block gemini_catalog_new allocated */
    free(c);
}
