// SPDX-License-Identifier: GPL-2.0
/*
 * -G/--cgroup: a user's cgroup argument in the module's form (cgpath.h).
 *
 * The rule, on the mount that holds the path (longest mount point that
 * is a prefix of it, from /proc/self/mountinfo):
 *   a cgroup2 mount         -> the mount's root + the rest of the path;
 *   a cgroup (v1) mount     -> refused: the module filters on cgroup v2;
 *   the root file system    -> the path is the module's form already
 *                              ("/system.slice" is no directory of "/");
 *   any other mount         -> refused: not a cgroup2 directory.
 * The module's form needs a cgroup2 hierarchy someone uses: with no
 * cgroup2 mount at all (a cgroup v1 only system) it is refused too.
 */
/* realpath(3) */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgpath.h"
#include "summary.h"

struct cg_mount {
	char root[PATH_MAX], point[PATH_MAX], type[64];
};

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* Fields 4 (root), 5 (mount point) and the one after " - " (type). */
static bool parse_line(const char *line, size_t len, struct cg_mount *m)
{
	char buf[3 * PATH_MAX], *f[6], *sep, *save = NULL;
	int i;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, line, len);
	buf[len] = '\0';
	sep = strstr(buf, " - ");
	if (!sep)
		return false;
	*sep = '\0';
	f[0] = strtok_r(buf, " ", &save);
	for (i = 1; i < 5 && f[i - 1]; i++)
		f[i] = strtok_r(NULL, " ", &save);
	if (!f[0] || !f[4] || strlen(f[3]) >= sizeof(m->root) ||
	    strlen(f[4]) >= sizeof(m->point))
		return false;
	save = NULL;
	f[5] = strtok_r(sep + 3, " ", &save);
	if (!f[5] || strlen(f[5]) >= sizeof(m->type))
		return false;
	strcpy(m->root, f[3]);
	strcpy(m->point, f[4]);
	strcpy(m->type, f[5]);
	unescape(m->root);
	unescape(m->point);
	return true;
}

/* Length of mount point @point if it holds @path, else 0 ("/" is 1). */
static size_t holds(const char *point, const char *path)
{
	size_t n = strlen(point);

	if (!strcmp(point, "/"))
		return 1;
	if (strncmp(point, path, n) || (path[n] && path[n] != '/'))
		return 0;
	return n;
}

/* @a + @b with single slashes and no trailing one ("/" stays). */
static int join(char *out, size_t outlen, const char *a, const char *b)
{
	size_t o = 0;
	const char *parts[2] = { a, b }, *s;
	int i;

	for (i = 0; i < 2; i++) {
		for (s = parts[i]; *s; s++) {
			if (*s == '/' && o && out[o - 1] == '/')
				continue;
			if (o + 1 >= outlen)
				return -1;
			out[o++] = *s;
		}
		if (o + 1 >= outlen)
			return -1;
		if (i == 0 && (!o || out[o - 1] != '/'))
			out[o++] = '/';
	}
	while (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	return 0;
}

int wo_cgpath_from_mountinfo(const char *path, const char *mountinfo,
			     char *out, size_t outlen, char *err, size_t errlen)
{
	static struct cg_mount m, best;
	size_t best_len = 0, n;
	bool any_v2 = false;
	const char *line, *nl;

	if (path[0] != '/' || strpbrk(path, " \t\n")) {
		snprintf(err, errlen, "%s: give an absolute cgroup path without blanks", path);
		return -1;
	}
	for (line = mountinfo; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		if (!parse_line(line, nl ? (size_t)(nl - line) : strlen(line), &m))
			continue;
		any_v2 |= !strcmp(m.type, "cgroup2");
		n = holds(m.point, path);
		/* ">=": the last of stacked mounts is the one in view. */
		if (n && n >= best_len) {
			best = m;
			best_len = n;
		}
	}
	if (best_len && !strcmp(best.type, "cgroup2")) {
		if (join(out, outlen, best.root, path + (best_len > 1 ? best_len : 0))) {
			snprintf(err, errlen, "%s: path too long", path);
			return -1;
		}
		return 0;
	}
	if (best_len && !strcmp(best.type, "cgroup")) {
		snprintf(err, errlen, "%s is in a cgroup v1 hierarchy (%s); wakeoff filters on cgroup v2: give a directory under the cgroup2 mount, or the path /proc/PID/cgroup shows on its 0:: line",
			 path, best.point);
		return -1;
	}
	if (best_len > 1) {
		snprintf(err, errlen, "%s is on a %s file system under %s, not in a cgroup2 hierarchy: give a directory under the cgroup2 mount (e.g. /sys/fs/cgroup/system.slice) or the path /proc/PID/cgroup shows (/system.slice)",
			 path, best.type, best.point);
		return -1;
	}
	if (!any_v2) {
		snprintf(err, errlen, "no cgroup2 file system is mounted (a cgroup v1 only system?); wakeoff filters on cgroup v2: mount -t cgroup2 none /sys/fs/cgroup, or boot with systemd.unified_cgroup_hierarchy=1");
		return -1;
	}
	if (join(out, outlen, "/", path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	return 0;
}

int wo_cgpath_resolve(const char *arg, char *out, size_t outlen, char *err,
		      size_t errlen)
{
	char real[PATH_MAX], *mi;
	size_t len;
	int rc;

	if (realpath(arg, real)) {
		arg = real;
	} else if (arg[0] != '/') {
		snprintf(err, errlen, "%s: %s", arg, strerror(errno));
		return -1;
	}
	if (wo_read_file("/proc/self/mountinfo", &mi, &len)) {
		snprintf(err, errlen, "/proc/self/mountinfo: %s (is /proc mounted?)",
			 strerror(errno));
		return -1;
	}
	rc = wo_cgpath_from_mountinfo(arg, mi, out, outlen, err, errlen);
	free(mi);
	return rc;
}
