// SPDX-License-Identifier: GPL-2.0
/*
 * The wakeoff CLI on a live module: record drains every CPU into a file
 * that accounts for every record, report on that file agrees with the
 * module's own summary of the same wakeups, timehist has a line per
 * wakeup, stress produces the three numbers' table, the reader never traces
 * itself, and errors (busy events file, truncated file) are clean.
 * The CLI binary is $WAKEOFF_CLI, else /mnt/wakeoff (the VM share).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "../userspace/lib/report.h"
#include "../userspace/lib/wofile.h"

#define REC_FILE	"/tmp/cli_test.wo"

static const char *cli(void)
{
	const char *c = getenv("WAKEOFF_CLI");

	return c && *c ? c : "/mnt/wakeoff";
}

/* Run the CLI with @args (a shell word list); stdout+stderr to @out. */
static int run_cli(const char *args, const char *out)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s >%s 2>&1", cli(), args, out);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char *slurp(const char *path)
{
	char *buf;
	size_t len;

	if (wo_read_file(path, &buf, &len))
		return strdup("");
	return buf;
}

static long count_lines(const char *s)
{
	long n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int wait_state(const char *want)
{
	int i;

	for (i = 0; i < 500; i++) {
		struct wo_summary s;
		const char *v;
		int ok;

		if (wo_summary_read(&s))
			return -1;
		v = wo_summary_get(&s, "state");
		ok = v && !strcmp(v, want);
		wo_summary_free(&s);
		if (ok)
			return 0;
		usleep(10000);
	}
	return -1;
}

FIXTURE(cli) {
	pid_t rec;
};

FIXTURE_SETUP(cli)
{
	self->rec = -1;
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
	ASSERT_EQ(0, access(cli(), X_OK)) TH_LOG("no CLI at %s", cli());
}

FIXTURE_TEARDOWN(cli)
{
	if (self->rec > 0) {
		kill(self->rec, SIGKILL);
		waitpid(self->rec, NULL, 0);
	}
	unlink(REC_FILE);
	wo_unload();
	EXPECT_EQ(0, wo_bad_taint());
}

/*
 * Record a 400-round ping-pong with the module stopped and reset first,
 * stop with SIGINT; then check the file against the module.
 */
TEST_F(cli, record_accounts_and_reports_like_the_module)
{
	struct wo_pingpong pp;
	struct wo_summary s;
	struct wo_trace t;
	struct wo_report r;
	const struct wo_rclass *all = NULL;
	uint64_t closed, recorded, dropped, got, v, flagged = 0, nr_ok = 0;
	uint64_t woken = 0;
	char err[512], key[128], *out;
	size_t i;
	int st, m;

	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	self->rec = fork();
	ASSERT_LE(0, self->rec);
	if (self->rec == 0) {
		execl(cli(), "wakeoff", "record", "-q", "-o", REC_FILE,
		      "--comm", "cli_test", "--run", "5", "--label", "pp", NULL);
		_exit(127);
	}
	ASSERT_EQ(0, wait_state("recording"));
	ASSERT_EQ(0, wo_pingpong_start(&pp, 400));
	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));
	usleep(200000);
	kill(self->rec, SIGINT);
	ASSERT_EQ(self->rec, waitpid(self->rec, &st, 0));
	self->rec = -1;
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));

	/* record stopped the module again and cleared its filter. */
	ASSERT_EQ(0, wo_summary_read(&s));
	EXPECT_STREQ("stopped", wo_summary_get(&s, "state"));
	EXPECT_STREQ("none", wo_summary_get(&s, "filter"));
	EXPECT_STREQ("none", wo_summary_get(&s, "reader_excluded"));

	ASSERT_EQ(0, wo_trace_load(REC_FILE, &t, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_TRUE(t.complete);
	ASSERT_EQ(0, wo_summary_get_u64(&t.counters, "received", &got));
	ASSERT_EQ(0, wo_summary_get_u64(&t.counters, "recorded", &recorded));
	ASSERT_EQ(0, wo_summary_get_u64(&t.counters, "dropped", &dropped));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wakeups_closed", &closed));
	/* Nothing lost: every record the module wrote is in the file. */
	EXPECT_EQ(recorded, got);
	EXPECT_EQ(0, dropped);
	/* Sched event records too: PI boosts happen on PREEMPT_RT. */
	EXPECT_EQ(t.nwk + t.nruns + t.nsev, got);
	EXPECT_EQ(closed, t.nwk);
	/*
	 * Not 800: a pipe read that finds the reply already written does not
	 * sleep, and on a slow (debug) kernel a wakeup can find its slot busy
	 * (counted as untracked in the summary).  Most rounds block, though.
	 */
	EXPECT_GE(t.nwk, 400) TH_LOG("%zu wakeups for 400 round trips", t.nwk);
	for (i = 0; i < t.nwk; i++) {
		EXPECT_EQ(5, t.wk[i].run_id);
		woken += !!(t.wk[i].valid & WAKEOFF_V_WAKEUP);
		if (t.wk[i].valid & WAKEOFF_V_NR_RUNNING) {
			flagged++;
			nr_ok += t.wk[i].rq_nr_running >= 1 &&
				 t.wk[i].rq_nr_running < 1000;
		}
	}
	/* After activation the wakee itself is on the target runqueue. */
	EXPECT_EQ(woken, flagged);
	EXPECT_EQ(flagged, nr_ok);
	EXPECT_STREQ("pp", wo_trace_run_label(&t, 5));
	EXPECT_NE(0, wo_trace_flag(&t, "WF_SYNC"));

	/* The file's report equals the module's summary, bucket for bucket. */
	ASSERT_EQ(0, wo_report_from_trace(&t, &r, err, sizeof(err))) TH_LOG("%s", err);
	for (i = 0; i < r.ncls; i++)
		if (!strcmp(r.cls[i].scope, "class") && !strcmp(r.cls[i].name, "all"))
			all = &r.cls[i];
	ASSERT_NE(NULL, all);
	ASSERT_EQ(0, wo_summary_get_u64(&s, "class.all.count", &v));
	EXPECT_EQ(v, all->count);
	for (m = 0; m < WO_RM_NR; m++) {
		static const char *const f[] = { "count", "p50", "p90", "p99", "max" };
		const uint64_t mine[] = { all->m[m].count, all->m[m].p50, all->m[m].p90,
					  all->m[m].p99, all->m[m].max };
		int k;

		for (k = 0; k < 5; k++) {
			snprintf(key, sizeof(key), "class.all.%s.%s", wo_metric_names[m], f[k]);
			ASSERT_EQ(0, wo_summary_get_u64(&s, key, &v));
			EXPECT_EQ(v, mine[k]) TH_LOG("%s", key);
		}
	}
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wf_migrated", &v));
	EXPECT_EQ(v, r.migrated);
	wo_report_free(&r);
	wo_summary_free(&s);

	/* The commands on the file. */
	EXPECT_EQ(0, run_cli("report " REC_FILE, "/tmp/cli.out"));
	out = slurp("/tmp/cli.out");
	EXPECT_NE(NULL, strstr(out, "The three numbers of the idle-vs-load experiment"));
	EXPECT_NE(NULL, strstr(out, "Per task"));
	EXPECT_NE(NULL, strstr(out, "cli_test:"));
	free(out);
	EXPECT_EQ(0, run_cli("report --json " REC_FILE, "/tmp/cli.out"));
	out = slurp("/tmp/cli.out");
	EXPECT_EQ('{', out[0]);
	EXPECT_NE(NULL, strstr(out, "\"classes\""));
	free(out);
	EXPECT_EQ(0, run_cli("report --prometheus", "/tmp/cli.out"));
	out = slurp("/tmp/cli.out");
	EXPECT_NE(NULL, strstr(out, "# TYPE wakeoff_latency_seconds summary"));
	free(out);
	EXPECT_EQ(0, run_cli("timehist --csv " REC_FILE, "/tmp/cli.out"));
	out = slurp("/tmp/cli.out");
	EXPECT_EQ((long)t.nwk + 1, count_lines(out));
	free(out);
	wo_trace_free(&t);
	/* Left for the host: run-all.sh plots and exports real data. */
	if (!access("/mnt/results", W_OK)) {
		EXPECT_EQ(0, system("cp " REC_FILE " /mnt/results/cli_test.wo"));
		EXPECT_EQ(0, run_cli("report --csv " REC_FILE,
				     "/mnt/results/cli_test.report.csv"));
	}

	/* A truncated copy is refused with an offset. */
	{
		struct stat sb;
		char cmd[256];

		ASSERT_EQ(0, stat(REC_FILE, &sb));
		snprintf(cmd, sizeof(cmd), "head -c %lld " REC_FILE " >/tmp/cut.wo",
			 (long long)sb.st_size / 2);
		ASSERT_EQ(0, system(cmd));
		EXPECT_EQ(1, run_cli("report /tmp/cut.wo", "/tmp/cli.out"));
		out = slurp("/tmp/cli.out");
		EXPECT_NE(NULL, strstr(out, "/tmp/cut.wo: offset "));
		free(out);
		unlink("/tmp/cut.wo");
	}
}

/* The process holding "events" open is never traced. */
TEST_F(cli, reader_does_not_trace_itself)
{
	struct timespec ms = { 0, 1000000 };
	char *buf = NULL, want[64];
	const struct wakeoff_wakeup *w;
	struct wo_summary s;
	long len, off, mine = 0;
	int fd, i;

	/*
	 * Stopped while the buffers are emptied and events opened: a wakeup
	 * of this process opened before the open (not yet excluded) and
	 * closed after it would otherwise land in the stream.
	 */
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	fd = open(WO_DIR "/events", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, wo_control("start"));
	ASSERT_EQ(0, wo_summary_read(&s));
	snprintf(want, sizeof(want), "tgid=%d", getpid());
	EXPECT_STREQ(want, wo_summary_get(&s, "reader_excluded"));
	wo_summary_free(&s);
	for (i = 0; i < 50; i++)
		nanosleep(&ms, NULL);	/* 50 wakeups of this process */
	buf = malloc(1 << 20);
	ASSERT_NE(NULL, buf);
	len = read(fd, buf, 1 << 20);
	close(fd);
	for (off = 0; len > 0 &&
	     (w = wo_next_record(buf, len, &off, WAKEOFF_REC_WAKEUP)) != NULL;)
		mine += w->tgid == getpid();
	EXPECT_EQ(0, mine);
	free(buf);
	/* Closed again: this process is traced like any other. */
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_control("filter tgid 1") ?: wo_control("filter clear"));
	for (i = 0; i < 50; i++)
		nanosleep(&ms, NULL);
	ASSERT_EQ(0, wo_summary_read(&s));
	EXPECT_STREQ("none", wo_summary_get(&s, "reader_excluded"));
	EXPECT_LT(0, strtoll(wo_summary_get(&s, "wakeups"), NULL, 10));
	wo_summary_free(&s);
}

