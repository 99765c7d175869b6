// SPDX-License-Identifier: GPL-2.0
/*
 * Clock identity of the first timekeeping read: every read carries the
 * clock it read, CPU-time clocks are not timekeeping reads, and offsets
 * are kept per clock.  The workload reports every value it read itself,
 * so the records are checked against the task's own clock values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define ROUNDS	300

/* What the child does after each wakeup. */
enum mode {
	CPUTIME_THEN_MONO,	/* thread CPU time, process CPU time, then MONOTONIC */
	ALTERNATE,		/* REALTIME and MONOTONIC on alternate rounds */
};

struct child {
	pid_t pid;
	int to, from;
};

static uint64_t ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + ts->tv_nsec;
}

/*
 * The child answers each byte with the value of the timekeeping read it
 * made (clock id and ns), all through the clock_gettime syscall: a vDSO
 * read never enters the kernel.
 */
static void child_loop(int in, int out, enum mode m)
{
	struct { int clock; uint64_t v; } ans;
	struct timespec ts;
	long i = 0;
	char c;

	while (read(in, &c, 1) == 1) {
		if (m == CPUTIME_THEN_MONO) {
			syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &ts);
			syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &ts);
			ans.clock = CLOCK_MONOTONIC;
		} else {
			ans.clock = i++ % 2 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
		}
		syscall(SYS_clock_gettime, ans.clock, &ts);
		ans.v = ns(&ts);
		if (write(out, &ans, sizeof(ans)) != sizeof(ans))
			break;
	}
	_exit(0);
}

static int child_start(struct child *ch, enum mode m)
{
	int a[2], b[2];

	if (pipe(a) || pipe(b))
		return -1;
	ch->pid = fork();
	if (ch->pid < 0)
		return -1;
	if (ch->pid == 0) {
		close(a[1]);
		close(b[0]);
		child_loop(a[0], b[1], m);
	}
	close(a[0]);
	close(b[1]);
	ch->to = a[1];
	ch->from = b[0];
	return 0;
}

FIXTURE(clk) {
	struct child ch;
	uint64_t val[ROUNDS];
	int clock[ROUNDS];
	char *buf;
	long len;
};

FIXTURE_SETUP(clk)
{
	self->buf = NULL;
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
}

FIXTURE_TEARDOWN(clk)
{
	free(self->buf);
	wo_unload();
	EXPECT_EQ(0, wo_bad_taint());
}

/* ROUNDS wakeups of a child in mode @m, recorded and drained. */
static void run_child(struct __test_metadata *_metadata,
		      FIXTURE_DATA(clk) *self, enum mode m)
{
	struct { int clock; uint64_t v; } ans;
	char c = 'x', cmd[64];
	int i;

	ASSERT_EQ(0, child_start(&self->ch, m));
	snprintf(cmd, sizeof(cmd), "filter pid %d", self->ch.pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(1, write(self->ch.to, &c, 1));
		ASSERT_EQ((ssize_t)sizeof(ans), read(self->ch.from, &ans, sizeof(ans)));
		self->val[i] = ans.v;
		self->clock[i] = ans.clock;
		usleep(200);	/* let it block in read() again */
	}
	ASSERT_EQ(0, wo_control("stop"));
	close(self->ch.to);
	close(self->ch.from);
	waitpid(self->ch.pid, NULL, 0);
	self->len = wo_events_drain(&self->buf);
	ASSERT_LE(0, self->len);
}

/* The value the child itself read for a record's read, or -1. */
static int own_value(FIXTURE_DATA(clk) *self, const struct wakeoff_wakeup *w)
{
	int i;

	for (i = 0; i < ROUNDS; i++)
		if (self->val[i] == w->tk_value && self->clock[i] == w->tk_clock)
			return i;
	return -1;
}

/*
 * Each wakeup reads two CPU-time clocks before CLOCK_MONOTONIC: the
 * first timekeeping read is the MONOTONIC one (its value is what the
 * task read), the CPU-time reads are counted as skipped, and the offset
 * stays constant.
 */
TEST_F_TIMEOUT(clk, cputime_reads_are_not_timekeeping_reads, 120)
{
	const struct wakeoff_wakeup *w;
	long off, n = 0, mono = 0, own = 0;
	uint64_t skipped = 0;
	const char *stable, *clock;

	run_child(_metadata, self, CPUTIME_THEN_MONO);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		if (w->outcome != WAKEOFF_OUT_TKREAD)
			continue;
		n++;
		mono += (w->valid & WAKEOFF_V_TK_CLOCK) &&
			w->tk_clock == CLOCK_MONOTONIC &&
			w->tk_source == WAKEOFF_TK_SRC_SYSCALL;
		own += own_value(self, w) >= 0;
	}
	wo_summary_get_u64_opt("tk_skipped.cputime", &skipped);
	stable = wo_summary_get_str("headline.offset_stable") ?: "?";
	clock = wo_summary_get_str("headline.offset_clock") ?: "?";
	TH_LOG("%ld first reads, %ld of CLOCK_MONOTONIC by the syscall, %ld equal to the task's own value; %llu CPU-time reads skipped; offset of %s stable: %s",
	       n, mono, own, (unsigned long long)skipped, clock, stable);
	ASSERT_LE(ROUNDS * 95 / 100, n);
	EXPECT_EQ(n, mono);
	EXPECT_EQ(n, own);
	EXPECT_LE(2 * n, skipped);
	EXPECT_STREQ("monotonic", clock);
	EXPECT_STREQ("yes", stable);
}

