/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Access to the live module's debugfs files (WAKEOFF_DIR overrides
 * /sys/kernel/debug/wakeoff) and its sysfs control file, shared by every
 * command.
 */
#ifndef WAKEOFF_MODFS_H
#define WAKEOFF_MODFS_H

#include <stddef.h>

#include "summary.h"

const char *wo_dir(void);
/* "<dir>/<name>" into @buf. */
void wo_path(char *buf, size_t len, const char *name);
/*
 * "WHO: message" for module file @path failing with @err: what failed,
 * why and what to do (errmsg.h), e.g. how to load the module.
 */
void wo_mod_perror(const char *who, const char *path, int err);
/* Read a module file; on error prints wo_mod_perror's message, returns -1. */
int wo_mod_read(const char *name, char **buf, size_t *len);
/* Read and parse the summary; prints the reason on error. */
int wo_mod_summary(struct wo_summary *s);
/*
 * The module's sysfs directory (WAKEOFF_SYSFS_DIR overrides
 * /sys/kernel/wakeoff): its control file is the one kernel lockdown
 * allows.
 */
const char *wo_sysfs_dir(void);
/*
 * Send one control command, through sysfs control, else (a module
 * without it) debugfs control; on failure prints what failed, why and
 * what to do -- for a rejection the module's reason (control's
 * last_error) -- and returns -1.
 */
int wo_mod_control(const char *cmd);
/*
 * wo_mod_control(@cmd) for putting the module back at the end of a
 * command; on failure also says that the module is left @left and how
 * to put it back.  Returns 0 or -1.
 */
int wo_mod_restore(const char *who, const char *cmd, const char *left);

#endif
