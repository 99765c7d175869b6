/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wakeoff: binary record format shared by the kernel module and the
 * userspace reader.  This is the only header both sides include.
 *
 * Every record starts with struct wakeoff_rec_hdr.  A reader checks the
 * magic, refuses a major ABI it does not know, and uses hdr.size to skip
 * record types it does not understand, so new record types and new
 * trailing fields (minor ABI bumps) never break an older reader.
 *
 * All integers are little-endian host order of the recording machine
 * (x86_64 only for now); the file header written by the reader says so.
 */
#ifndef _UAPI_WAKEOFF_H
#define _UAPI_WAKEOFF_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/build_bug.h>	/* static_assert */
#else
#include <assert.h>		/* static_assert (C11) */
#endif

#define WAKEOFF_ABI_MAJOR	1	/* incompatible layout change */
#define WAKEOFF_ABI_MINOR	5	/* compatible additions */

#define WAKEOFF_REC_MAGIC	0x574f	/* "WO" */
#define WAKEOFF_REC_ALIGN	8	/* every record size is a multiple */

#define WAKEOFF_COMM_LEN	16	/* TASK_COMM_LEN */

/*
 * read() of the events file never splits a record: a buffer smaller than
 * the next record gets EINVAL.  No record of ABI major 1 is larger than
 * this, so a buffer of this size always gets at least one record.
 */
#define WAKEOFF_REC_MAX_SIZE	4096

/* Record types (struct wakeoff_rec_hdr.type). */
enum wakeoff_rec_type {
	WAKEOFF_REC_WAKEUP	= 1,	/* one closed wakeup correlation */
	WAKEOFF_REC_RUN		= 2,	/* run id / label change marker */
	WAKEOFF_REC_SCHED_EVENT	= 3,	/* ABI 1.5: NUMA move or PI change */
};

struct wakeoff_rec_hdr {
	__u16 magic;		/* WAKEOFF_REC_MAGIC */
	__u8  abi_major;	/* WAKEOFF_ABI_MAJOR of the writer */
	__u8  type;		/* enum wakeoff_rec_type */
	__u16 size;		/* bytes, header included, WAKEOFF_REC_ALIGN'ed */
	__u16 cpu;		/* CPU whose buffer carried the record */
	__u64 seq;		/* per-CPU sequence; each drop is a gap */
};

/* Context of the waker at sched_waking (wakeoff_wakeup.waker_ctx). */
enum wakeoff_ctx {
	WAKEOFF_CTX_TASK	= 0,
	WAKEOFF_CTX_SOFTIRQ	= 1,
	WAKEOFF_CTX_HARDIRQ	= 2,
	WAKEOFF_CTX_NMI		= 3,
};

/* How a correlation closed (wakeoff_wakeup.outcome). */
enum wakeoff_outcome {
	WAKEOFF_OUT_TKREAD	= 0,	/* the task read a clock: tk_* valid */
	WAKEOFF_OUT_SLEPT	= 1,	/* it slept again without a read */
	WAKEOFF_OUT_EXITED	= 2,	/* it exited without a read */
	WAKEOFF_OUT_TIMEOUT	= 3,	/* no read within tk_timeout_ms */
	WAKEOFF_OUT_REWOKEN	= 4,	/* woken again before it ever slept */
	WAKEOFF_OUT_FLUSHED	= 5,	/* still open at stop or reset */
	/*
	 * ABI 1.3: a new wakeup of the same task found this one still open
	 * under another pid (a non-leader exec() took the leader's pid, or
	 * a freed task's memory was reused): it ends here.
	 */
	WAKEOFF_OUT_REPLACED	= 6,
	WAKEOFF_OUT_NR,
};

/*
 * Where the first timekeeping read was seen (wakeoff_wakeup.tk_source):
 * a hook on the application's own clock function (the C library's
 * clock_gettime(), served by the vDSO without entering the kernel), the
 * system call, or an in-kernel timekeeping function.
 */
enum wakeoff_tk_source {
	WAKEOFF_TK_SRC_UNKNOWN	= 0,	/* records before ABI 1.3 */
	WAKEOFF_TK_SRC_USER	= 1,
	WAKEOFF_TK_SRC_SYSCALL	= 2,
	WAKEOFF_TK_SRC_KERNEL	= 3,
	WAKEOFF_TK_SRC_NR,
};