/*
 * REALTIME and MONOTONIC reads alternate: two offset series, each
 * constant, and the difference of their medians is REALTIME - MONOTONIC
 * as the task itself measured it (within 1 ms).
 */
TEST_F_TIMEOUT(clk, two_clocks_two_offset_series, 120)
{
	const struct wakeoff_wakeup *w;
	long off, nreal = 0, nmono = 0, own = 0;
	int64_t med_real = 0, med_mono = 0, task_diff, i;
	struct timespec r, m;
	char k[160];
	uint64_t cnt;

	run_child(_metadata, self, ALTERNATE);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		if (w->outcome != WAKEOFF_OUT_TKREAD)
			continue;
		nreal += w->tk_clock == CLOCK_REALTIME;
		nmono += w->tk_clock == CLOCK_MONOTONIC;
		own += own_value(self, w) >= 0;
	}
	TH_LOG("%ld REALTIME and %ld MONOTONIC first reads, %ld equal to the task's own values",
	       nreal, nmono, own);
	ASSERT_LE(ROUNDS * 95 / 200, nreal);
	ASSERT_LE(ROUNDS * 95 / 200, nmono);
	EXPECT_EQ(nreal + nmono, own);
	for (i = 0; i < 2; i++) {
		const char *clk = i ? "realtime" : "monotonic";
		uint64_t sum = 0;
		int c;

		for (c = 0; c < 2; c++) {
			snprintf(k, sizeof(k), "offset.%s.%s." WO_SYS("clock_gettime") ".count",
				 c ? "migrated" : "local", clk);
			cnt = 0;
			wo_summary_get_u64_opt(k, &cnt);
			sum += cnt;
		}
		EXPECT_EQ(i ? nreal : nmono, (long)sum);
		snprintf(k, sizeof(k), "offset.local.%s." WO_SYS("clock_gettime") ".median_ns", clk);
		ASSERT_NE(NULL, wo_summary_get_str(k));
		*(i ? &med_real : &med_mono) = strtoll(wo_summary_get_str(k), NULL, 10);
		snprintf(k, sizeof(k), "offset.local.%s." WO_SYS("clock_gettime") ".spread_ns", clk);
		TH_LOG("%s: median offset %lld ns, spread %s ns", clk,
		       (long long)(i ? med_real : med_mono), wo_summary_get_str(k));
	}
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	task_diff = (int64_t)(ns(&r) - ns(&m));
	TH_LOG("REALTIME - MONOTONIC: %lld ns from the offsets, %lld ns read by the task",
	       (long long)(med_real - med_mono), (long long)task_diff);
	EXPECT_GT(1000000, llabs(med_real - med_mono - task_diff));
}

/*
 * The summary says which reads it can see, from the clocksource that
 * sysfs names: with the default hooks, system calls and in-kernel reads;
 * with a vDSO clocksource and no user hook, user reads are not seen.
 */
TEST_F(clk, vdso_note_follows_the_clocksource)
{
	const char *cs_path =
		"/sys/devices/system/clocksource/clocksource0/current_clocksource";
	const char *note, *src;
	char *cs;
	size_t len;

	ASSERT_EQ(0, wo_read_file(cs_path, &cs, &len));
	cs[strcspn(cs, "\n")] = '\0';
	note = wo_summary_get_str("vdso_note");
	src = wo_summary_get_str("tk_sources");
	TH_LOG("clocksource %s; tk_sources:%s; vdso_note: %s", cs, src, note);
	ASSERT_NE(NULL, note);
	ASSERT_NE(NULL, src);
	EXPECT_STREQ(cs, wo_summary_get_str("clocksource"));
	EXPECT_STREQ("syscall kernel", src);
	EXPECT_EQ(0, strncmp(note, cs, strlen(cs)));
	if (!strcmp(cs, "tsc") || !strcmp(cs, "kvm-clock")) {
		EXPECT_NE(NULL, strstr(note, "NOT seen"));
	} else if (!strcmp(cs, "hpet") || !strcmp(cs, "acpi_pm")) {
		EXPECT_NE(NULL, strstr(note, "every user clock_gettime() is a system call"));
	}
	free(cs);
}

