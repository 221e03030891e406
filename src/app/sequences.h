/*
 * sequences.h - nurture sequences of config/rabta.conf ([sequence NAME]).
 *
 *   [sequence quoted]
 *   trigger = QUOTED                 # the stage entered: CONTACTED, SITE_VISIT,
 *                                    # QUOTED, NEGOTIATING or LOST
 *   reason = price                   # LOST only: the reason contains this
 *   steps = 1d client:nurture_quoted_1, 3d staff:nurture_quoted_2
 *
 * A step is a delay after the lead entered the stage (Nd days, Nh hours,
 * Nm minutes; increasing) and who gets it: "client" (the client, by
 * template outside the 24-hour window, never after STOP) or "staff" (the
 * assignee, with the text to forward). Its key names a prompt of
 * prompts/<lang>/nurture.txt (checked by `rabta check`).
 */
#ifndef RB_APP_SEQUENCES_H
#define RB_APP_SEQUENCES_H

#include <stdbool.h>
#include <stddef.h>

struct seq_step {
    int delay_s;
    bool to_client;
    char *key; /* prompt key */
};

struct seq_conf {
    char *name;
    char *trigger; /* stage name, NULL until set */
    char *reason;  /* NULL: any */
    struct seq_step *steps;
    size_t nsteps;
};

/* Opens [sequence NAME]: a new entry of *arr. RB_ENOMEM. */
int seq_open(struct seq_conf **arr, size_t *n, const char *name);
/* A key of the last sequence. RB_EPARSE with why in err[errn], RB_ENOMEM. */
int seq_key(struct seq_conf *s, const char *k, const char *v, char *err, size_t errn);
/* What is wrong with a whole sequence (no trigger, no steps), into err;
 * false when it is fine. */
bool seq_invalid(const struct seq_conf *s, char *err, size_t errn);
void seq_free(struct seq_conf *arr, size_t n);

#endif
