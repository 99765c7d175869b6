// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: waker stack clusters.  At sched_waking the waker's kernel
 * stack is saved (stack_trace_save(), as ftrace's stacktrace trigger
 * does), hashed (64-bit siphash), and found by its frames or inserted in
 * a fixed table by cmpxchg on the hash, so probes never lock
 * (wo_stack_table.c).
 * A full table counts the wakeup in "stacks.overflow" (cluster id 0).
 * A waker in interrupt or exception context is cut at the entry frame:
 * what the interrupt happened to hit is not part of who woke the task.
 *
 * With the ORC unwinder a per-CPU cache skips the unwind of a waker
 * stack seen again: ORC's unwind of a call frame is a function of
 * (ip, sp), so the same return addresses at the same distances above the
 * capture's stack pointer (checked up to do_syscall_64(), below which
 * RANDOMIZE_KSTACK_OFFSET shifts everything) mean the same frames.  Only
 * walks through plain call frames are cached.  docs/design-notes.md has
 * the reasoning and the figures.
 */
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"
#include "compat/wo_arch.h"
#if WO_STACK_CACHE
#include <linux/sched/task_stack.h>
#include <asm/unwind.h>
#endif
#include "uapi/wakeoff_keys.h"
#include "lib/wo_hist.h"
#include "lib/wo_stack_table.h"

/* A probe window never revisits a slot; cluster ids (1..) fit a u32. */
static_assert(WO_STACK_PROBE <= WO_STACKS);
static_assert(WO_STACKS < U32_MAX);

#define WO_STACK_SAVE	(WO_STACK_DEPTH + 8)	/* room for our own frames */

/*
 * What is counted into a cluster, one copy per CPU (written by
 * wo_stack_account() under wo_agg_close()'s guard: own CPU, IRQs off);
 * its frames are in the key, shared.
 */
struct wo_stack_cnt {
	u64 count, sync, migrated;
	struct wo_phist lat;		/* wakeup -> switch-in, ns */
};

struct wo_stack_tot {
	u64 count, sync, migrated;
};

struct wo_stacks_mem {
	struct wo_stack_key key[WO_STACKS];
};

static struct wo_stacks_mem *wo_stacks;
static DEFINE_PER_CPU(struct wo_stack_cnt *, wo_stack_cnt);
/* The key of the stacks' 64-bit hash, random per load. */
static siphash_key_t wo_stack_hkey;
bool wo_stacks_enabled = true;

static DEFINE_PER_CPU(struct wo_stack_stats, wo_stack_stats);

/* The waker stacks: the table and counters wo_stack_capture() uses. */
static struct wo_stack_src wo_waker_src = {
	.stats = &wo_stack_stats,
	.tag = WO_STACK_SRC_WAKER,
};

/* The cluster of @n frames in @src: found or inserted; 0 if it is full. */
static u32 wo_stack_find(const struct wo_stack_src *src,
			 const unsigned long *ip, unsigned int n)
{
	u64 h = siphash(ip, n * sizeof(ip[0]), &wo_stack_hkey) | 1;
	unsigned int coll;
	u32 id;

	id = wo_stack_table_find(src->key, h, ip, n, &coll);
	if (unlikely(coll))
		this_cpu_add(src->stats->collisions, coll);
	if (!id)
		this_cpu_inc(src->stats->overflow);
	return id;
}

#if WO_STACK_CACHE
#define WO_SCACHE	8
/*
 * Cached answer for a stack that found the table full: without it, once
 * the table fills every such wakeup unwinds again.
 */
#define WO_SCACHE_FULL	U32_MAX
#define WO_SLOTS	(WO_STACK_SAVE + 2)

struct wo_scache_ent {
	unsigned int gen;
	u8 tag;			/* the table (wo_stack_src) the id is of */
	unsigned int nslots;
	u32 id;
	unsigned long slot[WO_SLOTS];	/* distances above the capture's sp */
	unsigned long val[WO_SLOTS];
};

struct wo_scache {
	struct wo_scache_ent e[WO_SCACHE];
	unsigned int next;
};

