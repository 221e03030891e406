/*
 * prompts.h - every sentence the bot says, per language, from prompts/.
 *
 * prompts/<lang>/messages.txt for lang in ur, roman_ur, en. A message is a
 * `[key]` line followed by its text up to the next `[key]` line (blank lines
 * at either end dropped, `#` lines are comments). Placeholders are {name};
 * `{{` is a literal brace. Loading checks that every key exists in every
 * language with the same placeholders (errors as file:line: message).
 * A loaded set is immutable and shared read-only by threads.
 */
#ifndef RB_APP_PROMPTS_H
#define RB_APP_PROMPTS_H

#include <jansson.h>

#include "core/buf.h"
#include "core/lang.h"

struct prompts;

RB_MUST_CHECK int prompts_load(const char *dir, struct prompts **out, struct buf *err);
void prompts_free(struct prompts *p);

/* True when key exists (in every language, as loading guarantees). */
int prompts_has(const struct prompts *p, const char *key);

/*
 * Appends message key in lang with {name} replaced by vars' member name
 * (strings as they are, integers in decimal). A placeholder without a value
 * renders as nothing. RB_ENOTFOUND for an unknown key.
 */
RB_MUST_CHECK int prompts_render(const struct prompts *p, enum lang lang, const char *key,
                                 const json_t *vars, struct buf *out);

/* A short hex hash of all prompt files (ai_log's prompt_version). Borrowed. */
const char *prompts_version(const struct prompts *p);

#endif