/* Bits of wakeoff_wakeup.valid: which fields hold a measured value. */
#define WAKEOFF_V_CALLER_FLAGS	0x01U   /* kprobe try_to_wake_up saw it */
#define WAKEOFF_V_ACTIVATE	0x02U   /* kprobe ttwu_do_activate saw it */
#define WAKEOFF_V_WAKEUP	0x04U   /* sched_wakeup seen */
#define WAKEOFF_V_SWITCH	0x08U   /* switched in (ts_switch, run_cpu) */
#define WAKEOFF_V_RQCLOCK	0x10U   /* rq_clock_* read via BTF offsets */
#define WAKEOFF_V_TKREAD	0x20U   /* tk_* fields */
#define WAKEOFF_V_WAKEUP_NEW	0x40U   /* first wakeup of a new task */
#define WAKEOFF_V_RUNNING	0x80U   /* wakee was running at wakeup */
#define WAKEOFF_V_NR_RUNNING	0x100U  /* rq_nr_running (ABI 1.2) */
/*
 * ABI 1.3: the wakee was still queued on a runqueue at sched_waking and
 * no ttwu_do_activate() followed: the kernel's ttwu_runnable() path,
 * which never sets WF_MIGRATED, even if the load balancer moved the task
 * meanwhile (prev_cpu != target_cpu then says so).
 */
#define WAKEOFF_V_ON_RQ		0x200U
#define WAKEOFF_V_TK_CLOCK	0x400U	/* tk_clock, tk_source (ABI 1.3) */
#define WAKEOFF_V_OFFCPU	0x800U	/* ts_blocked, block_* (ABI 1.4) */
#define WAKEOFF_V_WAKE_PATH	0x1000U	/* wake_path, wakeup_cpu (ABI 1.5) */
#define WAKEOFF_V_PREMIGRATE	0x2000U	/* ts_premigrate, premigrate_* (1.5) */

/*
 * ABI 1.4: how the wakee blocked (wakeoff_wakeup.block_class), from the
 * prev_state of the sched_switch that took it off its CPU.  The letters
 * are the ones ps(1) shows.  TASK_KILLABLE (a vfork() parent, most
 * mutex_lock_killable() waits) has TASK_UNINTERRUPTIBLE set: "D".
 */
enum wakeoff_block {
	WAKEOFF_BLOCK_NONE		= 0,	/* no blocking switch-out seen */
	WAKEOFF_BLOCK_INTERRUPTIBLE	= 1,	/* S: TASK_INTERRUPTIBLE */
	WAKEOFF_BLOCK_UNINTERRUPTIBLE	= 2,	/* D: TASK_UNINTERRUPTIBLE */
	WAKEOFF_BLOCK_IDLE		= 3,	/* I: TASK_IDLE (D, no load) */
	WAKEOFF_BLOCK_OTHER		= 4,	/* stopped, traced, parked... */
	WAKEOFF_BLOCK_NR,
};

/*
 * ABI 1.5: how the wakeup reached its target CPU (wakeoff_wakeup.wake_path),
 * inferred at close from the CPU that ran sched_waking (waker_cpu), the
 * one that ran sched_wakeup (wakeup_cpu) and task_cpu() there
 * (target_cpu); README "How the wake path is decided".
 */
enum wakeoff_wake_path {
	WAKEOFF_PATH_NONE	= 0,	/* no sched_wakeup seen */
	WAKEOFF_PATH_LOCAL	= 1,	/* enqueued on the waker's own CPU */
	WAKEOFF_PATH_REMOTE	= 2,	/* enqueued by the waker, target's lock */
	WAKEOFF_PATH_WAKELIST	= 3,	/* ttwu_queue_wakelist(), IPI sent */
	WAKEOFF_PATH_IDLE_POLL	= 4,	/* polling idle target, no IPI */
	WAKEOFF_PATH_RUNNABLE	= 5,	/* still queued: ttwu_runnable() */
	WAKEOFF_PATH_OTHER	= 6,	/* sched_wakeup on a third CPU */
	WAKEOFF_PATH_NR,
};

/*
 * One wakeup, from sched_waking (or sched_wakeup_new) to the close of
 * its correlation.  All ts_* are local_clock() nanoseconds (the clock
 * the scheduler's rq->clock follows); rq_clock_* are raw rq->clock.
 */
