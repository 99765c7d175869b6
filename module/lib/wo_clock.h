/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: which clock a timekeeping read reads, and which reads are not
 * timekeeping reads at all.
 *
 * The first timekeeping read after a wakeup is a read of a clock that
 * the scheduler clock can be compared with: REALTIME, MONOTONIC,
 * MONOTONIC_RAW, BOOTTIME, TAI and their _COARSE/_ALARM variants.  A
 * CPU-time clock (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID, the
 * per-pid/per-thread clocks encoded as negative ids) measures a task's
 * run time, and an fd clock (/dev/ptp*, negative ids with CLOCKFD in the
 * low bits) a device: neither closes a correlation nor enters an offset;
 * they are counted as skipped.  Arithmetic only: the host unit tests
 * compile this file as it is.
 */
#ifndef _WO_CLOCK_H
#define _WO_CLOCK_H

/* The clockid_t values of include/uapi/linux/time.h (stable ABI). */
#define WO_CLOCK_REALTIME		0
#define WO_CLOCK_MONOTONIC		1
#define WO_CLOCK_PROCESS_CPUTIME_ID	2
#define WO_CLOCK_THREAD_CPUTIME_ID	3
#define WO_CLOCK_MONOTONIC_RAW		4
#define WO_CLOCK_REALTIME_COARSE	5
#define WO_CLOCK_MONOTONIC_COARSE	6
#define WO_CLOCK_BOOTTIME		7
#define WO_CLOCK_REALTIME_ALARM		8
#define WO_CLOCK_BOOTTIME_ALARM		9
#define WO_CLOCK_SGI_CYCLE		10	/* removed from Linux: invalid */
#define WO_CLOCK_TAI			11
#define WO_CLOCKS			12	/* ids 0..11 */
/* Dynamic clocks: ~pid << 3 | type; type 3 is an fd (include/linux/posix-timers.h). */
#define WO_CLOCKFD			3
#define WO_CLOCKFD_MASK			7

enum wo_clock_kind {
	WO_CLK_TIME,		/* a timekeeping read */
	WO_CLK_CPUTIME,		/* process/thread CPU time: skipped */
	WO_CLK_FD,		/* a device clock (/dev/ptp*): skipped */
	WO_CLK_INVALID,		/* no such clock: the call fails */
};

static inline enum wo_clock_kind wo_clock_kind(int id)
{
	if (id < 0)
		return (id & WO_CLOCKFD_MASK) == WO_CLOCKFD ? WO_CLK_FD :
							       WO_CLK_CPUTIME;
	if (id == WO_CLOCK_PROCESS_CPUTIME_ID ||
	    id == WO_CLOCK_THREAD_CPUTIME_ID)
		return WO_CLK_CPUTIME;
	if (id >= WO_CLOCKS || id == WO_CLOCK_SGI_CYCLE)
		return WO_CLK_INVALID;
	return WO_CLK_TIME;
}

/* Clock names as the summary and the CLI print them. */
static inline const char *wo_clock_name(unsigned int id)
{
	static const char * const names[WO_CLOCKS] = {
		"realtime", "monotonic", "process_cputime", "thread_cputime",
		"monotonic_raw", "realtime_coarse", "monotonic_coarse",
		"boottime", "realtime_alarm", "boottime_alarm", "sgi_cycle",
		"tai",
	};

	return id < WO_CLOCKS ? names[id] : "unknown";
}

#endif /* _WO_CLOCK_H */
