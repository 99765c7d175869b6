// SPDX-License-Identifier: GPL-2.0
/*
 * Overflow: with 4 KiB buffers and no reader, what each CPU hands out is
 * exactly its "recorded" count and every drop is counted.
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
 * Overflow, exact per CPU: 4 KiB buffers, no reader, heavy load.  What
 * each CPU's buffer hands out afterwards is exactly its "recorded"
 * count, the drops show in the summary, and recorded + dropped covers
 * every closed wakeup and NUMA or PI event record (no run record was
 * written).
 */
TEST_F_TIMEOUT(unloaded, overflow_exact_per_cpu, 300)
{
	struct wo_pingpong pp[3];
	struct wo_summary s;
	struct seen seen;
	uint64_t closed, recorded = 0, dropped = 0, cpus_dropping = 0;
	uint64_t sev, sev_lost;
	long ncpu, cpu, len;
	char *buf = NULL;
	int j;

	ASSERT_EQ(0, wo_load("bufsize_kb=4"));
	for (j = 0; j < 3; j++)
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], wo_iters(2000)));
	ASSERT_EQ(0, wo_control("reset"));
	for (j = 0; j < 3; j++)
		wo_pingpong_go(&pp[j]);
	for (j = 0; j < 3; j++)
		ASSERT_EQ(0, wo_pingpong_wait(&pp[j]));
	ASSERT_EQ(0, wo_control("stop"));
	expect_conserved(_metadata);

	len = wo_events_drain(&buf);
	ASSERT_LT(0, len);
	seen_init(&seen, 1 << 22);
	seen_add(&seen, buf, len);
	free(buf);
	EXPECT_EQ(0, seen.dups);
	EXPECT_EQ(0, seen.bad);

	ASSERT_EQ(0, wo_summary_read(&s));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "cpus_possible", (uint64_t *)&ncpu));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wakeups_closed", &closed));
	for (cpu = 0; cpu < ncpu && cpu < MAXCPU; cpu++) {
		uint64_t r = cpu_key(&s, cpu, "recorded");
		uint64_t d = cpu_key(&s, cpu, "dropped");

		EXPECT_EQ(r, seen.count[cpu]) {
			TH_LOG("cpu%ld: %llu recorded, %llu handed out", cpu,
			       (unsigned long long)r,
			       (unsigned long long)seen.count[cpu]);
		}
		recorded += r;
		dropped += d;
		cpus_dropping += d > 0;
	}
	/* NUMA and PI event records share the rings (frequent on RT). */
	ASSERT_EQ(0, wo_summary_get_u64(&s, "anomaly.records", &sev));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "anomaly.records_dropped", &sev_lost));
	sev += sev_lost;
	wo_summary_free(&s);
	EXPECT_EQ(closed + sev, recorded + dropped);
	EXPECT_LT(0, dropped);
	EXPECT_LT(0, cpus_dropping);
	printf("# overflow: %llu wakeups closed + %llu sched events = %llu recorded + %llu dropped, on %llu CPUs that dropped\n",
	       (unsigned long long)closed, (unsigned long long)sev,
	       (unsigned long long)recorded,
	       (unsigned long long)dropped, (unsigned long long)cpus_dropping);
	fflush(stdout);

	/*
	 * Drops are sequence gaps (README): one run record written on each
	 * CPU closes its range, and the numbers missing from each CPU's
	 * sequence are its dropped count.
	 */
	for (cpu = 0; cpu < ncpu && cpu < MAXCPU; cpu++) {
		char cmd[32];

		ASSERT_EQ(0, wo_pin(0, (int)cpu, -1));
		snprintf(cmd, sizeof(cmd), "run %ld", cpu + 1);
		ASSERT_EQ(0, wo_control(cmd));
	}
	len = wo_events_drain(&buf);
	ASSERT_LT(0, len);
	seen_add(&seen, buf, len);
	free(buf);
	EXPECT_EQ(0, seen.dups);
	EXPECT_EQ(0, seen.bad);
	ASSERT_EQ(0, wo_summary_read(&s));
	for (cpu = 0; cpu < ncpu && cpu < MAXCPU; cpu++) {
		uint64_t d = cpu_key(&s, cpu, "dropped");
		uint64_t gaps;

		ASSERT_LE(1, seen.count[cpu]);
		gaps = seen.max_seq[cpu] - seen.min_seq[cpu] + 1 - seen.count[cpu];
		EXPECT_EQ(d, gaps) {
			TH_LOG("cpu%ld: %llu dropped, %llu sequence numbers missing",
			       cpu, (unsigned long long)d,
			       (unsigned long long)gaps);
		}
		printf("# cpu%ld: seq %llu..%llu, %llu records, %llu dropped\n",
		       cpu, (unsigned long long)seen.min_seq[cpu],
		       (unsigned long long)seen.max_seq[cpu],
		       (unsigned long long)seen.count[cpu],
		       (unsigned long long)d);
	}
	fflush(stdout);
	wo_summary_free(&s);
	seen_free(&seen);
}

TEST_HARNESS_MAIN
