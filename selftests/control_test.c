// SPDX-License-Identifier: GPL-2.0
/*
 * The control file: good commands work, bad ones get -EINVAL and a
 * reason, and nothing a writer sends can make the module misbehave.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

FIXTURE(ctl) {
	int unused;
};

FIXTURE_SETUP(ctl)
{
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
}

FIXTURE_TEARDOWN(ctl)
{
	wo_unload();
}

static int write_raw(const char *buf, size_t len)
{
	int fd = open(WO_CONTROL, O_WRONLY | O_CLOEXEC);
	ssize_t w;
	int e;

	if (fd < 0)
		return -errno;
	w = write(fd, buf, len);
	e = errno;
	close(fd);
	return w < 0 ? -e : 0;
}

static char *control_value(const char *key)
{
	struct wo_summary s;
	char *buf, err[128], *v = NULL;
	size_t len;

	if (wo_read_file(WO_CONTROL, &buf, &len))
		return NULL;
	if (!wo_summary_parse(buf, len, &s, err, sizeof(err))) {
		if (wo_summary_get(&s, key))
			v = strdup(wo_summary_get(&s, key));
		wo_summary_free(&s);
	}
	free(buf);
	return v;
}

TEST_F(ctl, good_commands)
{
	struct wo_summary s;

	ASSERT_EQ(0, wo_control("stop\n"));
	ASSERT_EQ(0, wo_summary_read(&s));
	EXPECT_STREQ("stopped", wo_summary_get(&s, "state"));
	wo_summary_free(&s);
	ASSERT_EQ(0, wo_control("start"));
	ASSERT_EQ(0, wo_control("filter pid 1"));
	ASSERT_EQ(0, wo_control("filter comm  cat"));
	ASSERT_EQ(0, wo_summary_read(&s));
	EXPECT_STREQ("pid=1 comm=cat", wo_summary_get(&s, "filter"));
	wo_summary_free(&s);
	ASSERT_EQ(0, wo_control("filter clear"));
	/* The largest usable run id. */
	ASSERT_EQ(0, wo_control("run 18446744073709551614 last"));
	ASSERT_EQ(0, wo_summary_read(&s));
	EXPECT_STREQ("18446744073709551614", wo_summary_get(&s, "run_id"));
	EXPECT_STREQ("last", wo_summary_get(&s, "run.18446744073709551614.label"));
	wo_summary_free(&s);
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_summary_read(&s));
	EXPECT_STREQ("recording", wo_summary_get(&s, "state"));
	EXPECT_STREQ("none", wo_summary_get(&s, "filter"));
	wo_summary_free(&s);
}

/* reset clears every counter while recording is stopped. */
TEST_F(ctl, reset_zeroes_counters)
{
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	EXPECT_EQ(0, wo_summary_u64("events.sched_waking"));
	EXPECT_EQ(0, wo_summary_u64("events.sched_switch"));
	EXPECT_EQ(0, wo_summary_u64("cpu0.sched_switch"));
	/* reset keeps the state it found. */
	EXPECT_EQ(0, wo_control("start"));
}

