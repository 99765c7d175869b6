// SPDX-License-Identifier: GPL-2.0
/*
 * Wake path and pre-migration wait (record ABI 1.5).  A wakee pinned to
 * an idle CPU and woken from another CPU takes a cross-CPU path, and each
 * wakeup's path is the one tracefs (trace_clock mono) shows: the CPU
 * that ran sched_wakeup and a sched_wake_idle_without_ipi for the target
 * between sched_waking and sched_wakeup.  A same-CPU ping-pong is local.
 * The per-path counts add up to wakeups_closed.  A wakee held off its CPU
 * by an RT hog and moved by an affinity change waits, from sched_wakeup
 * to the move, the time the test measured between its write and its
 * sched_setaffinity().  WF_RQ_SELECTED follows the tasks' own affinity.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define WAKER_CPU	1
#define IDLE_CPU	3
#define PP_CPU		2
#define ROUNDS		40
#define PREMIG_ROUNDS	5
#define HOLD_NS		20000000LL	/* the wakee waits behind the hog */
#define MAX_EV		4096

static const char *const path_names[WAKEOFF_PATH_NR] = {
	"none", "local", "remote", "wakelist_ipi", "idle_poll", "runnable",
	"other",
};

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

static int pin(pid_t pid, int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(pid, sizeof(s), &s);
}

static int by_waking(const void *a, const void *b)
{
	const struct wakeoff_wakeup *x = *(const void * const *)a;
	const struct wakeoff_wakeup *y = *(const void * const *)b;

	return x->ts_waking < y->ts_waking ? -1 : x->ts_waking > y->ts_waking;
}

/* @pid's wakeup records in time order (at most @max); the count. */
static int pick(const char *buf, long len, pid_t pid,
		const struct wakeoff_wakeup **v, int max)
{
	const struct wakeoff_wakeup *w;
	long off = 0;
	int n = 0;

	while ((w = wo_next_record(buf, len, &off, WAKEOFF_REC_WAKEUP))) {
		if (w->pid != pid)
			continue;
		if (n < max)
			v[n] = w;
		n++;
	}
	qsort(v, n < max ? n : max, sizeof(*v), by_waking);
	return n;
}

/*
 * Every closed wakeup is on exactly one path: the summary's path counts
 * add up to wakeups_closed, and equal the records' (none dropped).
 */
static void check_sum(struct __test_metadata *_metadata, const char *buf,
		      long len)
{
	uint64_t per[WAKEOFF_PATH_NR] = { 0 }, sum = 0, closed, n;
	const struct wakeoff_wakeup *w;
	char key[64];
	long off = 0;
	int p;

	while ((w = wo_next_record(buf, len, &off, WAKEOFF_REC_WAKEUP))) {
		ASSERT_GT(WAKEOFF_PATH_NR, w->wake_path);
		per[w->wake_path]++;
	}
	ASSERT_EQ(0, wo_summary_u64("records.dropped_full"));
	closed = wo_summary_u64("wakeups_closed");
	for (p = 0; p < WAKEOFF_PATH_NR; p++) {
		snprintf(key, sizeof(key), "wakepath.%s.count", path_names[p]);
		n = wo_summary_u64(key);
		TH_LOG("%s: summary %llu, records %llu", path_names[p],
		       (unsigned long long)n, (unsigned long long)per[p]);
		EXPECT_EQ(per[p], n);
		sum += n;
	}
	EXPECT_EQ(closed, sum);
}

FIXTURE(wp) {
	char *buf;
	long len;
	int to[2], back[2];
	pid_t pid, hog;
	int *stop;
	char rt_runtime[32];
};

FIXTURE_SETUP(wp)
{
	self->buf = NULL;
	self->pid = self->hog = 0;
	self->rt_runtime[0] = '\0';
	self->stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->stop);
	if (sysconf(_SC_NPROCESSORS_ONLN) <= IDLE_CPU)
		SKIP(return, "needs %d CPUs", IDLE_CPU + 1);
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
	ASSERT_EQ(0, pipe(self->to));
	ASSERT_EQ(0, pipe(self->back));
}

