/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wakeoff report": the wake path table (record ABI 1.5) and the
 * pre-migration wait, from a record file or from the live summary.
 */
#ifndef WAKEOFF_REPORT_WAKEPATH_H
#define WAKEOFF_REPORT_WAKEPATH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

struct wo_wakepath_tab {
	bool have;		/* the source knows wake paths */
	uint64_t count[WAKEOFF_PATH_NR];
	struct wo_pcts lat[WAKEOFF_PATH_NR];	/* waking -> switch-in */
	uint64_t premig_n;
	struct wo_pcts premig;	/* wakeup -> first migration before running */
};

extern const char *const wo_wake_path_names[WAKEOFF_PATH_NR];

void wo_wakepath_from_trace(const struct wo_trace *t,
			    struct wo_wakepath_tab *w);
void wo_wakepath_from_summary(const struct wo_summary *s,
			      struct wo_wakepath_tab *w);
void wo_wakepath_print(const struct wo_wakepath_tab *w, FILE *out);

#endif
