/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: module-internal declarations shared by the module's files.
 */
#ifndef _WAKEOFF_INTERNAL_H
#define _WAKEOFF_INTERNAL_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "uapi/wakeoff.h"

/* WO_VERSION: from the top-level VERSION file, through module/Kbuild. */
#define WAKEOFF_VERSION WO_VERSION

/* User clock hooks at once (probes/wo_uprobes.c). */
#define WO_UP_MAX	8
/* Values the record's u8 tk_func can take. */
#define WO_TK_FUNC_LIMIT	256

/* Scheduler tracepoints wakeoff attaches to; index into wo_tp_table. */
enum wo_event {
	WO_EV_WAKING,
	WO_EV_WAKEUP,
	WO_EV_WAKEUP_NEW,
	WO_EV_SWITCH,
	WO_EV_MIGRATE,
	WO_EV_FREE,
	WO_EV_NR,
};

/* Timekeeping reads skipped, by kind (wo_clock_kind() minus WO_CLK_CPUTIME). */
enum {
	WO_TK_SKIP_CPUTIME, WO_TK_SKIP_FD, WO_TK_SKIP_INVALID,
	WO_TK_SKIP_SLEPT,	/* a syscall's read, after its task slept in it */
	WO_TK_SKIP_NO_ITEM,	/* a syscall's read, no return item free */
	WO_TK_SKIP_NR
};

/*
 * Per-CPU counters, written only on their own CPU by probes (IRQ-safe
 * this_cpu ops).  Conservation, summed over CPUs:
 *   observed == untracked_full + untracked_busy + inflight + n_closed
 *   n_closed == recorded + dropped_full + dropped_nested
 * (n_closed: the sum of closed[]; recorded also counts run records)
 */
struct wo_cpu_stats {
	u64 seen[WO_EV_NR];	/* every event the probe observed */
	u64 matched[WO_EV_NR];	/* events whose task passed the filter */
	u64 observed;		/* wakeups that passed the filter */
	u64 untracked_full;	/* ... with no free in-flight slot */
	u64 untracked_busy;	/* ... whose slot was busy on another CPU */
	u64 closed[WAKEOFF_OUT_NR];	/* correlations closed, by outcome */
	u64 migrated;		/* closed with WF_MIGRATED */
	u64 recorded;		/* records written to this CPU's buffer */
	u64 dropped_full;	/* ... lost: buffer full */
	u64 dropped_nested;	/* ... lost: NMI or nested writer */
	u64 caller_flags_missed;	/* no try_to_wake_up kprobe hit paired */
	u64 lost_busy;		/* transitions lost: the slot was locked */
	u64 tk_skip[WO_TK_SKIP_NR];	/* reads skipped (WO_TK_SKIP_*) */
	u64 on_rq;		/* closed wakeups of a still-queued task */
	u64 on_rq_moved;	/* ... that the load balancer had moved */
	u64 rtlock;		/* RT lock handoffs: not wakeups, not counted */
};

/* lib/wo_stats.c */
DECLARE_PER_CPU(struct wo_cpu_stats, wo_stats);
void wo_stats_sum(struct wo_cpu_stats *sum);
void wo_stats_reset(void);

/* Longest cgroup path "filter cgroup" keeps (the command is <= 256). */
#define WO_CGROUP_PATH_LEN	256

struct cgroup;

/*
 * Task filter, applied to the woken task.  Replaced as a whole under RCU
 * so a probe never sees a half-written filter; a NULL pointer means
 * "match every task".  Each filter holds its own reference on @cgrp,
 * dropped after the grace period that retires the filter.
 */
struct wo_filter {
	pid_t pid;		/* 0: any */
	pid_t tgid;		/* 0: any */
	char comm[TASK_COMM_LEN];	/* "": any */
	struct cgroup *cgrp;	/* cgroup v2, descendants included; NULL: any */
	char cgroup_path[WO_CGROUP_PATH_LEN];	/* as written, for display */
	struct rcu_head rcu;
};

/*
 * The module's mutable control state, one instance (wo_state, defined in
 * iface/wo_control.c).  Contexts and locking:
 *  - @control_lock (mutex, process context) serialises control commands
 *    (both control files) and guards every member they rewrite;
 *  - @recording: written with WRITE_ONCE() under @control_lock, and by
 *    init and exit when no command can run; read in probe context with
 *    READ_ONCE() (read-mostly, no lock);
 *  - @run_id: written under @control_lock with WRITE_ONCE() after its
 *    summary block exists; read by probes with READ_ONCE();
 *  - @run_label, @last_error: written and read under @control_lock only
 *    (a label read without it may be torn); @last_error points to a
 *    static string;
 *  - @filter: RCU; replaced under @control_lock, read by probes inside
 *    their implicit RCU-sched section (rcu_dereference_sched());
 *  - @reader_tgid: the tgid holding "events" open, 0: none; written on
 *    its open and release (one reader at a time), read by probes with
 *    READ_ONCE().
 */
