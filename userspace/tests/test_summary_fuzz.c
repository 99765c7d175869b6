// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side fuzzing of the summary parser (built with ASan and UBSan):
 * random bytes, truncations at every offset, flipped, inserted and
 * deleted bytes, NULs and duplicated lines.  Every input either parses
 * into well-formed keys and values or fails with a message naming the
 * line; nothing reads out of bounds or leaks (ASan would abort).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/summary.h"

static const char sample[] =
	"wakeoff_version: 0.3.0\nrecord_abi: 1.1\nkernel: 6.1.0-56-amd64\n"
	"state: recording\ncpus_possible: 4\nfilter: none\n"
	"hook.sched_waking: attached\nwakeups: 12040\n"
	"records.recorded: 72\nrecords.dropped_full: 11968\n"
	"run.8.label: concurrent\ncpu0.wakeups: 3011\n"
	"wake_flags_table: WF_EXEC=0x2 WF_SYNC=0x10\n";

static uint64_t rng = 88172645463325252ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static int key_ok(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '.'))
			return 0;
	return 1;
}

static long n_ok, n_err, n_bad;

static void one(const char *buf, size_t len)
{
	struct wo_summary s;
	char err[128];
	uint64_t v;
	size_t i;

	err[0] = '\0';
	if (wo_summary_parse(buf, len, &s, err, sizeof(err))) {
		n_err++;
		if (strncmp(err, "line ", 5))
			n_bad++;
		return;
	}
	n_ok++;
	for (i = 0; i < s.n; i++) {
		if (!key_ok(s.kv[i].key) || !s.kv[i].value ||
		    wo_summary_get(&s, s.kv[i].key) != s.kv[i].value)
			n_bad++;
		wo_summary_get_u64(&s, s.kv[i].key, &v);
	}
	wo_summary_free(&s);
}

int main(void)
{
	static char buf[4096];
	size_t len = sizeof(sample) - 1, n, i, at;
	long total = 0, k;

	/* Every truncation of a good file. */
	for (n = 0; n <= len; n++, total++) {
		char *t = malloc(n ? n : 1);

		memcpy(t, sample, n);	/* exact size: ASan sees overreads */
		one(t, n);
		free(t);
	}
	for (k = 0; k < 200000; k++, total++) {
		memcpy(buf, sample, len);
		n = len;
		switch (rnd() % 4) {
		case 0:	/* random bytes */
			n = rnd() % 300;
			for (i = 0; i < n; i++)
				buf[i] = (char)rnd();
			break;
		case 1:	/* a 23-byte chunk repeated at the end */
			at = rnd() % 5;
			memcpy(buf + n, sample + 23 * at, 23);
			n += 23;
			break;
		default:	/* 1-4 bytes flipped, inserted, deleted */
			for (i = 1 + rnd() % 4; i > 0; i--) {
				at = rnd() % n;
				switch (rnd() % 3) {
				case 0:
					buf[at] = (char)rnd();
					break;
				case 1:
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = rnd() % 2 ? (char)rnd() : '\0';
					n++;
					break;
				default:
					memmove(buf + at, buf + at + 1, n - at - 1);
					n--;
				}
			}
			n = rnd() % 8 ? n : rnd() % (n + 1);	/* and cut */
		}
		{
			char *t = malloc(n ? n : 1);

			memcpy(t, buf, n);
			one(t, n);
			free(t);
		}
	}
	printf("# summary parser fuzz: %ld inputs, %ld parsed, %ld rejected with a line number\n",
	       total, n_ok, n_err);
	printf("%s 1 - fuzzed summaries parse or fail cleanly (%ld inputs)\n",
	       n_bad ? "not ok" : "ok", total);
	printf("%s 2 - corrupt inputs are rejected\n", n_err > total / 4 ? "ok" : "not ok");
	printf("1..2\n");
	return n_bad != 0 || n_err <= total / 4;
}
