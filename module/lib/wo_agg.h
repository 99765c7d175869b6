/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: the in-kernel aggregation's tables, shared by the writer side
 * (wo_agg.c, probe context) and the reader side (wo_agg_show.c).
 *
 * Every figure a close adds to lives in a block per CPU (struct
 * wo_agg_cpu), written only by its own CPU with IRQs off: no atomics, no
 * cache line shared between writers.  Readers sum the blocks.  What stays
 * global is read-mostly: the keys of the flag classes and offset series
 * (claimed once by cmpxchg), the offset references and the run ids.
 */
#ifndef _WO_AGG_H
#define _WO_AGG_H

#include <linux/bits.h>
#include <linux/cache.h>

#include "lib/wo_hist.h"

#define WO_FLAG_CLASSES_BITS	4
#define WO_FLAG_CLASSES	BIT(WO_FLAG_CLASSES_BITS)	/* hash_32() range */
/*
 * Offsets are kept per series: one (timekeeping function, clock) pair,
 * claimed by its first read.  Two clocks never share a distribution.
 */
#define WO_OFF_SERIES	16
/* A series key: (func << WO_SERIES_CLOCK_BITS | clock) + 1; 0: free. */
#define WO_SERIES_CLOCK_BITS	8
#define WO_SERIES_CLOCK_MASK	((1U << WO_SERIES_CLOCK_BITS) - 1)
#define WO_SERIES_CLOCK_UNKNOWN	WO_SERIES_CLOCK_MASK	/* before ABI 1.3 */
#define WO_MATRIX_MAX	64	/* prev->target matrix up to this many CPUs */
#define WO_RUN_NONE	(~0ULL)	/* a run block being recycled */

enum { WO_M_WAKING_WAKEUP, WO_M_WAKEUP_SWITCH, WO_M_TTWU_TKREAD, WO_M_NR };

/* One CPU's share of a class (the key is global: wo_agg->flag_key). */
struct wo_class {
	u64 count;
	struct wo_phist h[WO_M_NR];
};

struct wo_off {
	u64 count;
	s64 min, max;
	struct wo_shist dev;	/* offset - wo_off_ref[func] */
};

enum { WO_C_ALL, WO_C_MIGRATED, WO_C_LOCAL, WO_C_OTHER, WO_C_FIXED };

/* A run's identity, global; its counts are per CPU (struct wo_run_cnt). */
struct wo_run_blk {
	u64 id;
	char label[WAKEOFF_LABEL_LEN];
};

struct wo_run_cnt {
	u64 closed, migrated, tkread;
	s64 off_min[WO_OFF_SERIES], off_max[WO_OFF_SERIES];
	u64 off_n[WO_OFF_SERIES];
	struct wo_phist tk[2];		/* ttwu->tkread: [0] local, [1] migrated */
};

/*
 * The figures of this CPU as a wakeup's target.  A close mostly runs on
 * the target (the switch-in, the first read): it adds to its own block's
 * plain copy.  A close elsewhere (timeout sweep, flush, task freed, a
 * task moved by the load balancer) adds to the target's atomic copy, on
 * its own cache line so that remote writes do not bounce the hot part.
 */
struct wo_tgt_remote {
	atomic64_t wakeups;
	struct wo_hist lat;		/* wakeup -> switch-in */
} ____cacheline_aligned;

/*
 * One CPU's block, followed by wo_max_runs struct wo_run_cnt and two
 * prev->target matrix columns of wo_matrix_n counters (the plain one,
 * then the atomic one): see wo_agg_cpu_bytes().
 */
struct wo_agg_cpu {
	int busy;			/* a close is updating this block */
	u64 series_overflow;		/* reads of a series with no room */
	u64 run_unattributed;
	u64 tgt_wakeups;		/* as a target, closed on this CPU */
	struct wo_phist tgt_lat;
	struct wo_class fixed[WO_C_FIXED];
	struct wo_class flags[WO_FLAG_CLASSES];
	struct wo_off off[2][WO_OFF_SERIES];	/* [migrated][series] */
	struct wo_tgt_remote remote;
	struct wo_run_cnt runs[];
};

/* Global, read-mostly: keys and references. */
struct wo_agg {
	u32 flag_key[WO_FLAG_CLASSES];	/* flags + 1; 0: free */
	u32 series[WO_OFF_SERIES];	/* series key, see above */
	s64 off_ref[WO_OFF_SERIES];
	atomic_t off_ref_set[WO_OFF_SERIES];	/* enum wo_ref_state */
};

/* off_ref[i]'s publication: claimed by cmpxchg, then released as set. */
enum wo_ref_state { WO_REF_UNSET, WO_REF_SETTING, WO_REF_SET };

DECLARE_PER_CPU(struct wo_agg_cpu *, wo_agg_pcpu);
extern struct wo_agg *wo_agg;
extern unsigned int wo_matrix_n;
extern struct wo_run_blk *wo_runs;
extern unsigned int wo_run_cur;
extern size_t wo_agg_bytes_cpu, wo_agg_bytes_shared;

/* @cpu's block; NULL for a CPU that is not possible. */
static inline struct wo_agg_cpu *wo_agg_cpu(unsigned int cpu)
{
	return cpu < nr_cpu_ids && cpu_possible(cpu) ?
	       per_cpu(wo_agg_pcpu, cpu) : NULL;
}

/* The prev->target column: [prev] counts on this CPU as target. */
static inline u32 *wo_agg_col(struct wo_agg_cpu *c)
{
	return (u32 *)&c->runs[wo_max_runs];
}

static inline atomic_t *wo_agg_col_remote(struct wo_agg_cpu *c)
{
	return (atomic_t *)(wo_agg_col(c) + wo_matrix_n);
}

u64 wo_agg_dropped(void);
u64 wo_agg_negative_sum(void);

/* Series @i's function index and clock id; false if @i is unused. */
static inline bool wo_series_key(unsigned int i, unsigned int *func,
				 unsigned int *clock)
{
	u32 key = READ_ONCE(wo_agg->series[i]);

	if (!key)
		return false;
	*func = (key - 1) >> WO_SERIES_CLOCK_BITS;
	*clock = (key - 1) & WO_SERIES_CLOCK_MASK;
	return true;
}

#endif /* _WO_AGG_H */
