// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: userspace front end of the wakeoff kernel module.
 *
 *   wakeoff summary [KEY...]   print the summary, or just the given keys
 *   wakeoff control CMD...     send one command to the control file
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "summary.h"
#include "../module/uapi/wakeoff.h"

#define WO_VERSION "0.1.0"

static const char *debugfs_dir(void)
{
	const char *d = getenv("WAKEOFF_DIR");

	return d && *d ? d : "/sys/kernel/debug/wakeoff";
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff [--version] [--help] <command> [args]\n"
		"\n"
		"Commands:\n"
		"  summary [KEY...]   print the module's summary, or the values of KEYs\n"
		"  control CMD...     send a command: start, stop, reset,\n"
		"                     filter pid|tgid|comm <value>, filter clear\n"
		"\n"
		"The module must be loaded (insmod wakeoff.ko) and debugfs mounted;\n"
		"WAKEOFF_DIR overrides %s.\n",
		"/sys/kernel/debug/wakeoff");
}

static int cmd_summary(int argc, char **argv)
{
	char path[4096], err[128], *buf;
	struct wo_summary s;
	size_t len;
	int i, rc = 0;

	snprintf(path, sizeof(path), "%s/summary", debugfs_dir());
	if (wo_read_file(path, &buf, &len)) {
		fprintf(stderr, "wakeoff: %s: %s%s\n", path, strerror(errno),
			errno == ENOENT ? " (is wakeoff.ko loaded and debugfs mounted?)" : "");
		return 1;
	}
	if (argc == 0) {
		fwrite(buf, 1, len, stdout);
		free(buf);
		return 0;
	}
	if (wo_summary_parse(buf, len, &s, err, sizeof(err))) {
		fprintf(stderr, "wakeoff: %s: %s\n", path, err);
		free(buf);
		return 1;
	}
	for (i = 0; i < argc; i++) {
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
	char path[4096], cmd[512], *buf;
	size_t off = 0, len;
	int i, fd;
	ssize_t w;

	if (argc == 0) {
		fprintf(stderr, "wakeoff control: missing command\n");
		return 2;
	}
	for (i = 0; i < argc; i++) {
		int n = snprintf(cmd + off, sizeof(cmd) - off, "%s%s",
				 i ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(cmd) - off) {
			fprintf(stderr, "wakeoff control: command too long\n");
			return 2;
		}
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "%s/control", debugfs_dir());
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "wakeoff: %s: %s\n", path, strerror(errno));
		return 1;
	}
	w = write(fd, cmd, off);
	close(fd);
	if (w == (ssize_t)off)
		return 0;
	fprintf(stderr, "wakeoff: '%s' rejected: %s\n", cmd,
		w < 0 ? strerror(errno) : "short write");
	/* The module keeps the reason of the last rejected command. */
	if (!wo_read_file(path, &buf, &len)) {
		struct wo_summary s;
		char err[128];

		if (!wo_summary_parse(buf, len, &s, err, sizeof(err))) {
			const char *why = wo_summary_get(&s, "last_error");

			if (why)
				fprintf(stderr, "wakeoff: reason: %s\n", why);
			wo_summary_free(&s);
		}
		free(buf);
	}
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("wakeoff %s (record ABI %d.%d)\n", WO_VERSION,
		       WAKEOFF_ABI_MAJOR, WAKEOFF_ABI_MINOR);
		return 0;
	}
	if (!strcmp(argv[1], "summary"))
		return cmd_summary(argc - 2, argv + 2);
	if (!strcmp(argv[1], "control"))
		return cmd_control(argc - 2, argv + 2);
	fprintf(stderr, "wakeoff: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
