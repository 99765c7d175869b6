// SPDX-License-Identifier: GPL-2.0
/*
 * "filter cgroup PATH" and "wakeoff record -G": only wakeups of tasks
 * whose cgroup v2 is PATH or below it are counted, whoever wakes them.
 *
 * The trap (bcc's runqlat once tested the waker's cgroup): in a pipe
 * ping-pong each side is woken by the other, so a pair split between
 * cgroups A and B gives the same number of wakeups whether the wakee or
 * the waker is tested.  So the checks are by task: records only of
 * tasks in A, none whose waker is in A, and tracefs' sched_waking per
 * pid as the independent count.
 *
 * Mounts cgroup2 at /sys/fs/cgroup when nothing is mounted there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "../userspace/lib/wofile.h"

#define CG	"/sys/fs/cgroup"
#define CG_A	CG "/wo_A"
#define CG_AS	CG_A "/sub"
#define CG_B	CG "/wo_B"
#define ROUNDS	300
#define REC_FILE "/tmp/cgroup_test.wo"

/* A mountinfo line with mount point CG and type cgroup2. */
static int cg2_mounted(void)
{
	char *buf, *line, *save = NULL;
	size_t len;
	int yes = 0;

	if (wo_read_file("/proc/self/mountinfo", &buf, &len))
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		yes |= strstr(line, " " CG " ") && strstr(line, " - cgroup2 ");
	free(buf);
	return yes;
}