/* Seconds since @t0 on CLOCK_MONOTONIC. */
static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* `wakeoff report -i @args...` in the background, stdout+stderr to @out. */
static pid_t spawn_report(const char *out, const char *a1, const char *a2,
			  const char *a3)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execl(cli(), "wakeoff", "report", "-i", a1, a2, a3, NULL);
		_exit(127);
	}
	return pid;
}

/* The system call @pid is blocked in, -1 if it runs or on error. */
/*
 * /proc/PID/syscall: the number of the syscall @pid is blocked in (-1:
 * none, or running) and the user pc it will return to.
 */
static long blocked_in(pid_t pid, unsigned long *pc)
{
	char path[64], buf[512], *last;
	FILE *f;
	long nr = -1;

	*pc = 0;
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && strncmp(buf, "running", 7)) {
		nr = strtol(buf, NULL, 10);
		last = strrchr(buf, ' ');
		if (last)
			*pc = strtoul(last + 1, NULL, 16);
	}
	fclose(f);
	return nr;
}

/* @pid sleeps in clock_nanosleep(); *pc: where that call returns to. */
static int in_nanosleep(pid_t pid, unsigned long *pc)
{
	return blocked_in(pid, pc) == SYS_clock_nanosleep;
}

/*
 * @pid, stopped by SIGSTOP, was stopped in the clock_nanosleep() that
 * returns to @sleep_pc.  x86 keeps the syscall number while the task
 * stops; arm64's do_signal() forgets it and rewinds the pc to the svc
 * instruction (restart) before get_signal() stops the task.
 */
