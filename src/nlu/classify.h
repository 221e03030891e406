/*
 * classify.h - a statistical intent classifier learned from example
 * sentences: the parser's second layer, for what no pattern lists.
 *
 * Features of a message's matching key (the normalized text the patterns
 * run on): its words, pairs of neighbouring words, the consonant skeleton of
 * each Latin word ("status", "stts" and "sttus" all give "stts"), and the
 * character 3- and 4-grams of each word with its edges marked (fastText's
 * subwords), so typos, dropped vowels and new word orders still share
 * features with the examples. Digits read as one shape ("42" and "1104" are
 * the same word). Features are hashed into CLF_BUCKETS rows; the model is a
 * multinomial logistic regression (softmax over the intents) trained by
 * stochastic gradient descent in a fixed order, so the same examples always
 * give the same model. Training a few thousand sentences takes tens of
 * milliseconds. The trained weights are kept in 8 bits with one scale per
 * class: CLF_BUCKETS x classes bytes (512 KB for 16 intents), a quarter of
 * the memory to walk per message.
 *
 * A trained model is immutable: any number of threads may predict at once.
 */
#ifndef RB_NLU_CLASSIFY_H
#define RB_NLU_CLASSIFY_H

#include <stddef.h>

#include "core/err.h"

#define CLF_BUCKETS (1u << 15)

struct classifier;

/* One training sentence: its matching key and its class (0 .. nclasses-1). */
struct clf_sample {
    const char *key;
    size_t len;
    int label;
};

/*
 * Trains a model on n samples of nclasses classes (2 .. 64). *out is a new
 * model (classifier_free it). RB_EINVAL for bad arguments, RB_ENOMEM.
 */
RB_MUST_CHECK int classifier_train(const struct clf_sample *samples, size_t n, int nclasses,
                                   struct classifier **out);

/*
 * classifier_train, with a cache: when cache_dir (NULL: none) holds a model
 * trained on exactly these samples, it is read from there instead (the file
 * clf-<SHA-256>.bin, named by the hash of every sample in order, nclasses and
 * the training constants; the same model, bit for bit); otherwise the model
 * is trained and written there (a temporary file renamed, so concurrent
 * processes never read half a file). A cache that cannot be read or written
 * is no error: the model is trained. For the tests (RABTA_MODEL_CACHE),
 * which start serve a hundred times on the same intents/.
 */
RB_MUST_CHECK int classifier_train_cached(const struct clf_sample *samples, size_t n, int nclasses,
                                          const char *cache_dir, struct classifier **out);

void classifier_free(struct classifier *c);

/*
 * The probability of each class for the key (len bytes), in probs[0 ..
 * nclasses-1] (they add up to 1). Returns the most likely class.
 */
int classifier_predict(const struct classifier *c, const char *key, size_t len, float *probs);

/* The classes of the model. */
int classifier_classes(const struct classifier *c);

#endif