/*
 * A read whose result faults on the way out: clock_gettime() reads the
 * clock, then its copy to user space sleeps in a userfaultfd fault until
 * another thread fills the page.  The wakeup that ended the sleep (from
 * the filling thread) must not take that value as its first read: it
 * was read before this wakeup happened.  Its first read is the next one.
 */
#define FAULT_ROUNDS	20
#define FAULT_DELAY_US	20000

struct fault_ctx {
	int uffd;
	char *area;
	long page;
	int pages;	/* faults to serve in all */
	int batch;	/* serve them @batch at a time (or what came in 2 s) */
};

/* Map a FAULT_ROUNDS-page area whose missing pages @fc's filler serves. */
static int fault_area(struct fault_ctx *fc)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;

	fc->page = sysconf(_SC_PAGESIZE);
	fc->uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (fc->uffd < 0 || ioctl(fc->uffd, UFFDIO_API, &api))
		return -1;
	fc->area = mmap(NULL, FAULT_ROUNDS * fc->page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fc->area == MAP_FAILED)
		return -1;
	reg.range.start = (uintptr_t)fc->area;
	reg.range.len = FAULT_ROUNDS * fc->page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	return ioctl(fc->uffd, UFFDIO_REGISTER, &reg);
}

/*
 * Fill missing pages with 0xff bytes, FAULT_DELAY_US after the last
 * fault of each batch.
 */
static void *fault_filler(void *arg)
{
	struct fault_ctx *fc = arg;
	uint64_t addr[FAULT_ROUNDS];
	struct uffd_msg msg;
	struct uffdio_copy cp;
	char *src = malloc(fc->page);
	int n = 0, got, i;

	if (!src)
		return NULL;
	memset(src, 0xff, fc->page);
	while (n < fc->pages) {
		for (got = 0; got < fc->batch && n + got < fc->pages; got++) {
			struct pollfd pfd = { .fd = fc->uffd, .events = POLLIN };

			if (poll(&pfd, 1, got ? 2000 : -1) != 1 ||
			    read(fc->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
			    msg.event != UFFD_EVENT_PAGEFAULT)
				break;
			addr[got] = msg.arg.pagefault.address &
				    ~(uint64_t)(fc->page - 1);
		}
		if (!got)
			break;
		usleep(FAULT_DELAY_US);
		for (i = 0; i < got; i++) {
			cp.dst = addr[i];
			cp.src = (uint64_t)(uintptr_t)src;
			cp.len = fc->page;
			cp.mode = 0;
			cp.copy = 0;
			if (ioctl(fc->uffd, UFFDIO_COPY, &cp))
				goto out;
		}
		n += got;
	}
out:
	free(src);
	return NULL;
}

/*
 * Per byte read from @in: the faulting read into page n, then an
 * ordinary read; both values go to @out.  Exits 2 without userfaultfd.
 */
static void fault_child(int in, int out)
{
	struct fault_ctx fc = { .pages = FAULT_ROUNDS, .batch = 1 };
	struct timespec ts, *fts;
	pthread_t th;
	uint64_t ans[2];
	int n;
	char c;

	if (fault_area(&fc) || pthread_create(&th, NULL, fault_filler, &fc))
		_exit(2);
	for (n = 0; n < FAULT_ROUNDS && read(in, &c, 1) == 1; n++) {
		fts = (struct timespec *)(fc.area + n * fc.page);
		if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, fts))
			_exit(1);
		ans[0] = ns(fts);
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
		ans[1] = ns(&ts);
		if (write(out, ans, sizeof(ans)) != sizeof(ans))
			_exit(1);
	}
	pthread_join(th, NULL);
	_exit(0);
}

