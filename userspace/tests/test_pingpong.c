// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the shared ping-pong workload (lib/wo_pingpong.h),
 * TAP on stdout: pairs started one after another run independently,
 * round and duration limits, the round count, pinning, and errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/wo_pingpong.h"
#include "tap_check.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Whether @pp gets to @want round trips within @secs. */
static int reaches(const struct wo_pingpong *pp, uint64_t want, double secs)
{
	double end = now() + secs;

	while (now() < end) {
		if (wo_pingpong_rounds(pp) >= want)
			return 1;
		sleep_ms(10);
	}
	return 0;
}

/*
 * Two pairs started one after another, only the first released: it must
 * run to its end while the second is still held (the second's tasks
 * once kept the first's go pipe open, holding it until they exited).
 */
static void test_pairs_independent(void)
{
	struct wo_pingpong p1, p2;
	int done;

	CHECK(!wo_pingpong_start(&p1, 100) && !wo_pingpong_start(&p2, 100),
	      "two pairs start");
	wo_pingpong_go(&p1);
	done = reaches(&p1, 100, 10);
	CHECK(done, "the first pair does its 100 round trips while the second is held");
	CHECK(wo_pingpong_rounds(&p2) == 0, "the held pair did none");
	if (done)
		CHECK(wo_pingpong_wait(&p1) == 0, "the first pair exits 0");
	else
		wo_pingpong_kill(&p1);
	wo_pingpong_go(&p2);
	CHECK(wo_pingpong_wait(&p2) == 0 && wo_pingpong_rounds(&p2) == 100,
	      "the second pair then does its 100");
}

static void test_rounds_and_wait(void)
{
	struct wo_pingpong pp;

	CHECK(!wo_pingpong_start(&pp, 500), "start 500 rounds");
	wo_pingpong_go(&pp);
	CHECK(wo_pingpong_wait(&pp) == 0, "both tasks exit 0");
	CHECK(wo_pingpong_rounds(&pp) == 500, "500 round trips counted");
	CHECK(wo_pingpong_wait(&pp) == -1, "a second wait fails, waits for nothing");
}

/* A duration: ping stops after it, pong at the EOF; both exit 0. */
static void test_duration(void)
{
	struct wo_pp_cfg cfg;
	double t0, el;
	long n;

	wo_pp_cfg_init(&cfg);
	cfg.secs = 0.3;
	cfg.clock = WO_PP_CLOCK_SYSCALL;
	t0 = now();
	n = wo_pingpong_run(&cfg);
	el = now() - t0;
	printf("# 0.3 s run: %ld round trips in %.3f s\n", n, el);
	CHECK(n > 0, "a timed run does round trips");
	CHECK(el >= 0.3 && el < 5, "and lasts its duration");
}

/* Until killed, with the count read while it runs. */
static void test_kill_and_live_count(void)
{
	struct wo_pingpong pp;
	uint64_t a, b;

	CHECK(!wo_pingpong_start(&pp, 0), "start until killed");
	wo_pingpong_go(&pp);
	sleep_ms(100);
	a = wo_pingpong_rounds(&pp);
	sleep_ms(100);
	b = wo_pingpong_rounds(&pp);
	CHECK(a > 0 && b > a, "the count grows while it runs");
	wo_pingpong_kill(&pp);
	CHECK(wo_pingpong_rounds(&pp) >= b, "the count stays readable after");
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	      "no task left after the kill");
}

static int allowed(pid_t pid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	return !sched_getaffinity(pid, sizeof(set), &set) && CPU_ISSET(cpu, &set) &&
	       CPU_COUNT(&set) == 1;
}

static void test_pinning(void)
{
	struct wo_pingpong pp;
	struct wo_pp_cfg cfg;
	int last = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;

	wo_pp_cfg_init(&cfg);
	cfg.rounds = 50;
	cfg.ping_cpu[0] = 0;
	cfg.pong_cpu[0] = last;
	CHECK(!wo_pingpong_start_cfg(&pp, &cfg), "start a pinned pair");
	CHECK(allowed(pp.ping, 0) && allowed(pp.pong, last),
	      "each side allowed on its CPU only");
	wo_pingpong_go(&pp);
	CHECK(!wo_pingpong_wait(&pp) && wo_pingpong_rounds(&pp) == 50,
	      "the pinned pair does its 50");

	cfg.pong_cpu[0] = 4095;		/* not a CPU of any test machine */
	errno = 0;
	CHECK(wo_pingpong_start_cfg(&pp, &cfg) == -1 && errno == EINVAL,
	      "a CPU that does not exist: -1, EINVAL");
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	      "and no task left behind");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(120);		/* a pair that never ends fails, not hangs */
	test_pairs_independent();
	test_rounds_and_wait();
	test_duration();
	test_kill_and_live_count();
	test_pinning();
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
