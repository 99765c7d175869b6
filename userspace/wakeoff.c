// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: userspace front end of the wakeoff kernel module.  One binary,
 * one command per job (see usage() and wakeoff.1).
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
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
