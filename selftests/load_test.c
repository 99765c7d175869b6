// SPDX-License-Identifier: GPL-2.0
/*
 * Loading, unloading and the summary file of wakeoff.ko.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

static const char * const events[] = {
	"sched_waking", "sched_wakeup", "sched_wakeup_new", "sched_switch",
	"sched_migrate_task",
};

FIXTURE(loaded) {
	int unused;
};

FIXTURE_SETUP(loaded)
{
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
}

FIXTURE_TEARDOWN(loaded)
{
	wo_unload();
}

TEST(load_unload)
{
	struct stat st;

	if (wo_is_loaded())
		ASSERT_EQ(0, wo_unload());
	ASSERT_EQ(0, wo_load(NULL));
	ASSERT_TRUE(wo_is_loaded());
	ASSERT_EQ(0, stat(WO_SUMMARY, &st));
	ASSERT_EQ(-EEXIST, wo_load(NULL));
	ASSERT_EQ(0, wo_unload());
	ASSERT_FALSE(wo_is_loaded());
	ASSERT_EQ(-1, stat(WO_DIR, &st));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(-ENOENT, wo_unload());
	ASSERT_EQ(0, wo_bad_taint());
}

TEST_F(loaded, summary_well_formed)
{
	struct wo_summary s;
	struct utsname u;
	char key[96];
	uint64_t v, sum, cpus;
	unsigned int i, cpu;

	ASSERT_EQ(0, wo_summary_read(&s));
	ASSERT_EQ(0, uname(&u));
	ASSERT_NE(NULL, wo_summary_get(&s, "kernel"));
	EXPECT_STREQ(u.release, wo_summary_get(&s, "kernel"));
	ASSERT_NE(NULL, wo_summary_get(&s, "wakeoff_version"));
	ASSERT_NE(NULL, wo_summary_get(&s, "record_abi"));
	EXPECT_STREQ("recording", wo_summary_get(&s, "state"));
	EXPECT_STREQ("none", wo_summary_get(&s, "filter"));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "cpus_possible", &cpus));
	ASSERT_EQ((uint64_t)sysconf(_SC_NPROCESSORS_CONF), cpus);

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		snprintf(key, sizeof(key), "hook.%s", events[i]);
		EXPECT_STREQ("attached", wo_summary_get(&s, key));
		snprintf(key, sizeof(key), "events.%s", events[i]);
		ASSERT_EQ(0, wo_summary_get_u64(&s, key, &v));
		snprintf(key, sizeof(key), "matched.%s", events[i]);
		ASSERT_EQ(0, wo_summary_get_u64(&s, key, &v));
		/* Per-CPU rows exist for every possible CPU. */
		for (cpu = 0, sum = 0; cpu < cpus; cpu++) {
			snprintf(key, sizeof(key), "cpu%u.%s", cpu, events[i]);
			ASSERT_EQ(0, wo_summary_get_u64(&s, key, &v));
			sum += v;
		}
	}
	wo_summary_free(&s);
}

/* The per-CPU rows add up to the totals (read with recording stopped). */
TEST_F(loaded, per_cpu_rows_add_up)
{
	struct wo_summary s;
	char key[96];
	uint64_t v, total, sum, cpus;
	unsigned int i, cpu;

	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_summary_read(&s));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "cpus_possible", &cpus));
	EXPECT_STREQ("stopped", wo_summary_get(&s, "state"));
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		snprintf(key, sizeof(key), "events.%s", events[i]);
		ASSERT_EQ(0, wo_summary_get_u64(&s, key, &total));
		for (cpu = 0, sum = 0; cpu < cpus; cpu++) {
			snprintf(key, sizeof(key), "cpu%u.%s", cpu, events[i]);
			ASSERT_EQ(0, wo_summary_get_u64(&s, key, &v));
			sum += v;
		}
		EXPECT_EQ(total, sum);
	}
	wo_summary_free(&s);
}

