/* clang-format off */
/* links: egress/whatsapp egress/http_client egress/gemini egress/gemini_prompt egress/gemini_request egress/gemini_answer nlu/catalog nlu/text */
/* clang-format on */
/* seeds: tests/fixtures/reference/whatsapp tests/fixtures/reference/gemini */
/*
 * libFuzzer target: response bodies through wa_classify (a few statuses),
 * gemini_read_response and gemini_retry_delay_ms.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "egress/gemini.h"
#include "egress/whatsapp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const long statuses[] = {200, 400, 500};
    const char *body = (const char *)data;
    struct wa_result r;
    struct gemini_info info;
    char *answer = NULL;
    const char *reason;

    wa_result_init(&r);
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        if (wa_classify(statuses[i], HTTP_T_OK, body, size, &r) != RB_OK || r.cls > WA_PERMANENT ||
            (r.cls == WA_PERMANENT && statuses[i] >= 500)) {
            abort();
        }
    }
    wa_result_release(&r);
    gemini_info_init(&info);
    reason = gemini_read_response(body, size, &info, &answer);
    if (!reason && !answer) {
        abort();
    }
    free(answer);
    gemini_info_release(&info);
    (void)gemini_retry_delay_ms(body, size);
    return 0;
}
