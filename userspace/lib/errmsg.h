/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error messages that say what failed, why, and what to do -- for the
 * failures people meet first: the module not loaded, debugfs not
 * mounted, not root, a file from another wakeoff.  Pure functions of
 * their arguments (plus one directory probe), so the host tests check
 * every message.
 */
#ifndef WAKEOFF_ERRMSG_H
#define WAKEOFF_ERRMSG_H

#include <stddef.h>

/* Where the module's directory stands, as wo_mod_probe() finds it. */
enum wo_mod_state {
	WO_MOD_LOADED,		/* @dir exists */
	WO_MOD_ABSENT,		/* debugfs mounted, no @dir: not loaded */
	WO_MOD_NO_DEBUGFS,	/* the directory above @dir is empty or missing */
};

/* Probe @dir (the module's debugfs directory) and the directory above it. */
enum wo_mod_state wo_mod_probe(const char *dir);

/*
 * The message for accessing module file @path (in module directory
 * @dir, in @state) failing with errno @err, without the "wakeoff: "
 * prefix.  Returns @buf.
 */
const char *wo_mod_errmsg(char *buf, size_t len, const char *dir,
			  const char *path, int err, enum wo_mod_state state);

/*
 * The kernel lockdown level that @file (/sys/kernel/security/lockdown:
 * "none [integrity] confidentiality") marks active, into @buf; "none"
 * when the file cannot be read (no lockdown LSM, securityfs unmounted).
 * Returns @buf.
 */
const char *wo_lockdown_level(const char *file, char *buf, size_t len);

/*
 * Opening the debugfs control file @path failed with EPERM under
 * lockdown @level, and the module has no sysfs control file @sysfs_path
 * (it predates it).  Returns @buf.
 */
const char *wo_lockdown_errmsg(char *buf, size_t len, const char *path,
			       const char *level, const char *sysfs_path);

/*
 * A command @cmd that puts the module back could not be sent: the module
 * is left @left; how to put it back by hand.  Returns @buf.
 */
const char *wo_restore_errmsg(char *buf, size_t len, const char *cmd,
			      const char *left);

/*
 * A file or record carrying @what version @got.x where this wakeoff reads
 * @have.x: which wakeoff is needed.  Returns @buf.
 */
const char *wo_version_errmsg(char *buf, size_t len, const char *what,
			      unsigned int got, unsigned int have);

#endif
