/* links: domain/inbound */
/* seeds: tests/fixtures/whatsapp tests/fixtures/reference/whatsapp */
/*
 * libFuzzer target: webhook bodies through both splitters, the JSON repair
 * and the payload readers (domain/inbound.h). Crashes, over-reads and leaks
 * are what it looks for; the semantic checks live in tests/unit/test_robust_inbound.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "domain/inbound.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void split(int leadgen, const uint8_t *data, size_t size)
{
    struct inbound_batch b;
    struct buf err;
    int rc;

    buf_init(&err, 4096);
    inbound_batch_init(&b);
    rc = leadgen ? inbound_split_leadgen((const char *)data, size, &b, &err)
                 : inbound_split_whatsapp((const char *)data, size, &b, &err);
    if (rc != RB_OK && rc != RB_EPARSE) {
        abort();
    }
    for (size_t i = 0; i < b.n; i++) {
        struct wa_message m;
        struct wa_status s;
        if (inbound_message(b.ev[i].payload, &m) == RB_OK && (!m.wamid || !m.type)) {
            abort();
        }
        if (inbound_status(b.ev[i].payload, &s) == RB_OK) {
            (void)inbound_status_rank(s.status);
        }
    }
    inbound_batch_release(&b);
    buf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = 0;
    char *r;

    split(0, data, size);
    split(1, data, size);
    r = inbound_repair_json((const char *)data, size, &len);
    if (r && r[len] != '\0') {
        abort();
    }
    free(r);
    return 0;
}
