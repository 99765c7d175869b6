// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel lockdown (integrity, the Secure Boot default), raised after the
 * module is loaded: debugfs refuses its control file, and everything a
 * user does still works -- a whole "wakeoff record" and "wakeoff stress"
 * through the CLI, whose control commands go to /sys/kernel/wakeoff/control.
 * Each result is checked against tracefs's sched_wakeup events (tracefs
 * stays writable under integrity; only confidentiality closes it).
 *
 * Lockdown cannot be lowered again and an unsigned module cannot be
 * loaded under it: the guest runs this binary last (vm/guest.sh), and
 * its tests run in order on the one module loaded by the first.
 * The CLI binary is $WAKEOFF_CLI, else /mnt/wakeoff (the VM share).
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
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "../userspace/lib/wofile.h"

#define LOCKDOWN	"/sys/kernel/security/lockdown"
#define SYS_CONTROL	"/sys/kernel/wakeoff/control"
#define REC_FILE	"/tmp/lockdown_test.wo"
#define STRESS_COMM	"wo-stress"	/* the comm "wakeoff stress" filters on */

static const char *cli(void)
{
	const char *c = getenv("WAKEOFF_CLI");

	return c && *c ? c : "/mnt/wakeoff";
}

/* The active level: the bracketed word of the lockdown file, or "". */
static const char *lockdown_level(void)
{
	static char level[32];
	char *buf, *o, *c;
	size_t len;

	level[0] = '\0';
	if (wo_read_file(LOCKDOWN, &buf, &len))
		return level;
	o = strchr(buf, '[');
	c = o ? strchr(o, ']') : NULL;
	if (c)
		snprintf(level, sizeof(level), "%.*s", (int)(c - o - 1), o + 1);
	free(buf);
	return level;
}

/*
 * The module loaded, then lockdown raised to integrity (once: it cannot
 * be lowered, and later tests of this binary find it raised).
 * Returns 0, or a reason to skip.
 */
static const char *lock_down(void)
{
	if (access(LOCKDOWN, F_OK) &&
	    mount("none", "/sys/kernel/security", "securityfs", 0, NULL) &&
	    errno != EBUSY)
		return "cannot mount securityfs";
	if (access(LOCKDOWN, F_OK))
		return "no lockdown LSM in this kernel";
	if (!strcmp(lockdown_level(), "none")) {
		if (!wo_is_loaded() && wo_load(NULL))
			return "cannot load the module";
		if (wo_write_str(LOCKDOWN, "integrity"))
			return "cannot raise lockdown";
	}
	return NULL;
}

static int sys_control(const char *cmd)
{
	return wo_write_str(SYS_CONTROL, cmd);
}

/* Wait until the summary shows @key: @want (record has got that far). */
static int wait_key(const char *key, const char *want)
{
	int i;

	for (i = 0; i < 1000; i++) {
		const char *v = wo_summary_get_str(key);

		if (v && !strcmp(v, want))
			return 0;
		usleep(10000);
	}
	return -1;
}

/* tracefs's sched_wakeup and sched_wakeup_new under @filter: on or off. */
static void tracefs_wakeup(const char *filter, const char *on)
{
	static const char *const ev[] = { "sched_wakeup", "sched_wakeup_new" };
	char path[128];
	int i;

	wo_write_str(TRACEFS "/tracing_on", "0");
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/sched/%s/enable", ev[i]);
		wo_write_str(path, "0");
		snprintf(path, sizeof(path), TRACEFS "/events/sched/%s/filter", ev[i]);
		wo_write_str(path, filter);
		snprintf(path, sizeof(path), TRACEFS "/events/sched/%s/enable", ev[i]);
		wo_write_str(path, on);
	}
	wo_write_str(TRACEFS "/trace", "");
	wo_write_str(TRACEFS "/tracing_on", on);
}

FIXTURE(lockdown) {
	int unused;
};

FIXTURE_SETUP(lockdown)
{
	const char *why = lock_down();

	if (why)
		SKIP(return, "%s", why);
	ASSERT_STREQ("integrity", lockdown_level());
	ASSERT_TRUE(wo_is_loaded()) TH_LOG("unloaded by an earlier test");
	ASSERT_EQ(0, access(cli(), X_OK)) TH_LOG("no CLI at %s", cli());
}