FIXTURE_TEARDOWN(wp)
{
	if (self->hog > 0) {
		*self->stop = 1;
		waitpid(self->hog, NULL, 0);
	}
	if (self->rt_runtime[0])
		wo_write_str("/proc/sys/kernel/sched_rt_runtime_us",
			     self->rt_runtime);
	if (self->pid > 0) {
		kill(self->pid, SIGKILL);
		waitpid(self->pid, NULL, 0);
	}
	free(self->buf);
	wo_unload();
	EXPECT_EQ(0, wo_bad_taint());
}

/* The wakee: pinned to @cpu, reads a byte and answers it, until EOF. */
static pid_t start_wakee(int rfd, int wfd, int cpu, int ans)
{
	pid_t pid = fork();
	char c;

	if (pid)
		return pid;
	if (pin(0, cpu))
		_exit(1);
	while (read(rfd, &c, 1) == 1) {
		if (ans && write(wfd, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

struct tev {
	int cpu, kind, arg;	/* kind: 0 waking, 1 wakeup, 2 no-IPI */
};

/*
 * The tracefs events in order: "comm-pid [cpu] flags ts: name: fields".
 * The buffer is one ring per CPU; "trace" merges them in time order.
 */
static int trace_events(struct tev *ev, int max)
{
	FILE *f = fopen(TRACEFS "/trace", "re");
	char *line = NULL, *p;
	size_t cap = 0;
	int n = 0;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0 && n < max) {
		if (line[0] == '#' || !(p = strchr(line, '[')))
			continue;
		ev[n].cpu = atoi(p + 1);
		if (strstr(line, " sched_waking:")) {
			ev[n].kind = 0;
		} else if (strstr(line, " sched_wakeup:")) {
			ev[n].kind = 1;
			p = strstr(line, "target_cpu=");
			ev[n].arg = p ? atoi(p + 11) : -1;
		} else if (strstr(line, " sched_wake_idle_without_ipi:")) {
			ev[n].kind = 2;
			p = strstr(line, "cpu=");
			ev[n].arg = p ? atoi(p + 4) : -1;
		} else {
			continue;
		}
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* The path each waking in @ev took, by the README's rule; the count. */
static int trace_paths(const struct tev *ev, int n, int *path, int max)
{
	int i, j, k = 0, noipi;

	for (i = 0; i < n && k < max; i++) {
		if (ev[i].kind != 0)
			continue;
		noipi = 0;
		for (j = i + 1; j < n && ev[j].kind != 1; j++)
			if (ev[j].kind == 2 && ev[j].cpu == ev[i].cpu &&
			    ev[j].arg == IDLE_CPU)
				noipi = 1;
		if (j == n)
			path[k++] = WAKEOFF_PATH_NONE;
		else if (noipi && ev[j].arg != ev[i].cpu)
			path[k++] = WAKEOFF_PATH_IDLE_POLL;
		else if (ev[j].cpu == ev[i].cpu)
			path[k++] = ev[j].arg == ev[i].cpu ?
				    WAKEOFF_PATH_LOCAL : WAKEOFF_PATH_REMOTE;
		else if (ev[j].cpu == ev[j].arg)
			path[k++] = WAKEOFF_PATH_WAKELIST;
		else
			path[k++] = WAKEOFF_PATH_OTHER;
	}
	return k;
}

static void trace_setup(struct __test_metadata *_metadata, pid_t pid)
{
	char f[64];

	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/trace_clock", "mono"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/trace", ""));
	snprintf(f, sizeof(f), "pid == %d", pid);
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_waking/filter", f));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_wakeup/filter", f));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_waking/enable", "1"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_wakeup/enable", "1"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_wake_idle_without_ipi/enable", "1"));
	/* The IPI itself where the kernel traces it (6.6+): logged only. */
	wo_write_str(TRACEFS "/events/ipi/ipi_send_cpu/enable", "1");
}

static void trace_off(void)
{
	wo_write_str(TRACEFS "/tracing_on", "0");
	wo_write_str(TRACEFS "/events/sched/sched_waking/enable", "0");
	wo_write_str(TRACEFS "/events/sched/sched_wakeup/enable", "0");
	wo_write_str(TRACEFS "/events/sched/sched_wake_idle_without_ipi/enable", "0");
	wo_write_str(TRACEFS "/events/ipi/ipi_send_cpu/enable", "0");
	wo_write_str(TRACEFS "/events/sched/sched_waking/filter", "0");
	wo_write_str(TRACEFS "/events/sched/sched_wakeup/filter", "0");
}

/*
 * Woken from another CPU onto an idle one: each wakeup's path is a
 * cross-CPU one, and the one tracefs shows for it.
 */
TEST_F_TIMEOUT(wp, idle_target_cross_cpu_path_matches_tracefs, 120)
{
	static const struct wakeoff_wakeup *v[ROUNDS + 8];
	static struct tev ev[MAX_EV];
	int tp[ROUNDS + 8], n, nt, ne, i, per[WAKEOFF_PATH_NR] = { 0 };
	char cmd[64];

	if (access(TRACEFS "/events/sched/sched_wake_idle_without_ipi/enable",
		   W_OK))
		SKIP(return, "no tracefs sched_wake_idle_without_ipi");
	ASSERT_STREQ("attached",
		     wo_summary_get_str("wakepath.idle_poll_tracepoint"));
	self->pid = start_wakee(self->to[0], -1, IDLE_CPU, 0);
	ASSERT_LT(0, self->pid);
	ASSERT_EQ(0, pin(0, WAKER_CPU));
	snprintf(cmd, sizeof(cmd), "filter pid %d", self->pid);
	ASSERT_EQ(0, wo_control(cmd));
	sleep_ns(50000000);	/* pinned, blocked in read() */
	trace_setup(_metadata, self->pid);
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "1"));
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(1, write(self->to[1], "x", 1));
		sleep_ns(5000000);	/* it reads and sleeps again */
	}
	ASSERT_EQ(0, wo_control("stop"));
	trace_off();
	ne = trace_events(ev, MAX_EV);
	nt = trace_paths(ev, ne, tp, ROUNDS + 8);
	self->len = wo_events_drain(&self->buf);
	ASSERT_LT(0, self->len);
	n = pick(self->buf, self->len, self->pid, v, ROUNDS + 8);
	TH_LOG("%d records, %d tracefs wakings (%d events)", n, nt, ne);
	/* A write that finds the wakee still awake wakes nothing: both agree. */
	ASSERT_LE(ROUNDS - 2, n);
	ASSERT_EQ(nt, n);
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(v[i]->valid & WAKEOFF_V_WAKE_PATH);
		EXPECT_EQ(WAKER_CPU, v[i]->waker_cpu);
		EXPECT_EQ(IDLE_CPU, v[i]->target_cpu);
		EXPECT_EQ(tp[i], v[i]->wake_path);
		EXPECT_TRUE(v[i]->wake_path == WAKEOFF_PATH_WAKELIST ||
			    v[i]->wake_path == WAKEOFF_PATH_IDLE_POLL ||
			    v[i]->wake_path == WAKEOFF_PATH_REMOTE);
		per[v[i]->wake_path]++;
	}
	TH_LOG("paths: remote %d, wakelist_ipi %d, idle_poll %d",
	       per[WAKEOFF_PATH_REMOTE], per[WAKEOFF_PATH_WAKELIST],
	       per[WAKEOFF_PATH_IDLE_POLL]);
	TH_LOG("ipi_send_cpu events in tracefs: %ld",
	       wo_trace_count(" ipi_send_cpu:"));
	check_sum(_metadata, self->buf, self->len);
}

