// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the wake path of a closed wakeup, and the per-CPU counts and
 * histograms of the paths and of the pre-migration wait.
 *
 * The path is inferred from three CPUs (README "How the wake path is
 * decided"): waker_cpu ran sched_waking, wakeup_cpu ran sched_wakeup,
 * target_cpu is task_cpu() at sched_wakeup.  try_to_wake_up() either
 * enqueues the task itself (sched_wakeup on the waker's CPU, under the
 * target's rq lock: local when the target is that CPU, remote when not)
 * or queues it on the target's wake list (ttwu_queue_wakelist()), and
 * the target runs sched_wakeup from sched_ttwu_pending() (wakeup_cpu ==
 * target_cpu != waker_cpu).  When the target's idle task polls
 * TIF_NEED_RESCHED, the kernel sets the flag instead of sending an IPI
 * and fires sched_wake_idle_without_ipi(target) on the waker's CPU:
 * @no_ipi says that happened for this wakeup's target between its
 * sched_waking and its sched_wakeup.
 */
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"
#include "compat/wo_compat.h"
#include "lib/wo_wakepath.h"
#include "uapi/wakeoff_keys.h"

const char * const wo_wake_path_names[WAKEOFF_PATH_NR] =
	WAKEOFF_WAKE_PATH_NAMES;
static_assert(ARRAY_SIZE(((const char * const [])WAKEOFF_WAKE_PATH_NAMES)) ==
	      WAKEOFF_PATH_NR, "a name per wake path");

static struct wo_wp_cpu *wo_wp;		/* [nr_cpu_ids] */

size_t wo_wakepath_bytes(void)
{
	return wo_wp ? nr_cpu_ids * sizeof(*wo_wp) : 0;
}

int wo_wakepath_init(void)
{
	wo_wp = vzalloc(array_size(nr_cpu_ids, sizeof(*wo_wp)));
	return wo_wp ? 0 : -ENOMEM;
}

void wo_wakepath_exit(void)
{
	vfree(wo_wp);
	wo_wp = NULL;
}

/* Only with the probes quiesced (reset). */
void wo_wakepath_reset(void)
{
	if (wo_wp)
		memset(wo_wp, 0, nr_cpu_ids * sizeof(*wo_wp));
}

static u8 wo_wake_path(const struct wakeoff_wakeup *r, bool no_ipi)
{
	if (!(r->valid & WAKEOFF_V_WAKEUP))
		return WAKEOFF_PATH_NONE;
	/* Still queued: ttwu_runnable(), nothing is enqueued. */
	if (r->valid & WAKEOFF_V_ON_RQ)
		return WAKEOFF_PATH_RUNNABLE;
	if (r->waker_cpu != r->target_cpu && no_ipi)
		return WAKEOFF_PATH_IDLE_POLL;
	if (r->wakeup_cpu == r->waker_cpu)
		return r->target_cpu == r->waker_cpu ? WAKEOFF_PATH_LOCAL :
						       WAKEOFF_PATH_REMOTE;
	if (r->wakeup_cpu == r->target_cpu)
		return WAKEOFF_PATH_WAKELIST;
	return WAKEOFF_PATH_OTHER;
}

static void wo_wp_add(struct wo_wp_cpu *c, const struct wakeoff_wakeup *r)
{
	u8 p = r->wake_path;

	c->count[p]++;
	if ((r->valid & WAKEOFF_V_SWITCH) && r->ts_switch >= r->ts_waking)
		wo_phist_add(&c->lat[p], r->ts_switch - r->ts_waking);
#ifdef WF_CURRENT_CPU_VAL
	if (r->final_flags & WF_CURRENT_CPU_VAL)
		c->wf_current_cpu++;
#endif
#ifdef WF_RQ_SELECTED_VAL
	if (r->final_flags & WF_RQ_SELECTED_VAL)
		c->wf_rq_selected++;
#endif
	if (!(r->valid & WAKEOFF_V_PREMIGRATE))
		return;
	c->premig_n++;
	c->premig_moves += r->premigrations;
	/* Two CPUs' local_clock(): a negative wait counts as 0. */
	wo_phist_add(&c->premig, r->ts_premigrate >= r->ts_wakeup ?
		     r->ts_premigrate - r->ts_wakeup : 0);
}

void wo_wakepath_close(struct wakeoff_wakeup *rec, bool no_ipi)
{
	unsigned long flags;

	rec->wake_path = wo_wake_path(rec, no_ipi);
	if (rec->wake_path != WAKEOFF_PATH_NONE)
		rec->valid |= WAKEOFF_V_WAKE_PATH;
	if (!wo_wp)
		return;
	/* An interrupt on this CPU may close another wakeup: IRQs off. */
	local_irq_save(flags);
	wo_wp_add(&wo_wp[smp_processor_id()], rec);
	local_irq_restore(flags);
}

void wo_wakepath_sum(struct wo_wp_tot *t)
{
	const struct wo_wp_cpu *c;
	unsigned int cpu, p;

	memset(t, 0, sizeof(*t));
	if (!wo_wp)
		return;
	for_each_possible_cpu(cpu) {
		c = &wo_wp[cpu];
		for (p = 0; p < WAKEOFF_PATH_NR; p++)
			t->count[p] += READ_ONCE(c->count[p]);
		t->wf_current_cpu += READ_ONCE(c->wf_current_cpu);
		t->wf_rq_selected += READ_ONCE(c->wf_rq_selected);
		t->premig_n += READ_ONCE(c->premig_n);
		t->premig_moves += READ_ONCE(c->premig_moves);
	}
}

void wo_wakepath_snap(int path, struct wo_hist_snap *snap)
{
	unsigned int cpu;

	memset(snap, 0, sizeof(*snap));
	if (!wo_wp)
		return;
	for_each_possible_cpu(cpu)
		wo_phist_snap_add(snap, path < 0 ? &wo_wp[cpu].premig :
				  &wo_wp[cpu].lat[path]);
}
