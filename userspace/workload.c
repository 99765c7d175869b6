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
static void read_clock(void)
{
	struct timespec ts;

	if (libc_clock)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	else
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
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
		read_clock();
		n++;
	}
	return n;
}

long wo_run_load(double secs, int a, int b, int busy)
{
	int p1[2], p2[2], err = 0;
	pid_t spinner, pong;
	double end = now() + secs;
	long n = 0;
	char c = 'x';

	if (pipe(p1))
		return -1;
	if (pipe(p2)) {
		err = errno;
		close(p1[0]);
		close(p1[1]);
		errno = err;
		return -1;
	}
	spinner = fork();
	if (spinner == 0) {
		if (wo_pin(0, busy, -1))
			_exit(1);
		for (;;)
			;
	}
	pong = fork();
	if (pong == 0) {
		close(p1[1]);
		close(p2[0]);
		wo_pin(0, a, b);
		while (read(p1[0], &c, 1) == 1) {
			read_clock();
			if (write(p2[1], &c, 1) != 1)
				break;
		}
		_exit(0);
	}
	close(p1[0]);
	close(p2[1]);
	if (spinner < 0 || pong < 0 || wo_pin(0, a, b))
		err = errno ? errno : EINVAL;
	while (!err && now() < end) {
		if (write(p1[1], &c, 1) != 1 || read(p2[0], &c, 1) != 1)
			break;
		read_clock();
		n++;
	}
	/* The spinner holds copies of the pipe ends: kill it first. */
	if (spinner > 0) {
		kill(spinner, SIGKILL);
		waitpid(spinner, NULL, 0);
	}
	close(p1[1]);
	close(p2[0]);
	if (pong > 0)
		waitpid(pong, NULL, 0);
	if (err) {
		errno = err;
		return -1;
	}
	return n;
}
