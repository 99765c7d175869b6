/* SPDX-License-Identifier: GPL-2.0 */
/* Sched event records (ABI 1.5): NUMA moves and PI changes. */
#ifndef WO_SCHED_EVENTS_H
#define WO_SCHED_EVENTS_H

#include <stdint.h>
#include <stdio.h>

#include "wofile.h"

/* Append one record of @size bytes to @t->sev; -1 when out of memory. */
int wof_push_sched_event(struct wo_trace *t, const void *p, size_t size);
/* Tracepoint name of event @ev, "?" if unknown. */
const char *wo_sched_ev_name(unsigned int ev);
/*
 * Marks of @t's sched events on the plot's timeline: a diamond on the
 * row of the CPU that ran the tracepoint, x from [t0, t0 + span).
 * @row is the row height, @y0 the first row's top.  Returns the count.
 */
size_t wo_plot_sched_marks(FILE *out, const struct wo_trace *t, uint64_t t0,
			   uint64_t span, unsigned int y0, unsigned int row,
			   unsigned int ncpu, int x0, int width);

#endif
