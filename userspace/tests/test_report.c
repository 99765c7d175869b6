// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the analysis: the log-linear histogram and its
 * percentiles against brute-force sorting on random data, the report
 * built from a record file and from a live summary, and every output
 * format (CSV quoting, JSON syntax, Prometheus exposition grammar).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "hist.h"
#include "report.h"
#include "../../module/uapi/wakeoff_keys.h"

static int cmp_u(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void test_buckets(void)
{
	uint64_t v;
	unsigned int i, bad = 0, prev = 0, mono = 1;

	for (i = 0; i < 200000; i++) {
		unsigned int b;

		v = i < 100000 ? i : fx_rnd() >> (fx_rnd() % 64);
		b = wakeoff_hist_bucket(v);
		if (b >= WAKEOFF_HIST_BUCKETS || v < wakeoff_hist_lower(b) ||
		    v > wakeoff_hist_upper(b))
			bad++;
		if (v >= 16 && b < WAKEOFF_HIST_BUCKETS - 1 &&
		    (wakeoff_hist_upper(b) - wakeoff_hist_lower(b)) * 16 > v)
			bad++;
		if (i < 100000) {
			mono &= b >= prev;
			prev = b;
		}
	}
	TAP_OK(!bad, "200000 values lie in their bucket, width <= 1/16 of the value");
	TAP_OK(mono, "bucket index is monotonic over 0..99999");
	TAP_OK(wakeoff_hist_bucket(~0ULL) == WAKEOFF_HIST_BUCKETS - 1 &&
	       wakeoff_hist_upper(WAKEOFF_HIST_BUCKETS - 1) == ~0ULL,
	       "the last bucket is open-ended");
}

static void test_percentiles(void)
{
	static const unsigned int pcts[] = { 1, 10, 50, 90, 99, 100 };
	unsigned int trial, checks = 0, bad = 0, inb = 0;

	for (trial = 0; trial < 300; trial++) {
		size_t n = 1 + fx_rnd() % (trial < 50 ? 10 : 5000), i, k;
		uint64_t *v = malloc(n * sizeof(*v));
		struct wo_uhist *h = calloc(1, sizeof(*h));

		for (i = 0; i < n; i++) {
			switch (trial % 4) {
			case 0:	/* uniform small */
				v[i] = fx_rnd() % 1000;
				break;
			case 1:	/* log-uniform, ns to seconds */
				v[i] = fx_rnd() >> (30 + fx_rnd() % 34);
				break;
			case 2:	/* few distinct values */
				v[i] = 1000 * (fx_rnd() % 3);
				break;
			default:	/* heavy tail */
				v[i] = fx_rnd() % 100 ? 20000 + fx_rnd() % 5000 : fx_rnd() % 40000000;
			}
			wo_uhist_add(h, v[i]);
		}
		qsort(v, n, sizeof(*v), cmp_u);
		for (k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
			size_t rank = (n * pcts[k] + 99) / 100;
			uint64_t exact, got, up;
			unsigned int b;

			if (!rank)
				rank = 1;
			exact = v[rank - 1];
			b = wakeoff_hist_bucket(exact);
			up = wakeoff_hist_upper(b);
			got = wo_uhist_pct(h, pcts[k]);
			checks++;
			bad += got != (up < v[n - 1] ? up : v[n - 1]);
			inb += got >= exact && wakeoff_hist_bucket(got) == b;
		}
		free(v);
		free(h);
	}
	TAP_OK(!bad, "%u percentiles == upper bound of the exact nearest-rank sample's bucket, clamped to max",
	       checks);
	TAP_OK(inb == checks, "and each lies in the exact sample's bucket, never below it");
	{
		int64_t s[5] = { 5, -3, 9, 0, -7 };

		TAP_OK(wo_pct_s64(s, 5, 50) == 0 && wo_pct_s64(s, 5, 1) == -7 &&
		       wo_pct_s64(s, 5, 100) == 9, "exact signed percentiles");
	}
}

static struct wo_rclass *find_cls(struct wo_report *r, const char *scope,
				  const char *name)
{
	size_t i;

	for (i = 0; i < r->ncls; i++)
		if (!strcmp(r->cls[i].scope, scope) && !strcmp(r->cls[i].name, name))
			return &r->cls[i];
	return NULL;
}

/* ---- a small strict JSON syntax checker ---- */
static const char *js;

static void ws(void)
{
	while (*js == ' ' || *js == '\n' || *js == '\t' || *js == '\r')
		js++;
}

static int jvalue(int depth);

static int jstring(void)
{
	if (*js++ != '"')
		return 0;
	while (*js != '"') {
		if ((unsigned char)*js < 0x20 || !*js)
			return 0;
		if (*js == '\\') {
			js++;
			if (*js == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)js[i]))
						return 0;
				js += 4;
			} else if (!strchr("\"\\/bfnrt", *js)) {
				return 0;
			}
		}
		js++;
	}
	js++;
	return 1;
}