TEST_F(loaded, files_root_only)
{
	/* debugfs directories are 0755; the debugfs root (0700) and the
	 * files' own modes keep them root-only. */
	static const char * const files[] = { WO_SUMMARY, WO_CONTROL };
	struct stat st;
	unsigned int i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ASSERT_EQ(0, stat(files[i], &st));
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_mode & 0077) {
			TH_LOG("%s has mode %o", files[i], st.st_mode & 0777);
		}
	}
}

TEST_F(loaded, counts_grow_under_workload)
{
	struct wo_pingpong pp;
	uint64_t waking0, wakeup0, switch0;

	waking0 = wo_summary_u64("events.sched_waking");
	wakeup0 = wo_summary_u64("events.sched_wakeup");
	switch0 = wo_summary_u64("events.sched_switch");
	ASSERT_EQ(0, wo_pingpong_start(&pp, 1000));
	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));
	/*
	 * 1000 round trips: up to 2000 wakeups, fewer when a read finds its
	 * byte already there (1,970 seen on the debug kernel); half is a
	 * bound no scheduling came near.
	 */
	EXPECT_LE(waking0 + 1000, wo_summary_u64("events.sched_waking"));
	EXPECT_LE(wakeup0 + 1000, wo_summary_u64("events.sched_wakeup"));
	EXPECT_LE(switch0 + 1000, wo_summary_u64("events.sched_switch"));
	EXPECT_LE(2, wo_summary_u64("events.sched_wakeup_new"));
}

FIXTURE(unloaded) {
	int unused;
};

FIXTURE_SETUP(unloaded)
{
	if (wo_is_loaded())
		ASSERT_EQ(0, wo_unload());
}

FIXTURE_TEARDOWN(unloaded)
{
	wo_unload();
}

/* insmod/rmmod 20 times (fewer on the debug kernel) under wakeup load. */
TEST_F_TIMEOUT(unloaded, reload_under_load, 120)
{
	struct wo_pingpong pp[2];
	long i, n = wo_iters(20);
	int j;

	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], 0));
		wo_pingpong_go(&pp[j]);
	}
	for (i = 0; i < n; i++) {
		struct wo_summary s;

		ASSERT_EQ(0, wo_load(NULL)) {
			TH_LOG("load %ld", i);
		}
		usleep(20000);
		ASSERT_EQ(0, wo_summary_read(&s));
		wo_summary_free(&s);
		ASSERT_EQ(0, wo_unload()) {
			TH_LOG("unload %ld", i);
		}
	}
	for (j = 0; j < 2; j++)
		wo_pingpong_kill(&pp[j]);
	ASSERT_EQ(0, wo_bad_taint());
}

