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

/*
 * wake_flags of kernel/sched/sched.h, which no headers package ships.
 * They are internal ABI and change between versions (before 5.8 they
 * had other values altogether; 0x40 was WF_ON_CPU until 5.19 and is
 * WF_CURRENT_CPU since 6.6); decoding always uses the table of the
 * kernel the module was built for, and unknown bits are kept as hex.
 */
#define WF_EXEC_VAL		0x02
#define WF_FORK_VAL		0x04
#define WF_TTWU_VAL		0x08
#define WF_SYNC_VAL		0x10
#define WF_MIGRATED_VAL		0x20
#if KERNEL_VERSION(6, 0, 0) > LINUX_VERSION_CODE
#define WF_ON_CPU_VAL		0x40
#endif
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define WF_CURRENT_CPU_VAL	0x40
#endif
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#define WF_RQ_SELECTED_VAL	0x80
/* 6.12 ORs WF_TTWU into wake_flags on entry to try_to_wake_up(). */
#define WO_TTWU_IN_FINAL	WF_TTWU_VAL
#else
#define WO_TTWU_IN_FINAL	0
#endif

#endif /* _WAKEOFF_COMPAT_H */