static int jnumber(void)
{
	char *end;

	if (*js != '-' && !isdigit((unsigned char)*js))
		return 0;
	strtod(js, &end);
	if (end == js)
		return 0;
	js = end;
	return 1;
}

static int jvalue(int depth)
{
	if (depth > 64)
		return 0;
	ws();
	if (*js == '{' || *js == '[') {
		char close = *js == '{' ? '}' : ']';
		int obj = *js == '{';

		js++;
		ws();
		if (*js == close) {
			js++;
			return 1;
		}
		for (;;) {
			ws();
			if (obj) {
				if (!jstring())
					return 0;
				ws();
				if (*js++ != ':')
					return 0;
			}
			if (!jvalue(depth + 1))
				return 0;
			ws();
			if (*js == ',') {
				js++;
				continue;
			}
			if (*js++ != close)
				return 0;
			return 1;
		}
	}
	if (*js == '"')
		return jstring();
	if (!strncmp(js, "true", 4) || !strncmp(js, "null", 4)) {
		js += 4;
		return 1;
	}
	if (!strncmp(js, "false", 5)) {
		js += 5;
		return 1;
	}
	return jnumber();
}

static int json_valid(const char *s)
{
	js = s;
	if (!jvalue(0))
		return 0;
	ws();
	return !*js;
}

/* Fields of one CSV line (RFC 4180 quoting); -1 if malformed. */
static int csv_fields(const char *l)
{
	int n = 1;

	while (*l && *l != '\n') {
		if (*l == '"') {
			l++;
			for (;;) {
				if (!*l)
					return -1;
				if (*l == '"' && l[1] == '"') {
					l += 2;
					continue;
				}
				if (*l == '"')
					break;
				l++;
			}
			l++;
			if (*l && *l != ',' && *l != '\n')
				return -1;
			continue;
		}
		if (*l == ',')
			n++;
		l++;
	}
	return n;
}

/* One Prometheus sample line: name{l="v",...} value */
static int prom_line(const char *l, char *name, size_t nl)
{
	size_t i = 0;
	char *end;

	if (!isalpha((unsigned char)*l) && *l != '_')
		return 0;
	while (isalnum((unsigned char)*l) || *l == '_' || *l == ':') {
		if (i + 1 < nl)
			name[i++] = *l;
		l++;
	}
	name[i] = '\0';
	if (*l == '{') {
		l++;
		while (*l != '}') {
			if (!isalpha((unsigned char)*l) && *l != '_')
				return 0;
			while (isalnum((unsigned char)*l) || *l == '_')
				l++;
			if (*l++ != '=' || *l++ != '"')
				return 0;
			while (*l != '"') {
				if (!*l || *l == '\n')
					return 0;
				if (*l == '\\') {
					l++;
					if (*l != '\\' && *l != '"' && *l != 'n')
						return 0;
				}
				l++;
			}
			l++;
			if (*l == ',')
				l++;
			else if (*l != '}')
				return 0;
		}
		l++;
	}
	if (*l++ != ' ')
		return 0;
	strtod(l, &end);
	return end != l && (*end == '\n' || !*end);
}

