// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: function hooks for what the tracepoints do not pass.
 *
 *  - try_to_wake_up(p, state, wake_flags) entry: the caller's flags
 *    (WF_SYNC, WF_CURRENT_CPU), stashed per CPU for sched_waking.
 *  - ttwu_do_activate(rq, p, wake_flags, rf) entry: the final flags on
 *    the direct path.
 *  - the timekeeping functions in the tk_hooks parameter: the in-kernel
 *    ones as kretprobes (the entry handler filters with one per-CPU load
 *    for tasks not waiting for their first read, the return handler
 *    takes the value read); the clock system calls through an ftrace_ops
 *    gated on that same load, whose waiting task alone gets a return
 *    hook (wo_tk_sys.c), or as kretprobes where ftrace cannot.
 *
 * The entry hooks are ftrace_ops where the kernel offers them, else
 * kprobes and kretprobes (compat/wo_fhook.c, entry_hooks=).
 *
 * Every hook is optional: a function that is inlined or not probe-able
 * in this build is reported as missing (dmesg, summary), never fatal.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/ptrace.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>

#include "wakeoff.h"
#include "compat/wo_arch.h"
#include "compat/wo_compat.h"
#include "compat/wo_fhook.h"
#include "uapi/wakeoff_keys.h"
#include "lib/wo_clock.h"
#include "probes/wo_tk_sys.h"

enum wo_tk_kind {
	WO_TK_RET_NS,		/* returns ktime_t / u64 ns */
	WO_TK_RET_SEC,		/* returns seconds */
	WO_TK_TS64,		/* fills the struct timespec64 * in arg 1 */
	WO_TK_SYS_GETTIME,	/* clock_gettime(clk, user timespec *) */
	WO_TK_SYS_GETTOD,	/* gettimeofday(user timeval *, tz) */
};

/* The clock a hook reads, when it is not a fixed one. */
#define WO_TK_CLOCK_ARG		-1	/* the syscall's clockid_t argument */
#define WO_TK_CLOCK_OFFS	-2	/* enum tk_offsets argument */
#define WO_TK_CLOCK_OFFS_COARSE	-3	/* ... of a coarse reader */

static const struct {
	const char *name;
	enum wo_tk_kind kind;
	int clock;		/* WO_CLOCK_* or WO_TK_CLOCK_* */
} wo_tk_known[] = {
	{ WO_SYS("clock_gettime"),	WO_TK_SYS_GETTIME, WO_TK_CLOCK_ARG },
	{ WO_SYS("gettimeofday"),	WO_TK_SYS_GETTOD, WO_CLOCK_REALTIME },
	{ "ktime_get",			WO_TK_RET_NS, WO_CLOCK_MONOTONIC },
	{ "ktime_get_with_offset",	WO_TK_RET_NS, WO_TK_CLOCK_OFFS },
	{ "ktime_get_raw",		WO_TK_RET_NS, WO_CLOCK_MONOTONIC_RAW },
	{ "ktime_get_coarse_with_offset", WO_TK_RET_NS, WO_TK_CLOCK_OFFS_COARSE },
	{ "ktime_get_seconds",		WO_TK_RET_SEC, WO_CLOCK_MONOTONIC_COARSE },
	{ "ktime_get_real_seconds",	WO_TK_RET_SEC, WO_CLOCK_REALTIME_COARSE },
	{ "ktime_get_ts64",		WO_TK_TS64, WO_CLOCK_MONOTONIC },
	{ "ktime_get_real_ts64",	WO_TK_TS64, WO_CLOCK_REALTIME },
	{ "ktime_get_raw_ts64",		WO_TK_TS64, WO_CLOCK_MONOTONIC_RAW },
	{ "ktime_get_coarse_ts64",	WO_TK_TS64, WO_CLOCK_MONOTONIC_COARSE },
	{ "ktime_get_coarse_real_ts64",	WO_TK_TS64, WO_CLOCK_REALTIME_COARSE },
};

/*
 * ktime_get_with_offset(offs) and its coarse twin: enum tk_offsets is
 * TK_OFFS_REAL, TK_OFFS_BOOT, TK_OFFS_TAI in 6.1 and 6.12 alike.
 */