/*
 * Waker and wakee pinned to one CPU: every wakeup is local.  Which of the
 * two sleeps each round depends on wakeup preemption (on 6.12 the woken
 * task often preempts its waker, which then finds its answer without
 * sleeping): both are traced, by their comm.
 */
TEST_F_TIMEOUT(wp, same_cpu_pingpong_is_local, 120)
{
	static const struct wakeoff_wakeup *v[2 * ROUNDS + 8];
	const struct wakeoff_wakeup *w;
	char cmd[64], comm[32] = "", c;
	long off = 0;
	int n = 0, i;
	FILE *f;

	f = fopen("/proc/self/comm", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	self->pid = start_wakee(self->to[0], self->back[1], PP_CPU, 1);
	ASSERT_LT(0, self->pid);
	ASSERT_EQ(0, pin(0, PP_CPU));
	snprintf(cmd, sizeof(cmd), "filter comm %s", comm);
	ASSERT_EQ(0, wo_control(cmd));
	sleep_ns(50000000);
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(1, write(self->to[1], "x", 1));
		ASSERT_EQ(1, read(self->back[0], &c, 1));
	}
	ASSERT_EQ(0, wo_control("stop"));
	self->len = wo_events_drain(&self->buf);
	ASSERT_LT(0, self->len);
	while ((w = wo_next_record(self->buf, self->len, &off,
				   WAKEOFF_REC_WAKEUP)))
		if (n < 2 * ROUNDS + 8)
			v[n++] = w;
	TH_LOG("%d records of '%s'", n, comm);
	ASSERT_LE(ROUNDS - 2, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(PP_CPU, v[i]->waker_cpu);
		EXPECT_EQ(PP_CPU, v[i]->wakeup_cpu);
		EXPECT_EQ(PP_CPU, v[i]->target_cpu);
		/*
		 * 6.12's EEVDF keeps a sleeper with negative lag queued
		 * (DELAY_DEQUEUE): try_to_wake_up() then takes
		 * ttwu_runnable(), on the same CPU.
		 */
		EXPECT_TRUE(v[i]->wake_path == WAKEOFF_PATH_LOCAL ||
			    v[i]->wake_path == WAKEOFF_PATH_RUNNABLE);
	}
	EXPECT_LE(ROUNDS - 2, wo_summary_u64("wakepath.local.count") +
		  wo_summary_u64("wakepath.runnable.count"));
	TH_LOG("local %llu, runnable %llu",
	       (unsigned long long)wo_summary_u64("wakepath.local.count"),
	       (unsigned long long)wo_summary_u64("wakepath.runnable.count"));
	check_sum(_metadata, self->buf, self->len);
}

