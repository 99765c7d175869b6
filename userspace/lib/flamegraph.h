/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Off-CPU flame graphs of a record file: folded stacks (Brendan Gregg's
 * "frame;frame;frame count", root first) weighted by off-CPU time in ns,
 * and a self-contained SVG of them (no script).
 */
#ifndef WAKEOFF_FLAMEGRAPH_H
#define WAKEOFF_FLAMEGRAPH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wofile.h"

struct wo_fold {
	char *stack;		/* "comm;root;...;leaf" */
	uint64_t ns;
};

struct wo_folded {
	struct wo_fold *v;	/* sorted by stack, each stack once */
	size_t n;
	uint64_t total_ns;
};

/*
 * One line per distinct stack over the records with off-CPU time: the
 * wakee's comm, then its blocking stack root first ("[no stack]" when
 * none was captured); with @wakers, offwaketime's layout follows: "--",
 * the waker's stack leaf first, then the waker's comm.  0 or -1 (OOM).
 */
int wo_folded_build(const struct wo_trace *t, bool wakers,
		    struct wo_folded *out);
void wo_folded_free(struct wo_folded *f);
void wo_folded_write(FILE *out, const struct wo_folded *f);
/* The flame graph: frame width proportional to off-CPU time. */
void wo_flame_svg(FILE *out, const struct wo_folded *f, const char *title);

#endif
