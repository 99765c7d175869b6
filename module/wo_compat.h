/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: kernel version compatibility, in one place.
 *
 * wakeoff is tested on Debian's 6.1 and 6.12 kernels.  Everything that
 * differs between kernel versions is decided here (at build time) or at
 * load time from what the running kernel reports, never guessed.
 */
#ifndef _WAKEOFF_COMPAT_H
#define _WAKEOFF_COMPAT_H

#include <linux/version.h>

/* sched_switch gained prev_state in 5.18; our probe prototype has it. */
#if KERNEL_VERSION(5, 18, 0) > LINUX_VERSION_CODE
#error "wakeoff needs Linux 5.18 or newer"
#endif

#endif /* _WAKEOFF_COMPAT_H */
