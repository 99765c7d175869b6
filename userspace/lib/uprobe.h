/* SPDX-License-Identifier: GPL-2.0 */
/* User clock hooks (clock_gettime through the vDSO); 0 or -1, message on stderr. */
#ifndef WAKEOFF_UPROBE_H
#define WAKEOFF_UPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

int wo_uprobe_add(const char *path, const char *sym, const char *kind,
		  bool all);
int wo_find_libc(pid_t pid, char *out, size_t len);
int wo_uprobe_libc(pid_t pid, bool all);

#endif
