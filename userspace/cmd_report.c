// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff report [FILE]: the idle-vs-load analysis of a record file, or of the
 * live module's summary when no FILE is given.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "modfs.h"
#include "report.h"
#include "report_wakepath.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff report [--csv | -j | --prometheus] [--top N] [FILE]\n"
		"       wakeoff report -i SECONDS [-j] [COUNT]\n"
		"\n"
		"Per class (all, migrated, local, each wake_flags combination, each run)\n"
		"count and p50/p90/p99/max of waking->wakeup, wakeup->switch-in and\n"
		"ttwu->first timekeeping read; the clock offset; runs; a per-task table\n"
		"like perf sched latency (records only); prev->target CPU matrix; waker\n"
		"stack clusters.  Without FILE, the live module's summary is used.\n"
		"  --csv          one tidy table: section,name,field,value\n"
		"  -j, --json     one JSON object\n"
		"  --prometheus   Prometheus text exposition (node_exporter textfile)\n"
		"  --top N        rows of the task and stack tables in text (default 20, 0: all)\n"
		"  -i, --interval SECONDS\n"
		"                 live: every SECONDS the headline and class table of that\n"
		"                 interval only (deltas), COUNT times or until Ctrl-C, which\n"
		"                 prints the total since the start; --json: one object a line\n");
}

/* -i: live only, text or JSON; the one operand is COUNT. */
static int report_interval(double secs, enum wo_rformat fmt, const char *cnt)
{
	unsigned long count = 0;
	char *end;

	if (fmt != WO_FMT_TEXT && fmt != WO_FMT_JSON) {
		fprintf(stderr, "wakeoff report: -i prints text or --json only\n");
		return 2;
	}
	if (cnt) {
		count = strtoul(cnt, &end, 10);
		if (*end || !*cnt || !count) {
			fprintf(stderr, "wakeoff report: with -i, the operand is COUNT (a number of intervals > 0), not '%s': intervals read the live module only\n",
				cnt);
			return 2;
		}
	}
	return wo_report_interval(secs, count, fmt == WO_FMT_JSON);
}

/* The report of a record file; 0 or -1 (said on stderr). */
static int report_file(const char *path, struct wo_report *r,
		       struct wo_wakepath_tab *wp)
{
	struct wo_trace t;
	char err[512];

	if (wo_trace_load(path, &t, err, sizeof(err))) {
		fprintf(stderr, "wakeoff report: %s\n", err);
		return -1;
	}
	if (wo_report_from_trace(&t, r, err, sizeof(err))) {
		fprintf(stderr, "wakeoff report: %s\n", err);
		wo_trace_free(&t);
		return -1;
	}
	wo_wakepath_from_trace(&t, wp);
	if (t.unknown_records || t.unknown_chunks)
		fprintf(stderr, "wakeoff report: skipped %llu records and %llu chunks of unknown types (newer writer)\n",
			(unsigned long long)t.unknown_records,
			(unsigned long long)t.unknown_chunks);
	wo_trace_free(&t);
	return 0;
}

/* The report of the live module's summary; 0 or -1. */
static int report_live(struct wo_report *r, struct wo_wakepath_tab *wp)
{
	struct wo_summary s;
	char err[512];

	if (wo_mod_summary(&s))
		return -1;
	if (wo_report_from_summary(&s, r, err, sizeof(err))) {
		fprintf(stderr, "wakeoff report: %s\n", err);
		wo_summary_free(&s);
		return -1;
	}
	wo_wakepath_from_summary(&s, wp);
	wo_summary_free(&s);
	return 0;
}

struct rep_opts {
	enum wo_rformat fmt;
	int nfmt;
	unsigned long top;
	double interval;
};

/* -1: go on; else the exit status. */
static int rep_opts(struct rep_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "top", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hi:j", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': o->fmt = WO_FMT_CSV; o->nfmt++; break;
		case 'j': o->fmt = WO_FMT_JSON; o->nfmt++; break;
		case 'p': o->fmt = WO_FMT_PROM; o->nfmt++; break;
		case 't':
			o->top = strtoul(optarg, &end, 10);
			if (*end || !*optarg || o->top > 1000000) {
				fprintf(stderr, "wakeoff report: bad --top '%s'\n", optarg);
				return 2;
			}
			break;
		case 'i':
			o->interval = strtod(optarg, &end);
			if (*end || !*optarg || !(o->interval >= 0.01 && o->interval <= 86400)) {
				fprintf(stderr, "wakeoff report: bad interval '%s' (seconds, 0.01 to 86400)\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (o->nfmt > 1 || argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int cmd_report(int argc, char **argv)
{
	struct rep_opts o = { .fmt = WO_FMT_TEXT, .top = 20 };
	struct wo_wakepath_tab wp;
	struct wo_report r;
	int rc;

	rc = rep_opts(&o, argc, argv);
	if (rc >= 0)
		return rc;
	if (o.interval > 0)
		return report_interval(o.interval, o.fmt, argc > optind ? argv[optind] : NULL);
	if (optind < argc ? report_file(argv[optind], &r, &wp) :
			    report_live(&r, &wp))
		return 1;
	wo_report_print(&r, o.fmt, (unsigned int)o.top, stdout);
	if (o.fmt == WO_FMT_TEXT)
		wo_wakepath_print(&wp, stdout);
	wo_report_free(&r);
	return fflush(stdout) ? 1 : 0;
}
