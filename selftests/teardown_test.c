// SPDX-License-Identifier: GPL-2.0
/*
 * Teardown: insmod/rmmod cycles under load with a reader blocked in
 * read(), rmmod refused while any file is open, and frames of an
 * unloaded module printed as [unknown].
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
 * 50 insmod/rmmod cycles while two ping-pong pairs wake each other:
 * each cycle a reader blocks in read(); rmmod must then fail cleanly
 * (the open file pins the module); the reader is killed in the middle
 * of its read and rmmod succeeds.
 */
TEST_F_TIMEOUT(unloaded, cycles_with_blocked_reader, 900)
{
	long i, n = wo_iters(50), busy_refusals = 0;
	struct wo_pingpong pp[2];
	int j, st;

	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], 0));
		wo_pingpong_go(&pp[j]);
	}
	for (i = 0; i < n; i++) {
		struct wo_summary s;
		pid_t r;
		int rc;

		ASSERT_EQ(0, wo_load(i % 2 ? "bufsize_kb=4" : NULL)) {
			TH_LOG("load %ld", i);
		}
		r = blocked_reader();
		ASSERT_LT(0, r);
		usleep(i % 3 ? 20000 : 1000);
		ASSERT_EQ(0, wo_summary_read(&s));
		wo_summary_free(&s);
		rc = wo_unload();
		EXPECT_TRUE(in_use_error(rc)) {
			TH_LOG("cycle %ld: rmmod with a reader gave %d", i, rc);
		}
		busy_refusals += in_use_error(rc);
		ASSERT_TRUE(wo_is_loaded());
		ASSERT_EQ(0, kill(r, SIGKILL));
		ASSERT_EQ(r, waitpid(r, &st, 0));
		/* Killed inside read(), not ended by a read error. */
		EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
			TH_LOG("cycle %ld: reader status 0x%x", i, st);
		}
		ASSERT_EQ(0, unload_patiently()) {
			TH_LOG("unload %ld", i);
		}
		ASSERT_EQ(0, wo_bad_taint());
	}
	for (j = 0; j < 2; j++)
		wo_pingpong_kill(&pp[j]);
	printf("# teardown: %ld insmod/rmmod cycles survived under load, %ld rmmods refused while a reader blocked in read()\n",
	       n, busy_refusals);
	fflush(stdout);
	EXPECT_EQ(n, busy_refusals);
}

/* Any open file pins the module: rmmod fails cleanly, the file still works. */
TEST_F(loaded, rmmod_refused_while_any_file_open)
{
	char buf[4096];
	unsigned int i;
	int fd, rc;

	for (i = 0; i < NFILES; i++) {
		char path[128];
		ssize_t r;

		snprintf(path, sizeof(path), WO_DIR "/%s", wo_files[i]);
		fd = open(path, O_RDONLY | O_NONBLOCK);
		ASSERT_LE(0, fd) {
			TH_LOG("%s: %s", path, strerror(errno));
		}
		rc = wo_unload();
		EXPECT_TRUE(in_use_error(rc)) {
			TH_LOG("rmmod with %s open gave %d", path, rc);
		}
		ASSERT_TRUE(wo_is_loaded());
		r = read(fd, buf, sizeof(buf));
		if (!strcmp(wo_files[i], "events")) {
			EXPECT_TRUE(r > 0 || (r < 0 && errno == EAGAIN));
		} else {
			EXPECT_LT(0, r);
		}
		close(fd);
	}
	ASSERT_EQ(0, unload_patiently());
	ASSERT_EQ(0, wo_bad_taint());
}

#define TW_NAME	"wo_test_waker"
#define TW_FILE	"/sys/kernel/debug/" TW_NAME

/* Lines of @text that start with @prefix (any if NULL) and contain @needle. */
static int count_lines(const char *text, const char *prefix,
		       const char *needle)
{
	const char *l, *e;
	int n = 0;

	for (l = text; *l; l = *e ? e + 1 : e) {
		e = strchrnul(l, '\n');
		if (prefix && strncmp(l, prefix, strlen(prefix)))
			continue;
		if (memmem(l, e - l, needle, strlen(needle)))
			n++;
	}
	return n;
}

