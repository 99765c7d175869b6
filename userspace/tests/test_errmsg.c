// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the CLI's error messages (errmsg.h), TAP on stdout:
 * each situation -- module not loaded, debugfs not mounted, not root,
 * another reader, a file from another wakeoff -- says what failed, why
 * and what to do.  The probe runs on a temp dir standing for
 * /sys/kernel/debug: empty (not mounted), with entries (mounted, no
 * module), with the module's directory (loaded).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errmsg.h"
#include "wofile.h"
#include "tap_check.h"

static char root[64], dir[128], path[160], other[160];

static void test_probe(void)
{
	strcpy(root, "/tmp/wo-errmsg-XXXXXX");
	if (!mkdtemp(root)) {
		CHECK(0, "temp dir");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/wakeoff", root);
	snprintf(path, sizeof(path), "%s/summary", dir);
	snprintf(other, sizeof(other), "%s/bdi", root);
	CHECK(wo_mod_probe(dir) == WO_MOD_NO_DEBUGFS,
	      "probe: an empty parent is debugfs not mounted");
	mkdir(other, 0700);
	CHECK(wo_mod_probe(dir) == WO_MOD_ABSENT,
	      "probe: a parent with entries and no module dir: not loaded");
	mkdir(dir, 0700);
	CHECK(wo_mod_probe(dir) == WO_MOD_LOADED, "probe: the module dir: loaded");
	rmdir(dir);
	rmdir(other);
	rmdir(root);
}

static void check_msg(const char *got, const char *want, const char *what)
{
	CHECK(strstr(got, want) != NULL, what);
	if (!strstr(got, want))
		printf("# got: %s\n# want in it: %s\n", got, want);
}

static void test_module_msgs(void)
{
	const char *d = "/sys/kernel/debug/wakeoff";
	const char *p = "/sys/kernel/debug/wakeoff/summary";
	char buf[1024];

	wo_mod_errmsg(buf, sizeof(buf), d, p, ENOENT, WO_MOD_ABSENT);
	check_msg(buf, "the module is not loaded (no /sys/kernel/debug/wakeoff): "
		  "sudo insmod wakeoff.ko (or modprobe wakeoff)", "ENOENT, no module dir: insmod");
	wo_mod_errmsg(buf, sizeof(buf), d, p, ENOENT, WO_MOD_NO_DEBUGFS);
	check_msg(buf, "debugfs is not mounted (/sys/kernel/debug is empty, no "
		  "/sys/kernel/debug/wakeoff): sudo mount -t debugfs none /sys/kernel/debug",
		  "ENOENT, empty /sys/kernel/debug: the mount command");
	wo_mod_errmsg(buf, sizeof(buf), d, p, ENOENT, WO_MOD_LOADED);
	check_msg(buf, "/sys/kernel/debug/wakeoff/summary: the loaded module has no such "
		  "file", "ENOENT, module loaded: a mismatched module, reload it");
	CHECK(strstr(buf, "insmod wakeoff.ko") != NULL, "... and how");
	wo_mod_errmsg(buf, sizeof(buf), d, p, EACCES, WO_MOD_LOADED);
	check_msg(buf, "/sys/kernel/debug/wakeoff/summary: Permission denied: needs root "
		  "(the files are root-only): run it with sudo", "EACCES: needs root");
	wo_mod_errmsg(buf, sizeof(buf), d, p, EPERM, WO_MOD_LOADED);
	check_msg(buf, "needs root (the files are root-only)", "EPERM: needs root");
	wo_mod_errmsg(buf, sizeof(buf), d, "/x/events", EBUSY, WO_MOD_LOADED);
	check_msg(buf, "/x/events: Device or resource busy: another reader has it open",
		  "EBUSY: one reader at a time");
	wo_mod_errmsg(buf, sizeof(buf), d, p, EIO, WO_MOD_LOADED);
	check_msg(buf, "/sys/kernel/debug/wakeoff/summary: Input/output error",
		  "other errors: path and reason");
	wo_mod_errmsg(buf, sizeof(buf), "/tmp/x/wakeoff", "/tmp/x/wakeoff/control",
		      ENOENT, WO_MOD_NO_DEBUGFS);
	check_msg(buf, "sudo mount -t debugfs none /tmp/x", "WAKEOFF_DIR: the mount point is its parent");
}

static void test_version_msgs(void)
{
	char buf[512];

	wo_version_errmsg(buf, sizeof(buf), "record ABI", 2, 1);
	check_msg(buf, "record ABI 2.x is newer than this wakeoff reads (1.x): "
		  "use a wakeoff that reads record ABI 2.x", "a newer ABI major: which is needed");
	wo_version_errmsg(buf, sizeof(buf), "record ABI", 0, 1);
	check_msg(buf, "record ABI 0.x is older than this wakeoff reads (1.x)",
		  "an older ABI major");
}

/* A file whose records carry ABI major + 1: the loader's message says so. */
static void test_file_abi(void)
{
	struct wakeoff_run run;
	struct wo_trace t;
	char err[512], *buf, want[128];
	size_t len;
	int fd;

	memset(&run, 0, sizeof(run));
	run.hdr.magic = WAKEOFF_REC_MAGIC;
	run.hdr.abi_major = WAKEOFF_ABI_MAJOR + 1;
	run.hdr.type = WAKEOFF_REC_RUN;
	run.hdr.size = sizeof(run);
	strcpy(path, "/tmp/wo-errmsg-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || wof_write_magic(fd) || wof_write_chunk(fd, "RECS", &run, sizeof(run))) {
		CHECK(0, "write the file");
		return;
	}
	len = (size_t)lseek(fd, 0, SEEK_END);
	buf = malloc(len);
	if (pread(fd, buf, len, 0) != (ssize_t)len)
		len = 0;
	close(fd);
	unlink(path);
	snprintf(want, sizeof(want), "record ABI %d.x is newer than this wakeoff reads (%d.x)",
		 WAKEOFF_ABI_MAJOR + 1, WAKEOFF_ABI_MAJOR);
	CHECK(wo_trace_parse(buf, len, "new.wo", &t, err, sizeof(err)) &&
	      !strncmp(err, "new.wo: ", 8) && strstr(err, want),
	      "a file of a newer record ABI: the file and the version needed");
	printf("# %s\n", err);
	memcpy(buf, "WAKEOFF2", 8);
	CHECK(wo_trace_parse(buf, len, "new.wo", &t, err, sizeof(err)) &&
	      strstr(err, "file format 2.x is newer than this wakeoff reads (1.x)"),
	      "a file of a newer format: the version needed");
	free(buf);
}

/* The active level is the bracketed one; no file: none. */
static void test_lockdown_level(void)
{
	char f[64] = "/tmp/wo-lockdown-XXXXXX", level[32];
	int fd = mkstemp(f);

	if (fd < 0 || write(fd, "none [integrity] confidentiality\n", 33) != 33) {
		CHECK(0, "write the lockdown file");
		return;
	}
	close(fd);
	CHECK(!strcmp(wo_lockdown_level(f, level, sizeof(level)), "integrity"),
	      "lockdown: the bracketed level is active");
	unlink(f);
	CHECK(!strcmp(wo_lockdown_level(f, level, sizeof(level)), "none"),
	      "lockdown: no file (no LSM, securityfs unmounted) is none");
}

static void test_lockdown_msgs(void)
{
	char buf[1024];

	wo_lockdown_errmsg(buf, sizeof(buf), "/sys/kernel/debug/wakeoff/control",
			   "integrity", "/sys/kernel/wakeoff/control");
	check_msg(buf, "/sys/kernel/debug/wakeoff/control: Operation not permitted: "
		  "kernel lockdown (integrity", "lockdown: what failed and why");
	check_msg(buf, "has no /sys/kernel/wakeoff/control", "lockdown: the file missing");
	check_msg(buf, "sudo rmmod wakeoff; sudo modprobe wakeoff", "lockdown: what to do");
	wo_restore_errmsg(buf, sizeof(buf), "filter clear", "filtered");
	check_msg(buf, "the module is left filtered (\"filter clear\" failed, above): "
		  "once that is fixed, run: sudo wakeoff control filter clear",
		  "restore: what is left and the command that puts it back");
}

int main(void)
{
	printf("TAP version 13\n");
	test_probe();
	test_module_msgs();
	test_version_msgs();
	test_file_abi();
	test_lockdown_level();
	test_lockdown_msgs();
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
