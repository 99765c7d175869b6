// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of "wakeoff compare", TAP on stdout.  Two record files
 * written by the real writer (fixture.h) as two kernels would write
 * them: different kernel strings, CPU counts and clocksources,
 * WF_MIGRATED at different bits (file B's 0x20 means something else
 * and is set on every record: counting it would be the bug), different
 * clock offsets.  Each row must equal wo_report_from_trace() of its file;
 * the text, CSV and JSON outputs are checked; errors name the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "fixture.h"
#include "json_check.h"

#define NWK	40

static const char meta_b[] =
	"format: 1.0\nkernel: 6.8.0-test\ncpus_possible: 8\ncpus_online: 8\n"
	"clocksource: tsc\nmodule_version: 0.4.0\nrecord_abi: 1.3\n";
static const char flags_b[] =
	"WF_EXEC: 0x2\nWF_FORK: 0x4\nWF_TTWU: 0x8\nWF_SYNC: 0x10\n"
	"WF_RQ_SELECTED: 0x20\nWF_MIGRATED: 0x40\n";

static char path_a[64], path_b[64];

/* Write @buf to a new temporary file named into @path. */
static int write_tmp(char *path, const char *buf, size_t len)
{
	int fd;

	strcpy(path, "/tmp/wo-compare-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (!buf || write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* File A: 6.1 table, every 4th wakeup WF_MIGRATED (0x20), offset -20 ms. */
static int make_a(void)
{
	struct wakeoff_wakeup w[NWK];
	size_t len;
	char *buf;
	int i, rc;

	for (i = 0; i < NWK; i++) {
		w[i] = fx_wakeup((unsigned int)i, (unsigned int)i % 4, "a", 100);
		if (i % 4 == 0)
			w[i].final_flags |= 0x20;
	}
	buf = fx_build_from(fx_meta, fx_flags, w, NWK, &len);
	rc = write_tmp(path_a, buf, len);
	free(buf);
	return rc;
}

/* File B: its own table, every 2nd wakeup WF_MIGRATED (0x40), offset +5 ms. */
static int make_b(void)
{
	struct wakeoff_wakeup w[NWK];
	size_t len;
	char *buf;
	int i, rc;

	for (i = 0; i < NWK; i++) {
		w[i] = fx_wakeup((unsigned int)i, (unsigned int)i % 8, "b", 200);
		w[i].final_flags |= 0x20;
		if (i % 2 == 0)
			w[i].final_flags |= 0x40;
		w[i].tk_offset = 5000000 + i % 3;
		w[i].ts_tkread += 1000 * (uint64_t)i;
	}
	buf = fx_build_from(meta_b, flags_b, w, NWK, &len);
	rc = write_tmp(path_b, buf, len);
	free(buf);
	return rc;
}

/* The report "wakeoff report FILE" would print the numbers of. */
static int report_of(const char *path, struct wo_report *r)
{
	struct wo_trace t;
	char err[512];
	int rc;

	if (wo_trace_load(path, &t, err, sizeof(err)))
		return -1;
	rc = wo_report_from_trace(&t, r, err, sizeof(err));
	wo_trace_free(&t);
	return rc;
}

static bool same_numbers(const struct wo_report *a, const struct wo_report *b)
{
	return a->closed == b->closed && a->ncpus == b->ncpus &&
	       a->migrated_pct == b->migrated_pct &&
	       a->med_tk_migrated == b->med_tk_migrated &&
	       a->med_tk_local == b->med_tk_local &&
	       a->off_have == b->off_have && a->off_median == b->off_median &&
	       a->off_stable == b->off_stable &&
	       !strcmp(a->off_func, b->off_func) &&
	       !strcmp(a->kernel, b->kernel) &&
	       !strcmp(a->clocksource, b->clocksource);
}

static char *printed(const struct wo_cmp_row *rows, size_t n, enum wo_rformat fmt)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	wo_compare_print(rows, n, fmt, m);
	fclose(m);
	return out;
}

static void test_rows(const struct wo_cmp_row *rows)
{
	struct wo_report ra, rb;

	if (report_of(path_a, &ra) || report_of(path_b, &rb)) {
		TAP_OK(0, "report of each file");
		return;
	}
	TAP_OK(same_numbers(&rows[0].r, &ra) && same_numbers(&rows[1].r, &rb),
	       "each row's numbers equal wo_report_from_trace of its file");
	TAP_OK(!strcmp(rows[0].r.kernel, "6.1.0-56-amd64") &&
	       !strcmp(rows[1].r.kernel, "6.8.0-test") &&
	       rows[0].r.ncpus == 4 && rows[1].r.ncpus == 8 &&
	       !strcmp(rows[1].r.clocksource, "tsc"),
	       "kernel, CPUs, clocksource from each file's META");
	TAP_OK(rows[0].r.migrated_pct == 25.0 && rows[1].r.migrated_pct == 50.0,
	       "WF_MIGRATED decoded with each file's own table (%.2f%%, %.2f%%)",
	       rows[0].r.migrated_pct, rows[1].r.migrated_pct);
	TAP_OK(rows[0].r.off_median < -19000000 && rows[1].r.off_median > 4000000 &&
	       rows[0].r.off_stable && rows[1].r.off_stable,
	       "offset medians per file (%lld, %lld ns), both stable",
	       (long long)rows[0].r.off_median, (long long)rows[1].r.off_median);
	wo_report_free(&ra);
	wo_report_free(&rb);
}

/* Each line of @s has @fields comma-separated fields (no quoting here). */
static bool csv_shape(const char *s, int lines, int fields)
{
	int nl = 0, nf = 1;

	for (; *s; s++) {
		if (*s == ',')
			nf++;
		if (*s != '\n')
			continue;
		if (nf != fields)
			return false;
		nl++;
		nf = 1;
	}
	return nl == lines;
}

static void test_outputs(const struct wo_cmp_row *rows)
{
	char *s = printed(rows, 2, WO_FMT_TEXT), med_a[64], med_b[64], tk_b[96];

	TAP_OK(strstr(s, path_a) && strstr(s, path_b) && strstr(s, "6.8.0-test") &&
	       strstr(s, "25.00%") && strstr(s, "50.00%") && strstr(s, " stable"),
	       "text: a row per file with kernel, share and offset");
	free(s);
	s = printed(rows, 2, WO_FMT_CSV);
	TAP_OK(csv_shape(s, 3, 11) && !strncmp(s, "file,kernel,cpus,", 17) &&
	       strstr(s, ",6.8.0-test,8,tsc,40,50.00,"),
	       "CSV: header and a row per file, 11 fields each");
	free(s);
	s = printed(rows, 2, WO_FMT_JSON);
	TAP_OK(!json_check(s), "JSON is valid");
	snprintf(med_a, sizeof(med_a), "\"median_ns\": %lld,", (long long)rows[0].r.off_median);
	snprintf(med_b, sizeof(med_b), "\"median_ns\": %lld,", (long long)rows[1].r.off_median);
	snprintf(tk_b, sizeof(tk_b), "{\"migrated\": %llu, \"local\": %llu}",
		 (unsigned long long)rows[1].r.med_tk_migrated,
		 (unsigned long long)rows[1].r.med_tk_local);
	TAP_OK(strstr(s, "\"kernel\": \"6.1.0-56-amd64\", \"cpus\": 4") &&
	       strstr(s, "\"wf_migrated_pct\": 50.00") && strstr(s, tk_b) &&
	       strstr(s, med_a) && strstr(s, med_b),
	       "JSON: the numbers of each file");
	free(s);
}

static void test_errors(void)
{
	struct wo_cmp_row rows[2];
	char *paths[2] = { path_a, "/nonexistent/x.wo" }, err[512], bad[64];
	static const char junk[] = "WAKEOFF1\x01\x02";

	TAP_OK(wo_compare_load(paths, 2, rows, err, sizeof(err)) &&
	       !strncmp(err, "/nonexistent/x.wo: ", 19),
	       "a missing file: the error names it (%s)", err);
	if (write_tmp(bad, junk, sizeof(junk) - 1))
		return;
	paths[1] = bad;
	TAP_OK(wo_compare_load(paths, 2, rows, err, sizeof(err)) &&
	       !strncmp(err, bad, strlen(bad)),
	       "a corrupt file: the error names it (%s)", err);
	unlink(bad);
}

int main(void)
{
	struct wo_cmp_row rows[2];
	char *paths[2] = { path_a, path_b }, err[512];

	printf("TAP version 13\n");
	if (make_a() || make_b()) {
		printf("Bail out! cannot write the fixture files\n");
		return 1;
	}
	TAP_OK(!wo_compare_load(paths, 2, rows, err, sizeof(err)), "two files load");
	test_rows(rows);
	test_outputs(rows);
	wo_compare_free(rows, 2);
	test_errors();
	unlink(path_a);
	unlink(path_b);
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