TEST_F_TIMEOUT(clk, read_before_a_fault_sleep_is_not_the_next_wakeups, 120)
{
	uint64_t ans[2], faulted[FAULT_ROUNDS], next[FAULT_ROUNDS];
	const struct wakeoff_wakeup *w;
	long off, stale = 0, own_next = 0, reads = 0;
	uint64_t slept = 0;
	int a[2], b[2], n, status, i;
	char c = 'x', cmd[64];
	pid_t pid;

	ASSERT_EQ(0, pipe(a));
	ASSERT_EQ(0, pipe(b));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		fault_child(a[0], b[1]);
	}
	close(a[0]);
	close(b[1]);
	snprintf(cmd, sizeof(cmd), "filter pid %d", pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	for (n = 0; n < FAULT_ROUNDS; n++) {
		usleep(2000);	/* let it block in read() */
		ASSERT_EQ(1, write(a[1], &c, 1));
		if (read(b[0], ans, sizeof(ans)) != sizeof(ans))
			break;
		faulted[n] = ans[0];
		next[n] = ans[1];
	}
	ASSERT_EQ(0, wo_control("stop"));
	close(a[1]);
	close(b[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		SKIP(return, "no userfaultfd in this kernel");
	ASSERT_EQ(FAULT_ROUNDS, n);
	self->len = wo_events_drain(&self->buf);
	ASSERT_LE(0, self->len);
	for (off = 0; (w = wo_next_record(self->buf, self->len, &off,
					  WAKEOFF_REC_WAKEUP)) != NULL;) {
		if (w->pid != pid || w->outcome != WAKEOFF_OUT_TKREAD)
			continue;
		reads++;
		for (i = 0; i < FAULT_ROUNDS; i++) {
			stale += w->tk_value == faulted[i];
			own_next += w->tk_value == next[i];
		}
	}
	ASSERT_EQ(0, wo_summary_get_u64_opt("tk_skipped.slept", &slept));
	TH_LOG("%d rounds: %ld first reads of the main thread, %ld the value read before its fault sleep, %ld the read after it; tk_skipped.slept %llu",
	       FAULT_ROUNDS, reads, stale, own_next, (unsigned long long)slept);
	EXPECT_EQ(0, stale);
	EXPECT_LE(FAULT_ROUNDS * 9 / 10, own_next);
	/* One sleep per round; a round whose later wakeup went untracked has no slot to skip in. */
	EXPECT_LE(FAULT_ROUNDS * 9 / 10, (long)slept);
	EXPECT_GE(FAULT_ROUNDS, (long)slept);
}

/*
 * Return items: a clock syscall hooked through ftrace keeps one item per
 * waiting task from its entry to its return to user space, from a pool
 * of WO_TK_SYS_ITEMS (8) per CPU (module/probes/wo_tk_sys.c).  Ten
 * threads pinned to CPU 0, each woken and then asleep in a clock read
 * whose copy-out faults, hold them all at once: eight take an item (and
 * their reads are skipped as slept), two find none (tk_skipped.no_item).
 */
#define POOL_ITEMS	8
#define POOL_THREADS	10

struct pool_worker {
	struct fault_ctx *fc;
	int n, pipe[2];
};

static void *pool_worker(void *arg)
{
	struct pool_worker *w = arg;
	struct timespec *fts;
	cpu_set_t set;
	char c;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) ||
	    read(w->pipe[0], &c, 1) != 1)
		return NULL;
	fts = (struct timespec *)(w->fc->area + w->n * w->fc->page);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, fts);
	return NULL;
}

/* Wake POOL_THREADS workers one by one from CPU 1; exits 2 without uffd. */
static void pool_child(void)
{
	struct fault_ctx fc = { .pages = POOL_THREADS, .batch = POOL_THREADS };
	struct pool_worker w[POOL_THREADS];
	pthread_t th[POOL_THREADS], filler;
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	CPU_SET(1, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(1);
	if (fault_area(&fc) || pthread_create(&filler, NULL, fault_filler, &fc))
		_exit(2);
	for (i = 0; i < POOL_THREADS; i++) {
		w[i].fc = &fc;
		w[i].n = i;
		if (pipe(w[i].pipe) ||
		    pthread_create(&th[i], NULL, pool_worker, &w[i]))
			_exit(1);
	}
	usleep(100000);	/* every worker blocks in read() */
	for (i = 0; i < POOL_THREADS; i++) {
		if (write(w[i].pipe[1], "x", 1) != 1)
			_exit(1);
		usleep(20000);	/* it runs into its fault */
	}
	for (i = 0; i < POOL_THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_join(filler, NULL);
	_exit(0);
}

TEST_F_TIMEOUT(clk, return_items_run_out_counted, 120)
{
	const char *mech = wo_summary_get_str("hooks." WO_SYS("clock_gettime") ".mechanism");
	uint64_t no_item = 0, slept = 0;
	char cmd[64];
	int status;
	pid_t pid;

	ASSERT_NE(NULL, mech);
	if (strcmp(mech, "ftrace"))
		SKIP(return, "clock_gettime hooked by %s: no return items", mech);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		pool_child();
	snprintf(cmd, sizeof(cmd), "filter tgid %d", pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		SKIP(return, "no userfaultfd in this kernel");
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_summary_get_u64_opt("tk_skipped.no_item", &no_item));
	ASSERT_EQ(0, wo_summary_get_u64_opt("tk_skipped.slept", &slept));
	TH_LOG("%d threads asleep in a clock read on CPU 0: tk_skipped.no_item %llu, tk_skipped.slept %llu",
	       POOL_THREADS, (unsigned long long)no_item, (unsigned long long)slept);
	EXPECT_EQ(POOL_THREADS - POOL_ITEMS, (long)no_item);
	EXPECT_EQ(POOL_ITEMS, (long)slept);
}

TEST_HARNESS_MAIN
