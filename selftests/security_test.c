// SPDX-License-Identifier: GPL-2.0
/*
 * Security: files root-only, no kernel pointer in any text the module
 * prints, no parameter that could steer a probe at arbitrary memory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "reliability.h"

/*
 * Security: every file root-only and unreadable to others, no kernel
 * pointer in any text the module prints (with stacks captured), and no
 * parameter that could steer a probe at arbitrary memory.
 */
TEST_F_TIMEOUT(loaded, security, 120)
{
	static const char * const params[] = {
		"bufsize_kb", "max_inflight", "max_runs", "stacks",
		"tk_hooks", "tk_timeout_ms",
		/* 0444 table size in [256, 1048576]; 0644 0/1 switch. */
		"offcpu_slots", "offcpu_stacks",
		/* 0444 "ftrace" or "kprobe": which of two fixed hook types. */
		"entry_hooks",
	};
	struct wo_pingpong pp;
	struct stat st;
	struct dirent *de;
	DIR *d;
	char path[320], what[64], *buf;
	size_t len;
	unsigned int i, nparams = 0, nchecked = 0;
	pid_t kid;
	int status;

	ASSERT_EQ(0, wo_pingpong_start(&pp, wo_iters(500)));
	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));

	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), WO_DIR "/%s", wo_files[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_gid);
		EXPECT_EQ(0, st.st_mode & 0077) {
			TH_LOG("%s mode %o", path, st.st_mode & 0777);
		}
		if (!strcmp(wo_files[i], "events"))
			continue;
		ASSERT_EQ(0, wo_read_file(path, &buf, &len));
		EXPECT_LT(0, len);
		EXPECT_EQ(0, has_pointer(buf, what, sizeof(what))) {
			TH_LOG("%s prints '%s'", path, what);
		}
		free(buf);
		nchecked++;
	}
	/* The debugfs directory itself is not writable by others. */
	ASSERT_EQ(0, stat(WO_DIR, &st));
	EXPECT_EQ(0, st.st_mode & 0022);

	d = opendir("/sys/module/wakeoff/parameters");
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		int known = 0;

		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
			known |= !strcmp(de->d_name, params[i]);
		/* A new parameter needs review here (no raw offsets!). */
		EXPECT_TRUE(known) {
			TH_LOG("unreviewed parameter %s", de->d_name);
		}
		nparams++;
		snprintf(path, sizeof(path), "/sys/module/wakeoff/parameters/%s",
			 de->d_name);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0, st.st_mode & 0022) {
			TH_LOG("%s mode %o", path, st.st_mode & 0777);
		}
		ASSERT_EQ(0, wo_read_file(path, &buf, &len));
		EXPECT_EQ(0, has_pointer(buf, what, sizeof(what)));
		free(buf);
	}
	closedir(d);
	EXPECT_EQ(sizeof(params) / sizeof(params[0]), nparams);

	/* The layout the probes use was validated against the kernel. */
	ASSERT_EQ(0, wo_read_file(WO_SUMMARY, &buf, &len));
	if (strstr(buf, "rq_clock: available")) {
		unsigned int clk, cpu, nr, size;
		char *o = strstr(buf, "rq_offsets: ");

		EXPECT_NE(NULL, strstr(buf, "rq_clock_detail: validated on every possible CPU"));
		ASSERT_NE(NULL, o);
		ASSERT_EQ(4, sscanf(o, "rq_offsets: clock=%u cpu=%u nr_running=%u size=%u",
				    &clk, &cpu, &nr, &size));
		EXPECT_GE(size, clk + 8);
		EXPECT_GE(size, cpu + 4);
		/* 0: not used; otherwise inside the struct, past rq->__lock. */
		EXPECT_TRUE(!nr || (nr >= 4 && size >= nr + 4));
	}
	free(buf);

	/* An unprivileged user can open nothing and set nothing. */
	kid = fork();
	ASSERT_LE(0, kid);
	if (kid == 0) {
		int bad = 0;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		for (i = 0; i < NFILES; i++) {
			int fd;

			snprintf(path, sizeof(path), WO_DIR "/%s", wo_files[i]);
			fd = open(path, O_RDONLY);
			bad += fd >= 0 || (errno != EACCES && errno != EPERM);
			fd = open(path, O_WRONLY);
			bad += fd >= 0;
		}
		bad += open("/sys/module/wakeoff/parameters/tk_timeout_ms",
			    O_WRONLY) >= 0;
		bad += open("/sys/module/wakeoff/parameters/stacks",
			    O_WRONLY) >= 0;
		_exit(bad);
	}
	ASSERT_EQ(kid, waitpid(kid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	printf("# security: %u files root-only, %u text files and %u parameters free of kernel pointers\n",
	       (unsigned int)NFILES, nchecked, nparams);
	fflush(stdout);
}

TEST_HARNESS_MAIN
