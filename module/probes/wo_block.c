// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: where and when a task blocked.  At the sched_switch that
 * takes a matching task off its CPU in a sleeping state, a stamp is
 * kept for it: local_clock(), prev_state and (offcpu_stacks=1) the
 * cluster of its kernel stack, which at that point is the blocking
 * path (prev is current: __schedule < schedule < pipe_read < ...).
 * The next sched_waking of the task takes the stamp into its wakeup
 * record: off-CPU time = ts_waking - ts_blocked.
 *
 * A stamp lives from the blocking switch-out to the task's next
 * sched_waking or, if none came (a signal was pending when it
 * scheduled, so it never slept; the wakeup raced the switch-out), its
 * next switch-in, which drops it: a stamp never outlives the sleep it
 * measures, so no wakeup can take an older sleep's stamp.
 *
 * The correlation table cannot hold this: its slots exist only while a
 * wakeup is open, and a blocked task has none.  The stamps live in
 * their own fixed table (offcpu_slots, allocated at load) keyed by task
 * pointer, open addressing in a window of 8 keys (one cache line), a
 * slot claimed by cmpxchg on its key and written under a per-slot
 * try-lock, as in wo_corr.c.  A full window evicts its oldest stamp (a
 * long sleeper, counted in offcpu.evicted: that wakeup reports no
 * off-CPU time); a locked slot loses the event (offcpu.busy).
 */
#include <linux/hash.h>
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"
#include "lib/wo_offcpu.h"
#include "lib/wo_stack_table.h"

#define WO_BWINDOW	8
/* The window is hash & ~(WO_BWINDOW - 1): a power of two. */
static_assert((WO_BWINDOW & (WO_BWINDOW - 1)) == 0);

struct wo_bstamp {
	atomic_t busy;
	pid_t pid;
	u32 state;
	u32 stack_id;
	u64 ts;
	u16 cpu;
	u8 cls;
};

static struct task_struct **wo_bkeys;
static struct wo_bstamp *wo_bst;
static unsigned int wo_bbits;
static u32 wo_bmask;
static DEFINE_PER_CPU(struct wo_block_stats, wo_block_stats);

/* The blocking stack clusters: a table of their own (wo_stacks.c). */
static struct wo_stack_key *wo_bstack_keys;
static DEFINE_PER_CPU(struct wo_stack_stats, wo_bstack_stats);
static struct wo_stack_src wo_block_src = {
	.stats = &wo_bstack_stats,
	.tag = WO_STACK_SRC_BLOCK,
};

#define WO_OFFCPU_SLOTS_MIN	256
#define WO_OFFCPU_SLOTS_MAX	1048576
static unsigned int wo_offcpu_slots = 8192;
bool wo_offcpu_stacks_enabled = true;

