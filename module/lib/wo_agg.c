// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: in-kernel aggregation of closed wakeups, always on, fixed
 * memory (allocated at load, reported as agg.memory_bytes):
 *
 *  - classes: all, migrated, local (not migrated), and one per distinct
 *    final wake_flags combination (WO_FLAG_CLASSES, then "other"), each
 *    with histograms of waking->wakeup, wakeup->switch-in and
 *    ttwu->first timekeeping read;
 *  - clock offsets (value read - local_clock()) per migrated/local and
 *    timekeeping function: min, max, and a median from histograms of the
 *    distance to a reference (the function's first offset);
 *  - per target CPU: wakeups and wakeup->switch-in; a prev->target matrix;
 *  - per run id: the last max_runs runs, with the three numbers.
 *
 * Per CPU, not shared: a close adds to its own CPU's block (struct
 * wo_agg_cpu) with plain increments, IRQs off, under a busy flag that
 * makes a nested close (only an NMI could nest, and none closes) drop
 * and count in agg.dropped_nested.  Readers sum the blocks.  Only the
 * rare close of another CPU's target figures uses atomics (struct
 * wo_tgt_remote).  One block is too big for the per-CPU allocator (32 KiB
 * per allocation at most), so each possible CPU gets a vzalloc_node()
 * block on its node, found through a per-CPU pointer.
 *
 * Memory (agg.memory_bytes_per_cpu, agg.memory_bytes), allocated at load:
 *   per_cpu = sizeof(struct wo_agg_cpu)
 *           + max_runs * sizeof(struct wo_run_cnt)
 *           + 2 * 4 * (nr_cpu_ids <= 64 ? nr_cpu_ids : 0)   (matrix column)
 *           + WO_STACKS * sizeof(struct wo_stack_cnt)        (wo_stacks.c)
 *   shared  = sizeof(struct wo_agg) + max_runs * sizeof(struct wo_run_blk)
 *           + sizeof(the stack key table)
 *   total   = possible CPUs * per_cpu + shared
 * With the defaults (max_runs=80) per_cpu is about 847 KiB, flat in the
 * CPU count but for the matrix column (512 bytes at 64 CPUs); README.
 *
 * Reset and the recycling of a run block happen with no close able to
 * write them: recording stopped (or the block unpublished) and an RCU
 * grace period passed, which every close is inside (preemption or IRQs
 * disabled); readers hold the control mutex that reset and run take.
 */
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"
#include "compat/wo_compat.h"

#include "lib/wo_agg.h"

DEFINE_PER_CPU(struct wo_agg_cpu *, wo_agg_pcpu);
/* this_cpu ops: counted outside the busy guard, from any context. */
static DEFINE_PER_CPU(u64, wo_agg_neg);
static DEFINE_PER_CPU(u64, wo_agg_drop);
struct wo_agg *wo_agg;
unsigned int wo_matrix_n;
struct wo_run_blk *wo_runs;
unsigned int wo_run_cur;
size_t wo_agg_bytes_cpu, wo_agg_bytes_shared;
unsigned int wo_max_runs = 80;

static size_t wo_agg_cpu_bytes(void)
{
	return sizeof(struct wo_agg_cpu) +
	       wo_max_runs * sizeof(struct wo_run_cnt) +
	       2 * wo_matrix_n * sizeof(u32);
}

/* A block on @cpu's node (any node if that one has no memory online). */
static struct wo_agg_cpu *wo_agg_cpu_alloc(unsigned int cpu)
{
	int node = cpu_to_node(cpu);

	if (node != NUMA_NO_NODE && !node_online(node))
		node = NUMA_NO_NODE;
	/* Not zeroed twice: wo_agg_reset() clears it before any use. */
	return vmalloc_node(wo_agg_cpu_bytes(), node);
}

int wo_agg_alloc(void)
{
	size_t st_shared, st_cpu;
	unsigned int cpu;

	wo_matrix_n = nr_cpu_ids <= WO_MATRIX_MAX ? nr_cpu_ids : 0;
	wo_agg = kzalloc(sizeof(*wo_agg), GFP_KERNEL);
	wo_runs = vzalloc(array_size(wo_max_runs, sizeof(*wo_runs)));
	if (!wo_agg || !wo_runs || wo_stacks_alloc(&st_shared, &st_cpu))
		goto nomem;
	for_each_possible_cpu(cpu) {
		per_cpu(wo_agg_pcpu, cpu) = wo_agg_cpu_alloc(cpu);
		if (!per_cpu(wo_agg_pcpu, cpu))
			goto nomem;
	}
	wo_agg_bytes_cpu = wo_agg_cpu_bytes() + st_cpu;
	wo_agg_bytes_shared = sizeof(*wo_agg) +
			      wo_max_runs * sizeof(*wo_runs) + st_shared;
	wo_agg_reset();
	return 0;
nomem:
	wo_agg_free();
	return -ENOMEM;
}

