// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the interval view's delta (interval.h), TAP on
 * stdout: two summaries written in the module's format from known
 * samples (A, then A+B); their difference must give B's counts and the
 * percentiles of B alone, checked against exact order statistics of B
 * mapped to their bucket bounds, not against another bucket subtraction.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interval.h"
#include "tap_check.h"
#include "json_check.h"

#define NA	300		/* samples before the interval */
#define NB	500		/* samples in it */

static char text[1 << 20];
static size_t used;

static void put(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	used += vsnprintf(text + used, sizeof(text) - used, fmt, ap);
	va_end(ap);
}

static void put_buckets(const char *key, const struct wo_uhist *h)
{
	unsigned int i;
	int any = 0;

	put("%s:", key);
	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		if (h->b[i]) {
			put(" %u:%" PRIu64, i, h->b[i]);
			any = 1;
		}
	}
	put(any ? "\n" : " none\n");
}

static uint64_t lcg = 12345;

static uint64_t rnd(uint64_t mod)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (lcg >> 17) % mod;
}

/* Samples of one reading's interval: [0, NA) before, [NA, NA+NB) in it. */
static uint64_t lat[3][WO_RM_NR][NA + NB];	/* all, migrated, local */
static int64_t off[NA + NB];
static const char *const cname[3] = { "all", "migrated", "local" };

static void make_samples(void)
{
	int c, m, i;

	for (i = 0; i < NA + NB; i++) {
		/* The interval's samples are slower: its percentiles differ. */
		uint64_t scale = i < NA ? 1000 : 50000;

		for (m = 0; m < WO_RM_NR; m++) {
			lat[1][m][i] = rnd(scale) + 1;
			lat[2][m][i] = rnd(scale * 3) + 1;
		}
		off[i] = (int64_t)rnd(i < NA ? 2000 : 4000000) - 1000;
	}
	for (c = 0; c < WO_RM_NR; c++)
		for (i = 0; i < NA + NB; i++)
			lat[0][c][i] = i & 1 ? lat[1][c][i] : lat[2][c][i];
}

/*
 * A summary after the first @n samples: "all" takes the even samples of
 * "local" and the odd of "migrated", n of each per class.
 */
static void write_summary(int n, uint64_t wakeups, uint64_t wrap_bucket)
{
	struct wo_uhist h, neg, pos;
	char key[128];
	int c, m, i;

	used = 0;
	put("wakeups: %" PRIu64 "\nwakeups_closed: %" PRIu64 "\n", wakeups,
	    wakeups - 1);
	put("records.dropped_full: %d\nrecords.dropped_nested: 1\n", n / 10);
	put("wakeups_untracked_table_full: %d\nwakeups_untracked_busy: 0\n",
	    n / 100);
	put("headline.offset_clock: monotonic\n");
	put("headline.offset_function: __x64_sys_clock_gettime\n");
	for (c = 0; c < 3; c++) {
		put("class.%s.count: %d\n", cname[c], n);
		for (m = 0; m < WO_RM_NR; m++) {
			memset(&h, 0, sizeof(h));
			for (i = 0; i < n; i++)
				wo_uhist_add(&h, lat[c][m][i]);
			/* class.all: a bucket whose u32 counter wrapped. */
			if (!c)
				h.b[WAKEOFF_HIST_BUCKETS - 1] = wrap_bucket;
			snprintf(key, sizeof(key), "class.%s.%s.buckets",
				 cname[c], wo_metric_names[m]);
			put_buckets(key, &h);
		}
	}
	put("class.other.count: 0\n");
	for (m = 0; m < WO_RM_NR; m++)
		put("class.other.%s.buckets: none\n", wo_metric_names[m]);
	memset(&neg, 0, sizeof(neg));
	memset(&pos, 0, sizeof(pos));
	for (i = 0; i < n; i++)
		wo_uhist_add(off[i] < 0 ? &neg : &pos,
			     (uint64_t)(off[i] < 0 ? -off[i] : off[i]));
	/* All offsets in the local class; migrated has no line (no read). */
	put_buckets("offset.local.monotonic.__x64_sys_clock_gettime.neg_buckets", &neg);
	put_buckets("offset.local.monotonic.__x64_sys_clock_gettime.pos_buckets", &pos);
	if (n > NA) {
		put("flags.0x8.name: WF_TTWU\nflags.0x8.count: 7\n");
		for (m = 0; m < WO_RM_NR; m++)
			put("flags.0x8.%s.buckets: 3:7\n", wo_metric_names[m]);
	}
}