static char *render(const struct wo_report *r, enum wo_rformat f)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	wo_report_print(r, f, 20, m);
	fclose(m);
	return out;
}

static void test_formats(struct wo_report *r)
{
	char *s, *l, name[128], typed[64][128];
	int ntyped = 0, lines = 0, badlines = 0, untyped = 0;

	s = render(r, WO_FMT_JSON);
	TAP_OK(json_valid(s), "--json output is valid JSON (%zu bytes)", strlen(s));
	TAP_OK(strstr(s, "\"wf_migrated_pct\": 20.00") != NULL, "JSON carries the WF_MIGRATED share");
	free(s);

	s = render(r, WO_FMT_CSV);
	for (l = s; *l; l = strchr(l, '\n') + 1) {
		lines++;
		badlines += csv_fields(l) != 4;
		if (!strchr(l, '\n'))
			break;
	}
	TAP_OK(lines > 50 && !badlines, "--csv: %d lines, each exactly 4 fields", lines);
	TAP_OK(strstr(s, "\"7 a,\"\"b\"\"\"") != NULL, "a label with a comma and quotes is quoted");
	TAP_OK(!strncmp(s, "section,name,field,value\n", 25), "CSV header");
	free(s);

	s = render(r, WO_FMT_PROM);
	lines = badlines = 0;
	for (l = s; *l;) {
		char *nl = strchr(l, '\n');

		if (!strncmp(l, "# TYPE ", 7)) {
			if (ntyped < 64)
				sscanf(l + 7, "%127s", typed[ntyped++]);
		} else if (*l != '#') {
			int k, found = 0;

			lines++;
			if (!prom_line(l, name, sizeof(name)))
				badlines++;
			for (k = 0; k < ntyped; k++)
				found |= !strcmp(typed[k], name);
			untyped += !found;
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	TAP_OK(lines > 20 && !badlines, "--prometheus: %d samples, all in exposition syntax", lines);
	TAP_OK(!untyped, "every sample follows its # TYPE");
	TAP_OK(strstr(s, "wakeoff_records_dropped_total{cpu=\"0\"} 1\n") != NULL,
	       "per-CPU drops exported");
	free(s);

	s = render(r, WO_FMT_TEXT);
	TAP_OK(strstr(s, "WF_MIGRATED share          20.00 %") &&
	       strstr(s, "Per task") && strstr(s, "prev CPU -> target CPU") &&
	       strstr(s, "pipe_write+0x1/0x2 < vfs_write+0x3/0x4"),
	       "text report has the three numbers, tasks, matrix, stacks");
	free(s);
}

static void test_from_trace(void)
{
	struct wo_trace t;
	struct wo_report r;
	struct wo_rclass *c;
	char err[256];
	size_t len, i, j;
	char *buf = fx_build(100, &len);
	uint64_t sum = 0, diag = 0, tasks = 0;
	struct wo_uhist *h = calloc(1, sizeof(*h));

	if (wo_trace_parse(buf, len, "fx.wo", &t, err, sizeof(err)) ||
	    wo_report_from_trace(&t, &r, err, sizeof(err))) {
		TAP_OK(0, "report from the fixture: %s", err);
		return;
	}
	c = find_cls(&r, "class", "all");
	TAP_OK(c && c->count == 100, "class all: 100");
	c = find_cls(&r, "class", "migrated");
	TAP_OK(c && c->count == 20, "class migrated: 20 (every 5th)");
	TAP_OK(find_cls(&r, "flags", "WF_SYNC") &&
	       find_cls(&r, "flags", "WF_SYNC")->count == 80 &&
	       find_cls(&r, "flags", "WF_SYNC|WF_MIGRATED")->count == 20,
	       "per flag combination, named with the file's table");
	for (i = 0; i < t.nwk; i++)
		wo_uhist_add(h, t.wk[i].ts_tkread - t.wk[i].ts_waking);
	c = find_cls(&r, "class", "all");
	TAP_OK(c->m[WO_RM_TK].p50 == wo_uhist_pct(h, 50) &&
	       c->m[WO_RM_TK].p99 == wo_uhist_pct(h, 99) &&
	       c->m[WO_RM_TK].max == h->max, "ttwu->tkread percentiles follow the histogram rule");
	for (i = 0; i < r.ncpus; i++)
		for (j = 0; j < r.ncpus; j++) {
			sum += r.matrix[i * r.ncpus + j];
			diag += i == j ? r.matrix[i * r.ncpus + j] : 0;
		}
	TAP_OK(r.ncpus == 4 && sum == 100 && diag == 80, "prev->target matrix: 100, 80 on the diagonal");
	for (i = 0; i < r.ntasks; i++)
		tasks += r.tasks[i].wakeups;
	TAP_OK(r.ntasks == 3 && tasks == 100, "3 tasks, wakeups add up");
	TAP_OK(r.nstacks == 2 && r.stacks[0].count == 50 && r.stacks[0].sync_pct == 100,
	       "stack clusters counted from records");
	TAP_OK(r.off_have && !strcmp(r.off_func, "monotonic.__x64_sys_clock_gettime") &&
	       r.off_median == -20000003 && r.off_stable && r.off_p1_p99 == 6,
	       "offset: median %" PRId64 ", p99-p1 %" PRId64, r.off_median, r.off_p1_p99);
	TAP_OK(r.nruns == 1 && r.runs[0].wakeups == 100 && !strcmp(r.runs[0].label, "load"),
	       "one run with its label");
	TAP_OK(r.cpu[0].dropped == 1 && r.cpu[0].have_received == 0 && r.wakeups == 12,
	       "counters from the file");
	/* A label that needs quoting in every format. */
	free(r.runs[0].label);
	r.runs[0].label = strdup("a,\"b\"");
	for (i = 0; i < r.ncls; i++)
		if (!strcmp(r.cls[i].scope, "run")) {
			free(r.cls[i].name);
			r.cls[i].name = strdup("7 a,\"b\"");
		}
	test_formats(&r);
	wo_report_free(&r);
	wo_trace_free(&t);
	free(buf);
	free(h);

	buf = fx_build(0, &len);
	if (!wo_trace_parse(buf, len, "empty.wo", &t, err, sizeof(err)) &&
	    !wo_report_from_trace(&t, &r, err, sizeof(err))) {
		char *s = render(&r, WO_FMT_JSON);

		TAP_OK(json_valid(s) && r.closed == 0, "an empty recording reports (valid JSON)");
		free(s);
		wo_report_free(&r);
		wo_trace_free(&t);
	} else {
		TAP_OK(0, "empty recording: %s", err);
	}
	free(buf);
}

/*
 * Reads of two clocks (MONOTONIC and REALTIME, offsets 1.7e18 ns apart)
 * alternate: two series, each with its own small spread, never one
 * distribution; records before ABI 1.3 (no clock) are a series apart.
 */
static void test_offsets_per_clock(void)
{
	struct wo_trace t;
	struct wo_report r;
	char err[256];
	size_t len, i, real = 0, mono = 0, old = 0;
	char *buf = fx_build(100, &len);

	if (wo_trace_parse(buf, len, "fx.wo", &t, err, sizeof(err))) {
		TAP_OK(0, "fixture: %s", err);
		free(buf);
		return;
	}
	for (i = 0; i < t.nwk; i++) {
		struct wakeoff_wakeup *w = (struct wakeoff_wakeup *)&t.wk[i];

		if (i % 2) {
			w->tk_clock = 0;	/* CLOCK_REALTIME */
			w->tk_offset += 1700000000000000000LL;
		}
		if (i == 7)
			w->valid &= ~WAKEOFF_V_TK_CLOCK;
	}
	if (wo_report_from_trace(&t, &r, err, sizeof(err))) {
		TAP_OK(0, "report: %s", err);
	} else {
		int ok = 1;

		for (i = 0; i < r.noff; i++) {
			const struct wo_roff *o = &r.off[i];

			ok &= o->max - o->min < 10;
			if (!strcmp(o->func, "realtime.__x64_sys_clock_gettime"))
				real += o->count;
			else if (!strcmp(o->func, "monotonic.__x64_sys_clock_gettime"))
				mono += o->count;
			else if (!strcmp(o->func, "unknown.__x64_sys_clock_gettime"))
				old += o->count;
		}
		TAP_OK(ok && real == 49 && mono == 50 && old == 1,
		       "offsets per clock: realtime %zu, monotonic %zu, no clock %zu, no series mixed",
		       real, mono, old);
		TAP_OK(r.off_have && !strcmp(r.off_func, "monotonic.__x64_sys_clock_gettime") &&
		       r.off_spread < 10, "the headline names its clock (%s)", r.off_func);
		wo_report_free(&r);
	}
	wo_trace_free(&t);
	free(buf);
}

/* The summary of a module with clocks: series keys carry the clock. */
static void test_from_summary_clocks(void)
{
	static const char sum[] =
		"wakeoff_version: 0.4.0\nkernel: 6.12.117+deb12-amd64\ncpus_possible: 2\n"
		"wakeups: 10\nwakeups_closed: 9\nwf_migrated: 3\n"
		"class.all.count: 9\nclass.migrated.count: 3\nclass.local.count: 6\n"
		"headline.offset_clock: monotonic\nheadline.offset_function: __x64_sys_clock_gettime\n"
		"headline.offset_median_ns: -100\nheadline.offset_spread_ns: 50\n"
		"headline.offset_p1_p99_ns: 20\nheadline.offset_stable: yes\n"
		"offset.local.monotonic.__x64_sys_clock_gettime.count: 6\n"
		"offset.local.monotonic.__x64_sys_clock_gettime.median_ns: -100\n"
		"offset.local.monotonic.__x64_sys_clock_gettime.min_ns: -120\n"
		"offset.local.monotonic.__x64_sys_clock_gettime.max_ns: -70\n"
		"offset.local.realtime.__x64_sys_clock_gettime.count: 3\n"
		"offset.local.realtime.__x64_sys_clock_gettime.median_ns: 1700000000000000000\n"
		"offset.local.realtime.__x64_sys_clock_gettime.min_ns: 1700000000000000000\n"
		"offset.local.realtime.__x64_sys_clock_gettime.max_ns: 1700000000000000010\n"
		"run.3.label: idle\nrun.3.wakeups: 9\nrun.3.wf_migrated_pct: 33.33\n"
		"run.3.tkreads: 8\n"
		"run.3.offset.monotonic.__x64_sys_clock_gettime.min_ns: -120\n"
		"run.3.offset.monotonic.__x64_sys_clock_gettime.spread_ns: 50\n";
	struct wo_summary s;
	struct wo_report r;
	char err[160];
	int rc;

	rc = wo_summary_parse(sum, sizeof(sum) - 1, &s, err, sizeof(err));
	if (!rc)
		rc = wo_report_from_summary(&s, &r, err, sizeof(err));
	TAP_OK(!rc, "report from a summary with clocks (%s)", rc ? err : "ok");
	if (rc) {
		wo_summary_free(&s);
		return;
	}
	TAP_OK(r.off_have && !strcmp(r.off_func, "monotonic.__x64_sys_clock_gettime") &&
	       r.noff == 2 && !strcmp(r.off[1].func, "realtime.__x64_sys_clock_gettime") &&
	       r.off[1].max - r.off[1].min == 10,
	       "offset series named clock.function");
	TAP_OK(r.nruns == 1 && r.runs[0].off_spread == 50 && r.runs[0].off_min == -120,
	       "run offsets of the headline series");
	wo_report_free(&r);
	wo_summary_free(&s);
}

/* A live summary: its headline keys. */
#define HL WAKEOFF_HEADLINE

static void test_from_summary(void)
{
	static const char sum[] =
		"wakeoff_version: 0.4.0\nkernel: 6.12.117+deb12-amd64\ncpus_possible: 2\n"
		"clocksource: tsc\nwakeups: 10\nwakeups_closed: 9\nwf_migrated: 3\n"
		"wakeups_untracked_table_full: 1\nwakeups_untracked_busy: 0\n"
		"cpu0.wakeups: 6\ncpu0.recorded: 5\ncpu0.dropped: 1\n"
		"cpu1.wakeups: 4\ncpu1.recorded: 4\ncpu1.dropped: 0\n"
		HL "wf_migrated_pct: 33.33\n" HL "median_ttwu_to_tkread_ns.migrated: 5000\n"
		HL "median_ttwu_to_tkread_ns.local: 3000\n"
		HL "offset_function: ktime_get\n" HL "offset_median_ns: -100\n"
		HL "offset_spread_ns: 50\n" HL "offset_p1_p99_ns: 20\n"
		HL "offset_stable: yes\n"
		"offset.local.ktime_get.count: 6\noffset.local.ktime_get.median_ns: -100\n"
		"offset.local.ktime_get.min_ns: -120\noffset.local.ktime_get.max_ns: -70\n"
		"class.all.count: 9\nclass.all.ttwu_to_tkread_ns.count: 8\n"
		"class.all.ttwu_to_tkread_ns.p50: 4000\nclass.all.ttwu_to_tkread_ns.max: 9000\n"
		"class.migrated.count: 3\nclass.local.count: 6\nclass.other.count: 0\n"
		"flags.0x30.name: WF_SYNC|WF_MIGRATED\nflags.0x30.count: 3\n"
		"target_cpu0.wakeups: 5\ntarget_cpu0.median_wakeup_to_switch_ns: 700\n"
		"prev_to_target.cpu0: 4 1\nprev_to_target.cpu1: 2 2\n"
		"stack.1.id: 4\nstack.1.count: 7\nstack.1.wf_sync_pct: 100\n"
		"stack.1.frames: pipe_write < vfs_write\n"
		"run.3.label: idle\nrun.3.wakeups: 9\nrun.3.wf_migrated_pct: 33.33\n"
		"run.3.tkreads: 8\nrun.3.offset.ktime_get.min_ns: -120\n"
		"run.3.offset.ktime_get.spread_ns: 50\n";
	struct wo_summary s;
	struct wo_report r;
	char err[160], *out;
	int rc;

	rc = wo_summary_parse(sum, sizeof(sum) - 1, &s, err, sizeof(err));
	if (!rc)
		rc = wo_report_from_summary(&s, &r, err, sizeof(err));
	TAP_OK(!rc, "report from a live summary (%s)", rc ? err : "ok");
	if (rc)
		return;
	TAP_OK(r.closed == 9 && r.migrated == 3 && r.untracked == 1 && r.dropped == 1,
	       "totals");
	TAP_OK(find_cls(&r, "flags", "WF_SYNC|WF_MIGRATED") &&
	       find_cls(&r, "class", "all")->m[WO_RM_TK].p50 == 4000, "classes");
	TAP_OK(r.have_matrix && r.matrix[1] == 1 && r.matrix[2] == 2 && r.matrix[3] == 2,
	       "prev->target matrix parsed");
	TAP_OK(r.nruns == 1 && r.runs[0].id == 3 && r.runs[0].off_spread == 50 &&
	       r.noff == 1 && r.off[0].min == -120, "runs and offsets");
	TAP_OK(r.nstacks == 1 && r.stacks[0].id == 4 && r.ntasks == 0,
	       "stacks; no per-task table without records");
	out = render(&r, WO_FMT_JSON);
	TAP_OK(json_valid(out), "live JSON valid");
	free(out);
	wo_report_free(&r);
	wo_summary_free(&s);
}

int main(void)
{
	printf("TAP version 13\n");
	test_buckets();
	test_percentiles();
	test_from_trace();
	test_from_summary();
	test_offsets_per_clock();
	test_from_summary_clocks();
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
