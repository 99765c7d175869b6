// SPDX-License-Identifier: GPL-2.0
/*
 * The control file: good commands work, bad ones get -EINVAL and a
 * reason, and nothing a writer sends can make the module misbehave.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
