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

/* The same rule as wo_hist_pct() in the module: rank = ceil(p/100 * n). */
uint64_t wo_uhist_pct(const struct wo_uhist *h, unsigned int pct)
{
	uint64_t rank, seen = 0, up;
	unsigned int i;

	if (!h->n)
		return 0;
	rank = (h->n * pct + 99) / 100;
	if (!rank)
		rank = 1;
	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			up = wakeoff_hist_upper(i);
			return up < h->max ? up : h->max;
		}
	}
	return h->max;
}

static size_t rank_of(size_t n, unsigned int pct)
{
	size_t r = (n * pct + 99) / 100;

	return r ? r : 1;
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
	return v[rank_of(n, pct) - 1];
}

uint64_t wo_pct_u64(uint64_t *v, size_t n, unsigned int pct)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[rank_of(n, pct) - 1];
}
