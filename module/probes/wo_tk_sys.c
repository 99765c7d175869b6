// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: a return hook for the one task that needs it.
 *
 * A kretprobe on a clock system call costs every caller a return
 * instance, taken and given back before any entry handler can tell that
 * the caller is of no interest (114 of the 302 instructions wakeoff adds
 * to a clock_gettime() on 6.12).  With an ftrace_ops entry hook instead
 * (gated on "a wakeup on this CPU waits for current's first read"), only
 * the waiting task gets a return hook: one task_work item, run on its
 * way back to user space (TWA_RESUME; also before a signal is handled or
 * a ptrace stop), where the value is in the user buffer and the call's
 * result in its registers.  The read is stamped at entry, before the
 * clock is read, as the kretprobe stamps it just after: either way the
 * stamp is off by part of the call, never by a reschedule on the way out.
 *
 * Items: WO_TK_SYS_ITEMS per CPU, claimed at entry on the entry CPU
 * (preemption off, no interrupt makes system calls: no atomics needed),
 * released by the task_work wherever it runs.  None free: the read is
 * not taken (tk_skipped.no_item) and the wakeup waits for its next one.
 *
 * Unload, recording off: wo_tk_sys_drain() lets every entry callback
 * that may still queue an item finish (synchronize_rcu(): they run with
 * preemption off), then waits for every queued item (a task asleep
 * inside the call, e.g. on a userfaultfd page, delays rmmod until it
 * returns).  Only then are the entry hooks unregistered: for an
 * ftrace_ops in a module that waits for a task preempted on any
 * trampoline or in a callback (synchronize_rcu_tasks() in ftrace_shutdown()
 * on a preemptible kernel), which covers the last instructions of
 * wo_tk_sys_run() after its item is released.
 */
#include <linux/delay.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/task_work.h>

#include "wakeoff.h"
#include "uapi/wakeoff.h"
#include "probes/wo_tk_sys.h"

#define WO_TK_SYS_ITEMS	8

struct wo_tk_item {
	struct callback_head cb;
	atomic_t busy;
	u8 func;		/* index in the tk_hooks file */
	bool gettod;
	int clock;
	unsigned long uptr;
	struct wo_tk_stamp st;
};

static DEFINE_PER_CPU(struct wo_tk_item[WO_TK_SYS_ITEMS], wo_tk_items);

static void wo_tk_sys_run(struct callback_head *cb)
{
	struct wo_tk_item *it = container_of(cb, struct wo_tk_item, cb);
	long ret = regs_return_value(task_pt_regs(current));
	struct wo_tk_stamp st = it->st;
	unsigned int func = it->func;
	int clock = it->clock;
	bool ok;
	u64 v;

	ok = !ret && READ_ONCE(wo_state.recording) &&
	     !wo_tk_sys_value(it->gettod, it->uptr, false, &v);
	preempt_disable();
	if (ok)
		wo_corr_tkread_at(func, v, clock, WAKEOFF_TK_SRC_SYSCALL, &st);
	else
		wo_corr_tk_leave();
	/* Last: unload waits for this (wo_tk_sys_drain()). */
	atomic_set_release(&it->busy, 0);
	preempt_enable();
}

/*
 * Entry of a clock syscall whose task waits for its first read and has
 * marked its slot (wo_corr_tk_enter()); preemption off.  False: no item
 * (counted) or the task is exiting; the caller then ends the mark.
 */
bool wo_tk_sys_queue(unsigned int func, bool gettod, unsigned long uptr,
		     int clock)
{
	struct wo_tk_item *it = this_cpu_ptr(wo_tk_items);
	unsigned int i;

	for (i = 0; i < WO_TK_SYS_ITEMS; i++, it++)
		if (!atomic_read(&it->busy))
			break;
	if (i == WO_TK_SYS_ITEMS) {
		this_cpu_inc(wo_stats.tk_skip[WO_TK_SKIP_NO_ITEM]);
		return false;
	}
	atomic_set(&it->busy, 1);
	it->func = func;
	it->gettod = gettod;
	it->clock = clock;
	it->uptr = uptr;
	wo_tk_stamp_now(&it->st);
	init_task_work(&it->cb, wo_tk_sys_run);
	if (task_work_add(current, &it->cb, TWA_RESUME)) {
		atomic_set(&it->busy, 0);
		return false;
	}
	return true;
}

/* Process context, recording off, before the entry hooks go. */
void wo_tk_sys_drain(void)
{
	unsigned int cpu, i, waited = 0;	/* 20 ms naps: a message after 1 s */

	synchronize_rcu();

	for_each_possible_cpu(cpu) {
		struct wo_tk_item *it = per_cpu_ptr(wo_tk_items, cpu);

		for (i = 0; i < WO_TK_SYS_ITEMS; i++) {
			while (atomic_read_acquire(&it[i].busy)) {
				if (++waited == 50)
					pr_info("unload waits for a task to return from a clock system call\n");
				msleep(20);
			}
		}
	}
}
