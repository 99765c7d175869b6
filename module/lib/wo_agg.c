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
 * Probes only do atomic increments on preallocated memory.  Reset and
 * the recycling of a run block happen with no probe able to write them
 * (recording stopped, or the block unpublished and an RCU grace period
 * passed: every probe runs with preemption disabled).
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"
#include "compat/wo_compat.h"

#include "lib/wo_agg.h"

struct wo_agg *wo_agg;
struct wo_cpu_agg *wo_cpu_agg;
atomic_t *wo_matrix;			/* [prev * n + target] */
unsigned int wo_matrix_n;
struct wo_run_blk *wo_runs;
unsigned int wo_run_cur;
size_t wo_agg_bytes;
unsigned int wo_max_runs = 80;

int wo_agg_alloc(void)
{
	size_t stacks;

	wo_agg = vzalloc(sizeof(*wo_agg));
	wo_cpu_agg = vzalloc(array_size(nr_cpu_ids, sizeof(*wo_cpu_agg)));
	wo_runs = vzalloc(array_size(wo_max_runs, sizeof(*wo_runs)));
	if (nr_cpu_ids <= WO_MATRIX_MAX) {
		wo_matrix_n = nr_cpu_ids;
		wo_matrix = vzalloc(array_size(wo_matrix_n * wo_matrix_n,
					       sizeof(*wo_matrix)));
	}
	stacks = wo_stacks_alloc();
	if (!wo_agg || !wo_cpu_agg || !wo_runs || !stacks ||
	    (wo_matrix_n && !wo_matrix)) {
		wo_agg_free();
		return -ENOMEM;
	}
	wo_agg_bytes = sizeof(*wo_agg) + nr_cpu_ids * sizeof(*wo_cpu_agg) +
		       wo_max_runs * sizeof(*wo_runs) +
		       wo_matrix_n * wo_matrix_n * sizeof(*wo_matrix) + stacks;
	wo_agg_reset();
	return 0;
}

void wo_agg_free(void)
{
	vfree(wo_agg);
	vfree(wo_cpu_agg);
	vfree(wo_runs);
	vfree(wo_matrix);
	wo_stacks_free();
	wo_agg = NULL;
	wo_cpu_agg = NULL;
	wo_runs = NULL;
	wo_matrix = NULL;
	wo_matrix_n = 0;
}

static void wo_run_blk_init(struct wo_run_blk *b, u64 id, const char *label)
{
	unsigned int f;

	memset(b, 0, sizeof(*b));
	for (f = 0; f < WO_OFF_SERIES; f++) {
		atomic64_set(&b->off_min[f], S64_MAX);
		atomic64_set(&b->off_max[f], S64_MAX);	/* of -offset */
	}
	strscpy(b->label, label, sizeof(b->label));
	b->id = id;
}

/* Only with the probes quiesced (load, reset). */
void wo_agg_reset(void)
{
	unsigned int i, f;

	memset(wo_agg, 0, sizeof(*wo_agg));
	for (i = 0; i < 2; i++) {
		for (f = 0; f < WO_OFF_SERIES; f++) {
			atomic64_set(&wo_agg->off[i][f].min, S64_MAX);
			atomic64_set(&wo_agg->off[i][f].max, S64_MIN);
		}
	}
	memset(wo_cpu_agg, 0, nr_cpu_ids * sizeof(*wo_cpu_agg));
	if (wo_matrix)
		memset(wo_matrix, 0,
		       wo_matrix_n * wo_matrix_n * sizeof(*wo_matrix));
	for (i = 0; i < wo_max_runs; i++)
		wo_run_blk_init(&wo_runs[i], WO_RUN_NONE, "");
	wo_run_cur = 0;
	wo_run_blk_init(&wo_runs[0], READ_ONCE(wo_run_id), wo_run_label);
	wo_stacks_reset();
}

/*
 * Process context, control mutex held, before wo_run_id changes: make
 * @id's block current (a new one recycles the oldest).
 */
