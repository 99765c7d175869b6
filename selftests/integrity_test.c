// SPDX-License-Identifier: GPL-2.0
/*
 * Correlation integrity: task churn must not clog the correlation table,
 * a wakeup must carry the flags of its own try_to_wake_up() call, and a
 * read must never time out because two CPUs' clocks disagree.  Each test
 * is one workload with a known answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define CHURN_COMM	"wo_churn"
#define CHURN_ENV	"WO_CHURN_EXEC=1"

/* The image a churn thread exec()s: this binary, which exits at once. */
__attribute__((constructor)) static void churn_exec_target(void)
{
	const char *v = getenv("WO_CHURN_EXEC");

	if (v && !strcmp(v, "1"))
		_exit(0);
}

static int churn_pipe[2];

/*
 * The second thread sleeps in read() until the leader wakes it, then
 * exec()s: de_thread() kills the leader, waits for it (another sleep and
 * wakeup) and gives this thread the leader's pid while its wakeup's
 * correlation is still open.
 */
static void *churn_thread(void *arg)
{
	char *argv[] = { "/proc/self/exe", NULL };
	char *envp[] = { CHURN_ENV, NULL };
	char c;

	prctl(PR_SET_NAME, CHURN_COMM);
	if (read(churn_pipe[0], &c, 1) != 1)
		_exit(2);
	execve("/proc/self/exe", argv, envp);
	_exit(3);
}

/* Run @body in a child process named CHURN_COMM; 0 if it exits 0. */
static int churn_child(void (*body)(void))
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_NAME, CHURN_COMM);
		body();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* A process whose non-leader thread is woken and then exec()s. */
static void nonleader_exec_body(void)
{
	pthread_t t;

	if (pipe(churn_pipe) || pthread_create(&t, NULL, churn_thread, NULL))
		_exit(4);
	usleep(200);	/* let the thread block in read() */
	if (write(churn_pipe[1], "x", 1) != 1)
		_exit(5);
	for (;;)
		pause();
}

static void *exit_at_once(void *arg)
{
	prctl(PR_SET_NAME, CHURN_COMM);
	return NULL;
}

/* A short-lived process with one short-lived thread. */
static void fork_exit_body(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, exit_at_once, NULL) ||
	    pthread_join(t, NULL))
		_exit(4);
}

static int churn_nonleader_exec(void)
{
	return churn_child(nonleader_exec_body);
}

static int churn_fork_exit(void)
{
	return churn_child(fork_exit_body);
}

/* A summary counter, or 0 when this module version has no such key. */
static unsigned long long summary_opt(const char *key)
{
	struct wo_summary s;
	uint64_t v = 0;

	if (wo_summary_read(&s))
		return 0;
	if (wo_summary_get_u64(&s, key, &v))
		v = 0;
	wo_summary_free(&s);
	return v;
}

/*
 * After the churn, every correlation must be closed within a few
 * timeouts and none may have found the table full; the counters
 * conserve exactly.
 */
static void expect_table_clean(struct __test_metadata *_metadata,
			       unsigned int timeout_ms)
{
	uint64_t w, full, busy, infl, closed;

	usleep(3 * timeout_ms * 1000);
	w = wo_summary_u64("wakeups");
	full = wo_summary_u64("wakeups_untracked_table_full");
	busy = wo_summary_u64("wakeups_untracked_busy");
	infl = wo_summary_u64("wakeups_inflight");
	closed = wo_summary_u64("wakeups_closed");
	TH_LOG("wakeups %llu closed %llu table_full %llu busy %llu inflight %llu replaced %llu timeout %llu",
	       (unsigned long long)w, (unsigned long long)closed,
	       (unsigned long long)full, (unsigned long long)busy,
	       (unsigned long long)infl,
	       summary_opt("closed.replaced"),
	       (unsigned long long)wo_summary_u64("closed.timeout"));
	EXPECT_EQ(0, full);
	EXPECT_GE(4, infl);
	ASSERT_EQ(0, wo_control("stop"));
	EXPECT_EQ(wo_summary_u64("wakeups"),
		  wo_summary_u64("wakeups_closed") + full + busy +
		  wo_summary_u64("wakeups_inflight"));
	EXPECT_EQ(0, wo_summary_u64("wakeups_inflight"));
}

