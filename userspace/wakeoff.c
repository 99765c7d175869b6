// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: userspace front end of the wakeoff kernel module.  One binary,
 * one command per job (see usage() and wakeoff.1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "flamegraph.h"
#include "compare.h"
#include "export.h"
#include "export_prom.h"
#include "modfs.h"
#include "summary.h"
#include "../module/uapi/wakeoff.h"

/* WO_VERSION comes from the top-level VERSION file (userspace/Makefile). */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff [--version] [--help] <command> [args]\n"
		"\n"
		"Commands (each has --help):\n"
		"  record     drain the module's event streams into a record file\n"
		"  report     per-class latency, clock offset, runs, tasks, CPUs, stacks\n"
		"             of a record file or of the live module (--csv/--json/--prometheus)\n"
		"  timehist   one line per wakeup of a record file\n"
		"  compare    FILE...: one row per record file, the experiment's numbers\n"
		"             side by side (--csv/--json)\n"
		"  stress     the idle-vs-load recipe: idle and loaded runs, then the table\n"
		"  export     --perfetto OUT.json FILE: Chrome trace-event JSON;\n"
		"             --prometheus-textfile F -i S: live metrics for node_exporter\n"
		"  plot       FILE -o report.html: one self-contained HTML page\n"
		"  flamegraph FILE [--folded] [-o OUT]: off-CPU flame graph (SVG)\n"
		"  summary    print the module's summary, or the values of KEYs\n"
		"  control    send a command: start, stop, reset, run <id> [label],\n"
		"             filter pid|tgid|comm|cgroup <value>, filter clear\n"
		"  uprobe     add [--all] PATH:SYMBOL [KIND] | libc [--pid PID] | clear:\n"
		"             user clock hooks (clock_gettime through the vDSO)\n"
		"\n"
		"Live commands need the module (insmod wakeoff.ko) and debugfs mounted;\n"
		"WAKEOFF_DIR overrides %s.  Commands go to %s/control\n"
		"(which kernel lockdown allows; WAKEOFF_SYSFS_DIR overrides it), else\n"
		"to the debugfs control file.\n",
		"/sys/kernel/debug/wakeoff", "/sys/kernel/wakeoff");
}

static int cmd_summary(int argc, char **argv)
{
	struct wo_summary s;
	char *buf, err[160];
	size_t len;
	int i, rc = 0;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: wakeoff summary [KEY...]\n"
		       "Print the module's summary, or one value per KEY.\n");
		return 0;
	}
	if (wo_mod_read("summary", &buf, &len))
		return 1;
	if (argc <= 1) {
		fwrite(buf, 1, len, stdout);
		free(buf);
		return 0;
	}
	if (wo_summary_parse(buf, len, &s, err, sizeof(err))) {
		fprintf(stderr, "wakeoff: %s/summary: %s\n", wo_dir(), err);
		free(buf);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		const char *v = wo_summary_get(&s, argv[i]);

		if (!v) {
			fprintf(stderr, "wakeoff: no key '%s' in the summary\n", argv[i]);
			rc = 1;
			continue;
		}
		printf("%s\n", v);
	}
	wo_summary_free(&s);
	free(buf);
	return rc;
}

static int cmd_control(int argc, char **argv)
{
	char cmd[512];
	size_t off = 0;
	int i;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: wakeoff control start|stop|reset|run ID [LABEL]|filter ...\n");
		return 0;
	}
	if (argc <= 1) {
		fprintf(stderr, "wakeoff control: missing command\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		int n = snprintf(cmd + off, sizeof(cmd) - off, "%s%s",
				 i > 1 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(cmd) - off) {
			fprintf(stderr, "wakeoff control: command too long\n");
			return 2;
		}
		off += (size_t)n;
	}
	return wo_mod_control(cmd) ? 1 : 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "record", cmd_record },
	{ "report", cmd_report },
	{ "timehist", cmd_timehist },
	{ "compare", cmd_compare },
	{ "stress", cmd_stress },
	{ "export", cmd_export_any },	/* --perfetto, --prometheus-textfile */
	{ "plot", cmd_plot },
	{ "flamegraph", cmd_flamegraph },
	{ "summary", cmd_summary },
	{ "control", cmd_control },
	{ "uprobe", cmd_uprobe },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("wakeoff %s (record ABI %d.%d)\n", WO_VERSION,
		       WAKEOFF_ABI_MAJOR, WAKEOFF_ABI_MINOR);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "wakeoff: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
