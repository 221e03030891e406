/* links: */
/*
 * test_sequences - [sequence NAME] of rabta.conf read into steps, and
 * every way one can be wrong refused with its reason.
 */
#include "harness.h"

#include "app/sequences.h"
#include "core/err.h"

TEST(steps_parse)
{
    struct seq_conf *a = NULL;
    size_t n = 0;
    char err[200] = "";

    CHECK_INT(seq_open(&a, &n, "quoted"), RB_OK);
    CHECK_INT(seq_key(&a[0], "trigger", "quoted", err, sizeof(err)), RB_OK);
    CHECK_INT(seq_key(&a[0], "steps",
                      "1d client:nurture_quoted_1, 36h staff:nudge_2 ,7d client:x_3", err,
                      sizeof(err)),
              RB_OK);
    CHECK(strcmp(a[0].trigger, "QUOTED") == 0);
    CHECK_INT((int)a[0].nsteps, 3);
    CHECK_INT(a[0].steps[0].delay_s, 86400);
    CHECK(a[0].steps[0].to_client);
    CHECK(strcmp(a[0].steps[0].key, "nurture_quoted_1") == 0);
    CHECK_INT(a[0].steps[1].delay_s, 36 * 3600);
    CHECK(!a[0].steps[1].to_client);
    CHECK(strcmp(a[0].steps[2].key, "x_3") == 0);
    CHECK(!seq_invalid(&a[0], err, sizeof(err)));
    seq_free(a, n);
}

TEST(bad_sequences_say_why)
{
    struct seq_conf *a = NULL;
    size_t n = 0;
    char err[200] = "";

    CHECK_INT(seq_open(&a, &n, "s"), RB_OK);
    CHECK_INT(seq_key(&a[0], "trigger", "WON", err, sizeof(err)), RB_EPARSE);
    CHECK(strstr(err, "\"WON\" is not a stage") != NULL);
    CHECK_INT(seq_key(&a[0], "steps", "2x client:a", err, sizeof(err)), RB_EPARSE);
    CHECK(strstr(err, "delay \"2x\"") != NULL);
    CHECK_INT(seq_key(&a[0], "steps", "0d client:a", err, sizeof(err)), RB_EPARSE);
    CHECK_INT(seq_key(&a[0], "steps", "3d client:a, 1d client:b", err, sizeof(err)), RB_EPARSE);
    CHECK(strstr(err, "no later than the step before") != NULL);
    CHECK_INT(seq_key(&a[0], "steps", "1d owner:a", err, sizeof(err)), RB_EPARSE);
    CHECK(strstr(err, "\"owner\" is not client or staff") != NULL);
    CHECK_INT(seq_key(&a[0], "steps", "1d client:Bad-Key", err, sizeof(err)), RB_EPARSE);
    CHECK_INT(seq_key(&a[0], "steps", "1d client", err, sizeof(err)), RB_EPARSE);
    CHECK_INT(seq_key(&a[0], "colour", "red", err, sizeof(err)), RB_EPARSE);
    CHECK(strstr(err, "unknown key \"colour\"") != NULL);
    CHECK(seq_invalid(&a[0], err, sizeof(err)));
    CHECK(strstr(err, "has no trigger") != NULL);
    CHECK_INT(seq_key(&a[0], "trigger", "QUOTED", err, sizeof(err)), RB_OK);
    CHECK(seq_invalid(&a[0], err, sizeof(err)));
    CHECK(strstr(err, "has no steps") != NULL);
    CHECK_INT(seq_key(&a[0], "steps", "1d client:a", err, sizeof(err)), RB_OK);
    CHECK_INT(seq_key(&a[0], "reason", "price", err, sizeof(err)), RB_OK);
    CHECK(seq_invalid(&a[0], err, sizeof(err)));
    CHECK(strstr(err, "LOST only") != NULL);
    seq_free(a, n);
}

int main(void)
{
    RUN(steps_parse);
    RUN(bad_sequences_say_why);
    return harness_done();
}