struct wakeoff_wakeup {
	struct wakeoff_rec_hdr hdr;
	__u64 wake_id;		/* unique per module load */
	__u64 run_id;		/* set with "run <id> [label]" */
	__s32 pid;		/* wakee */
	__s32 tgid;
	__s32 waker_pid;
	__s32 waker_tgid;
	char  comm[WAKEOFF_COMM_LEN];
	char  waker_comm[WAKEOFF_COMM_LEN];
	__u16 waker_cpu;	/* CPU that ran sched_waking */
	__u16 prev_cpu;		/* task_cpu(wakee) at sched_waking */
	__u16 target_cpu;	/* task_cpu(wakee) at sched_wakeup */
	__u16 run_cpu;		/* CPU of the first switch-in */
	__u16 tk_cpu;		/* CPU of the first timekeeping read */
	__u8  waker_ctx;	/* enum wakeoff_ctx */
	__u8  outcome;		/* enum wakeoff_outcome */
	__u8  tk_func;		/* index into the "tk_hooks" list */
	/* ABI 1.3 (was padding), valid with WAKEOFF_V_TK_CLOCK: */
	__u8  tk_clock;		/* clockid_t of the read (CLOCK_*) */
	__u8  tk_source;	/* enum wakeoff_tk_source */
	__u8  wake_path;	/* enum wakeoff_wake_path (1.5, was padding) */
	__u32 caller_flags;	/* wake_flags at try_to_wake_up entry */
	__u32 activate_flags;	/* wake_flags at ttwu_do_activate */
	__u32 final_flags;	/* caller | WF_MIGRATED | kernel-added bits */
	__u32 valid;		/* WAKEOFF_V_* */
	__u64 ts_waking;
	__u64 ts_wakeup;
	__u64 ts_switch;
	__u64 ts_tkread;
	__u64 rq_clock_wakeup;	/* target rq->clock at sched_wakeup */
	__u64 rq_clock_switch;	/* run CPU's rq->clock at switch-in */
	__u64 rq_clock_tkread;	/* tk CPU's rq->clock at the read */
	__s64 rq_stale_tkread;	/* sched_clock_cpu() - rq->clock at the read */
	__u64 last_queued;	/* wakee sched_info.last_queued at wakeup */
	__u64 exec_start;	/* wakee se.exec_start at switch-in */
	__u64 tk_value;		/* what the read returned, in ns */
	__s64 tk_offset;	/* tk_value - local_clock() at the read */
	/* ABI 1.1 */
	__u32 stack_id;		/* waker stack cluster ("stacks" file), 0: none */
	/* ABI 1.2 (was padding: 0 in 1.1 records) */
	__u32 rq_nr_running;	/* target rq->nr_running at sched_wakeup */
	/*
	 * ABI 1.4, valid with WAKEOFF_V_OFFCPU: the switch-out at which the
	 * wakee blocked.  Off-CPU time is ts_waking - ts_blocked (two CPUs'
	 * local_clock(): taken as 0 if negative).
	 */
	__u64 ts_blocked;	/* local_clock() at that sched_switch */
	__u32 block_state;	/* its prev_state, raw (TASK_* bits) */
	__u32 block_stack_id;	/* "offcpu_stacks" cluster, 0: none */
	__u16 block_cpu;	/* CPU it switched out on */
	__u8  block_class;	/* enum wakeoff_block */
	/*
	 * ABI 1.5 (was padding).  Valid with WAKEOFF_V_PREMIGRATE:
	 * sched_migrate_task moved the wakee after sched_wakeup and before
	 * its first switch-in; the wait on the wrong CPU is ts_premigrate -
	 * ts_wakeup.  wakeup_cpu is valid with WAKEOFF_V_WAKE_PATH.
	 */
	__u8  premigrations;	/* how many such moves (saturates at 255) */
	__u16 wakeup_cpu;	/* CPU that ran sched_wakeup */
	__u16 premigrate_cpu;	/* destination of the first such move */
	__u64 ts_premigrate;	/* local_clock() at the first such move (1.5) */
};

#define WAKEOFF_LABEL_LEN	64

/* Emitted when userspace sets a new run id and label. */
struct wakeoff_run {
	struct wakeoff_rec_hdr hdr;
	__u64 run_id;
	__u64 ts;		/* local_clock() */
	char  label[WAKEOFF_LABEL_LEN];	/* NUL-terminated */
};

/* ABI 1.5: which tracepoint a sched event record comes from. */
enum wakeoff_sched_ev {
	WAKEOFF_SEV_MOVE_NUMA	= 0,	/* sched_move_numa */
	WAKEOFF_SEV_SWAP_NUMA	= 1,	/* sched_swap_numa */
	WAKEOFF_SEV_STICK_NUMA	= 2,	/* sched_stick_numa */
	WAKEOFF_SEV_PI_SETPRIO	= 3,	/* sched_pi_setprio */
	WAKEOFF_SEV_NR,
};