/*
 * A spinner on @cpu with @policy (SCHED_FIFO @prio: a hog; SCHED_IDLE: the
 * CPU never idle, yet anything else preempts it) until *@stop or 10 s.
 */
static pid_t start_spinner(int cpu, volatile int *stop, int policy, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	pid_t pid = fork();
	int64_t end;

	if (pid)
		return pid;
	if (pin(0, cpu) || sched_setscheduler(0, policy, &sp))
		_exit(1);
	end = mono_ns() + 10000000000LL;
	while (!*stop && mono_ns() < end)
		;
	_exit(0);
}

/*
 * @n rounds of ping-pong between this process, on PP_CPU, and a wakee (the
 * same comm: the filter) allowed PP_CPU and, if @alt >= 0, @alt too;
 * leaves the drained records in self->buf and the wakee's pid in *@wakee.
 */
static void pingpong(struct __test_metadata *_metadata,
		     FIXTURE_DATA(wp) *self, int alt, int n, pid_t *wakee)
{
	cpu_set_t set;
	char c;
	int i;

	self->pid = start_wakee(self->to[0], self->back[1], PP_CPU, 1);
	ASSERT_LT(0, self->pid);
	ASSERT_EQ(0, pin(0, PP_CPU));
	/* after the wakee pinned itself (it blocks in read() by then) */
	sleep_ns(50000000);
	CPU_ZERO(&set);
	CPU_SET(PP_CPU, &set);
	if (alt >= 0)
		CPU_SET(alt, &set);
	ASSERT_EQ(0, sched_setaffinity(self->pid, sizeof(set), &set));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_control("start"));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(1, write(self->to[1], "x", 1));
		ASSERT_EQ(1, read(self->back[0], &c, 1));
	}
	ASSERT_EQ(0, wo_control("stop"));
	*wakee = self->pid;
	kill(self->pid, SIGKILL);
	waitpid(self->pid, NULL, 0);
	self->pid = 0;
	free(self->buf);
	self->len = wo_events_drain(&self->buf);
	ASSERT_LT(0, self->len);
}

