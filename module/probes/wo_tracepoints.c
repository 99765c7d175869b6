// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: find the scheduler tracepoints and attach the probes.
 *
 * The sched_* tracepoints are not exported to modules, so the
 * register_trace_<name>() helpers cannot be used.  Instead we walk the
 * kernel's tracepoints once with for_each_kernel_tracepoint(), match them
 * by name and attach with tracepoint_probe_register().  With a single
 * probe attached, the call site static_call()s our function directly, so
 * each probe's C prototype must match the tracepoint's TP_PROTO exactly.
 */
#include <linux/cgroup.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "wakeoff.h"
#include "compat/wo_compat.h"
#include "lib/wo_wakepath.h"

/*
 * @p's cgroup v2 is @cg or one below it: O(1), the cgroup's ancestors
 * array.  Callers run with preemption off, an RCU read-side section on
 * every kernel since 5.0: css_sets and cgroups are freed only after a
 * grace period, so a task being moved meanwhile shows its old or its new
 * cgroup, both valid.  task_dfl_cgroup() without its const-less argument.
 */
static __always_inline bool wo_in_cgroup(const struct task_struct *p,
					 struct cgroup *cg)
{
	const struct css_set *cset = rcu_dereference_sched(p->cgroups);

	return cgroup_is_descendant(cset->dfl_cgrp, cg);
}

bool wo_task_matches(const struct task_struct *p)
{
	const struct wo_filter *f = rcu_dereference_sched(wo_state.filter);
	pid_t reader = READ_ONCE(wo_state.reader_tgid);

	/*
	 * The process reading "events" is never traced: its own wakeups
	 * (each read, each write of the file it records to) would otherwise
	 * feed the stream it drains, without end.
	 */
	if (reader && p->tgid == reader)
		return false;
	if (!f)
		return true;
	if (f->pid && p->pid != f->pid)
		return false;
	if (f->tgid && p->tgid != f->tgid)
		return false;
	if (f->comm[0] && strncmp(p->comm, f->comm, TASK_COMM_LEN))
		return false;
	if (f->cgrp && !wo_in_cgroup(p, f->cgrp))
		return false;
	return true;
}

/*
 * Probes run with preemption disabled (often IRQs too, and under the rq
 * or pi lock): only per-CPU counter increments here, which are IRQ-safe
 * single instructions on x86.
 */
static __always_inline bool wo_count(enum wo_event ev,
				     const struct task_struct *p)
{
	if (!READ_ONCE(wo_state.recording))
		return false;
	this_cpu_inc(wo_stats.seen[ev]);
	if (wo_task_matches(p))
		this_cpu_inc(wo_stats.matched[ev]);
	return true;
}

static void wo_probe_waking(void *data, struct task_struct *p)
{
	if (wo_count(WO_EV_WAKING, p))
		wo_corr_waking(p);
}

static void wo_probe_wakeup(void *data, struct task_struct *p)
{
	if (wo_count(WO_EV_WAKEUP, p))
		wo_corr_wakeup(p, false);
}

static void wo_probe_wakeup_new(void *data, struct task_struct *p)
{
	if (wo_count(WO_EV_WAKEUP_NEW, p))
		wo_corr_wakeup(p, true);
}

static void wo_probe_switch(void *data, bool preempt, struct task_struct *prev,
			    struct task_struct *next, unsigned int prev_state)
{
	if (wo_count(WO_EV_SWITCH, next)) {
		wo_corr_switch(preempt, prev, next, prev_state);
		wo_block_switch(preempt, prev, next, prev_state);
	}
}

static void wo_probe_migrate(void *data, struct task_struct *p, int dest_cpu)
{
	if (wo_count(WO_EV_MIGRATE, p))
		wo_corr_migrate(p, dest_cpu);
}

/* Every task, whatever the filter says now: its slot must not outlive it. */
static void wo_probe_free(void *data, struct task_struct *p)
{
	if (wo_count(WO_EV_FREE, p))
		wo_corr_free_task(p);
}

struct wo_tp {
	void *probe;
	struct tracepoint *tp;
	bool attached;
};

const char * const wo_event_names[WO_EV_NR] = {
	[WO_EV_WAKING]		= "sched_waking",
	[WO_EV_WAKEUP]		= "sched_wakeup",
	[WO_EV_WAKEUP_NEW]	= "sched_wakeup_new",
	[WO_EV_SWITCH]		= "sched_switch",
	[WO_EV_MIGRATE]		= "sched_migrate_task",
	[WO_EV_FREE]		= "sched_process_free",
};

static struct wo_tp wo_tp_table[WO_EV_NR] = {
	[WO_EV_WAKING]		= { .probe = wo_probe_waking },
	[WO_EV_WAKEUP]		= { .probe = wo_probe_wakeup },
	[WO_EV_WAKEUP_NEW]	= { .probe = wo_probe_wakeup_new },
	[WO_EV_SWITCH]		= { .probe = wo_probe_switch },
	[WO_EV_MIGRATE]		= { .probe = wo_probe_migrate },
	[WO_EV_FREE]		= { .probe = wo_probe_free },
};

static void wo_tp_lookup(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < WO_EV_NR; i++)
		if (!wo_tp_table[i].tp && !strcmp(tp->name, wo_event_names[i]))
			wo_tp_table[i].tp = tp;
}

bool wo_tracepoint_attached(enum wo_event ev)
{
	return wo_tp_table[ev].attached;
}

/* Caller must follow up with tracepoint_synchronize_unregister(). */
static void wo_tracepoints_unregister(void)
{
	int i;

	wo_wakepath_tp_detach();
	for (i = WO_EV_NR - 1; i >= 0; i--) {
		if (!wo_tp_table[i].attached)
			continue;
		WARN_ON_ONCE(tracepoint_probe_unregister(wo_tp_table[i].tp,
							 wo_tp_table[i].probe,
							 NULL));
		wo_tp_table[i].attached = false;
	}
}

int wo_tracepoints_attach(void)
{
	int i, ret;

	for_each_kernel_tracepoint(wo_tp_lookup, NULL);

	for (i = 0; i < WO_EV_NR; i++) {
		if (!wo_tp_table[i].tp) {
			pr_err("tracepoint %s not found in this kernel\n",
			       wo_event_names[i]);
			ret = -ENOENT;
			goto err_unregister;
		}
		ret = tracepoint_probe_register(wo_tp_table[i].tp,
						wo_tp_table[i].probe, NULL);
		if (ret) {
			pr_err("cannot attach to %s: %d\n",
			       wo_event_names[i], ret);
			goto err_unregister;
		}
		wo_tp_table[i].attached = true;
	}
	wo_wakepath_tp_attach();
	return 0;

err_unregister:
	wo_tracepoints_unregister();
	tracepoint_synchronize_unregister();
	return ret;
}

/*
 * After this returns no probe is running or will run again, so whatever
 * the probes touch may be freed.
 */
void wo_tracepoints_detach(void)
{
	wo_tracepoints_unregister();
	tracepoint_synchronize_unregister();
}