void wo_agg_free(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		vfree(per_cpu(wo_agg_pcpu, cpu));
		per_cpu(wo_agg_pcpu, cpu) = NULL;
	}
	kfree(wo_agg);
	vfree(wo_runs);
	wo_stacks_free();
	wo_agg = NULL;
	wo_runs = NULL;
	wo_matrix_n = 0;
}

u64 wo_agg_dropped(void)
{
	unsigned int cpu;
	u64 n = 0;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(wo_agg_drop, cpu));
	return n;
}

u64 wo_agg_negative_sum(void)
{
	unsigned int cpu;
	u64 n = 0;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(wo_agg_neg, cpu));
	return n;
}

/* The empty min/max of a zeroed run block. */
static void wo_run_cnt_minmax(struct wo_run_cnt *rc)
{
	unsigned int f;

	for (f = 0; f < WO_OFF_SERIES; f++) {
		rc->off_min[f] = S64_MAX;
		rc->off_max[f] = S64_MIN;
	}
}

/* Run block @i's identity (its counts are per CPU). */
static void wo_run_blk_set(unsigned int i, u64 id, const char *label)
{
	memset(&wo_runs[i], 0, sizeof(wo_runs[i]));
	strscpy(wo_runs[i].label, label, sizeof(wo_runs[i].label));
	wo_runs[i].id = id;
}

static void wo_agg_cpu_reset(unsigned int cpu)
{
	struct wo_agg_cpu *c = per_cpu(wo_agg_pcpu, cpu);
	unsigned int i, f;

	memset(c, 0, wo_agg_cpu_bytes());
	for (i = 0; i < 2; i++) {
		for (f = 0; f < WO_OFF_SERIES; f++) {
			c->off[i][f].min = S64_MAX;
			c->off[i][f].max = S64_MIN;
		}
	}
	for (i = 0; i < wo_max_runs; i++)
		wo_run_cnt_minmax(&c->runs[i]);
	per_cpu(wo_agg_neg, cpu) = 0;
	per_cpu(wo_agg_drop, cpu) = 0;
}

/*
 * Only with no close running or able to start (load; reset: recording
 * stopped, a grace period passed, the flush done) and the control mutex
 * held against readers: every CPU's block returns to zero together, so
 * no sum mixes figures from before and after.
 */
void wo_agg_reset(void)
{
	unsigned int i, cpu;

	memset(wo_agg, 0, sizeof(*wo_agg));
	for_each_possible_cpu(cpu)
		wo_agg_cpu_reset(cpu);
	for (i = 0; i < wo_max_runs; i++)
		wo_run_blk_set(i, WO_RUN_NONE, "");
	wo_run_cur = 0;
	wo_run_blk_set(0, READ_ONCE(wo_state.run_id), wo_state.run_label);
	wo_stacks_reset();
}

/*
 * Process context, control mutex held, before wo_state.run_id changes: make
 * @id's block current (a new one recycles the oldest).
 */
void wo_agg_run_begin(u64 id, const char *label)
{
	unsigned int i, next, cpu;

	lockdep_assert_held(&wo_state.control_lock);
	for (i = 0; i < wo_max_runs; i++) {
		if (READ_ONCE(wo_runs[i].id) == id) {
			strscpy(wo_runs[i].label, label,
				sizeof(wo_runs[i].label));
			WRITE_ONCE(wo_run_cur, i);
			return;
		}
	}
	next = (READ_ONCE(wo_run_cur) + 1) % wo_max_runs;
	/* Unpublish, wait out every close that may still write it. */
	WRITE_ONCE(wo_runs[next].id, WO_RUN_NONE);
	synchronize_rcu();
	for_each_possible_cpu(cpu) {
		struct wo_run_cnt *rc = &per_cpu(wo_agg_pcpu, cpu)->runs[next];

		memset(rc, 0, sizeof(*rc));
		wo_run_cnt_minmax(rc);
	}
	wo_run_blk_set(next, WO_RUN_NONE, label);
	/* Pairs with wo_run_find(): the block is initialized before. */
	smp_store_release(&wo_runs[next].id, id);
	WRITE_ONCE(wo_run_cur, next);
}