FIXTURE(integ) {
	char *buf;
	long len;
	char pid_max[32];
};

FIXTURE_SETUP(integ)
{
	self->buf = NULL;
	self->len = 0;
	self->pid_max[0] = '\0';
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load("tk_timeout_ms=100"));
	if (sysconf(_SC_NPROCESSORS_ONLN) < 3)
		SKIP(return, "needs 3 CPUs");
}

FIXTURE_TEARDOWN(integ)
{
	free(self->buf);
	if (self->pid_max[0])
		wo_write_str("/proc/sys/kernel/pid_max", self->pid_max);
	wo_unload();
	EXPECT_EQ(0, wo_bad_taint());
}

/*
 * Non-leader exec: 2,000 processes whose second thread is woken and then
 * exec()s.  Measured on 6.1 before the fix: 4 of 5 wakeups found the
 * table full, and it stayed full.
 */
TEST_F_TIMEOUT(integ, nonleader_exec_churn_leaves_no_stuck_slot, 600)
{
	long i, n = wo_iters(2000);

	ASSERT_EQ(0, wo_control("filter comm " CHURN_COMM));
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, churn_nonleader_exec());
	TH_LOG("%ld non-leader exec()s", n);
	ASSERT_LT(n, wo_summary_u64("wakeups"));
	expect_table_clean(_metadata, 100);
}

/*
 * Pid reuse: with pid_max at its floor, thousands of short-lived
 * processes and threads (every tenth a non-leader exec) reuse pids and
 * task_struct addresses while correlations come and go.
 */
TEST_F_TIMEOUT(integ, pid_reuse_churn_leaves_no_stuck_slot, 600)
{
	long i, n = wo_iters(3000);
	char *old;
	size_t len;

	ASSERT_EQ(0, wo_read_file("/proc/sys/kernel/pid_max", &old, &len));
	snprintf(self->pid_max, sizeof(self->pid_max), "%.*s", (int)len, old);
	free(old);
	ASSERT_EQ(0, wo_write_str("/proc/sys/kernel/pid_max", "400"));
	ASSERT_EQ(0, wo_control("filter comm " CHURN_COMM));
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, i % 10 ? churn_fork_exit() : churn_nonleader_exec());
	TH_LOG("%ld short-lived processes, pid_max 400", n);
	ASSERT_LT(n, wo_summary_u64("wakeups"));
	expect_table_clean(_metadata, 100);
}

/*
 * Wakeups that move a task between CPUs and are followed at once by a
 * clock read: none may close as "timeout" (the read comes within
 * microseconds, the timeout is 100 ms), whatever the two CPUs' clocks say.
 */
TEST_F_TIMEOUT(integ, migrating_reads_never_time_out, 300)
{
	struct wo_clock_child cc;
	long n = wo_iters(300);
	char cmd[64];

	ASSERT_EQ(0, wo_clock_child_start(&cc));
	ASSERT_EQ(0, wo_pin(cc.pid, 1, -1));
	snprintf(cmd, sizeof(cmd), "filter pid %d", cc.pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_clock_child_rounds(&cc, n, 300));
	wo_clock_child_stop(&cc);
	ASSERT_EQ(0, wo_control("stop"));
	TH_LOG("tkread %llu timeout %llu negative deltas %llu",
	       (unsigned long long)wo_summary_u64("closed.tkread"),
	       (unsigned long long)wo_summary_u64("closed.timeout"),
	       (unsigned long long)wo_summary_u64("agg.negative_deltas"));
	EXPECT_EQ(0, wo_summary_u64("closed.timeout"));
	/* A wakeup may find its slot busy (counted): not every one is read. */
	EXPECT_LE(n * 95 / 100, wo_summary_u64("closed.tkread"));
}