TEST_F(ctl, bad_commands_rejected)
{
	static const char * const bad[] = {
		"", "\n", "bogus", "start now", "stop stop", "filter",
		"filter pid", "filter pid -1", "filter pid 0", "filter pid 12x",
		"filter pid 99999999999999", "filter tgid abc",
		"filter comm", "filter comm 0123456789abcdef",
		"filter comm a b", "filter clear all", "filter uid 0",
		"filter cgroup", "filter cgroup relative", "filter cgroup / /",
		"start\nstop", "reset\n\n",
		"run", "run x", "run -1", "run 18446744073709551616", "run 1x",
		"run 1 0123456789012345678901234567890123456789012345678901234567890123",
		"run 1 tab\there",
		/* The id that means "no run" inside the module. */
		"run 18446744073709551615", "run 18446744073709551615 label",
	};
	char big[1024];
	unsigned int i;
	char *why;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, write_raw(bad[i], strlen(bad[i]))) {
			TH_LOG("command '%s' was accepted", bad[i]);
		}
		why = control_value("last_error");
		ASSERT_NE(NULL, why);
		EXPECT_STRNE("none", why) {
			TH_LOG("no reason for '%s'", bad[i]);
		}
		free(why);
	}
	/* The reserved run id is named as such. */
	EXPECT_EQ(-EINVAL, wo_control("run 18446744073709551615"));
	why = control_value("last_error");
	ASSERT_NE(NULL, why);
	EXPECT_NE(NULL, strstr(why, "reserved")) {
		TH_LOG("last_error: %s", why);
	}
	free(why);
	EXPECT_EQ(-EINVAL, write_raw("start\0x", 7));
	EXPECT_EQ(-EINVAL, write_raw("filter comm \x01", 13));
	memset(big, 'a', sizeof(big));
	EXPECT_EQ(-EINVAL, write_raw(big, sizeof(big)));
	/* A good command clears the error. */
	ASSERT_EQ(0, wo_control("start"));
	why = control_value("last_error");
	ASSERT_NE(NULL, why);
	EXPECT_STREQ("none", why);
	free(why);
}

/* A label line of summary text @buf mixing 'A' and 'B'; NULL if none. */
static const char *torn_label(const char *buf, char *line, size_t cap)
{
	const char *p = buf;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len < cap && ((!strncmp(p, "run_label: ", 11)) ||
				  (!strncmp(p, "run.1.label: ", 13)))) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (strchr(line, 'A') && strchr(line, 'B'))
				return line;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/*
 * The run label is printed whole: a writer switches run 1's 63-byte
 * label between all A and all B while the summary is read in a loop;
 * no label line may mix them.
 */
TEST_F_TIMEOUT(ctl, run_label_never_torn, 600)
{
	char a[80], b[80], line[256], *buf;
	long i, n = wo_iters(3000), torn = 0;
	int status = 0;
	size_t len;
	pid_t w;

	snprintf(a, sizeof(a), "run 1 %.63s",
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	snprintf(b, sizeof(b), "run 1 %.63s",
		 "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
	ASSERT_EQ(0, wo_control(a));
	w = fork();
	ASSERT_LE(0, w);
	if (w == 0) {
		int fd = open(WO_CONTROL, O_WRONLY | O_CLOEXEC);

		if (fd < 0)
			_exit(1);
		for (i = 0;; i++) {
			const char *c = i % 2 ? a : b;

			if (write(fd, c, strlen(c)) < 0)
				_exit(1);
		}
	}
	for (i = 0; i < n; i++) {
		const char *t;

		ASSERT_EQ(0, wo_read_file(WO_SUMMARY, &buf, &len));
		t = torn_label(buf, line, sizeof(line));
		if (t && torn++ < 5)
			TH_LOG("read %ld: %s", i, t);
		free(buf);
	}
	kill(w, SIGKILL);
	waitpid(w, &status, 0);
	EXPECT_TRUE(WIFSIGNALED(status));
	printf("# %ld summary reads under label writes: %ld torn labels\n",
	       n, torn);
	fflush(stdout);
	EXPECT_EQ(0, torn);
}

/* Random binary input never crashes or wedges the module. */
TEST_F(ctl, random_input)
{
	unsigned char buf[300];
	unsigned int i, j;
	int rc;

	srand(42);
	for (i = 0; i < 2000; i++) {
		size_t len = 1 + (size_t)rand() % sizeof(buf);

		for (j = 0; j < len; j++)
			buf[j] = (unsigned char)rand();
		rc = write_raw((const char *)buf, len);
		ASSERT_TRUE(rc == 0 || rc == -EINVAL);
	}
	ASSERT_EQ(0, wo_control("filter clear"));
	ASSERT_EQ(0, wo_control("start"));
	ASSERT_EQ(0, wo_bad_taint());
}

TEST_HARNESS_MAIN
