// SPDX-License-Identifier: GPL-2.0
/* wakeoff summary [KEY...]: the module's summary, or the values of KEYs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "modfs.h"
#include "summary.h"

int cmd_summary(int argc, char **argv)
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