static int cg_move(const char *dir, pid_t pid)
{
	char path[256], v[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(v, sizeof(v), "%d", pid);
	return wo_write_str(path, v);
}

/* The cgroup v2 path /proc/PID/cgroup shows ("/wo_A"), static buffer. */
static const char *cg_of(pid_t pid)
{
	static char out[256];
	char path[64], *buf, *p;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	out[0] = '\0';
	if (wo_read_file(path, &buf, &len))
		return out;
	p = strstr(buf, "0::");
	if (p)
		sscanf(p + 3, "%255s", out);
	free(buf);
	return out;
}

/* nr_dying_descendants of the cgroup2 root: cgroups kept by references. */
static long cg_dying(void)
{
	char *buf, *p;
	size_t len;
	long n = -1;

	if (wo_read_file(CG "/cgroup.stat", &buf, &len))
		return -1;
	p = strstr(buf, "nr_dying_descendants ");
	if (p)
		n = strtol(p + 21, NULL, 10);
	free(buf);
	return n;
}

/* Poll for @want dying cgroups (a put runs after a grace period). */
static long cg_dying_wait(long want)
{
	long n = -1;
	int i;

	for (i = 0; i < 500; i++) {
		n = cg_dying();
		if (n == want)
			break;
		usleep(10000);
	}
	return n;
}

/*
 * Two ping-pong pairs released together: tasks 0 and 1 are the first
 * pair (ping, pong), 2 and 3 the second.
 */
struct pairs {
	struct wo_pingpong p[2];
	pid_t pid[4];
};

static int pairs_start(struct pairs *pp, long rounds)
{
	if (wo_pingpong_start(&pp->p[0], rounds))
		return -1;
	if (wo_pingpong_start(&pp->p[1], rounds)) {
		wo_pingpong_kill(&pp->p[0]);
		return -1;
	}
	pp->pid[0] = pp->p[0].ping;
	pp->pid[1] = pp->p[0].pong;
	pp->pid[2] = pp->p[1].ping;
	pp->pid[3] = pp->p[1].pong;
	return 0;
}

/* Start both pairs; wait for all four tasks: 0 if all exited 0. */
static int pairs_run(struct pairs *pp)
{
	int rc;

	wo_pingpong_go(&pp->p[0]);
	wo_pingpong_go(&pp->p[1]);
	rc = wo_pingpong_wait(&pp->p[0]);
	return wo_pingpong_wait(&pp->p[1]) || rc ? -1 : 0;
}

/* Task 0 and 3 into A and A/sub, 1 and 2 into B. */
static int pairs_place(const struct pairs *pp)
{
	return cg_move(CG_A, pp->pid[0]) || cg_move(CG_B, pp->pid[1]) ||
	       cg_move(CG_B, pp->pid[2]) || cg_move(CG_AS, pp->pid[3]);
}

static void tracefs_off(void)
{
	wo_write_str(TRACEFS "/tracing_on", "0");
	wo_write_str(TRACEFS "/events/sched/sched_waking/enable", "0");
	wo_write_str(TRACEFS "/events/sched/sched_waking/filter", "0");
}

/* sched_waking of the @n tasks in @pids only, into an empty buffer. */
static int tracefs_on(const pid_t *pids, int n)
{
	char filter[256];
	size_t o = 0;
	int i;

	tracefs_off();
	for (i = 0; i < n; i++)
		o += snprintf(filter + o, sizeof(filter) - o, "%spid == %d",
			      i ? " || " : "", pids[i]);
	if (wo_write_str(TRACEFS "/buffer_size_kb", "4096") ||
	    wo_write_str(TRACEFS "/trace", "") ||
	    wo_write_str(TRACEFS "/events/sched/sched_waking/filter", filter) ||
	    wo_write_str(TRACEFS "/events/sched/sched_waking/enable", "1"))
		return -1;
	return wo_write_str(TRACEFS "/tracing_on", "1");
}

/* sched_waking lines of @pid in the trace ("pid=N prio", no prefix match). */
static long trace_waking(pid_t pid)
{
	char needle[48];

	snprintf(needle, sizeof(needle), " pid=%d prio=", pid);
	return wo_trace_count(needle);
}

/* Wakeup records in the events file, per wakee and per waker. */
struct recs {
	long n, untracked;
	pid_t pid[8];
	long as_wakee[8], as_waker[8];
};

static void drain_records(struct recs *r, const pid_t *pids, int n)
{
	const struct wakeoff_wakeup *w;
	char *buf;
	long len, off = 0;
	int i;

	memset(r->as_wakee, 0, sizeof(r->as_wakee));
	memset(r->as_waker, 0, sizeof(r->as_waker));
	r->n = 0;
	memcpy(r->pid, pids, n * sizeof(*pids));
	len = wo_events_drain(&buf);
	if (len < 0)
		return;
	while ((w = wo_next_record(buf, len, &off, WAKEOFF_REC_WAKEUP))) {
		r->n++;
		for (i = 0; i < n; i++) {
			r->as_wakee[i] += w->pid == pids[i];
			r->as_waker[i] += w->waker_pid == pids[i];
		}
	}
	free(buf);
	r->untracked = wo_summary_u64("wakeups_untracked_table_full") +
		       wo_summary_u64("wakeups_untracked_busy");
}

FIXTURE(cg) {
	int mounted;
};

FIXTURE_SETUP(cg)
{
	if (access(TRACEFS "/events/sched/sched_waking/enable", W_OK))
		SKIP(return, "tracefs is not mounted at %s", TRACEFS);
	self->mounted = 0;
	if (!cg2_mounted()) {
		ASSERT_EQ(0, mount("none", CG, "cgroup2", 0, NULL))
			TH_LOG("mount cgroup2 on %s: %s", CG, strerror(errno));
		self->mounted = 1;
	}
	mkdir(CG_A, 0755);
	mkdir(CG_AS, 0755);
	mkdir(CG_B, 0755);
	ASSERT_EQ(0, access(CG_AS "/cgroup.procs", W_OK));
	ASSERT_EQ(0, access(CG_B "/cgroup.procs", W_OK));
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
}

FIXTURE_TEARDOWN(cg)
{
	tracefs_off();
	wo_write_str(TRACEFS "/trace", "");
	wo_write_str(TRACEFS "/tracing_on", "1");
	wo_unload();
	unlink(REC_FILE);
	rmdir(CG_AS);
	rmdir(CG_A);
	rmdir(CG_B);
	if (self->mounted)
		umount2(CG, MNT_DETACH);
	EXPECT_EQ(0, wo_bad_taint());
}

/*
 * Two ping-pong pairs, each split between A (or A/sub) and B: only the
 * wakeups of the tasks in A and below are counted, per task exactly as
 * tracefs saw them, and no record has a waker in A.
 */
TEST_F_TIMEOUT(cg, counts_the_woken_tasks_cgroup_not_the_wakers, 300)
{
	struct pairs pp;
	struct recs r;
	pid_t *pids = pp.pid;
	long t[4];
	uint64_t matched, closed;
	int i;

	ASSERT_EQ(0, pairs_start(&pp, ROUNDS));
	ASSERT_EQ(0, pairs_place(&pp));
	EXPECT_STREQ("/wo_A", cg_of(pids[0]));
	EXPECT_STREQ("/wo_A/sub", cg_of(pids[3]));
	EXPECT_STREQ("/wo_B", cg_of(pids[1]));

	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_control("filter cgroup /wo_A"));
	EXPECT_STREQ("cgroup=/wo_A", wo_summary_get_str("filter"));
	ASSERT_EQ(0, tracefs_on(pids, 4));
	ASSERT_EQ(0, wo_control("start"));
	ASSERT_EQ(0, pairs_run(&pp));
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));

	for (i = 0; i < 4; i++)
		t[i] = trace_waking(pids[i]);
	matched = wo_summary_u64("matched.sched_waking");
	closed = wo_summary_u64("wakeups_closed");
	drain_records(&r, pids, 4);
	TH_LOG("tracefs waking A %ld %ld, B %ld %ld; wakeoff matched %llu records A %ld %ld B %ld %ld (of %ld), untracked %ld",
	       t[0], t[3], t[1], t[2], (unsigned long long)matched,
	       r.as_wakee[0], r.as_wakee[3], r.as_wakee[1], r.as_wakee[2],
	       r.n, r.untracked);
	/* Every side slept most rounds: B's tasks were woken too. */
	for (i = 0; i < 4; i++)
		EXPECT_LE(ROUNDS / 2, t[i]);
	EXPECT_EQ((uint64_t)(t[0] + t[3]), matched);
	EXPECT_EQ((uint64_t)r.n, closed);
	/* Only A's tasks as wakees, none of them as wakers. */
	EXPECT_EQ(r.n, r.as_wakee[0] + r.as_wakee[3]);
	EXPECT_EQ(0, r.as_wakee[1]);
	EXPECT_EQ(0, r.as_wakee[2]);
	EXPECT_EQ(0, r.as_waker[0]);
	EXPECT_EQ(0, r.as_waker[3]);
	EXPECT_EQ((long)matched, r.n + r.untracked);
	if (!r.untracked) {
		EXPECT_EQ(t[0], r.as_wakee[0]);
		EXPECT_EQ(t[3], r.as_wakee[3]);
	}
}

