/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the wakeoff in-guest selftests: loading the module,
 * reading its files, tracefs as an oracle, and small known workloads.
 */
#ifndef WAKEOFF_SELFTEST_COMMON_H
#define WAKEOFF_SELFTEST_COMMON_H

#include <stdint.h>
#include <sys/types.h>

#include "../userspace/lib/summary.h"
#include "../userspace/lib/workload.h"
#include "../module/uapi/wakeoff.h"

#define WO_DIR		"/sys/kernel/debug/wakeoff"
#define WO_SUMMARY	WO_DIR "/summary"
#define WO_CONTROL	WO_DIR "/control"
#define TRACEFS		"/sys/kernel/tracing"

/* The kernel's syscall wrapper symbols (module/compat/wo_arch.h). */
#if defined(__aarch64__)
#define WO_SYS(name)	"__arm64_sys_" name
#else
#define WO_SYS(name)	"__x64_sys_" name
#endif

/* Path of wakeoff.ko: $WAKEOFF_KO, else /mnt/wakeoff.ko (the VM share). */
const char *wo_ko_path(void);
/* finit_module(2) with optional parameters; returns 0 or -errno. */
int wo_load(const char *params);
/* delete_module(2); returns 0 or -errno.  -ENOENT if not loaded. */
int wo_unload(void);
int wo_is_loaded(void);

/* Read and parse the summary; returns 0 or -1 (message on stderr). */
int wo_summary_read(struct wo_summary *s);
/* One u64 from a fresh summary; aborts the test process on failure. */
uint64_t wo_summary_u64(const char *key);

/*
 * The value of @key in a fresh summary (one of 4 rotating static
 * buffers), or NULL when the key is missing.
 */
const char *wo_summary_get_str(const char *key);
/* One u64 from a fresh summary: 0, or -1 if the key is missing. */
int wo_summary_get_u64_opt(const char *key, uint64_t *v);

/* Write a string to a file; returns 0 or -errno. */
int wo_write_str(const char *path, const char *s);
/* Write to the control file; returns 0 or -errno. */
int wo_control(const char *cmd);

/*
 * @n scaled by $WAKEOFF_ITER_PCT percent (default 100), at least 1: the
 * debug-kernel run (make check-debug) lowers the iteration counts.
 */
long wo_iters(long n);

/* Taint flags D (died) and W (warning); nonzero if either is set. */
unsigned long wo_bad_taint(void);

/* wo_pingpong_*(): userspace/lib/wo_pingpong.h, shared with the CLI and bench. */

/* Count lines of tracefs' trace file that contain @needle. */
long wo_trace_count(const char *needle);

/*
 * Drain the events file (non-blocking) into a malloc'ed buffer; returns
 * the byte count, or -errno.  Stops at EAGAIN.
 */
long wo_events_drain(char **out);
/* Iterate records of @type in a drained buffer: *off is the cursor. */
const void *wo_next_record(const char *buf, long len, long *off, int type);
/* Value of a flag from the wake_flags file ("WF_MIGRATED: 0x20"). */
unsigned int wo_flag(const char *name);
/* Index of a timekeeping function in the tk_hooks file, or -1. */
int wo_tk_index(const char *name);
/* wo_pin(): userspace/lib/wo_pingpong.h. */

/*
 * A child that answers each byte it reads after a clock_gettime syscall:
 * one wakeup and one first timekeeping read per round.
 */
struct wo_clock_child {
	pid_t pid;
	int to, from;
};
int wo_clock_child_start(struct wo_clock_child *cc);
/*
 * @n round trips; with @alt_us > 0, after each one wait @alt_us for the
 * child to sleep again and pin it to CPU 2, then 1, 2, ... so that every
 * further wakeup must migrate it.
 */
int wo_clock_child_rounds(struct wo_clock_child *cc, int n, int alt_us);
void wo_clock_child_stop(struct wo_clock_child *cc);

#endif
