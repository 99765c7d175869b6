// SPDX-License-Identifier: GPL-2.0
/* Host-side unit tests of the summary parser (TAP output). */
#include <stdio.h>
#include <string.h>

#include "../lib/summary.h"

#include "tap_check.h"

static int parses(const char *text, size_t len)
{
	struct wo_summary s;
	char err[128];
	int rc = wo_summary_parse(text, len, &s, err, sizeof(err));

	if (!rc)
		wo_summary_free(&s);
	return rc == 0;
}

int main(void)
{
	const char *good = "kernel: 6.1.0-56-amd64\nstate: recording\n"
			   "events.sched_waking: 42\n\ncpu0.sched_switch: 7\n";
	struct wo_summary s;
	char err[128];
	uint64_t v = 0;

	CHECK(wo_summary_parse(good, strlen(good), &s, err, sizeof(err)) == 0,
	      "well-formed summary parses");
	CHECK(s.n == 4, "empty lines are skipped");
	CHECK(wo_summary_get(&s, "kernel") &&
	      !strcmp(wo_summary_get(&s, "kernel"), "6.1.0-56-amd64"),
	      "string value");
	CHECK(wo_summary_get_u64(&s, "events.sched_waking", &v) == 0 && v == 42,
	      "u64 value");
	CHECK(wo_summary_get_u64(&s, "state", &v) == -1, "non-number rejected");
	CHECK(wo_summary_get(&s, "missing") == NULL, "missing key");
	wo_summary_free(&s);

	CHECK(parses("a: 1", 4), "no trailing newline");
	CHECK(!parses("a 1\n", 4), "missing colon rejected");
	CHECK(!parses(": 1\n", 4), "empty key rejected");
	CHECK(!parses("a:1\n", 4), "missing space rejected");
	CHECK(!parses("a:\n", 3), "missing value rejected");
	CHECK(!parses("a b: 1\n", 7), "space in key rejected");
	CHECK(!parses("a: 1\na: 2\n", 10), "duplicate key rejected");
	CHECK(!parses("a: \0\n", 5), "NUL byte rejected");
	CHECK(wo_summary_parse("x\n", 2, &s, err, sizeof(err)) == -1 &&
	      !strncmp(err, "line 1:", 7), "error names the line");

	printf("1..%d\n", n_test);
	return n_fail != 0;
}
