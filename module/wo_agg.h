/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: the in-kernel aggregation's tables, shared by the writer side
 * (wo_agg.c, probe context) and the reader side (wo_agg_show.c).
 */
#ifndef _WO_AGG_H
#define _WO_AGG_H

#include "wo_hist.h"

#define WO_FLAG_CLASSES	16
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
	atomic64_t off_min[WO_TK_FUNCS], off_max[WO_TK_FUNCS];
	atomic64_t off_n[WO_TK_FUNCS];
};

struct wo_cpu_agg {
	atomic64_t wakeups;
	struct wo_hist lat;		/* wakeup -> switch-in */
};

struct wo_agg {
	struct wo_class fixed[WO_C_FIXED];
	struct wo_class flags[WO_FLAG_CLASSES];
	struct wo_off off[2][WO_TK_FUNCS];	/* [migrated][func] */
	s64 off_ref[WO_TK_FUNCS];
	atomic_t off_ref_set[WO_TK_FUNCS];
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

#endif /* _WO_AGG_H */