static int wo_set_slots(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < WO_OFFCPU_SLOTS_MIN ||
	    v > WO_OFFCPU_SLOTS_MAX) {
		pr_err_ratelimited("offcpu_slots must be a number in [256, 1048576]\n");
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

/* Strict bool, as "stacks": exactly 0/1/y/n/Y/N and a newline. */
static int wo_set_ostacks(const char *val, const struct kernel_param *kp)
{
	size_t len = val ? strlen(val) : 0;
	bool v;

	if (!len || len > 2 || (len == 2 && val[1] != '\n') ||
	    kstrtobool(val, &v)) {
		pr_err_ratelimited("offcpu_stacks must be 0 or 1\n");
		return -EINVAL;
	}
	WRITE_ONCE(*(bool *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops wo_slots_ops = {
	.set = wo_set_slots, .get = param_get_uint,
};

static const struct kernel_param_ops wo_ostacks_ops = {
	.set = wo_set_ostacks, .get = param_get_bool,
};

module_param_cb(offcpu_slots, &wo_slots_ops, &wo_offcpu_slots, 0444);
MODULE_PARM_DESC(offcpu_slots, "Blocked tasks whose switch-out is stamped at once (256..1048576, default 8192)");
module_param_cb(offcpu_stacks, &wo_ostacks_ops, &wo_offcpu_stacks_enabled, 0644);
MODULE_PARM_DESC(offcpu_stacks, "Capture and cluster the kernel stack of a task when it blocks (0 or 1, default 1)");

int wo_block_alloc(void)
{
	u32 n = roundup_pow_of_two(wo_offcpu_slots);

	wo_bbits = ilog2(n);
	wo_bmask = n - 1;
	/* +WO_BWINDOW: a window never wraps. */
	wo_bkeys = vzalloc(array_size(n + WO_BWINDOW, sizeof(*wo_bkeys)));
	wo_bst = vzalloc(array_size(n + WO_BWINDOW, sizeof(*wo_bst)));
	wo_bstack_keys = vzalloc(array_size(WO_STACKS,
					    sizeof(*wo_bstack_keys)));
	if (!wo_bkeys || !wo_bst || !wo_bstack_keys) {
		wo_block_free();
		return -ENOMEM;
	}
	wo_block_src.key = wo_bstack_keys;
	return 0;
}

size_t wo_block_bytes(void)
{
	if (!wo_bkeys)
		return 0;
	return (wo_bmask + WO_BWINDOW + 1) *
	       (sizeof(*wo_bkeys) + sizeof(*wo_bst)) +
	       WO_STACKS * sizeof(*wo_bstack_keys);
}

/* Load: the stamp table and the per-CPU aggregation. */
int wo_offcpu_init(void)
{
	int ret = wo_block_alloc();

	if (ret)
		return ret;
	ret = wo_offcpu_alloc();
	if (ret)
		wo_block_free();
	return ret;
}

void wo_offcpu_exit(void)
{
	wo_offcpu_free();
	wo_block_free();
}

/* "reset": with the probes quiesced. */
void wo_offcpu_reset_all(void)
{
	wo_offcpu_reset();
	wo_block_reset();
}

void wo_block_free(void)
{
	wo_block_src.key = NULL;
	vfree(wo_bkeys);
	vfree(wo_bst);
	vfree(wo_bstack_keys);
	wo_bkeys = NULL;
	wo_bst = NULL;
	wo_bstack_keys = NULL;
}

/*
 * Only with the probes quiesced (stop, reset, unload): stamps taken
 * before would be stale once recording resumes (their wakeups and
 * switch-ins went unseen).  Reset also empties the stack clusters.
 */
void wo_block_flush(void)
{
	if (!wo_bkeys)
		return;
	memset(wo_bkeys, 0, (wo_bmask + WO_BWINDOW + 1) * sizeof(*wo_bkeys));
	memset(wo_bst, 0, (wo_bmask + WO_BWINDOW + 1) * sizeof(*wo_bst));
}

void wo_block_reset(void)
{
	int cpu;

	wo_block_flush();
	if (wo_bstack_keys)
		memset(wo_bstack_keys, 0, WO_STACKS * sizeof(*wo_bstack_keys));
	for_each_possible_cpu(cpu) {
		memset(per_cpu_ptr(&wo_block_stats, cpu), 0,
		       sizeof(struct wo_block_stats));
		memset(per_cpu_ptr(&wo_bstack_stats, cpu), 0,
		       sizeof(struct wo_stack_stats));
	}
	wo_stacks_cache_void();
}

static __always_inline u32 wo_bhash(const struct task_struct *p)
{
	return hash_ptr(p, wo_bbits) & ~(WO_BWINDOW - 1);
}

static __always_inline bool wo_btrylock(struct wo_bstamp *s)
{
	return atomic_cmpxchg_acquire(&s->busy, 0, 1) == 0;
}

static __always_inline void wo_bunlock(struct wo_bstamp *s)
{
	atomic_set_release(&s->busy, 0);
}

static int wo_bfind(const struct task_struct *p)
{
	u32 base = wo_bhash(p), i;

	for (i = 0; i < WO_BWINDOW; i++)
		if (READ_ONCE(wo_bkeys[base + i]) == p)
			return base + i;
	return -1;
}

/*
 * @p's stamp, locked, and taken out of the table (the key is released
 * after the unlock, by cmpxchg: an eviction may have reused it): false
 * if it has none.  @copy receives it.
 */
static bool wo_btake(struct task_struct *p, struct wo_bstamp *copy)
{
	int i = wo_bfind(p);
	struct wo_bstamp *s;
	bool ok;

	if (i < 0)
		return false;
	s = &wo_bst[i];
	if (!wo_btrylock(s)) {
		this_cpu_inc(wo_block_stats.busy);
		return false;
	}
	ok = READ_ONCE(wo_bkeys[i]) == p;
	if (ok)
		*copy = *s;
	wo_bunlock(s);
	if (ok)
		cmpxchg(&wo_bkeys[i], p, NULL);
	return ok;
}

/* A free slot for @p in its window, or its oldest stamp's (evicted). */
static int wo_bclaim(struct task_struct *p)
{
	u32 base = wo_bhash(p), i, victim = base;
	u64 oldest = U64_MAX, ts;
	int k = wo_bfind(p);

	if (k >= 0)
		return k;	/* its switch-in was lost: reuse the slot */
	for (i = 0; i < WO_BWINDOW; i++)
		if (!READ_ONCE(wo_bkeys[base + i]) &&
		    !cmpxchg(&wo_bkeys[base + i], NULL, p))
			return base + i;
	for (i = 0; i < WO_BWINDOW; i++) {
		ts = READ_ONCE(wo_bst[base + i].ts);
		if (ts < oldest) {
			oldest = ts;
			victim = base + i;
		}
	}
	this_cpu_inc(wo_block_stats.evicted);
	return victim;
}

static void wo_block_stamp(struct task_struct *p, unsigned int state)
{
	u32 stack = 0;
	struct wo_bstamp *s;
	int i;

	/* Before the slot lock: an unwind is the slow part. */
	if (READ_ONCE(wo_offcpu_stacks_enabled))
		stack = wo_stack_capture_src(&wo_block_src);
	i = wo_bclaim(p);
	s = &wo_bst[i];
	if (!wo_btrylock(s)) {
		this_cpu_inc(wo_block_stats.busy);
		return;
	}
	WRITE_ONCE(wo_bkeys[i], p);
	s->pid = p->pid;
	s->state = state;
	s->cls = wo_block_class(state);
	s->cpu = smp_processor_id();
	s->stack_id = stack;
	WRITE_ONCE(s->ts, local_clock());
	wo_bunlock(s);
	this_cpu_inc(wo_block_stats.stamped);
}

/* sched_switch, rq lock held, IRQs off; prev is current. */
void wo_block_switch(bool preempt, struct task_struct *prev,
		     struct task_struct *next, unsigned int prev_state)
{
	struct wo_bstamp st;

	if (!wo_bkeys)
		return;
	/* Switched in with its stamp still there: no wakeup took it. */
	if (wo_btake(next, &st))
		this_cpu_inc(wo_block_stats.not_woken);
	/* Preempted, yielding or exiting: not a block. */
	if (preempt || !prev_state || (prev_state & TASK_DEAD))
		return;
	if (!wo_task_matches(prev))
		return;
	/*
	 * PREEMPT_RT: waiting for a contended spinlock_t inside its run,
	 * handed over without a wakeup (see wo_corr.c): not a block.
	 */
	if (prev_state == TASK_RTLOCK_WAIT) {
		this_cpu_inc(wo_block_stats.rtlock);
		return;
	}
	wo_block_stamp(prev, prev_state);
}

/*
 * sched_waking of @p (IRQs off, or preemption off on the p == current
 * path): its stamp, if any, goes into @rec (NULL: the wakeup is not
 * correlated; the stamp is dropped all the same).
 */
void wo_block_take(struct task_struct *p, struct wakeoff_wakeup *rec)
{
	struct wo_bstamp st;

	if (!wo_bkeys)
		return;
	if (!wo_btake(p, &st) || st.pid != p->pid) {
		if (rec)
			this_cpu_inc(wo_block_stats.no_stamp);
		return;
	}
	if (!rec)
		return;
	rec->ts_blocked = st.ts;
	rec->block_state = st.state;
	rec->block_class = st.cls;
	rec->block_cpu = st.cpu;
	rec->block_stack_id = st.stack_id;
	rec->valid |= WAKEOFF_V_OFFCPU;
	this_cpu_inc(wo_block_stats.taken);
}

void wo_block_stats_sum(struct wo_block_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct wo_block_stats *s = per_cpu_ptr(&wo_block_stats, cpu);

		sum->stamped += READ_ONCE(s->stamped);
		sum->evicted += READ_ONCE(s->evicted);
		sum->busy += READ_ONCE(s->busy);
		sum->taken += READ_ONCE(s->taken);
		sum->no_stamp += READ_ONCE(s->no_stamp);
		sum->not_woken += READ_ONCE(s->not_woken);
		sum->rtlock += READ_ONCE(s->rtlock);
	}
}

/* Cluster @id's key if it is published, else NULL. */
const struct wo_stack_key *wo_block_stack_key(u32 id)
{
	const struct wo_stack_key *k;

	if (!wo_bstack_keys || !id || id > WO_STACKS)
		return NULL;
	k = &wo_bstack_keys[id - 1];
	/* Pairs with the release in wo_stack_table_find(). */
	return smp_load_acquire(&k->ready) ? k : NULL;
}

void wo_block_stack_stats(u64 *overflow, u64 *unwound, u64 *cached)
{
	int cpu;

	*overflow = 0;
	*unwound = 0;
	*cached = 0;
	for_each_possible_cpu(cpu) {
		const struct wo_stack_stats *s = per_cpu_ptr(&wo_bstack_stats, cpu);

		*overflow += READ_ONCE(s->overflow);
		*unwound += READ_ONCE(s->unwound);
		*cached += READ_ONCE(s->cached);
	}
}
