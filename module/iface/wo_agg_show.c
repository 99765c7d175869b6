// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the aggregated part of the summary, one figure per line.
 * Reads only atomics and snapshots; never blocks a probe.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "wakeoff.h"
#include "uapi/wakeoff_keys.h"
#include "lib/wo_agg.h"
#include "lib/wo_clock.h"
#include "compat/wo_compat.h"

#define WO_OFFSET_STABLE_NS	1000000	/* offset spread called "stable" */
#define WO_SERIES_NAME		96	/* "clock.function" */
#define WO_TOP_STACKS		5

static const char * const wo_metric_names[WO_M_NR] = {
	"waking_to_wakeup_ns", "wakeup_to_switch_ns", "ttwu_to_tkread_ns",
};

static const char * const wo_class_names[WO_C_FIXED] = {
	"all", "migrated", "local", "other",
};

/* "12.34" for part/whole in percent. */
static void wo_show_pct(struct seq_file *m, u64 part, u64 whole)
{
	u64 x = whole ? div64_u64(part * 10000, whole) : 0;

	seq_printf(m, "%llu.%02llu\n", x / 100, x % 100);
}

/*
 * "<prefix>.<what>: index:count ..." of every non-empty bucket (or
 * "none"): a reader subtracts two of these to get the percentiles of an
 * interval (wakeoff report -i).  Counts are u32 and wrap modulo 2^32.
 */
static void wo_show_buckets(struct seq_file *m, const char *prefix,
			    const char *what, const struct wo_hist_snap *s)
{
	bool any = false;
	unsigned int i;

	seq_printf(m, "%s.%s:", prefix, what);
	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		if (!s->b[i])
			continue;
		seq_printf(m, " %u:%u", i, s->b[i]);
		any = true;
	}
	seq_puts(m, any ? "\n" : " none\n");
}

static void wo_show_class(struct seq_file *m, const char *name,
			  const struct wo_class *c, struct wo_hist_snap *snap)
{
	char prefix[96];
	int i;

	seq_printf(m, "%s.count: %lld\n", name, atomic64_read(&c->count));
	for (i = 0; i < WO_M_NR; i++) {
		snprintf(prefix, sizeof(prefix), "%s.%s", name,
			 wo_metric_names[i]);
		wo_hist_snap(&c->h[i], snap);
		wo_hist_show(m, prefix, snap);
		wo_show_buckets(m, prefix, "buckets", snap);
	}
}

/* "clock.function" of offset series @i, in @buf; false if unused. */
static bool wo_series_name(unsigned int i, char *buf, size_t len)
{
	unsigned int func, clock;
	const char *fn;

	if (!wo_series_key(i, &func, &clock))
		return false;
	fn = wo_tk_name(func);
	snprintf(buf, len, "%s.%s", wo_clock_name(clock), fn ? fn : "unknown");
	return true;
}

static void wo_show_series(struct seq_file *m, const char *cls,
			   const char *name, const struct wo_off *o, s64 ref,
			   struct wo_hist_snap *neg, struct wo_hist_snap *pos)
{
	s64 mn = atomic64_read(&o->min), mx = atomic64_read(&o->max);
	char prefix[WO_SERIES_NAME + 16];

	wo_hist_snap(&o->dev.neg, neg);
	wo_hist_snap(&o->dev.pos, pos);
	seq_printf(m, "offset.%s.%s.count: %lld\n", cls, name,
		   atomic64_read(&o->count));
	seq_printf(m, "offset.%s.%s.median_ns: %lld\n", cls, name,
		   ref + wo_shist_median(neg, pos));
	seq_printf(m, "offset.%s.%s.min_ns: %lld\n", cls, name, mn);
	seq_printf(m, "offset.%s.%s.max_ns: %lld\n", cls, name, mx);
	seq_printf(m, "offset.%s.%s.spread_ns: %lld\n", cls, name, mx - mn);
	snprintf(prefix, sizeof(prefix), "offset.%s.%s", cls, name);
	wo_show_buckets(m, prefix, "neg_buckets", neg);
	wo_show_buckets(m, prefix, "pos_buckets", pos);
}

