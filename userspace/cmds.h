/* SPDX-License-Identifier: GPL-2.0 */
/* The commands of the wakeoff CLI: argc/argv start at the command name. */
#ifndef WAKEOFF_CMDS_H
#define WAKEOFF_CMDS_H

int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_timehist(int argc, char **argv);
int cmd_stress(int argc, char **argv);
int cmd_uprobe(int argc, char **argv);

#include <stdbool.h>
/* report_interval.c: report -i; @count 0: until SIGINT. */
int wo_report_interval(double secs, unsigned long count, bool json);

/* uprobe.c: user clock hooks; 0 or -1 (message on stderr). */
#include <sys/types.h>
int wo_uprobe_add(const char *path, const char *sym, const char *kind,
		  bool all);
int wo_find_libc(pid_t pid, char *out, size_t len);
int wo_uprobe_libc(pid_t pid, bool all);

#endif
