/* clang-format off */
/* links: nlu/text nlu/values nlu/catalog nlu/classify nlu/intents nlu/intents_key nlu/intents_load nlu/intents_compile nlu/intents_need nlu/intents_slots nlu/intents_match nlu/intents_model nlu/extract app/config */
/* clang-format on */
/* seeds: build/fuzz/seeds/intents */
/*
 * libFuzzer target: the rule engine (intents_match over the real intents/
 * and config/, loaded once from RABTA_HOME or ".") and extract_event_facts.
 * Run it with -timeout=1 to catch catastrophic backtracking.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "nlu/catalog.h"
#include "nlu/extract.h"
#include "nlu/intents.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config *cfg;
static struct intents *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *home = getenv("RABTA_HOME");
    char path[4096];
    struct buf err;
    struct nlu_env env;

    (void)argc;
    (void)argv;
    home = home && home[0] ? home : ".";
    buf_init(&err, 0);
    snprintf(path, sizeof path, "%s/config/rabta.conf", home);
    if (config_load(path, &cfg, &err) != RB_OK) {
        fprintf(stderr, "fuzz_intents: %s\n", err.p);
        abort();
    }
    nlu_env_from_config(&env, cfg);
    snprintf(path, sizeof path, "%s/intents", home);
    if (intents_load(path, &env, &rules, &err) != RB_OK) {
        fprintf(stderr, "fuzz_intents: %s\n", err.p);
        abort();
    }
    buf_release(&err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct nlu_now now = {{{2026, 3, 14}, 10, 0}, 92, false};
    struct parse_result r;
    struct event_facts f;
    int rc;

    parse_result_init(&r);
    rc = intents_match(rules, (const char *)data, size, now.now, &r);
    if (rc != RB_OK && rc != RB_EPARSE && rc != RB_ETOOBIG) {
        abort();
    }
    if (rc == RB_OK &&
        (!r.intent || !json_is_object(r.slots) || !(r.confidence >= 0.0) || r.confidence > 1.0)) {
        abort();
    }
    parse_result_release(&r);
    extract_event_facts((const char *)data, size, &now, &f);
    if (f.has_date && (!date_valid(f.date) || date_cmp(f.date, now.now.date) < 0)) {
        abort();
    }
    return 0;
}
