/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: off-CPU time per wakeup (the time from the wakee's blocking
 * switch-out to its sched_waking), aggregated per CPU: each CPU writes
 * only its own block, with IRQs off, and a reader sums the blocks.  No
 * shared cache line is written on the hot path.
 */
#ifndef _WO_OFFCPU_H
#define _WO_OFFCPU_H

#include <linux/types.h>

#include "uapi/wakeoff.h"
#include "lib/wo_stack_table.h"

/* Off-CPU classes: all, migrated, local (the wakeup's final flags). */
enum { WO_OC_ALL, WO_OC_MIGRATED, WO_OC_LOCAL, WO_OC_NR };

/* One CPU's histogram: the uapi bucket layout, plain counters. */
struct wo_oc_hist {
	u32 b[WAKEOFF_HIST_BUCKETS];
	u64 n, sum, max;
};

struct wo_oc_cpu {
	struct wo_oc_hist cls[WO_OC_NR];
	struct wo_oc_hist state[WAKEOFF_BLOCK_NR];	/* [0]: unused */
	u64 stack_n[WO_STACKS], stack_ns[WO_STACKS];	/* blocking clusters */
	u64 nostack_n, nostack_ns;	/* off-CPU without a blocking stack */
	u64 negative;			/* waking before switch-out: 0 */
} ____cacheline_aligned;

/* Per-CPU counters of the switch-out stamps (probes/wo_block.c). */
struct wo_block_stats {
	u64 stamped;		/* blocking switch-outs stamped */
	u64 evicted;		/* ... replacing an older stamp: window full */
	u64 busy;		/* stamp or take lost: slot locked elsewhere */
	u64 taken;		/* wakeups that found their task's stamp */
	u64 no_stamp;		/* wakeups of a task with no stamp */
	u64 not_woken;		/* stamps dropped at switch-in: no wakeup */
	u64 rtlock;		/* RT lock waits: not a block, no stamp */
};

/* The state letter class of a sched_switch prev_state (TASK_* bits). */
u8 wo_block_class(unsigned int state);

int wo_offcpu_alloc(void);
void wo_offcpu_free(void);
void wo_offcpu_reset(void);
/* A wakeup record closed: add its off-CPU time (probe context). */
void wo_offcpu_close(const struct wakeoff_wakeup *rec);
/* Reader: the sum of every CPU's block, into @sum. */
void wo_offcpu_sum(struct wo_oc_cpu *sum);
size_t wo_offcpu_bytes(void);

/* probes/wo_block.c */
extern bool wo_offcpu_stacks_enabled;
int wo_block_alloc(void);
void wo_block_free(void);
void wo_block_flush(void);
void wo_block_reset(void);
size_t wo_block_bytes(void);
void wo_block_stats_sum(struct wo_block_stats *sum);
const struct wo_stack_key *wo_block_stack_key(u32 id);
void wo_block_stack_stats(u64 *overflow, u64 *unwound, u64 *cached);

#endif /* _WO_OFFCPU_H */