static int parse(struct wo_summary *s)
{
	char err[128];

	if (wo_summary_parse(text, used, s, err, sizeof(err))) {
		printf("# parse: %s\n", err);
		return -1;
	}
	return 0;
}

/* Nearest-rank value of the interval's samples, as its bucket's bound. */
static uint64_t want_pct(const uint64_t *v, unsigned int pct)
{
	uint64_t tmp[NB];

	memcpy(tmp, v + NA, sizeof(tmp));
	return wakeoff_hist_upper(wakeoff_hist_bucket(wo_pct_u64(tmp, NB, pct)));
}

static int64_t want_spct(unsigned int pct)
{
	int64_t tmp[NB], v;

	memcpy(tmp, off + NA, sizeof(tmp));
	v = wo_pct_s64(tmp, NB, pct);
	if (v < 0)
		return -(int64_t)wakeoff_hist_upper(wakeoff_hist_bucket(-v));
	return (int64_t)wakeoff_hist_upper(wakeoff_hist_bucket(v));
}

static const struct wo_ivclass *find(const struct wo_ivdelta *d,
				     const char *key)
{
	size_t i;

	for (i = 0; i < d->ncls; i++)
		if (!strcmp(d->cls[i].key, key))
			return &d->cls[i];
	return NULL;
}

static void check_classes(const struct wo_ivdelta *d)
{
	static const unsigned int pcts[3] = { 50, 90, 99 };
	int c, m, k, bad = 0;
	char key[64];

	for (c = 0; c < 3; c++) {
		const struct wo_ivclass *x;

		snprintf(key, sizeof(key), "class.%s", cname[c]);
		x = find(d, key);
		if (!x || x->count != NB) {
			bad++;
			continue;
		}
		for (m = 0; m < WO_RM_NR; m++) {
			/* NB samples + the wrapped bucket: 5 - (2^32 - 6). */
			bad += x->h[m].n != NB + (c ? 0 : 11);
			bad += x->h[m].b[WAKEOFF_HIST_BUCKETS - 1] != (c ? 0 : 11);
		}
	}
	CHECK(!bad, "delta: class counts and histogram sizes are B's (wrap included)");
	bad = 0;
	for (c = 0; c < 3; c++) {
		snprintf(key, sizeof(key), "class.%s", cname[c]);
		for (m = 0; m < WO_RM_NR; m++) {
			struct wo_uhist h = find(d, key)->h[m];

			/* Without the wrapped bucket: B alone. */
			h.n -= h.b[WAKEOFF_HIST_BUCKETS - 1];
			h.b[WAKEOFF_HIST_BUCKETS - 1] = 0;
			h.max = ~0ULL;
			for (k = 0; k < 3; k++)
				bad += wo_uhist_pct(&h, pcts[k]) !=
				       want_pct(lat[c][m], pcts[k]);
		}
	}
	CHECK(!bad, "delta: p50/p90/p99 per class and metric are B's order statistics");
	CHECK(find(d, "flags.0x8") && find(d, "flags.0x8")->count == 7 &&
	      find(d, "flags.0x8")->h[0].n == 7,
	      "delta: a flag class new in the interval counts whole");
}

