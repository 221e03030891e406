/*
 * classify.c - hashed n-gram features and a softmax linear model trained by
 * SGD (see classify.h).
 */
#include "nlu/classify.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/hmac.h"

#define MAX_FEATS 2048 /* features of one message, at most */
#define WORD_MAX 64    /* bytes of one word that features look at */
#define EPOCHS 20
#define LR0 0.8f

struct classifier {
    int nclasses;
    float *w;     /* CLF_BUCKETS x nclasses while training, then freed */
    int8_t *q;    /* the trained weights in 8 bits: w = q * scale[class] */
    float *scale; /* nclasses */
    float *b;     /* nclasses */
};

/* ---- features ---- */

struct feats {
    uint32_t f[MAX_FEATS];
    size_t n;
};

static uint64_t mix(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void add(struct feats *F, char kind, const char *a, size_t na, const char *b, size_t nb)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    char k = kind;

    if (F->n == MAX_FEATS) {
        return;
    }
    h = mix(h, &k, 1);
    h = mix(h, a, na);
    if (b) {
        h = mix(h, "\x01", 1);
        h = mix(h, b, nb);
    }
    h ^= h >> 29;
    F->f[F->n++] = (uint32_t)(h % CLF_BUCKETS);
}

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* The word as features see it: digit runs as one "0", a letter repeated
 * for emphasis ("pleeeease") kept twice. Returns its length in out. */
static size_t shape(const char *w, size_t n, char *out)
{
    size_t o = 0, i;

    for (i = 0; i < n && o < WORD_MAX; i++) {
        char c = w[i];

        if (c >= '0' && c <= '9') {
            if (o && out[o - 1] == '0') {
                continue;
            }
            c = '0';
        } else if (o >= 2 && out[o - 1] == c && out[o - 2] == c && (unsigned char)c < 0x80) {
            continue;
        }
        out[o++] = c;
    }
    return o;
}

/* The consonants of a Latin word, doubled ones once: "status", "stts" ->
 * "stts"; "follow", "flw" -> "flw". 0 when the word is not all a-z. */
static size_t skeleton(const char *w, size_t n, char *out)
{
    size_t o = 0, i;

    for (i = 0; i < n; i++) {
        if (w[i] < 'a' || w[i] > 'z') {
            return 0;
        }
    }
    for (i = 0; i < n && o < WORD_MAX; i++) {
        if (is_vowel(w[i]) || (o && out[o - 1] == w[i])) {
            continue;
        }
        out[o++] = w[i];
    }
    return o;
}

static size_t cp_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Character 3- and 4-grams of "<word>" (code points). */
static void char_grams(struct feats *F, const char *w, size_t n)
{
    char buf[WORD_MAX + 2];
    size_t off[WORD_MAX + 3], ncp = 0, i, len = 0, g;

    buf[len++] = '<';
    memcpy(buf + len, w, n);
    len += n;
    buf[len++] = '>';
    for (i = 0; i < len; i += cp_len((unsigned char)buf[i])) {
        off[ncp++] = i;
    }
    off[ncp] = len;
    for (g = 3; g <= 4; g++) {
        for (i = 0; i + g <= ncp; i++) {
            add(F, (char)('0' + g), buf + off[i], off[i + g] - off[i], NULL, 0);
        }
    }
}

static void features(const char *key, size_t len, struct feats *F)
{
    char cur[WORD_MAX], prev[WORD_MAX], sk[WORD_MAX];
    size_t i = 0, s, nc, np = 1, ns;

    F->n = 0;
    prev[0] = '^';
    while (i < len) {
        while (i < len && (key[i] == ' ' || key[i] == ':')) {
            i++;
        }
        s = i;
        while (i < len && key[i] != ' ' && key[i] != ':') {
            i++;
        }
        if (i == s) {
            break;
        }
        nc = shape(key + s, i - s, cur);
        add(F, 'w', cur, nc, NULL, 0);
        add(F, 'b', prev, np, cur, nc);
        ns = skeleton(cur, nc, sk);
        if (ns >= 2) {
            add(F, 's', sk, ns, NULL, 0);
        }
        if (nc <= WORD_MAX - 2) {
            char_grams(F, cur, nc);
        }
        memcpy(prev, cur, nc);
        np = nc;
    }
    add(F, 'b', prev, np, "$", 1);
}

/* ---- the model ---- */

/* Softmax of out[0 .. nclasses-1], in place. */
static void softmax(const struct classifier *c, float *out)
{
    float max, sum = 0.0f;
    int k;

    max = out[0];
    for (k = 1; k < c->nclasses; k++) {
        max = out[k] > max ? out[k] : max;
    }
    for (k = 0; k < c->nclasses; k++) {
        out[k] = expf(out[k] - max);
        sum += out[k];
    }
    for (k = 0; k < c->nclasses; k++) {
        out[k] /= sum;
    }
}

