/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace twin of the module's log-linear histogram (bucket functions
 * from the uapi header), so that a report computed from records gives
 * exactly the percentiles the in-kernel summary gives for the same
 * wakeups; and exact order statistics for small signed samples.
 */
#ifndef WAKEOFF_HIST_H
#define WAKEOFF_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "../../module/uapi/wakeoff.h"

struct wo_uhist {
	uint64_t n, max, sum;
	uint64_t b[WAKEOFF_HIST_BUCKETS];
};

void wo_uhist_add(struct wo_uhist *h, uint64_t v);
/* Upper bound of the bucket holding the nearest-rank sample, <= max. */
uint64_t wo_uhist_pct(const struct wo_uhist *h, unsigned int pct);

/* Exact nearest-rank percentile of @v (sorted in place), 0 if empty. */
int64_t wo_pct_s64(int64_t *v, size_t n, unsigned int pct);
uint64_t wo_pct_u64(uint64_t *v, size_t n, unsigned int pct);

#endif