/* The index of @id's run block, -1 if it has none. */
static int wo_run_find(u64 id)
{
	unsigned int i = READ_ONCE(wo_run_cur);

	/* Pairs with wo_agg_run_begin()'s release of the id. */
	if (smp_load_acquire(&wo_runs[i].id) == id)
		return i;
	for (i = 0; i < wo_max_runs; i++)
		/* As above. */
		if (smp_load_acquire(&wo_runs[i].id) == id)
			return i;
	return -1;
}

/* The slot of @flags' class in wo_agg->flag_key; -1: all taken. */
static int wo_flag_slot(u32 flags)
{
	u32 key = flags + 1, i, slot, cur;

	for (i = 0; i < WO_FLAG_CLASSES; i++) {
		slot = (hash_32(flags, WO_FLAG_CLASSES_BITS) + i) % WO_FLAG_CLASSES;
		cur = READ_ONCE(wo_agg->flag_key[slot]);
		/* Lost the race to a CPU inserting the same key: share it. */
		if (!cur)
			cur = cmpxchg(&wo_agg->flag_key[slot], 0, key);
		if (!cur || cur == key)
			return slot;
	}
	return -1;
}

/* A delta between two CPUs' clocks came out negative (a rare event). */
void wo_agg_negative_delta(void)
{
	this_cpu_inc(wo_agg_neg);
}

/*
 * The offset series of a read of @clock by function @func: found or
 * claimed (cmpxchg, like the flag classes); -1 when all are taken
 * (counted in offset.series_overflow).
 */
static int wo_series_find(struct wo_agg_cpu *c, unsigned int func,
			  unsigned int clock)
{
	u32 key = ((func << WO_SERIES_CLOCK_BITS) |
		   (clock & WO_SERIES_CLOCK_MASK)) + 1, cur;
	int i;

	for (i = 0; i < WO_OFF_SERIES; i++) {
		cur = READ_ONCE(wo_agg->series[i]);
		if (!cur)
			cur = cmpxchg(&wo_agg->series[i], 0, key);
		if (!cur || cur == key)
			return i;
	}
	c->series_overflow++;
	return -1;
}

static bool wo_delta(u64 from, u64 to, u64 *d)
{
	if (to < from) {
		this_cpu_inc(wo_agg_neg);
		*d = 0;
	} else {
		*d = to - from;
	}
	return true;
}

static void wo_class_add(struct wo_class *c, const bool *have, const u64 *d)
{
	int m;

	c->count++;
	for (m = 0; m < WO_M_NR; m++)
		if (have[m])
			wo_phist_add(&c->h[m], d[m]);
}

static void wo_min_max(s64 *mn, s64 *mx, s64 v)
{
	if (v < *mn)
		*mn = v;
	if (v > *mx)
		*mx = v;
}

/* The read's offset into series @f of class @mig. */
static void wo_close_offset(struct wo_agg_cpu *c, bool mig, int f, s64 off)
{
	struct wo_off *o = &c->off[mig][f];
	s64 dev;

	/*
	 * The series' first offset becomes the reference of the median
	 * histograms; the few samples that race with its publication only
	 * count in count/min/max.
	 */
	if (!atomic_read(&wo_agg->off_ref_set[f]) &&
	    !atomic_cmpxchg(&wo_agg->off_ref_set[f], WO_REF_UNSET,
			    WO_REF_SETTING)) {
		WRITE_ONCE(wo_agg->off_ref[f], off);
		atomic_set_release(&wo_agg->off_ref_set[f], WO_REF_SET);
	}
	o->count++;
	wo_min_max(&o->min, &o->max, off);
	if (atomic_read_acquire(&wo_agg->off_ref_set[f]) == WO_REF_SET) {
		dev = off - READ_ONCE(wo_agg->off_ref[f]);
		if (dev < 0)
			wo_phist_add(&o->dev.neg, -dev);
		else
			wo_phist_add(&o->dev.pos, dev);
	}
}

/* Per target CPU: this CPU's plain copy if it is the target, else atomics. */
static void wo_close_target(struct wo_agg_cpu *c,
			    const struct wakeoff_wakeup *r, bool switched,
			    u64 lat)
{
	struct wo_agg_cpu *t = wo_agg_cpu(r->target_cpu);
	bool matrix = r->prev_cpu < wo_matrix_n &&
		      r->target_cpu < wo_matrix_n;

	if (!t)
		return;
	if (t == c) {
		c->tgt_wakeups++;
		if (switched)
			wo_phist_add(&c->tgt_lat, lat);
		if (matrix)
			wo_agg_col(c)[r->prev_cpu]++;
		return;
	}
	atomic64_inc(&t->remote.wakeups);
	if (switched)
		wo_hist_add(&t->remote.lat, lat);
	if (matrix)
		atomic_inc(&wo_agg_col_remote(t)[r->prev_cpu]);
}

