// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff timehist FILE: one line per wakeup in time order, in the
 * manner of "perf sched timehist -w -M", with the correlation columns.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "report.h"
#include "wofile.h"

static const char *const outcome_names[WAKEOFF_OUT_NR] = {
	"tkread", "slept", "exited", "timeout", "rewoken", "flushed",
	"replaced",
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff timehist [-p PID] [-c NAME] [-r ID] [-m] [--csv] FILE\n"
		"\n"
		"One line per wakeup, in sched_waking order: time (s), waker CPU, wakee\n"
		"and waker, prev->target CPU and the CPU it ran on, the final wake\n"
		"flags, waking->wakeup, wakeup->switch-in, ttwu->first timekeeping read\n"
		"(microseconds), the timekeeping function, its offset from local_clock()\n"
		"(ns), and how the correlation closed.  '-' marks a value not measured.\n"
		"\n"
		"  -p, --pid PID       only wakeups of thread PID\n"
		"  -c, --comm NAME     only wakeups of tasks named NAME\n"
		"  -r, --run ID        only wakeups of run ID\n"
		"  -m, --migrated      only WF_MIGRATED wakeups\n"
		"      --csv           comma-separated values\n"
		"  -h, --help          this text\n");
}

/* comm bytes are arbitrary: show what a terminal can print. */
static void clean_comm(char *dst, const char *src)
{
	int i;

	for (i = 0; i < WAKEOFF_COMM_LEN - 1 && src[i]; i++)
		dst[i] = src[i] > 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = '\0';
}

static void us(char *buf, size_t len, bool have, uint64_t from, uint64_t to)
{
	if (!have)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f", to < from ? 0.0 : (to - from) / 1e3);
}

static int parse_num(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno || *end || !*s ? -1 : 0;
}

/* The options: which wakeups, and how. */
struct th {
	long long pid, run;
	const char *comm;
	bool mig_only, csv;
};

