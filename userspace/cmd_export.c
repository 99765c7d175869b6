// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff export: --perfetto OUT.json FILE (Chrome trace-event JSON of a
 * record file) or --prometheus-textfile FILE -i SECONDS (the live summary
 * for node_exporter's textfile collector, rewritten every SECONDS).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "export.h"
#include "export_prom.h"
#include "modfs.h"
#include "summary.h"

static void export_usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff export --perfetto OUT.json FILE\n"
		"\n"
		"Write FILE (from \"wakeoff record\") as Chrome trace-event JSON, which\n"
		"ui.perfetto.dev and chrome://tracing open: a track per CPU with what ran\n"
		"(a traced wakee from its switch-in to the earliest of the next known\n"
		"switch-in on that CPU, its first timekeeping read, or 10 ms) and the\n"
		"waker's \"wake\" slices, flow arrows waker -> wakee, instants at the\n"
		"first timekeeping read, \"rq_len cpuN\" runqueue-length counters, and\n"
		"async runqueue-wait slices (wakeup -> switch-in).  OUT.json \"-\" is stdout.\n"
		"\n"
		"  --perfetto OUT.json   the output file (required; also -o, --output)\n"
		"  -h, --help            this text\n");
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "perfetto", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'p' },	/* the same */
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outp = NULL;
	struct wo_trace t;
	char err[512];
	FILE *out;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
		case 'p':
			outp = optarg;
			break;
		case 'h':
			export_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "wakeoff export: option %s needs an argument (see --help)\n",
				argv[optind - 1]);
			return 1;
		default:
			fprintf(stderr, "wakeoff export: unknown option %s (see --help)\n",
				argv[optind - 1]);
			return 1;
		}
	}
	if (!outp) {
		fprintf(stderr, "wakeoff export: --perfetto OUT.json is required (see --help)\n");
		return 1;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "wakeoff export: expected one record FILE, got %d (see --help)\n",
			argc - optind);
		return 1;
	}
	if (wo_trace_load(argv[optind], &t, err, sizeof(err))) {
		fprintf(stderr, "wakeoff export: %s\n", err);
		return 1;
	}
	out = strcmp(outp, "-") ? fopen(outp, "w") : stdout;
	if (!out) {
		fprintf(stderr, "wakeoff export: %s: %s\n", outp, strerror(errno));
		wo_trace_free(&t);
		return 1;
	}
	rc = wo_export_perfetto(&t, out);
	if (out != stdout ? fclose(out) : fflush(out))
		rc = -1;
	if (rc)
		fprintf(stderr, "wakeoff export: writing %s failed: %s\n", outp, strerror(errno));
	wo_trace_free(&t);
	return rc ? 1 : 0;
}

static void prom_usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff export --prometheus-textfile FILE -i SECONDS [--count N]\n"
		"\n"
		"Every SECONDS, the live module's summary as Prometheus text exposition\n"
		"(the metrics of report --prometheus, wakeoff_wakeups_total and\n"
		"wakeoff_up) into FILE, atomically: FILE.tmp in the same directory,\n"
		"fsync, rename.  Point FILE at node_exporter's textfile directory, e.g.\n"
		"/var/lib/prometheus/node-exporter/wakeoff.prom.  When the summary\n"
		"cannot be read (module not loaded), FILE says wakeoff_up 0.\n"
		"  -i, --interval SECONDS   seconds between writes (1..86400)\n"
		"  -n, --count N            stop after N writes (default: run until killed);\n"
		"                           exit status 1 if the last one had no summary\n");
}

/* One write from the live summary; *@up says whether it was read. */
static int prom_once(const char *path, int *up)
{
	struct wo_summary s;
	struct wo_report r;
	char err[512];
	int rc;

	*up = 0;
	if (!wo_mod_summary(&s)) {
		if (!wo_report_from_summary(&s, &r, err, sizeof(err)))
			*up = 1;
		else
			fprintf(stderr, "wakeoff export: %s\n", err);
		wo_summary_free(&s);
	}
	rc = wo_prom_write_file(path, *up ? &r : NULL, err, sizeof(err));
	if (rc)
		fprintf(stderr, "wakeoff export: %s\n", err);
	if (*up)
		wo_report_free(&r);
	return rc;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || !*s || *end || *s == '-' || *v < 1 || *v > max ? -1 : 0;
}

/* The write loop, at fixed CLOCK_MONOTONIC deadlines (no drift). */
static int prom_loop(const char *path, unsigned long interval,
		     unsigned long count)
{
	struct timespec next;
	unsigned long n;
	int up = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (n = 0; !count || n < count; n++) {
		if (n) {
			next.tv_sec += (time_t)interval;
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
				;
		}
		if (prom_once(path, &up))
			return 1;
	}
	return up ? 0 : 1;
}

int cmd_export_prom(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prometheus-textfile", required_argument, NULL, 'P' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long interval = 0, count = 0;
	const char *path = NULL;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":i:n:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'P':
			path = optarg;
			break;
		case 'i':
			if (parse_ulong(optarg, 86400, &interval)) {
				fprintf(stderr, "wakeoff export: bad -i '%s' (1..86400 seconds)\n", optarg);
				return 2;
			}
			break;
		case 'n':
			if (parse_ulong(optarg, ULONG_MAX, &count)) {
				fprintf(stderr, "wakeoff export: bad --count '%s' (a positive number)\n", optarg);
				return 2;
			}
			break;
		case 'h':
			prom_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "wakeoff export: bad option %s (see --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (!path || !*path || !interval || optind != argc) {
		prom_usage(stderr);
		return 2;
	}
	return prom_loop(path, interval, count);
}

/* "export": --prometheus-textfile goes here, the rest to --perfetto. */
int cmd_export_any(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--prometheus-textfile", 21))
			return cmd_export_prom(argc, argv);
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			int rc = cmd_export(argc, argv);

			putchar('\n');
			prom_usage(stdout);
			return rc;
		}
	}
	return cmd_export(argc, argv);
}
