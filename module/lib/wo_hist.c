// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: log-linear histograms.  Per-CPU copies (wo_phist) take plain
 * increments from their own CPU; the shared ones (wo_hist) one atomic
 * increment and, rarely, a cmpxchg on the maximum.  Readers sum the
 * copies into a snapshot and compute nearest-rank percentiles on it.  A snapshot of a
 * histogram being written is not atomic as a whole, which only means a
 * percentile may miss the few samples added while it was read.
 */
#include <linux/kernel.h>
#include <linux/math64.h>

#include "lib/wo_hist.h"

void wo_hist_add(struct wo_hist *h, u64 v)
{
	s64 old = atomic64_read(&h->max);

	atomic_inc(&h->b[wakeoff_hist_bucket(v)]);
	while ((u64)old < v && !atomic64_try_cmpxchg(&h->max, &old, v))
		;
}

void wo_hist_snap(const struct wo_hist *h, struct wo_hist_snap *s)
{
	memset(s, 0, sizeof(*s));
	wo_hist_snap_add(s, h);
}

void wo_hist_snap_add(struct wo_hist_snap *dst, const struct wo_hist *h)
{
	u64 max = atomic64_read(&h->max);
	unsigned int i;

	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		u32 c = atomic_read(&h->b[i]);

		dst->b[i] += c;
		dst->n += c;
	}
	if (max > dst->max)
		dst->max = max;
}

/* Another CPU may be adding: each word is read once, a sum of the moment. */
void wo_phist_snap_add(struct wo_hist_snap *dst, const struct wo_phist *h)
{
	u64 max = READ_ONCE(h->max);
	unsigned int i;

	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		u32 c = READ_ONCE(h->b[i]);

		dst->b[i] += c;
		dst->n += c;
	}
	if (max > dst->max)
		dst->max = max;
}

/* Upper bound of the bucket holding the nearest-rank sample, <= max. */
u64 wo_hist_pct(const struct wo_hist_snap *s, unsigned int pct)
{
	u64 rank, seen = 0;
	unsigned int i;

	if (!s->n)
		return 0;
	rank = wakeoff_pct_rank(s->n, pct);
	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		seen += s->b[i];
		if (seen >= rank)
			return min(wakeoff_hist_upper(i), s->max);
	}
	return s->max;
}

void wo_hist_show(struct seq_file *m, const char *prefix,
		  const struct wo_hist_snap *s)
{
	seq_printf(m, "%s.count: %llu\n", prefix, s->n);
	seq_printf(m, "%s.p50: %llu\n", prefix, wo_hist_pct(s, 50));
	seq_printf(m, "%s.p90: %llu\n", prefix, wo_hist_pct(s, 90));
	seq_printf(m, "%s.p99: %llu\n", prefix, wo_hist_pct(s, 99));
	seq_printf(m, "%s.max: %llu\n", prefix, s->n ? s->max : 0);
}

/*
 * Nearest-rank percentile of a signed distribution kept as |v|
 * histograms on each side of a reference: the most negative come first.
 */
s64 wo_shist_pct(const struct wo_hist_snap *neg,
		 const struct wo_hist_snap *pos, unsigned int pct)
{
	u64 n = neg->n + pos->n, rank, seen = 0;
	int i;

	if (!n)
		return 0;
	rank = wakeoff_pct_rank(n, pct);
	if (rank <= neg->n) {
		for (i = WAKEOFF_HIST_BUCKETS - 1; i >= 0; i--) {
			seen += neg->b[i];
			if (seen >= rank)
				return -(s64)min(wakeoff_hist_upper(i),
						 neg->max);
		}
	}
	rank -= neg->n;
	seen = 0;
	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		seen += pos->b[i];
		if (seen >= rank)
			return (s64)min(wakeoff_hist_upper(i), pos->max);
	}
	return (s64)pos->max;
}

s64 wo_shist_median(const struct wo_hist_snap *neg,
		    const struct wo_hist_snap *pos)
{
	return wo_shist_pct(neg, pos, 50);
}
