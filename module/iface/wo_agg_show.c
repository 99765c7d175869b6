// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the aggregated part of the summary, one figure per line.
 * Every figure is the sum (or min/max) of the per-CPU blocks at the
 * moment each is read; never blocks a probe.
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
 * Class @i (fixed, or with @flags a flag class slot) over every CPU: its
 * count, and metric @mt's histogram in @snap when @snap is not NULL.
 */
static u64 wo_class_sum(bool flags, unsigned int i, int mt,
			struct wo_hist_snap *snap)
{
	const struct wo_class *c;
	unsigned int cpu;
	u64 n = 0;

	if (snap)
		memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu) {
		c = flags ? &per_cpu(wo_agg_pcpu, cpu)->flags[i] :
			    &per_cpu(wo_agg_pcpu, cpu)->fixed[i];
		n += READ_ONCE(c->count);
		if (snap)
			wo_phist_snap_add(snap, &c->h[mt]);
	}
	return n;
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

static void wo_show_class(struct seq_file *m, const char *name, bool flags,
			  unsigned int ci, struct wo_hist_snap *snap)
{
	char prefix[96];
	int i;

	seq_printf(m, "%s.count: %llu\n", name,
		   wo_class_sum(flags, ci, 0, NULL));
	for (i = 0; i < WO_M_NR; i++) {
		snprintf(prefix, sizeof(prefix), "%s.%s", name,
			 wo_metric_names[i]);
		wo_class_sum(flags, ci, i, snap);
		wo_hist_show(m, prefix, snap);
		wo_show_buckets(m, prefix, "buckets", snap);
	}
}

struct wo_off_tot {
	u64 count;
	s64 min, max;
};

/*
 * Add series @f of class @mig over every CPU to @t (count, min, max) and
 * its deviation histograms to @neg and @pos.
 */
static void wo_off_sum(unsigned int mig, unsigned int f, struct wo_off_tot *t,
		       struct wo_hist_snap *neg, struct wo_hist_snap *pos)
{
	const struct wo_off *o;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		o = &per_cpu(wo_agg_pcpu, cpu)->off[mig][f];
		t->count += READ_ONCE(o->count);
		t->min = min(t->min, READ_ONCE(o->min));
		t->max = max(t->max, READ_ONCE(o->max));
		wo_phist_snap_add(neg, &o->dev.neg);
		wo_phist_snap_add(pos, &o->dev.pos);
	}
}

static void wo_off_tot_init(struct wo_off_tot *t, struct wo_hist_snap *neg,
			    struct wo_hist_snap *pos)
{
	t->count = 0;
	t->min = S64_MAX;
	t->max = S64_MIN;
	memset(neg, 0, sizeof(*neg));
	memset(pos, 0, sizeof(*pos));
}

static u64 wo_agg_cpu_sum(size_t off)
{
	unsigned int cpu;
	u64 n = 0;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(*(u64 *)((char *)per_cpu(wo_agg_pcpu, cpu) +
					off));
	return n;
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
			   const char *name, const struct wo_off_tot *t,
			   s64 ref, struct wo_hist_snap *neg,
			   struct wo_hist_snap *pos)
{
	s64 mn = t->min, mx = t->max;
	char prefix[WO_SERIES_NAME + 16];

	seq_printf(m, "offset.%s.%s.count: %llu\n", cls, name, t->count);
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
	unsigned int func, clock, i, cpu;
	int best = -1;
	u64 best_n = 0, n;

