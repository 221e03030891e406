/*
 * words.h - for unit tests that read values or languages without loading
 * the rules: loads the `.words` files of $RABTA_HOME/intents (or
 * ./intents) and installs them (nlu/vocab.h). Link nlu/vocab.
 */
#ifndef RB_TEST_WORDS_H
#define RB_TEST_WORDS_H

#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "nlu/vocab.h"

/* The installed set (vocab_free it at the end); exits when it cannot load. */
static inline struct vocab *test_words_install(void)
{
    const char *h = getenv("RABTA_HOME");
    char dir[4096];
    struct vocab *v = NULL;
    struct buf err;

    snprintf(dir, sizeof dir, "%s/intents", h && h[0] ? h : ".");
    buf_init(&err, 0);
    if (vocab_load_dir(dir, &v, &err) != RB_OK) {
        fprintf(stderr, "cannot load the words of %s:\n%s", dir, err.p);
        buf_release(&err);
        exit(1);
    }
    buf_release(&err);
    vocab_install(v);
    return v;
}

#endif
