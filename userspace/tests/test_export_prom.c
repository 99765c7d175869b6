// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff export --prometheus-textfile, on the host: a summary file in a
 * directory that WAKEOFF_DIR points at stands for the module.  Checks the
 * exposition grammar (one TYPE per family, before its samples), the values
 * against the summary text itself, the interval, the atomic replacement
 * (a new inode per write, no FILE.tmp left), wakeoff_up 0 without a
 * module, and the argument errors.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "export_prom.h"
#include "summary.h"
#include "tap_check.h"

static const char sum[] =
	"wakeoff_version: 0.4.0\nkernel: 6.12.117+deb12-amd64\ncpus_possible: 2\n"
	"clocksource: tsc\nwakeups: 1234\nwakeups_closed: 1200\nwf_migrated: 300\n"
	"wakeups_untracked_table_full: 5\nwakeups_untracked_busy: 2\n"
	"cpu0.wakeups: 700\ncpu0.recorded: 690\ncpu0.dropped: 10\n"
	"cpu1.wakeups: 534\ncpu1.recorded: 534\ncpu1.dropped: 0\n"
	"headline.offset_clock: monotonic\nheadline.offset_function: __x64_sys_clock_gettime\n"
	"headline.offset_median_ns: -100\nheadline.offset_spread_ns: 50\n"
	"headline.offset_p1_p99_ns: 20\nheadline.offset_stable: yes\n"
	"class.all.count: 1200\nclass.all.ttwu_to_tkread_ns.count: 800\n"
	"class.all.ttwu_to_tkread_ns.p50: 4000\nclass.all.ttwu_to_tkread_ns.p90: 7000\n"
	"class.all.ttwu_to_tkread_ns.p99: 8000\nclass.all.ttwu_to_tkread_ns.max: 9000\n"
	"class.migrated.count: 300\nclass.local.count: 900\n"
	"flags.0x30.name: WF_SYNC|WF_MIGRATED\nflags.0x30.count: 300\n";

/* The summary's own value of @key, read from the text above. */
static uint64_t sum_u64(const char *key)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	p = strstr(sum, pat);
	return p ? strtoull(p + strlen(pat), NULL, 10) : UINT64_MAX;
}

/* name{l="v",...} value, or name value; returns the name's length or 0. */
static size_t sample_ok(const char *l)
{
	const char *p = l;
	size_t n;
	char *end;

	if (!isalpha((unsigned char)*p) && *p != '_' && *p != ':')
		return 0;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
		p++;
	n = (size_t)(p - l);
	if (*p == '{') {
		for (p++; *p != '}'; ) {
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			if (p[0] != '=' || p[1] != '"')
				return 0;
			for (p += 2; *p && *p != '"'; p++)
				if (*p == '\\' && !*++p)
					return 0;
			if (*p++ != '"')
				return 0;
			if (*p == ',')
				p++;
			else if (*p != '}')
				return 0;
		}
		p++;
	}
	if (*p++ != ' ')
		return 0;
	strtod(p, &end);
	return end != p && !*end ? n : 0;
}

/*
 * Every line a HELP, a TYPE or a sample; each family typed once, before
 * its samples; a quantile label only on a summary.  Returns the number of bad lines.
 */
static int grammar_errors(char *text, int *samples)
{
	char typed[64][80], types[64][16];
	int ntyped = 0, bad = 0, i;
	char *l, *save;

	*samples = 0;
	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[80], type[16];
		size_t n;

		if (!strncmp(l, "# HELP ", 7))
			continue;
		if (sscanf(l, "# TYPE %79s %15s", name, type) == 2) {
			for (i = 0; i < ntyped; i++)
				bad += !strcmp(typed[i], name);
			if (ntyped < 64) {
				snprintf(types[ntyped], sizeof(types[0]), "%s", type);
				snprintf(typed[ntyped++], sizeof(typed[0]), "%s", name);
			}
			continue;
		}
		n = sample_ok(l);
		if (!n || n >= sizeof(name)) {
			printf("# bad line: %s\n", l);
			bad++;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)n, l);
		for (i = 0; i < ntyped && strcmp(typed[i], name); i++)
			;
		if (i == ntyped) {
			printf("# sample before its TYPE: %s\n", l);
			bad++;
		} else if (strstr(l, "quantile=\"") && strcmp(types[i], "summary")) {
			/* promtool's lint: only a summary has quantiles. */
			printf("# quantile label on a %s: %s\n", types[i], l);
			bad++;
		}
		(*samples)++;
	}
	return bad;
}

static char *slurp(const char *path)
{
	char *buf;
	size_t len;

	return wo_read_file(path, &buf, &len) ? NULL : buf;
}

static int run(int argc, char **argv)
{
	int rc = cmd_export_prom(argc, argv);

	fflush(stdout);
	return rc;
}

static void write_summary(const char *dir)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/summary", dir);
	f = fopen(p, "w");
	if (f) {
		fputs(sum, f);
		fclose(f);
	}
}

