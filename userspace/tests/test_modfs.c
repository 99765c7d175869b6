// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of where control commands go (modfs.h), TAP on stdout:
 * the sysfs control file when there is one (kernel lockdown allows it),
 * else the debugfs one; with neither, a failure that says what failed,
 * why and what to do.  Temp dirs stand for /sys/kernel/wakeoff and
 * /sys/kernel/debug/wakeoff (WAKEOFF_SYSFS_DIR, WAKEOFF_DIR).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modfs.h"
#include "summary.h"
#include "tap_check.h"

static char root[64], dbg[128], sys[128], dctl[160], sctl[160], errf[160];

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	return fd < 0 ? -1 : close(fd);
}

/* The file's content, or "" (a static buffer). */
static const char *content(const char *path)
{
	static char buf[2048];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Run wo_mod_restore() with stderr into errf; returns its result. */
static int restore_capturing(const char *cmd, const char *left)
{
	int saved = dup(2), fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int rc;

	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	rc = wo_mod_restore("wakeoff test", cmd, left);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return rc;
}

int main(void)
{
	char other[160];
	const char *err;

	printf("TAP version 13\n");
	strcpy(root, "/tmp/wo-modfs-XXXXXX");
	if (!mkdtemp(root)) {
		CHECK(0, "temp dir");
		printf("1..%d\n", n_test);
		return 1;
	}
	snprintf(dbg, sizeof(dbg), "%s/debug", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	snprintf(dctl, sizeof(dctl), "%s/wakeoff/control", dbg);
	snprintf(sctl, sizeof(sctl), "%s/control", sys);
	snprintf(errf, sizeof(errf), "%s/stderr", root);
	snprintf(other, sizeof(other), "%s/wakeoff", dbg);
	mkdir(dbg, 0700);
	mkdir(other, 0700);
	mkdir(sys, 0700);
	setenv("WAKEOFF_DIR", other, 1);
	setenv("WAKEOFF_SYSFS_DIR", sys, 1);

	touch(dctl);
	touch(sctl);
	CHECK(wo_mod_control("filter comm x") == 0 &&
	      !strcmp(content(sctl), "filter comm x") && !*content(dctl),
	      "both control files: the command goes to sysfs");
	unlink(sctl);
	CHECK(wo_mod_control("stop") == 0 && !strcmp(content(dctl), "stop"),
	      "no sysfs control file (an older module): debugfs");

	unlink(dctl);
	rmdir(other);
	rmdir(sys);
	CHECK(restore_capturing("stop", "recording") == -1,
	      "neither file: the command fails");
	err = content(errf);
	CHECK(strstr(err, "/debug/wakeoff") != NULL, "... naming what is missing");
	CHECK(strstr(err, "the module is not loaded") != NULL ||
	      strstr(err, "debugfs is not mounted") != NULL, "... why");
	CHECK(strstr(err, "the module is left recording") != NULL &&
	      strstr(err, "sudo wakeoff control stop") != NULL,
	      "... what it leaves and what to do");
	if (n_fail)
		printf("# stderr: %s\n", err);
	unlink(errf);
	rmdir(dbg);
	rmdir(root);
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