static void on_alarm(int sig)
{
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "missing (<negative errno>)" exactly. */
static int is_missing_errno(const char *v)
{
	int e, n = 0;

	return sscanf(v, "missing (%d)%n", &e, &n) == 1 && e < 0 &&
	       (size_t)n == strlen(v);
}

/*
 * The hook states have the documented forms (README, summary table and
 * the tk_hooks file): kprobe.<fn> "attached" or "missing (<errno>)",
 * tk_hook.<fn> "attached (missed N)" or "missing (<errno>)", and the
 * tk_hooks file "<index> <fn> attached" or "<index> <fn> missing
 * (<errno>)".  Every known timekeeping function is hooked, so that one
 * this kernel cannot probe shows its errno.
 */
TEST_F(unloaded, hook_states_documented_form)
{
	static const char all[] = "tk_hooks=__x64_sys_clock_gettime,__x64_sys_gettimeofday,ktime_get,ktime_get_with_offset,ktime_get_raw,ktime_get_coarse_with_offset,ktime_get_seconds,ktime_get_real_seconds,ktime_get_ts64,ktime_get_real_ts64,ktime_get_raw_ts64,ktime_get_coarse_ts64,ktime_get_coarse_real_ts64";
	char line[256], fn[128], key[160], rest[64];
	long kprobes = 0, tk = 0, missing = 0, idx;
	struct wo_summary s;
	unsigned int missed;
	const char *v;
	size_t i;
	FILE *f;
	int n;

	ASSERT_EQ(0, wo_load(all));
	ASSERT_EQ(0, wo_summary_read(&s));
	for (i = 0; i < s.n; i++) {
		const char *k = s.kv[i].key;

		v = s.kv[i].value;
		if (!strncmp(k, "kprobe.", 7)) {
			kprobes++;
			missing += strcmp(v, "attached") != 0;
			EXPECT_TRUE(!strcmp(v, "attached") || is_missing_errno(v)) {
				TH_LOG("%s: %s", k, v);
			}
		} else if (!strncmp(k, "tk_hook.", 8)) {
			n = 0;
			tk++;
			missing += strncmp(v, "attached", 8) != 0;
			EXPECT_TRUE((sscanf(v, "attached (missed %u)%n", &missed, &n) == 1 &&
				     (size_t)n == strlen(v)) || is_missing_errno(v)) {
				TH_LOG("%s: %s", k, v);
			}
		}
	}
	EXPECT_EQ(2, kprobes);
	EXPECT_EQ(13, tk);

	f = fopen(WO_DIR "/tk_hooks", "re");
	ASSERT_NE(NULL, f);
	for (idx = 0; fgets(line, sizeof(line), f); idx++) {
		long j;

		line[strcspn(line, "\n")] = '\0';
		n = 0;
		ASSERT_EQ(2, sscanf(line, "%ld %127s %n", &j, fn, &n)) {
			TH_LOG("tk_hooks: '%s'", line);
		}
		EXPECT_EQ(idx, j);
		snprintf(rest, sizeof(rest), "%s", line + n);
		EXPECT_TRUE(!strcmp(rest, "attached") || is_missing_errno(rest)) {
			TH_LOG("tk_hooks: '%s'", line);
		}
		/* The file and the summary agree on the state. */
		snprintf(key, sizeof(key), "tk_hook.%s", fn);
		v = wo_summary_get(&s, key);
		ASSERT_NE(NULL, v);
		if (!strcmp(rest, "attached")) {
			EXPECT_EQ(0, strncmp(v, "attached (", 10));
		} else {
			EXPECT_STREQ(rest, v);
		}
	}
	fclose(f);
	EXPECT_EQ(13, idx);
	printf("# %ld kprobes, %ld timekeeping hooks, %ld of them missing\n",
	       kprobes, tk, missing);
	fflush(stdout);
	wo_summary_free(&s);
	ASSERT_EQ(0, wo_unload());
}

/*
 * The child of failed_load_never_visible: until @stop_fd reads EOF, try
 * to open events (and block in read() on it) and stat the directory.
 * Reports through @res_fd: 'd' the directory was seen, 'o' events opened.
 * A read blocks at most 2 s (SIGALRM without SA_RESTART), so a load that
 * waits for it shows up as slow instead of hanging the test.
 */
static void open_loop(int stop_fd, int res_fd)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct stat st;
	char buf[4096], c;
	int fd;

	sigaction(SIGALRM, &sa, NULL);
	for (;;) {
		if (read(stop_fd, &c, 1) == 0)
			_exit(0);
		if (!stat(WO_DIR, &st) && write(res_fd, "d", 1) != 1)
			_exit(1);
		fd = open(WO_DIR "/events", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(res_fd, "o", 1) != 1)
			_exit(1);
		alarm(2);
		if (read(fd, buf, sizeof(buf)) < 0 && errno != EINTR)
			_exit(1);
		alarm(0);
		close(fd);
	}
}

/*
 * A load that fails (bad tk_hooks) never shows a file: a reader could
 * otherwise open events on a module being freed, or make the load wait
 * for its blocked read().  A second process tries to open events in a
 * loop while the load fails again and again.
 */