static void test_live(const char *dir, const char *prom)
{
	char *argv[] = { "export", "--prometheus-textfile", (char *)prom, "-i", "1",
			 "--count", "2", NULL };
	char tmp[320], want[96], *text;
	struct timespec a, b;
	struct stat st0;
	int rc, bad, samples;
	double dt;

	setenv("WAKEOFF_DIR", dir, 1);
	write_summary(dir);
	/* An older file at FILE: the exporter replaces it, not rewrites it. */
	fclose(fopen(prom, "w"));
	stat(prom, &st0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = run(7, argv);
	clock_gettime(CLOCK_MONOTONIC, &b);
	dt = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	CHECK(rc == 0, "two writes from a summary: exit 0");
	CHECK(dt >= 0.99 && dt < 3, "the second write one interval after the first");
	{
		struct stat st1;

		CHECK(!stat(prom, &st1) && st1.st_ino != st0.st_ino && st1.st_size > 0,
		      "FILE replaced by rename (new inode)");
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", prom);
	CHECK(access(tmp, F_OK) && errno == ENOENT, "no FILE.tmp left behind");
	text = slurp(prom);
	if (!text) {
		CHECK(0, "FILE readable");
		return;
	}
	snprintf(want, sizeof(want), "\nwakeoff_wakeups_total %" PRIu64 "\n", sum_u64("wakeups"));
	CHECK(strstr(text, want) != NULL, "wakeoff_wakeups_total = summary wakeups");
	snprintf(want, sizeof(want), "\nwakeoff_wakeups_closed_total %" PRIu64 "\n",
		 sum_u64("wakeups_closed"));
	CHECK(strstr(text, want) != NULL, "wakeoff_wakeups_closed_total = summary wakeups_closed");
	snprintf(want, sizeof(want), "\nwakeoff_wakeups_untracked_total %" PRIu64 "\n",
		 sum_u64("wakeups_untracked_table_full") + sum_u64("wakeups_untracked_busy"));
	CHECK(strstr(text, want) != NULL, "untracked = table_full + busy");
	snprintf(want, sizeof(want), "\nwakeoff_records_dropped_total{cpu=\"0\"} %" PRIu64 "\n",
		 sum_u64("cpu0.dropped"));
	CHECK(strstr(text, want) != NULL, "cpu0 dropped");
	snprintf(want, sizeof(want), "quantile=\"0.5\"} %.9f\n",
		 sum_u64("class.all.ttwu_to_tkread_ns.p50") / 1e9);
	CHECK(strstr(text, want) != NULL, "class all ttwu->tkread p50 in seconds");
	CHECK(strstr(text, "\nwakeoff_up 1\n") != NULL, "wakeoff_up 1");
	bad = grammar_errors(text, &samples);
	printf("# %d samples\n", samples);
	CHECK(!bad && samples > 10, "exposition grammar, one TYPE per family before its samples");
	free(text);
}

static void test_down(const char *dir, const char *prom)
{
	char *argv[] = { "export", "--prometheus-textfile", (char *)prom, "-i", "5",
			 "--count", "1", NULL };
	char gone[320], *text;
	int rc, samples;

	snprintf(gone, sizeof(gone), "%s/no-module", dir);
	setenv("WAKEOFF_DIR", gone, 1);
	rc = run(7, argv);
	text = slurp(prom);
	CHECK(rc == 1, "no summary: exit 1");
	CHECK(text && !strcmp(strstr(text, "\nwakeoff_up ") ?: "", "\nwakeoff_up 0\n") &&
	      !grammar_errors(text, &samples) && samples == 1,
	      "no summary: the file says wakeoff_up 0 and nothing else");
	free(text);
}

static void test_errors(const char *dir)
{
	char bad[340], err[512];
	char *a1[] = { "export", "--prometheus-textfile", bad, "-i", "0", NULL };
	char *a2[] = { "export", "--prometheus-textfile", bad, "-i", "1x", NULL };
	char *a3[] = { "export", "--prometheus-textfile", bad, NULL };
	char *a4[] = { "export", "--prometheus-textfile", bad, "-i", "1", "--count", "-1", NULL };

	snprintf(bad, sizeof(bad), "%s/missing-dir/wakeoff.prom", dir);
	CHECK(wo_prom_write_file(bad, NULL, err, sizeof(err)) == -1 &&
	      strstr(err, "missing-dir/wakeoff.prom.tmp") && access(bad, F_OK),
	      "a missing directory: -1, the path in the message, nothing written");
	CHECK(run(5, a1) == 2 && run(5, a2) == 2 && run(3, a3) == 2 && run(7, a4) == 2,
	      "-i 0, -i 1x, no -i, --count -1: usage errors (exit 2)");
}

int main(void)
{
	char dir[] = "/tmp/wo-prom-XXXXXX", prom[300], cmd[320];

	printf("TAP version 13\n");
	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP no temp dir\n");
		return 0;
	}
	snprintf(prom, sizeof(prom), "%s/wakeoff.prom", dir);
	test_live(dir, prom);
	test_down(dir, prom);
	test_errors(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
