// SPDX-License-Identifier: GPL-2.0
/*
 * wo_workload: the known workloads of the users' experiment, for the
 * demo and the tests.
 *
 *   wo_workload idle SECONDS
 *       one task that sleeps 1 ms and reads the clock with the
 *       clock_gettime syscall after every wakeup (an idle machine).
 *   wo_workload load SECONDS [CPU_A CPU_B CPU_BUSY]
 *       the seed's controlled load: a pipe ping-pong pair allowed on
 *       CPU_A and CPU_B (default 0 1), each side reading the clock after
 *       every wakeup, while a spinner keeps CPU_BUSY (default 2) busy.
 *
 * Prints the number of wakeup round trips done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static long parse_long(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "wo_workload: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/* The clock read the tracer correlates with the preceding wakeup. */
static void read_clock(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_idle(long secs)
{
	struct timespec ms = { 0, 1000000 };
	double end = now() + secs;
	long n = 0;

	while (now() < end) {
		nanosleep(&ms, NULL);
		read_clock();
		n++;
	}
	printf("idle: %ld wakeups\n", n);
	return 0;
}

static int run_load(long secs, int a, int b, int busy)
{
	int p1[2], p2[2];
	pid_t spinner, pong;
	double end = now() + secs;
	long n = 0;
	char c = 'x';

	if (pipe(p1) || pipe(p2)) {
		perror("pipe");
		return 1;
	}
	spinner = fork();
	if (spinner == 0) {
		if (wo_pin(0, busy, -1))
			perror("wo_workload: pin spinner");
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
	if (wo_pin(0, a, b))
		perror("wo_workload: pin");
	while (now() < end) {
		if (write(p1[1], &c, 1) != 1 || read(p2[0], &c, 1) != 1)
			break;
		read_clock();
		n++;
	}
	/* The spinner holds copies of the pipe ends: kill it first. */
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	close(p1[1]);
	waitpid(pong, NULL, 0);
	printf("load: %ld round trips (CPUs %d,%d; busy %d)\n", n, a, b, busy);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "idle"))
		return run_idle(parse_long(argv[2], "seconds"));
	if (argc == 3 && !strcmp(argv[1], "load"))
		return run_load(parse_long(argv[2], "seconds"), 0, 1, 2);
	if (argc == 6 && !strcmp(argv[1], "load"))
		return run_load(parse_long(argv[2], "seconds"),
				(int)parse_long(argv[3], "CPU"),
				(int)parse_long(argv[4], "CPU"),
				(int)parse_long(argv[5], "CPU"));
	fprintf(stderr,
		"usage: wo_workload idle SECONDS\n"
		"       wo_workload load SECONDS [CPU_A CPU_B CPU_BUSY]\n");
	return 2;
}