FIXTURE_TEARDOWN(lockdown)
{
	tracefs_wakeup("0", "0");
	wo_write_str(TRACEFS "/tracing_on", "1");
	unlink(REC_FILE);
	/* The module stays for the next test: it could not be loaded again. */
}

/*
 * The condition is real: debugfs refuses the control file, while its
 * read-only files (what the CLI reads) still open; the sysfs file takes
 * the same commands and reports the same last error.
 */
TEST_F(lockdown, debugfs_control_refused_sysfs_control_works)
{
	struct wo_summary s;
	struct stat st;
	char *buf, *big;
	size_t len;
	int fd;

	fd = open(WO_CONTROL, O_WRONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EPERM, errno);
	if (fd >= 0)
		close(fd);
	fd = open(WO_DIR "/events", O_RDONLY | O_NONBLOCK);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(0, wo_summary_read(&s));
	wo_summary_free(&s);

	ASSERT_EQ(0, stat(SYS_CONTROL, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	ASSERT_EQ(0, sys_control("run 3 lockdown"));
	EXPECT_STREQ("3", wo_summary_get_str("run_id"));
	EXPECT_STREQ("lockdown", wo_summary_get_str("run_label"));
	EXPECT_EQ(-EINVAL, sys_control("run x"));
	ASSERT_EQ(0, wo_read_file(SYS_CONTROL, &buf, &len));
	EXPECT_NE(NULL, strstr(buf, "last_error: run id is not a decimal u64\n"))
		TH_LOG("%s", buf);
	free(buf);
	/* Strict as debugfs: an embedded NUL, and one command per write. */
	fd = open(SYS_CONTROL, O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, "stop\0start", 10));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd, "stop\nstart\n", 11));
	EXPECT_EQ(EINVAL, errno);
	/* Longer than any command, and than sysfs's page: never in pieces. */
	big = malloc(5000);
	ASSERT_NE(NULL, big);
	memset(big, ' ', 5000);
	memcpy(big, "stop", 4);
	EXPECT_EQ(-1, write(fd, big, 257));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd, big, 5000));
	EXPECT_EQ(EINVAL, errno);
	free(big);
	close(fd);
	ASSERT_EQ(0, wo_read_file(SYS_CONTROL, &buf, &len));
	EXPECT_NE(NULL, strstr(buf, "last_error: command too long\n")) TH_LOG("%s", buf);
	free(buf);
	EXPECT_STREQ("recording", wo_summary_get_str("state"));
	ASSERT_EQ(0, sys_control("filter clear\n"));
	ASSERT_EQ(0, wo_read_file(SYS_CONTROL, &buf, &len));
	EXPECT_NE(NULL, strstr(buf, "last_error: none\n")) TH_LOG("%s", buf);
	free(buf);
}

/*
 * A whole record of a ping-pong, with a pid filter, a run id, a start
 * and a stop: every wakeup tracefs saw of the pong task is in the file
 * (the pong task is forked before: no sched_wakeup_new of it).
 */