/*
 * A task moved into A while recording is counted from then on, and no
 * more once moved out.  It is woken once per round by this process (in
 * the root cgroup), and is asleep when moved, so every phase is exact.
 */
TEST_F_TIMEOUT(cg, task_moved_in_is_counted_from_then_on, 300)
{
	struct wo_clock_child cc;
	uint64_t m0, m1, m2, m3;
	long t1, t2, t3;
	struct recs r;
	pid_t pids[2];

	ASSERT_EQ(0, wo_clock_child_start(&cc));
	pids[0] = cc.pid;
	pids[1] = getpid();
	ASSERT_EQ(0, wo_control("filter cgroup /wo_A"));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_control("start"));
	m0 = wo_summary_u64("matched.sched_waking");

	ASSERT_EQ(0, tracefs_on(pids, 1));
	ASSERT_EQ(0, wo_clock_child_rounds(&cc, 200, 0));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
	t1 = trace_waking(cc.pid);
	m1 = wo_summary_u64("matched.sched_waking");

	ASSERT_EQ(0, cg_move(CG_A, cc.pid));
	ASSERT_STREQ("/wo_A", cg_of(cc.pid));
	ASSERT_EQ(0, tracefs_on(pids, 1));
	ASSERT_EQ(0, wo_clock_child_rounds(&cc, 200, 0));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
	t2 = trace_waking(cc.pid);
	m2 = wo_summary_u64("matched.sched_waking");

	ASSERT_EQ(0, cg_move(CG, cc.pid));
	ASSERT_EQ(0, tracefs_on(pids, 1));
	ASSERT_EQ(0, wo_clock_child_rounds(&cc, 100, 0));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
	t3 = trace_waking(cc.pid);
	m3 = wo_summary_u64("matched.sched_waking");
	wo_clock_child_stop(&cc);
	ASSERT_EQ(0, wo_control("stop"));
	drain_records(&r, pids, 2);

	TH_LOG("child %d: tracefs waking %ld / %ld / %ld (outside, in A, out again); wakeoff matched %llu / %llu / %llu; records %ld, untracked %ld",
	       cc.pid, t1, t2, t3, (unsigned long long)(m1 - m0),
	       (unsigned long long)(m2 - m1), (unsigned long long)(m3 - m2),
	       r.as_wakee[0], r.untracked);
	EXPECT_LE(100, t1);
	EXPECT_LE(100, t2);
	EXPECT_LE(50, t3);
	EXPECT_EQ(0, m1 - m0);
	EXPECT_EQ((uint64_t)t2, m2 - m1);
	EXPECT_EQ(0, m3 - m2);
	/* Its wakeups only, never its waker's (this process, in the root). */
	EXPECT_EQ(r.n, r.as_wakee[0]);
	EXPECT_EQ(0, r.as_wakee[1]);
	EXPECT_EQ((long)(m2 - m1), r.n + r.untracked);
}

