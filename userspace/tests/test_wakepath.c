// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the wake path table of "wakeoff report": counts and
 * nearest-rank percentiles per path from records with known latencies,
 * records older than ABI 1.5 counted as "none", the pre-migration wait,
 * and the same table printed from a record file and from the summary
 * keys the module prints for the same wakeups.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "report_wakepath.h"

#define NREC	16

/* A closed wakeup on @path, switched in @lat ns after sched_waking. */
static struct wakeoff_wakeup wk(unsigned int i, uint8_t path, uint64_t lat)
{
	struct wakeoff_wakeup w = fx_wakeup(i, 0, "wp", 100);

	w.ts_waking = 1000000 * (i + 1);
	w.ts_wakeup = w.ts_waking + 1;
	w.ts_switch = w.ts_waking + lat;
	w.valid = WAKEOFF_V_SWITCH | WAKEOFF_V_WAKE_PATH;
	w.wake_path = path;
	return w;
}

/* local 1..10 ns, wakelist_ipi 2,4,6,8 ns, one remote never switched in,
 * one 1.4 record (no path), two moved 3 and 7 ns after sched_wakeup. */
static void fill(struct wakeoff_wakeup *r)
{
	unsigned int i, n = 0;

	for (i = 1; i <= 10; i++, n++)
		r[n] = wk(n, WAKEOFF_PATH_LOCAL, i);
	for (i = 1; i <= 4; i++, n++)
		r[n] = wk(n, WAKEOFF_PATH_WAKELIST, 2 * i);
	r[n] = wk(n, WAKEOFF_PATH_REMOTE, 0);
	r[n].valid &= ~WAKEOFF_V_SWITCH;
	n++;
	r[n] = wk(n, 0, 0);
	r[n].valid = 0;
	r[0].valid |= WAKEOFF_V_PREMIGRATE;
	r[0].ts_premigrate = r[0].ts_wakeup + 3;
	r[1].valid |= WAKEOFF_V_PREMIGRATE;
	r[1].ts_premigrate = r[1].ts_wakeup + 7;
}

/* What the module prints for the same wakeups. */
static const char summary[] =
	"wakepath.idle_poll_tracepoint: attached\n"
	"wakepath.none.count: 1\n"
	"wakepath.local.count: 10\n"
	"wakepath.local.waking_to_switch_ns.count: 10\n"
	"wakepath.local.waking_to_switch_ns.p50: 5\n"
	"wakepath.local.waking_to_switch_ns.p90: 9\n"
	"wakepath.local.waking_to_switch_ns.p99: 10\n"
	"wakepath.local.waking_to_switch_ns.max: 10\n"
	"wakepath.remote.count: 1\n"
	"wakepath.wakelist_ipi.count: 4\n"
	"wakepath.wakelist_ipi.waking_to_switch_ns.count: 4\n"
	"wakepath.wakelist_ipi.waking_to_switch_ns.p50: 4\n"
	"wakepath.wakelist_ipi.waking_to_switch_ns.p90: 8\n"
	"wakepath.wakelist_ipi.waking_to_switch_ns.p99: 8\n"
	"wakepath.wakelist_ipi.waking_to_switch_ns.max: 8\n"
	"wakepath.idle_poll.count: 0\n"
	"wakepath.runnable.count: 0\n"
	"wakepath.other.count: 0\n"
	"premigrate.count: 2\n"
	"premigrate.wakeup_to_migrate_ns.count: 2\n"
	"premigrate.wakeup_to_migrate_ns.p50: 3\n"
	"premigrate.wakeup_to_migrate_ns.p90: 7\n"
	"premigrate.wakeup_to_migrate_ns.p99: 7\n"
	"premigrate.wakeup_to_migrate_ns.max: 7\n";

static char *printed(const struct wo_wakepath_tab *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	wo_wakepath_print(w, f);
	fclose(f);
	return buf;
}

static void test_from_records(struct wo_wakepath_tab *w)
{
	const struct wo_pcts *l = &w->lat[WAKEOFF_PATH_LOCAL];
	const struct wo_pcts *q = &w->lat[WAKEOFF_PATH_WAKELIST];
	uint64_t sum = 0;
	int p;

	for (p = 0; p < WAKEOFF_PATH_NR; p++)
		sum += w->count[p];
	TAP_OK(w->have, "records of ABI 1.5 know their path");
	TAP_OK(sum == NREC, "the paths add up to every record (%llu)",
	       (unsigned long long)sum);
	TAP_OK(w->count[WAKEOFF_PATH_LOCAL] == 10 &&
	       w->count[WAKEOFF_PATH_WAKELIST] == 4 &&
	       w->count[WAKEOFF_PATH_REMOTE] == 1 && w->count[0] == 1,
	       "counts per path; a 1.4 record is \"none\"");
	TAP_OK(l->count == 10 && l->p50 == 5 && l->p90 == 9 && l->p99 == 10 &&
	       l->max == 10, "local: nearest rank of 1..10 ns (%llu %llu %llu)",
	       (unsigned long long)l->p50, (unsigned long long)l->p90,
	       (unsigned long long)l->p99);
	TAP_OK(q->count == 4 && q->p50 == 4 && q->p90 == 8 && q->max == 8,
	       "wakelist_ipi: nearest rank of 2,4,6,8 ns");
	TAP_OK(w->lat[WAKEOFF_PATH_REMOTE].count == 0,
	       "a wakeup never switched in has no latency");
	TAP_OK(w->premig_n == 2 && w->premig.p50 == 3 && w->premig.max == 7,
	       "pre-migration wait: 2 moves, 3 and 7 ns");
}

int main(void)
{
	struct wakeoff_wakeup r[NREC];
	struct wo_wakepath_tab a, b;
	struct wo_summary s;
	struct wo_trace t;
	char *pa, *pb;

	printf("TAP version 13\n");
	fill(r);
	memset(&t, 0, sizeof(t));
	t.wk = r;
	t.nwk = NREC;
	wo_wakepath_from_trace(&t, &a);
	test_from_records(&a);

	TAP_OK(!wo_summary_parse(summary, strlen(summary), &s, NULL, 0),
	       "the module's keys parse");
	wo_wakepath_from_summary(&s, &b);
	pa = printed(&a);
	pb = printed(&b);
	TAP_OK(pa && pb && !strcmp(pa, pb),
	       "file and summary print the same table");
	printf("%s", pa ? pa : "");
	TAP_OK(pa && strstr(pa, "wakelist_ipi") && !strstr(pa, "idle_poll"),
	       "paths without wakeups are left out");
	TAP_OK(pa && strstr(pa, "remote                 1   6.25%          -"),
	       "a path whose wakeups never ran shows no latency");
	free(pa);
	free(pb);
	wo_summary_free(&s);

	r[0].valid &= ~WAKEOFF_V_PREMIGRATE;
	r[1].valid &= ~WAKEOFF_V_PREMIGRATE;
	wo_wakepath_from_trace(&t, &a);
	pa = printed(&a);
	TAP_OK(pa && strstr(pa, "before running: 0 wakeups\n"),
	       "no move: no percentiles of nothing");
	free(pa);
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
