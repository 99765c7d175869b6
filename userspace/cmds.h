/* SPDX-License-Identifier: GPL-2.0 */
/* The commands of the wakeoff CLI: argc/argv start at the command name. */
#ifndef WAKEOFF_CMDS_H
#define WAKEOFF_CMDS_H

int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_timehist(int argc, char **argv);
int cmd_stress(int argc, char **argv);

#endif