static int wo_tk_offs_clock(unsigned long offs, bool coarse)
{
	switch (offs) {
	case 0:
		return coarse ? WO_CLOCK_REALTIME_COARSE : WO_CLOCK_REALTIME;
	case 1:
		return WO_CLOCK_BOOTTIME;
	case 2:
		return WO_CLOCK_TAI;
	default:
		return -1;
	}
}

#define WO_TK_MAX	ARRAY_SIZE(wo_tk_known)
/* The record's u8 tk_func indexes kernel hooks, then user hooks. */
static_assert(ARRAY_SIZE(wo_tk_known) + WO_UP_MAX <= WO_TK_FUNC_LIMIT);
/*
 * Return instances per CPU: a task, a softirq, a hardirq and an NMI can
 * each be inside one timekeeping call at once on a CPU.
 */
#define WO_TK_ACTIVE_PER_CPU	4

struct wo_tk_hook {
	struct kretprobe krp;	/* krp.kp.symbol_name: the function */
	enum wo_tk_kind kind;
	int clock;		/* WO_CLOCK_* or WO_TK_CLOCK_* */
	unsigned int index;	/* position in tk_hooks: the record's tk_func */
	enum wo_mech mech;	/* WO_MECH_NONE: not attached */
	int err;
};

static bool wo_tk_is_sys(const struct wo_tk_hook *h)
{
	return h->kind == WO_TK_SYS_GETTIME || h->kind == WO_TK_SYS_GETTOD;
}

struct wo_tk_data {
	unsigned long ptr;
	int clock;
};

static struct wo_tk_hook wo_tk[WO_TK_MAX];
static unsigned int wo_tk_nr;
/*
 * The clock syscalls in tk_hooks share one ftrace_ops (one trampoline,
 * one registration: each costs a load or unload tenths of a second under
 * TCG); the handler tells them apart by the syscall number.
 */
static struct wo_entry_hook wo_tk_sys_eh;
static struct wo_tk_hook *wo_tk_gettime, *wo_tk_gettod;

/*
 * Hook @h entered by a task waiting for its first read, @a0 the hooked
 * function's first argument: may this call be that read?  Fills @d.
 */
static bool wo_tk_begin(struct wo_tk_hook *h, unsigned long a0,
			struct wo_tk_data *d)
{
	struct pt_regs *uregs = NULL;
	bool outer = wo_tk_is_sys(h);

	if (!READ_ONCE(wo_state.recording) || !in_task())
		return false;
	/* The syscall wrappers' one argument: the user registers. */
	if (outer)
		uregs = (struct pt_regs *)a0;
	switch (h->clock) {
	case WO_TK_CLOCK_ARG:
		d->clock = (int)wo_arg(uregs, 0);
		break;
	case WO_TK_CLOCK_OFFS:
	case WO_TK_CLOCK_OFFS_COARSE:
		d->clock = wo_tk_offs_clock(a0,
					    h->clock == WO_TK_CLOCK_OFFS_COARSE);
		break;
	default:
		d->clock = h->clock;
		break;
	}
	/*
	 * A CPU-time or fd clock is no timekeeping read (counted); nor is
	 * a call nested in a hooked syscall of the same task: the syscall
	 * is the read that counts.
	 */
	if (!wo_corr_tk_clock(d->clock) || !wo_corr_tk_enter(outer))
		return false;
	switch (h->kind) {
	case WO_TK_TS64:
		d->ptr = a0;
		break;
	case WO_TK_SYS_GETTIME:
		d->ptr = wo_arg(uregs, 1);
		break;
	case WO_TK_SYS_GETTOD:
		d->ptr = wo_arg(uregs, 0);
		break;
	default:
		break;
	}
	return true;
}

/*
 * Kretprobe entry; nonzero: the return handler does not run.  An
 * untracked caller pays one per-CPU load and a compare here, before
 * any other memory is touched (the kretprobe itself has taken a return
 * instance already and puts it back).
 */
static int wo_tk_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct wo_tk_hook *h;

	if (likely(!wo_tk_waits()))
		return 1;
	h = container_of(wo_get_kretprobe(ri), struct wo_tk_hook, krp);
	return !wo_tk_begin(h, wo_arg(regs, 0), (struct wo_tk_data *)ri->data);
}

/*
 * Clock syscall entry through ftrace (gated: current waits for its first
 * read here); the value comes back through a task_work (wo_tk_sys.c).
 */
