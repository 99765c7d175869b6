// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own tracer is the oracle: for one task of a known
 * workload, wakeoff's filtered event counts must equal the number of
 * sched_waking/sched_wakeup events tracefs records for the same PID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

FIXTURE(oracle) {
	int unused;
};

FIXTURE_SETUP(oracle)
{
	if (access(TRACEFS "/events/sched/sched_wakeup/enable", W_OK))
		SKIP(return, "tracefs is not mounted at %s", TRACEFS);
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
}

static void tracefs_off(void)
{
	wo_write_str(TRACEFS "/tracing_on", "0");
	wo_write_str(TRACEFS "/events/sched/sched_waking/enable", "0");
	wo_write_str(TRACEFS "/events/sched/sched_wakeup/enable", "0");
	wo_write_str(TRACEFS "/events/sched/sched_waking/filter", "0");
	wo_write_str(TRACEFS "/events/sched/sched_wakeup/filter", "0");
}

FIXTURE_TEARDOWN(oracle)
{
	tracefs_off();
	wo_write_str(TRACEFS "/trace", "");
	wo_write_str(TRACEFS "/tracing_on", "1");
	wo_unload();
}

TEST_F_TIMEOUT(oracle, wakeup_counts_match_tracefs, 120)
{
	struct wo_pingpong pp;
	char filter[64], cmd[64];
	long trace_waking, trace_wakeup;
	uint64_t wo_waking, wo_wakeup;

	ASSERT_EQ(0, wo_write_str(TRACEFS "/buffer_size_kb", "4096"));
	tracefs_off();
	ASSERT_EQ(0, wo_write_str(TRACEFS "/trace", ""));

	ASSERT_EQ(0, wo_pingpong_start(&pp, 800));
	snprintf(filter, sizeof(filter), "pid == %d", pp.pong);
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_waking/filter", filter));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_wakeup/filter", filter));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_waking/enable", "1"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_wakeup/enable", "1"));
	snprintf(cmd, sizeof(cmd), "filter pid %d", pp.pong);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "1"));

	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));

	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, wo_control("stop"));
	trace_waking = wo_trace_count("sched_waking:");
	trace_wakeup = wo_trace_count("sched_wakeup:");
	wo_waking = wo_summary_u64("matched.sched_waking");
	wo_wakeup = wo_summary_u64("matched.sched_wakeup");
	TH_LOG("pid %d: tracefs waking %ld wakeup %ld, wakeoff waking %llu wakeup %llu",
	       pp.pong, trace_waking, trace_wakeup,
	       (unsigned long long)wo_waking, (unsigned long long)wo_wakeup);
	/* 800 round trips: the pong task sleeps and is woken up to 801
	 * times (the go signal included), fewer when a byte is already
	 * there before it blocks. */
	ASSERT_LE(400, trace_wakeup);
	EXPECT_EQ((uint64_t)trace_waking, wo_waking);
	EXPECT_EQ((uint64_t)trace_wakeup, wo_wakeup);
}

TEST_HARNESS_MAIN