/* ABI 1.5: the task's scheduling policy, as a class (task->policy). */
enum wakeoff_task_class {
	WAKEOFF_TCLASS_FAIR	= 0,	/* SCHED_NORMAL, SCHED_BATCH, SCHED_IDLE */
	WAKEOFF_TCLASS_RT	= 1,	/* SCHED_FIFO, SCHED_RR */
	WAKEOFF_TCLASS_DL	= 2,	/* SCHED_DEADLINE */
	WAKEOFF_TCLASS_OTHER	= 3,	/* SCHED_EXT or unknown */
	WAKEOFF_TCLASS_NR,
};

/*
 * ABI 1.5: one NUMA balancing decision or priority-inheritance change,
 * written by the CPU that ran the tracepoint.  NUMA events: src/dst are
 * the tracepoint's CPUs and their nodes (dst_cpu 0xffff and dst_nid -1
 * when sched_stick_numa had no target); other_pid is the swapped task
 * (0: none).  sched_pi_setprio: src_cpu == dst_cpu == task_cpu(), the
 * nodes are its node, old_prio/new_prio as tracefs prints them, and
 * other_pid is the top PI waiter (0: the boost ends).
 */
struct wakeoff_sched_event {
	struct wakeoff_rec_hdr hdr;
	__u64 ts;		/* local_clock() */
	__u64 run_id;
	__s32 pid;		/* the moved, swapped or re-prioritised task */
	__s32 tgid;
	char  comm[WAKEOFF_COMM_LEN];
	__s32 other_pid;
	__s32 old_prio;		/* PI only, else 0 */
	__s32 new_prio;		/* PI only, else 0 */
	__u16 src_cpu;
	__u16 dst_cpu;
	__s16 src_nid;
	__s16 dst_nid;
	__u8  event;		/* enum wakeoff_sched_ev */
	__u8  task_class;	/* enum wakeoff_task_class of pid */
	__u8  pad0[2];
};

/*
 * Sizes per ABI minor: a reader accepts any wakeup record at least as
 * large as the 1.0 layout and reads fields past its size as absent (their
 * WAKEOFF_V_* bit is then clear, or the field is 0, as documented above).
 */
#define WAKEOFF_WAKEUP_SIZE_1_0	208	/* up to tk_offset */
#define WAKEOFF_WAKEUP_SIZE_1_3	216	/* 1.1: + stack_id; 1.2, 1.3 used padding */
#define WAKEOFF_WAKEUP_SIZE_1_4	240	/* 1.4: + off-CPU fields */
#define WAKEOFF_WAKEUP_SIZE	248	/* 1.5: + ts_premigrate */
#define WAKEOFF_RUN_SIZE	96
#define WAKEOFF_SCHED_EVENT_SIZE	80	/* 1.5 */

/* Why a record was refused (wakeoff_rec_check()); 0 means valid. */
enum wakeoff_rec_err {
	WAKEOFF_REC_OK = 0,
	WAKEOFF_REC_ESHORT,	/* fewer bytes left than a header */
	WAKEOFF_REC_EMAGIC,	/* not WAKEOFF_REC_MAGIC */
	WAKEOFF_REC_EABI,	/* another ABI major */
	WAKEOFF_REC_ESIZE,	/* size < header, unaligned, too large or cut */
	WAKEOFF_REC_ETYPE_SIZE,	/* a known type smaller than its 1.0 layout */
};

/*
 * The one check of a record's framing, used by the module's events
 * reader, the CLI, the selftests and the bench: @len bytes are left from
 * @p (which need not be aligned).  Unknown types pass (a newer minor may
 * add some: skip them by hdr.size).
 */
static inline enum wakeoff_rec_err
wakeoff_rec_check(const void *p, unsigned long len)
{
	struct wakeoff_rec_hdr h;

	if (len < sizeof(h))
		return WAKEOFF_REC_ESHORT;
	__builtin_memcpy(&h, p, sizeof(h));
	if (h.magic != WAKEOFF_REC_MAGIC)
		return WAKEOFF_REC_EMAGIC;
	if (h.abi_major != WAKEOFF_ABI_MAJOR)
		return WAKEOFF_REC_EABI;
	if (h.size < sizeof(h) || h.size % WAKEOFF_REC_ALIGN ||
	    h.size > WAKEOFF_REC_MAX_SIZE || h.size > len)
		return WAKEOFF_REC_ESIZE;
	if ((h.type == WAKEOFF_REC_WAKEUP && h.size < WAKEOFF_WAKEUP_SIZE_1_0) ||
	    (h.type == WAKEOFF_REC_RUN && h.size < WAKEOFF_RUN_SIZE) ||
	    (h.type == WAKEOFF_REC_SCHED_EVENT &&
	     h.size < WAKEOFF_SCHED_EVENT_SIZE))
		return WAKEOFF_REC_ETYPE_SIZE;
	return WAKEOFF_REC_OK;
}

