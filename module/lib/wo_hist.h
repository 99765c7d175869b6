/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: log-linear histograms for the in-kernel summary.  The bucket
 * layout is the uapi one (wakeoff_hist_bucket()), so readers can
 * reproduce it exactly.  struct wo_phist is one CPU's copy, written only
 * by its own CPU with IRQs off (plain stores, no atomics, no shared
 * cache line); struct wo_hist is the atomic variant for the rare writes
 * that land on another CPU's figures.
 */
#ifndef _WO_HIST_H
#define _WO_HIST_H

#include <linux/atomic.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "uapi/wakeoff.h"

struct wo_hist {
	atomic_t b[WAKEOFF_HIST_BUCKETS];
	atomic64_t max;
};

struct wo_phist {
	u32 b[WAKEOFF_HIST_BUCKETS];
	u64 max;
};

/* Owner CPU only, IRQs off (see wo_agg_close()'s guard). */
static inline void wo_phist_add(struct wo_phist *h, u64 v)
{
	h->b[wakeoff_hist_bucket(v)]++;
	if (v > h->max)
		h->max = v;
}

/* Snapshot taken by a reader: stable counts to compute percentiles on. */
struct wo_hist_snap {
	u32 b[WAKEOFF_HIST_BUCKETS];
	u64 n;
	u64 max;
};

void wo_hist_add(struct wo_hist *h, u64 v);
void wo_hist_snap(const struct wo_hist *h, struct wo_hist_snap *s);
void wo_hist_snap_add(struct wo_hist_snap *dst, const struct wo_hist *h);
void wo_phist_snap_add(struct wo_hist_snap *dst, const struct wo_phist *h);
u64 wo_hist_pct(const struct wo_hist_snap *s, unsigned int pct);
/* "<prefix>.count/.p50/.p90/.p99/.max" lines. */
void wo_hist_show(struct seq_file *m, const char *prefix,
		  const struct wo_hist_snap *s);

/* Signed values around a reference: two histograms of |v - ref|. */
struct wo_shist {
	struct wo_phist neg, pos;
};

s64 wo_shist_pct(const struct wo_hist_snap *neg,
		 const struct wo_hist_snap *pos, unsigned int pct);
s64 wo_shist_median(const struct wo_hist_snap *neg,
		    const struct wo_hist_snap *pos);

#endif /* _WO_HIST_H */