static DEFINE_PER_CPU(struct wo_scache, wo_scache);
/* Bumped by reset: cached ids of the old table are void. */
static unsigned int wo_stacks_gen = 1;
/* WO_SYSCALL_ENTRY, found at load on insmod's own stack. */
static unsigned long wo_sys_lo, wo_sys_hi;

/* Task context, IRQs off (sched_waking/wakeup_new): a cached cluster id. */
static u32 wo_scache_lookup(unsigned long sp, unsigned long top, u8 tag)
{
	struct wo_scache *c = this_cpu_ptr(&wo_scache);
	unsigned int gen = READ_ONCE(wo_stacks_gen), i, k;

	for (i = 0; i < WO_SCACHE; i++) {
		struct wo_scache_ent *e = &c->e[i];

		if (e->gen != gen || e->tag != tag || !e->nslots ||
		    e->slot[e->nslots - 1] >= top - sp)
			continue;
		for (k = 0; k < e->nslots; k++)
			if (READ_ONCE(*(unsigned long *)(sp + e->slot[k])) !=
			    e->val[k])
				break;
		if (k == e->nslots)
			return e->id;
	}
	return 0;
}

static bool wo_in_syscall_entry(unsigned long ip)
{
	return ip >= wo_sys_lo && ip < wo_sys_hi;
}

/*
 * Process context (module load, inside the init_module syscall): find
 * WO_SYSCALL_ENTRY on our own stack by name.  Not found: the cache still
 * works for kernel threads, syscall paths just keep unwinding.
 */
static void wo_find_syscall_entry(void)
{
	char buf[KSYM_SYMBOL_LEN], *plus, *slash;
	unsigned long ip[32], off, size;
	unsigned int n, i;

	n = stack_trace_save(ip, ARRAY_SIZE(ip), 0);
	for (i = 0; i < n; i++) {
		sprint_symbol(buf, ip[i]);
		plus = strchr(buf, '+');
		slash = plus ? strchr(plus, '/') : NULL;
		if (!slash || plus - buf != strlen(WO_SYSCALL_ENTRY) ||
		    strncmp(buf, WO_SYSCALL_ENTRY, plus - buf))
			continue;
		*slash = '\0';
		if (kstrtoul(plus + 1, 16, &off) ||
		    kstrtoul(slash + 1, 16, &size) || off >= size)
			continue;
		wo_sys_lo = ip[i] - off;
		wo_sys_hi = wo_sys_lo + size;
		return;
	}
}

/*
 * One walk with the unwinder API: the waker's frames (after our own) into
 * @ip, and where each return address from @sp up lives, into @e (nslots
 * left 0 when the stack cannot be cached).  The walk stops at the first
 * pt_regs frame: below an interrupt or exception entry lies whatever the
 * CPU happened to be running, not the waker, and keeping it would make a
 * new cluster of every timer interrupt.
 */
static unsigned int wo_stack_walk(unsigned long *ip, unsigned long sp,
				  unsigned long top, bool cacheable,
				  struct wo_scache_ent *e)
{
	unsigned int k, n = 0, nslots = 0;
	struct unwind_state state;
	bool ours = false, tail = !cacheable;
	unsigned long addr, p;

	for (unwind_start(&state, current, NULL, NULL), k = 0;
	     !unwind_done(&state); unwind_next_frame(&state), k++) {
		if (state.regs) {
			/* The user regs end a syscall stack: a normal end. */
			if (!user_mode(state.regs))
				nslots = 0;	/* cut: not cacheable */
			break;
		}
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		p = state.sp - sizeof(long);
		/*
		 * Slots below sp belong to this walk's own calls (dead by the
		 * next lookup); from sp up, every return address counts, up
		 * to the one into do_syscall_64().
		 */
		if (k && !tail && p >= sp) {
			if (p >= top || nslots == WO_SLOTS ||
			    READ_ONCE(*(unsigned long *)p) != state.ip) {
				tail = true;
				nslots = 0;
				cacheable = false;
			} else {
				e->slot[nslots] = p - sp;
				e->val[nslots++] = state.ip;
				tail = wo_in_syscall_entry(state.ip);
			}
		}
		if (within_module(addr, THIS_MODULE)) {
			ours = true;
			continue;
		}
		if (!ours)
			continue;	/* the unwinder's own frames */
		ip[n++] = addr;
		if (n == WO_STACK_DEPTH)
			break;
	}
	e->nslots = cacheable && !unwind_error(&state) ? nslots : 0;
	return n;
}