void wo_agg_run_begin(u64 id, const char *label)
{
	unsigned int i, next;

	for (i = 0; i < wo_max_runs; i++) {
		if (READ_ONCE(wo_runs[i].id) == id) {
			strscpy(wo_runs[i].label, label,
				sizeof(wo_runs[i].label));
			WRITE_ONCE(wo_run_cur, i);
			return;
		}
	}
	next = (READ_ONCE(wo_run_cur) + 1) % wo_max_runs;
	/* Unpublish, wait out every probe that may still write it. */
	WRITE_ONCE(wo_runs[next].id, WO_RUN_NONE);
	synchronize_rcu();
	wo_run_blk_init(&wo_runs[next], WO_RUN_NONE, label);
	/* Pairs with wo_run_find(): the block is initialized before. */
	smp_store_release(&wo_runs[next].id, id);
	WRITE_ONCE(wo_run_cur, next);
}

static struct wo_run_blk *wo_run_find(u64 id)
{
	struct wo_run_blk *b = &wo_runs[READ_ONCE(wo_run_cur)];
	unsigned int i;

	/* Pairs with wo_agg_run_begin()'s release of the id. */
	if (smp_load_acquire(&b->id) == id)
		return b;
	for (i = 0; i < wo_max_runs; i++)
		/* As above. */
		if (smp_load_acquire(&wo_runs[i].id) == id)
			return &wo_runs[i];
	return NULL;
}

static void wo_min_max(atomic64_t *mn, atomic64_t *mx, s64 v)
{
	s64 old = atomic64_read(mn);

	while (v < old && !atomic64_try_cmpxchg(mn, &old, v))
		;
	if (!mx)
		return;
	old = atomic64_read(mx);
	while (v > old && !atomic64_try_cmpxchg(mx, &old, v))
		;
}

static struct wo_class *wo_flag_class(u32 flags)
{
	u32 key = flags + 1, i, slot, cur;
	struct wo_class *c;

	for (i = 0; i < WO_FLAG_CLASSES; i++) {
		slot = (flags * 2654435761U + i) % WO_FLAG_CLASSES;
		c = &wo_agg->flags[slot];
		cur = READ_ONCE(c->key);
		/* Lost the race to a CPU inserting the same key: share it. */
		if (!cur)
			cur = cmpxchg(&c->key, 0, key);
		if (!cur || cur == key)
			return c;
	}
	return &wo_agg->fixed[WO_C_OTHER];
}

/* A delta between two CPUs' clocks came out negative (a rare event). */
void wo_agg_negative_delta(void)
{
	if (wo_agg)
		atomic64_inc(&wo_agg->negative);
}

/*
 * The offset series of a read of @clock by function @func: found or
 * claimed (cmpxchg, like the flag classes); -1 when all are taken
 * (counted in offset.series_overflow).
 */
static int wo_series_find(unsigned int func, unsigned int clock)
{
	u32 key = ((func << 8) | (clock & 0xff)) + 1, cur;
	int i;

	for (i = 0; i < WO_OFF_SERIES; i++) {
		cur = READ_ONCE(wo_agg->series[i]);
		if (!cur)
			cur = cmpxchg(&wo_agg->series[i], 0, key);
		if (!cur || cur == key)
			return i;
	}
	atomic64_inc(&wo_agg->series_overflow);
	return -1;
}

static bool wo_delta(u64 from, u64 to, u64 *d)
{
	if (to < from) {
		atomic64_inc(&wo_agg->negative);
		*d = 0;
	} else {
		*d = to - from;
	}
	return true;
}

static void wo_class_add(struct wo_class *c, const bool *have, const u64 *d)
{
	int m;

	atomic64_inc(&c->count);
	for (m = 0; m < WO_M_NR; m++)
		if (have[m])
			wo_hist_add(&c->h[m], d[m]);
}