static void wo_tk_sys_entry(struct wo_entry_hook *eh, unsigned long a0,
			    unsigned long a1, unsigned long a2)
{
	struct pt_regs *uregs = (struct pt_regs *)a0;
	struct wo_tk_data d = {};
	struct wo_tk_hook *h;

	h = syscall_get_nr(current, uregs) == __NR_gettimeofday ?
	    wo_tk_gettod : wo_tk_gettime;
	if (!h || !wo_tk_begin(h, a0, &d))
		return;
	if (!wo_tk_sys_queue(h->index, h->kind == WO_TK_SYS_GETTOD, d.ptr,
			     d.clock))
		wo_corr_tk_leave();
}

static int wo_tk_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct wo_tk_hook *h = container_of(wo_get_kretprobe(ri),
					    struct wo_tk_hook, krp);
	struct wo_tk_data *d = (struct wo_tk_data *)ri->data;
	struct timespec64 ts;
	bool outer = wo_tk_is_sys(h);
	u64 v;

	/* Without a value to record the syscall's mark must still go. */
	if (!READ_ONCE(wo_state.recording))
		goto no_value;
	switch (h->kind) {
	case WO_TK_RET_NS:
		v = regs_return_value(regs);
		break;
	case WO_TK_RET_SEC:
		v = (u64)regs_return_value(regs) * NSEC_PER_SEC;
		break;
	case WO_TK_TS64:
		if (copy_from_kernel_nofault(&ts, (void *)d->ptr, sizeof(ts)))
			goto no_value;
		v = timespec64_to_ns(&ts);
		break;
	case WO_TK_SYS_GETTIME:
	case WO_TK_SYS_GETTOD:
		if (regs_return_value(regs) ||
		    wo_tk_sys_value(h->kind == WO_TK_SYS_GETTOD, d->ptr, true,
				    &v))
			goto no_value;
		break;
	default:
		goto no_value;
	}
	wo_corr_tkread(h->index, v, d->clock,
		       outer ? WAKEOFF_TK_SRC_SYSCALL : WAKEOFF_TK_SRC_KERNEL);
	return 0;

no_value:
	if (outer)
		wo_corr_tk_leave();
	return 0;
}

static void wo_ttwu_entry(struct wo_entry_hook *h, unsigned long p,
			  unsigned long state, unsigned long wake_flags)
{
	if (READ_ONCE(wo_state.recording))
		wo_corr_caller_flags((struct task_struct *)p, (u32)wake_flags);
}

static void wo_activate_entry(struct wo_entry_hook *h, unsigned long rq,
			      unsigned long p, unsigned long wake_flags)
{
	if (READ_ONCE(wo_state.recording))
		wo_corr_activate((struct task_struct *)p, (u32)wake_flags);
}

static struct wo_entry_hook wo_kp[] = {
	{ .sym = "try_to_wake_up", .fn = wo_ttwu_entry },
	{ .sym = "ttwu_do_activate", .fn = wo_activate_entry },
};

/*
 * entry_hooks=ftrace (default): try_to_wake_up/ttwu_do_activate and the
 * clock syscalls through an ftrace_ops where the kernel offers one, else
 * kprobes and kretprobes; =kprobe: those only (the former hooks, for
 * comparison: make bench, tests).
 */
static bool wo_entry_ftrace = true;

static int wo_set_entry_hooks(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "ftrace") || sysfs_streq(val, "kprobe")) {
		wo_entry_ftrace = sysfs_streq(val, "ftrace");
		return 0;
	}
	pr_err_ratelimited("entry_hooks must be ftrace or kprobe\n");
	return -EINVAL;
}

static int wo_get_entry_hooks(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", wo_entry_ftrace ? "ftrace" : "kprobe");
}

static const struct kernel_param_ops wo_entry_hooks_ops = {
	.set = wo_set_entry_hooks, .get = wo_get_entry_hooks,
};

module_param_cb(entry_hooks, &wo_entry_hooks_ops, NULL, 0444);
MODULE_PARM_DESC(entry_hooks, "try_to_wake_up/ttwu_do_activate/clock syscall hooks: ftrace (default; kprobe/kretprobe where ftrace cannot) or kprobe");

