/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workloads of the users' experiment, shared by "wakeoff stress",
 * the selftests and the demo (selftests/wo_workload):
 *
 *  idle: one task sleeps 1 ms and reads the clock with the
 *        clock_gettime syscall after every wakeup (an idle machine);
 *  load: the experiment's controlled load, a pipe ping-pong pair
 *        (lib/wo_pingpong.h) allowed on CPUs a and b, each side reading
 *        the clock after every wakeup, while a spinner keeps CPU busy busy.
 *
 * The clock is read with the syscall, which the kernel hooks see, unless
 * wo_workload_libc_clock() says the C library's clock_gettime() is
 * hooked (wakeoff stress puts a uprobe on its own): then as applications
 * do, through the vDSO.
 */
#ifndef WAKEOFF_WORKLOAD_H
#define WAKEOFF_WORKLOAD_H

#include <sys/types.h>

#include "wo_pingpong.h"	/* wo_pin() */

/* Return the number of wakeups / round trips done, or -1 (errno set). */
long wo_run_idle(double secs);
long wo_run_load(double secs, int a, int b, int busy);
/*
 * Read the clock through the C library (the vDSO: seen only through a
 * user clock hook) instead of the system call.
 */
void wo_workload_libc_clock(int on);
/* Name the calling task (and the workload's children) for filters. */
void wo_workload_name(const char *comm);

#endif
