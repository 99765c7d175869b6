// SPDX-License-Identifier: GPL-2.0
/* wakeoff control CMD...: one command to the module's control file. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "modfs.h"

int cmd_control(int argc, char **argv)
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
