#include "core/lang.h"

#include <string.h>

static const char *const lang_names[] = {"ur", "roman_ur", "en"};

const char *lang_name(enum lang l)
{
    if ((int)l < 0 || (size_t)l >= sizeof lang_names / sizeof lang_names[0]) {
        return "en";
    }
    return lang_names[l];
}

int lang_parse(const char *s, enum lang *out)
{
    if (!s) {
        return RB_EINVAL;
    }
    for (size_t i = 0; i < sizeof lang_names / sizeof lang_names[0]; i++) {
        if (strcmp(s, lang_names[i]) == 0) {
            *out = (enum lang)i;
            return RB_OK;
        }
    }
    return RB_EINVAL;
}
