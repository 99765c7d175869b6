/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: how each wakeup reached its CPU (the wake path) and how long
 * a woken task waited on a CPU it was then migrated away from, both
 * aggregated per CPU: each CPU writes only its own block, IRQs off.
 */
#ifndef _WO_WAKEPATH_H
#define _WO_WAKEPATH_H

#include <linux/cache.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "uapi/wakeoff.h"
#include "lib/wo_hist.h"

struct wo_wp_cpu {
	u64 count[WAKEOFF_PATH_NR];
	struct wo_phist lat[WAKEOFF_PATH_NR];	/* waking -> switch-in */
	u64 wf_current_cpu, wf_rq_selected;	/* final flags with the bit */
	u64 premig_n;		/* wakeups migrated before they ran */
	u64 premig_moves;	/* such migrations (a wakeup may have more) */
	struct wo_phist premig;	/* wakeup -> first such migration */
} ____cacheline_aligned;

extern const char * const wo_wake_path_names[WAKEOFF_PATH_NR];

int wo_wakepath_init(void);
void wo_wakepath_exit(void);
void wo_wakepath_reset(void);
size_t wo_wakepath_bytes(void);
/* A correlation closes (its slot locked): classify, then aggregate. */
void wo_wakepath_close(struct wakeoff_wakeup *rec, bool no_ipi);
/* Reader: the counts summed over every CPU. */
struct wo_wp_tot {
	u64 count[WAKEOFF_PATH_NR];
	u64 wf_current_cpu, wf_rq_selected, premig_n, premig_moves;
};

void wo_wakepath_sum(struct wo_wp_tot *t);
/* Path @path's waking -> switch-in histogram; -1: the pre-migration wait. */
void wo_wakepath_snap(int path, struct wo_hist_snap *snap);

/* probes/wo_wakepath_tp.c: the optional sched_wake_idle_without_ipi. */
void wo_wakepath_tp_attach(void);
void wo_wakepath_tp_detach(void);
bool wo_wakepath_tp_attached(void);

/* probes/wo_corr.c */
void wo_corr_idle_no_ipi(int cpu);
void wo_corr_migrate(struct task_struct *p, int dest_cpu);

/* iface/wo_wakepath_show.c */
void wo_wakepath_show(struct seq_file *m);

#endif /* _WO_WAKEPATH_H */