/* The class probabilities of F while training (float weights). */
static void scores(const struct classifier *c, const struct feats *F, float *out)
{
    float x = F->n ? 1.0f / sqrtf((float)F->n) : 0.0f;
    int k;

    for (k = 0; k < c->nclasses; k++) {
        out[k] = c->b[k];
    }
    for (size_t i = 0; i < F->n; i++) {
        const float *row = c->w + (size_t)F->f[i] * (size_t)c->nclasses;

        for (k = 0; k < c->nclasses; k++) {
            out[k] += row[k] * x;
        }
    }
    softmax(c, out);
}

/* The same with the 8-bit weights: a quarter of the memory to walk. */
static void scores_q(const struct classifier *c, const struct feats *F, float *out)
{
    float x = F->n ? 1.0f / sqrtf((float)F->n) : 0.0f;
    int32_t acc[64] = {0};
    int k;

    for (size_t i = 0; i < F->n; i++) {
        const int8_t *row = c->q + (size_t)F->f[i] * (size_t)c->nclasses;

        for (k = 0; k < c->nclasses; k++) {
            acc[k] += row[k];
        }
    }
    for (k = 0; k < c->nclasses; k++) {
        out[k] = c->b[k] + (float)acc[k] * c->scale[k] * x;
    }
    softmax(c, out);
}

/* Weights to 8 bits, one scale per class; frees the float weights. */
static int quantize(struct classifier *c)
{
    size_t i, n = (size_t)CLF_BUCKETS * (size_t)c->nclasses;
    int k;

    c->q = malloc(n);
    c->scale = calloc((size_t)c->nclasses, sizeof *c->scale);
    if (!c->q || !c->scale) {
        return RB_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        k = (int)(i % (size_t)c->nclasses);
        c->scale[k] = fabsf(c->w[i]) > c->scale[k] ? fabsf(c->w[i]) : c->scale[k];
    }
    for (k = 0; k < c->nclasses; k++) {
        c->scale[k] = c->scale[k] > 0.0f ? c->scale[k] / 127.0f : 1.0f;
    }
    for (i = 0; i < n; i++) {
        c->q[i] = (int8_t)lrintf(c->w[i] / c->scale[i % (size_t)c->nclasses]);
    }
    free(c->w);
    c->w = NULL;
    return RB_OK;
}

int classifier_train(const struct clf_sample *samples, size_t n, int nclasses,
                     struct classifier **out)
{
    struct classifier *c;
    struct feats *G = NULL;
    uint32_t *all = NULL, *grown;
    size_t *off = NULL, *order = NULL, i, j, t, nall = 0, cap = 0;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    float p[64], lr, x;
    int e, k;

    if (nclasses < 2 || nclasses > 64 || (!samples && n)) {
        return RB_EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (samples[i].label < 0 || samples[i].label >= nclasses) {
            return RB_EINVAL;
        }
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        return RB_ENOMEM;
    }
    c->nclasses = nclasses;
    c->w = calloc((size_t)CLF_BUCKETS * (size_t)nclasses, sizeof *c->w);
    c->b = calloc((size_t)nclasses, sizeof *c->b);
    G = malloc(sizeof *G);
    off = malloc((n + 1) * sizeof *off);
    order = malloc((n ? n : 1) * sizeof *order);
    if (!c->w || !c->b || !G || !off || !order) {
        goto nomem;
    }
    /* every sample's features, one after another: all[off[i] .. off[i+1]) */
    for (i = 0; i < n; i++) {
        features(samples[i].key, samples[i].len, G);
        if (nall + G->n > cap) {
            cap = 2 * (nall + G->n) + 1024;
            grown = realloc(all, cap * sizeof *all);
            if (!grown) {
                goto nomem;
            }
            all = grown;
        }
        off[i] = nall;
        memcpy(all + nall, G->f, G->n * sizeof *all);
        nall += G->n;
        order[i] = i;
    }
    off[n] = nall;
    for (e = 0; e < EPOCHS; e++) {
        /* the same shuffle every time: one set of examples, one model */
        for (i = n; i > 1; i--) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            j = (size_t)(seed >> 33) % i;
            t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        lr = LR0 * (1.0f - (float)e / (float)EPOCHS);
        for (t = 0; t < n; t++) {
            G->n = off[order[t] + 1] - off[order[t]];
            memcpy(G->f, all + off[order[t]], G->n * sizeof *all);
            scores(c, G, p);
            p[samples[order[t]].label] -= 1.0f; /* the gradient of the loss */
            x = G->n ? 1.0f / sqrtf((float)G->n) : 0.0f;
            for (k = 0; k < nclasses; k++) {
                c->b[k] -= lr * p[k] * 0.1f;
            }
            for (i = 0; i < G->n; i++) {
                float *row = c->w + (size_t)G->f[i] * (size_t)nclasses;

                for (k = 0; k < nclasses; k++) {
                    row[k] -= lr * p[k] * x;
                }
            }
        }
    }
    free(G);
    free(all);
    free(off);
    free(order);
    if (quantize(c)) {
        classifier_free(c);
        return RB_ENOMEM;
    }
    *out = c;
    return RB_OK;
nomem:
    free(G);
    free(all);
    free(off);
    free(order);
    classifier_free(c);
    return RB_ENOMEM;
}

/* ---- the cache (classifier_train_cached) ---- */

/* Bump when features() or training changes in a way the constants below do
 * not show: a cached model is then never read for the new code. */