TEST_F_TIMEOUT(unloaded, failed_load_never_visible, 300)
{
	long i, n = wo_iters(200), dir_seen = 0, opened = 0, slow = 0, waited = 0;
	int stop[2], res[2];
	pid_t child;
	char c;

	ASSERT_EQ(0, pipe(stop));
	ASSERT_EQ(0, pipe(res));
	ASSERT_EQ(0, fcntl(stop[0], F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, fcntl(res[0], F_SETFL, O_NONBLOCK));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(stop[1]);
		close(res[0]);
		open_loop(stop[0], res[1]);
	}
	close(stop[0]);
	close(res[1]);
	for (i = 0; i < n; i++) {
		uint64_t t0 = mono_ms();
		int rc = wo_load("tk_hooks=bogus");
		long was_opened = opened;
		int is_slow = mono_ms() - t0 > 1000;

		EXPECT_EQ(-EINVAL, rc) {
			TH_LOG("load %ld: %s", i, strerror(-rc));
		}
		if (!rc)
			wo_unload();
		while (read(res[0], &c, 1) == 1) {
			dir_seen += c == 'd';
			opened += c == 'o';
		}
		/*
		 * Over 1 s (a load takes about 0.3 s under TCG) while the
		 * reader had events open: the load waited for its read().
		 * A slow load alone is host contention.
		 */
		slow += is_slow;
		waited += is_slow && opened > was_opened;
	}
	close(stop[1]);
	waitpid(child, NULL, 0);
	while (read(res[0], &c, 1) == 1) {
		dir_seen += c == 'd';
		opened += c == 'o';
	}
	close(res[0]);
	printf("# %ld failed loads: directory seen %ld times, events opened %ld times, %ld loads took over 1 s, %ld of them with events open\n",
	       n, dir_seen, opened, slow, waited);
	fflush(stdout);
	EXPECT_EQ(0, dir_seen);
	EXPECT_EQ(0, opened);
	EXPECT_EQ(0, waited);
	EXPECT_FALSE(wo_is_loaded());
	ASSERT_EQ(0, wo_bad_taint());
	/* A good load still works after all that. */
	ASSERT_EQ(0, wo_load(NULL));
	ASSERT_EQ(0, wo_unload());
}

/*
 * A wakeoff.ko built for the other Debian kernel (make check puts it next
 * to ours as wakeoff-foreign.ko) must be refused by the kernel, never
 * loaded on a kernel whose structures it was not built for.  Then ours
 * still loads.
 */
TEST(refuses_module_built_for_another_kernel)
{
	char dir[512], path[600], rec[1024];
	int fd, kmsg, rc, err, said = 0;
	ssize_t n;

	snprintf(dir, sizeof(dir), "%s", wo_ko_path());
	snprintf(path, sizeof(path), "%s/wakeoff-foreign.ko", dirname(dir));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "no %s (make check builds it)", path);
	if (wo_is_loaded())
		ASSERT_EQ(0, wo_unload());
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));

	rc = (int)syscall(SYS_finit_module, fd, "", 0);
	err = errno;
	close(fd);
	if (!rc)
		wo_unload();
	EXPECT_EQ(-1, rc);
	EXPECT_TRUE(err == ENOEXEC || err == EINVAL) {
		TH_LOG("finit_module: %s", strerror(err));
	}
	EXPECT_FALSE(wo_is_loaded());
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = '\0';
		if (strstr(rec, ";wakeoff: ")) {
			said = 1;
			printf("# refused: %s", strchr(rec, ';') + 1);
		}
	}
	close(kmsg);
	/*
	 * 6.1 says "wakeoff: disagrees about version of symbol module_layout";
	 * 6.12 refuses the 6.1 module with ENOEXEC and no log line: the
	 * refusal is the kernel's, the message is whatever it prints.
	 */
	if (!said)
		printf("# refused with %s, nothing in the kernel log\n",
		       strerror(err));
	fflush(stdout);

	ASSERT_EQ(0, wo_load(NULL));
	ASSERT_EQ(0, wo_unload());
	ASSERT_EQ(0, wo_bad_taint());
}

TEST_HARNESS_MAIN
