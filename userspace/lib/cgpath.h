/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup a -G/--cgroup argument names, in the module's form: a path
 * relative to the cgroup2 root, as /proc/PID/cgroup shows it
 * ("/system.slice/ssh.service").  The user may give that form, or a
 * directory in a mounted cgroup2 file system
 * ("/sys/fs/cgroup/system.slice/ssh.service").
 */
#ifndef WAKEOFF_CGPATH_H
#define WAKEOFF_CGPATH_H

#include <stddef.h>

/*
 * Pure: @path (absolute; symlinks already resolved when it exists) and
 * the text of /proc/self/mountinfo.  A path under a cgroup2 mount point
 * becomes the mount's root plus the rest; any other absolute path is
 * taken as the module's form already.  Returns 0 with the result in
 * @out, or -1 with what is wrong and what to do in @err: a path in a
 * cgroup v1 hierarchy, no cgroup2 mounted at all, blanks in the path.
 */
int wo_cgpath_from_mountinfo(const char *path, const char *mountinfo,
			     char *out, size_t outlen, char *err, size_t errlen);

/*
 * The same for a user's argument on this system: a relative or existing
 * path is resolved with realpath(3) first; reads /proc/self/mountinfo.
 */
int wo_cgpath_resolve(const char *arg, char *out, size_t outlen, char *err,
		      size_t errlen);

#endif
