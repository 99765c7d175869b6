// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "modfs.h"

const char *wo_dir(void)
{
	const char *d = getenv("WAKEOFF_DIR");

	return d && *d ? d : "/sys/kernel/debug/wakeoff";
}

void wo_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", wo_dir(), name);
}

void wo_mod_perror(const char *who, const char *path, int err)
{
	char msg[1024];

	/* Probe only for a missing file: that is when the state decides. */
	wo_mod_errmsg(msg, sizeof(msg), wo_dir(), path, err,
		      err == ENOENT ? wo_mod_probe(wo_dir()) : WO_MOD_LOADED);
	fprintf(stderr, "%s: %s\n", who, msg);
}

int wo_mod_read(const char *name, char **buf, size_t *len)
{
	char path[4096];

	wo_path(path, sizeof(path), name);
	if (!wo_read_file(path, buf, len))
		return 0;
	wo_mod_perror("wakeoff", path, errno);
	return -1;
}

int wo_mod_summary(struct wo_summary *s)
{
	char err[160], *buf;
	size_t len;
	int rc;

	if (wo_mod_read("summary", &buf, &len))
		return -1;
	rc = wo_summary_parse(buf, len, s, err, sizeof(err));
	if (rc)
		fprintf(stderr, "wakeoff: %s/summary: %s\n", wo_dir(), err);
	free(buf);
	return rc;
}

const char *wo_sysfs_dir(void)
{
	const char *d = getenv("WAKEOFF_SYSFS_DIR");

	return d && *d ? d : "/sys/kernel/wakeoff";
}

/*
 * Open the control file for writing: the sysfs one first, which kernel
 * lockdown allows, so that every machine takes one path; the debugfs one
 * for a module that predates it.  @path gets the file tried last.
 */
static int control_open(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/control", wo_sysfs_dir());
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	wo_path(path, len, "control");
	return open(path, O_WRONLY | O_CLOEXEC);
}

/* Why @path (the control file last tried) could not be opened. */
static void control_perror(const char *path, int err)
{
	char level[64], sysfs[4096], msg[1024];

	wo_lockdown_level("/sys/kernel/security/lockdown", level, sizeof(level));
	if (err != EPERM || !strcmp(level, "none")) {
		wo_mod_perror("wakeoff", path, err);
		return;
	}
	snprintf(sysfs, sizeof(sysfs), "%s/control", wo_sysfs_dir());
	fprintf(stderr, "wakeoff: %s\n",
		wo_lockdown_errmsg(msg, sizeof(msg), path, level, sysfs));
}

/* After a rejection: the module keeps the reason in control's last_error. */
static void control_reason(const char *path)
{
	struct wo_summary s;
	char err[128], *buf;
	size_t len;

	if (wo_read_file(path, &buf, &len))
		return;
	if (!wo_summary_parse(buf, len, &s, err, sizeof(err))) {
		const char *why = wo_summary_get(&s, "last_error");

		if (why)
			fprintf(stderr, "wakeoff: reason: %s\n", why);
		wo_summary_free(&s);
	}
	free(buf);
}

int wo_mod_control(const char *cmd)
{
	char path[4096];
	size_t len = strlen(cmd);
	ssize_t w;
	int fd, err;

	fd = control_open(path, sizeof(path));
	if (fd < 0) {
		control_perror(path, errno);
		return -1;
	}
	w = write(fd, cmd, len);
	err = errno;
	close(fd);
	if (w == (ssize_t)len)
		return 0;
	fprintf(stderr, "wakeoff: control command '%s' rejected by %s: %s\n",
		cmd, path, w < 0 ? strerror(err) : "short write");
	control_reason(path);
	return -1;
}

int wo_mod_restore(const char *who, const char *cmd, const char *left)
{
	char msg[512];

	if (!wo_mod_control(cmd))
		return 0;
	fprintf(stderr, "%s: %s\n", who,
		wo_restore_errmsg(msg, sizeof(msg), cmd, left));
	return -1;
}
