// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: NUMA balancing and priority-inheritance events as anomalies.
 *
 * sched_move_numa, sched_swap_numa, sched_stick_numa and sched_pi_setprio
 * are counted while a recording is on, per task class, and each is also
 * written to the record stream (WAKEOFF_REC_SCHED_EVENT) so that a plot
 * can put it on the time axis.  Unlike the wakeup tracepoints they are
 * optional: a kernel without one (no CONFIG_NUMA_BALANCING call sites
 * still define the event, but a future rename may not) loses that count,
 * says so once in dmesg and shows "missing" in the summary.
 *
 * Counted system-wide, not through the task filter: a NUMA move or a PI
 * boost of another task is what disturbs the filtered one.
 */
#include <linux/kernel.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/tracepoint.h>

#include "wakeoff.h"

DEFINE_PER_CPU(struct wo_anom_stats, wo_anom_stats);

const char * const wo_anom_names[WAKEOFF_SEV_NR] = {
	[WAKEOFF_SEV_MOVE_NUMA]		= "sched_move_numa",
	[WAKEOFF_SEV_SWAP_NUMA]		= "sched_swap_numa",
	[WAKEOFF_SEV_STICK_NUMA]	= "sched_stick_numa",
	[WAKEOFF_SEV_PI_SETPRIO]	= "sched_pi_setprio",
};

/*
 * The class is the task's policy, not the class it runs in right now: a
 * PI boost moves a SCHED_OTHER lock holder into the RT class for a
 * while, and "which kind of task got boosted" is the question.  The
 * summary's wakeup classes (migrated/local) describe a wakeup's path and
 * mean nothing for these events.
 */
static __always_inline u8 wo_task_class(const struct task_struct *p)
{
	switch (READ_ONCE(p->policy)) {
	case SCHED_NORMAL:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return WAKEOFF_TCLASS_FAIR;
	case SCHED_FIFO:
	case SCHED_RR:
		return WAKEOFF_TCLASS_RT;
	case SCHED_DEADLINE:
		return WAKEOFF_TCLASS_DL;
	default:
		return WAKEOFF_TCLASS_OTHER;
	}
}

static __always_inline s16 wo_cpu_nid(int cpu)
{
	return cpu >= 0 && cpu < nr_cpu_ids ? cpu_to_node(cpu) : -1;
}

/* Count @ev for @p and write its record; probe context. */
static void wo_anom_event(u8 ev, const struct task_struct *p,
			  struct wakeoff_sched_event *rec)
{
	u8 cls = wo_task_class(p);

	this_cpu_inc(wo_anom_stats.count[ev][cls]);
	rec->ts = local_clock();
	rec->run_id = READ_ONCE(wo_state.run_id);
	rec->pid = p->pid;
	rec->tgid = p->tgid;
	memcpy(rec->comm, p->comm, sizeof(rec->comm));
	rec->event = ev;
	rec->task_class = cls;
	if (wo_ring_write(&rec->hdr, WAKEOFF_REC_SCHED_EVENT, sizeof(*rec)))
		this_cpu_inc(wo_anom_stats.written);
	else
		this_cpu_inc(wo_anom_stats.dropped);
}

static void wo_anom_pair(u8 ev, struct task_struct *src, int src_cpu,
			 struct task_struct *dst, int dst_cpu)
{
	struct wakeoff_sched_event rec = {};

	if (!READ_ONCE(wo_state.recording))
		return;
	rec.src_cpu = src_cpu;
	rec.dst_cpu = dst_cpu;	/* -1 (stick: no target) becomes 0xffff */
	rec.src_nid = wo_cpu_nid(src_cpu);
	rec.dst_nid = wo_cpu_nid(dst_cpu);
	rec.other_pid = dst ? dst->pid : 0;
	wo_anom_event(ev, src, &rec);
}

static void wo_probe_move_numa(void *data, struct task_struct *p,
			       int src_cpu, int dst_cpu)
{
	wo_anom_pair(WAKEOFF_SEV_MOVE_NUMA, p, src_cpu, NULL, dst_cpu);
}

