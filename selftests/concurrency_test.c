// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency: two readers on one events file share each record once;
 * summary readers and control writers hammer the module at once.
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
 * Two processes read one events file (shared after fork) at once: each
 * record goes to exactly one of them (no duplicate, nothing corrupt),
 * and together they got exactly what each CPU recorded.  (A second
 * open() is refused with EBUSY: records_test.)
 */
TEST_F_TIMEOUT(loaded, two_readers_share_each_record_once, 300)
{
	struct wo_pingpong pp[2];
	struct rdr rd[2];
	struct seen seen;
	long total, rest;
	int fd, stop[2], j;

	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	fd = open(WO_EVENTS, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(stop));
	for (j = 0; j < 2; j++)
		ASSERT_EQ(0, rdr_start(&rd[j], fd, stop[0], stop[1]));
	close(fd);	/* the children hold the only references now */
	close(stop[0]);
	ASSERT_EQ(0, wo_control("start"));
	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], wo_iters(3000)));
		wo_pingpong_go(&pp[j]);
	}
	for (j = 0; j < 2; j++)
		ASSERT_EQ(0, wo_pingpong_wait(&pp[j]));
	ASSERT_EQ(0, wo_control("stop"));
	close(stop[1]);	/* EOF: both readers make a last pass */

	seen_init(&seen, 1 << 22);
	for (j = 0; j < 2; j++)
		EXPECT_EQ(0, rdr_collect(&rd[j], &seen));
	check_seen(_metadata, &seen, &total, &rest);
	printf("# two readers: %ld + %ld bytes, %ld records (%ld wakeups), %ld duplicates, %ld bytes left over\n",
	       rd[0].len, rd[1].len, total, seen.wakeups, seen.dups, rest);
	fflush(stdout);
	EXPECT_LT(0, seen.wakeups);
	/* Both really read (the load is far more than one read's worth). */
	EXPECT_LT(0, rd[0].len);
	EXPECT_LT(0, rd[1].len);
	seen_free(&seen);
}

/* Summary readers in a loop while recording: always well formed, monotonic. */
static int summary_loop(long n)
{
	uint64_t last = 0, v;
	long i;

	for (i = 0; i < n; i++) {
		struct wo_summary s;

		if (wo_summary_read(&s))
			return 1;
		if (wo_summary_get_u64(&s, "wakeups", &v) || v < last)
			return 2;
		last = v;
		wo_summary_free(&s);
	}
	return 0;
}

static const char * const good_cmds[] = {
	"start", "stop", "reset", "run 7 concurrent", "filter pid 1",
	"filter comm sh", "filter clear", "start\n", "run 8",
};
static const char * const bad_cmds[] = {
	"bogus", "filter pid 0", "run x", "start now", "filter comm a b",
};

/* Several writers on control at once, each checking its own results. */
static int control_writer(unsigned int rng_init, long n)
{
	long i;

	srand(rng_init);
	for (i = 0; i < n; i++) {
		int bad = rand() % 3 == 0, rc;

		if (bad) {
			rc = wo_control(bad_cmds[rand() % 5]);
			if (rc != -EINVAL)
				return 1;
		} else {
			rc = wo_control(good_cmds[rand() % 9]);
			if (rc)
				return 2;
		}
	}
	return 0;
}

TEST_F_TIMEOUT(loaded, summary_and_control_concurrently, 600)
{
	struct wo_pingpong pp;
	pid_t kids[5];
	int j, st, fails = 0;
	long n = wo_iters(300);
	char *buf;
	size_t len;

	ASSERT_EQ(0, wo_pingpong_start(&pp, 0));
	wo_pingpong_go(&pp);
	/* Phase 1: two summary readers while recording. */
	for (j = 0; j < 2; j++) {
		kids[j] = fork();
		if (kids[j] == 0)
			_exit(summary_loop(n));
	}
	for (j = 0; j < 2; j++) {
		ASSERT_EQ(kids[j], waitpid(kids[j], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			TH_LOG("summary reader %d: status 0x%x", j, st);
		}
	}
	/* Phase 2: three control writers and two summary readers. */
	for (j = 0; j < 5; j++) {
		kids[j] = fork();
		if (kids[j] == 0) {
			if (j < 3)
				_exit(control_writer(j + 1, n));
			for (;;) {
				struct wo_summary s;

				if (wo_summary_read(&s))
					_exit(1);
				wo_summary_free(&s);
			}
		}
	}
	for (j = 0; j < 3; j++) {
		ASSERT_EQ(kids[j], waitpid(kids[j], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			TH_LOG("control writer %d: status 0x%x", j, st);
		}
	}
	for (j = 3; j < 5; j++) {
		kill(kids[j], SIGKILL);
		ASSERT_EQ(kids[j], waitpid(kids[j], &st, 0));
		fails += !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	EXPECT_EQ(0, fails);
	ASSERT_EQ(0, wo_control("filter clear"));
	ASSERT_EQ(0, wo_control("stop"));
	expect_conserved(_metadata);
	wo_pingpong_kill(&pp);
	ASSERT_EQ(0, wo_read_file(WO_CONTROL, &buf, &len));
	EXPECT_NE(NULL, strstr(buf, "last_error: none"));
	free(buf);
	printf("# concurrency: %ld summary reads x2 while recording; 3 writers x %ld control commands with 2 summary readers\n",
	       n, n);
	fflush(stdout);
	ASSERT_EQ(0, wo_bad_taint());
}

TEST_HARNESS_MAIN