/* Probe context: the cluster id of current's stack, through the cache. */
static u32 wo_stack_unwind(const struct wo_stack_src *src)
{
	unsigned long base = (unsigned long)task_stack_page(current);
	unsigned long sp = current_stack_pointer, top = base + THREAD_SIZE;
	bool cacheable = in_task() && sp > base && sp < top;
	struct wo_scache *c;
	struct wo_scache_ent ent;
	unsigned long ip[WO_STACK_DEPTH];
	unsigned int n;
	u32 id;

	if (cacheable) {
		id = wo_scache_lookup(sp, top, src->tag);
		if (id) {
			this_cpu_inc(src->stats->cached);
			if (id != WO_SCACHE_FULL)
				return id;
			this_cpu_inc(src->stats->overflow);
			return 0;
		}
	}
	this_cpu_inc(src->stats->unwound);
	n = wo_stack_walk(ip, sp, top, cacheable, &ent);
	if (!n)
		return 0;
	id = wo_stack_find(src, ip, n);
	if (ent.nslots) {
		c = this_cpu_ptr(&wo_scache);
		ent.gen = READ_ONCE(wo_stacks_gen);
		ent.tag = src->tag;
		ent.id = id ? id : WO_SCACHE_FULL;
		c->e[c->next++ % WO_SCACHE] = ent;
	}
	return id;
}

static void wo_scache_invalidate(void)
{
	WRITE_ONCE(wo_stacks_gen, wo_stacks_gen + 1);
}
#else /* !WO_STACK_CACHE: every capture unwinds (wo_arch.h) */
static void wo_find_syscall_entry(void)
{
}

static void wo_scache_invalidate(void)
{
}

/* Probe context: the cluster id of current's stack. */
static u32 wo_stack_unwind(const struct wo_stack_src *src)
{
	unsigned long ip[WO_STACK_SAVE];
	unsigned int n, skip = 0;

	this_cpu_inc(src->stats->unwound);
	n = stack_trace_save(ip, ARRAY_SIZE(ip), 0);
	/* Our own probe frames say nothing about the waker. */
	while (skip < n && within_module(ip[skip], THIS_MODULE))
		skip++;
	n = min(n - skip, (unsigned int)WO_STACK_DEPTH);
	if (!n)
		return 0;
	return wo_stack_find(src, &ip[skip], n);
}
#endif /* WO_STACK_CACHE */

/* Every cluster's counts for @cpu, on its node. */
static struct wo_stack_cnt *wo_stack_cnt_alloc(unsigned int cpu)
{
	int node = cpu_to_node(cpu);

	if (node != NUMA_NO_NODE && !node_online(node))
		node = NUMA_NO_NODE;
	/* Not zeroed twice: wo_stacks_reset() clears it before any use. */
	return vmalloc_node(WO_STACKS * sizeof(struct wo_stack_cnt), node);
}

/* The key table (shared) and the counts per possible CPU; their sizes. */
int wo_stacks_alloc(size_t *shared, size_t *per_cpu)
{
	unsigned int cpu;

	wo_find_syscall_entry();
	get_random_bytes(&wo_stack_hkey, sizeof(wo_stack_hkey));
	wo_stacks = vzalloc(sizeof(*wo_stacks));
	if (!wo_stacks)
		return -ENOMEM;
	wo_waker_src.key = wo_stacks->key;
	for_each_possible_cpu(cpu) {
		per_cpu(wo_stack_cnt, cpu) = wo_stack_cnt_alloc(cpu);
		if (!per_cpu(wo_stack_cnt, cpu))
			return -ENOMEM;	/* the caller frees */
	}
	*shared = sizeof(*wo_stacks);
	*per_cpu = WO_STACKS * sizeof(struct wo_stack_cnt);
	return 0;
}