#define CLF_CACHE_VERSION "rabta-classifier-1"
#define CLF_CACHE_MAGIC "RBCLF001"

/* The SHA-256 (hex) of everything the model depends on. */
static int cache_key(const struct clf_sample *samples, size_t n, int nclasses, char hex[65])
{
    struct buf b;
    int rc;

    buf_init(&b, (size_t)1 << 30);
    rc = buf_addf(&b, "%s buckets=%u epochs=%d lr=%a feats=%d word=%d classes=%d n=%zu\n",
                  CLF_CACHE_VERSION, CLF_BUCKETS, EPOCHS, (double)LR0, MAX_FEATS, WORD_MAX,
                  nclasses, n);
    for (size_t i = 0; i < n && !rc; i++) {
        rc = buf_addf(&b, "%d %zu:", samples[i].label, samples[i].len);
        rc = rc ? rc : buf_add(&b, samples[i].key, samples[i].len);
        rc = rc ? rc : buf_addc(&b, '\n');
    }
    rc = rc ? rc : hmac_sha256_hex(CLF_CACHE_VERSION, strlen(CLF_CACHE_VERSION), b.p, b.len, hex);
    buf_release(&b);
    return rc;
}

/* The file: magic, the key (64 hex), nclasses (int32), then scale, b (floats)
 * and q (CLF_BUCKETS x nclasses bytes). */
static struct classifier *cache_read(const char *path, const char *hex, int nclasses)
{
    char magic[8], key[64];
    int32_t k;
    size_t nq = (size_t)CLF_BUCKETS * (size_t)nclasses;
    struct classifier *c = NULL;
    FILE *f = fopen(path, "rb");
    bool ok;

    if (!f) {
        return NULL;
    }
    ok = fread(magic, 1, 8, f) == 8 && memcmp(magic, CLF_CACHE_MAGIC, 8) == 0 &&
         fread(key, 1, 64, f) == 64 && memcmp(key, hex, 64) == 0 &&
         fread(&k, sizeof k, 1, f) == 1 && k == nclasses;
    if (ok) {
        c = calloc(1, sizeof *c);
        ok = c != NULL;
    }
    if (ok) {
        c->nclasses = nclasses;
        c->scale = malloc((size_t)nclasses * sizeof *c->scale);
        c->b = malloc((size_t)nclasses * sizeof *c->b);
        c->q = malloc(nq);
        ok = c->scale && c->b && c->q &&
             fread(c->scale, sizeof *c->scale, (size_t)nclasses, f) == (size_t)nclasses &&
             fread(c->b, sizeof *c->b, (size_t)nclasses, f) == (size_t)nclasses &&
             fread(c->q, 1, nq, f) == nq && fgetc(f) == EOF;
    }
    fclose(f);
    if (!ok) {
        classifier_free(c);
        return NULL;
    }
    return c;
}

static void cache_write(const char *path, const char *hex, const struct classifier *c)
{
    char tmp[1200];
    int32_t k = c->nclasses;
    size_t nq = (size_t)CLF_BUCKETS * (size_t)c->nclasses;
    FILE *f;
    bool ok;

    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    f = fopen(tmp, "wb");
    if (!f) {
        return;
    }
    ok = fwrite(CLF_CACHE_MAGIC, 1, 8, f) == 8 && fwrite(hex, 1, 64, f) == 64 &&
         fwrite(&k, sizeof k, 1, f) == 1 &&
         fwrite(c->scale, sizeof *c->scale, (size_t)k, f) == (size_t)k &&
         fwrite(c->b, sizeof *c->b, (size_t)k, f) == (size_t)k && fwrite(c->q, 1, nq, f) == nq;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
    }
}

int classifier_train_cached(const struct clf_sample *samples, size_t n, int nclasses,
                            const char *cache_dir, struct classifier **out)
{
    char hex[65], path[1100];
    struct classifier *c;
    int rc;

    if (!cache_dir || !cache_dir[0] || nclasses < 2 || nclasses > 64 || strlen(cache_dir) > 1000 ||
        cache_key(samples, n, nclasses, hex) != RB_OK) {
        return classifier_train(samples, n, nclasses, out);
    }
    snprintf(path, sizeof path, "%s/clf-%s.bin", cache_dir, hex);
    c = cache_read(path, hex, nclasses);
    if (c) {
        *out = c;
        return RB_OK;
    }
    rc = classifier_train(samples, n, nclasses, out);
    if (!rc) {
        cache_write(path, hex, *out);
    }
    return rc;
}

void classifier_free(struct classifier *c)
{
    if (!c) {
        return;
    }
    free(c->w);
    free(c->q);
    free(c->scale);
    free(c->b);
    free(c);
}

int classifier_predict(const struct classifier *c, const char *key, size_t len, float *probs)
{
    struct feats F;
    int k, best = 0;

    features(key, len, &F);
    scores_q(c, &F, probs);
    for (k = 1; k < c->nclasses; k++) {
        best = probs[k] > probs[best] ? k : best;
    }
    return best;
}

int classifier_classes(const struct classifier *c)
{
    return c->nclasses;
}
