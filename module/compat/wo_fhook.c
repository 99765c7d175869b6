// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: function-entry hooks, ftrace_ops or kprobe (see wo_fhook.h).
 */
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/trace_recursion.h>

#include "compat/wo_arch.h"
#include "compat/wo_fhook.h"

const char *wo_mech_name(enum wo_mech mech)
{
	switch (mech) {
	case WO_MECH_FTRACE:
		return "ftrace";
	case WO_MECH_FPROBE:
		return "fprobe";
	case WO_MECH_KPROBE:
		return "kprobe";
	case WO_MECH_KRETPROBE:
		return "kretprobe";
	default:
		return "none";
	}
}

#if WO_HAVE_FTRACE_HOOK
/*
 * Argument n at the hooked function's entry.  With FTRACE_WITH_ARGS the
 * trampoline saves the argument registers only (no SAVE_REGS needed):
 * 6.2+ reads them through ftrace_regs_get_argument(); 6.1's x86
 * ftrace_regs is a pt_regs with those registers filled.  Without it
 * (arm64 6.1) the ops asks for a full pt_regs.
 */
#if defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)
#define WO_FTRACE_FLAGS		0
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define wo_fregs_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#else
#define wo_fregs_arg(fregs, n)	wo_arg(&(fregs)->regs, n)
#endif
#else
#define WO_FTRACE_FLAGS		FTRACE_OPS_FL_SAVE_REGS
#define wo_fregs_arg(fregs, n)	wo_arg(ftrace_get_regs(fregs), n)
#endif

/*
 * No FTRACE_OPS_FL_RECURSION: the callback takes the recursion lock
 * itself (the same in 6.1 and 6.12: per task and context, and it
 * disables preemption while held, which the handlers' per-CPU state
 * needs), so ftrace calls it without its assist function.
 */
static void notrace wo_fhook_call(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
	struct wo_entry_hook *h = container_of(op, struct wo_entry_hook, ops);
	int bit;

	/* A single per-CPU load, safe with preemption on (x86, arm64). */
	if (h->gate && likely(this_cpu_read(*h->gate) != current))
		return;
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		h->missed++;	/* racy, like kprobe's nmissed */
		return;
	}
	h->fn(h, wo_fregs_arg(fregs, 0), wo_fregs_arg(fregs, 1),
	      wo_fregs_arg(fregs, 2));
	ftrace_test_recursion_unlock(bit);
}

static int wo_fhook_ftrace(struct wo_entry_hook *h)
{
	char glob[KSYM_NAME_LEN];
	int ret;

	/* ftrace_set_filter() takes a writable glob; an exact name here. */
	strscpy(glob, h->sym, sizeof(glob));
	h->ops.func = wo_fhook_call;
	h->ops.flags = WO_FTRACE_FLAGS;
	ret = ftrace_set_filter(&h->ops, glob, strlen(glob), 1);
	if (!ret && h->also) {
		strscpy(glob, h->also, sizeof(glob));
		ret = ftrace_set_filter(&h->ops, glob, strlen(glob), 0);
	}
	if (ret)
		goto out;
	ret = register_ftrace_function(&h->ops);
out:
	if (ret)
		ftrace_free_filter(&h->ops);
	return ret;
}
#else
static int wo_fhook_ftrace(struct wo_entry_hook *h)
{
	return -EOPNOTSUPP;
}
#endif

static int wo_fhook_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct wo_entry_hook *h = container_of(kp, struct wo_entry_hook, kp);

	if (h->gate && likely(this_cpu_read(*h->gate) != current))
		return 0;
	h->fn(h, wo_arg(regs, 0), wo_arg(regs, 1), wo_arg(regs, 2));
	return 0;
}

int wo_entry_hook_attach_ftrace(struct wo_entry_hook *h)
{
	h->mech = WO_MECH_NONE;
	h->err = wo_fhook_ftrace(h);
	h->ftrace_err = h->err;
	if (!h->err)
		h->mech = WO_MECH_FTRACE;
	return h->err;
}

int wo_entry_hook_attach(struct wo_entry_hook *h, bool ftrace)
{
	h->mech = WO_MECH_NONE;
	h->ftrace_err = ftrace ? wo_fhook_ftrace(h) : -EPERM;
	if (!h->ftrace_err) {
		h->mech = WO_MECH_FTRACE;
		h->err = 0;
		return 0;
	}
	memset(&h->kp, 0, sizeof(h->kp));
	h->kp.symbol_name = h->sym;
	h->kp.pre_handler = wo_fhook_kprobe_pre;
	h->err = register_kprobe(&h->kp);
	if (!h->err)
		h->mech = WO_MECH_KPROBE;
	return h->err;
}

/* unregister_ftrace_function() and unregister_kprobe() synchronize. */
void wo_entry_hook_detach(struct wo_entry_hook *h)
{
	switch (h->mech) {
#if WO_HAVE_FTRACE_HOOK
	case WO_MECH_FTRACE:
		unregister_ftrace_function(&h->ops);
		ftrace_free_filter(&h->ops);
		break;
#endif
	case WO_MECH_KPROBE:
		unregister_kprobe(&h->kp);
		break;
	default:
		break;
	}
	h->mech = WO_MECH_NONE;
}
