// SPDX-License-Identifier: GPL-2.0
/* wakeoff flamegraph FILE: an off-CPU flame graph (SVG) or folded stacks. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "flamegraph.h"

static void fg_usage(FILE *f)
{
	fputs("Usage: wakeoff flamegraph FILE [--folded] [--wakers] [-o OUT]\n"
	      "  An off-CPU flame graph of a record file: the blocking stack of\n"
	      "  each wakeup (root first, under the wakee's comm), width = the\n"
	      "  time it was off its CPU (switch-out to sched_waking).\n"
	      "  --folded   write folded stacks (\"frame;frame;frame count\", count\n"
	      "             in ns) for flamegraph.pl, speedscope or Perfetto\n"
	      "  --wakers   append \"--\", the waker's stack and comm (offwaketime)\n"
	      "  -o OUT     output file (default: stdout)\n", f);
}

int cmd_flamegraph(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "folded", no_argument, NULL, 'f' },
		{ "wakers", no_argument, NULL, 'w' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool folded = false, wakers = false;
	const char *outp = NULL;
	struct wo_folded f;
	struct wo_trace t;
	char err[512];
	FILE *out = stdout;
	int opt, rc = 1;

	while ((opt = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': folded = true; break;
		case 'w': wakers = true; break;
		case 'o': outp = optarg; break;
		case 'h': fg_usage(stdout); return 0;
		default:
			fprintf(stderr, "wakeoff flamegraph: bad option '%s'\n",
				argv[optind - 1]);
			fg_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fg_usage(stderr);
		return 2;
	}
	if (wo_trace_load(argv[optind], &t, err, sizeof(err))) {
		fprintf(stderr, "wakeoff flamegraph: %s\n", err);
		return 1;
	}
	if (wo_folded_build(&t, wakers, &f)) {
		fprintf(stderr, "wakeoff flamegraph: out of memory\n");
		goto out_trace;
	}
	if (outp && !(out = fopen(outp, "w"))) {
		fprintf(stderr, "wakeoff flamegraph: %s: %s\n", outp,
			strerror(errno));
		goto out_fold;
	}
	if (folded)
		wo_folded_write(out, &f);
	else
		wo_flame_svg(out, &f, "Off-CPU time by blocking stack");
	rc = 0;
	if (out != stdout && fclose(out)) {
		fprintf(stderr, "wakeoff flamegraph: %s: %s\n", outp,
			strerror(errno));
		rc = 1;
	}
	if (!f.n)
		fprintf(stderr, "wakeoff flamegraph: no wakeup with off-CPU time in %s (record ABI 1.4 needed)\n",
			argv[optind]);
out_fold:
	wo_folded_free(&f);
out_trace:
	wo_trace_free(&t);
	return rc;
}