static int stopped_in_nanosleep(pid_t pid, unsigned long sleep_pc)
{
	unsigned long pc;
	long nr = blocked_in(pid, &pc);

	if (nr == SYS_clock_nanosleep)
		return 1;
#ifdef __aarch64__
	return nr == -1 && sleep_pc && pc == sleep_pc - 4;
#else
	(void)sleep_pc;
	return 0;
#endif
}

static char proc_state(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] && p[2] ? p[2] : '?';
}

static long file_lines(const char *path)
{
	char *s = slurp(path);
	long n = count_lines(s);

	free(s);
	return n;
}

/*
 * Stop the CLI (SIGSTOP) inside its sleep after its @k-th line: its next
 * reading has not happened then.  0 when caught, 1 if it printed more
 * first (a slow machine: try again), -1 if it exited or hung.
 */
static int iv_catch(pid_t pid, const char *out, long k)
{
	struct timespec t0;
	unsigned long pc;
	long n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (since(&t0) < 30) {
		n = file_lines(out);
		if (n > k)
			return 1;
		if (n == k && in_nanosleep(pid, &pc)) {
			kill(pid, SIGSTOP);
			while (proc_state(pid) != 'T' && proc_state(pid) != 'Z')
				usleep(1000);
			if (proc_state(pid) != 'T')
				return -1;
			if (file_lines(out) == k &&
			    stopped_in_nanosleep(pid, pc))
				return 0;
			kill(pid, SIGCONT);
		}
		usleep(1000);
	}
	return -1;
}