void wo_stacks_free(void)
{
	unsigned int cpu;

	wo_waker_src.key = NULL;
	for_each_possible_cpu(cpu) {
		vfree(per_cpu(wo_stack_cnt, cpu));
		per_cpu(wo_stack_cnt, cpu) = NULL;
	}
	vfree(wo_stacks);
	wo_stacks = NULL;
}

/* Only with the probes quiesced: cached ids of any table are void. */
void wo_stacks_cache_void(void)
{
	wo_scache_invalidate();
}

/* Only with the probes quiesced. */
void wo_stacks_reset(void)
{
	int cpu;

	if (wo_stacks)
		memset(wo_stacks, 0, sizeof(*wo_stacks));
	for_each_possible_cpu(cpu) {
		memset(per_cpu_ptr(&wo_stack_stats, cpu), 0,
		       sizeof(struct wo_stack_stats));
		if (per_cpu(wo_stack_cnt, cpu))
			memset(per_cpu(wo_stack_cnt, cpu), 0,
			       WO_STACKS * sizeof(struct wo_stack_cnt));
	}
	wo_stacks_cache_void();
}

/*
 * Probe context (task context or not, IRQs off): the cluster id of
 * current's stack in @src's table.
 */
u32 wo_stack_capture_src(const struct wo_stack_src *src)
{
	if (!src->key)
		return 0;
	return wo_stack_unwind(src);
}

/* Probe context (sched_waking): the cluster id of the waker's stack. */
u32 wo_stack_capture(void)
{
	if (!READ_ONCE(wo_stacks_enabled))
		return 0;
	return wo_stack_capture_src(&wo_waker_src);
}

void wo_stack_account(u32 id, bool sync, bool migrated, bool switched,
		      u64 wakeup_to_switch)
{
	struct wo_stack_cnt *c;

	if (!id || id > WO_STACKS || !wo_stacks)
		return;
	c = this_cpu_read(wo_stack_cnt);
	if (!c)
		return;
	c += id - 1;
	c->count++;
	if (sync)
		c->sync++;
	if (migrated)
		c->migrated++;
	if (switched)
		wo_phist_add(&c->lat, wakeup_to_switch);
}

/* Cluster index @i's counts summed over CPUs; its latencies into @snap. */
static void wo_stack_sum(unsigned int i, struct wo_stack_tot *sum,
			 struct wo_hist_snap *snap)
{
	const struct wo_stack_cnt *c;
	unsigned int cpu;

	memset(sum, 0, sizeof(*sum));
	if (snap)
		memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu) {
		c = per_cpu(wo_stack_cnt, cpu);
		if (!c)
			continue;
		c += i;
		sum->count += READ_ONCE(c->count);
		sum->sync += READ_ONCE(c->sync);
		sum->migrated += READ_ONCE(c->migrated);
		if (snap)
			wo_phist_snap_add(snap, &c->lat);
	}
}

static unsigned int wo_pct(u64 part, u64 whole)
{
	return whole ? (unsigned int)div64_u64(part * 100, whole) : 0;
}

/*
 * One frame as %pS (@offset) or %ps prints it, but "[unknown]" where they
 * print the address: a frame that resolves to no symbol (of a module
 * unloaded since, a BPF program or trampoline).  sprint_symbol*() print
 * "0x<address>" then (and nothing without kallsyms); no symbol name
 * starts with "0x".
 */
void wo_seq_frame(struct seq_file *m, const char *pre, unsigned long ip,
		  bool offset)
{
	char sym[KSYM_SYMBOL_LEN];

	if (offset)
		sprint_symbol(sym, ip);
	else
		sprint_symbol_no_offset(sym, ip);
	seq_puts(m, pre);
	seq_puts(m, sym[0] && strncmp(sym, "0x", 2) ? sym : "[unknown]");
}

/*
 * The top clusters by count, for the summary: scalars per line.  Frames
 * are printed as symbols (%ps), never as addresses: "[unknown]" for a
 * frame without one.
 */
