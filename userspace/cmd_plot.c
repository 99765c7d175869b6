// SPDX-License-Identifier: GPL-2.0
/* wakeoff plot FILE -o report.html: one self-contained HTML page. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "export.h"

static void plot_usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff plot FILE -o report.html [--title TEXT]\n"
		"\n"
		"Write one self-contained HTML page (inline SVG and CSS, no script, no\n"
		"network) from FILE (from \"wakeoff record\"): the per-CPU timeline\n"
		"coloured by runqueue length, latency histograms of the three deltas\n"
		"(migrated vs local, and per run label), and the clock offset over time\n"
		"per timekeeping function.  -o - writes to stdout.\n"
		"\n"
		"  -o, --output FILE   the page (required)\n"
		"  -t, --title TEXT    heading (default \"wakeoff: FILE\")\n"
		"  -h, --help          this text\n");
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outp = NULL, *title = NULL;
	struct wo_trace t;
	char err[512];
	FILE *out;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":o:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			outp = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'h':
			plot_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "wakeoff plot: option %s needs an argument (see --help)\n",
				argv[optind - 1]);
			return 1;
		default:
			fprintf(stderr, "wakeoff plot: unknown option %s (see --help)\n",
				argv[optind - 1]);
			return 1;
		}
	}
	if (!outp) {
		fprintf(stderr, "wakeoff plot: -o report.html is required (see --help)\n");
		return 1;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "wakeoff plot: expected one record FILE, got %d (see --help)\n",
			argc - optind);
		return 1;
	}
	if (wo_trace_load(argv[optind], &t, err, sizeof(err))) {
		fprintf(stderr, "wakeoff plot: %s\n", err);
		return 1;
	}
	out = strcmp(outp, "-") ? fopen(outp, "w") : stdout;
	if (!out) {
		fprintf(stderr, "wakeoff plot: %s: %s\n", outp, strerror(errno));
		wo_trace_free(&t);
		return 1;
	}
	rc = wo_plot_html(&t, out, title);
	if (out != stdout ? fclose(out) : fflush(out))
		rc = -1;
	if (rc)
		fprintf(stderr, "wakeoff plot: writing %s failed: %s\n", outp, strerror(errno));
	wo_trace_free(&t);
	return rc ? 1 : 0;
}
