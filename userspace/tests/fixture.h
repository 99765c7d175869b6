/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test fixtures: build record files in memory exactly as "wakeoff record"
 * writes them (through wof_write_*), with a 6.1-like flag table.
 * Header-only, for the host-side unit tests.
 */
#ifndef WAKEOFF_TEST_FIXTURE_H
#define WAKEOFF_TEST_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wofile.h"

static int tap_n, tap_fail;

/* xorshift64: reproducible randomness for the tests. */
static uint64_t fx_rnd_state = 0x9e3779b97f4a7c15ULL;

static inline uint64_t fx_rnd(void)
{
	fx_rnd_state ^= fx_rnd_state << 13;
	fx_rnd_state ^= fx_rnd_state >> 7;
	fx_rnd_state ^= fx_rnd_state << 17;
	return fx_rnd_state;
}

#define TAP_OK(cond, ...) do {					\
	tap_n++;						\
	if (cond) {						\
		printf("ok %d - ", tap_n);			\
	} else {						\
		tap_fail++;					\
		printf("not ok %d - ", tap_n);			\
	}							\
	printf(__VA_ARGS__);					\
	printf("\n");						\
} while (0)

static const char fx_meta[] =
	"format: 1.0\nkernel: 6.1.0-56-amd64\ncpus_possible: 4\ncpus_online: 4\n"
	"clocksource: hpet\nmodule_version: 0.4.0\nrecord_abi: 1.2\n";
static const char fx_flags[] =
	"WF_EXEC: 0x2\nWF_FORK: 0x4\nWF_TTWU: 0x8\nWF_SYNC: 0x10\nWF_MIGRATED: 0x20\n";
static const char fx_tk[] =
	"0 __x64_sys_clock_gettime attached\n1 ktime_get attached\n";
static const char fx_stacks[] =
	"cluster 1: count 5 wf_sync 5 wf_migrated 0\n  pipe_write+0x1/0x2\n  vfs_write+0x3/0x4\n"
	"cluster 2: count 2 wf_sync 0 wf_migrated 1\n  hrtimer_wakeup+0x5/0x6\n";

/* A wakeup record with sane defaults; @i varies the timestamps. */
static struct wakeoff_wakeup fx_wakeup(unsigned int i, unsigned int cpu,
				       const char *comm, int pid)
{
	struct wakeoff_wakeup w;

	memset(&w, 0, sizeof(w));
	w.hdr.magic = WAKEOFF_REC_MAGIC;
	w.hdr.abi_major = WAKEOFF_ABI_MAJOR;
	w.hdr.type = WAKEOFF_REC_WAKEUP;
	w.hdr.size = sizeof(w);
	w.hdr.cpu = (uint16_t)cpu;
	w.hdr.seq = i;
	w.wake_id = i + 1;
	w.run_id = 1;
	w.pid = pid;
	w.tgid = pid;
	w.waker_pid = 1;
	w.waker_tgid = 1;
	strncpy(w.comm, comm, sizeof(w.comm) - 1);
	strcpy(w.waker_comm, "waker");
	w.waker_cpu = (uint16_t)cpu;
	w.prev_cpu = (uint16_t)cpu;
	w.target_cpu = (uint16_t)cpu;
	w.run_cpu = (uint16_t)cpu;
	w.tk_cpu = (uint16_t)cpu;
	w.final_flags = 0x10;
	w.valid = WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH | WAKEOFF_V_TKREAD |
		  WAKEOFF_V_NR_RUNNING | WAKEOFF_V_TK_CLOCK;
	w.tk_clock = 1;		/* CLOCK_MONOTONIC */
	w.tk_source = WAKEOFF_TK_SRC_SYSCALL;
	w.ts_waking = 1000000000ULL + i * 100000ULL;
	w.ts_wakeup = w.ts_waking + 1000 + i;
	w.ts_switch = w.ts_wakeup + 5000 + 10 * i;
	w.ts_tkread = w.ts_switch + 2000;
	w.tk_value = w.ts_tkread - 20000000;
	w.tk_offset = -20000000 - (int64_t)(i % 7);
	w.rq_nr_running = 1 + i % 3;
	w.stack_id = 1 + i % 2;
	w.outcome = WAKEOFF_OUT_TKREAD;
	return w;
}