/*
 * A try_to_wake_up() that wakes nothing must not lend its flags to the
 * next wakeup.  Each round the waker sends SIGCONT (prepare_signal()
 * calls wake_up_state(t, __TASK_STOPPED): a try_to_wake_up() without
 * WF_SYNC that wakes nothing, the task is not stopped), then writes the
 * pipe (a WF_SYNC wakeup).  Every pipe wakeup must carry WF_SYNC.
 */
TEST_F_TIMEOUT(integ, noop_wakeup_lends_no_flags, 300)
{
	const unsigned int sync = wo_flag("WF_SYNC");
	const struct wakeoff_wakeup *w;
	long rounds = wo_iters(400), i, off, n = 0, with_sync = 0;
	int a[2], b[2];
	pid_t t;
	char c = 'x', cmd[64];

	ASSERT_NE(0, sync);
	ASSERT_EQ(0, pipe(a));
	ASSERT_EQ(0, pipe(b));
	t = fork();
	ASSERT_LE(0, t);
	if (t == 0) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1)
			if (write(b[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	ASSERT_EQ(0, wo_pin(0, 0, -1));
	ASSERT_EQ(0, wo_pin(t, 1, -1));
	snprintf(cmd, sizeof(cmd), "filter pid %d", t);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < rounds; i++) {
		ASSERT_EQ(0, kill(t, SIGCONT));
		ASSERT_EQ(1, write(a[1], &c, 1));
		ASSERT_EQ(1, read(b[0], &c, 1));
	}
	/* Before the close: EOF wakes the reader without WF_SYNC. */
	ASSERT_EQ(0, wo_control("stop"));
	close(a[1]);
	close(b[0]);
	waitpid(t, NULL, 0);
	self->len = wo_events_drain(&self->buf);
	ASSERT_LE(0, self->len);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		if (w->waker_pid != getpid() || !(w->valid & WAKEOFF_V_CALLER_FLAGS))
			continue;
		n++;
		with_sync += !!(w->caller_flags & sync);
	}
	TH_LOG("%ld of %ld pipe wakeups after a no-op SIGCONT carry WF_SYNC; caller_flags_missed %llu",
	       with_sync, n,
	       (unsigned long long)wo_summary_u64("caller_flags_missed"));
	ASSERT_LE(rounds * 9 / 10, n);
	ASSERT_GE(rounds, n);
	EXPECT_EQ(n, with_sync);
}

/*
 * A task woken once that then runs on without a read, a sleep or a
 * preemption (alone on its CPU): its correlation must close as "timeout"
 * once tk_timeout_ms (100 ms) has passed, while it still runs.
 */
TEST_F_TIMEOUT(integ, running_task_ages_out, 120)
{
	atomic_int *stop;
	int p[2];
	pid_t t;
	char c = 'x', cmd[64];

	stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	atomic_store(stop, 0);
	ASSERT_EQ(0, pipe(p));
	t = fork();
	ASSERT_LE(0, t);
	if (t == 0) {
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		/* Spin in user space: no syscall, no clock read at all. */
		while (!atomic_load(stop))
			;
		_exit(0);
	}
	ASSERT_EQ(0, wo_pin(t, 3, -1));
	snprintf(cmd, sizeof(cmd), "filter pid %d", t);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	usleep(100000);		/* let it block in read() */
	ASSERT_EQ(1, write(p[1], &c, 1));
	usleep(700000);		/* it spins: > 1.5 timeouts later */
	TH_LOG("while it runs: wakeups %llu inflight %llu timeout %llu",
	       (unsigned long long)wo_summary_u64("wakeups"),
	       (unsigned long long)wo_summary_u64("wakeups_inflight"),
	       (unsigned long long)wo_summary_u64("closed.timeout"));
	EXPECT_EQ(1, wo_summary_u64("wakeups"));
	EXPECT_EQ(0, wo_summary_u64("wakeups_inflight"));
	EXPECT_EQ(1, wo_summary_u64("closed.timeout"));
	atomic_store(stop, 1);
	waitpid(t, NULL, 0);
	munmap(stop, 4096);
}

