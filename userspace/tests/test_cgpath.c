// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of -G/--cgroup's path rule (cgpath.h), TAP on stdout,
 * on the mount tables of the systems people run: unified (cgroup2 at
 * /sys/fs/cgroup), hybrid (v1 controllers + cgroup2 at .../unified), v1
 * only, and a container whose cgroup2 mount shows a sub-tree.
 */
#include <stdio.h>
#include <string.h>

#include "cgpath.h"
#include "tap_check.h"

static const char unified[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"25 22 0:22 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
	"26 25 0:23 / /sys/fs/cgroup rw,nosuid shared:8 - cgroup2 cgroup2 rw,nsdelegate\n"
	"27 22 0:24 / /tmp rw shared:9 - tmpfs tmpfs rw\n"
	"28 22 0:25 / /mnt/with\\040blank rw shared:10 - tmpfs tmpfs rw\n";

static const char hybrid[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"30 25 0:26 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
	"31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw\n"
	"32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:11 - cgroup cgroup rw,cpu,cpuacct\n";

static const char v1only[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"30 25 0:26 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
	"32 30 0:28 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory\n";

/* Without a cgroup namespace, a container's cgroup2 mount shows its tree. */
static const char container[] =
	"500 400 0:50 / / rw - overlay overlay rw\n"
	"510 500 0:30 /system.slice/docker-ab.scope /sys/fs/cgroup ro - cgroup2 cgroup rw\n";

static void expect(const char *path, const char *mi, const char *want,
		   const char *name)
{
	char out[256] = "", err[512] = "";
	int rc = wo_cgpath_from_mountinfo(path, mi, out, sizeof(out), err,
					  sizeof(err));

	CHECK(rc == 0 && !strcmp(out, want), name);
	if (rc || strcmp(out, want))
		printf("# %s: rc %d out '%s' err '%s', want '%s'\n", path, rc,
		       out, err, want);
}

static void expect_err(const char *path, const char *mi, const char *want,
		       const char *name)
{
	char out[256] = "", err[512] = "";
	int rc = wo_cgpath_from_mountinfo(path, mi, out, sizeof(out), err,
					  sizeof(err));

	CHECK(rc == -1 && strstr(err, want), name);
	if (rc != -1 || !strstr(err, want))
		printf("# %s: rc %d out '%s' err '%s', want in err '%s'\n", path,
		       rc, out, err, want);
}

int main(void)
{
	expect("/sys/fs/cgroup/system.slice/ssh.service", unified,
	       "/system.slice/ssh.service", "unified: mount point stripped");
	expect("/sys/fs/cgroup", unified, "/", "unified: the mount point is the root");
	expect("/sys/fs/cgroup/", unified, "/", "unified: a trailing slash is the same");
	expect("/system.slice//x.service/", unified, "/system.slice/x.service",
	       "unified: the module's form is kept, slashes tidied");
	expect_err("/sys/fs/cgroupX/a", unified, "on a sysfs file system under /sys,",
		   "unified: a mount point is matched on a path boundary");
	expect_err("/tmp/a", unified, "on a tmpfs file system under /tmp",
		   "unified: another file system is not a cgroup");
	expect_err("/mnt/with blank/a", unified, "without blanks",
		   "blanks are refused (one control token)");
	expect_err("/mnt/with\tx", unified, "without blanks", "tabs are refused");
	expect_err("a/b", unified, "absolute", "a relative path is refused");
	expect("/sys/fs/cgroup/unified/user.slice", hybrid, "/user.slice",
	       "hybrid: the cgroup2 mount below the tmpfs");
	expect_err("/sys/fs/cgroup/cpu,cpuacct/user.slice", hybrid,
		   "cgroup v1 hierarchy (/sys/fs/cgroup/cpu,cpuacct)",
		   "hybrid: a v1 controller's directory is refused");
	expect("/user.slice", hybrid, "/user.slice", "hybrid: the module's form");
	expect_err("/sys/fs/cgroup/memory/a", v1only, "cgroup v1 hierarchy",
		   "v1 only: a v1 directory is refused");
	expect_err("/user.slice", v1only, "no cgroup2 file system is mounted",
		   "v1 only: the module's form needs a cgroup2 mount");
	expect_err("/user.slice", v1only, "mount -t cgroup2 none /sys/fs/cgroup",
		   "v1 only: says how to mount cgroup2");
	expect("/sys/fs/cgroup/app", container, "/system.slice/docker-ab.scope/app",
	       "container: the mount's root is prepended");
	expect("/sys/fs/cgroup", container, "/system.slice/docker-ab.scope",
	       "container: its own cgroup");
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
