// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: per-CPU aggregation of off-CPU time.  A closed wakeup record
 * that carries WAKEOFF_V_OFFCPU adds ts_waking - ts_blocked to the
 * histograms of its class (all, migrated, local) and of its blocked
 * state, and to the count and total of its blocking stack cluster.
 *
 * Each CPU writes only its own block, with IRQs off around the update
 * (a correlation may close from a probe that runs with IRQs on, e.g.
 * sched_waking on the "p == current" path, and an interrupt on the same
 * CPU may close another): plain stores, no atomics, no shared line.
 * Readers sum the blocks; a sum taken while probes run is a consistent
 * count per bucket, not a snapshot of one instant, as for any counter.
 */
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"
#include "compat/wo_compat.h"
#include "lib/wo_offcpu.h"

static struct wo_oc_cpu *wo_oc;		/* [nr_cpu_ids] */

u8 wo_block_class(unsigned int state)
{
	if (state & TASK_UNINTERRUPTIBLE)
		return (state & TASK_NOLOAD) ? WAKEOFF_BLOCK_IDLE :
					       WAKEOFF_BLOCK_UNINTERRUPTIBLE;
	if (state & TASK_INTERRUPTIBLE)
		return WAKEOFF_BLOCK_INTERRUPTIBLE;
	return WAKEOFF_BLOCK_OTHER;
}

size_t wo_offcpu_bytes(void)
{
	return wo_oc ? nr_cpu_ids * sizeof(*wo_oc) : 0;
}

int wo_offcpu_alloc(void)
{
	wo_oc = vzalloc(array_size(nr_cpu_ids, sizeof(*wo_oc)));
	return wo_oc ? 0 : -ENOMEM;
}

void wo_offcpu_free(void)
{
	vfree(wo_oc);
	wo_oc = NULL;
}

/* Only with the probes quiesced (reset). */
void wo_offcpu_reset(void)
{
	if (wo_oc)
		memset(wo_oc, 0, nr_cpu_ids * sizeof(*wo_oc));
}

static void wo_oc_add(struct wo_oc_hist *h, u64 v)
{
	h->b[wakeoff_hist_bucket(v)]++;
	h->n++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

void wo_offcpu_close(const struct wakeoff_wakeup *r)
{
	bool mig = r->final_flags & WF_MIGRATED_VAL;
	struct wo_oc_cpu *c;
	unsigned long flags;
	s64 d;
	u64 v;

	if (!wo_oc || !(r->valid & WAKEOFF_V_OFFCPU))
		return;
	d = (s64)(r->ts_waking - r->ts_blocked);
	v = d < 0 ? 0 : d;
	local_irq_save(flags);
	c = &wo_oc[smp_processor_id()];
	c->negative += d < 0;
	wo_oc_add(&c->cls[WO_OC_ALL], v);
	wo_oc_add(&c->cls[mig ? WO_OC_MIGRATED : WO_OC_LOCAL], v);
	if (r->block_class && r->block_class < WAKEOFF_BLOCK_NR)
		wo_oc_add(&c->state[r->block_class], v);
	if (r->block_stack_id && r->block_stack_id <= WO_STACKS) {
		c->stack_n[r->block_stack_id - 1]++;
		c->stack_ns[r->block_stack_id - 1] += v;
	} else {
		c->nostack_n++;
		c->nostack_ns += v;
	}
	local_irq_restore(flags);
}

static void wo_oc_hist_sum(struct wo_oc_hist *dst, const struct wo_oc_hist *h)
{
	unsigned int i;

	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++)
		dst->b[i] += READ_ONCE(h->b[i]);
	dst->n += READ_ONCE(h->n);
	dst->sum += READ_ONCE(h->sum);
	dst->max = max(dst->max, READ_ONCE(h->max));
}

void wo_offcpu_sum(struct wo_oc_cpu *sum)
{
	unsigned int cpu, i;

	memset(sum, 0, sizeof(*sum));
	if (!wo_oc)
		return;
	for_each_possible_cpu(cpu) {
		const struct wo_oc_cpu *c = &wo_oc[cpu];

		for (i = 0; i < WO_OC_NR; i++)
			wo_oc_hist_sum(&sum->cls[i], &c->cls[i]);
		for (i = 0; i < WAKEOFF_BLOCK_NR; i++)
			wo_oc_hist_sum(&sum->state[i], &c->state[i]);
		for (i = 0; i < WO_STACKS; i++) {
			sum->stack_n[i] += READ_ONCE(c->stack_n[i]);
			sum->stack_ns[i] += READ_ONCE(c->stack_ns[i]);
		}
		sum->nostack_n += READ_ONCE(c->nostack_n);
		sum->nostack_ns += READ_ONCE(c->nostack_ns);
		sum->negative += READ_ONCE(c->negative);
	}
}