/*
 * The same, the move made while the pair ping-pongs: the wakeups tracefs
 * saw after the move's end marker are all counted, and at most those
 * seen between the markers besides.
 */
TEST_F_TIMEOUT(cg, task_moved_in_mid_pingpong, 300)
{
	long before = 0, during = 0, after = 0;
	struct wo_pingpong pp;
	char *buf, *line, *save = NULL, needle[48];
	uint64_t matched;
	size_t len;
	int phase = 0;

	/* Until killed: the move must find it running on any machine. */
	ASSERT_EQ(0, wo_pingpong_start(&pp, 0));
	ASSERT_EQ(0, wo_control("filter cgroup /wo_A"));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, tracefs_on(&pp.pong, 1));
	wo_pingpong_go(&pp);
	usleep(100000);
	ASSERT_EQ(0, wo_write_str(TRACEFS "/trace_marker", "wo_move_begin"));
	ASSERT_EQ(0, cg_move(CG_A, pp.pong));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/trace_marker", "wo_move_end"));
	usleep(300000);
	/* Its SIGKILL wakeup too is counted on both sides. */
	wo_pingpong_kill(&pp);
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
	matched = wo_summary_u64("matched.sched_waking");

	ASSERT_EQ(0, wo_read_file(TRACEFS "/trace", &buf, &len));
	snprintf(needle, sizeof(needle), " pid=%d prio=", pp.pong);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "wo_move_begin"))
			phase = 1;
		else if (strstr(line, "wo_move_end"))
			phase = 2;
		else if (strstr(line, needle))
			*(phase == 0 ? &before : phase == 1 ? &during : &after) += 1;
	}
	free(buf);
	TH_LOG("pong %d: tracefs waking %ld before the move, %ld during, %ld after; wakeoff matched %llu",
	       pp.pong, before, during, after, (unsigned long long)matched);
	EXPECT_EQ(2, phase);
	EXPECT_LE(10, before);
	EXPECT_LE(100, after);
	EXPECT_LE((uint64_t)after, matched);
	EXPECT_GE((uint64_t)(after + during), matched);
}

/* Criteria combine (AND): cgroup and pid, set in either order. */
TEST_F_TIMEOUT(cg, combines_with_pid_filter, 300)
{
	struct wo_pingpong p1;
	char cmd[64], want[64];
	pid_t pids[2];
	long t[2];
	int k;

	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, wo_pingpong_start(&p1, ROUNDS));
		pids[0] = p1.ping;
		pids[1] = p1.pong;
		ASSERT_EQ(0, cg_move(CG_A, pids[0]));
		ASSERT_EQ(0, cg_move(CG_B, pids[1]));
		ASSERT_EQ(0, wo_control("filter clear"));
		ASSERT_EQ(0, wo_control("stop"));
		ASSERT_EQ(0, wo_control("reset"));
		/* Round 0: A's task by pid; round 1: B's, matching nothing. */
		snprintf(cmd, sizeof(cmd), "filter pid %d", pids[k]);
		if (k == 0) {
			ASSERT_EQ(0, wo_control("filter cgroup /wo_A"));
			ASSERT_EQ(0, wo_control(cmd));
		} else {
			ASSERT_EQ(0, wo_control(cmd));
			ASSERT_EQ(0, wo_control("filter cgroup /wo_A"));
		}
		snprintf(want, sizeof(want), "pid=%d cgroup=/wo_A", pids[k]);
		EXPECT_STREQ(want, wo_summary_get_str("filter"));
		ASSERT_EQ(0, tracefs_on(pids, 2));
		ASSERT_EQ(0, wo_control("start"));
		wo_pingpong_go(&p1);
		ASSERT_EQ(0, wo_pingpong_wait(&p1));
		ASSERT_EQ(0, wo_control("stop"));
		ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
		t[0] = trace_waking(pids[0]);
		t[1] = trace_waking(pids[1]);
		TH_LOG("%s: tracefs A %ld B %ld, wakeoff matched %llu", want,
		       t[0], t[1],
		       (unsigned long long)wo_summary_u64("matched.sched_waking"));
		EXPECT_LE(ROUNDS / 2, t[1]);
		EXPECT_EQ(k == 0 ? (uint64_t)t[0] : 0,
			  wo_summary_u64("matched.sched_waking"));
	}
}

