// SPDX-License-Identifier: GPL-2.0
/*
 * The wake path table of "wakeoff report": per path, the wakeups and
 * the sched_waking -> switch-in percentiles; then the wakeups moved
 * between sched_wakeup and their first run, and how long they waited.
 * From records, with the module's own histogram (hist.c), so the file
 * and the live summary give the same figures for the same wakeups.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "report_wakepath.h"
#include "../../module/uapi/wakeoff_keys.h"

const char *const wo_wake_path_names[WAKEOFF_PATH_NR] =
	WAKEOFF_WAKE_PATH_NAMES;
_Static_assert(sizeof((const char *const[])WAKEOFF_WAKE_PATH_NAMES) ==
	       WAKEOFF_PATH_NR * sizeof(char *), "a name per wake path");

void wo_wakepath_from_trace(const struct wo_trace *t,
			    struct wo_wakepath_tab *w)
{
	struct wo_uhist *h = calloc(WAKEOFF_PATH_NR + 1, sizeof(*h));
	const struct wakeoff_wakeup *r;
	size_t i;
	int p;

	memset(w, 0, sizeof(*w));
	if (!h)
		return;
	for (i = 0; i < t->nwk; i++) {
		r = &t->wk[i];
		/* Older records (ABI < 1.5) have no path: "none". */
		p = r->wake_path < WAKEOFF_PATH_NR ? r->wake_path : 0;
		if (r->valid & WAKEOFF_V_WAKE_PATH)
			w->have = true;
		w->count[p]++;
		if ((r->valid & WAKEOFF_V_SWITCH) && r->ts_switch >= r->ts_waking)
			wo_uhist_add(&h[p], r->ts_switch - r->ts_waking);
		if (r->valid & WAKEOFF_V_PREMIGRATE)
			wo_uhist_add(&h[WAKEOFF_PATH_NR],
				     r->ts_premigrate >= r->ts_wakeup ?
				     r->ts_premigrate - r->ts_wakeup : 0);
	}
	for (p = 0; p < WAKEOFF_PATH_NR; p++)
		wo_pcts_from_hist(&w->lat[p], &h[p]);
	wo_pcts_from_hist(&w->premig, &h[WAKEOFF_PATH_NR]);
	w->premig_n = w->premig.count;
	free(h);
}

static void pcts_get(const struct wo_summary *s, const char *prefix,
		     struct wo_pcts *p)
{
	char key[96];

	snprintf(key, sizeof(key), "%s.count", prefix);
	wo_summary_get_u64(s, key, &p->count);
	snprintf(key, sizeof(key), "%s.p50", prefix);
	wo_summary_get_u64(s, key, &p->p50);
	snprintf(key, sizeof(key), "%s.p90", prefix);
	wo_summary_get_u64(s, key, &p->p90);
	snprintf(key, sizeof(key), "%s.p99", prefix);
	wo_summary_get_u64(s, key, &p->p99);
	snprintf(key, sizeof(key), "%s.max", prefix);
	wo_summary_get_u64(s, key, &p->max);
}

void wo_wakepath_from_summary(const struct wo_summary *s,
			      struct wo_wakepath_tab *w)
{
	char key[96];
	int p;

	memset(w, 0, sizeof(*w));
	/* A module before record ABI 1.5 prints none of these keys. */
	if (!wo_summary_get(s, WAKEOFF_KEY_WAKEPATH_NO_IPI_TP))
		return;
	w->have = true;
	for (p = 0; p < WAKEOFF_PATH_NR; p++) {
		snprintf(key, sizeof(key), WAKEOFF_WAKEPATH "%s.count",
			 wo_wake_path_names[p]);
		wo_summary_get_u64(s, key, &w->count[p]);
		snprintf(key, sizeof(key),
			 WAKEOFF_WAKEPATH "%s.waking_to_switch_ns",
			 wo_wake_path_names[p]);
		pcts_get(s, key, &w->lat[p]);
	}
	wo_summary_get_u64(s, WAKEOFF_KEY_PREMIGRATE_COUNT, &w->premig_n);
	pcts_get(s, WAKEOFF_PREMIGRATE_WAIT, &w->premig);
}

static void print_pcts(const struct wo_pcts *p, FILE *out)
{
	char a[32], b[32], c[32], d[32];

	/* Counted but never switched in (or moved): no latency to show. */
	if (!p->count) {
		fprintf(out, " %10s %10s %10s %10s\n", "-", "-", "-", "-");
		return;
	}
	wo_fmt_ns(a, sizeof(a), p->p50);
	wo_fmt_ns(b, sizeof(b), p->p90);
	wo_fmt_ns(c, sizeof(c), p->p99);
	wo_fmt_ns(d, sizeof(d), p->max);
	fprintf(out, " %10s %10s %10s %10s\n", a, b, c, d);
}

void wo_wakepath_print(const struct wo_wakepath_tab *w, FILE *out)
{
	uint64_t all = 0;
	int p;

	if (!w->have)
		return;
	for (p = 0; p < WAKEOFF_PATH_NR; p++)
		all += w->count[p];
	fprintf(out, "\nwake path (README \"How the wake path is decided\"), sched_waking -> switch-in:\n");
	fprintf(out, "  %-13s %10s %7s %10s %10s %10s %10s\n", "path",
		"wakeups", "%", "p50", "p90", "p99", "max");
	for (p = 0; p < WAKEOFF_PATH_NR; p++) {
		if (!w->count[p])
			continue;
		fprintf(out, "  %-13s %10" PRIu64 " %6.2f%%", wo_wake_path_names[p],
			w->count[p], all ? 100.0 * w->count[p] / all : 0.0);
		print_pcts(&w->lat[p], out);
	}
	fprintf(out, "  migrated after sched_wakeup, before running: %" PRIu64
		" wakeups", w->premig_n);
	if (!w->premig_n) {
		fputc('\n', out);
		return;
	}
	fputs("; wait p50/p90/p99/max:", out);
	print_pcts(&w->premig, out);
}
