/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: the in-kernel aggregation's tables, shared by the writer side
 * (wo_agg.c, probe context) and the reader side (wo_agg_show.c).
 */
#ifndef _WO_AGG_H
#define _WO_AGG_H

#include "lib/wo_hist.h"

#define WO_FLAG_CLASSES	16
/*
 * Offsets are kept per series: one (timekeeping function, clock) pair,
 * claimed by its first read.  Two clocks never share a distribution.
 */
#define WO_OFF_SERIES	16
#define WO_TK_FUNCS	32	/* >= known tk hooks + user hooks (8) */
#define WO_MATRIX_MAX	64	/* prev->target matrix up to this many CPUs */
#define WO_RUN_NONE	(~0ULL)	/* a run block being recycled */

enum { WO_M_WAKING_WAKEUP, WO_M_WAKEUP_SWITCH, WO_M_TTWU_TKREAD, WO_M_NR };

struct wo_class {
	u32 key;		/* flags + 1; 0: free (flag classes only) */
	atomic64_t count;
	struct wo_hist h[WO_M_NR];
};

struct wo_off {
	atomic64_t count;
	atomic64_t min, max;
	struct wo_shist dev;	/* offset - wo_off_ref[func] */
};

enum { WO_C_ALL, WO_C_MIGRATED, WO_C_LOCAL, WO_C_OTHER, WO_C_FIXED };

struct wo_run_blk {
	u64 id;
	char label[WAKEOFF_LABEL_LEN];
	atomic64_t closed, migrated, tkread;
	struct wo_hist tk[2];		/* ttwu->tkread: [0] local, [1] migrated */
	atomic64_t off_min[WO_OFF_SERIES], off_max[WO_OFF_SERIES];
	atomic64_t off_n[WO_OFF_SERIES];
};

struct wo_cpu_agg {
	atomic64_t wakeups;
	struct wo_hist lat;		/* wakeup -> switch-in */
};

struct wo_agg {
	struct wo_class fixed[WO_C_FIXED];
	struct wo_class flags[WO_FLAG_CLASSES];
	u32 series[WO_OFF_SERIES];	/* (func << 8 | clock) + 1; 0: free */
	atomic64_t series_overflow;	/* reads of a series with no room */
	struct wo_off off[2][WO_OFF_SERIES];	/* [migrated][series] */
	s64 off_ref[WO_OFF_SERIES];
	atomic_t off_ref_set[WO_OFF_SERIES];
	atomic64_t negative;		/* deltas < 0 (cross-CPU clock skew) */
	atomic64_t run_unattributed;
};

extern struct wo_agg *wo_agg;
extern struct wo_cpu_agg *wo_cpu_agg;
extern atomic_t *wo_matrix;
extern unsigned int wo_matrix_n;
extern struct wo_run_blk *wo_runs;
extern unsigned int wo_run_cur;
extern size_t wo_agg_bytes;

/* Series @i's function index and clock id; false if @i is unused. */
static inline bool wo_series_key(unsigned int i, unsigned int *func,
				 unsigned int *clock)
{
	u32 key = READ_ONCE(wo_agg->series[i]);

	if (!key)
		return false;
	*func = (key - 1) >> 8;
	*clock = (key - 1) & 0xff;
	return true;
}

#endif /* _WO_AGG_H */
