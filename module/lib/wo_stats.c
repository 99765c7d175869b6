// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the per-CPU counters (struct wo_cpu_stats), written by the
 * probes and the ring on their own CPU, summed and zeroed from process
 * context.
 */
#include <linux/percpu.h>
#include <linux/string.h>

#include "wakeoff.h"

DEFINE_PER_CPU(struct wo_cpu_stats, wo_stats);

/* Every field is a u64 counter: wo_stats_sum() adds them as an array. */
static_assert(sizeof(struct wo_cpu_stats) % sizeof(u64) == 0);

/* Sum every u64 counter of struct wo_cpu_stats over the CPUs. */
void wo_stats_sum(struct wo_cpu_stats *sum)
{
	const size_t n = sizeof(*sum) / sizeof(u64);
	u64 *out = (u64 *)sum;
	size_t i;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const u64 *in = (const u64 *)per_cpu_ptr(&wo_stats, cpu);

		for (i = 0; i < n; i++)
			out[i] += READ_ONCE(in[i]);
	}
}

/* Only while no probe can write (recording off + synchronize_rcu()). */
void wo_stats_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&wo_stats, cpu), 0, sizeof(struct wo_cpu_stats));
}