static void wo_close_run(struct wo_agg_cpu *c, const struct wakeoff_wakeup *r,
			 bool mig, bool tkread, u64 d, int f)
{
	int i = wo_run_find(r->run_id);
	struct wo_run_cnt *rc;

	if (i < 0) {
		c->run_unattributed++;
		return;
	}
	rc = &c->runs[i];
	rc->closed++;
	if (mig)
		rc->migrated++;
	if (!tkread)
		return;
	rc->tkread++;
	wo_phist_add(&rc->tk[mig], d);
	if (f >= 0) {
		rc->off_n[f]++;
		wo_min_max(&rc->off_min[f], &rc->off_max[f], r->tk_offset);
	}
}

/* wo_agg_close() on this CPU's block @c, IRQs off, @c busy. */
static void wo_close_cpu(struct wo_agg_cpu *c, const struct wakeoff_wakeup *r)
{
	bool mig = r->final_flags & WF_MIGRATED_VAL;
	bool have[WO_M_NR] = { };
	u64 d[WO_M_NR] = { };
	int f = -1, slot;	/* f: the read's offset series */

	if (r->valid & WAKEOFF_V_WAKEUP)
		have[WO_M_WAKING_WAKEUP] = wo_delta(r->ts_waking, r->ts_wakeup,
						    &d[WO_M_WAKING_WAKEUP]);
	if (r->valid & WAKEOFF_V_SWITCH)
		have[WO_M_WAKEUP_SWITCH] = wo_delta(r->ts_wakeup, r->ts_switch,
						    &d[WO_M_WAKEUP_SWITCH]);
	if (r->valid & WAKEOFF_V_TKREAD)
		have[WO_M_TTWU_TKREAD] = wo_delta(r->ts_waking, r->ts_tkread,
						  &d[WO_M_TTWU_TKREAD]);

	wo_class_add(&c->fixed[WO_C_ALL], have, d);
	wo_class_add(&c->fixed[mig ? WO_C_MIGRATED : WO_C_LOCAL], have, d);
	slot = wo_flag_slot(r->final_flags);
	wo_class_add(slot < 0 ? &c->fixed[WO_C_OTHER] : &c->flags[slot],
		     have, d);

	if (r->valid & WAKEOFF_V_TKREAD)
		f = wo_series_find(c, r->tk_func,
				   r->valid & WAKEOFF_V_TK_CLOCK ?
				   r->tk_clock : WO_SERIES_CLOCK_UNKNOWN);
	if (f >= 0)
		wo_close_offset(c, mig, f, r->tk_offset);
	if (r->valid & WAKEOFF_V_WAKEUP)
		wo_close_target(c, r, have[WO_M_WAKEUP_SWITCH],
				d[WO_M_WAKEUP_SWITCH]);
	wo_close_run(c, r, mig, have[WO_M_TTWU_TKREAD],
		     d[WO_M_TTWU_TKREAD], f);
	wo_stack_account(r->stack_id, r->final_flags & WF_SYNC_VAL, mig,
			 have[WO_M_WAKEUP_SWITCH], d[WO_M_WAKEUP_SWITCH]);
}

/*
 * A correlation closed (probe or sweeper context, its slot locked).
 * IRQs off for the update: an interrupt that closes a wakeup on this CPU
 * (tracepoints fire in IRQ context) waits until this one is done.  Only
 * an NMI could still nest, and no close runs there; if one ever did, the
 * busy flag makes it drop and count rather than tear the block.
 */
void wo_agg_close(const struct wakeoff_wakeup *r)
{
	struct wo_agg_cpu *c;
	unsigned long flags;

	if (!wo_agg)
		return;
	if (unlikely(in_nmi())) {
		this_cpu_inc(wo_agg_drop);
		return;
	}
	local_irq_save(flags);
	c = this_cpu_read(wo_agg_pcpu);
	if (unlikely(!c || c->busy)) {
		this_cpu_inc(wo_agg_drop);
	} else {
		c->busy = 1;
		barrier();	/* busy is seen before the block changes */
		wo_close_cpu(c, r);
		barrier();
		c->busy = 0;
	}
	local_irq_restore(flags);
}
