// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: one correlation per wakeup, from sched_waking to the first
 * timekeeping read of the woken task (or to its next sleep, exit, or a
 * timeout).
 *
 * In-flight correlations live in a fixed table (max_inflight slots,
 * allocated at load) keyed by task pointer, found by open addressing in
 * a window of WO_WINDOW keys that share one cache line.  A slot is
 * claimed with cmpxchg on its key and updated under a per-slot try-lock:
 * the events of one wakeup are naturally ordered by the scheduler's own
 * locks (pi_lock, rq lock, the task running), so the try-lock only
 * fails in rare races (e.g. the task reads a clock while another CPU
 * wakes it); the event is then counted, never waited for.
 *
 * Fast path of the timekeeping hooks: a per-CPU "armed" task pointer,
 * set when a task with an open correlation is switched in; any other
 * task's clock read costs one per-CPU load.
 *
 * A key is a task pointer, and a task has at most one slot: every
 * correlation starts in wo_open() (sched_waking or sched_wakeup_new),
 * which first closes whatever slot the task still holds -- "rewoken",
 * or "replaced" when the slot was opened under another pid (a non-leader
 * exec() gives the thread the leader's pid in de_thread(); a freed
 * task's memory is reused by a new one).  So the later events of a
 * wakeup trust the key alone, and nothing is matched on the pid, which
 * may change under an open correlation.  sched_process_free closes the
 * slot of a task being freed, and a sweeper closes slots that have
 * waited longer than tk_timeout_ms at any stage, so a slot whose
 * transition was lost (its lock busy: counted) cannot stay forever.
 */
#include <linux/hash.h>
#include <linux/irqflags.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "wakeoff.h"
#include "lib/wo_age.h"
#include "lib/wo_clock.h"
#include "compat/wo_compat.h"
#include "lib/wo_wakepath.h"

#define WO_WINDOW	8	/* keys probed per lookup: one cache line */
#define WO_OUTER_KERNEL	1	/* in_outer: a hooked clock syscall */
#define WO_OUTER_USER	2	/* in_outer: a hooked user clock function */

enum wo_stage {
	WO_ST_FREE,
	WO_ST_WAKING,	/* sched_waking seen */
	WO_ST_WOKEN,	/* sched_wakeup seen, not yet running */
	WO_ST_RUNNING,	/* running: waiting for its first clock read */
};

struct wo_slot {
	atomic_t busy;
	u8 stage;
	u8 on_rq;	/* still queued at sched_waking */
	u8 in_outer;	/* in a hooked syscall/user clock call: inner reads skip */
	u8 u_func;	/* in_outer == WO_OUTER_USER: the user hook's index */
	s8 u_clock;	/* ... the clock it reads */
	u8 no_ipi;	/* idle target woken without IPI, before sched_wakeup */
	pid_t pid;	/* at wo_open(): tells "rewoken" from "replaced" */
	unsigned long u_ptr;	/* in_outer == WO_OUTER_USER: the user pointer it fills */
	struct wakeoff_wakeup rec;
};

static struct task_struct **wo_keys;
static struct wo_slot *wo_slots;
static u32 wo_mask;
static unsigned int wo_bits;

DEFINE_PER_CPU(struct task_struct *, wo_armed);
static DEFINE_PER_CPU(u64, wo_wake_seq);
/* The task of this CPU's latest sched_waking (wo_corr_idle_no_ipi()). */
static DEFINE_PER_CPU(struct task_struct *, wo_waking);

/* try_to_wake_up entry flags, stashed until sched_waking on this CPU. */
#define WO_STASH	4
/*
 * wake_id = per-CPU sequence << WO_WAKE_ID_CPU_BITS | cpu: unique per
 * load without a shared counter; CONFIG_NR_CPUS is at most 8192.
 */
#define WO_WAKE_ID_CPU_BITS	13

/* Every value the probes store in a narrow record field fits it. */
static_assert(CONFIG_NR_CPUS - 1 <= U16_MAX);	/* the *_cpu fields */
static_assert(WAKEOFF_OUT_NR - 1 <= U8_MAX);	/* outcome */
static_assert(WAKEOFF_TK_SRC_NR - 1 <= U8_MAX);	/* tk_source */
static_assert(WAKEOFF_BLOCK_NR - 1 <= U8_MAX);	/* block_class */
static_assert(WO_CLOCKS - 1 <= U8_MAX);		/* tk_clock */
static_assert(WO_TK_FUNC_LIMIT - 1 == U8_MAX);	/* tk_func */
/* The stash and window indices wrap with their unsigned counters. */
static_assert((WO_STASH & (WO_STASH - 1)) == 0);
static_assert((WO_WINDOW & (WO_WINDOW - 1)) == 0);
/* wo_corr_tk_clock() indexes tk_skip[] by clock kind. */
static_assert(WO_CLK_FD - WO_CLK_CPUTIME == WO_TK_SKIP_FD);
static_assert(WO_CLK_INVALID - WO_CLK_CPUTIME == WO_TK_SKIP_INVALID);
struct wo_stash {
	struct task_struct *p[WO_STASH];
	u32 flags[WO_STASH];
	unsigned int next;
};

static DEFINE_PER_CPU(struct wo_stash, wo_stash);

int wo_corr_alloc(void)
{
	u32 n = roundup_pow_of_two(wo_max_inflight);

	wo_bits = ilog2(n);
	wo_mask = n - 1;
	/* +WO_WINDOW: a window never wraps, so it stays in one line. */
	wo_keys = vzalloc(array_size(n + WO_WINDOW, sizeof(*wo_keys)));
	wo_slots = vzalloc(array_size(n + WO_WINDOW, sizeof(*wo_slots)));
	if (!wo_keys || !wo_slots) {
		wo_corr_free();
		return -ENOMEM;
	}
	return 0;
}

void wo_corr_free(void)
{
	vfree(wo_keys);
	vfree(wo_slots);
	wo_keys = NULL;
	wo_slots = NULL;
}

static __always_inline u32 wo_hash(const struct task_struct *p)
{
	return hash_ptr(p, wo_bits) & ~(WO_WINDOW - 1);
}

static __always_inline bool wo_trylock(struct wo_slot *s)
{
	return atomic_cmpxchg_acquire(&s->busy, 0, 1) == 0;
}

static __always_inline void wo_unlock(struct wo_slot *s)
{
	atomic_set_release(&s->busy, 0);
}

/* @p's slot: there is at most one (see wo_open()). */
static struct wo_slot *wo_lookup(const struct task_struct *p)
{
	u32 base = wo_hash(p), i;

	for (i = 0; i < WO_WINDOW; i++)
		if (READ_ONCE(wo_keys[base + i]) == p)
			return &wo_slots[base + i];
	return NULL;
}

/*
 * Lock @p's slot for a transition.  NULL when @p has none; when its slot
 * is busy (another CPU holds it for a moment), the transition is lost:
 * counted, and the sweeper closes the slot if it stays stuck for it.
 */
static struct wo_slot *wo_lock_task(const struct task_struct *p)
{
	struct wo_slot *s = wo_lookup(p);

	if (!s)
		return NULL;
	if (!wo_trylock(s)) {
		this_cpu_inc(wo_stats.lost_busy);
		return NULL;
	}
	if (s->stage == WO_ST_FREE || READ_ONCE(wo_keys[s - wo_slots]) != p) {
		/* Closed (and maybe reclaimed) between lookup and lock. */
		wo_unlock(s);
		return NULL;
	}
	return s;
}

static struct wo_slot *wo_claim(struct task_struct *p)
{
	u32 base = wo_hash(p), i;

	for (i = 0; i < WO_WINDOW; i++)
		if (!READ_ONCE(wo_keys[base + i]) &&
		    !cmpxchg(&wo_keys[base + i], NULL, p))
			return &wo_slots[base + i];
	return NULL;
}

/* Close the correlation, emit its record, free the slot; unlocks. */
static void wo_close(struct wo_slot *s, enum wakeoff_outcome outcome)
{
	struct wakeoff_wakeup *rec = &s->rec;
	u32 idx = s - wo_slots;

	rec->outcome = outcome;
	/* Queued at sched_waking and never activated: ttwu_runnable(). */
	if (s->on_rq && !(rec->valid & WAKEOFF_V_ACTIVATE)) {
		rec->valid |= WAKEOFF_V_ON_RQ;
		this_cpu_inc(wo_stats.on_rq);
		if ((rec->valid & WAKEOFF_V_WAKEUP) &&
		    rec->target_cpu != rec->prev_cpu)
			this_cpu_inc(wo_stats.on_rq_moved);
	}
	rec->final_flags = wo_final_flags(rec);
	wo_wakepath_close(rec, s->no_ipi);
	this_cpu_inc(wo_stats.closed[outcome]);
	if (rec->final_flags & WF_MIGRATED_VAL)
		this_cpu_inc(wo_stats.migrated);
	wo_agg_close(rec);
	wo_offcpu_close(rec);
	wo_ring_write(&rec->hdr, WAKEOFF_REC_WAKEUP, sizeof(*rec));
	s->stage = WO_ST_FREE;
	s->in_outer = 0;
	wo_unlock(s);
	/* The slot's writes are done before anyone can claim it again. */
	smp_store_release(&wo_keys[idx], NULL);
}

static u8 wo_ctx(void)
{
	if (in_nmi())
		return WAKEOFF_CTX_NMI;
	if (in_hardirq())
		return WAKEOFF_CTX_HARDIRQ;
	if (in_serving_softirq())
		return WAKEOFF_CTX_SOFTIRQ;
	return WAKEOFF_CTX_TASK;
}

void wo_corr_caller_flags(struct task_struct *p, u32 wake_flags)
{
	struct wo_stash *st = this_cpu_ptr(&wo_stash);
	unsigned int i = this_cpu_inc_return(wo_stash.next) % WO_STASH;

	WRITE_ONCE(st->flags[i], wake_flags);
	WRITE_ONCE(st->p[i], p);
}

/*
 * sched_waking, IRQs off: the flags of @p's newest try_to_wake_up() on
 * this CPU.  Older entries for @p are calls that woke nothing (the task
 * was running, or not in the state asked for, as SIGCONT's
 * wake_up_state(t, __TASK_STOPPED)): they are dropped with it, so they
 * can never lend their flags to a later wakeup.
 */
static bool wo_take_caller_flags(struct task_struct *p, u32 *flags)
{
	struct wo_stash *st = this_cpu_ptr(&wo_stash);
	unsigned int newest = READ_ONCE(st->next), k, i;
	bool found = false;

	for (k = 0; k < WO_STASH; k++) {
		i = (newest - k) % WO_STASH;
		if (READ_ONCE(st->p[i]) != p)
			continue;
		if (!found) {
			*flags = READ_ONCE(st->flags[i]);
			found = true;
		}
		WRITE_ONCE(st->p[i], NULL);
	}
	return found;
}

static void wo_rec_start(struct wo_slot *s, struct task_struct *p)
{
	struct wakeoff_wakeup *rec = &s->rec;
	int cpu = smp_processor_id();

	BUILD_BUG_ON(CONFIG_NR_CPUS > 1 << WO_WAKE_ID_CPU_BITS);
	memset(rec, 0, sizeof(*rec));
	s->pid = p->pid;
	s->on_rq = !!READ_ONCE(p->on_rq);
	s->in_outer = 0;
	s->no_ipi = 0;
	rec->wake_id = (this_cpu_inc_return(wo_wake_seq) << WO_WAKE_ID_CPU_BITS) |
		       cpu;
	rec->run_id = READ_ONCE(wo_state.run_id);
	rec->pid = p->pid;
	rec->tgid = p->tgid;
	memcpy(rec->comm, p->comm, sizeof(rec->comm));
	rec->waker_pid = current->pid;
	rec->waker_tgid = current->tgid;
	memcpy(rec->waker_comm, current->comm, sizeof(rec->waker_comm));
	rec->waker_cpu = cpu;
	rec->waker_ctx = wo_ctx();
	rec->prev_cpu = task_cpu(p);
	rec->ts_waking = local_clock();
	rec->stack_id = wo_stack_capture();
}

/* Find or claim @p's slot, locked; NULL (and counted) if impossible. */
static struct wo_slot *wo_open(struct task_struct *p)
{
	struct wo_slot *s;

	this_cpu_inc(wo_stats.observed);
	s = wo_lookup(p);
	if (s) {
		if (!wo_trylock(s)) {
			this_cpu_inc(wo_stats.untracked_busy);
			return NULL;
		}
		/*
		 * The task's older correlation ends here: woken again before
		 * it slept, or opened under a pid the task no longer has.
		 */
		if (s->stage != WO_ST_FREE)
			wo_close(s, s->pid == p->pid ? WAKEOFF_OUT_REWOKEN :
						       WAKEOFF_OUT_REPLACED);
		else
			wo_unlock(s);
	}
	s = wo_claim(p);
	if (!s) {
		this_cpu_inc(wo_stats.untracked_full);
		return NULL;
	}
	if (!wo_trylock(s)) {
		/* The task's own event raced us: give the slot back. */
		smp_store_release(&wo_keys[s - wo_slots], NULL);
		this_cpu_inc(wo_stats.untracked_busy);
		return NULL;
	}
	return s;
}

/* A new correlation for a matching @p, its slot locked; or NULL. */
static struct wo_slot *wo_begin(struct task_struct *p)
{
	struct wo_slot *s;

	if (!wo_task_matches(p))
		return NULL;
	s = wo_open(p);
	if (s)
		wo_rec_start(s, p);
	return s;
}

/*
 * PREEMPT_RT: a task blocked on a contended spinlock_t/rwlock_t waits in
 * schedule_rtlock() with __state TASK_RTLOCK_WAIT (its own state kept in
 * saved_state), and the owner's unlock hands the lock over with
 * try_to_wake_up(p, TASK_RTLOCK_WAIT).  That is a lock wait inside the
 * task's run, not a sleep and a wakeup: the handoff opens no
 * correlation (counted), and the wait closes none.  A regular wakeup of
 * such a task only updates saved_state and fires no sched_waking, so
 * TASK_RTLOCK_WAIT at sched_waking is always the handoff.  The flag
 * exists on every kernel; only RT kernels set it.
 */
static __always_inline bool wo_rtlock_wait(unsigned int state)
{
	return state == TASK_RTLOCK_WAIT;
}

void wo_corr_waking(struct task_struct *p)
{
	struct wo_slot *s;
	u32 flags;

	if (wo_rtlock_wait(READ_ONCE(p->__state))) {
		if (wo_task_matches(p)) {
			this_cpu_inc(wo_stats.rtlock);
			/* Its stash entry is the handoff's: no wakeup takes it. */
			wo_take_caller_flags(p, &flags);
		}
		return;
	}
	s = wo_begin(p);
	/* Its blocking stamp ends here, recorded or not. */
	wo_block_take(p, s ? &s->rec : NULL);
	if (!s)
		return;
	if (wo_take_caller_flags(p, &flags)) {
		s->rec.caller_flags = flags;
		s->rec.valid |= WAKEOFF_V_CALLER_FLAGS;
	} else {
		this_cpu_inc(wo_stats.caller_flags_missed);
	}
	s->stage = WO_ST_WAKING;
	wo_unlock(s);
	this_cpu_write(wo_waking, p);
}

/* rq->clock of @cpu, if the BTF layout was found and validated. */
static __always_inline bool wo_read_rq_clock(int cpu, u64 *clock)
{
	if (!wo_rq.valid)
		return false;
	*clock = wo_rq_clock(cpu);
	return true;
}

/* sched_wakeup (under the target rq lock) or sched_wakeup_new. */
void wo_corr_wakeup(struct task_struct *p, bool new_task)
{
	struct wakeoff_wakeup *rec;
	struct wo_slot *s;
	int cpu;

	if (new_task) {
		/* No sched_waking for a new task: the record starts here. */
		s = wo_begin(p);
		if (!s)
			return;
		s->rec.caller_flags = WF_FORK_VAL;
		s->rec.valid |= WAKEOFF_V_CALLER_FLAGS | WAKEOFF_V_WAKEUP_NEW;
	} else {
		s = wo_lock_task(p);
		if (!s)
			return;
		if (s->stage != WO_ST_WAKING) {
			wo_unlock(s);
			return;
		}
	}
	rec = &s->rec;
	cpu = task_cpu(p);
	rec->ts_wakeup = local_clock();
	rec->target_cpu = cpu;
	rec->wakeup_cpu = smp_processor_id();
	rec->valid |= WAKEOFF_V_WAKEUP;
	rec->last_queued = wo_last_queued(p);
	if (wo_read_rq_clock(cpu, &rec->rq_clock_wakeup))
		rec->valid |= WAKEOFF_V_RQCLOCK;
	if (wo_rq_nr_running(cpu, &rec->rq_nr_running))
		rec->valid |= WAKEOFF_V_NR_RUNNING;
	if (READ_ONCE(p->on_cpu)) {
		/* Still on its CPU (it had not scheduled out): no switch-in. */
		rec->valid |= WAKEOFF_V_RUNNING;
		rec->run_cpu = cpu;
		s->stage = WO_ST_RUNNING;
		WRITE_ONCE(per_cpu(wo_armed, cpu), p);
	} else {
		s->stage = WO_ST_WOKEN;
	}
	wo_unlock(s);
}

void wo_corr_activate(struct task_struct *p, u32 wake_flags)
{
	struct wo_slot *s = wo_lock_task(p);

	if (!s)
		return;
	if (s->stage == WO_ST_WAKING) {
		s->rec.activate_flags = wake_flags;
		s->rec.valid |= WAKEOFF_V_ACTIVATE;
	}
	wo_unlock(s);
}

/*
 * sched_wake_idle_without_ipi(@cpu) on the waker's CPU, inside
 * try_to_wake_up() (or any other resched of an idle CPU): it belongs to
 * this CPU's latest sched_waking when that wakeup has not reached
 * sched_wakeup yet and its task was placed on @cpu.
 */
void wo_corr_idle_no_ipi(int cpu)
{
	struct task_struct *p = this_cpu_read(wo_waking);
	struct wo_slot *s;

	if (!p)
		return;
	s = wo_lock_task(p);
	if (!s)
		return;
	if (s->stage == WO_ST_WAKING && task_cpu(p) == cpu)
		s->no_ipi = 1;
	wo_unlock(s);
}

/*
 * sched_migrate_task: a task woken (sched_wakeup seen) but not yet
 * switched in is moved, e.g. by the load balancer or an affinity
 * change: it waited on the wrong CPU until now.
 */
void wo_corr_migrate(struct task_struct *p, int dest_cpu)
{
	struct wo_slot *s = wo_lock_task(p);
	struct wakeoff_wakeup *rec;

	if (!s)
		return;
	rec = &s->rec;
	if (s->stage == WO_ST_WOKEN) {
		if (!rec->premigrations) {
			rec->ts_premigrate = local_clock();
			rec->premigrate_cpu = dest_cpu;
			rec->valid |= WAKEOFF_V_PREMIGRATE;
		}
		if (rec->premigrations < U8_MAX)
			rec->premigrations++;
	}
	wo_unlock(s);
}

/*
 * Has @s waited longer than tk_timeout_ms, counted from its latest
 * stage's timestamp (taken on another CPU, maybe: see wo_age.h)?
 */
static bool wo_slot_expired(const struct wo_slot *s, u64 now)
{
	const struct wakeoff_wakeup *rec = &s->rec;
	u64 from = rec->ts_waking;
	bool negative, expired;

	if (rec->valid & WAKEOFF_V_SWITCH)
		from = rec->ts_switch;
	else if (rec->valid & WAKEOFF_V_WAKEUP)
		from = rec->ts_wakeup;
	expired = wo_age_expired(now, from, (u64)READ_ONCE(wo_tk_timeout_ms) *
				 NSEC_PER_MSEC, &negative);
	if (negative)
		wo_agg_negative_delta();
	return expired;
}

static void wo_switch_out(struct task_struct *prev, bool preempt,
			  unsigned int prev_state)
{
	struct wo_slot *s = wo_lock_task(prev);
	enum wakeoff_outcome out;

	if (!s)
		return;
	if (s->stage != WO_ST_RUNNING) {
		wo_unlock(s);
		return;
	}
	if (!preempt && (prev_state & TASK_DEAD)) {
		out = WAKEOFF_OUT_EXITED;
	} else if (!preempt && prev_state && !wo_rtlock_wait(prev_state)) {
		out = WAKEOFF_OUT_SLEPT;
	} else if (wo_slot_expired(s, local_clock())) {
		out = WAKEOFF_OUT_TIMEOUT;
	} else {
		wo_unlock(s);	/* preempted: still waiting for a read */
		return;
	}
	wo_close(s, out);
}

static void wo_switch_in(struct task_struct *next)
{
	struct wo_slot *s = wo_lock_task(next);
	struct wakeoff_wakeup *rec;
	int cpu;

	if (!s)
		return;
	if (s->stage == WO_ST_WOKEN) {
		rec = &s->rec;
		cpu = smp_processor_id();
		rec->ts_switch = local_clock();
		rec->run_cpu = cpu;
		rec->exec_start = next->se.exec_start;
		if (wo_read_rq_clock(cpu, &rec->rq_clock_switch))
			rec->valid |= WAKEOFF_V_RQCLOCK;
		rec->valid |= WAKEOFF_V_SWITCH;
		s->stage = WO_ST_RUNNING;
	}
	if (s->stage == WO_ST_RUNNING)
		this_cpu_write(wo_armed, next);
	wo_unlock(s);
}

/* sched_switch: rq lock held, IRQs off. */
void wo_corr_switch(bool preempt, struct task_struct *prev,
		    struct task_struct *next, unsigned int prev_state)
{
	if (this_cpu_read(wo_armed) == prev) {
		this_cpu_write(wo_armed, NULL);
		wo_switch_out(prev, preempt, prev_state);
	} else if (!preempt && prev_state) {
		/*
		 * Armed elsewhere or never switched in (wakeup on a running
		 * task that slept again): still close it when it sleeps.
		 */
		wo_switch_out(prev, preempt, prev_state);
	}
	wo_switch_in(next);
}

/* Timekeeping hook entry: is current waiting for its first read? */
bool wo_corr_tk_armed(void)
{
	return this_cpu_read(wo_armed) == current && in_task();
}

/*
 * A hooked clock syscall begins (@outer) or an in-kernel timekeeping
 * function is called: may this call be the first read?  Not when it is
 * nested in a hooked syscall of the same task: the syscall is the read
 * that counts.  The mark lives in the task's slot, not per CPU, so a
 * task that migrates inside clock_gettime() keeps it, and closing the
 * slot (the read, stop, reset) clears it.
 */
bool wo_corr_tk_enter(bool outer)
{
	struct task_struct *p = current;
	struct wo_slot *s;
	bool ok;

	if (!wo_corr_tk_armed())
		return false;
	s = wo_lookup(p);
	if (!s || READ_ONCE(s->in_outer))
		return false;
	if (!outer)
		return true;
	s = wo_lock_task(p);
	if (!s)
		return false;
	ok = s->stage == WO_ST_RUNNING;
	if (ok)
		s->in_outer = WO_OUTER_KERNEL;
	wo_unlock(s);
	return ok;
}

/* A hooked syscall returned without a value to record. */
void wo_corr_tk_leave(void)
{
	struct wo_slot *s = wo_lock_task(current);

	if (!s)
		return;
	s->in_outer = 0;
	wo_unlock(s);
}

/*
 * A task waiting for its first read calls a clock function with clock
 * @clockid: is that a timekeeping read?  CPU-time and fd clocks are not
 * (wo_clock.h); they are counted, never silently dropped.
 */
bool wo_corr_tk_clock(int clockid)
{
	enum wo_clock_kind k = wo_clock_kind(clockid);

	if (k == WO_CLK_TIME)
		return true;
	this_cpu_inc(wo_stats.tk_skip[k - WO_CLK_CPUTIME]);
	return false;
}

/* Preemption disabled. */
void wo_tk_stamp_now(struct wo_tk_stamp *st)
{
	st->cpu = smp_processor_id();
	st->now = local_clock();
	st->rq_ok = wo_read_rq_clock(st->cpu, &st->rq_clock);
	st->rq_stale = st->rq_ok ? (s64)(cpu_clock(st->cpu) - st->rq_clock) : 0;
}

/*
 * Timekeeping hook return, task context, preemption disabled: @func (its
 * index in the tk_hooks file) read @value_ns of @clock, seen at @source.
 */
void wo_corr_tkread(unsigned int func, u64 value_ns, u8 clock, u8 source)
{
	struct wo_tk_stamp st;

	wo_tk_stamp_now(&st);
	wo_corr_tkread_at(func, value_ns, clock, source, &st);
}

/*
 * The same, for a read stamped earlier (@st: at the hook's entry, when
 * the value is only taken on the way back to user space).
 */
void wo_corr_tkread_at(unsigned int func, u64 value_ns, u8 clock, u8 source,
		       const struct wo_tk_stamp *st)
{
	struct task_struct *p = current;
	struct wakeoff_wakeup *rec;
	struct wo_slot *s = wo_lock_task(p);

	if (!s)
		return;
	if (s->stage != WO_ST_RUNNING) {
		wo_unlock(s);
		return;
	}
	/*
	 * A syscall's read belongs to the wakeup whose slot its entry
	 * marked.  Without the mark the task slept inside the call (its
	 * copy to user space faulted): that slot closed, and this one,
	 * opened by a later wakeup, must not take a value read before it.
	 */
	if (source == WAKEOFF_TK_SRC_SYSCALL && s->in_outer != WO_OUTER_KERNEL) {
		wo_unlock(s);
		this_cpu_inc(wo_stats.tk_skip[WO_TK_SKIP_SLEPT]);
		return;
	}
	rec = &s->rec;
	rec->ts_tkread = st->now;
	rec->tk_cpu = st->cpu;
	rec->tk_func = func;
	rec->tk_value = value_ns;
	rec->tk_offset = (s64)(value_ns - st->now);
	rec->tk_clock = clock;
	rec->tk_source = source;
	rec->valid |= WAKEOFF_V_TK_CLOCK;
	if (st->rq_ok) {
		rec->rq_clock_tkread = st->rq_clock;
		rec->rq_stale_tkread = st->rq_stale;
	}
	rec->valid |= WAKEOFF_V_TKREAD;
	if (this_cpu_read(wo_armed) == p)
		this_cpu_write(wo_armed, NULL);
	wo_close(s, WAKEOFF_OUT_TKREAD);
}

/*
 * sched_process_free (an RCU callback, after the task's last event): no
 * event of this task can follow, and its memory may next hold a new
 * task, so whatever it still holds ends here.
 */
void wo_corr_free_task(struct task_struct *p)
{
	struct wo_slot *s = wo_lock_task(p);

	if (s)
		wo_close(s, WAKEOFF_OUT_EXITED);
}

/*
 * Close slot @i with @outcome if it is open (and, when @expired, only
 * if it waited longer than tk_timeout_ms); process context.  IRQs off: a probe on
 * this CPU would otherwise find its ring busy under us and drop.
 */
static void wo_close_slot(u32 i, enum wakeoff_outcome outcome, bool expired)
{
	struct wo_slot *s = &wo_slots[i];
	unsigned long flags;

	if (!READ_ONCE(wo_keys[i]))
		return;
	local_irq_save(flags);
	if (wo_trylock(s)) {
		if (s->stage != WO_ST_FREE &&
		    (!expired || wo_slot_expired(s, local_clock())))
			wo_close(s, outcome);
		else
			wo_unlock(s);
	}
	local_irq_restore(flags);
}

/* Serialises the sweeper with stop/reset/unload's flush. */
static DEFINE_MUTEX(wo_sweep_mutex);
static void wo_sweep(struct work_struct *work);
static DECLARE_DELAYED_WORK(wo_sweep_work, wo_sweep);

/* Half the timeout, 10 ms..1 s: a stuck slot closes within 1.5 timeouts. */
#define WO_SWEEP_MIN_MS		10U
#define WO_SWEEP_MAX_MS		1000U

static unsigned long wo_sweep_period(void)
{
	unsigned int ms = clamp(READ_ONCE(wo_tk_timeout_ms) / 2,
				WO_SWEEP_MIN_MS, WO_SWEEP_MAX_MS);

	return msecs_to_jiffies(ms);
}

/*
 * Close slots that waited longer than tk_timeout_ms, whatever their
 * stage: a task that runs on without a read, sleep or preemption, or a
 * slot whose transition was lost to a busy lock.
 */
static void wo_sweep(struct work_struct *work)
{
	u32 i;

	mutex_lock(&wo_sweep_mutex);
	if (READ_ONCE(wo_state.recording) && wo_keys)
		for (i = 0; i <= wo_mask + WO_WINDOW - 1; i++)
			wo_close_slot(i, WAKEOFF_OUT_TIMEOUT, true);
	mutex_unlock(&wo_sweep_mutex);
	schedule_delayed_work(&wo_sweep_work, wo_sweep_period());
}

void wo_corr_sweep_start(void)
{
	schedule_delayed_work(&wo_sweep_work, wo_sweep_period());
}

/* Before anything the sweeper touches (agg, rings, the table) is freed. */
void wo_corr_sweep_stop(void)
{
	cancel_delayed_work_sync(&wo_sweep_work);
}

/*
 * Close every open correlation (stop, reset, unload).  Only with the
 * probes quiesced: recording off and synchronize_rcu() done.
 */
void wo_corr_flush(void)
{
	u32 i;
	int cpu;

	if (!wo_keys)
		return;
	mutex_lock(&wo_sweep_mutex);
	for_each_possible_cpu(cpu)
		per_cpu(wo_armed, cpu) = NULL;
	for (i = 0; i <= wo_mask + WO_WINDOW - 1; i++)
		wo_close_slot(i, WAKEOFF_OUT_FLUSHED, false);
	mutex_unlock(&wo_sweep_mutex);
	wo_block_flush();
}

u64 wo_corr_inflight(void)
{
	u64 n = 0;
	u32 i;

	if (!wo_keys)
		return 0;
	for (i = 0; i <= wo_mask + WO_WINDOW - 1; i++)
		if (READ_ONCE(wo_keys[i]))
			n++;
	return n;
}

/*
 * User clock hooks (wo_uprobes.c), preemption disabled.  A hooked user
 * clock function is the outer read: its entry marks the slot, so that
 * the syscall fallback under it (hpet, vdso=0) and the kernel functions
 * that serve it do not count again, and keeps what its return needs:
 * the hook's index (@func), the clock and the user pointer (@uptr) the
 * function fills.  Closing the slot drops them with the mark.
 */
bool wo_corr_tk_enter_user(unsigned int func, unsigned long uptr, int clock)
{
	struct wo_slot *s;
	bool ok;

	if (!wo_corr_tk_armed())
		return false;
	s = wo_lock_task(current);
	if (!s)
		return false;
	ok = s->stage == WO_ST_RUNNING && !s->in_outer;
	if (ok) {
		s->in_outer = WO_OUTER_USER;
		s->u_func = func;
		s->u_clock = clock;
		s->u_ptr = uptr;
	}
	wo_unlock(s);
	return ok;
}

/*
 * The user hook @func returns: did its entry mark current's slot?  Then
 * *@uptr and *@clock are what the entry kept; the caller ends the read
 * with wo_corr_tkread() or wo_corr_tk_leave().
 */
bool wo_corr_tk_user_pending(unsigned int func, unsigned long *uptr,
			     int *clock)
{
	struct wo_slot *s = wo_lock_task(current);
	bool ok;

	if (!s)
		return false;
	ok = s->stage == WO_ST_RUNNING && s->in_outer == WO_OUTER_USER &&
	     s->u_func == func;
	if (ok) {
		*uptr = s->u_ptr;
		*clock = s->u_clock;
	}
	wo_unlock(s);
	return ok;
}
