// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

void wo_workload_name(const char *comm)
{
	prctl(PR_SET_NAME, comm, 0, 0, 0);
}

static int libc_clock;

void wo_workload_libc_clock(int on)
{
	libc_clock = on;
}

/* The clock read the tracer correlates with the preceding wakeup. */
static enum wo_pp_clock clock_how(void)
{
	return libc_clock ? WO_PP_CLOCK_LIBC : WO_PP_CLOCK_SYSCALL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

long wo_run_idle(double secs)
{
	struct timespec ms = { 0, 1000000 };
	double end = now() + secs;
	long n = 0;

	while (now() < end) {
		nanosleep(&ms, NULL);
		wo_clock_read(clock_how());
		n++;
	}
	return n;
}

long wo_run_load(double secs, int a, int b, int busy)
{
	struct wo_pp_cfg cfg;
	pid_t spinner;
	long n;
	int err;

	/* Forked first: it holds none of the pair's pipes. */
	spinner = fork();
	if (spinner < 0)
		return -1;
	if (spinner == 0) {
		if (wo_pin(0, busy, -1))
			_exit(1);
		for (;;)
			;
	}
	wo_pp_cfg_init(&cfg);
	cfg.secs = secs;
	cfg.ping_cpu[0] = cfg.pong_cpu[0] = a;
	cfg.ping_cpu[1] = cfg.pong_cpu[1] = b;
	cfg.clock = clock_how();
	n = wo_pingpong_run(&cfg);
	err = errno;
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	errno = err;
	return n;
}