struct wo_state {
	struct mutex control_lock;	/* serialises commands, see above */
	bool recording;		/* on once wakeoff_init() attached every hook */
	u64 run_id;
	char run_label[WAKEOFF_LABEL_LEN];
	const char *last_error;
	struct wo_filter __rcu *filter;
	pid_t reader_tgid;
};

extern struct wo_state wo_state;

/* Module parameters (wo_main.c). */
extern unsigned int wo_bufsize_kb;
extern unsigned int wo_max_inflight;
extern unsigned int wo_tk_timeout_ms;
extern char *wo_tk_hooks_param;

/* wo_tracepoints.c */
extern const char * const wo_event_names[WO_EV_NR];
int wo_tracepoints_attach(void);
void wo_tracepoints_detach(void);
bool wo_tracepoint_attached(enum wo_event ev);
bool wo_task_matches(const struct task_struct *p);

/* wo_btf.c: struct rq layout from the kernel's BTF. */
struct wo_rq_layout {
	bool valid;
	const char *why;	/* static string: how it was found, or not */
	u32 clock_off, cpu_off, size;
	u32 nr_running_off;		/* 0: not found or not validated */
	unsigned long runqueues_off;	/* per-CPU offset of runqueues */
};

extern struct wo_rq_layout wo_rq;
void wo_btf_init(void);
u64 wo_rq_clock(int cpu);	/* only when wo_rq.valid */
bool wo_rq_nr_running(int cpu, u32 *nr);

/* lib/wo_ring.c: per-CPU record buffers. */
struct file;
struct poll_table_struct;
int wo_rings_alloc(void);
void wo_rings_free(void);
void wo_rings_sync(void);
void wo_rings_reset(void);
bool wo_ring_write(struct wakeoff_rec_hdr *hdr, u16 type, u16 size);
void wo_rings_set_reader(bool open);
bool wo_rings_have_data(void);
ssize_t wo_rings_read(char __user *ubuf, size_t count);
int wo_rings_wait(void);
void wo_rings_poll_wait(struct file *file, struct poll_table_struct *wait);

/* iface/wo_events.c: the events file that drains them. */
extern const struct file_operations wo_events_fops;

/* wo_corr.c: wakeup correlation. */
int wo_corr_alloc(void);
void wo_corr_free(void);
void wo_corr_waking(struct task_struct *p);
void wo_corr_wakeup(struct task_struct *p, bool new_task);
void wo_corr_switch(bool preempt, struct task_struct *prev,
		    struct task_struct *next, unsigned int prev_state);
void wo_corr_activate(struct task_struct *p, u32 wake_flags);
void wo_corr_caller_flags(struct task_struct *p, u32 wake_flags);
bool wo_corr_tk_armed(void);
/*
 * Per CPU, the task whose correlation waits for its first timekeeping
 * read here (NULL: none).  Timekeeping hooks test it before anything
 * else: nearly every caller is some other task.
 */
DECLARE_PER_CPU(struct task_struct *, wo_armed);
static __always_inline bool wo_tk_waits(void)
{
	return this_cpu_read(wo_armed) == current;
}

bool wo_corr_tk_enter(bool outer);
void wo_corr_tk_leave(void);
bool wo_corr_tk_clock(int clockid);
void wo_corr_tkread(unsigned int func, u64 value_ns, u8 clock, u8 source);
/* When and where a read happened: taken at its hook, preemption off. */
struct wo_tk_stamp {
	u64 now;		/* local_clock() */
	u64 rq_clock;		/* the CPU's rq->clock, if rq_ok */
	s64 rq_stale;		/* cpu_clock() - rq_clock */
	int cpu;
	bool rq_ok;
};

void wo_tk_stamp_now(struct wo_tk_stamp *st);
void wo_corr_tkread_at(unsigned int func, u64 value_ns, u8 clock, u8 source,
		       const struct wo_tk_stamp *st);
bool wo_corr_tk_enter_user(unsigned int func, unsigned long uptr, int clock);
bool wo_corr_tk_user_pending(unsigned int func, unsigned long *uptr,
			     int *clock);
void wo_corr_free_task(struct task_struct *p);
void wo_corr_flush(void);
void wo_corr_sweep_start(void);
void wo_corr_sweep_stop(void);
u64 wo_corr_inflight(void);

/* wo_kprobes.c: try_to_wake_up, ttwu_do_activate, timekeeping hooks. */
int wo_kprobes_attach(void);
void wo_kprobes_detach(void);
void wo_kprobes_show(struct seq_file *m);
void wo_tk_hooks_show(struct seq_file *m);
const char *wo_tk_name(unsigned int index);	/* NULL past the end */
unsigned int wo_tk_kernel_nr(void);	/* kernel hooks: indices below */
void wo_tk_sources(bool *syscall, bool *kernel);	/* attached kinds */

