// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the wake path and pre-migration part of the summary.  The
 * per-path counts add up to wakeups_closed: every close classifies.
 */
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "wakeoff.h"
#include "uapi/wakeoff_keys.h"
#include "compat/wo_compat.h"
#include "lib/wo_wakepath.h"

/* A flag this kernel does not have is "unsupported", not 0. */
static void wo_wp_flag(struct seq_file *m, const char *key, bool have,
		       u64 n)
{
	if (have)
		seq_printf(m, "%s: %llu\n", key, n);
	else
		seq_printf(m, "%s: unsupported\n", key);
}

static void wo_wp_flags(struct seq_file *m, const struct wo_wp_tot *t)
{
	bool cur = false, sel = false;

#ifdef WF_CURRENT_CPU_VAL
	cur = true;
#endif
#ifdef WF_RQ_SELECTED_VAL
	sel = true;
#endif
	wo_wp_flag(m, WAKEOFF_KEY_WAKEPATH_WF_CURRENT_CPU, cur,
		   t->wf_current_cpu);
	wo_wp_flag(m, WAKEOFF_KEY_WAKEPATH_WF_RQ_SELECTED, sel,
		   t->wf_rq_selected);
}

void wo_wakepath_show(struct seq_file *m)
{
	struct wo_hist_snap *snap;
	char prefix[64];
	struct wo_wp_tot t;
	unsigned int p;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return;
	wo_wakepath_sum(&t);
	seq_printf(m, WAKEOFF_KEY_WAKEPATH_NO_IPI_TP ": %s\n",
		   wo_wakepath_tp_attached() ? "attached" : "missing");
	seq_printf(m, WAKEOFF_KEY_WAKEPATH_MEMORY ": %zu\n",
		   wo_wakepath_bytes());
	for (p = 0; p < WAKEOFF_PATH_NR; p++) {
		seq_printf(m, WAKEOFF_WAKEPATH "%s.count: %llu\n",
			   wo_wake_path_names[p], t.count[p]);
		snprintf(prefix, sizeof(prefix),
			 WAKEOFF_WAKEPATH "%s.waking_to_switch_ns",
			 wo_wake_path_names[p]);
		wo_wakepath_snap(p, snap);
		wo_hist_show(m, prefix, snap);
	}
	wo_wp_flags(m, &t);
	seq_printf(m, WAKEOFF_KEY_PREMIGRATE_COUNT ": %llu\n", t.premig_n);
	seq_printf(m, WAKEOFF_KEY_PREMIGRATE_MOVES ": %llu\n", t.premig_moves);
	wo_wakepath_snap(-1, snap);
	wo_hist_show(m, WAKEOFF_PREMIGRATE_WAIT, snap);
	kfree(snap);
}