	for (i = 0; i < WO_OFF_SERIES; i++) {
		if (!wo_series_key(i, &func, &clock))
			continue;
		n = 0;
		for_each_possible_cpu(cpu)
			n += READ_ONCE(per_cpu(wo_agg_pcpu, cpu)->off[0][i].count) +
			     READ_ONCE(per_cpu(wo_agg_pcpu, cpu)->off[1][i].count);
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
	struct wo_off_tot t;

	seq_printf(m, WAKEOFF_KEY_SERIES_OVERFLOW ": %llu\n",
		   wo_agg_cpu_sum(offsetof(struct wo_agg_cpu, series_overflow)));
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_RULE ": p99 - p1 <= %d ns\n",
		   WAKEOFF_OFFSET_STABLE_NS);
	for (mig = 0; mig < 2; mig++) {
		for (i = 0; i < WO_OFF_SERIES; i++) {
			if (!wo_series_name(i, name, sizeof(name)))
				continue;
			wo_off_tot_init(&t, neg, pos);
			wo_off_sum(mig, i, &t, neg, pos);
			if (!t.count)
				continue;
			wo_show_series(m, mig ? "migrated" : "local", name, &t,
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
	struct wo_off_tot t;
	int best;
	s64 robust;

	best = wo_best_series();
	if (best < 0) {
		seq_puts(m, WAKEOFF_KEY_HL_OFFSET_CLOCK ": none\n");
		seq_puts(m, WAKEOFF_KEY_HL_OFFSET_FUNCTION ": none\n");
		seq_puts(m, WAKEOFF_KEY_HL_OFFSET_STABLE ": n/a\n");
		return;
	}
	wo_series_key(best, &func, &clock);
	wo_off_tot_init(&t, neg, pos);
	wo_off_sum(0, best, &t, neg, pos);
	wo_off_sum(1, best, &t, neg, pos);
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_CLOCK ": %s\n", wo_clock_name(clock));
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_FUNCTION ": %s\n",
		   wo_tk_name(func) ? wo_tk_name(func) : "unknown");
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_MEDIAN ": %lld\n",
		   READ_ONCE(wo_agg->off_ref[best]) + wo_shist_median(neg, pos));
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_SPREAD ": %lld\n", t.max - t.min);
	/*
	 * The offset is taken when the hooked function returns: a task
	 * preempted inside clock_gettime() after the read shows one tick
	 * more.  Judge stability on the central 98%, robust to such reads.
	 */
	robust = wo_shist_pct(neg, pos, 99) - wo_shist_pct(neg, pos, 1);
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_P1_P99 ": %lld\n", robust);
	seq_printf(m, WAKEOFF_KEY_HL_OFFSET_STABLE ": %s\n",
		   robust <= WAKEOFF_OFFSET_STABLE_NS ? "yes" : "no");
}

static void wo_show_headline(struct seq_file *m, struct wo_hist_snap *snap)
{
	u64 mig = wo_class_sum(false, WO_C_MIGRATED, 0, NULL);

	seq_puts(m, WAKEOFF_KEY_HL_WF_MIGRATED_PCT ": ");
	wo_show_pct(m, mig, wo_class_sum(false, WO_C_ALL, 0, NULL));
	wo_class_sum(false, WO_C_MIGRATED, WO_M_TTWU_TKREAD, snap);
	seq_printf(m, WAKEOFF_KEY_HL_MEDIAN_TK_MIGRATED ": %llu\n",
		   wo_hist_pct(snap, 50));
	wo_class_sum(false, WO_C_LOCAL, WO_M_TTWU_TKREAD, snap);
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
	for (i = 0; i < WO_M_NR; i++) {
		wo_class_sum(false, WO_C_ALL, i, snap);
		seq_printf(m, "latency.%s: n %llu p50 %llu p90 %llu p99 %llu max %llu\n",
			   wo_metric_names[i], snap->n, wo_hist_pct(snap, 50),
			   wo_hist_pct(snap, 90), wo_hist_pct(snap, 99),
			   snap->max);
	}
	kfree(snap);
}

/* Target @cpu's wakeups, its wakeup->switch latencies into @snap. */
static u64 wo_target_sum(unsigned int cpu, struct wo_hist_snap *snap)
{
	struct wo_agg_cpu *c = wo_agg_cpu(cpu);

	memset(snap, 0, sizeof(*snap));
	if (!c)
		return 0;
	wo_phist_snap_add(snap, &c->tgt_lat);
	wo_hist_snap_add(snap, &c->remote.lat);
	return READ_ONCE(c->tgt_wakeups) + atomic64_read(&c->remote.wakeups);
}