static long futex(atomic_int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/*
 * A wakeup of a task that is still queued (it set its sleep state but
 * has not left the runqueue yet) goes through ttwu_runnable(), which
 * never sets WF_MIGRATED.  The waker spins until the wakee says it is
 * about to sleep in futex_wait() and wakes it at once, so wakeups may
 * hit that window; and the wakee shares its CPU with a spinner and works
 * a while before each sleep, so on 6.12 it leaves with negative lag and
 * stays queued while it sleeps (delayed dequeue).  Such wakeups must not be classified as migrated
 * (even if the load balancer moved the task in between: that race
 * cannot be forced from user space, so the rule is checked on every
 * queued wakeup) and the summary counts exactly the records that say so.
 */
TEST_F_TIMEOUT(integ, queued_wakeup_is_not_migrated, 300)
{
	const unsigned int mig = wo_flag("WF_MIGRATED");
	const struct wakeoff_wakeup *w;
	long rounds = wo_iters(500), i, off, n = 0, queued = 0, moved = 0;
	atomic_int *f;
	pid_t t, spin;
	char cmd[64];

	ASSERT_NE(0, mig);
	f = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f);
	atomic_store(f, 0);
	atomic_store(f + 1, 0);
	spin = fork();
	ASSERT_LE(0, spin);
	if (spin == 0) {
		while (!atomic_load(f + 1))
			;
		_exit(0);
	}
	t = fork();
	ASSERT_LE(0, t);
	if (t == 0) {
		/* f[0]: 1 about to sleep, 2 woken, 3 done. */
		for (;;) {
			for (volatile int k = 0; k < 20000; k++)
				;
			atomic_store(f, 1);
			while (atomic_load(f) == 1)
				futex(f, FUTEX_WAIT, 1);
			if (atomic_load(f) == 3)
				_exit(0);
		}
	}
	ASSERT_EQ(0, wo_pin(0, 0, -1));
	ASSERT_EQ(0, wo_pin(t, 1, -1));
	ASSERT_EQ(0, wo_pin(spin, 1, -1));
	snprintf(cmd, sizeof(cmd), "filter pid %d", t);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < rounds; i++) {
		while (atomic_load(f) != 1)
			;
		atomic_store(f, i + 1 == rounds ? 3 : 2);
		futex(f, FUTEX_WAKE, 1);
	}
	waitpid(t, NULL, 0);
	atomic_store(f + 1, 1);
	waitpid(spin, NULL, 0);
	ASSERT_EQ(0, wo_control("stop"));
	self->len = wo_events_drain(&self->buf);
	ASSERT_LE(0, self->len);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		n++;
		if (!(w->valid & WAKEOFF_V_ON_RQ))
			continue;
		queued++;
		moved += w->prev_cpu != w->target_cpu;
		EXPECT_FALSE(w->valid & WAKEOFF_V_ACTIVATE);
		EXPECT_EQ(0, w->final_flags & mig & ~w->caller_flags);
	}
	TH_LOG("%ld wakeups, %ld of a still-queued task (%ld moved meanwhile)",
	       n, queued, moved);
	ASSERT_LT(0, n);
	EXPECT_EQ(queued, wo_summary_u64("wakeups_on_rq"));
	EXPECT_EQ(moved, wo_summary_u64("wakeups_on_rq_moved"));
	munmap(f, 4096);
	/*
	 * 6.12 keeps a sleeping task queued (delayed dequeue), so most of
	 * its wakeups are queued ones; on 6.1 the window between setting
	 * the sleep state and leaving the runqueue is a few hundred
	 * instructions, which TCG's round-robin vCPUs rarely split.
	 */
	if (!queued)
		SKIP(return, "no wakeup of a still-queued task in %ld", n);
}

/*
 * With both the clock_gettime syscall and ktime_get_ts64() (which it
 * calls) hooked, the first read of a task woken after each round is the
 * syscall, never the nested in-kernel function, also when the task is
 * moved between CPUs all the time.  (A migration inside the syscall
 * itself needs a preemptible kernel: RT or preempt=full.)
 */
