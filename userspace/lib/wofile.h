/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wakeoff record file ("wakeoff record -o FILE"): what a recording
 * needs to be analysed on any other machine.
 *
 * Layout: the 8-byte magic "WAKEOFF1" (the digit is the file format's
 * major version), then chunks, each an 8-byte header
 *
 *	char tag[4]; uint32_t len;	(little-endian)
 *
 * followed by len bytes of payload and zero padding to a multiple of 8.
 * Chunks, in the order the writer emits them:
 *
 *	META  "key: value" lines: format (1.0), kernel, cpus_possible,
 *	      cpus_online, clocksource, module_version, record_abi, host,
 *	      recorded_at, command line, filters, run id/label
 *	FLAG  the module's wake_flags file ("NAME: 0xVALUE" lines): the
 *	      recording kernel's flag table, so names decode anywhere
 *	TKHK  the module's tk_hooks file ("<idx> <function> <state>")
 *	RECS  raw records exactly as read() returned them (repeated)
 *	STCK  the module's stacks file at the end of the recording
 *	OSTK  the module's offcpu_stacks file (blocking stacks; record ABI
 *	      1.4 modules), same format
 *	SUMM  the module's summary at the end of the recording
 *	CNTS  "key: value" per-CPU counters of this recording: the module's
 *	      cpuN.{wakeups,recorded,dropped} deltas and what the reader got
 *	ENDS  empty: the recording ended cleanly
 *
 * A reader skips chunk tags it does not know (a minor addition).  A file
 * whose major is not 1, a chunk running past the end of the file, a
 * record that does not fit its chunk, a bad record magic or an unknown
 * record ABI major are errors that name the file offset.
 */
#ifndef WAKEOFF_WOFILE_H
#define WAKEOFF_WOFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../module/uapi/wakeoff.h"
#include "summary.h"

#define WOF_MAGIC	"WAKEOFF"	/* followed by the major digit */
#define WOF_MAJOR	1
#define WOF_MINOR	0
#define WOF_CHUNK_HDR	8
#define WOF_ALIGN	8

/* Largest chunk a reader accepts (a corrupt length must not allocate GBs). */
#define WOF_CHUNK_MAX	(256U << 20)

/* Oldest wakeup record size a reader accepts: ABI 1.0 had no stack_id. */
#define WOF_WAKEUP_MIN	WAKEOFF_WAKEUP_SIZE_1_0

struct wo_flagdef {
	char *name;
	uint32_t value;
};

struct wo_stack {
	uint32_t id;
	uint64_t count;		/* the module's count for the whole load */
	char **frames;		/* symbolic, innermost first */
	size_t nframes;
};

struct wo_trace {
	char *path;
	unsigned int minor;		/* file format minor */
	struct wo_summary meta;		/* META */
	struct wo_flagdef *flags;	/* FLAG, in file order */
	size_t nflags;
	char **tk_names;		/* TKHK, by index */
	size_t ntk;
	/* Wakeup records, widened to the current struct, sorted by ts_waking. */
	struct wakeoff_wakeup *wk;
	size_t nwk;
	struct wakeoff_run *runs;	/* in file order */
	size_t nruns;
	struct wakeoff_sched_event *sev;	/* ABI 1.5, in file order */
	size_t nsev;
	struct wo_stack *stacks;	/* STCK */
	size_t nstacks;
	struct wo_stack *ostacks;	/* OSTK: blocking stacks */
	size_t nostacks;
	struct wo_summary summary;	/* SUMM (may be empty) */
	struct wo_summary counters;	/* CNTS (may be empty) */
	bool complete;			/* ENDS seen */
	uint64_t unknown_records;	/* records of types this reader skips */
	uint64_t unknown_chunks;
	unsigned int max_cpu;		/* highest CPU number seen + 1 */
};

/*
 * Parse a whole file image.  @name is used in messages.  On error returns
 * -1 with "NAME: offset N: reason" in @err; @t is then left empty.
 */
int wo_trace_parse(const void *buf, size_t len, const char *name,
		   struct wo_trace *t, char *err, size_t errlen);
/* Read and parse @path; "-" is stdin. */
int wo_trace_load(const char *path, struct wo_trace *t, char *err,
		  size_t errlen);
void wo_trace_free(struct wo_trace *t);

const char *wo_trace_meta(const struct wo_trace *t, const char *key);
/* Name of timekeeping function @idx, or NULL. */
const char *wo_trace_tk_name(const struct wo_trace *t, unsigned int idx);
/*
 * The offset series of a read, as the module keys it: (function << 8 |
 * clock); the clock is 0xff ("unknown") in records before ABI 1.3.
 */
unsigned int wo_series_of(const struct wakeoff_wakeup *w);
/* "monotonic.__x64_sys_clock_gettime": the series' clock and function. */
void wo_trace_series_name(const struct wo_trace *t, unsigned int series,
			  char *buf, size_t len);
/* The clock a read read ("monotonic"), and where it was seen ("user"). */
const char *wo_tk_clock_str(const struct wakeoff_wakeup *w);
const char *wo_tk_source_str(const struct wakeoff_wakeup *w);
/* "WF_SYNC|WF_MIGRATED|0x100" with the file's table; "0" for none. */
void wo_trace_flags_str(const struct wo_trace *t, uint32_t flags, char *buf,
			size_t len);
/* Value of a named flag in the file's table, or 0. */
uint32_t wo_trace_flag(const struct wo_trace *t, const char *name);
const struct wo_stack *wo_trace_stack(const struct wo_trace *t, uint32_t id);
/* Blocking stack cluster @id (OSTK), or NULL. */
const struct wo_stack *wo_trace_ostack(const struct wo_trace *t, uint32_t id);
/* Off-CPU ns of a record with WAKEOFF_V_OFFCPU (0 if negative), else 0. */
uint64_t wo_offcpu_ns(const struct wakeoff_wakeup *w);
/* Label of run @id from the run records, or NULL. */
const char *wo_trace_run_label(const struct wo_trace *t, uint64_t id);

/* Parse the module's wake_flags / tk_hooks / stacks file texts. */
int wo_parse_flag_table(const char *text, size_t len, struct wo_flagdef **out,
			size_t *n, char *err, size_t errlen);
int wo_parse_tk_hooks(const char *text, size_t len, char ***out, size_t *n,
		      char *err, size_t errlen);
int wo_parse_stacks(const char *text, size_t len, struct wo_stack **out,
		    size_t *n, char *err, size_t errlen);

/* Writer side: magic, then chunks.  Return 0 or -1 with errno set. */
int wof_write_magic(int fd);
int wof_write_chunk(int fd, const char tag[4], const void *p, size_t len);

#endif
