// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "hist.h"

void wo_uhist_add(struct wo_uhist *h, uint64_t v)
{
	h->b[wakeoff_hist_bucket(v)]++;
	h->n++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

/* The module's wo_hist_pct(): the same buckets, the same rank. */
uint64_t wo_uhist_pct(const struct wo_uhist *h, unsigned int pct)
{
	uint64_t rank, seen = 0, up;
	unsigned int i;

	if (!h->n)
		return 0;
	rank = wakeoff_pct_rank(h->n, pct);
	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			up = wakeoff_hist_upper(i);
			return up < h->max ? up : h->max;
		}
	}
	return h->max;
}

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int64_t wo_pct_s64(int64_t *v, size_t n, unsigned int pct)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_s64);
	return v[wakeoff_pct_rank(n, pct) - 1];
}

uint64_t wo_pct_u64(uint64_t *v, size_t n, unsigned int pct)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[wakeoff_pct_rank(n, pct) - 1];
}