/* A correlation closed (probe context, its slot locked). */
void wo_agg_close(const struct wakeoff_wakeup *r)
{
	bool mig = r->final_flags & WF_MIGRATED_VAL;
	bool have[WO_M_NR] = { };
	u64 d[WO_M_NR] = { };
	struct wo_run_blk *run;
	int f = -1;		/* the read's offset series */

	if (!wo_agg)
		return;
	if (r->valid & WAKEOFF_V_WAKEUP)
		have[WO_M_WAKING_WAKEUP] = wo_delta(r->ts_waking, r->ts_wakeup,
						    &d[WO_M_WAKING_WAKEUP]);
	if (r->valid & WAKEOFF_V_SWITCH)
		have[WO_M_WAKEUP_SWITCH] = wo_delta(r->ts_wakeup, r->ts_switch,
						    &d[WO_M_WAKEUP_SWITCH]);
	if (r->valid & WAKEOFF_V_TKREAD)
		have[WO_M_TTWU_TKREAD] = wo_delta(r->ts_waking, r->ts_tkread,
						  &d[WO_M_TTWU_TKREAD]);

	wo_class_add(&wo_agg->fixed[WO_C_ALL], have, d);
	wo_class_add(&wo_agg->fixed[mig ? WO_C_MIGRATED : WO_C_LOCAL], have, d);
	wo_class_add(wo_flag_class(r->final_flags), have, d);

	if (r->valid & WAKEOFF_V_TKREAD)
		f = wo_series_find(r->tk_func, r->valid & WAKEOFF_V_TK_CLOCK ?
				   r->tk_clock : 0xff);
	if (f >= 0) {
		struct wo_off *o = &wo_agg->off[mig][f];
		s64 ref, dev;

		/*
		 * The series' first offset becomes the reference of the
		 * median histograms (0 unset, 1 being set, 2 set); the few
		 * samples that race with its publication only count in
		 * count/min/max.
		 */
		if (!atomic_read(&wo_agg->off_ref_set[f]) &&
		    !atomic_cmpxchg(&wo_agg->off_ref_set[f], 0, 1)) {
			WRITE_ONCE(wo_agg->off_ref[f], r->tk_offset);
			atomic_set_release(&wo_agg->off_ref_set[f], 2);
		}
		atomic64_inc(&o->count);
		wo_min_max(&o->min, &o->max, r->tk_offset);
		if (atomic_read_acquire(&wo_agg->off_ref_set[f]) == 2) {
			ref = READ_ONCE(wo_agg->off_ref[f]);
			dev = r->tk_offset - ref;
			if (dev < 0)
				wo_hist_add(&o->dev.neg, -dev);
			else
				wo_hist_add(&o->dev.pos, dev);
		}
	}

	if ((r->valid & WAKEOFF_V_WAKEUP) && r->target_cpu < nr_cpu_ids) {
		struct wo_cpu_agg *ca = &wo_cpu_agg[r->target_cpu];

		atomic64_inc(&ca->wakeups);
		if (have[WO_M_WAKEUP_SWITCH])
			wo_hist_add(&ca->lat, d[WO_M_WAKEUP_SWITCH]);
		if (wo_matrix && r->prev_cpu < wo_matrix_n &&
		    r->target_cpu < wo_matrix_n)
			atomic_inc(&wo_matrix[r->prev_cpu * wo_matrix_n +
					      r->target_cpu]);
	}

	run = wo_run_find(r->run_id);
	if (run) {
		atomic64_inc(&run->closed);
		if (mig)
			atomic64_inc(&run->migrated);
		if (have[WO_M_TTWU_TKREAD]) {
			atomic64_inc(&run->tkread);
			wo_hist_add(&run->tk[mig], d[WO_M_TTWU_TKREAD]);
			if (f >= 0) {
				atomic64_inc(&run->off_n[f]);
				wo_min_max(&run->off_min[f], NULL, r->tk_offset);
				wo_min_max(&run->off_max[f], NULL, -r->tk_offset);
			}
		}
	} else {
		atomic64_inc(&wo_agg->run_unattributed);
	}

	wo_stack_account(r->stack_id, r->final_flags & WF_SYNC_VAL, mig,
			 have[WO_M_WAKEUP_SWITCH], d[WO_M_WAKEUP_SWITCH]);
}
