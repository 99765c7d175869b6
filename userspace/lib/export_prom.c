// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff export --prometheus-textfile FILE -i SECONDS [--count N]: the live
 * summary as Prometheus text exposition for node_exporter's textfile
 * collector, rewritten every SECONDS.  The collector may read FILE at any
 * moment, so each version is written to FILE.tmp in the same directory,
 * synced and renamed over FILE (rename is atomic within a filesystem; the
 * collector ignores names not ending in .prom).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "export_prom.h"
#include "modfs.h"

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

int wo_prom_textfile(const struct wo_report *r, FILE *out)
{
	if (r)
		wo_report_print(r, WO_FMT_PROM, 0, out);
	fputs("# HELP wakeoff_up 1 if the module's summary was read for this file, else 0.\n"
	      "# TYPE wakeoff_up gauge\n", out);
	fprintf(out, "wakeoff_up %d\n", r ? 1 : 0);
	if (r) {
		fputs("# HELP wakeoff_wakeups_total Wakeups seen by the module (sched_waking).\n"
		      "# TYPE wakeoff_wakeups_total counter\n", out);
		fprintf(out, "wakeoff_wakeups_total %" PRIu64 "\n", r->wakeups);
	}
	return ferror(out) ? -1 : 0;
}

/* fsync the directory holding @path, so that the rename survives a crash. */
static int sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int wo_prom_write_file(const char *path, const struct wo_report *r,
		       char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", path);
		return -1;
	}
	/* 0644: the collector usually runs as another user. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	rc = wo_prom_textfile(r, f);
	if (fflush(f) || fsync(fd))
		rc = -1;
	if (fclose(f))
		rc = -1;
	if (rc) {
		snprintf(err, errlen, "writing %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		snprintf(err, errlen, "rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (sync_dir(path)) {
		snprintf(err, errlen, "fsync of %s's directory: %s", path, strerror(errno));
		return -1;
	}
	return 0;
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