static bool wo_tk_listed(const char *name)
{
	unsigned int j;

	for (j = 0; j < wo_tk_nr; j++)
		if (wo_tk[j].krp.kp.symbol_name == name)
			return true;
	return false;
}

static int wo_tk_parse(void)
{
	char *list, *cur, *name;
	unsigned int i;
	int ret = 0;

	list = kstrdup(wo_tk_hooks_param ? wo_tk_hooks_param : "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	/* An empty list means no timekeeping hook; an empty entry is an error. */
	cur = strim(list);
	if (!*cur)
		cur = NULL;
	while ((name = strsep(&cur, ",")) != NULL) {
		name = strim(name);
		if (!*name) {
			pr_err("tk_hooks: empty entry in the list\n");
			ret = -EINVAL;
			break;
		}
		for (i = 0; i < WO_TK_MAX; i++)
			if (!strcmp(name, wo_tk_known[i].name))
				break;
		if (i == WO_TK_MAX) {
			pr_err("tk_hooks: unknown function '%s'\n", name);
			ret = -EINVAL;
			break;
		}
		if (wo_tk_listed(wo_tk_known[i].name)) {
			pr_err("tk_hooks: '%s' listed twice\n", name);
			ret = -EINVAL;
			break;
		}
		if (wo_tk_nr == WO_TK_MAX) {
			pr_err("tk_hooks: too many functions\n");
			ret = -EINVAL;
			break;
		}
		wo_tk[wo_tk_nr].kind = wo_tk_known[i].kind;
		wo_tk[wo_tk_nr].clock = wo_tk_known[i].clock;
		wo_tk[wo_tk_nr].index = wo_tk_nr;
		wo_tk[wo_tk_nr].krp.kp.symbol_name = wo_tk_known[i].name;
		wo_tk_nr++;
	}
	kfree(list);
	return ret;
}

/* The clock syscalls through one ftrace_ops, if allowed and possible. */
static void wo_tk_sys_attach(void)
{
	struct wo_entry_hook *eh = &wo_tk_sys_eh;
	unsigned int i;

	for (i = 0; i < wo_tk_nr; i++) {
		if (wo_tk[i].kind == WO_TK_SYS_GETTIME)
			wo_tk_gettime = &wo_tk[i];
		if (wo_tk[i].kind == WO_TK_SYS_GETTOD)
			wo_tk_gettod = &wo_tk[i];
	}
	if (!wo_entry_ftrace || (!wo_tk_gettime && !wo_tk_gettod))
		return;
	memset(eh, 0, sizeof(*eh));
	eh->sym = (wo_tk_gettime ?: wo_tk_gettod)->krp.kp.symbol_name;
	if (wo_tk_gettime && wo_tk_gettod)
		eh->also = wo_tk_gettod->krp.kp.symbol_name;
	eh->fn = wo_tk_sys_entry;
	eh->gate = &wo_armed;
	if (wo_entry_hook_attach_ftrace(eh))
		return;
	if (wo_tk_gettime)
		wo_tk_gettime->mech = WO_MECH_FTRACE;
	if (wo_tk_gettod)
		wo_tk_gettod->mech = WO_MECH_FTRACE;
}

/* A timekeeping hook not taken by ftrace: a kretprobe. */
static void wo_tk_attach(struct wo_tk_hook *h)
{
	if (h->mech != WO_MECH_NONE)
		return;
	h->krp.entry_handler = wo_tk_entry;
	h->krp.handler = wo_tk_return;
	h->krp.data_size = sizeof(struct wo_tk_data);
	h->krp.maxactive = WO_TK_ACTIVE_PER_CPU * num_possible_cpus();
	h->err = register_kretprobe(&h->krp);
	h->mech = h->err ? WO_MECH_NONE : WO_MECH_KRETPROBE;
	if (h->err)
		pr_warn("timekeeping hook %s unavailable (%d)\n",
			h->krp.kp.symbol_name, h->err);
}

int wo_kprobes_attach(void)
{
	unsigned int i;
	int ret;

	ret = wo_tk_parse();
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(wo_kp); i++) {
		if (wo_entry_hook_attach(&wo_kp[i], wo_entry_ftrace))
			pr_warn("hook %s unavailable (%d): %s\n",
				wo_kp[i].sym, wo_kp[i].err,
				i ? "final flags from CPUs only" : "caller flags unknown");
	}
	wo_tk_sys_attach();
	for (i = 0; i < wo_tk_nr; i++)
		wo_tk_attach(&wo_tk[i]);
	return 0;
}

