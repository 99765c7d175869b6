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
 * Unwinding costs about a dozen ORC lookups per wakeup, and a waker
 * mostly wakes from the same place again (a pipe writer, a futex
 * waker).  With the ORC unwinder, a per-CPU cache keeps, for the last
 * few waker stacks seen in task context, where (relative to the capture's own
 * stack pointer) the return addresses of the frames the cluster was
 * computed from lie, and their values.  ORC's unwind of a call frame is a
 * function of (ip, sp): from the same code, equal return addresses at the
 * same distances mean the same frames, so when every slot still holds its
 * value the cluster id is reused without unwinding.  Distances, not
 * addresses: do_syscall_64() moves everything below it by a random offset
 * per syscall (RANDOMIZE_KSTACK_OFFSET, an alloca: its frame is the one
 * variable-size frame), so the slots are checked up to the return address
 * into do_syscall_64() (found at load), whose only caller is the syscall
 * entry code.  Entries are not keyed by task: the same return addresses
 * at the same distances unwind the same way on any task's stack, and a
 * many-task load (hackbench) wakes from one code path in dozens of tasks,
 * more than the cache has entries.  The frames and the slots come from
 * one walk with the unwinder API; an entry is filled only when that walk
 * went through plain call frames (no pt_regs frame below the syscall
 * entry, no rethook/ftrace trampoline, no unwind error); anything else
 * just takes the full path.
 */
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_UNWINDER_ORC
#include <linux/sched/task_stack.h>
#include <asm/unwind.h>
#endif

#include "wakeoff.h"
#include "uapi/wakeoff_keys.h"
#include "lib/wo_hist.h"
#include "lib/wo_stack_table.h"

#define WO_STACK_SAVE	(WO_STACK_DEPTH + 8)	/* room for our own frames */

/* What is counted into a cluster; its frames are in the key. */
struct wo_stack {
	atomic64_t count, sync, migrated;
	struct wo_hist lat;		/* wakeup -> switch-in, ns */
};

struct wo_stacks_mem {
	struct wo_stack_key key[WO_STACKS];
	struct wo_stack st[WO_STACKS];
};

static struct wo_stacks_mem *wo_stacks;
static atomic64_t wo_stacks_overflow;
/* The key of the stacks' 64-bit hash, random per load. */
static siphash_key_t wo_stack_hkey;
bool wo_stacks_enabled = true;

/*
 * Per CPU: captures that unwound, those answered by the cache, and
 * clusters passed over for having the same hash but other frames.
 */
struct wo_stack_stats {
	u64 unwound;
	u64 cached;
	u64 collisions;
};

static DEFINE_PER_CPU(struct wo_stack_stats, wo_stack_stats);

#ifdef CONFIG_UNWINDER_ORC
#define WO_SCACHE	8
/*
 * Cached answer for a stack that found the table full: without it, once
 * the table fills every such wakeup unwinds again (a messaging load
 * unwound 8,929 of 8,992 wakeups, 8,235 of them into the overflow).
 */
#define WO_SCACHE_FULL	U32_MAX
#define WO_SLOTS	(WO_STACK_SAVE + 2)

