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

int wo_mod_control(const char *cmd)
{
	char path[4096], *buf;
	size_t len = strlen(cmd);
	ssize_t w;
	int fd;

	wo_path(path, sizeof(path), "control");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		wo_mod_perror("wakeoff", path, errno);
		return -1;
	}
	w = write(fd, cmd, len);
	close(fd);
	if (w == (ssize_t)len)
		return 0;
	fprintf(stderr, "wakeoff: control command '%s' rejected: %s\n", cmd,
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
	return -1;
}
