/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interval view (wakeoff report -i): the difference of two readings
 * of the live summary.  Counters subtract; percentiles come from the
 * difference of the histograms' buckets (the summary's *.buckets keys),
 * so they describe only the wakeups closed in the interval.
 */
#ifndef WAKEOFF_INTERVAL_H
#define WAKEOFF_INTERVAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"
#include "report.h"
#include "summary.h"

struct wo_ivclass {
	char scope[8];		/* "class" or "flags" */
	char key[32];		/* "class.all", "flags.0x8" */
	char name[96];		/* "all", "WF_TTWU|WF_SYNC" */
	uint64_t count;
	struct wo_uhist h[WO_RM_NR];
};

/* What happened between two readings. */
struct wo_ivdelta {
	bool reset;		/* a counter went back: the module was reset */
	uint64_t wakeups, closed, dropped, untracked;
	struct wo_ivclass *cls;
	size_t ncls;
	char series[160];	/* the headline offset series, "" if none */
	struct wo_uhist off_neg, off_pos;	/* both classes, |offset - ref| */
};

/* The figures of an interval, as printed. */
struct wo_ivstat {
	uint64_t migrated;
	double migrated_pct;
	bool have_tk_migrated, have_tk_local;
	uint64_t med_tk_migrated, med_tk_local;
	bool off_have, off_stable;
	int64_t off_p1_p99;
};

/*
 * @d = @cur - @prev (@prev NULL: since load or reset).  When a counter of
 * @cur is below @prev's the module was reset in between: @d is then @cur
 * alone and d->reset is set.  -1 with @err if @cur lacks the bucket keys
 * (a module older than the interval view).
 */
int wo_iv_delta(const struct wo_summary *prev, const struct wo_summary *cur,
		struct wo_ivdelta *d, char *err, size_t errlen);
void wo_iv_free(struct wo_ivdelta *d);
void wo_iv_stat(const struct wo_ivdelta *d, struct wo_ivstat *st);
/* Parse "index:count ..." (or "none") into @h; -1 on a malformed value. */
int wo_iv_buckets(const char *v, struct wo_uhist *h);
/* Signed nearest-rank percentile of |v - ref| histograms (the module's). */
int64_t wo_iv_spct(const struct wo_uhist *neg, const struct wo_uhist *pos,
		   unsigned int pct);

/* @stamp: "HH:MM:SS"; @secs: the interval's length. */
void wo_iv_print_text(FILE *out, const char *stamp, double secs,
		      const struct wo_ivdelta *d);
void wo_iv_print_json(FILE *out, const char *stamp, double secs, bool total,
		      const struct wo_ivdelta *d);

#endif