static struct wakeoff_run fx_run(uint64_t id, const char *label)
{
	struct wakeoff_run r;

	memset(&r, 0, sizeof(r));
	r.hdr.magic = WAKEOFF_REC_MAGIC;
	r.hdr.abi_major = WAKEOFF_ABI_MAJOR;
	r.hdr.type = WAKEOFF_REC_RUN;
	r.hdr.size = sizeof(r);
	r.run_id = id;
	strncpy(r.label, label, sizeof(r.label) - 1);
	return r;
}

/* The bytes of a file written to a temporary fd; caller frees. */
struct fx_file {
	int fd;
	char path[64];
};

static int fx_open(struct fx_file *f)
{
	strcpy(f->path, "/tmp/wo-fixture-XXXXXX");
	f->fd = mkstemp(f->path);
	if (f->fd < 0)
		return -1;
	unlink(f->path);
	return wof_write_magic(f->fd);
}

static char *fx_close(struct fx_file *f, size_t *len)
{
	off_t end = lseek(f->fd, 0, SEEK_END);
	char *buf = malloc(end > 0 ? (size_t)end : 1);

	if (!buf || pread(f->fd, buf, (size_t)end, 0) != end) {
		free(buf);
		close(f->fd);
		return NULL;
	}
	close(f->fd);
	*len = (size_t)end;
	return buf;
}

/*
 * A complete file: a run record, then @n wakeups over 4 CPUs, every 5th
 * WF_MIGRATED (prev cpu+1 -> cpu), in two RECS chunks.
 */
static inline char *fx_build(unsigned int n, size_t *len)
{
	struct fx_file f;
	struct wakeoff_run run = fx_run(1, "load");
	struct wakeoff_wakeup *w = calloc(n ? n : 1, sizeof(*w));
	unsigned int i, half = n / 2;
	static const char cnts[] = "cpu0.recorded: 10\ncpu0.dropped: 1\nwakeups: 12\n";

	if (!w || fx_open(&f)) {
		free(w);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		w[i] = fx_wakeup(i, i % 4, i % 3 ? "pong" : "ping", 100 + i % 3);
		if (i % 5 == 0) {
			w[i].final_flags |= 0x20;
			w[i].prev_cpu = (uint16_t)((i + 1) % 4);
		}
	}
	if (wof_write_chunk(f.fd, "META", fx_meta, strlen(fx_meta)) ||
	    wof_write_chunk(f.fd, "FLAG", fx_flags, strlen(fx_flags)) ||
	    wof_write_chunk(f.fd, "TKHK", fx_tk, strlen(fx_tk)) ||
	    wof_write_chunk(f.fd, "RECS", &run, sizeof(run)) ||
	    wof_write_chunk(f.fd, "RECS", w, half * sizeof(*w)) ||
	    wof_write_chunk(f.fd, "RECS", w + half, (n - half) * sizeof(*w)) ||
	    wof_write_chunk(f.fd, "STCK", fx_stacks, strlen(fx_stacks)) ||
	    wof_write_chunk(f.fd, "CNTS", cnts, strlen(cnts)) ||
	    wof_write_chunk(f.fd, "ENDS", NULL, 0)) {
		free(w);
		close(f.fd);
		return NULL;
	}
	free(w);
	return fx_close(&f, len);
}

/*
 * A file of @n given wakeups (one run record "load" first) with the
 * given META and FLAG texts: for files from different kernels.
 */
static inline char *fx_build_from(const char *meta, const char *flags,
				  const struct wakeoff_wakeup *w, unsigned int n,
				  size_t *len)
{
	struct wakeoff_run run = fx_run(1, "load");
	struct fx_file f;

	if (fx_open(&f))
		return NULL;
	if (wof_write_chunk(f.fd, "META", meta, strlen(meta)) ||
	    wof_write_chunk(f.fd, "FLAG", flags, strlen(flags)) ||
	    wof_write_chunk(f.fd, "TKHK", fx_tk, strlen(fx_tk)) ||
	    wof_write_chunk(f.fd, "RECS", &run, sizeof(run)) ||
	    wof_write_chunk(f.fd, "RECS", w, n * sizeof(*w)) ||
	    wof_write_chunk(f.fd, "ENDS", NULL, 0)) {
		close(f.fd);
		return NULL;
	}
	return fx_close(&f, len);
}

#endif
