// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: waker stack clusters.  At sched_waking the waker's kernel
 * stack is saved (stack_trace_save(), as ftrace's stacktrace trigger
 * does), hashed, and found or inserted in a fixed table by cmpxchg on
 * the hash, so probes never lock.  A cluster's frames are written once,
 * by its inserter, and published with a release store of "ready".
 * A full table counts the wakeup in "stacks.overflow" (cluster id 0).
 */
#include <linux/jhash.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"
#include "wo_hist.h"

#define WO_STACK_DEPTH	12
#define WO_STACK_SAVE	(WO_STACK_DEPTH + 8)	/* room for our own frames */
#define WO_STACKS	64
#define WO_STACK_PROBE	8

struct wo_stack {
	u32 hash;			/* 0: free */
	int ready;
	unsigned int nr;
	unsigned long ip[WO_STACK_DEPTH];
	atomic64_t count, sync, migrated;
	struct wo_hist lat;		/* wakeup -> switch-in, ns */
};

static struct wo_stack *wo_stacks;
static atomic64_t wo_stacks_overflow;
bool wo_stacks_enabled = true;

size_t wo_stacks_alloc(void)
{
	wo_stacks = vzalloc(array_size(WO_STACKS, sizeof(*wo_stacks)));
	return wo_stacks ? WO_STACKS * sizeof(*wo_stacks) : 0;
}

void wo_stacks_free(void)
{
	vfree(wo_stacks);
	wo_stacks = NULL;
}

/* Only with the probes quiesced. */
void wo_stacks_reset(void)
{
	if (wo_stacks)
		memset(wo_stacks, 0, WO_STACKS * sizeof(*wo_stacks));
	atomic64_set(&wo_stacks_overflow, 0);
}

/* Probe context (sched_waking): the cluster id of current's stack. */
u32 wo_stack_capture(void)
{
	unsigned long ip[WO_STACK_SAVE];
	unsigned int n, skip = 0, i;
	struct wo_stack *c;
	u32 h, slot, cur;

	if (!READ_ONCE(wo_stacks_enabled) || !wo_stacks)
		return 0;
	n = stack_trace_save(ip, ARRAY_SIZE(ip), 0);
	/* Our own probe frames say nothing about the waker. */
	while (skip < n && within_module(ip[skip], THIS_MODULE))
		skip++;
	n = min(n - skip, (unsigned int)WO_STACK_DEPTH);
	if (!n)
		return 0;
	h = jhash(&ip[skip], n * sizeof(ip[0]), 0) | 1;
	for (i = 0; i < WO_STACK_PROBE; i++) {
		slot = (h + i) % WO_STACKS;
		c = &wo_stacks[slot];
		cur = READ_ONCE(c->hash);
		if (!cur) {
			cur = cmpxchg(&c->hash, 0, h);
			if (!cur) {
				memcpy(c->ip, &ip[skip], n * sizeof(ip[0]));
				c->nr = n;
				/* Frames written before readers see "ready". */
				smp_store_release(&c->ready, 1);
				return slot + 1;
			}
		}
		/* Also when another CPU just inserted the same stack. */
		if (cur == h)
			return slot + 1;
	}
	atomic64_inc(&wo_stacks_overflow);
	return 0;
}

void wo_stack_account(u32 id, bool sync, bool migrated, bool switched,
		      u64 wakeup_to_switch)
{
	struct wo_stack *c;

	if (!id || id > WO_STACKS || !wo_stacks)
		return;
	c = &wo_stacks[id - 1];
	atomic64_inc(&c->count);
	if (sync)
		atomic64_inc(&c->sync);
	if (migrated)
		atomic64_inc(&c->migrated);
	if (switched)
		wo_hist_add(&c->lat, wakeup_to_switch);
}

static unsigned int wo_pct(u64 part, u64 whole)
{
	return whole ? (unsigned int)div64_u64(part * 100, whole) : 0;
}

/*
 * The top clusters by count, for the summary: scalars per line.  Frames
 * are printed as symbols (%ps), never as addresses.
 */
void wo_stacks_show_top(struct seq_file *m, unsigned int top,
			struct wo_hist_snap *snap)
{
	bool used[WO_STACKS] = { };
	unsigned int rank, i, j = 0, nclusters = 0;

	if (!wo_stacks)
		return;
	for (i = 0; i < WO_STACKS; i++)
		/* Pairs with the release in wo_stack_capture(). */
		nclusters += !!smp_load_acquire(&wo_stacks[i].ready);
	seq_printf(m, "stacks.enabled: %s\n",
		   READ_ONCE(wo_stacks_enabled) ? "yes" : "no");
	seq_printf(m, "stacks.clusters: %u\n", nclusters);
	seq_printf(m, "stacks.capacity: %u\n", WO_STACKS);
	seq_printf(m, "stacks.overflow: %lld\n",
		   atomic64_read(&wo_stacks_overflow));
	for (rank = 1; rank <= top; rank++) {
		struct wo_stack *best = NULL;
		u64 bc = 0, cnt;

		for (i = 0; i < WO_STACKS; i++) {
			struct wo_stack *c = &wo_stacks[i];

			/* Pairs with the release in wo_stack_capture(). */
			if (used[i] || !smp_load_acquire(&c->ready))
				continue;
			cnt = atomic64_read(&c->count);
			if (!best || cnt > bc) {
				best = c;
				bc = cnt;
				j = i;
			}
		}
		if (!best || !bc)
			break;
		used[j] = true;
		wo_hist_snap(&best->lat, snap);
		seq_printf(m, "stack.%u.id: %u\n", rank, j + 1);
		seq_printf(m, "stack.%u.count: %llu\n", rank, bc);
		seq_printf(m, "stack.%u.wf_sync_pct: %u\n", rank,
			   wo_pct(atomic64_read(&best->sync), bc));
		seq_printf(m, "stack.%u.wf_migrated_pct: %u\n", rank,
			   wo_pct(atomic64_read(&best->migrated), bc));
		seq_printf(m, "stack.%u.median_wakeup_to_switch_ns: %llu\n",
			   rank, wo_hist_pct(snap, 50));
		seq_printf(m, "stack.%u.frames:", rank);
		for (i = 0; i < best->nr; i++)
			seq_printf(m, "%s%ps", i ? " < " : " ",
				   (void *)best->ip[i]);
		seq_putc(m, '\n');
	}
}

/* The stacks file: every cluster, its counts and symbolized frames. */
void wo_stacks_show_all(struct seq_file *m)
{
	unsigned int i, f;

	if (!wo_stacks)
		return;
	for (i = 0; i < WO_STACKS; i++) {
		struct wo_stack *c = &wo_stacks[i];
		u64 cnt;

		/* Pairs with the release in wo_stack_capture(). */
		if (!smp_load_acquire(&c->ready))
			continue;
		cnt = atomic64_read(&c->count);
		seq_printf(m, "cluster %u: count %llu wf_sync %llu wf_migrated %llu\n",
			   i + 1, cnt, atomic64_read(&c->sync),
			   atomic64_read(&c->migrated));
		for (f = 0; f < c->nr; f++)
			seq_printf(m, "  %pS\n", (void *)c->ip[f]);
	}
}
