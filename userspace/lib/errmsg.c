// SPDX-License-Identifier: GPL-2.0
/* Error messages with their remedy; see errmsg.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "errmsg.h"

/* "/sys/kernel/debug" for "/sys/kernel/debug/wakeoff" ("." if no slash). */
static void parent_of(const char *dir, char *buf, size_t len)
{
	const char *slash = strrchr(dir, '/');
	size_t n = slash ? (size_t)(slash - dir) : 0;

	if (!slash)
		snprintf(buf, len, ".");
	else
		snprintf(buf, len, "%.*s", (int)(n ? n : 1), dir);
}

/*
 * An unmounted /sys/kernel/debug is an empty directory of sysfs; a
 * mounted debugfs always has entries (bdi, block, ...).  Emptiness, not
 * the filesystem magic, so the tests can point @dir into a temp dir.
 */
static int dir_has_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	if (!d)
		return errno == EACCES;	/* there, just not ours to list */
	while (!found && (e = readdir(d)))
		found = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return found;
}

enum wo_mod_state wo_mod_probe(const char *dir)
{
	char parent[4096];
	struct stat st;

	if (!stat(dir, &st) || errno == EACCES)
		return WO_MOD_LOADED;
	parent_of(dir, parent, sizeof(parent));
	return dir_has_entries(parent) ? WO_MOD_ABSENT : WO_MOD_NO_DEBUGFS;
}

static const char *missing_msg(char *buf, size_t len, const char *dir,
			       const char *path, enum wo_mod_state state)
{
	char parent[4096];

	parent_of(dir, parent, sizeof(parent));
	if (state == WO_MOD_NO_DEBUGFS)
		snprintf(buf, len, "debugfs is not mounted (%s is empty, no %s): "
			 "sudo mount -t debugfs none %s", parent, dir, parent);
	else if (state == WO_MOD_ABSENT)
		snprintf(buf, len, "the module is not loaded (no %s): "
			 "sudo insmod wakeoff.ko (or modprobe wakeoff)", dir);
	else
		snprintf(buf, len, "%s: the loaded module has no such file: it "
			 "is not the module this wakeoff was built with; load "
			 "the matching one (sudo rmmod wakeoff; sudo insmod "
			 "wakeoff.ko)", path);
	return buf;
}

const char *wo_mod_errmsg(char *buf, size_t len, const char *dir,
			  const char *path, int err, enum wo_mod_state state)
{
	switch (err) {
	case ENOENT:
		return missing_msg(buf, len, dir, path, state);
	case EACCES:
	case EPERM:
		snprintf(buf, len, "%s: %s: needs root (the files are "
			 "root-only): run it with sudo", path, strerror(err));
		break;
	case EBUSY:
		snprintf(buf, len, "%s: %s: another reader has it open (one "
			 "reader at a time): stop the other \"wakeoff record\" "
			 "(fuser -v %s shows it)", path, strerror(err), path);
		break;
	default:
		snprintf(buf, len, "%s: %s", path, strerror(err));
	}
	return buf;
}

const char *wo_version_errmsg(char *buf, size_t len, const char *what,
			      unsigned int got, unsigned int have)
{
	if (got > have)
		snprintf(buf, len, "%s %u.x is newer than this wakeoff reads "
			 "(%u.x): use a wakeoff that reads %s %u.x (the one "
			 "that recorded it, or newer)", what, got,
			 have, what, got);
	else
		snprintf(buf, len, "%s %u.x is older than this wakeoff reads "
			 "(%u.x): use the wakeoff release that reads %s %u.x, "
			 "or record again", what, got, have, what, got);
	return buf;
}

const char *wo_lockdown_level(const char *file, char *buf, size_t len)
{
	char line[256], *open, *close;
	FILE *f = fopen(file, "r");

	snprintf(buf, len, "none");
	if (!f)
		return buf;
	if (fgets(line, sizeof(line), f)) {
		open = strchr(line, '[');
		close = open ? strchr(open, ']') : NULL;
		if (close)
			snprintf(buf, len, "%.*s", (int)(close - open - 1), open + 1);
	}
	fclose(f);
	return buf;
}

const char *wo_lockdown_errmsg(char *buf, size_t len, const char *path,
			       const char *level, const char *sysfs_path)
{
	snprintf(buf, len, "%s: %s: kernel lockdown (%s, as on a Secure Boot "
		 "machine) refuses every writable debugfs file, and the loaded "
		 "module has no %s, which lockdown allows: it predates it; load "
		 "the module of this wakeoff, signed (README: Secure Boot): "
		 "sudo rmmod wakeoff; sudo modprobe wakeoff", path,
		 strerror(EPERM), level, sysfs_path);
	return buf;
}

const char *wo_restore_errmsg(char *buf, size_t len, const char *cmd,
			      const char *left)
{
	snprintf(buf, len, "the module is left %s (\"%s\" failed, above): "
		 "once that is fixed, run: sudo wakeoff control %s", left, cmd,
		 cmd);
	return buf;
}
