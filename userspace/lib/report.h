/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The analysis "wakeoff report" prints, as one model filled either from
 * a record file (every table, computed from the records) or from the
 * live module's summary (no per-task table: that needs records), and
 * printed as text, CSV, JSON or Prometheus exposition.
 */
#ifndef WAKEOFF_REPORT_H
#define WAKEOFF_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "summary.h"
#include "wofile.h"
#include "../../module/uapi/wakeoff_keys.h"

enum { WO_RM_WAKE, WO_RM_SWITCH, WO_RM_TK, WO_RM_NR };
extern const char *const wo_metric_names[WO_RM_NR];

struct wo_pcts {
	uint64_t count, p50, p90, p99, max;
};

struct wo_rclass {
	char *scope;		/* "class", "flags", "run" */
	char *name;		/* "migrated", "WF_SYNC|WF_MIGRATED", "3 load" */
	uint64_t count;
	struct wo_pcts m[WO_RM_NR];
};

struct wo_roff {
	char *cls;		/* "migrated" / "local" */
	char *func;
	uint64_t count;
	int64_t median, min, max;
	bool have_p1_p99;
	int64_t p1, p99;
};

struct wo_rrun {
	uint64_t id;
	char *label;
	uint64_t wakeups, migrated, tkreads;
	double migrated_pct;
	uint64_t med_tk_migrated, med_tk_local;
	char *off_func;		/* most used function, or NULL */
	int64_t off_min, off_spread;
};

struct wo_rtask {
	int pid, tgid;
	char comm[WAKEOFF_COMM_LEN];
	uint64_t wakeups, migrated;
	uint64_t sw_n, sw_sum, sw_max, sw_max_at;	/* wakeup -> switch-in */
	uint64_t tk_n, tk_sum;				/* ttwu -> tkread */
};

struct wo_rstack {
	uint32_t id;
	uint64_t count;
	unsigned int sync_pct, migrated_pct;
	uint64_t med_switch;
	char *frames;		/* "a < b < c" */
};

struct wo_rcpu {
	uint64_t recorded, dropped, wakeups, received;
	bool have_received;
	uint64_t target_wakeups, target_med_switch;
};

struct wo_report {
	char *source;		/* file name or "live" */
	char *kernel, *module_version, *clocksource;
	unsigned int ncpus;
	bool from_records;
	uint64_t wakeups, closed, recorded, dropped, untracked, migrated;
	/* The idle-vs-load experiment's three numbers. */
	double migrated_pct;
	uint64_t med_tk_migrated, med_tk_local;
	char *off_func;
	int64_t off_median, off_spread, off_p1_p99;
	bool off_have, off_stable;

	struct wo_rclass *cls;
	size_t ncls;
	struct wo_roff *off;
	size_t noff;
	struct wo_rrun *runs;
	size_t nruns;
	struct wo_rtask *tasks;
	size_t ntasks;
	struct wo_rstack *stacks;
	size_t nstacks;
	struct wo_rcpu *cpu;	/* ncpus entries */
	uint64_t *matrix;	/* ncpus x ncpus, prev -> target */
	bool have_matrix;
};

/* The offset stability rule, the module's too: p99 - p1 <= 1 ms. */
#define WO_OFFSET_STABLE_NS	WAKEOFF_OFFSET_STABLE_NS

int wo_report_from_trace(const struct wo_trace *t, struct wo_report *r,
			 char *err, size_t errlen);
int wo_report_from_summary(const struct wo_summary *s, struct wo_report *r,
			   char *err, size_t errlen);
void wo_report_free(struct wo_report *r);

enum wo_rformat { WO_FMT_TEXT, WO_FMT_CSV, WO_FMT_JSON, WO_FMT_PROM };
/* @top: rows of the per-task table and stacks in text output (0: all). */
void wo_report_print(const struct wo_report *r, enum wo_rformat fmt,
		     unsigned int top, FILE *out);

/* Helpers shared with timehist. */
void wo_fmt_ns(char *buf, size_t len, uint64_t ns);	/* "12.3 us" */
struct wo_uhist;
/* Count, p50/p90/p99 (the module's rule) and max of @h. */
void wo_pcts_from_hist(struct wo_pcts *p, const struct wo_uhist *h);
void wo_csv_str(FILE *out, const char *s);

#endif
