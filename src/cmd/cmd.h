/*
 * cmd.h - the subcommands of bin/rabta. Each returns the process exit status
 * and is the only place that prints to the user or exits.
 */
#ifndef RB_CMD_H
#define RB_CMD_H

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_chat(int argc, char **argv);
int cmd_staff(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* The directory holding config/, intents/ and prompts/: $RABTA_HOME or ".". */
const char *cmd_home(void);

#endif
