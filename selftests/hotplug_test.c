// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug while recording with a reader: every wakeup stays
 * accounted for and each CPU hands out exactly what it recorded.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "reliability.h"

/*
 * CPU hotplug while recording with a reader: CPUs go offline and online
 * again, one and two at a time, under a wakeup load.  Every wakeup stays
 * accounted for, every record names possible CPUs, each CPU handed out
 * exactly what it counted as recorded, and nothing WARNs.
 */
TEST_F_TIMEOUT(loaded, cpu_hotplug_while_recording, 600)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), rounds = wo_iters(40), i;
	long total, rest, offlined = 0;
	struct wo_pingpong pp[2];
	struct wo_summary s;
	struct seen seen;
	struct rdr rd;
	uint64_t online;
	int fd, stop[2], j;

	if (ncpu < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	fd = open(WO_EVENTS, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(stop));
	ASSERT_EQ(0, rdr_start(&rd, fd, stop[0], stop[1]));
	close(fd);
	close(stop[0]);
	ASSERT_EQ(0, wo_control("start"));
	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], 0));
		wo_pingpong_go(&pp[j]);
	}
	for (i = 0; i < rounds; i++) {
		int a = 1 + i % (ncpu - 1);
		int b = ncpu > 2 && i % 3 == 2 ? 1 + (a % (ncpu - 1)) : -1;

		ASSERT_EQ(0, cpu_online_write(a, 0)) {
			TH_LOG("round %ld: cpu%d offline failed", i, a);
		}
		offlined++;
		if (b > 0 && b != a) {
			ASSERT_EQ(0, cpu_online_write(b, 0));
			offlined++;
		}
		usleep(10000);
		ASSERT_EQ(0, wo_summary_read(&s));
		ASSERT_EQ(0, wo_summary_get_u64(&s, "cpus_online", &online));
		EXPECT_EQ(ncpu - 1 - (b > 0 && b != a), (long)online);
		wo_summary_free(&s);
		ASSERT_EQ(0, cpu_online_write(a, 1));
		if (b > 0 && b != a)
			ASSERT_EQ(0, cpu_online_write(b, 1));
		usleep(10000);
	}
	for (j = 0; j < 2; j++)
		wo_pingpong_kill(&pp[j]);
	EXPECT_EQ(ncpu, (long)wo_summary_u64("cpus_online"));
	ASSERT_EQ(0, wo_control("stop"));
	close(stop[1]);
	seen_init(&seen, 1 << 22);
	EXPECT_EQ(0, rdr_collect(&rd, &seen));
	expect_conserved(_metadata);
	check_seen(_metadata, &seen, &total, &rest);
	printf("# hotplug: %ld rounds, %ld CPU offline/online cycles, %ld records (%ld wakeups) accounted per CPU, %ld misattributed\n",
	       rounds, offlined, total, seen.wakeups, seen.badcpu);
	fflush(stdout);
	EXPECT_LT(0, seen.wakeups);
	seen_free(&seen);
	ASSERT_EQ(0, wo_bad_taint());
}

/* rmmod in a child: 0 once it returned 0 within @secs, else -1. */
static int unload_within(int secs)
{
	pid_t kid = fork();
	int st = 0, i;

	if (kid == 0)
		_exit(unload_patiently() ? 1 : 0);
	if (kid < 0)
		return -1;
	for (i = 0; i < secs * 100; i++) {
		if (waitpid(kid, &st, WNOHANG) == kid)
			return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
		usleep(10000);
	}
	return -2;	/* still in rmmod: the caller brings the CPU back */
}

/*
 * rmmod while a CPU is offline, right after it went down under load with
 * a reader waiting: a reader wakeup queued on that CPU must not be left
 * behind (on PREEMPT_RT a lazy irq_work runs only in the CPU's irq_work
 * thread, parked while it is offline), or rmmod waits for it until the
 * CPU comes back.
 */
TEST_F_TIMEOUT(unloaded, rmmod_with_a_cpu_offline, 600)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), cycles = wo_iters(10), i;
	struct wo_pingpong pp[3];
	int j, rc, st;
	pid_t rd;

	if (ncpu < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	for (i = 0; i < cycles; i++) {
		ASSERT_EQ(0, wo_load(NULL));
		rd = blocked_reader();
		ASSERT_LT(0, rd);
		for (j = 0; j < 3; j++) {
			ASSERT_EQ(0, wo_pingpong_start(&pp[j], 0));
			wo_pingpong_go(&pp[j]);
		}
		usleep(20000);
		ASSERT_EQ(0, cpu_online_write(1, 0));
		for (j = 0; j < 3; j++)
			wo_pingpong_kill(&pp[j]);
		kill(rd, SIGKILL);
		waitpid(rd, &st, 0);
		/* In a child: on failure rmmod waits in D state for the CPU. */
		rc = unload_within(20);
		EXPECT_EQ(0, rc) {
			TH_LOG("cycle %ld: rmmod with cpu1 offline: %s", i,
			       rc == -2 ? "still waiting after 20 s" : "failed");
		}
		ASSERT_EQ(0, cpu_online_write(1, 1));
		while (wait(NULL) > 0)
			;
		if (rc)
			break;
	}
	printf("# %ld load/offline/rmmod cycles\n", i);
	fflush(stdout);
	ASSERT_EQ(0, wo_bad_taint());
}

TEST_HARNESS_MAIN