/*
 * WF_RQ_SELECTED (6.12 and later): try_to_wake_up() adds it when
 * select_task_rq() chose the CPU, which it does only for a task allowed
 * more than one CPU, and wakeoff reports the flags ttwu_do_activate()
 * saw.  Pinned wakee (the workload's own affinity): never.  A wakee
 * allowed a second CPU that a SCHED_IDLE spinner keeps busy (never
 * idle, so the kernel queues no wake list there and activates under
 * the target's lock): on every local and remote wakeup.  Never on the
 * runnable path (ttwu_runnable() returns before select_task_rq()) nor
 * on a wake list (the target CPU activates with WF_MIGRATED at most).
 * A pipe never wakes with WF_CURRENT_CPU.
 */
TEST_F_TIMEOUT(wp, rq_selected_follows_the_wakees_affinity, 120)
{
	static const char *const who_names[2] = { "this pinned task", "wakee" };
	const char *v = wo_summary_get_str("wakepath.wf_rq_selected");
	unsigned int sel = wo_flag("WF_RQ_SELECTED");
	uint64_t per[2][WAKEOFF_PATH_NR][2], flagged;
	const struct wakeoff_wakeup *w;
	char cmd[64], comm[32] = "";
	int alt, p, f, who;
	pid_t wakee;
	long off;
	FILE *fp;

	ASSERT_NE(NULL, v);
	if (!strcmp(v, "unsupported"))
		SKIP(return, "no WF_RQ_SELECTED before 6.12");
	ASSERT_NE(0, sel);
	fp = fopen("/proc/self/comm", "re");
	ASSERT_NE(NULL, fp);
	ASSERT_NE(NULL, fgets(comm, sizeof(comm), fp));
	fclose(fp);
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(cmd, sizeof(cmd), "filter comm %s", comm);
	ASSERT_EQ(0, wo_control(cmd));
	self->hog = start_spinner(IDLE_CPU, self->stop, SCHED_IDLE, 0);
	ASSERT_LT(0, self->hog);
	for (alt = -1; alt <= IDLE_CPU; alt += IDLE_CPU + 1) {
		/* more rounds: a wakee that finds its byte there sleeps not */
		pingpong(_metadata, self, alt, 4 * ROUNDS, &wakee);
		memset(per, 0, sizeof(per));
		flagged = 0;
		off = 0;
		while ((w = wo_next_record(self->buf, self->len, &off,
					   WAKEOFF_REC_WAKEUP))) {
			f = !!(w->final_flags & sel);
			per[w->pid == wakee][w->wake_path][f]++;
			flagged += f;
		}
		for (who = 0; who < 2; who++)
			for (p = 0; p < WAKEOFF_PATH_NR; p++)
				if (per[who][p][0] + per[who][p][1])
					TH_LOG("wakee on %s, %s: %s %llu flagged, %llu not",
					       alt < 0 ? "one CPU" : "two CPUs",
					       who_names[who], path_names[p],
					       (unsigned long long)per[who][p][1],
					       (unsigned long long)per[who][p][0]);
		EXPECT_EQ(flagged, wo_summary_u64("wakepath.wf_rq_selected"));
		EXPECT_EQ(0, wo_summary_u64("wakepath.wf_current_cpu"));
		for (p = 0; p < WAKEOFF_PATH_NR; p++)
			EXPECT_EQ(0, per[0][p][1]);	/* pinned: never */
		EXPECT_EQ(0, per[1][WAKEOFF_PATH_RUNNABLE][1]);
		EXPECT_EQ(0, per[1][WAKEOFF_PATH_WAKELIST][1]);
		if (alt < 0) {
			EXPECT_EQ(0, flagged);
		} else {
			EXPECT_EQ(0, per[1][WAKEOFF_PATH_LOCAL][0]);
			EXPECT_EQ(0, per[1][WAKEOFF_PATH_REMOTE][0]);
			EXPECT_LE(ROUNDS / 8, flagged);
		}
	}
}


/*
 * The wakee is woken onto a CPU an RT hog holds, waits HOLD_NS, and is
 * moved by sched_setaffinity() before it ever ran there: its record's
 * wait from sched_wakeup to the move lies within what the test measured
 * from its write() to its sched_setaffinity().
 */
