/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: kernel version and configuration compatibility, in one place.
 *
 * wakeoff is tested on Debian's 6.1 and 6.12 kernels.  Everything that
 * differs between kernel versions is decided here (at build time) or at
 * load time from what the running kernel reports, never guessed.
 * Architecture differences are in wo_arch.h.
 *
 * Minimum kernel: 6.1, the oldest wakeoff is built and tested on (the
 * sched_switch prototype with prev_state needs 5.18, the BTF parser's
 * BTF_KIND_ENUM64 6.0).  Older kernels fail the build here.
 *
 * Kernel options, none of them fatal to the build:
 *   CONFIG_TRACEPOINTS      required (sched_* tracepoints): checked below.
 *   CONFIG_KPROBES          try_to_wake_up/ttwu_do_activate hooks; without
 *                           it they show "missing" in the summary.
 *   CONFIG_KRETPROBES       the timekeeping hooks (tk_hooks); likewise.
 *   CONFIG_UPROBES          the user timekeeping hooks; likewise.
 *   CONFIG_DEBUG_INFO_BTF   rq clocks (struct rq from BTF): "unavailable"
 *                           in the summary without it (compat/wo_btf.c).
 *   CONFIG_SCHED_INFO       the wakee's last_queued; recorded as 0 (not
 *                           known) without it.
 *   CONFIG_STACKTRACE       waker stacks; required (checked below).
 */
#ifndef _WAKEOFF_COMPAT_H
#define _WAKEOFF_COMPAT_H

#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "wakeoff needs Linux 6.1 or newer"
#endif

#ifndef CONFIG_TRACEPOINTS
#error "wakeoff needs CONFIG_TRACEPOINTS (the sched_* tracepoints)"
#endif

#ifndef CONFIG_STACKTRACE
#error "wakeoff needs CONFIG_STACKTRACE (waker stacks)"
#endif

#ifdef CONFIG_KRETPROBES
#define wo_get_kretprobe(ri)	get_kretprobe(ri)
#else
/* register_kretprobe() fails (-EOPNOTSUPP): no handler ever runs. */
static inline struct kretprobe *
wo_get_kretprobe(struct kretprobe_instance *ri)
{
	return NULL;
}
#endif

/* The wakee's sched_info.last_queued; 0 (not known) without SCHED_INFO. */
#ifdef CONFIG_SCHED_INFO
static inline u64 wo_last_queued(const struct task_struct *p)
{
	return p->sched_info.last_queued;
}
#else
static inline u64 wo_last_queued(const struct task_struct *p)
{
	return 0;
}
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