struct wo_scache_ent {
	unsigned int gen;
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
/* do_syscall_64(), found at load on insmod's own stack. */
static unsigned long wo_sys_lo, wo_sys_hi;

/* Task context, IRQs off (sched_waking/wakeup_new): a cached cluster id. */
static u32 wo_scache_lookup(unsigned long sp, unsigned long top)
{
	struct wo_scache *c = this_cpu_ptr(&wo_scache);
	unsigned int gen = READ_ONCE(wo_stacks_gen), i, k;

	for (i = 0; i < WO_SCACHE; i++) {
		struct wo_scache_ent *e = &c->e[i];

		if (e->gen != gen || !e->nslots ||
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
 * do_syscall_64() on our own stack by name.  Not found: the cache still
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
		if (!slash || plus - buf != strlen("do_syscall_64") ||
		    strncmp(buf, "do_syscall_64", plus - buf))
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
#endif

size_t wo_stacks_alloc(void)
{
#ifdef CONFIG_UNWINDER_ORC
	wo_find_syscall_entry();
#endif
	get_random_bytes(&wo_stack_hkey, sizeof(wo_stack_hkey));
	wo_stacks = vzalloc(sizeof(*wo_stacks));
	return wo_stacks ? sizeof(*wo_stacks) : 0;
}

void wo_stacks_free(void)
{
	vfree(wo_stacks);
	wo_stacks = NULL;
}

/* Only with the probes quiesced. */
void wo_stacks_reset(void)
{
	int cpu;

	if (wo_stacks)
		memset(wo_stacks, 0, sizeof(*wo_stacks));
	atomic64_set(&wo_stacks_overflow, 0);
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&wo_stack_stats, cpu), 0,
		       sizeof(struct wo_stack_stats));
#ifdef CONFIG_UNWINDER_ORC
	WRITE_ONCE(wo_stacks_gen, wo_stacks_gen + 1);
#endif
}

/* The cluster of @n frames: found or inserted; 0 if the table is full. */
static u32 wo_stack_find(const unsigned long *ip, unsigned int n)
{
	u64 h = siphash(ip, n * sizeof(ip[0]), &wo_stack_hkey) | 1;
	unsigned int coll;
	u32 id;

	id = wo_stack_table_find(wo_stacks->key, h, ip, n, &coll);
	if (unlikely(coll))
		this_cpu_add(wo_stack_stats.collisions, coll);
	if (!id)
		atomic64_inc(&wo_stacks_overflow);
	return id;
}

/* Probe context (sched_waking): the cluster id of current's stack. */
u32 wo_stack_capture(void)
{
#ifdef CONFIG_UNWINDER_ORC
	unsigned long base = (unsigned long)task_stack_page(current);
	unsigned long sp = current_stack_pointer, top = base + THREAD_SIZE;
	bool cacheable = in_task() && sp > base && sp < top;
	struct wo_scache *c;
	struct wo_scache_ent ent;
	unsigned long ip[WO_STACK_DEPTH];
#else
	unsigned long ip[WO_STACK_SAVE];
	unsigned int skip = 0;
#endif
	unsigned int n;
	u32 id;

	if (!READ_ONCE(wo_stacks_enabled) || !wo_stacks)
		return 0;
#ifdef CONFIG_UNWINDER_ORC
	if (cacheable) {
		id = wo_scache_lookup(sp, top);
		if (id) {
			this_cpu_inc(wo_stack_stats.cached);
			if (id != WO_SCACHE_FULL)
				return id;
			atomic64_inc(&wo_stacks_overflow);
			return 0;
		}
	}
	this_cpu_inc(wo_stack_stats.unwound);
	n = wo_stack_walk(ip, sp, top, cacheable, &ent);
	if (!n)
		return 0;
	id = wo_stack_find(ip, n);
	if (ent.nslots) {
		c = this_cpu_ptr(&wo_scache);
		ent.gen = READ_ONCE(wo_stacks_gen);
		ent.id = id ? id : WO_SCACHE_FULL;
		c->e[c->next++ % WO_SCACHE] = ent;
	}
#else
	this_cpu_inc(wo_stack_stats.unwound);
	n = stack_trace_save(ip, ARRAY_SIZE(ip), 0);
	/* Our own probe frames say nothing about the waker. */
	while (skip < n && within_module(ip[skip], THIS_MODULE))
		skip++;
	n = min(n - skip, (unsigned int)WO_STACK_DEPTH);
	if (!n)
		return 0;
	id = wo_stack_find(&ip[skip], n);
#endif
	return id;
}

void wo_stack_account(u32 id, bool sync, bool migrated, bool switched,
		      u64 wakeup_to_switch)
{
	struct wo_stack *c;

	if (!id || id > WO_STACKS || !wo_stacks)
		return;
	c = &wo_stacks->st[id - 1];
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
 * One frame as %pS (@offset) or %ps prints it, but "[unknown]" where they
 * print the address: a frame that resolves to no symbol (of a module
 * unloaded since, a BPF program or trampoline).  sprint_symbol*() print
 * "0x<address>" then (and nothing without kallsyms); no symbol name
 * starts with "0x".
 */
static void wo_seq_frame(struct seq_file *m, const char *pre,
			 unsigned long ip, bool offset)
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
	unsigned int rank, i, j = 0, nclusters = 0;
	u64 unwound = 0, cached = 0, collisions = 0;
	int cpu;

	if (!wo_stacks)
		return;
	for (i = 0; i < WO_STACKS; i++)
		/* Pairs with the release in wo_stack_table_find(). */
		nclusters += !!smp_load_acquire(&wo_stacks->key[i].ready);
	seq_printf(m, "stacks.enabled: %s\n",
		   READ_ONCE(wo_stacks_enabled) ? "yes" : "no");
	seq_printf(m, "stacks.clusters: %u\n", nclusters);
	seq_printf(m, "stacks.capacity: %u\n", WO_STACKS);
	seq_printf(m, "stacks.overflow: %lld\n",
		   atomic64_read(&wo_stacks_overflow));
	for_each_possible_cpu(cpu) {
		const struct wo_stack_stats *st = per_cpu_ptr(&wo_stack_stats, cpu);

		unwound += READ_ONCE(st->unwound);
		cached += READ_ONCE(st->cached);
		collisions += READ_ONCE(st->collisions);
	}
	seq_printf(m, WAKEOFF_KEY_STACKS_UNWOUND ": %llu\n", unwound);
	seq_printf(m, WAKEOFF_KEY_STACKS_CACHED ": %llu\n", cached);
	seq_printf(m, WAKEOFF_KEY_STACKS_COLLISIONS ": %llu\n", collisions);
	for (rank = 1; rank <= top; rank++) {
		struct wo_stack *best = NULL;
		u64 bc = 0, cnt;

		for (i = 0; i < WO_STACKS; i++) {
			struct wo_stack *c = &wo_stacks->st[i];

			/* Pairs with the release in wo_stack_table_find(). */
			if (used[i] || !smp_load_acquire(&wo_stacks->key[i].ready))
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
		struct wo_stack *c = &wo_stacks->st[i];
		u64 cnt;

		/* Pairs with the release in wo_stack_table_find(). */
		if (!smp_load_acquire(&k->ready))
			continue;
		cnt = atomic64_read(&c->count);
		seq_printf(m, "cluster %u: count %llu wf_sync %llu wf_migrated %llu\n",
			   i + 1, cnt, atomic64_read(&c->sync),
			   atomic64_read(&c->migrated));
		for (f = 0; f < k->nr; f++) {
			wo_seq_frame(m, "  ", k->ip[f], true);
			seq_putc(m, '\n');
		}
	}
}