TEST_F_TIMEOUT(wp, premigration_wait_matches_own_clock, 120)
{
	static const struct wakeoff_wakeup *v[PREMIG_ROUNDS + 8];
	int64_t lo[PREMIG_ROUNDS], hi[PREMIG_ROUNDS], t0a, t0b, t1a, t1b, d;
	uint64_t premig = 0;
	char cmd[64], *rt;
	size_t rl;
	int n, i, k;

	ASSERT_EQ(0, wo_read_file("/proc/sys/kernel/sched_rt_runtime_us",
				  &rt, &rl));
	snprintf(self->rt_runtime, sizeof(self->rt_runtime), "%.*s",
		 (int)strcspn(rt, "\n"), rt);
	free(rt);
	/* No RT throttling: the wakee must not run behind the hog. */
	ASSERT_EQ(0, wo_write_str("/proc/sys/kernel/sched_rt_runtime_us", "-1"));
	self->pid = start_wakee(self->to[0], self->back[1], IDLE_CPU, 1);
	ASSERT_LT(0, self->pid);
	ASSERT_EQ(0, pin(0, WAKER_CPU));
	snprintf(cmd, sizeof(cmd), "filter pid %d", self->pid);
	ASSERT_EQ(0, wo_control(cmd));
	sleep_ns(50000000);
	self->hog = start_spinner(IDLE_CPU, self->stop, SCHED_FIFO, 50);
	ASSERT_LT(0, self->hog);
	sleep_ns(50000000);
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < PREMIG_ROUNDS; i++) {
		char c;

		t0a = mono_ns();
		ASSERT_EQ(1, write(self->to[1], "m", 1));
		t0b = mono_ns();
		sleep_ns(HOLD_NS);
		t1a = mono_ns();
		ASSERT_EQ(0, pin(self->pid, PP_CPU));
		t1b = mono_ns();
		ASSERT_EQ(1, read(self->back[0], &c, 1));
		lo[i] = t1a - t0b;
		hi[i] = t1b - t0a;
		sleep_ns(5000000);	/* asleep in read() again */
		/* Its next wakeup places it on the hog's CPU again. */
		ASSERT_EQ(0, pin(self->pid, IDLE_CPU));
	}
	ASSERT_EQ(0, wo_control("stop"));
	*self->stop = 1;
	self->len = wo_events_drain(&self->buf);
	ASSERT_LT(0, self->len);
	n = pick(self->buf, self->len, self->pid, v, PREMIG_ROUNDS + 8);
	for (i = 0, k = 0; i < n && i < PREMIG_ROUNDS + 8; i++) {
		if (!(v[i]->valid & WAKEOFF_V_PREMIGRATE))
			continue;
		premig++;
		if (k >= PREMIG_ROUNDS)
			continue;
		d = (int64_t)(v[i]->ts_premigrate - v[i]->ts_wakeup);
		TH_LOG("round %d: wakeup->move %lld ns, own clock [%lld, %lld] ns, to CPU %u, path %s",
		       k, (long long)d, (long long)lo[k], (long long)hi[k],
		       v[i]->premigrate_cpu, path_names[v[i]->wake_path]);
		EXPECT_EQ(IDLE_CPU, v[i]->target_cpu);
		EXPECT_EQ(PP_CPU, v[i]->premigrate_cpu);
		EXPECT_EQ(PP_CPU, v[i]->run_cpu);
		EXPECT_EQ(1, v[i]->premigrations);
		/* sched_wakeup may follow the write() by an IPI's latency. */
		EXPECT_LE(lo[k] - 2000000, d);
		EXPECT_GE(hi[k], d);
		k++;
	}
	EXPECT_EQ(PREMIG_ROUNDS, k);
	EXPECT_EQ(premig, wo_summary_u64("premigrate.count"));
	EXPECT_EQ(premig, wo_summary_u64("premigrate.wakeup_to_migrate_ns.count"));
	check_sum(_metadata, self->buf, self->len);
}

TEST_HARNESS_MAIN