void wo_stacks_show_top(struct seq_file *m, unsigned int top,
			struct wo_hist_snap *snap)
{
	bool used[WO_STACKS] = { };
	u64 count[WO_STACKS] = { };
	unsigned int rank, i, j = 0, nclusters = 0;
	struct wo_stack_stats tot = { };
	struct wo_stack_tot sum;
	int cpu;

	if (!wo_stacks)
		return;
	for (i = 0; i < WO_STACKS; i++) {
		/* Pairs with the release in wo_stack_table_find(). */
		if (!smp_load_acquire(&wo_stacks->key[i].ready))
			continue;
		nclusters++;
		wo_stack_sum(i, &sum, NULL);
		count[i] = sum.count;
	}
	for_each_possible_cpu(cpu) {
		const struct wo_stack_stats *st = per_cpu_ptr(&wo_stack_stats, cpu);

		tot.unwound += READ_ONCE(st->unwound);
		tot.cached += READ_ONCE(st->cached);
		tot.collisions += READ_ONCE(st->collisions);
		tot.overflow += READ_ONCE(st->overflow);
	}
	seq_printf(m, "stacks.enabled: %s\n",
		   READ_ONCE(wo_stacks_enabled) ? "yes" : "no");
	seq_printf(m, "stacks.clusters: %u\n", nclusters);
	seq_printf(m, "stacks.capacity: %u\n", WO_STACKS);
	seq_printf(m, "stacks.overflow: %llu\n", tot.overflow);
	seq_printf(m, WAKEOFF_KEY_STACKS_UNWOUND ": %llu\n", tot.unwound);
	seq_printf(m, WAKEOFF_KEY_STACKS_CACHED ": %llu\n", tot.cached);
	seq_printf(m, WAKEOFF_KEY_STACKS_COLLISIONS ": %llu\n", tot.collisions);
	for (rank = 1; rank <= top; rank++) {
		bool found = false;
		u64 bc = 0;

		for (i = 0; i < WO_STACKS; i++) {
			/* Pairs with the release in wo_stack_table_find(). */
			if (used[i] || !smp_load_acquire(&wo_stacks->key[i].ready))
				continue;
			if (!found || count[i] > bc) {
				found = true;
				bc = count[i];
				j = i;
			}
		}
		if (!found || !bc)
			break;
		used[j] = true;
		wo_stack_sum(j, &sum, snap);
		seq_printf(m, "stack.%u.id: %u\n", rank, j + 1);
		seq_printf(m, "stack.%u.count: %llu\n", rank, bc);
		seq_printf(m, "stack.%u.wf_sync_pct: %u\n", rank,
			   wo_pct(sum.sync, bc));
		seq_printf(m, "stack.%u.wf_migrated_pct: %u\n", rank,
			   wo_pct(sum.migrated, bc));
		seq_printf(m, "stack.%u.median_wakeup_to_switch_ns: %llu\n",
			   rank, wo_hist_pct(snap, 50));
		seq_printf(m, "stack.%u.frames:", rank);
		for (i = 0; i < wo_stacks->key[j].nr; i++)
			wo_seq_frame(m, i ? " < " : " ",
				     wo_stacks->key[j].ip[i], false);
		seq_putc(m, '\n');
	}
}

/*
 * The stacks file: every cluster, its counts and symbolized frames (%pS,
 * "[unknown]" for a frame without a symbol).
 */
void wo_stacks_show_all(struct seq_file *m)
{
	unsigned int i, f;

	if (!wo_stacks)
		return;
	for (i = 0; i < WO_STACKS; i++) {
		struct wo_stack_key *k = &wo_stacks->key[i];
		struct wo_stack_tot sum;

		/* Pairs with the release in wo_stack_table_find(). */
		if (!smp_load_acquire(&k->ready))
			continue;
		wo_stack_sum(i, &sum, NULL);
		seq_printf(m, "cluster %u: count %llu wf_sync %llu wf_migrated %llu\n",
			   i + 1, sum.count, sum.sync, sum.migrated);
		for (f = 0; f < k->nr; f++) {
			wo_seq_frame(m, "  ", k->ip[f], true);
			seq_putc(m, '\n');
		}
	}
}
