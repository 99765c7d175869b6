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