/*
 * A waker frame that no longer resolves to a symbol (an unloaded module,
 * a BPF program or trampoline gone since) prints as "[unknown]" in the
 * stacks file and in the summary's frames, never as an address.  The
 * frame is real: wo_test_waker.ko (built per kernel next to wakeoff.ko
 * by make check) wakes a reader from its own write handler, and is
 * unloaded before the files are read.  It is loaded before wakeoff: the
 * other way round its text takes the place of wakeoff's init text, freed
 * after the load, whose name ftrace keeps for that range while wakeoff
 * is loaded (ftrace_mod_address_lookup()), and the frame then reads
 * "wakeoff_init+0x28/0x1000 [wakeoff]" once the test module is gone.
 */
TEST_F_TIMEOUT(unloaded, unresolved_frame_prints_unknown, 120)
{
	char dir[512], path[600], cmd[64], what[64], c = 'x', *buf;
	long i, rounds = 200;
	size_t len;
	int fd, status;
	pid_t kid;

	snprintf(dir, sizeof(dir), "%s", wo_ko_path());
	snprintf(path, sizeof(path), "%s/" TW_NAME ".ko", dirname(dir));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "no %s (make check builds it)", path);
	syscall(SYS_delete_module, TW_NAME, O_NONBLOCK);	/* a leftover */
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0)) {
		TH_LOG("load %s: %s", path, strerror(errno));
	}
	close(fd);
	ASSERT_EQ(0, wo_load(NULL));
	/*
	 * Each its own open file: a blocked read() on a shared one would
	 * hold its f_pos lock and the write() would wait on it.
	 */
	kid = fork();
	ASSERT_LE(0, kid);
	if (kid == 0) {
		fd = open(TW_FILE, O_RDONLY | O_CLOEXEC);
		for (i = 0; fd >= 0 && i < rounds; i++)
			if (read(fd, &c, 1) < 0)
				_exit(1);
		_exit(fd < 0 ? 2 : 0);
	}
	fd = open(TW_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	snprintf(cmd, sizeof(cmd), "filter pid %d", kid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < rounds; i++) {
		ASSERT_EQ(1, write(fd, &c, 1));
		usleep(1000);	/* the reader sleeps again: a real wakeup */
	}
	ASSERT_EQ(kid, waitpid(kid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
	ASSERT_EQ(0, wo_control("stop"));

	/* Loaded, the module's frame has its name. */
	ASSERT_EQ(0, wo_read_file(WO_DIR "/stacks", &buf, &len));
	EXPECT_LT(0, count_lines(buf, NULL, "wo_test_waker_write")) {
		TH_LOG("no cluster names the test module's waker:\n%s", buf);
	}
	free(buf);
	ASSERT_EQ(0, syscall(SYS_delete_module, TW_NAME, O_NONBLOCK)) {
		TH_LOG("unload " TW_NAME ": %s", strerror(errno));
	}

	/* Unloaded, the same frame has none: "[unknown]", no address. */
	ASSERT_EQ(0, wo_read_file(WO_DIR "/stacks", &buf, &len));
	EXPECT_EQ(0, has_pointer(buf, what, sizeof(what))) {
		TH_LOG("stacks prints '%s'", what);
	}
	EXPECT_EQ(0, count_lines(buf, NULL, "wo_test_waker"));
	EXPECT_LT(0, count_lines(buf, "  ", "[unknown]")) {
		TH_LOG("no [unknown] frame in stacks:\n%s", buf);
	}
	free(buf);
	ASSERT_EQ(0, wo_read_file(WO_SUMMARY, &buf, &len));
	EXPECT_EQ(0, has_pointer(buf, what, sizeof(what))) {
		TH_LOG("summary prints '%s'", what);
	}
	EXPECT_LT(0, count_lines(buf, "stack.", " [unknown]")) {
		TH_LOG("no [unknown] frame in the summary's stack.N.frames");
	}
	free(buf);
}

TEST_HARNESS_MAIN
