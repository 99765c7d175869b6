// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the off-CPU part of the summary and the offcpu_stacks file.
 * Process context; reads per-CPU sums only, never blocks a probe.
 */
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "wakeoff.h"
#include "lib/wo_hist.h"
#include "lib/wo_offcpu.h"

#define WO_OC_TOP	5

static const char * const wo_oc_class_names[WO_OC_NR] = {
	"all", "migrated", "local",
};

/* Indexed by enum wakeoff_block. */
static const char * const wo_block_names[WAKEOFF_BLOCK_NR] = {
	"none", "interruptible", "uninterruptible", "idle", "other",
};

static void wo_oc_show_hist(struct seq_file *m, const char *prefix,
			    const struct wo_oc_hist *h,
			    struct wo_hist_snap *snap)
{
	memcpy(snap->b, h->b, sizeof(snap->b));
	snap->n = h->n;
	snap->max = h->max;
	wo_hist_show(m, prefix, snap);
	seq_printf(m, "%s.total_ns: %llu\n", prefix, h->sum);
}

static void wo_oc_show_counters(struct seq_file *m, const struct wo_oc_cpu *s)
{
	struct wo_block_stats b;
	u64 overflow, unwound, cached;
	unsigned int i, n = 0;

	wo_block_stats_sum(&b);
	wo_block_stack_stats(&overflow, &unwound, &cached);
	for (i = 1; i <= WO_STACKS; i++)
		n += !!wo_block_stack_key(i);
	seq_printf(m, "offcpu.memory_bytes: %zu\n",
		   wo_offcpu_bytes() + wo_block_bytes());
	seq_printf(m, "offcpu.stamped: %llu\n", b.stamped);
	seq_printf(m, "offcpu.evicted: %llu\n", b.evicted);
	seq_printf(m, "offcpu.busy: %llu\n", b.busy);
	seq_printf(m, "offcpu.taken: %llu\n", b.taken);
	seq_printf(m, "offcpu.no_stamp: %llu\n", b.no_stamp);
	seq_printf(m, "offcpu.not_woken: %llu\n", b.not_woken);
	seq_printf(m, "offcpu.rtlock: %llu\n", b.rtlock);
	seq_printf(m, "offcpu.negative: %llu\n", s->negative);
	seq_printf(m, "offcpu.stacks.enabled: %s\n",
		   READ_ONCE(wo_offcpu_stacks_enabled) ? "yes" : "no");
	seq_printf(m, "offcpu.stacks.clusters: %u\n", n);
	seq_printf(m, "offcpu.stacks.capacity: %u\n", WO_STACKS);
	seq_printf(m, "offcpu.stacks.overflow: %llu\n", overflow);
	seq_printf(m, "offcpu.stacks.unwound: %llu\n", unwound);
	seq_printf(m, "offcpu.stacks.cached: %llu\n", cached);
	seq_printf(m, "offcpu.nostack.count: %llu\n", s->nostack_n);
	seq_printf(m, "offcpu.nostack.total_ns: %llu\n", s->nostack_ns);
}

/* The top clusters by total off-CPU time. */
static void wo_oc_show_top(struct seq_file *m, const struct wo_oc_cpu *s)
{
	bool used[WO_STACKS] = { };
	const struct wo_stack_key *k;
	unsigned int rank, i, f;
	int best;

	for (rank = 1; rank <= WO_OC_TOP; rank++) {
		best = -1;
		for (i = 0; i < WO_STACKS; i++)
			if (!used[i] && s->stack_n[i] && wo_block_stack_key(i + 1) &&
			    (best < 0 || s->stack_ns[i] > s->stack_ns[best]))
				best = i;
		if (best < 0)
			break;
		used[best] = true;
		k = wo_block_stack_key(best + 1);
		seq_printf(m, "offcpu_stack.%u.id: %d\n", rank, best + 1);
		seq_printf(m, "offcpu_stack.%u.count: %llu\n", rank,
			   s->stack_n[best]);
		seq_printf(m, "offcpu_stack.%u.total_ns: %llu\n", rank,
			   s->stack_ns[best]);
		seq_printf(m, "offcpu_stack.%u.frames:", rank);
		for (f = 0; f < k->nr; f++)
			wo_seq_frame(m, f ? " < " : " ", k->ip[f], false);
		seq_putc(m, '\n');
	}
}

void wo_offcpu_show(struct seq_file *m)
{
	struct wo_hist_snap *snap;
	struct wo_oc_cpu *s;
	char prefix[48];
	unsigned int i;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!s || !snap) {
		seq_puts(m, "offcpu: out of memory for the snapshot\n");
		goto out;
	}
	wo_offcpu_sum(s);
	wo_oc_show_counters(m, s);
	for (i = 0; i < WO_OC_NR; i++) {
		snprintf(prefix, sizeof(prefix), "offcpu.%s",
			 wo_oc_class_names[i]);
		wo_oc_show_hist(m, prefix, &s->cls[i], snap);
	}
	for (i = 1; i < WAKEOFF_BLOCK_NR; i++) {
		snprintf(prefix, sizeof(prefix), "offcpu.state.%s",
			 wo_block_names[i]);
		wo_oc_show_hist(m, prefix, &s->state[i], snap);
	}
	wo_oc_show_top(m, s);
out:
	kfree(snap);
	kfree(s);
}

/*
 * The offcpu_stacks file: every blocking cluster, "cluster <id>: count
 * N offcpu_ns N" (wakeups that took a stamp of it, their off-CPU time),
 * then its frames (%pS, "[unknown]" without a symbol), as "stacks".
 */
static int wo_offcpu_stacks_show(struct seq_file *m, void *v)
{
	const struct wo_stack_key *k;
	struct wo_oc_cpu *s;
	unsigned int i, f;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	wo_offcpu_sum(s);
	for (i = 1; i <= WO_STACKS; i++) {
		k = wo_block_stack_key(i);
		if (!k)
			continue;
		seq_printf(m, "cluster %u: count %llu offcpu_ns %llu\n", i,
			   s->stack_n[i - 1], s->stack_ns[i - 1]);
		for (f = 0; f < k->nr; f++) {
			wo_seq_frame(m, "  ", k->ip[f], true);
			seq_putc(m, '\n');
		}
	}
	kfree(s);
	return 0;
}

static int wo_offcpu_stacks_open(struct inode *inode, struct file *file)
{
	return single_open(file, wo_offcpu_stacks_show, NULL);
}

const struct file_operations wo_offcpu_stacks_fops = {
	.owner		= THIS_MODULE,
	.open		= wo_offcpu_stacks_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};