static char *last_error(void)
{
	struct wo_summary s;
	char *buf, err[128], *v = NULL;
	size_t len;

	if (wo_read_file(WO_CONTROL, &buf, &len))
		return NULL;
	if (!wo_summary_parse(buf, len, &s, err, sizeof(err))) {
		if (wo_summary_get(&s, "last_error"))
			v = strdup(wo_summary_get(&s, "last_error"));
		wo_summary_free(&s);
	}
	free(buf);
	return v;
}

/* Bad paths: an errno and a reason, and the filter in force is kept. */
TEST_F(cg, bad_paths_rejected_with_a_reason)
{
	static const struct {
		const char *cmd;
		int err;
		const char *why;
	} bad[] = {
		{ "filter cgroup /wo_nonexistent", -ENOENT, "no such cgroup v2" },
		{ "filter cgroup " CG_A, -ENOENT, "relative to the cgroup2 root" },
		{ "filter cgroup wo_A", -EINVAL, "must start with /" },
		{ "filter cgroup /wo_A/cgroup.procs", -EINVAL, "names a file" },
		{ "filter cgroup", -EINVAL, "missing cgroup path" },
		{ "filter cgroup /wo_A /wo_B", -EINVAL, "trailing argument" },
		{ "filter cgroup /wo_\x01", -EINVAL, "non-printable" },
	};
	unsigned int i;
	char *why;

	ASSERT_EQ(0, wo_control("filter cgroup /wo_B/"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(bad[i].err, wo_control(bad[i].cmd)) TH_LOG("%s", bad[i].cmd);
		why = last_error();
		ASSERT_NE(NULL, why);
		EXPECT_NE(NULL, strstr(why, bad[i].why))
			TH_LOG("%s: last_error '%s'", bad[i].cmd, why);
		free(why);
		EXPECT_STREQ("cgroup=/wo_B/", wo_summary_get_str("filter"));
	}
	/* The root: every task. */
	ASSERT_EQ(0, wo_control("filter cgroup /"));
	EXPECT_STREQ("cgroup=/", wo_summary_get_str("filter"));
}

/*
 * The filter's reference keeps a removed cgroup "dying"; clearing or
 * replacing the filter and unloading the module let it go.
 */
TEST_F(cg, reference_dropped_on_clear_replace_and_unload)
{
	/* The previous test's cgroups may still be on their way out. */
	long d0 = cg_dying_wait(0);
	static const char *const drop[] = {
		"filter cgroup /wo_A", "filter clear", NULL,
	};
	int k;

	ASSERT_LE(0, d0);
	for (k = 0; k < 3; k++) {
		ASSERT_EQ(0, mkdir(CG "/wo_R", 0755));
		ASSERT_EQ(0, wo_control("filter cgroup /wo_R"));
		/* A criterion added on top keeps (and re-takes) the reference. */
		ASSERT_EQ(0, wo_control("filter comm nobody"));
		ASSERT_EQ(0, rmdir(CG "/wo_R"));
		usleep(200000);
		EXPECT_EQ(d0 + 1, cg_dying_wait(d0 + 1)) TH_LOG("round %d", k);
		if (drop[k]) {
			ASSERT_EQ(0, wo_control(drop[k]));
		} else {
			ASSERT_EQ(0, wo_unload());
			ASSERT_EQ(0, wo_load(NULL));
		}
		EXPECT_EQ(d0, cg_dying_wait(d0))
			TH_LOG("after %s", drop[k] ? drop[k] : "unload");
		ASSERT_EQ(0, wo_control("filter clear"));
	}
}

static const char *cli(void)
{
	const char *c = getenv("WAKEOFF_CLI");

	return c && *c ? c : "/mnt/wakeoff";
}

static int run_cli(const char *args, const char *out)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s >%s 2>&1", cli(), args, out);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int wait_recording(void)
{
	int i;

	for (i = 0; i < 500; i++) {
		const char *v = wo_summary_get_str("state");

		if (v && !strcmp(v, "recording"))
			return 0;
		usleep(10000);
	}
	return -1;
}

/*
 * wakeoff record -G with the cgroup2 directory: the file holds the
 * wakeups of A's tasks only, as many as tracefs saw, and says its filter.
 */
TEST_F_TIMEOUT(cg, record_G_records_the_cgroups_wakees, 300)
{
	struct pairs pp;
	struct wo_trace tr;
	char err[512], *out;
	pid_t rec, *pids = pp.pid;
	long t[4], in_a = 0, other = 0;
	size_t i;
	int st;

	if (access(cli(), X_OK))
		SKIP(return, "no CLI at %s", cli());
	ASSERT_EQ(0, pairs_start(&pp, ROUNDS));
	ASSERT_EQ(0, pairs_place(&pp));
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, tracefs_on(pids, 4));
	rec = fork();
	ASSERT_LE(0, rec);
	if (rec == 0) {
		execl(cli(), "wakeoff", "record", "-q", "-o", REC_FILE,
		      "-G", CG_A "/", NULL);
		_exit(127);
	}
	ASSERT_EQ(0, wait_recording());
	ASSERT_EQ(0, pairs_run(&pp));
	usleep(200000);
	kill(rec, SIGINT);
	ASSERT_EQ(rec, waitpid(rec, &st, 0));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
	/* record cleared its filter at the end. */
	EXPECT_STREQ("none", wo_summary_get_str("filter"));
	for (i = 0; i < 4; i++)
		t[i] = trace_waking(pids[i]);

	ASSERT_EQ(0, wo_trace_load(REC_FILE, &tr, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("cgroup=/wo_A", wo_summary_get(&tr.meta, "filter"));
	for (i = 0; i < tr.nwk; i++) {
		if (tr.wk[i].pid == pids[0] || tr.wk[i].pid == pids[3])
			in_a++;
		else
			other++;
	}
	TH_LOG("file: %zu wakeups, %ld of A's tasks; tracefs A %ld + %ld",
	       tr.nwk, in_a, t[0], t[3]);
	EXPECT_EQ(0, other);
	EXPECT_LE(ROUNDS, in_a);
	EXPECT_LE(in_a, t[0] + t[3]);
	EXPECT_EQ(t[0] + t[3],
		  in_a + (long)wo_summary_u64("wakeups_untracked_table_full") +
		  (long)wo_summary_u64("wakeups_untracked_busy"));
	wo_trace_free(&tr);

	/* The /proc/PID/cgroup form is taken as it is. */
	EXPECT_EQ(0, run_cli("record -q -d 0.3 -o " REC_FILE " --cgroup /wo_A/sub",
			     "/tmp/cg.out"));
	ASSERT_EQ(0, wo_trace_load(REC_FILE, &tr, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("cgroup=/wo_A/sub", wo_summary_get(&tr.meta, "filter"));
	wo_trace_free(&tr);
	/* Errors say what is wrong. */
	EXPECT_EQ(2, run_cli("record -q -d 0.3 -o " REC_FILE " -G /tmp", "/tmp/cg.out"));
	ASSERT_EQ(0, wo_read_file("/tmp/cg.out", &out, &i));
	EXPECT_NE(NULL, strstr(out, "/tmp is on a tmpfs file system under /tmp, not in a cgroup2 hierarchy"))
		TH_LOG("%s", out);
	free(out);
	EXPECT_EQ(1, run_cli("record -q -d 0.3 -o " REC_FILE " -G " CG "/wo_none",
			     "/tmp/cg.out"));
	ASSERT_EQ(0, wo_read_file("/tmp/cg.out", &out, &i));
	EXPECT_NE(NULL, strstr(out, "reason: no such cgroup v2")) TH_LOG("%s", out);
	free(out);
	unlink("/tmp/cg.out");
}

TEST_HARNESS_MAIN