static void wo_show_cpus(struct seq_file *m, struct wo_hist_snap *snap)
{
	unsigned int cpu, t;
	struct wo_agg_cpu *c;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		u64 n = wo_target_sum(cpu, snap);

		if (!n && !cpu_possible(cpu))
			continue;
		seq_printf(m, "target_cpu%u.wakeups: %llu\n", cpu, n);
		seq_printf(m, "target_cpu%u.median_wakeup_to_switch_ns: %llu\n",
			   cpu, wo_hist_pct(snap, 50));
	}
	if (!wo_matrix_n) {
		seq_printf(m, "prev_to_target: not kept (more than %d CPUs)\n",
			   WO_MATRIX_MAX);
		return;
	}
	/* Row prev, column target: the target's columns, both copies. */
	for (cpu = 0; cpu < wo_matrix_n; cpu++) {
		seq_printf(m, "prev_to_target.cpu%u:", cpu);
		for (t = 0; t < wo_matrix_n; t++) {
			c = wo_agg_cpu(t);
			seq_printf(m, " %u", c ? READ_ONCE(wo_agg_col(c)[cpu]) +
				   atomic_read(&wo_agg_col_remote(c)[cpu]) : 0);
		}
		seq_putc(m, '\n');
	}
}

/* A run block's scalars summed over CPUs (min/max reduced). */
struct wo_run_tot {
	u64 closed, migrated, tkread;
	s64 off_min[WO_OFF_SERIES], off_max[WO_OFF_SERIES];
	u64 off_n[WO_OFF_SERIES];
};

static void wo_run_sum(unsigned int i, struct wo_run_tot *t)
{
	const struct wo_run_cnt *rc;
	unsigned int cpu, f;

	memset(t, 0, sizeof(*t));
	for (f = 0; f < WO_OFF_SERIES; f++) {
		t->off_min[f] = S64_MAX;
		t->off_max[f] = S64_MIN;
	}
	for_each_possible_cpu(cpu) {
		rc = &per_cpu(wo_agg_pcpu, cpu)->runs[i];
		t->closed += READ_ONCE(rc->closed);
		t->migrated += READ_ONCE(rc->migrated);
		t->tkread += READ_ONCE(rc->tkread);
		for (f = 0; f < WO_OFF_SERIES; f++) {
			t->off_n[f] += READ_ONCE(rc->off_n[f]);
			t->off_min[f] = min(t->off_min[f],
					    READ_ONCE(rc->off_min[f]));
			t->off_max[f] = max(t->off_max[f],
					    READ_ONCE(rc->off_max[f]));
		}
	}
}

/* Run block @i's ttwu->tkread histogram of class @mig, into @snap. */
static void wo_run_tk(unsigned int i, unsigned int mig,
		      struct wo_hist_snap *snap)
{
	unsigned int cpu;

	memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu)
		wo_phist_snap_add(snap, &per_cpu(wo_agg_pcpu, cpu)->runs[i].tk[mig]);
}

static void wo_show_run(struct seq_file *m, unsigned int i, u64 id,
			struct wo_hist_snap *snap, struct wo_run_tot *t)
{
	char name[WO_SERIES_NAME];
	unsigned int f;

	wo_run_sum(i, t);
	seq_printf(m, "run.%llu.label: %s\n", id,
		   wo_runs[i].label[0] ? wo_runs[i].label : "-");
	seq_printf(m, "run.%llu.wakeups: %llu\n", id, t->closed);
	seq_printf(m, "run.%llu.wf_migrated_pct: ", id);
	wo_show_pct(m, t->migrated, t->closed);
	seq_printf(m, "run.%llu.tkreads: %llu\n", id, t->tkread);
	wo_run_tk(i, 1, snap);
	seq_printf(m, "run.%llu.median_ttwu_to_tkread_ns.migrated: %llu\n",
		   id, wo_hist_pct(snap, 50));
	wo_run_tk(i, 0, snap);
	seq_printf(m, "run.%llu.median_ttwu_to_tkread_ns.local: %llu\n",
		   id, wo_hist_pct(snap, 50));
	for (f = 0; f < WO_OFF_SERIES; f++) {
		if (!t->off_n[f] || !wo_series_name(f, name, sizeof(name)))
			continue;
		seq_printf(m, "run.%llu.offset.%s.min_ns: %lld\n", id,
			   name, t->off_min[f]);
		seq_printf(m, "run.%llu.offset.%s.spread_ns: %lld\n",
			   id, name, t->off_max[f] - t->off_min[f]);
	}
}

