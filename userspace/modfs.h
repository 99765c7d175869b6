/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Access to the live module's debugfs files (WAKEOFF_DIR overrides
 * /sys/kernel/debug/wakeoff), shared by every command.
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
 * Send one control command; on rejection prints the module's reason
 * (control's last_error) and returns -1.
 */
int wo_mod_control(const char *cmd);

#endif