/* wo_uprobes.c: user clock hooks (uprobes on libc's clock functions). */
int wo_cmd_uprobe(char **rest, const char **why);
void wo_uprobes_clear(void);
void wo_uprobes_show(struct seq_file *m);
void wo_uprobes_tk_show(struct seq_file *m, unsigned int first);
unsigned int wo_uprobes_nr(void);
const char *wo_uprobe_name(unsigned int slot);	/* summary key; NULL: unused */

/* wo_flags.c: the running kernel's wake_flags. */
extern const struct wo_flag_name {
	const char *name;
	u32 value;
} wo_wake_flags[];
u32 wo_final_flags(const struct wakeoff_wakeup *rec);
void wo_flags_name(u32 flags, char *buf, size_t len);

/* wo_agg.c, wo_agg_show.c: the in-kernel summary. */
extern unsigned int wo_max_runs;
int wo_agg_alloc(void);
void wo_agg_free(void);
void wo_agg_reset(void);
void wo_agg_run_begin(u64 id, const char *label);
void wo_agg_close(const struct wakeoff_wakeup *rec);
void wo_agg_negative_delta(void);
void wo_agg_show(struct seq_file *m);
void wo_agg_show_headline(struct seq_file *m);
void wo_agg_show_memory(struct seq_file *m);

/* wo_stacks.c: waker (and blocking) stack clusters. */
struct wo_hist_snap;
struct wo_stack_key;

/*
 * Per CPU: captures that unwound, those answered by the cache, and
 * clusters passed over for having the same hash but other frames.
 */
struct wo_stack_stats {
	u64 unwound;
	u64 cached;
	u64 collisions;
	u64 overflow;	/* captures that found the cluster table full */
};

/* A cluster table that wo_stack_capture_src() fills. */
enum { WO_STACK_SRC_WAKER = 1, WO_STACK_SRC_BLOCK = 2 };
struct wo_stack_src {
	struct wo_stack_key *key;	/* WO_STACKS keys; NULL: off */
	struct wo_stack_stats __percpu *stats;
	u8 tag;				/* WO_STACK_SRC_*: per-CPU cache key */
};

u32 wo_stack_capture_src(const struct wo_stack_src *src);
void wo_stacks_cache_void(void);
void wo_seq_frame(struct seq_file *m, const char *pre, unsigned long ip,
		  bool offset);
extern bool wo_stacks_enabled;
int wo_stacks_alloc(size_t *shared, size_t *per_cpu);
void wo_stacks_free(void);
void wo_stacks_reset(void);
u32 wo_stack_capture(void);
void wo_stack_account(u32 id, bool sync, bool migrated, bool switched,
		      u64 wakeup_to_switch);
void wo_stacks_show_top(struct seq_file *m, unsigned int top,
			struct wo_hist_snap *snap);
void wo_stacks_show_all(struct seq_file *m);

/* wo_block.c, lib/wo_offcpu.c, iface/wo_offcpu_show.c: off-CPU time. */
int wo_offcpu_init(void);
void wo_offcpu_exit(void);
void wo_offcpu_reset_all(void);
void wo_block_switch(bool preempt, struct task_struct *prev,
		     struct task_struct *next, unsigned int prev_state);
void wo_block_take(struct task_struct *p, struct wakeoff_wakeup *rec);
void wo_block_flush(void);
void wo_offcpu_close(const struct wakeoff_wakeup *rec);
void wo_offcpu_show(struct seq_file *m);
extern const struct file_operations wo_offcpu_stacks_fops;

/* wo_anomaly.c, wo_anomaly_show.c: NUMA and PI events, per task class. */
struct wo_anom_stats {
	u64 count[WAKEOFF_SEV_NR][WAKEOFF_TCLASS_NR];
	u64 written;	/* sched event records written ... */
	u64 dropped;	/* ... and lost (also in records.dropped_*) */
};

DECLARE_PER_CPU(struct wo_anom_stats, wo_anom_stats);
extern const char * const wo_anom_names[WAKEOFF_SEV_NR];
void wo_anom_attach(void);
void wo_anom_detach(void);
bool wo_anom_attached(unsigned int ev);
void wo_anom_reset(void);
void wo_anom_show(struct seq_file *m);

/* wo_control.c */
int wo_filter_set(const struct wo_filter *tmpl);
void wo_filter_free(void);
#define WO_CONTROL_MAX	256	/* longest accepted control command */
int wo_control_exec(const char *cmd, size_t count);
int wo_control_state(char *buf, size_t len);
int wo_filter_format(char *buf, size_t len);
char *wo_next_token(char **s);
void wo_stop_and_flush(void);

/* iface/wo_file.c: a whole file into a vmalloc'ed, NUL-terminated buffer. */
ssize_t wo_read_file(const char *path, size_t max, void **out);

/* wo_debugfs.c */
int wo_debugfs_init(void);
void wo_debugfs_exit(void);

/* wo_sysfs.c: /sys/kernel/wakeoff/control, which lockdown allows */
int wo_sysfs_init(void);
void wo_sysfs_exit(void);

#endif /* _WAKEOFF_INTERNAL_H */
