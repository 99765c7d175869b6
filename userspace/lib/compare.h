/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wakeoff compare FILE...": one row per record file with where it was
 * recorded (kernel, CPUs, clocksource) and the idle-vs-load experiment's
 * three numbers.  Each row is the full report of its file, built by
 * wo_report_from_trace() -- the numbers cannot drift from what
 * "wakeoff report FILE" prints -- and each file decodes its wake flags
 * with its own FLAG table, so files from different kernels compare.
 */
#ifndef WAKEOFF_COMPARE_H
#define WAKEOFF_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

struct wo_cmp_row {
	char *file;
	struct wo_report r;
};

/*
 * Load and report each of @paths into @rows (@n entries).  On error
 * returns -1 with "FILE: reason" in @err; the rows are then freed.
 */
int wo_compare_load(char *const *paths, size_t n, struct wo_cmp_row *rows,
		    char *err, size_t errlen);
void wo_compare_free(struct wo_cmp_row *rows, size_t n);
/* WO_FMT_TEXT, WO_FMT_CSV or WO_FMT_JSON. */
void wo_compare_print(const struct wo_cmp_row *rows, size_t n,
		      enum wo_rformat fmt, FILE *out);


#endif