/* Wait until the summary's wakeups counter moves: a wakeup happened. */
static void iv_some_wakeup(void)
{
	uint64_t w = wo_summary_u64("wakeups");
	int i;

	for (i = 0; i < 2000 && wo_summary_u64("wakeups") == w; i++)
		usleep(5000);
}

/*
 * One measurement for interval_report_sums_to_the_counter.  The CLI is
 * held (SIGSTOP) in its sleep after each line, so the module records
 * only between its first reading and its last, whatever the machine's
 * speed: recording starts after the first and stops before the last.
 * Returns 1 if the CLI could not be caught in its sleep (try again).
 */
static int iv_measure(struct __test_metadata *_metadata, const char *out,
		      long rounds, uint64_t *moved)
{
	struct wo_pingpong pp;
	uint64_t before;
	pid_t pid;
	int st, rc;
	long k;

	if (wo_control("stop"))
		return -1;
	before = wo_summary_u64("wakeups");
	pid = spawn_report(out, "1", "3", "--json");
	rc = iv_catch(pid, out, 0);
	TH_LOG("caught after the first reading: %d", rc);
	if (!rc && wo_pingpong_start(&pp, rounds))
		rc = -1;
	if (!rc) {
		/* Both on one CPU: no cross-CPU wakeup, quicker under TCG. */
		wo_pin(pp.ping, 1, -1);
		wo_pin(pp.pong, 1, -1);
		EXPECT_EQ(0, wo_control("start"));
		wo_pingpong_go(&pp);
		EXPECT_EQ(0, wo_pingpong_wait(&pp));
	}
	for (k = 1; !rc && k < 3; k++) {
		kill(pid, SIGCONT);
		rc = iv_catch(pid, out, k);
		TH_LOG("caught after line %ld: %d", k, rc);
		/* The next interval has a wakeup (the test's own sleeps). */
		if (!rc)
			iv_some_wakeup();
	}
	EXPECT_EQ(0, wo_control("stop"));
	kill(pid, SIGCONT);
	EXPECT_EQ(pid, waitpid(pid, &st, 0));
	TH_LOG("the CLI exited");
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	*moved = wo_summary_u64("wakeups") - before;
	if (rc)
		TH_LOG("the CLI was not caught in its sleep (%d)%s", rc,
		       rc > 0 ? ": again" : "");
	return rc;
}

/*
 * report -i 1 3 --json while a ping-pong runs: three lines, each with
 * wakeups, whose sum is the summary's wakeups counter difference over
 * the CLI's run, and at least one per round trip of the ping-pong.
 */