/* -1: go on; else the exit status. */
static int th_opts(struct th *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "run", required_argument, NULL, 'r' },
		{ "migrated", no_argument, NULL, 'm' },
		{ "csv", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "p:c:r:mh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_num(optarg, &o->pid) || o->pid < 0) {
				fprintf(stderr, "wakeoff timehist: bad pid '%s'\n", optarg);
				return 2;
			}
			break;
		case 'r':
			if (parse_num(optarg, &o->run) || o->run < 0) {
				fprintf(stderr, "wakeoff timehist: bad run id '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c': o->comm = optarg; break;
		case 'm': o->mig_only = true; break;
		case 'C': o->csv = true; break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* The columns both outputs share, as text ("-": not measured). */
struct th_cols {
	char fl[160], a[32], b[32], c[32], off[24], nr[16];
	const char *fn, *outcome;
	bool have_tk;
};

static void th_cols(const struct wo_trace *t, const struct wakeoff_wakeup *w,
		    struct th_cols *k)
{
	k->have_tk = w->valid & WAKEOFF_V_TKREAD;
	k->fn = "-";
	wo_trace_flags_str(t, w->final_flags, k->fl, sizeof(k->fl));
	us(k->a, sizeof(k->a), w->valid & WAKEOFF_V_WAKEUP, w->ts_waking, w->ts_wakeup);
	us(k->b, sizeof(k->b), (w->valid & (WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH)) ==
			       (WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH),
	   w->ts_wakeup, w->ts_switch);
	us(k->c, sizeof(k->c), k->have_tk, w->ts_waking, w->ts_tkread);
	if (k->have_tk) {
		k->fn = wo_trace_tk_name(t, w->tk_func);
		if (!k->fn)
			k->fn = "?";
		snprintf(k->off, sizeof(k->off), "%" PRId64, (int64_t)w->tk_offset);
	} else {
		snprintf(k->off, sizeof(k->off), "-");
	}
	if (w->valid & WAKEOFF_V_NR_RUNNING)
		snprintf(k->nr, sizeof(k->nr), "%u", w->rq_nr_running);
	else
		snprintf(k->nr, sizeof(k->nr), "-");
	k->outcome = w->outcome < WAKEOFF_OUT_NR ? outcome_names[w->outcome] : "?";
}

static void th_csv(const struct wakeoff_wakeup *w, const struct th_cols *k)
{
	printf("%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%d,", (uint64_t)w->ts_waking,
	       (uint64_t)w->wake_id, (uint64_t)w->run_id, w->waker_cpu, w->pid);
	wo_csv_str(stdout, w->comm);
	printf(",%d,", w->waker_pid);
	wo_csv_str(stdout, w->waker_comm);
	printf(",%u,%u,", w->prev_cpu, w->target_cpu);
	if (w->valid & WAKEOFF_V_SWITCH)
		printf("%u", w->run_cpu);
	printf(",%s,%s,%s,%s,%s,%s,%s,", k->fl, *k->a == '-' ? "" : k->a,
	       *k->b == '-' ? "" : k->b, *k->c == '-' ? "" : k->c,
	       k->have_tk ? k->fn : "",
	       k->have_tk ? wo_tk_clock_str(w) : "",
	       k->have_tk ? wo_tk_source_str(w) : "");
	if (k->have_tk)
		printf("%" PRIu64, (uint64_t)w->tk_value);
	printf(",%s,%s,%s\n", k->have_tk ? k->off : "", *k->nr == '-' ? "" : k->nr,
	       k->outcome);
}

static void th_text(const struct wakeoff_wakeup *w, const struct th_cols *k)
{
	char c1[WAKEOFF_COMM_LEN], c2[WAKEOFF_COMM_LEN];
	char who[48], waker[48], cpus[24], ran[8], clk[48];

	clean_comm(c1, w->comm);
	clean_comm(c2, w->waker_comm);
	snprintf(who, sizeof(who), "%s[%d]", c1, w->pid);
	snprintf(waker, sizeof(waker), "%s[%d]", c2, w->waker_pid);
	snprintf(cpus, sizeof(cpus), "%u>%u", w->prev_cpu, w->target_cpu);
	if (w->valid & WAKEOFF_V_SWITCH)
		snprintf(ran, sizeof(ran), "%u", w->run_cpu);
	else
		snprintf(ran, sizeof(ran), "-");
	if (k->have_tk)
		snprintf(clk, sizeof(clk), "%s/%s", wo_tk_clock_str(w),
			 wo_tk_source_str(w));
	else
		snprintf(clk, sizeof(clk), "-");
	printf("%15.6f [%03u]  %-22s %-22s %-9s %-3s %-26s %10s %10s %10s  %-24s %-24s %14s  %s\n",
	       w->ts_waking / 1e9, w->waker_cpu, who, waker, cpus, ran, k->fl,
	       k->a, k->b, k->c, k->fn, clk, k->off, k->outcome);
}

int cmd_timehist(int argc, char **argv)
{
	struct th o = { .pid = -1, .run = -1 };
	struct wo_trace t;
	uint32_t wf_mig;
	char err[512];
	size_t i, shown = 0;
	int rc;

	rc = th_opts(&o, argc, argv);
	if (rc >= 0)
		return rc;
	if (wo_trace_load(argv[optind], &t, err, sizeof(err))) {
		fprintf(stderr, "wakeoff timehist: %s\n", err);
		return 1;
	}
	wf_mig = wo_trace_flag(&t, "WF_MIGRATED");
	if (o.csv)
		puts("time_ns,wake_id,run_id,waker_cpu,pid,comm,waker_pid,waker_comm,prev_cpu,target_cpu,run_cpu,flags,waking_to_wakeup_ns,wakeup_to_switch_ns,ttwu_to_tkread_ns,tk_function,tk_clock,tk_source,tk_value_ns,tk_offset_ns,rq_nr_running,outcome");
	else
		printf("%15s %5s  %-22s %-22s %-9s %-3s %-26s %10s %10s %10s  %-24s %-24s %14s  %s\n",
		       "time", "cpu", "wakee[pid]", "waker[pid]", "prev>tgt", "ran",
		       "wake flags", "wake>wkup", "wkup>sw", "ttwu>tk", "first clock read",
		       "clock/source", "offset ns", "outcome");
	for (i = 0; i < t.nwk; i++) {
		const struct wakeoff_wakeup *w = &t.wk[i];
		struct th_cols k;

		if ((o.pid >= 0 && w->pid != o.pid) ||
		    (o.run >= 0 && w->run_id != (uint64_t)o.run) ||
		    (o.comm && strncmp(w->comm, o.comm, WAKEOFF_COMM_LEN)) ||
		    (o.mig_only && !(w->final_flags & wf_mig)))
			continue;
		shown++;
		th_cols(&t, w, &k);
		if (o.csv)
			th_csv(w, &k);
		else
			th_text(w, &k);
	}
	if (!o.csv)
		fprintf(stderr, "wakeoff timehist: %zu of %zu wakeups shown\n", shown, t.nwk);
	wo_trace_free(&t);
	return fflush(stdout) ? 1 : 0;
}
