/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one ping-pong workload of the CLI (stress), the selftests and the
 * bench: two forked tasks bounce one byte over a pair of pipes, each
 * round trip two wakeups.  Both wait for wo_pingpong_go(), so that a
 * test can place them (CPU, cgroup, filters) first.  The ping side
 * counts round trips in shared memory, readable while the pair runs.
 *
 * A pair's tasks hold no file descriptor but their own pipes: pairs
 * started one after another run independently.  All pipes are
 * close-on-exec, so that programs the caller starts hold none either.
 */
#ifndef WAKEOFF_PINGPONG_H
#define WAKEOFF_PINGPONG_H

#include <stdint.h>
#include <sys/types.h>

/* The clock read by each side after every wakeup. */
enum wo_pp_clock {
	WO_PP_CLOCK_NONE,
	WO_PP_CLOCK_SYSCALL,	/* clock_gettime syscall: the kernel hooks see it */
	WO_PP_CLOCK_LIBC,	/* the C library's (vDSO): seen by a user clock hook */
};

struct wo_pp_cfg {
	long rounds;		/* round trips; 0: until @secs or killed */
	double secs;		/* > 0: ping stops this long after go */
	double rate;		/* > 0: ping paces itself to @rate round trips/s */
	int ping_cpu[2];	/* CPUs each side may run on, -1: none; */
	int pong_cpu[2];	/* all -1: not pinned */
	enum wo_pp_clock clock;
};

struct wo_pp_shared;

struct wo_pingpong {
	pid_t ping, pong;
	int go_fd;
	double secs;
	struct wo_pp_shared *sh;	/* NULL once waited for */
	uint64_t rounds_done;		/* the count at the wait */
	int waited;
};

/* Fill @cfg with defaults: unpinned, no clock reads, until killed. */
void wo_pp_cfg_init(struct wo_pp_cfg *cfg);
/*
 * Fork the pair, pinned as @cfg says, held until wo_pingpong_go().
 * Returns 0, or -1 with errno set and nothing left behind.
 */
int wo_pingpong_start_cfg(struct wo_pingpong *pp, const struct wo_pp_cfg *cfg);
/* Unpinned, @rounds round trips (0: until killed). */
int wo_pingpong_start(struct wo_pingpong *pp, long rounds);
/* Release both tasks at once. */
void wo_pingpong_go(struct wo_pingpong *pp);
/* Round trips done so far (or in all, once waited for). */
uint64_t wo_pingpong_rounds(const struct wo_pingpong *pp);
/* Wait for both tasks; returns 0 if both exited 0. */
int wo_pingpong_wait(struct wo_pingpong *pp);
/* Release, SIGKILL and wait for both tasks. */
void wo_pingpong_kill(struct wo_pingpong *pp);
/* Start, release and wait for one pair: round trips done, or -1. */
long wo_pingpong_run(const struct wo_pp_cfg *cfg);

/* Allow @pid (0: self) on CPU @a and, if @b >= 0, CPU @b. */
int wo_pin(pid_t pid, int a, int b);
/* Read CLOCK_MONOTONIC as @how says (nothing for WO_PP_CLOCK_NONE). */
void wo_clock_read(enum wo_pp_clock how);

#endif