static void test_delta(void)
{
	struct wo_summary s1, s2;
	struct wo_ivdelta d;
	struct wo_ivstat st;
	char err[256];
	int64_t p1, p99;

	write_summary(NA, 1000, 4294967290ULL);
	if (parse(&s1))
		return;
	write_summary(NA + NB, 1900, 5);
	if (parse(&s2))
		return;
	CHECK(!wo_iv_delta(&s1, &s2, &d, err, sizeof(err)), "delta: computed");
	CHECK(!d.reset, "delta: no reset seen");
	CHECK(d.wakeups == 900 && d.closed == 900, "delta: wakeups and closed subtract");
	CHECK(d.dropped == (NA + NB) / 10 - NA / 10, "delta: dropped (full + nested) subtract");
	CHECK(d.untracked == (NA + NB) / 100 - NA / 100, "delta: untracked subtract");
	CHECK(!strcmp(d.series, "monotonic.__x64_sys_clock_gettime"), "delta: headline series");
	check_classes(&d);
	wo_iv_stat(&d, &st);
	CHECK(st.migrated == NB && st.migrated_pct > 99.99 && st.migrated_pct < 100.01,
	      "stat: migrated share over the interval (migrated / all)");
	CHECK(st.have_tk_migrated && st.med_tk_migrated == want_pct(lat[1][WO_RM_TK], 50) &&
	      st.med_tk_local == want_pct(lat[2][WO_RM_TK], 50),
	      "stat: median ttwu->tkread per class over the interval");
	p1 = want_spct(1);
	p99 = want_spct(99);
	CHECK(st.off_have && st.off_p1_p99 == p99 - p1,
	      "stat: offset p99-p1 over the interval from signed bucket deltas");
	printf("# interval p1 %" PRId64 " p99 %" PRId64 "\n", p1, p99);
	CHECK(!st.off_stable, "stat: the interval's 4 ms spread is not constant");
	wo_iv_free(&d);

	/* The first reading alone: 2 us spread, constant. */
	CHECK(!wo_iv_delta(NULL, &s1, &d, err, sizeof(err)) && d.wakeups == 1000,
	      "delta from nothing: the totals");
	wo_iv_stat(&d, &st);
	CHECK(st.off_have && st.off_stable, "delta from nothing: 2 us offset spread is constant");
	wo_iv_free(&d);

	/* A reset between readings: the later reading is the interval. */
	CHECK(!wo_iv_delta(&s2, &s1, &d, err, sizeof(err)) && d.reset &&
	      d.wakeups == 1000 && find(&d, "class.all")->count == NA,
	      "delta: counters going back mean a reset; the new reading whole");
	wo_iv_free(&d);
	wo_summary_free(&s1);
	wo_summary_free(&s2);
}

static void test_buckets_parse(void)
{
	struct wo_uhist h;
	struct wo_summary s;
	struct wo_ivdelta d;
	char err[256];

	CHECK(!wo_iv_buckets("none", &h) && h.n == 0, "buckets: none");
	CHECK(!wo_iv_buckets("3:2 17:5", &h) && h.n == 7 && h.b[17] == 5,
	      "buckets: index:count pairs");
	CHECK(wo_iv_buckets("3:", &h) && wo_iv_buckets("x", &h) &&
	      wo_iv_buckets("99999:1", &h) && wo_iv_buckets("1:2x", &h) &&
	      wo_iv_buckets("1:4294967296", &h) && wo_iv_buckets(NULL, &h),
	      "buckets: malformed values refused");
	used = 0;
	put("wakeups: 3\nclass.all.count: 3\n");
	CHECK(!parse(&s) && wo_iv_delta(NULL, &s, &d, err, sizeof(err)) &&
	      strstr(err, "class.all"),
	      "a summary without bucket lines (older module) is an error");
	printf("# %s\n", err);
	wo_summary_free(&s);
}

static void test_json_line(void)
{
	struct wo_summary s1, s2;
	struct wo_ivdelta d;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	write_summary(NA, 1000, 0);
	if (parse(&s1))
		return;
	write_summary(NA + NB, 1900, 0);
	if (parse(&s2))
		return;
	f = open_memstream(&buf, &len);
	if (!f || wo_iv_delta(&s1, &s2, &d, err, sizeof(err))) {
		CHECK(0, "json: setup");
		return;
	}
	wo_iv_print_json(f, "01:02:03", 1.0, false, &d);
	fclose(f);
	CHECK(len > 0 && buf[len - 1] == '\n' && !memchr(buf, '\n', len - 1),
	      "json: one line per interval");
	buf[len - 1] = '\0';
	CHECK(!json_check(buf), "json: the line is one valid JSON value");
	CHECK(strstr(buf, "\"wakeups\":900,") != NULL, "json: the wakeups delta");
	wo_iv_free(&d);
	free(buf);
	wo_summary_free(&s1);
	wo_summary_free(&s2);
}

int main(void)
{
	make_samples();
	test_delta();
	test_buckets_parse();
	test_json_line();
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
