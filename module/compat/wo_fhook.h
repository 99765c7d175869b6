/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: function-entry hooks through the cheapest mechanism the
 * kernel offers, in one place.
 *
 * An ftrace_ops with a one-function filter, where the kernel hands a
 * callback the function's arguments, costs the trampoline and the
 * callback; a kprobe on the same function adds kprobe dispatch and a
 * full register save (x86_64, KPROBES_ON_FTRACE) or a BRK exception
 * (arm64 6.1, which has no KPROBES_ON_FTRACE).  What each kernel under
 * test offers (include/config/auto.conf, Module.symvers):
 *
 *   kernel          FTRACE_WITH_ARGS  FTRACE_WITH_REGS  FPROBE  args through
 *   6.1 x86_64      y                 y                 -       fregs->regs
 *   6.12 x86_64     y                 y                 y       ftrace_regs_get_argument()
 *   6.1 arm64       -                 y                 -       SAVE_REGS pt_regs
 *   6.12 arm64      y                 -                 -       ftrace_regs_get_argument()
 *
 * register_ftrace_function(), ftrace_set_filter_ip() and ftrace_set_filter()
 * are exported (GPL) by all four.  fprobe (6.12 x86_64 only) is itself
 * an ftrace_ops plus its own dispatch and a pt_regs save, so a plain
 * ftrace_ops is the cheaper entry hook wherever fprobe exists.
 *
 * A kernel without any of these, or a function ftrace cannot hook,
 * falls back to a kprobe; the mechanism in use is in the summary
 * (hooks.<function>.mechanism).
 */
#ifndef _WAKEOFF_FHOOK_H
#define _WAKEOFF_FHOOK_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/seq_file.h>
#include <linux/version.h>

#if defined(CONFIG_DYNAMIC_FTRACE) && \
	(defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS) || \
	 defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS))
#define WO_HAVE_FTRACE_HOOK	1
#else
#define WO_HAVE_FTRACE_HOOK	0
#endif

enum wo_mech {
	WO_MECH_NONE,		/* not attached */
	WO_MECH_FTRACE,		/* ftrace_ops, entry only */
	WO_MECH_FPROBE,		/* fprobe (not used by entry hooks today) */
	WO_MECH_KPROBE,
	WO_MECH_KRETPROBE,
};

const char *wo_mech_name(enum wo_mech mech);

struct wo_entry_hook;
/* The handler: its hook and the hooked function's first three arguments. */
typedef void (*wo_entry_fn)(struct wo_entry_hook *h, unsigned long a0,
			    unsigned long a1, unsigned long a2);

struct wo_entry_hook {
	const char *sym;
	/* A second function on the same ftrace_ops (ftrace only), or NULL. */
	const char *also;
	wo_entry_fn fn;
	/*
	 * Optional: call fn only while this CPU's *gate is current, tested
	 * before anything else (one per-CPU load for every other caller).
	 */
	struct task_struct * __percpu *gate;
	enum wo_mech mech;
	int err;		/* of the last mechanism tried */
	int ftrace_err;		/* why ftrace was not used (0: it is) */
	unsigned long missed;	/* ftrace callbacks refused as recursive */
	struct kprobe kp;
#if WO_HAVE_FTRACE_HOOK
	struct ftrace_ops ops;
#endif
};

/* Attach @h through ftrace, or a kprobe (@ftrace false: kprobe only). */
int wo_entry_hook_attach(struct wo_entry_hook *h, bool ftrace);
/* Attach @h through ftrace only: -EOPNOTSUPP where there is none. */
int wo_entry_hook_attach_ftrace(struct wo_entry_hook *h);
void wo_entry_hook_detach(struct wo_entry_hook *h);

#endif /* _WAKEOFF_FHOOK_H */
