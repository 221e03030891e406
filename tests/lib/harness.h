/*
 * harness.h - a one-header unit test harness.
 *
 *   TEST(parses_lakh) { CHECK_INT(amount("8 lakh"), 800000); }
 *   int main(void) { RUN(parses_lakh); return harness_done(); }
 *
 * Each RUN prints "ok - <file>: <name>" or "not ok - ..." after the failed
 * checks, each as "file:line: expected X, got Y". harness_done prints the
 * totals and returns the exit status (non-zero on any failure).
 */
#ifndef RB_HARNESS_H
#define RB_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_failed_checks;
static int harness_case_failed;
static int harness_passed;
static int harness_failed;

#define TEST(name) static void name(void)

/* The bytes of the file at path (NUL-terminated; free() it) with *len, or
 * NULL after printing why. */
static inline char *harness_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;

    if (!f) {
        printf("  cannot open %s\n", path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        p = malloc((size_t)n + 1);
        if (p && fread(p, 1, (size_t)n, f) == (size_t)n) {
            p[n] = '\0';
            *len = (size_t)n;
        } else {
            free(p);
            p = NULL;
        }
    }
    fclose(f);
    return p;
}

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            printf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #expr);                      \
            harness_case_failed = 1;                                                               \
            harness_failed_checks++;                                                               \
        }                                                                                          \
    } while (0)

#define CHECK_INT(actual, expected)                                                                \
    do {                                                                                           \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                            \
        if (a_ != e_) {                                                                            \
            printf("  %s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__, #actual, e_, a_); \
            harness_case_failed = 1;                                                               \
            harness_failed_checks++;                                                               \
        }                                                                                          \
    } while (0)

#define CHECK_STR(actual, expected)                                                                \
    do {                                                                                           \
        const char *a_ = (actual), *e_ = (expected);                                               \
        if ((a_ == NULL) != (e_ == NULL) || (a_ && strcmp(a_, e_) != 0)) {                         \
            printf("  %s:%d: %s: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, #actual,      \
                   e_ ? e_ : "(null)", a_ ? a_ : "(null)");                                        \
            harness_case_failed = 1;                                                               \
            harness_failed_checks++;                                                               \
        }                                                                                          \
    } while (0)

static inline void harness_run(const char *file, const char *name, void (*fn)(void))
{
    harness_case_failed = 0;
    fn();
    if (harness_case_failed) {
        harness_failed++;
        printf("not ok - %s: %s\n", file, name);
    } else {
        harness_passed++;
        printf("ok - %s: %s\n", file, name);
    }
    fflush(stdout);
}

#define RUN(name) harness_run(__FILE__, #name, name)

static inline int harness_done(void)
{
    printf("# %d passed, %d failed (%d failed checks)\n", harness_passed, harness_failed,
           harness_failed_checks);
    return harness_failed ? 1 : 0;
}

#endif