TEST_F_TIMEOUT(cli, interval_report_sums_to_the_counter, 180)
{
	struct wo_clock_child cc;
	unsigned long pc;
	const long rounds = 25;
	uint64_t moved = 0, sum = 0, v;
	struct timespec t0;
	long lines = 0;
	int tries, rc = 1, st;
	char *out, *p;
	pid_t pid;

	for (tries = 0; rc == 1 && tries < 3; tries++)
		rc = iv_measure(_metadata, "/tmp/cli.iv", rounds, &moved);
	ASSERT_EQ(0, rc);
	out = slurp("/tmp/cli.iv");
	TH_LOG("%s", out);
	for (p = out; (p = strstr(p, "\"wakeups\":")); lines++) {
		p += strlen("\"wakeups\":");
		v = strtoull(p, NULL, 10);
		EXPECT_LT(0, v) TH_LOG("interval %ld had no wakeup", lines + 1);
		sum += v;
	}
	EXPECT_EQ(3, lines);
	EXPECT_EQ(3, count_lines(out));
	EXPECT_EQ(NULL, strstr(out, "\"total\":true"));
	EXPECT_EQ(moved, sum);
	/* Independent: each round trip blocks at least one side once. */
	EXPECT_LE(rounds, sum);
	free(out);

	/* The text form with clock reads: README's `report -i 1 3`. */
	ASSERT_EQ(0, wo_control("start"));
	ASSERT_EQ(0, wo_clock_child_start(&cc));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = spawn_report("/tmp/cli.iv", "1", "3", NULL);
	ASSERT_LT(0, pid);
	/* The reads after its first reading, in its first interval. */
	while (!in_nanosleep(pid, &pc) && since(&t0) < 20)
		usleep(2000);
	ASSERT_EQ(0, wo_clock_child_rounds(&cc, 100, 0));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	wo_clock_child_stop(&cc);
	out = slurp("/tmp/cli.iv");
	TH_LOG("%s", out);
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	for (p = out, lines = 0; (p = strstr(p, " s: wakeups ")); p++)
		lines++;
	EXPECT_EQ(3, lines);
	EXPECT_NE(NULL, strstr(out, "clock offset (monotonic."));
	EXPECT_EQ(NULL, strstr(out, "Total since the start:"));
	free(out);

	/*
	 * Ctrl-C: the total since the start, exit 0.  The old output goes
	 * first: its lines must not pass for the new CLI's first one.
	 */
	unlink("/tmp/cli.iv");
	pid = spawn_report("/tmp/cli.iv", "1", "--json", NULL);
	ASSERT_LT(0, pid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (file_lines("/tmp/cli.iv") < 1 && since(&t0) < 20)
		usleep(10000);
	kill(pid, SIGINT);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	out = slurp("/tmp/cli.iv");
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(out, "\"total\":true")) TH_LOG("%s", out);
	free(out);
}