/* The series with the most reads, both classes; -1 if none. */
static int wo_best_series(void)
{
	unsigned int func, clock, i;
	int best = -1;
	u64 best_n = 0, n;

	for (i = 0; i < WO_OFF_SERIES; i++) {
		if (!wo_series_key(i, &func, &clock))
			continue;
		n = atomic64_read(&wo_agg->off[0][i].count) +
		    atomic64_read(&wo_agg->off[1][i].count);
		if (n > best_n) {
			best_n = n;
			best = i;
		}
	}
	return best;
}

static void wo_show_offsets(struct seq_file *m, struct wo_hist_snap *neg,
			    struct wo_hist_snap *pos)
{
	unsigned int mig, i;
	char name[WO_SERIES_NAME];

	seq_printf(m, WAKEOFF_KEY_SERIES_OVERFLOW ": %lld\n",
		   atomic64_read(&wo_agg->series_overflow));
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_RULE ": p99 - p1 <= %d ns\n",
		   WO_OFFSET_STABLE_NS);
	for (mig = 0; mig < 2; mig++) {
		for (i = 0; i < WO_OFF_SERIES; i++) {
			const struct wo_off *o = &wo_agg->off[mig][i];

			if (!wo_series_name(i, name, sizeof(name)) ||
			    !atomic64_read(&o->count))
				continue;
			wo_show_series(m, mig ? "migrated" : "local", name, o,
				       READ_ONCE(wo_agg->off_ref[i]), neg, pos);
		}
	}
}

/* The third number: the most used series, both classes, is it constant? */
static void wo_show_offset_verdict(struct seq_file *m,
				   struct wo_hist_snap *neg,
				   struct wo_hist_snap *pos)
{
	unsigned int func, clock;
	int best;
	s64 mn, mx, robust;

	best = wo_best_series();
	if (best < 0) {
		seq_puts(m, WAKEOFF_KEY_HL_OFFSET_CLOCK ": none\n");
		seq_puts(m, WAKEOFF_KEY_HL_OFFSET_FUNCTION ": none\n");
		seq_puts(m, WAKEOFF_KEY_HL_OFFSET_STABLE ": n/a\n");
		return;
	}
	wo_series_key(best, &func, &clock);
	wo_hist_snap(&wo_agg->off[0][best].dev.neg, neg);
	wo_hist_snap_add(neg, &wo_agg->off[1][best].dev.neg);
	wo_hist_snap(&wo_agg->off[0][best].dev.pos, pos);
	wo_hist_snap_add(pos, &wo_agg->off[1][best].dev.pos);
	mn = min(atomic64_read(&wo_agg->off[0][best].min),
		 atomic64_read(&wo_agg->off[1][best].min));
	mx = max(atomic64_read(&wo_agg->off[0][best].max),
		 atomic64_read(&wo_agg->off[1][best].max));
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_CLOCK ": %s\n", wo_clock_name(clock));
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_FUNCTION ": %s\n",
		   wo_tk_name(func) ? wo_tk_name(func) : "unknown");
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_MEDIAN ": %lld\n",
		   READ_ONCE(wo_agg->off_ref[best]) + wo_shist_median(neg, pos));
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_SPREAD ": %lld\n", mx - mn);
	/*
	 * The offset is taken when the hooked function returns: a task
	 * preempted inside clock_gettime() after the read shows one tick
	 * more.  Judge stability on the central 98%, robust to such reads.
	 */
	robust = wo_shist_pct(neg, pos, 99) - wo_shist_pct(neg, pos, 1);
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_P1_P99 ": %lld\n", robust);
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_STABLE ": %s\n",
		   robust <= WO_OFFSET_STABLE_NS ? "yes" : "no");
}

