// SPDX-License-Identifier: GPL-2.0
/* User clock hooks from symbol names: the module's "uprobe" commands. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsym.h"
#include "modfs.h"
#include "uprobe.h"

/* Debian's multiarch path of the C library. */
#if defined(__aarch64__)
#define WO_LIBC_DEFAULT "/lib/aarch64-linux-gnu/libc.so.6"
#else
#define WO_LIBC_DEFAULT "/lib/x86_64-linux-gnu/libc.so.6"
#endif

/* Resolve @sym in @path and send "uprobe add". */
int wo_uprobe_add(const char *path, const char *sym, const char *kind,
		  bool all)
{
	char err[512], cmd[4200];
	uint64_t off;

	if (wo_elf_sym_offset(path, sym, &off, err, sizeof(err))) {
		fprintf(stderr, "wakeoff uprobe: %s\n", err);
		return -1;
	}
	if (snprintf(cmd, sizeof(cmd), "uprobe add %s 0x%" PRIx64 " %s%s", path,
		     off, kind, all ? " all" : "") >= (int)sizeof(cmd)) {
		fprintf(stderr, "wakeoff uprobe: path too long\n");
		return -1;
	}
	return wo_mod_control(cmd);
}

static bool wo_is_libc(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	return !strncmp(b, "libc.so", 7) || !strncmp(b, "libc-2.", 7) ||
	       !strncmp(b, "ld-musl-", 8);
}

/*
 * The libc that process @pid maps, as a path this process can open: the
 * path in the maps, or through /proc/PID/root when the process lives in
 * another mount namespace (a container).  0, or -1 if none.
 */
int wo_find_libc(pid_t pid, char *out, size_t len)
{
	char maps[64], line[4400], file[4096], alt[4200];
	struct stat a, b;
	FILE *f;
	int found = -1;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	f = fopen(maps, "re");
	if (!f) {
		fprintf(stderr, "wakeoff uprobe: %s: %s\n", maps, strerror(errno));
		return -1;
	}
	while (found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %*s %4095s", file) != 1 ||
		    file[0] != '/' || !wo_is_libc(file))
			continue;
		snprintf(alt, sizeof(alt), "/proc/%d/root%s", (int)pid, file);
		if (!stat(alt, &a) && (stat(file, &b) || a.st_dev != b.st_dev ||
				       a.st_ino != b.st_ino))
			snprintf(out, len, "%s", alt);
		else
			snprintf(out, len, "%s", file);
		found = 0;
	}
	fclose(f);
	if (found)
		fprintf(stderr, "wakeoff uprobe: process %d maps no libc (static?)\n",
			(int)pid);
	return found;
}

/* Hook the clock_gettime of the libc @pid maps (0: the system's libc). */
int wo_uprobe_libc(pid_t pid, bool all)
{
	char path[4200];

	if (!pid)
		snprintf(path, sizeof(path), "%s", WO_LIBC_DEFAULT);
	else if (wo_find_libc(pid, path, sizeof(path)))
		return -1;
	return wo_uprobe_add(path, "clock_gettime", "clock_gettime", all);
}
