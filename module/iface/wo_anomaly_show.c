// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the anomaly part of the summary (probes/wo_anomaly.c).
 */
#include <linux/seq_file.h>

#include "wakeoff.h"
#include "uapi/wakeoff_keys.h"

static const char * const wo_tclass_names[WAKEOFF_TCLASS_NR] = {
	[WAKEOFF_TCLASS_FAIR]	= "fair",
	[WAKEOFF_TCLASS_RT]	= "rt",
	[WAKEOFF_TCLASS_DL]	= "dl",
	[WAKEOFF_TCLASS_OTHER]	= "other",
};

/* One event's line per class; a missing tracepoint prints no count. */
static void wo_anom_show_event(struct seq_file *m, unsigned int ev)
{
	u64 n[WAKEOFF_TCLASS_NR] = {};
	int cpu, c;

	seq_printf(m, WAKEOFF_ANOMALY "hook.%s: %s\n", wo_anom_names[ev],
		   wo_anom_attached(ev) ? "attached" : "missing");
	if (!wo_anom_attached(ev))
		return;
	for_each_possible_cpu(cpu)
		for (c = 0; c < WAKEOFF_TCLASS_NR; c++)
			n[c] += READ_ONCE(per_cpu_ptr(&wo_anom_stats,
						      cpu)->count[ev][c]);
	for (c = 0; c < WAKEOFF_TCLASS_NR; c++)
		seq_printf(m, WAKEOFF_ANOMALY "%s.%s: %llu\n",
			   wo_anom_names[ev], wo_tclass_names[c], n[c]);
}

void wo_anom_show(struct seq_file *m)
{
	u64 written = 0, dropped = 0;
	unsigned int ev;
	int cpu;

	for (ev = 0; ev < WAKEOFF_SEV_NR; ev++)
		wo_anom_show_event(m, ev);
	for_each_possible_cpu(cpu) {
		const struct wo_anom_stats *s = per_cpu_ptr(&wo_anom_stats, cpu);

		written += READ_ONCE(s->written);
		dropped += READ_ONCE(s->dropped);
	}
	seq_printf(m, WAKEOFF_KEY_ANOMALY_RECORDS ": %llu\n", written);
	seq_printf(m, WAKEOFF_KEY_ANOMALY_DROPPED ": %llu\n", dropped);
}