/* The layout is ABI: a change here needs a new minor (or major). */
static_assert(sizeof(struct wakeoff_rec_hdr) == 16, "wakeoff_rec_hdr");
static_assert(sizeof(struct wakeoff_wakeup) == WAKEOFF_WAKEUP_SIZE,
	      "wakeoff_wakeup");
static_assert(sizeof(struct wakeoff_run) == WAKEOFF_RUN_SIZE, "wakeoff_run");
static_assert(sizeof(struct wakeoff_sched_event) == WAKEOFF_SCHED_EVENT_SIZE,
	      "wakeoff_sched_event");
static_assert(__builtin_offsetof(struct wakeoff_wakeup, stack_id) ==
	      WAKEOFF_WAKEUP_SIZE_1_0, "1.0 layout ends at stack_id");
static_assert(__builtin_offsetof(struct wakeoff_wakeup, ts_blocked) ==
	      WAKEOFF_WAKEUP_SIZE_1_3, "1.3 layout ends at ts_blocked");
static_assert(__builtin_offsetof(struct wakeoff_wakeup, ts_premigrate) ==
	      WAKEOFF_WAKEUP_SIZE_1_4, "1.4 layout ends at ts_premigrate");
static_assert(WAKEOFF_WAKEUP_SIZE <= WAKEOFF_REC_MAX_SIZE, "max size");

/*
 * The log-linear histogram of the in-kernel summary, shared so that a
 * reader can bucket its own values exactly as the module does: values
 * (ns) below 2^SUB_BITS have a bucket each; above, every power of two is
 * split into 2^SUB_BITS equal buckets (relative width <= 1/16 = 6.25%).
 * Values of 2^MAX_BITS ns (about 18 minutes) and more share the last
 * bucket.  A percentile is reported as the upper bound of the bucket that
 * holds the nearest-rank sample (rank = ceil(p/100 * count)), clamped to
 * the exact maximum.
 */
#define WAKEOFF_HIST_SUB_BITS	4
#define WAKEOFF_HIST_MAX_BITS	40
#define WAKEOFF_HIST_SUB	16U	/* 2^WAKEOFF_HIST_SUB_BITS */
#define WAKEOFF_HIST_BUCKETS	\
	((WAKEOFF_HIST_MAX_BITS - WAKEOFF_HIST_SUB_BITS + 1) * WAKEOFF_HIST_SUB)

/*
 * The nearest rank of the @pct-th percentile of @n samples, 1-based:
 * ceil(pct/100 * n), at least 1.  Every percentile wakeoff prints (the
 * module's summary, the CLI's reports, plots and interval view) uses it.
 */
static inline __u64 wakeoff_pct_rank(__u64 n, unsigned int pct)
{
	__u64 r = (n * pct + 99) / 100;

	return r ? r : 1;
}

static inline __u32 wakeoff_hist_bucket(__u64 v)
{
	unsigned int e;

	if (v < WAKEOFF_HIST_SUB)
		return (__u32)v;
	e = 63 - __builtin_clzll(v);
	if (e >= WAKEOFF_HIST_MAX_BITS)
		return WAKEOFF_HIST_BUCKETS - 1;
	return ((e - WAKEOFF_HIST_SUB_BITS + 1) << WAKEOFF_HIST_SUB_BITS) +
	       (__u32)((v >> (e - WAKEOFF_HIST_SUB_BITS)) &
		       (WAKEOFF_HIST_SUB - 1));
}

/* Smallest value of bucket @b. */
static inline __u64 wakeoff_hist_lower(__u32 b)
{
	unsigned int g = b >> WAKEOFF_HIST_SUB_BITS;

	if (!g)
		return b;
	return (__u64)(WAKEOFF_HIST_SUB + (b & (WAKEOFF_HIST_SUB - 1))) <<
	       (g - 1);
}

/* Largest value of bucket @b (the last bucket is open-ended). */
static inline __u64 wakeoff_hist_upper(__u32 b)
{
	if (b >= WAKEOFF_HIST_BUCKETS - 1)
		return ~0ULL;
	return wakeoff_hist_lower(b + 1) - 1;
}

#endif /* _UAPI_WAKEOFF_H */
