/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of the wakeoff CLI, one file each (cmd_<name>.c), called
 * from the table in wakeoff.c: argc/argv start at the command name; the
 * return value is the exit status.
 */
#ifndef WAKEOFF_CMDS_H
#define WAKEOFF_CMDS_H

#include <stdbool.h>

int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_timehist(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_stress(int argc, char **argv);
int cmd_export(int argc, char **argv);		/* --perfetto */
int cmd_export_prom(int argc, char **argv);	/* --prometheus-textfile */
int cmd_export_any(int argc, char **argv);	/* either of the two */
int cmd_plot(int argc, char **argv);
int cmd_flamegraph(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_control(int argc, char **argv);
int cmd_uprobe(int argc, char **argv);

/* report_interval.c: report -i; @count 0: until SIGINT. */
int wo_report_interval(double secs, unsigned long count, bool json);

#endif