TEST_F_TIMEOUT(lockdown, record_works_under_lockdown, 180)
{
	struct wo_pingpong pp;
	struct wo_trace t;
	char err[512], pid[16], filter[64];
	uint64_t untracked = 0;
	long traced;
	pid_t rec;
	size_t i;
	int st;

	ASSERT_EQ(0, sys_control("stop"));
	ASSERT_EQ(0, sys_control("reset"));
	ASSERT_EQ(0, wo_pingpong_start(&pp, 300));
	snprintf(pid, sizeof(pid), "%d", pp.pong);
	rec = fork();
	ASSERT_LE(0, rec);
	if (rec == 0) {
		close(pp.go_fd);	/* else the ping-pong never sees "go" */
		execl(cli(), "wakeoff", "record", "-q", "-o", REC_FILE, "--pid",
		      pid, "--run", "7", "--label", "ld", NULL);
		_exit(127);
	}
	if (wait_key("state", "recording")) {
		kill(rec, SIGKILL);
		waitpid(rec, &st, 0);
		wo_pingpong_kill(&pp);
		ASSERT_TRUE(0) TH_LOG("record never started (exit %d)",
				      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	snprintf(filter, sizeof(filter), "pid == %d", pp.pong);
	tracefs_wakeup(filter, "1");
	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));
	wo_write_str(TRACEFS "/tracing_on", "0");
	traced = wo_trace_count("sched_wakeup:");
	usleep(200000);
	kill(rec, SIGINT);
	ASSERT_EQ(rec, waitpid(rec, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));

	/* record stopped the module again and cleared its filter. */
	EXPECT_STREQ("stopped", wo_summary_get_str("state"));
	EXPECT_STREQ("none", wo_summary_get_str("filter"));

	ASSERT_EQ(0, wo_trace_load(REC_FILE, &t, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_TRUE(t.complete);
	EXPECT_EQ(0, wo_summary_get_u64(&t.counters, "untracked", &untracked));
	TH_LOG("pong %d: tracefs sched_wakeup %ld, file %zu wakeups, %llu untracked",
	       pp.pong, traced, t.nwk, (unsigned long long)untracked);
	/* 300 round trips: up to 301 wakeups, fewer when a byte waits. */
	EXPECT_LE(150, traced);
	/* The filter held from before "go" to after the last round. */
	EXPECT_EQ((uint64_t)traced, t.nwk + untracked);
	for (i = 0; i < t.nwk; i++) {
		EXPECT_EQ(7, t.wk[i].run_id);
		EXPECT_EQ(pp.pong, t.wk[i].pid);
	}
	EXPECT_STREQ("ld", wo_trace_run_label(&t, 7));
}

/*
 * The idle-vs-load recipe, small: its runs' wakeups are, within 10 %,
 * the wakeups of its tasks (comm wo-stress) that tracefs saw while it ran.
 */
TEST_F_TIMEOUT(lockdown, stress_works_under_lockdown, 180)
{
	char cmd[256], key[64], *out;
	uint64_t sum = 0, v;
	long traced;
	int i, st;

	ASSERT_EQ(0, sys_control("reset"));
	tracefs_wakeup("comm == \"" STRESS_COMM "\"", "1");
	snprintf(cmd, sizeof(cmd), "%s stress -n 2 -d 0.3 >/tmp/ld.out 2>&1", cli());
	st = system(cmd);
	wo_write_str(TRACEFS "/tracing_on", "0");
	/* A run opens a correlation at a wakeup and at a new task's first. */
	traced = wo_trace_count("sched_wakeup");
	ASSERT_EQ(0, wo_read_file("/tmp/ld.out", &out, &(size_t){ 0 }));
	TH_LOG("%s", out);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(out, "\nidle       2 "));
	EXPECT_NE(NULL, strstr(out, "\nload       2 "));
	free(out);
	for (i = 1; i <= 4; i++) {
		snprintf(key, sizeof(key), "run.%d.wakeups", i);
		ASSERT_EQ(0, wo_summary_get_u64_opt(key, &v)) TH_LOG("%s", key);
		EXPECT_LT(0, v) TH_LOG("%s", key);
		sum += v;
	}
	TH_LOG("tracefs sched_wakeup(_new) of %s: %ld, the 4 runs: %llu", STRESS_COMM,
	       traced, (unsigned long long)sum);
	/*
	 * Not exact: the tracefs window holds the recipe's set-up and
	 * clean-up, outside any run, and its runs end on control writes,
	 * not on tracefs's clock (6.1 guest: 352 in runs of 358 traced,
	 * 386 of 370 + the untraced wakeup_new in a first try).
	 */
	EXPECT_LE(sum * 90, (uint64_t)traced * 100);
	EXPECT_GE(sum * 110, (uint64_t)traced * 100);
	EXPECT_STREQ("none", wo_summary_get_str("filter"));
	EXPECT_STREQ("0", wo_summary_get_str("uprobes.attached"));
}

/* Last: the module unloads under lockdown, its sysfs directory with it. */
TEST_F(lockdown, unload_removes_sysfs_control)
{
	ASSERT_EQ(0, wo_unload());
	EXPECT_EQ(-1, access("/sys/kernel/wakeoff", F_OK));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, wo_bad_taint());
}

TEST_HARNESS_MAIN