static void wo_show_headline(struct seq_file *m, struct wo_hist_snap *snap)
{
	const struct wo_class *all = &wo_agg->fixed[WO_C_ALL];
	const struct wo_class *mig = &wo_agg->fixed[WO_C_MIGRATED];
	const struct wo_class *loc = &wo_agg->fixed[WO_C_LOCAL];

	seq_puts(m, WAKEOFF_KEY_HL_WF_MIGRATED_PCT ": ");
	wo_show_pct(m, atomic64_read(&mig->count), atomic64_read(&all->count));
	wo_hist_snap(&mig->h[WO_M_TTWU_TKREAD], snap);
	seq_printf(m, WAKEOFF_KEY_HL_MEDIAN_TK_MIGRATED ": %llu\n",
		   wo_hist_pct(snap, 50));
	wo_hist_snap(&loc->h[WO_M_TTWU_TKREAD], snap);
	seq_printf(m, WAKEOFF_KEY_HL_MEDIAN_TK_LOCAL ": %llu\n",
		   wo_hist_pct(snap, 50));
}

/*
 * The summary's first screen: the three numbers of the idle-vs-load
 * experiment (the WF_MIGRATED share, the median ttwu -> first read per
 * class, whether the offset of the named clock is constant) and the
 * latency percentiles of every closed wakeup, one line per metric.
 */
void wo_agg_show_headline(struct seq_file *m)
{
	const struct wo_class *all;
	struct wo_hist_snap *snap;
	unsigned int i;

	if (!wo_agg)
		return;
	snap = kmalloc_array(2, sizeof(*snap), GFP_KERNEL);
	if (!snap) {
		seq_puts(m, "headline: out of memory for the snapshot\n");
		return;
	}
	wo_show_headline(m, snap);
	wo_show_offset_verdict(m, &snap[0], &snap[1]);
	all = &wo_agg->fixed[WO_C_ALL];
	for (i = 0; i < WO_M_NR; i++) {
		wo_hist_snap(&all->h[i], snap);
		seq_printf(m, "latency.%s: n %llu p50 %llu p90 %llu p99 %llu max %llu\n",
			   wo_metric_names[i], snap->n, wo_hist_pct(snap, 50),
			   wo_hist_pct(snap, 90), wo_hist_pct(snap, 99),
			   snap->max);
	}
	kfree(snap);
}

static void wo_show_cpus(struct seq_file *m, struct wo_hist_snap *snap)
{
	unsigned int cpu, t;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		u64 n = atomic64_read(&wo_cpu_agg[cpu].wakeups);

		if (!n && !cpu_possible(cpu))
			continue;
		wo_hist_snap(&wo_cpu_agg[cpu].lat, snap);
		seq_printf(m, "target_cpu%u.wakeups: %llu\n", cpu, n);
		seq_printf(m, "target_cpu%u.median_wakeup_to_switch_ns: %llu\n",
			   cpu, wo_hist_pct(snap, 50));
	}
	if (!wo_matrix) {
		seq_printf(m, "prev_to_target: not kept (more than %d CPUs)\n",
			   WO_MATRIX_MAX);
		return;
	}
	for (cpu = 0; cpu < wo_matrix_n; cpu++) {
		seq_printf(m, "prev_to_target.cpu%u:", cpu);
		for (t = 0; t < wo_matrix_n; t++)
			seq_printf(m, " %d",
				   atomic_read(&wo_matrix[cpu * wo_matrix_n + t]));
		seq_putc(m, '\n');
	}
}

