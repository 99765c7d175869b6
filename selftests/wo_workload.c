// SPDX-License-Identifier: GPL-2.0
/*
 * wo_workload: the known workloads of the users' experiment (see
 * userspace/lib/workload.h), for the demo and the tests.
 *
 *   wo_workload idle SECONDS
 *   wo_workload load SECONDS [CPU_A CPU_B CPU_BUSY]   (default 0 1 2)
 *
 * Prints the number of wakeup round trips done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int run_load(long secs, int a, int b, int busy)
{
	long n = wo_run_load(secs, a, b, busy);

	if (n < 0) {
		perror("wo_workload: load");
		return 1;
	}
	printf("load: %ld round trips (CPUs %d,%d; busy %d)\n", n, a, b, busy);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "idle")) {
		printf("idle: %ld wakeups\n",
		       wo_run_idle(parse_long(argv[2], "seconds")));
		return 0;
	}
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
