// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff uprobe: user clock hooks (the module's "uprobe" commands) from
 * symbol names: add PATH:SYMBOL [KIND], libc [--pid PID], clear.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "modfs.h"
#include "uprobe.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff uprobe add [--all] PATH:SYMBOL [KIND]\n"
		"       wakeoff uprobe libc [--all] [--pid PID]\n"
		"       wakeoff uprobe clear\n"
		"Hook a user clock function (KIND: clock_gettime (default),\n"
		"gettimeofday, time).  Breakpoints go only into the process of the\n"
		"module's pid/tgid filter, or into every process with --all.\n");
}

int cmd_uprobe(int argc, char **argv)
{
	bool all = false;
	pid_t pid = 0;
	int i = 2;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
			char *end;

			pid = (pid_t)strtol(argv[++i], &end, 10);
			if (*end || pid <= 0) {
				fprintf(stderr, "wakeoff uprobe: bad pid %s\n", argv[i]);
				return 2;
			}
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!strcmp(argv[1], "clear") && i == argc && !all && !pid)
		return wo_mod_control("uprobe clear") ? 1 : 0;
	if (!strcmp(argv[1], "libc") && i == argc)
		return wo_uprobe_libc(pid, all) ? 1 : 0;
	if (!strcmp(argv[1], "add") && !pid && (argc - i == 1 || argc - i == 2)) {
		char *colon = strrchr(argv[i], ':');

		if (!colon || colon == argv[i] || !colon[1]) {
			fprintf(stderr, "wakeoff uprobe: expected PATH:SYMBOL\n");
			return 2;
		}
		*colon = '\0';
		return wo_uprobe_add(argv[i], colon + 1,
				     argc - i == 2 ? argv[i + 1] : "clock_gettime",
				     all) ? 1 : 0;
	}
	usage(stderr);
	return 2;
}