static void wo_show_runs(struct seq_file *m, struct wo_hist_snap *snap)
{
	char name[WO_SERIES_NAME];
	unsigned int k, i, f;

	seq_printf(m, WAKEOFF_KEY_RUNS_MAX ": %u\n", wo_max_runs);
	seq_printf(m, WAKEOFF_KEY_RUNS_UNATTRIBUTED ": %lld\n",
		   atomic64_read(&wo_agg->run_unattributed));
	/* Oldest first: the block after the current one, round the ring. */
	for (k = 1; k <= wo_max_runs; k++) {
		const struct wo_run_blk *b;
		u64 id, closed;

		i = (READ_ONCE(wo_run_cur) + k) % wo_max_runs;
		b = &wo_runs[i];
		/* Pairs with wo_agg_run_begin(): label set before the id. */
		id = smp_load_acquire(&b->id);
		if (id == WO_RUN_NONE)
			continue;
		closed = atomic64_read(&b->closed);
		seq_printf(m, "run.%llu.label: %s\n", id,
			   b->label[0] ? b->label : "-");
		seq_printf(m, "run.%llu.wakeups: %llu\n", id, closed);
		seq_printf(m, "run.%llu.wf_migrated_pct: ", id);
		wo_show_pct(m, atomic64_read(&b->migrated), closed);
		seq_printf(m, "run.%llu.tkreads: %lld\n", id,
			   atomic64_read(&b->tkread));
		wo_hist_snap(&b->tk[1], snap);
		seq_printf(m, "run.%llu.median_ttwu_to_tkread_ns.migrated: %llu\n",
			   id, wo_hist_pct(snap, 50));
		wo_hist_snap(&b->tk[0], snap);
		seq_printf(m, "run.%llu.median_ttwu_to_tkread_ns.local: %llu\n",
			   id, wo_hist_pct(snap, 50));
		for (f = 0; f < WO_OFF_SERIES; f++) {
			s64 mn = atomic64_read(&b->off_min[f]);
			s64 mx = -atomic64_read(&b->off_max[f]);

			if (!atomic64_read(&b->off_n[f]) ||
			    !wo_series_name(f, name, sizeof(name)))
				continue;
			seq_printf(m, "run.%llu.offset.%s.min_ns: %lld\n", id,
				   name, mn);
			seq_printf(m, "run.%llu.offset.%s.spread_ns: %lld\n",
				   id, name, mx - mn);
		}
	}
}

void wo_agg_show(struct seq_file *m)
{
	struct wo_hist_snap *snap;
	char name[80];
	unsigned int i;

	if (!wo_agg)
		return;
	snap = kmalloc_array(2, sizeof(*snap), GFP_KERNEL);
	if (!snap) {
		seq_puts(m, "agg: out of memory for the snapshot\n");
		return;
	}
	seq_printf(m, WAKEOFF_KEY_AGG_MEMORY ": %zu\n", wo_agg_bytes);
	seq_printf(m, WAKEOFF_KEY_AGG_HISTOGRAM ": log-linear, %u buckets per power of two, percentiles are nearest-rank bucket upper bounds in ns\n",
		   WAKEOFF_HIST_SUB);
	seq_printf(m, WAKEOFF_KEY_AGG_NEGATIVE ": %lld\n",
		   atomic64_read(&wo_agg->negative));
	wo_show_offsets(m, &snap[0], &snap[1]);
	for (i = 0; i < WO_C_FIXED; i++) {
		snprintf(name, sizeof(name), "class.%s", wo_class_names[i]);
		wo_show_class(m, name, &wo_agg->fixed[i], snap);
	}
	for (i = 0; i < WO_FLAG_CLASSES; i++) {
		const struct wo_class *c = &wo_agg->flags[i];
		u32 key = READ_ONCE(c->key);
		char flags[64];

		if (!key)
			continue;
		/* Keyed by value: flag names are not key characters. */
		snprintf(name, sizeof(name), "flags.0x%x", key - 1);
		wo_flags_name(key - 1, flags, sizeof(flags));
		seq_printf(m, "%s.name: %s\n", name, flags);
		wo_show_class(m, name, c, snap);
	}
	wo_show_cpus(m, snap);
	wo_stacks_show_top(m, WO_TOP_STACKS, snap);
	wo_show_runs(m, snap);
	kfree(snap);
}