static void wo_probe_swap_numa(void *data, struct task_struct *src,
			       int src_cpu, struct task_struct *dst,
			       int dst_cpu)
{
	wo_anom_pair(WAKEOFF_SEV_SWAP_NUMA, src, src_cpu, dst, dst_cpu);
}

static void wo_probe_stick_numa(void *data, struct task_struct *src,
				int src_cpu, struct task_struct *dst,
				int dst_cpu)
{
	wo_anom_pair(WAKEOFF_SEV_STICK_NUMA, src, src_cpu, dst, dst_cpu);
}

/* Under p->pi_lock and its rq lock: per-CPU writes only. */
static void wo_probe_pi_setprio(void *data, struct task_struct *p,
				struct task_struct *pi_task)
{
	struct wakeoff_sched_event rec = {};
	int cpu = task_cpu(p);

	if (!READ_ONCE(wo_state.recording))
		return;
	rec.src_cpu = cpu;
	rec.dst_cpu = cpu;
	rec.src_nid = wo_cpu_nid(cpu);
	rec.dst_nid = rec.src_nid;
	/* The same values tracefs's event prints. */
	rec.old_prio = p->prio;
	rec.new_prio = pi_task ? min(p->normal_prio, pi_task->prio) :
				 p->normal_prio;
	rec.other_pid = pi_task ? pi_task->pid : 0;
	wo_anom_event(WAKEOFF_SEV_PI_SETPRIO, p, &rec);
}

static struct {
	void *probe;
	struct tracepoint *tp;
	bool attached;
} wo_anom_tp[WAKEOFF_SEV_NR] = {
	[WAKEOFF_SEV_MOVE_NUMA]		= { .probe = wo_probe_move_numa },
	[WAKEOFF_SEV_SWAP_NUMA]		= { .probe = wo_probe_swap_numa },
	[WAKEOFF_SEV_STICK_NUMA]	= { .probe = wo_probe_stick_numa },
	[WAKEOFF_SEV_PI_SETPRIO]	= { .probe = wo_probe_pi_setprio },
};

static void wo_anom_lookup(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < WAKEOFF_SEV_NR; i++)
		if (!wo_anom_tp[i].tp && !strcmp(tp->name, wo_anom_names[i]))
			wo_anom_tp[i].tp = tp;
}

bool wo_anom_attached(unsigned int ev)
{
	return wo_anom_tp[ev].attached;
}

/* Never fails the load: each missing event is reported and skipped. */
void wo_anom_attach(void)
{
	int i, ret;

	for_each_kernel_tracepoint(wo_anom_lookup, NULL);
	for (i = 0; i < WAKEOFF_SEV_NR; i++) {
		if (!wo_anom_tp[i].tp) {
			pr_warn("tracepoint %s not found: its anomaly count is missing\n",
				wo_anom_names[i]);
			continue;
		}
		ret = tracepoint_probe_register(wo_anom_tp[i].tp,
						wo_anom_tp[i].probe, NULL);
		if (ret) {
			pr_warn("cannot attach to %s (%d): its anomaly count is missing\n",
				wo_anom_names[i], ret);
			continue;
		}
		wo_anom_tp[i].attached = true;
	}
}

/* Caller must follow up with tracepoint_synchronize_unregister(). */
void wo_anom_detach(void)
{
	int i;

	for (i = 0; i < WAKEOFF_SEV_NR; i++) {
		if (!wo_anom_tp[i].attached)
			continue;
		WARN_ON_ONCE(tracepoint_probe_unregister(wo_anom_tp[i].tp,
							 wo_anom_tp[i].probe,
							 NULL));
		wo_anom_tp[i].attached = false;
	}
}

/* Only while no probe can write (recording off + synchronize_rcu()). */
void wo_anom_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&wo_anom_stats, cpu), 0,
		       sizeof(struct wo_anom_stats));
}
