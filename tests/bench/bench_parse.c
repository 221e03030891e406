/* clang-format off */
/* links: nlu/text nlu/vocab nlu/values nlu/values_date nlu/values_amount nlu/catalog nlu/classify nlu/intents nlu/intents_key nlu/intents_load nlu/intents_compile nlu/intents_need nlu/intents_slots nlu/intents_match nlu/intents_model app/config */
/* clang-format on */
/*
 * bench_parse.c - rules-engine throughput on one core.
 *
 *   bench_parse [--rounds N] [CORPUS.tsv ...]
 *
 * Loads config/rabta.conf and intents/ (from $RABTA_HOME or "."), reads the
 * text and now columns of each corpus file (default
 * intents/examples/labeled.tsv), parses every message N times (default
 * 20) one after another on this thread, and prints messages per second and
 * the 50th and 99th percentile of the time per message in microseconds. Times
 * are this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so that other work on
 * a shared machine does not count; wall-clock messages/s is printed too.
 * Two untimed warm-up rounds come first (patterns are JIT-compiled on their
 * second use). The target is at least 20,000 messages/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/config.h"
#include "core/buf.h"
#include "core/clock.h"
#include "nlu/catalog.h"
#include "nlu/intents.h"

struct msg {
    char *text;
    struct rb_datetime now;
};

static const char *home(void)
{
    const char *h = getenv("RABTA_HOME");

    return h && h[0] ? h : ".";
}

static int64_t now_ns(clockid_t which)
{
    struct timespec ts;

    clock_gettime(which, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Appends the messages of one TSV file (text, now, ...) to *msgs. */
static int read_corpus(const char *path, struct msg **msgs, size_t *n, size_t *cap)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *tab, *now;
    size_t lcap = 0;
    ssize_t len;

    if (!f) {
        fprintf(stderr, "bench_parse: cannot open %s\n", path);
        return -1;
    }
    while ((len = getline(&line, &lcap, f)) >= 0) {
        tab = strchr(line, '\t');
        if (!tab) {
            continue;
        }
        *tab = '\0';
        now = tab + 1;
        tab = strchr(now, '\t');
        if (tab) {
            *tab = '\0';
        }
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            *msgs = realloc(*msgs, *cap * sizeof **msgs);
            if (!*msgs) {
                fclose(f);
                free(line);
                return -1;
            }
        }
        (*msgs)[*n].text = strdup(line);
        if (datetime_parse(now, &(*msgs)[*n].now) != RB_OK) {
            (*msgs)[*n].now = clock_local(0);
        }
        (*n)++;
    }
    free(line);
    fclose(f);
    return 0;
}

static int load(struct config **cfg, struct intents **rules)
{
    struct buf err, path;
    struct nlu_env env;
    int rc;

    buf_init(&err, 0);
    buf_init(&path, 0);
    rc = buf_addf(&path, "%s/config/rabta.conf", home());
    if (!rc) {
        rc = config_load(path.p, cfg, &err);
    }
    if (!rc) {
        nlu_env_from_config(&env, *cfg);
        buf_reset(&path);
        rc = buf_addf(&path, "%s/intents", home());
    }
    if (!rc) {
        rc = intents_load(path.p, &env, rules, &err);
    }
    if (rc) {
        fprintf(stderr, "%sbench_parse: %s\n", err.p, rb_strerror(rc));
    }
    buf_release(&err);
    buf_release(&path);
    return rc;
}

int main(int argc, char **argv)
{
    struct config *cfg = NULL;
    struct intents *rules = NULL;
    struct msg *msgs = NULL;
    struct parse_result r;
    size_t n = 0, cap = 0, i, total, k = 0;
    int64_t *ns = NULL, t0, t1, start, wall, warm, cpu = 0;
    int rounds = 20, a, files = 0, status = 1;
    char path[1024];

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc) {
            rounds = atoi(argv[++a]);
        } else if (read_corpus(argv[a], &msgs, &n, &cap) == 0) {
            files++;
        } else {
            goto out;
        }
    }
    if (!files) {
        snprintf(path, sizeof path, "%s/intents/examples/labeled.tsv", home());
        if (read_corpus(path, &msgs, &n, &cap) != 0) {
            goto out;
        }
    }
    if (!n || rounds < 1 || load(&cfg, &rules) != RB_OK) {
        goto out;
    }
    total = n * (size_t)rounds;
    ns = malloc(total * sizeof *ns);
    if (!ns) {
        goto out;
    }
    /* Two untimed rounds first: a pattern is JIT-compiled on its second use
     * (nlu/intents.h), so this measures the steady state of a running serve;
     * the JIT compile of the whole set is printed apart. */
    start = now_ns(CLOCK_THREAD_CPUTIME_ID);
    for (a = 0; a < 2; a++) {
        for (i = 0; i < n; i++) {
            parse_result_init(&r);
            if (intents_match(rules, msgs[i].text, strlen(msgs[i].text), msgs[i].now, &r)) {
                fprintf(stderr, "bench_parse: cannot parse \"%s\"\n", msgs[i].text);
            }
            parse_result_release(&r);
        }
    }
    warm = now_ns(CLOCK_THREAD_CPUTIME_ID) - start;
    start = now_ns(CLOCK_MONOTONIC);
    for (a = 0; a < rounds; a++) {
        for (i = 0; i < n; i++) {
            parse_result_init(&r);
            t0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
            if (intents_match(rules, msgs[i].text, strlen(msgs[i].text), msgs[i].now, &r) !=
                RB_OK) {
                fprintf(stderr, "bench_parse: cannot parse \"%s\"\n", msgs[i].text);
            }
            parse_result_release(&r);
            t1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
            ns[k++] = t1 - t0;
            cpu += t1 - t0;
        }
    }
    wall = now_ns(CLOCK_MONOTONIC) - start;
    qsort(ns, total, sizeof *ns, cmp_i64);
    printf("bench_parse: %zu messages x %d rounds on one core: %.0f messages/s "
           "(%.0f by the wall clock), p50 %.1f us, p99 %.1f us per message"
           " (after 2 warm-up rounds, %.0f ms with the JIT compiles)\n",
           n, rounds, (double)total / ((double)cpu / 1e9), (double)total / ((double)wall / 1e9),
           (double)ns[total / 2] / 1e3, (double)ns[(size_t)((double)total * 0.99)] / 1e3,
           (double)warm / 1e6);
    status = 0;
out:
    for (i = 0; i < n; i++) {
        free(msgs[i].text);
    }
    free(msgs);
    free(ns);
    intents_free(rules);
    config_free(cfg);
    return status;
}