static void wo_show_runs(struct seq_file *m, struct wo_hist_snap *snap)
{
	struct wo_run_tot *t;
	unsigned int k, i;
	u64 id;

	seq_printf(m, WAKEOFF_KEY_RUNS_MAX ": %u\n", wo_max_runs);
	seq_printf(m, WAKEOFF_KEY_RUNS_UNATTRIBUTED ": %llu\n",
		   wo_agg_cpu_sum(offsetof(struct wo_agg_cpu, run_unattributed)));
	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		seq_puts(m, "runs: out of memory for the sums\n");
		return;
	}
	/* Oldest first: the block after the current one, round the ring. */
	for (k = 1; k <= wo_max_runs; k++) {
		i = (READ_ONCE(wo_run_cur) + k) % wo_max_runs;
		/* Pairs with wo_agg_run_begin(): label set before the id. */
		id = smp_load_acquire(&wo_runs[i].id);
		if (id != WO_RUN_NONE)
			wo_show_run(m, i, id, snap, t);
	}
	kfree(t);
}

/* The footprint: see the formula in wo_agg.c. */
void wo_agg_show_memory(struct seq_file *m)
{
	seq_printf(m, WAKEOFF_KEY_AGG_MEMORY ": %zu\n",
		   num_possible_cpus() * wo_agg_bytes_cpu + wo_agg_bytes_shared);
	seq_printf(m, WAKEOFF_KEY_AGG_MEMORY_CPU ": %zu\n", wo_agg_bytes_cpu);
	seq_printf(m, WAKEOFF_KEY_AGG_MEMORY_SHARED ": %zu\n", wo_agg_bytes_shared);
}

void wo_agg_show(struct seq_file *m)
{
	struct wo_hist_snap *snap;
	char name[80];
	unsigned int i;

	/* "run" and "reset" would move the run ring under the walk. */
	lockdep_assert_held(&wo_state.control_lock);
	if (!wo_agg)
		return;
	snap = kmalloc_array(2, sizeof(*snap), GFP_KERNEL);
	if (!snap) {
		seq_puts(m, "agg: out of memory for the snapshot\n");
		return;
	}
	wo_agg_show_memory(m);
	seq_printf(m, WAKEOFF_KEY_AGG_HISTOGRAM ": log-linear, %u buckets per power of two, percentiles are nearest-rank bucket upper bounds in ns\n",
		   WAKEOFF_HIST_SUB);
	seq_printf(m, WAKEOFF_KEY_AGG_NEGATIVE ": %llu\n", wo_agg_negative_sum());
	seq_printf(m, WAKEOFF_KEY_AGG_DROPPED_NESTED ": %llu\n", wo_agg_dropped());
	wo_show_offsets(m, &snap[0], &snap[1]);
	for (i = 0; i < WO_C_FIXED; i++) {
		snprintf(name, sizeof(name), "class.%s", wo_class_names[i]);
		wo_show_class(m, name, false, i, snap);
	}
	for (i = 0; i < WO_FLAG_CLASSES; i++) {
		u32 key = READ_ONCE(wo_agg->flag_key[i]);
		char flags[64];

		if (!key)
			continue;
		/* Keyed by value: flag names are not key characters. */
		snprintf(name, sizeof(name), "flags.0x%x", key - 1);
		wo_flags_name(key - 1, flags, sizeof(flags));
		seq_printf(m, "%s.name: %s\n", name, flags);
		wo_show_class(m, name, true, i, snap);
	}
	wo_show_cpus(m, snap);
	wo_stacks_show_top(m, WO_TOP_STACKS, snap);
	wo_show_runs(m, snap);
	kfree(snap);
}
