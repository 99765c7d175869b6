// SPDX-License-Identifier: GPL-2.0
/* wakeoff compare FILE...: the experiment's numbers side by side. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmds.h"
#include "compare.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff compare [--csv | -j] FILE...\n"
		"\n"
		"One row per record file: file, kernel, CPUs, clocksource, wakeups\n"
		"closed, and the idle-vs-load experiment's three numbers (WF_MIGRATED\n"
		"share, median ttwu->first timekeeping read migrated/local, the clock\n"
		"offset series with its median and whether it is stable), computed as\n"
		"\"wakeoff report FILE\" computes them.  Each file decodes its wake\n"
		"flags with its own table, so files from different kernels compare.\n"
		"      --csv    one header line, one line per file\n"
		"  -j, --json   {\"files\": [...]}\n");
}

/* Options; returns the format, or -1 after printing usage (exit @*rc). */
static int parse_opts(int argc, char **argv, int *rc)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, fmt = WO_FMT_TEXT, nfmt = 0;

	optind = 1;
	*rc = 2;
	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			*rc = 0;
			return -1;
		case 'c':
		case 'j':
			fmt = opt == 'c' ? WO_FMT_CSV : WO_FMT_JSON;
			nfmt++;
			break;
		default:	/* getopt said which option */
			fprintf(stderr, "wakeoff compare: see --help\n");
			return -1;
		}
	}
	if (nfmt > 1) {
		fprintf(stderr, "wakeoff compare: --csv and --json exclude each other: pick one\n");
		return -1;
	}
	if (optind >= argc) {
		fprintf(stderr, "wakeoff compare: no record FILE given (files of \"wakeoff record -o FILE\")\n");
		return -1;
	}
	return fmt;
}

int cmd_compare(int argc, char **argv)
{
	struct wo_cmp_row *rows;
	char err[512];
	size_t n;
	int fmt, rc = 1;

	fmt = parse_opts(argc, argv, &rc);
	if (fmt < 0)
		return rc;
	n = (size_t)(argc - optind);
	rows = calloc(n, sizeof(*rows));
	if (!rows) {
		fprintf(stderr, "wakeoff compare: out of memory\n");
		return 1;
	}
	if (wo_compare_load(argv + optind, n, rows, err, sizeof(err))) {
		fprintf(stderr, "wakeoff compare: %s\n", err);
		free(rows);
		return 1;
	}
	wo_compare_print(rows, n, (enum wo_rformat)fmt, stdout);
	wo_compare_free(rows, n);
	free(rows);
	return fflush(stdout) ? 1 : 0;
}
