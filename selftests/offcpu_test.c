// SPDX-License-Identifier: GPL-2.0
/*
 * Off-CPU time per wakeup and the blocking stack: a task that sleeps in
 * nanosleep(10 ms) is off its CPU for about 10 ms by its own
 * CLOCK_MONOTONIC, with a do_nanosleep blocking stack; a pipe reader
 * blocks in pipe_read and is woken from pipe_write; a vfork() parent
 * waits uninterruptibly (TASK_KILLABLE: "D"); and the summary's
 * off-CPU totals are the records' own sums.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define SLEEPS		20
#define SLEEP_NS	10000000LL
#define PIPE_ROUNDS	20
#define VFORKS		10
#define VFORK_NS	20000000LL

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int64_t offcpu(const struct wakeoff_wakeup *w)
{
	int64_t d = (int64_t)(w->ts_waking - w->ts_blocked);

	return d < 0 ? 0 : d;
}

/* Does cluster @id of debugfs file @file have a frame containing @sym? */
static int stack_has(const char *file, uint32_t id, const char *sym)
{
	static char buf[1 << 18];
	char head[32], *p, *end;
	ssize_t n;
	int fd;

	snprintf(buf, sizeof(buf), WO_DIR "/%s", file);
	fd = open(buf, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	snprintf(head, sizeof(head), "cluster %u:", id);
	for (p = buf; (p = strstr(p, head)); p++)
		if (p == buf || p[-1] == '\n')
			break;
	if (!p)
		return 0;
	end = strstr(p + 1, "\ncluster ");
	if (end)
		*end = '\0';
	return strstr(p, sym) != NULL;
}

static int by_waking(const void *a, const void *b)
{
	const struct wakeoff_wakeup *x = *(const void * const *)a;
	const struct wakeoff_wakeup *y = *(const void * const *)b;

	return x->ts_waking < y->ts_waking ? -1 : x->ts_waking > y->ts_waking;
}

/*
 * The records of @pid with off-CPU time whose blocking stack has @sym
 * (NULL: any) and whose class is @cls (0: any), in time order: the
 * events file concatenates the CPUs' buffers.  At most @max; the count.
 */
static int pick(const char *buf, long len, pid_t pid, const char *sym,
		int cls, const struct wakeoff_wakeup **v, int max)
{
	const struct wakeoff_wakeup *w;
	long off = 0;
	int n = 0;

	while ((w = wo_next_record(buf, len, &off, WAKEOFF_REC_WAKEUP))) {
		if (w->pid != pid || !(w->valid & WAKEOFF_V_OFFCPU) ||
		    (cls && w->block_class != cls) ||
		    (sym && !stack_has("offcpu_stacks", w->block_stack_id, sym)))
			continue;
		if (n < max)
			v[n] = w;
		n++;
	}
	qsort(v, n < max ? n : max, sizeof(*v), by_waking);
	return n;
}

FIXTURE(oc) {
	char *buf;
	long len;
	int go[2], res[2];
	pid_t pid;
};

FIXTURE_SETUP(oc)
{
	self->buf = NULL;
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
	ASSERT_EQ(0, pipe(self->go));
	ASSERT_EQ(0, pipe(self->res));
}

FIXTURE_TEARDOWN(oc)
{
	free(self->buf);
	wo_unload();
	EXPECT_EQ(0, wo_bad_taint());
}

/* Fork @fn traced alone (filter pid), start it, wait, drain. */
static void run_traced(struct __test_metadata *_metadata,
		       FIXTURE_DATA(oc) *self, void (*fn)(int res))
{
	char cmd[64], c = 'g';

	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (!self->pid) {
		close(self->go[1]);
		close(self->res[0]);
		if (read(self->go[0], &c, 1) != 1)
			_exit(1);
		fn(self->res[1]);
		_exit(0);
	}
	close(self->go[0]);
	close(self->res[1]);
	snprintf(cmd, sizeof(cmd), "filter pid %d", self->pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	usleep(20000);	/* let it block in read() */
	ASSERT_EQ(1, write(self->go[1], &c, 1));
}

static void finish_traced(struct __test_metadata *_metadata,
			  FIXTURE_DATA(oc) *self)
{
	int st;

	ASSERT_EQ(self->pid, waitpid(self->pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	ASSERT_EQ(0, wo_control("stop"));
	self->len = wo_events_drain(&self->buf);
	ASSERT_LT(0, self->len);
}

static void sleeper(int res)
{
	int64_t d[SLEEPS], t0;
	int i;

	for (i = 0; i < SLEEPS; i++) {
		t0 = mono_ns();
		sleep_ns(SLEEP_NS);
		d[i] = mono_ns() - t0;
	}
	if (write(res, d, sizeof(d)) != sizeof(d))
		_exit(1);
}

/*
 * Each nanosleep(10 ms) is one wakeup whose off-CPU time lies within
 * the interval the task measured around the call, and is at least the
 * 10 ms asked for, less the time from arming the timer to switching out.
 */
TEST_F_TIMEOUT(oc, nanosleep_offcpu_matches_own_clock, 120)
{
	const struct wakeoff_wakeup *v[SLEEPS], *w;
	int64_t own[SLEEPS], o, worst = 0;
	int n;

	run_traced(_metadata, self, sleeper);
	ASSERT_EQ((ssize_t)sizeof(own), read(self->res[0], own, sizeof(own)));
	finish_traced(_metadata, self);
	ASSERT_EQ(SLEEPS, pick(self->buf, self->len, self->pid, "do_nanosleep",
			       0, v, SLEEPS));
	for (n = 0; n < SLEEPS; n++) {
		w = v[n];
		o = offcpu(w);
		TH_LOG("sleep %d: off-CPU %lld ns, own clock %lld ns", n,
		       (long long)o, (long long)own[n]);
		EXPECT_EQ(WAKEOFF_BLOCK_INTERRUPTIBLE, w->block_class);
		EXPECT_LE(SLEEP_NS - 1000000, o);
		EXPECT_GE(own[n] + 100000, o);
		if (own[n] - o > worst)
			worst = own[n] - o;
	}
	TH_LOG("largest own-clock minus off-CPU: %lld ns", (long long)worst);
}

static void pipe_reader(int res)
{
	int p[2];
	pid_t w;
	char c;
	int i;

	if (pipe(p))
		_exit(1);
	/*
	 * Children are reaped by the kernel and never waited for: a reader
	 * blocked in waitpid() would be woken by the writer's exit, a
	 * wakeup by the writer that is not from pipe_write.
	 */
	signal(SIGCHLD, SIG_IGN);
	w = fork();
	if (!w) {
		for (i = 0; i < PIPE_ROUNDS; i++) {
			sleep_ns(2000000);
			if (write(p[1], "x", 1) != 1)
				_exit(1);
		}
		/* Exit after the reader is done: the race made certain. */
		sleep_ns(20000000);
		_exit(0);
	}
	for (i = 0; i < PIPE_ROUNDS; i++)
		if (read(p[0], &c, 1) != 1)
			_exit(1);
	if (write(res, &w, sizeof(w)) != sizeof(w))
		_exit(1);
}

/* A pipe reader blocks in pipe_read and is woken from pipe_write. */
TEST_F_TIMEOUT(oc, pipe_reader_blocks_in_pipe_read, 120)
{
	const struct wakeoff_wakeup *w;
	int n = 0, in_read = 0, woken = 0, mutex = 0;
	pid_t writer;
	long off;

	run_traced(_metadata, self, pipe_reader);
	ASSERT_EQ((ssize_t)sizeof(writer),
		  read(self->res[0], &writer, sizeof(writer)));
	finish_traced(_metadata, self);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		if (w->pid != self->pid || w->waker_pid != writer ||
		    !(w->valid & WAKEOFF_V_OFFCPU))
			continue;
		n++;
		/*
		 * Waiting for data is TASK_INTERRUPTIBLE; the reader may also
		 * wait for the pipe's mutex (uninterruptible) that the writer
		 * holds while it wakes it (seen on 6.12): both in pipe_read.
		 */
		if (w->block_class == WAKEOFF_BLOCK_UNINTERRUPTIBLE &&
		    stack_has("offcpu_stacks", w->block_stack_id, "mutex"))
			mutex++;
		else
			EXPECT_EQ(WAKEOFF_BLOCK_INTERRUPTIBLE, w->block_class);
		in_read += stack_has("offcpu_stacks", w->block_stack_id,
				     "pipe_read");
		woken += stack_has("stacks", w->stack_id, "pipe_write");
	}
	TH_LOG("%d wakeups by the writer: %d blocked in pipe_read (%d on its mutex), %d woken from pipe_write",
	       n, in_read, mutex, woken);
	/* One per byte; the writer may find the reader still running. */
	EXPECT_LE(PIPE_ROUNDS - 2, n);
	EXPECT_GE(PIPE_ROUNDS + 2, n);
	EXPECT_LE(PIPE_ROUNDS - 2, n - mutex);
	EXPECT_EQ(n, in_read);
	EXPECT_EQ(n, woken);
}

static void vforker(int res)
{
	int64_t d[VFORKS], t0;
	pid_t c;
	int i;

	for (i = 0; i < VFORKS; i++) {
		t0 = mono_ns();
		c = vfork();
		if (!c) {
			sleep_ns(VFORK_NS);
			_exit(0);
		}
		d[i] = mono_ns() - t0;
		waitpid(c, NULL, 0);
	}
	if (write(res, d, sizeof(d)) != sizeof(d))
		_exit(1);
}

/*
 * A vfork() parent waits for the child's exit in TASK_KILLABLE
 * (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE): reported uninterruptible.
 */
TEST_F_TIMEOUT(oc, vfork_parent_is_uninterruptible, 120)
{
	const struct wakeoff_wakeup *v[VFORKS], *w;
	int64_t own[VFORKS], o;
	int n;

	run_traced(_metadata, self, vforker);
	ASSERT_EQ((ssize_t)sizeof(own), read(self->res[0], own, sizeof(own)));
	finish_traced(_metadata, self);
	ASSERT_EQ(VFORKS, pick(self->buf, self->len, self->pid, NULL,
			       WAKEOFF_BLOCK_UNINTERRUPTIBLE, v, VFORKS));
	for (n = 0; n < VFORKS; n++) {
		w = v[n];
		o = offcpu(w);
		TH_LOG("vfork %d: state 0x%x off-CPU %lld ns, own clock %lld ns",
		       n, w->block_state, (long long)o, (long long)own[n]);
		EXPECT_TRUE(w->block_state & 0x2);	/* TASK_UNINTERRUPTIBLE */
		EXPECT_TRUE(stack_has("offcpu_stacks", w->block_stack_id, "vfork") ||
			    stack_has("offcpu_stacks", w->block_stack_id,
				      "kernel_clone"));
		EXPECT_LE(VFORK_NS - 1000000, o);
		EXPECT_GE(own[n] + 100000, o);
	}
}

/*
 * The summary's off-CPU count and total are the records' own: every
 * closed wakeup of the filtered task is in the stream (no drop).
 */
TEST_F_TIMEOUT(oc, summary_totals_are_the_records_sums, 120)
{
	const struct wakeoff_wakeup *w;
	uint64_t n = 0, sum = 0, byclass = 0, sn, ssum, x;
	int64_t own[SLEEPS];
	long off;
	const char *const st[] = { "interruptible", "uninterruptible",
				   "idle", "other" };
	char key[64];
	unsigned int i;

	run_traced(_metadata, self, sleeper);
	ASSERT_EQ((ssize_t)sizeof(own), read(self->res[0], own, sizeof(own)));
	finish_traced(_metadata, self);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		if (!(w->valid & WAKEOFF_V_OFFCPU))
			continue;
		n++;
		sum += offcpu(w);
	}
	ASSERT_EQ(0, wo_summary_u64("records.dropped_full"));
	sn = wo_summary_u64("offcpu.all.count");
	ssum = wo_summary_u64("offcpu.all.total_ns");
	TH_LOG("records: %llu off-CPU, %llu ns; summary: %llu, %llu ns",
	       (unsigned long long)n, (unsigned long long)sum,
	       (unsigned long long)sn, (unsigned long long)ssum);
	EXPECT_LE(SLEEPS, n);
	EXPECT_EQ(n, sn);
	EXPECT_EQ(sum, ssum);
	EXPECT_EQ(n, wo_summary_u64("offcpu.taken"));
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "offcpu.state.%s.count", st[i]);
		x = wo_summary_u64(key);
		byclass += x;
	}
	EXPECT_EQ(n, byclass);
	EXPECT_EQ(n, wo_summary_u64("offcpu.migrated.count") +
		     wo_summary_u64("offcpu.local.count"));
}

TEST_HARNESS_MAIN