/* Recording is off: no hook queues a return item any more. */
void wo_kprobes_detach(void)
{
	unsigned int i;

	if (wo_tk_sys_eh.mech == WO_MECH_FTRACE) {
		wo_tk_sys_drain();	/* before the hook: see wo_tk_sys.c */
		wo_entry_hook_detach(&wo_tk_sys_eh);
	}
	for (i = 0; i < wo_tk_nr; i++) {
		struct wo_tk_hook *h = &wo_tk[i];

		if (h->mech == WO_MECH_KRETPROBE)
			unregister_kretprobe(&h->krp);
		h->mech = WO_MECH_NONE;
	}
	for (i = 0; i < ARRAY_SIZE(wo_kp); i++)
		wo_entry_hook_detach(&wo_kp[i]);
}

/*
 * Summary: "kprobe.<fn>: attached | missing (<errno>)" and
 * "tk_hook.<fn>: attached (missed N) | missing (<errno>)" (README).
 * Every hook attaches on both Debian kernels under test, so no test can
 * make one miss: load_test hook_states_documented_form checks the forms.
 */
void wo_kprobes_show(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wo_kp); i++) {
		if (wo_kp[i].mech != WO_MECH_NONE)
			seq_printf(m, "kprobe.%s: attached\n", wo_kp[i].sym);
		else
			seq_printf(m, "kprobe.%s: missing (%d)\n",
				   wo_kp[i].sym, wo_kp[i].err);
		seq_printf(m, WAKEOFF_HOOKS_PREFIX "%s.mechanism: %s\n",
			   wo_kp[i].sym, wo_mech_name(wo_kp[i].mech));
	}
	for (i = 0; i < wo_tk_nr; i++) {
		const struct wo_tk_hook *h = &wo_tk[i];
		const char *fn = h->krp.kp.symbol_name;

		/* missed: kretprobe instances, or recursive ftrace calls. */
		if (h->mech == WO_MECH_KRETPROBE)
			seq_printf(m, "tk_hook.%s: attached (missed %d)\n", fn,
				   h->krp.nmissed);
		else if (h->mech == WO_MECH_FTRACE)
			seq_printf(m, "tk_hook.%s: attached (missed %lu)\n", fn,
				   wo_tk_sys_eh.missed);
		else
			seq_printf(m, "tk_hook.%s: missing (%d)\n", fn, h->err);
		seq_printf(m, WAKEOFF_HOOKS_PREFIX "%s.mechanism: %s\n", fn,
			   wo_mech_name(h->mech));
	}
}

/*
 * The tk_hooks file: "<index> <function> attached" or "<index> <function>
 * missing (<errno>)", the user hooks' function being "<path>:<kind>".
 */
void wo_tk_hooks_show(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < wo_tk_nr; i++) {
		if (wo_tk[i].mech != WO_MECH_NONE)
			seq_printf(m, "%u %s attached\n", i,
				   wo_tk[i].krp.kp.symbol_name);
		else
			seq_printf(m, "%u %s missing (%d)\n", i,
				   wo_tk[i].krp.kp.symbol_name, wo_tk[i].err);
	}
	wo_uprobes_tk_show(m, wo_tk_nr);
}

/* Kernel hooks first, then the user hooks (wo_uprobes.c). */
/* Is a syscall hook attached, and an in-kernel function's? */
void wo_tk_sources(bool *syscall, bool *kernel)
{
	unsigned int i;

	*syscall = false;
	*kernel = false;
	for (i = 0; i < wo_tk_nr; i++) {
		if (wo_tk[i].mech == WO_MECH_NONE)
			continue;
		if (wo_tk_is_sys(&wo_tk[i]))
			*syscall = true;
		else
			*kernel = true;
	}
}

const char *wo_tk_name(unsigned int index)
{
	if (index < wo_tk_nr)
		return wo_tk[index].krp.kp.symbol_name;
	return wo_uprobe_name(index - wo_tk_nr);
}

unsigned int wo_tk_kernel_nr(void)
{
	return wo_tk_nr;
}