TEST_F_TIMEOUT(integ, nested_read_counts_as_the_syscall, 300)
{
	struct wo_clock_child cc;
	const struct wakeoff_wakeup *w;
	long n = wo_iters(300), off, reads = 0, outer = 0;
	int sys, inner;
	char cmd[64];

	wo_unload();
	ASSERT_EQ(0, wo_load("tk_hooks=" WO_SYS("clock_gettime") ",ktime_get_ts64"));
	sys = wo_tk_index(WO_SYS("clock_gettime"));
	inner = wo_tk_index("ktime_get_ts64");
	if (sys < 0 || inner < 0)
		SKIP(return, "clock_gettime or ktime_get_ts64 not hooked");
	ASSERT_EQ(0, wo_clock_child_start(&cc));
	snprintf(cmd, sizeof(cmd), "filter pid %d", cc.pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_clock_child_rounds(&cc, n, 200));
	ASSERT_EQ(0, wo_control("stop"));
	wo_clock_child_stop(&cc);
	self->len = wo_events_drain(&self->buf);
	ASSERT_LE(0, self->len);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		if (w->outcome != WAKEOFF_OUT_TKREAD)
			continue;
		reads++;
		outer += w->tk_func == sys;
	}
	TH_LOG("%ld first reads, %ld by the syscall", reads, outer);
	ASSERT_LE(n * 9 / 10, reads);
	EXPECT_EQ(reads, outer);
}

/*
 * On PREEMPT_RT a contended spinlock_t blocks in schedule_rtlock()
 * (prev_state TASK_RTLOCK_WAIT) and the owner's handoff wakes it: a lock
 * wait, not a sleep and a wakeup.  A pipe ping-pong pinned to one CPU:
 * the pong side sleeps in pipe_read (S) at most once per round trip
 * (plus the start signal), the workload's own count; lock handoffs are
 * counted apart.  A wait for the pipe's mutex (on RT an rtmutex, a D
 * sleep) is a real sleep and wakeup: counted, and told apart by its
 * blocked state.  On non-RT kernels there are no rtlock waits.
 */
TEST_F_TIMEOUT(integ, rtlock_waits_are_not_wakeups, 300)
{
	const struct wakeoff_wakeup *w;
	struct wo_pingpong pp;
	long n = wo_iters(600), off, recs = 0, nsleep = 0, nd = 0;
	uint64_t woken, rtlock = 0;
	char cmd[64];

	ASSERT_EQ(0, wo_pingpong_start(&pp, n));
	ASSERT_EQ(0, wo_pin(pp.ping, 1, -1));
	ASSERT_EQ(0, wo_pin(pp.pong, 1, -1));
	snprintf(cmd, sizeof(cmd), "filter pid %d", pp.pong);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));
	ASSERT_EQ(0, wo_control("stop"));
	woken = wo_summary_u64("wakeups");
	wo_summary_get_u64_opt("wakeups_rtlock", &rtlock);
	self->len = wo_events_drain(&self->buf);
	ASSERT_LE(0, self->len);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		if (w->pid != pp.pong)
			continue;
		recs++;
		nsleep += w->block_class == WAKEOFF_BLOCK_INTERRUPTIBLE;
		nd += w->block_class == WAKEOFF_BLOCK_UNINTERRUPTIBLE;
	}
	TH_LOG("%ld round trips: %llu wakeups of the pong task (%ld recorded: %ld from S sleeps, %ld from D waits), %llu closed as slept, %llu lock-wait handoffs not counted",
	       n, (unsigned long long)woken, recs, nsleep, nd,
	       (unsigned long long)wo_summary_u64("closed.slept"),
	       (unsigned long long)rtlock);
	EXPECT_GE((long)woken, recs);
	EXPECT_GE(n + 1, nsleep);
	/*
	 * Anything beyond the pipe_read sleeps is a mutex wait (D); each of
	 * the hundreds of lock handoffs, if counted, would add a record.
	 */
	EXPECT_GE(n + 1 + nd, recs);
}

TEST_HARNESS_MAIN