/* A second reader is refused with a message, not a hang. */
TEST_F(cli, record_refuses_a_busy_events_file)
{
	char *out;
	int fd = open(WO_DIR "/events", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(1, run_cli("record -q -d 1 -o " REC_FILE, "/tmp/cli.out"));
	out = slurp("/tmp/cli.out");
	EXPECT_NE(NULL, strstr(out, "one reader at a time")) TH_LOG("%s", out);
	free(out);
	close(fd);
	EXPECT_EQ(2, run_cli("record -d nonsense", "/tmp/cli.out"));
	EXPECT_EQ(0, run_cli("record --help", "/tmp/cli.out"));
}

/* The idle-vs-load recipe, small: 2 idle + 2 load runs. */
TEST_F_TIMEOUT(cli, stress_makes_the_idle_vs_load_table, 180)
{
	struct wo_summary s;
	char *out;

	EXPECT_EQ(0, run_cli("stress -n 2 -d 0.3", "/tmp/cli.out"));
	out = slurp("/tmp/cli.out");
	TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nidle       2 "));
	EXPECT_NE(NULL, strstr(out, "\nload       2 "));
	EXPECT_EQ(NULL, strstr(out, "(no timekeeping read seen)"));
	/* Reads through the C library, seen by a hook on the CLI's own. */
	EXPECT_NE(NULL, strstr(out, "clock reads through the C library (user clock hook)"));
	EXPECT_NE(NULL, strstr(out, "offset of monotonic.uprobe"));
	free(out);
	ASSERT_EQ(0, wo_summary_read(&s));
	EXPECT_LT(0, strtoll(wo_summary_get(&s, "run.1.tkreads") ?: "0", NULL, 10));
	EXPECT_LT(0, strtoll(wo_summary_get(&s, "run.4.tkreads") ?: "0", NULL, 10));
	/* The hook went with the recipe. */
	EXPECT_STREQ("0", wo_summary_get(&s, "uprobes.attached") ?: "");
	/* Each run left its block; the filter is gone again. */
	EXPECT_LT(0, strtoll(wo_summary_get(&s, "run.1.wakeups") ?: "0", NULL, 10));
	EXPECT_LT(0, strtoll(wo_summary_get(&s, "run.4.wakeups") ?: "0", NULL, 10));
	EXPECT_STREQ("idle", wo_summary_get(&s, "run.1.label"));
	EXPECT_STREQ("load", wo_summary_get(&s, "run.4.label"));
	EXPECT_STREQ("none", wo_summary_get(&s, "filter"));
	wo_summary_free(&s);
	EXPECT_EQ(2, run_cli("stress --cpus 0,0", "/tmp/cli.out"));
}

/* The value of sample @name (no labels) in exposition @text, or -1. */
static long long prom_value(const char *text, const char *name)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s ", name);
	p = strstr(text, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/*
 * export --prometheus-textfile on the live module: two writes one interval
 * apart, totals between the module's summary before and after, no FILE.tmp
 * left; the file goes to the share for promtool on the host.  Without the
 * module's files it writes wakeoff_up 0 and exits 1.
 */
TEST_F(cli, export_writes_a_prometheus_textfile)
{
	const char *prom = "/tmp/cli_test.prom";
	struct wo_pingpong pp;
	struct timespec a, b;
	uint64_t w0, w1, c0, c1;
	long long w, c;
	char *out;

	ASSERT_EQ(0, wo_pingpong_start(&pp, 200));
	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));
	w0 = wo_summary_u64("wakeups");
	c0 = wo_summary_u64("wakeups_closed");
	clock_gettime(CLOCK_MONOTONIC, &a);
	EXPECT_EQ(0, run_cli("export --prometheus-textfile /tmp/cli_test.prom -i 1 --count 2",
			     "/tmp/cli.out"));
	clock_gettime(CLOCK_MONOTONIC, &b);
	w1 = wo_summary_u64("wakeups");
	c1 = wo_summary_u64("wakeups_closed");
	EXPECT_LE(1000, (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000);
	EXPECT_NE(0, access("/tmp/cli_test.prom.tmp", F_OK));
	out = slurp(prom);
	w = prom_value(out, "wakeoff_wakeups_total");
	c = prom_value(out, "wakeoff_wakeups_closed_total");
	EXPECT_LE(400, w) TH_LOG("the ping-pong's 400 wakeups at least");
	EXPECT_LE((long long)w0, w);
	EXPECT_GE((long long)w1, w);
	EXPECT_LE((long long)c0, c);
	EXPECT_GE((long long)c1, c);
	EXPECT_EQ(1, prom_value(out, "wakeoff_up"));
	free(out);
	if (!access("/mnt/results", W_OK))
		EXPECT_EQ(0, system("cp /tmp/cli_test.prom /mnt/results/cli_test.prom"));
	setenv("WAKEOFF_DIR", "/nonexistent", 1);
	EXPECT_EQ(1, run_cli("export --prometheus-textfile /tmp/cli_test.prom -i 1 --count 1",
			     "/tmp/cli.out"));
	unsetenv("WAKEOFF_DIR");
	out = slurp(prom);
	EXPECT_EQ(0, prom_value(out, "wakeoff_up"));
	EXPECT_EQ(-1, prom_value(out, "wakeoff_wakeups_total"));
	free(out);
	unlink(prom);
}

TEST_HARNESS_MAIN
