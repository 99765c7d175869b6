// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of "export --perfetto" and "plot", TAP on stdout.
 *
 * An in-memory trace (no parser): 4 CPUs, two runs with labels, local and
 * WF_MIGRATED wakeups, a comm holding '"', '\', control, non-UTF-8 and
 * UTF-8 bytes, a comm of 16 bytes without NUL, records without
 * switch-in / timekeeping read / runqueue length, very long flag and
 * function names.  The JSON goes through a strict syntax checker (json_check.h)
 * (and python's parser when present); events are counted per phase,
 * flows paired, slices checked for proper nesting per track, run-slice
 * ends checked against the documented rule.  The page is checked for
 * well-formed tags, its sections and SVG ids, nothing external, escaping,
 * and a bounded size on a big trace.  Last, the commands on a real file
 * (fixture.h writes it with the real writer).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cmds.h"
#include "export.h"
#include "fixture.h"
#include "json_check.h"

static int python_json_ok(const char *s)
{
	FILE *p = popen("python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null", "w");
	int st;

	if (!p)
		return -1;
	fputs(s, p);
	st = pclose(p);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return -1;		/* no python3 */
	return st == 0;
}

/* ---------------------------------------------------------------- helpers */

/*
 * strstr without the O(strlen(haystack)) cost ASan's interceptor adds to
 * every call: the loops below would turn quadratic on big outputs.
 */
static const char *find(const char *s, const char *needle)
{
	size_t len = strlen(needle);

	for (; *s; s++)
		if (*s == *needle && !strncmp(s, needle, len))
			return s;
	return NULL;
}

/* Occurrences of @needle. */
static size_t count(const char *s, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	for (; *s; s++)
		if (*s == *needle && !strncmp(s, needle, len))
			n++;
	return n;
}

static char *run_export(const struct wo_trace *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	int rc = wo_export_perfetto(t, m);

	fclose(m);
	if (rc)
		TAP_OK(0, "exporter returned %d", rc);
	return out;
}

static char *run_plot(const struct wo_trace *t, const char *title)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	int rc = wo_plot_html(t, m, title);

	fclose(m);
	if (rc)
		TAP_OK(0, "plot returned %d", rc);
	return out;
}

static bool alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A printf'ed NaN or infinity: @w ("nan", "inf") not inside a word. */
static bool bad_number(const char *s, const char *w)
{
	const char *p;

	for (p = s; (p = find(p, w)); p++)
		if ((p == s || !alpha(p[-1])) && !alpha(p[3]))
			return true;
	return false;
}

/* "123.456" (us, 3 decimals) at @s as ns; false unless exactly that form. */
static bool us_ns(const char *s, uint64_t *ns)
{
	uint64_t a = 0, b = 0;
	int i;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		a = a * 10 + (uint64_t)(*s++ - '0');
	if (*s++ != '.')
		return false;
	for (i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return false;
		b = b * 10 + (uint64_t)(*s++ - '0');
	}
	if (*s >= '0' && *s <= '9')
		return false;
	*ns = a * 1000 + b;
	return true;
}

struct xs {
	unsigned int tid;
	uint64_t ts, dur;
	bool run;
	uint64_t wake_id;
};

static int cmp_xs(const void *a, const void *b)
{
	const struct xs *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->dur < y->dur) - (x->dur > y->dur);	/* longer first */
}

/* The X slices of the export (format of export_perfetto.c). */
static size_t slices(const char *s, struct xs *x, size_t max)
{
	size_t n = 0;

	while ((s = find(s, "{\"ph\":\"X\",\"pid\":1,\"tid\":")) && n < max) {
		const char *ts, *d, *id;

		x[n].tid = (unsigned int)strtoul(s + 24, NULL, 10);
		x[n].run = !strncmp(find(s, "\"cat\":") + 7, "run", 3);
		ts = find(s, "\"ts\":") + 5;
		d = find(s, "\"dur\":") + 6;
		id = find(s, "\"wake_id\":") + 10;
		if (!us_ns(ts, &x[n].ts) || !us_ns(d, &x[n].dur))
			return 0;
		x[n].wake_id = strtoull(id, NULL, 10);
		n++;
		s++;
	}
	return n;
}

/* Every pair of slices on a track is disjoint or nested. */
static bool nested(struct xs *x, size_t n)
{
	uint64_t stack[64];
	unsigned int tid = ~0U;
	size_t i, sp = 0;

	qsort(x, n, sizeof(*x), cmp_xs);
	for (i = 0; i < n; i++) {
		uint64_t end = x[i].ts + x[i].dur;

		if (x[i].tid != tid) {
			tid = x[i].tid;
			sp = 0;
		}
		while (sp && stack[sp - 1] <= x[i].ts)
			sp--;
		if (sp && end > stack[sp - 1]) {
			printf("# tid %u: slice %" PRIu64 "+%" PRIu64 " crosses an end at %" PRIu64 "\n",
			       tid, x[i].ts, x[i].dur, stack[sp - 1]);
			return false;
		}
		if (sp == 64)
			return false;
		stack[sp++] = end;
	}
	return true;
}

/* Flow ids: every "s" has exactly one "f" with its id and vice versa. */
static bool flows_paired(const char *s, size_t *nflows)
{
	const char *p;
	size_t ns = 0, nf = 0;
	uint64_t sum_s = 0, sum_f = 0, x_s = 0, x_f = 0;

	for (p = s; (p = find(p, "{\"ph\":\"s\"")); p++, ns++) {
		uint64_t id = strtoull(find(p, "\"id\":") + 5, NULL, 10);

		sum_s += id;
		x_s ^= id * 0x9e3779b97f4a7c15ULL;
	}
	for (p = s; (p = find(p, "{\"ph\":\"f\",\"bp\":\"e\"")); p++, nf++) {
		uint64_t id = strtoull(find(p, "\"id\":") + 5, NULL, 10);

		sum_f += id;
		x_f ^= id * 0x9e3779b97f4a7c15ULL;
	}
	*nflows = ns;
	return ns == nf && sum_s == sum_f && x_s == x_f;
}

/* ------------------------------------------------------- well-formed tags */

static bool is_void(const char *name, size_t n)
{
	return (n == 4 && !strncmp(name, "meta", 4)) || (n == 2 && !strncmp(name, "br", 2));
}

/* Balanced, properly nested tags; @why says where it broke. */
static bool tags_ok(const char *s, char *why, size_t wlen)
{
	const char *stack[256];
	size_t slen[256], sp = 0;

	while ((s = strchr(s, '<'))) {
		const char *name;
		size_t n;
		bool close = false;

		s++;
		if (*s == '!') {			/* <!DOCTYPE html> */
			s = strchr(s, '>');
			if (!s)
				return false;
			continue;
		}
		if (*s == '/') {
			close = true;
			s++;
		}
		name = s;
		while ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			s++;
		n = (size_t)(s - name);
		if (!n) {
			snprintf(why, wlen, "bad tag at \"%.20s\"", name - 1);
			return false;
		}
		/* Attributes: quoted values may not hold '<' or '>'. */
		while (*s && *s != '>') {
			if (*s == '"') {
				s = strchr(s + 1, '"');
				if (!s)
					return false;
			}
			if (*s == '<')
				return false;
			s++;
		}
		if (!*s)
			return false;
		if (close) {
			if (!sp || slen[sp - 1] != n || strncmp(stack[sp - 1], name, n)) {
				snprintf(why, wlen, "</%.*s> closes <%.*s>", (int)n, name,
					 sp ? (int)slen[sp - 1] : 0, sp ? stack[sp - 1] : "");
				return false;
			}
			sp--;
		} else if (s[-1] != '/' && !is_void(name, n)) {
			if (sp == 256)
				return false;
			stack[sp] = name;
			slen[sp++] = n;
		}
	}
	if (sp)
		snprintf(why, wlen, "<%.*s> never closed", (int)slen[sp - 1], stack[sp - 1]);
	return !sp;
}

/* ---------------------------------------------------------------- fixture */

#define NWK	60

static char long_flag[400], long_fn[600];
static struct wo_flagdef fx_flagdefs[] = {
	{ "WF_TTWU", 0x8 }, { "WF_SYNC", 0x10 }, { "WF_MIGRATED", 0x20 },
	{ long_flag, 0x1000 },
};
static char *fx_tknames[] = { "__x64_sys_clock_gettime", long_fn };
static struct wo_kv fx_kv[] = {
	{ "kernel", "6.1.0-56-amd64" }, { "cpus_online", "4" },
	{ "cpus_possible", "4" }, { "clocksource", "tsc" }, { "host", "<h>\x02\xfe&" },
};
static struct wakeoff_wakeup fx_wk[NWK];
static struct wakeoff_run fx_runs[2];

static const char hostile[] = "a\"b\\c\n\x01\xff\xc3\xa9<&";

/*
 * Records i = 0..NWK-1, 10 us apart, on CPU i % 4; every 4th migrated;
 * record 7: no switch-in, no read; record 9: only sched_waking seen;
 * record 13: no runqueue length; record 6: a read through function 1;
 * records 6, 10, 11: wake slices that must be clipped to nest;
 * records 20..39: run 2 ("load"), the rest run 1 ("idle").
 */
static void fx_trace(struct wo_trace *t)
{
	unsigned int i;

	memset(long_flag, 'F', sizeof(long_flag) - 1);
	memset(long_fn, 'k', sizeof(long_fn) - 1);
	memcpy(long_flag, "WF_LONG", 7);
	memset(t, 0, sizeof(*t));
	t->path = "fixture.wo";
	t->meta.kv = fx_kv;
	t->meta.n = sizeof(fx_kv) / sizeof(fx_kv[0]);
	t->flags = fx_flagdefs;
	t->nflags = 4;
	t->tk_names = fx_tknames;
	t->ntk = 2;
	t->complete = true;
	for (i = 0; i < 2; i++) {
		fx_runs[i] = (struct wakeoff_run){ .run_id = i + 1, .ts = 5000000000ULL - 1000 + i * 200000 };
		strcpy(fx_runs[i].label, i ? "load" : "idle");
	}
	t->runs = fx_runs;
	t->nruns = 2;
	for (i = 0; i < NWK; i++) {
		struct wakeoff_wakeup *w = &fx_wk[i];

		*w = fx_wakeup(i, i % 4, "pong", 200 + (int)i % 5);
		w->run_id = i >= 20 && i < 40 ? 2 : 1;
		w->ts_waking = 5000000000ULL + i * 10000ULL;
		w->ts_wakeup = w->ts_waking + 700 + 13 * i;
		w->ts_switch = w->ts_wakeup + 2000 + 50 * i;
		w->ts_tkread = w->ts_switch + 1500;
		w->tk_offset = -1000000 - (int64_t)(i % 5) * 10;
		w->tk_value = (uint64_t)((int64_t)w->ts_tkread + w->tk_offset);
		w->rq_nr_running = i % 6;
		w->final_flags = 0x18;
		w->caller_flags = 0x10;
		w->valid |= WAKEOFF_V_CALLER_FLAGS;
		if (i % 4 == 0) {
			w->final_flags |= 0x20;
			w->prev_cpu = (uint16_t)((i + 1) % 4);
		}
	}
	/* Woken on CPU 1 by a waker on CPU 2, both migrated and long flags. */
	fx_wk[1].waker_cpu = 2;
	fx_wk[1].final_flags |= 0x20 | 0x1000 | 0x40000000;
	memcpy(fx_wk[5].comm, hostile, sizeof(hostile) - 1);
	memcpy(fx_wk[8].comm, "0123456789abcdefXX", 16);	/* no NUL */
	fx_wk[7].valid &= ~(WAKEOFF_V_SWITCH | WAKEOFF_V_TKREAD);
	fx_wk[9].valid &= ~(WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH | WAKEOFF_V_TKREAD |
			    WAKEOFF_V_NR_RUNNING);
	fx_wk[13].valid &= ~WAKEOFF_V_NR_RUNNING;
	fx_wk[6].tk_func = 1;
	/* CPU 3's last record reads no clock: its run slice hits the cap. */
	fx_wk[59].valid &= ~WAKEOFF_V_TKREAD;
	/* CPU 0: record 4 reads late, after record 8's switch-in. */
	fx_wk[4].ts_tkread = fx_wk[8].ts_switch + 5000;
	/*
	 * CPU 2: record 6 runs until its read, 300 ns after record 10's waker
	 * started there, and record 11's waker (also on CPU 2) 200 ns after
	 * that one: unclipped 1 us wake slices would cross.
	 */
	fx_wk[6].ts_tkread = fx_wk[10].ts_waking + 300;
	fx_wk[10].waker_cpu = 2;
	fx_wk[11].waker_cpu = 2;
	fx_wk[11].ts_waking = fx_wk[10].ts_waking + 200;
	t->wk = fx_wk;
	t->nwk = NWK;
	t->max_cpu = 4;
}

/* Where the run slice of @wake_id ends, per the rule, from the fixture. */
static uint64_t expected_end(const struct wo_trace *t, size_t i, const char **why)
{
	const struct wakeoff_wakeup *w = &t->wk[i];
	uint64_t e = w->ts_switch + 10000000ULL;
	size_t j;

	*why = "cap 10 ms";
	for (j = 0; j < t->nwk; j++) {
		const struct wakeoff_wakeup *o = &t->wk[j];

		if ((o->valid & WAKEOFF_V_SWITCH) && o->run_cpu == w->run_cpu &&
		    o->ts_switch > w->ts_switch && o->ts_switch < e) {
			e = o->ts_switch;
			*why = "next known switch-in";
		}
	}
	if ((w->valid & WAKEOFF_V_TKREAD) && w->ts_tkread > w->ts_switch && w->ts_tkread < e) {
		e = w->ts_tkread;
		*why = "first timekeeping read";
	}
	return e;
}

/* What the fixture's records should turn into. */
struct fx_counts {
	size_t nsw, nwait, ntk, nrq;	/* switch-ins, runqueue waits, reads, lengths */
};

static void fx_count(const struct wo_trace *t, struct fx_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < t->nwk; i++) {
		uint32_t v = t->wk[i].valid;

		c->nsw += !!(v & WAKEOFF_V_SWITCH);
		c->nwait += (v & (WAKEOFF_V_SWITCH | WAKEOFF_V_WAKEUP)) == (WAKEOFF_V_SWITCH | WAKEOFF_V_WAKEUP);
		c->ntk += !!(v & WAKEOFF_V_TKREAD);
		c->nrq += (v & (WAKEOFF_V_NR_RUNNING | WAKEOFF_V_WAKEUP)) ==
			  (WAKEOFF_V_NR_RUNNING | WAKEOFF_V_WAKEUP);
	}
}

/* Syntax, then events counted per phase against the fixture. */
static void test_export_events(const char *s, const struct fx_counts *c)
{
	size_t bad, nflows;
	int py;

	bad = json_check(s);
	TAP_OK(!bad, "export: strict JSON syntax%s", bad ? " broken" : "");
	if (bad)
		printf("# at offset %zu: %.60s\n", bad - 1, s + bad - 1);
	py = python_json_ok(s);
	TAP_OK(py != 0, "export: python's json accepts it%s", py < 0 ? " (# SKIP no python3)" : "");
	TAP_OK(count(s, "{\"ph\":\"X\"") == NWK + c->nsw,
	       "export: a wake slice per record and a run slice per switch-in (%zu = %d + %zu)",
	       count(s, "{\"ph\":\"X\""), NWK, c->nsw);
	TAP_OK(flows_paired(s, &nflows) && nflows == c->nsw,
	       "export: %zu flows, ids paired s -> f(bp e), one per switch-in", nflows);
	TAP_OK(count(s, "{\"ph\":\"b\"") == c->nwait && count(s, "{\"ph\":\"e\"") == c->nwait,
	       "export: %zu runqueue waits open and close", c->nwait);
	TAP_OK(count(s, "{\"ph\":\"i\",\"s\":\"t\"") == c->ntk && count(s, "{\"ph\":\"i\",\"s\":\"g\"") == 2,
	       "export: %zu timekeeping instants, 2 run markers", c->ntk);
	TAP_OK(count(s, "{\"ph\":\"C\"") == c->nrq && count(s, "\"name\":\"rq_len cpu1\"") > 0,
	       "export: %zu runqueue counters (not for records without the length)", c->nrq);
	TAP_OK(count(s, "\"thread_name\"") == 4 && strstr(s, "\"args\":{\"name\":\"CPU 3\"}") &&
	       strstr(s, "\"args\":{\"name\":\"CPUs\"}"), "export: process CPUs, a thread per CPU");
}

/* Names escaped and whole, flags named, times in us from the first event. */
static void test_export_text(const char *s)
{
	char *want = malloc(strlen(long_flag) + 64);

	TAP_OK(strstr(s, "\"name\":\"wake a\\\"b\\\\c\\u000a\\u0001\\ufffd\xc3\xa9<&[200]\"") != NULL,
	       "export: comm escaped (quote, backslash, control, non-UTF-8 as \\ufffd, UTF-8 kept)");
	TAP_OK(strstr(s, "\"name\":\"0123456789abcdef[203]\"") != NULL,
	       "export: a 16-byte comm without NUL is cut at 16");
	TAP_OK(strstr(s, "\"flags\":\"WF_TTWU|WF_SYNC|WF_MIGRATED\"") &&
	       strstr(s, "\"caller_flags\":\"WF_SYNC\""), "export: flags named with the file's table");
	sprintf(want, "WF_MIGRATED|%s|0x40000000\"", long_flag);
	TAP_OK(strstr(s, want) != NULL, "export: a %zu-byte flag name whole, unknown bits in hex",
	       strlen(long_flag));
	sprintf(want, "\"function\":\"%.20s", long_fn);
	TAP_OK(strstr(s, want) && count(s, long_fn) == 2,
	       "export: a %zu-byte function name whole (name and args)", strlen(long_fn));
	free(want);
	TAP_OK(strstr(s, "\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":0,\"cat\":\"run\",\"ts\":0.000,") &&
	       !strstr(s, "\"ts\":-"), "export: time zero is the earliest event (a run marker), none negative");
	/* The first wakeup: 1 us after the run marker, ns precision. */
	TAP_OK(strstr(s, "\"cat\":\"wakeup\",\"ts\":1.000,\"dur\":1.000,") &&
	       strstr(s, "\"cat\":\"run\",\"ts\":3.700,"), "export: us with 3 decimals");
	TAP_OK(strstr(s, "\"value_ns\":") && strstr(s, "\"offset_ns\":-1000010,") &&
	       strstr(s, "\"function\":\"__x64_sys_clock_gettime\""),
	       "export: read instants carry function, value, offset");
}

/* The slices parsed back: run slice ends per the rule, proper nesting. */
static void test_export_slices(const struct wo_trace *t, const char *s, size_t nsw)
{
	struct xs *x = calloc(2 * NWK, sizeof(*x));
	size_t i, n, nends = 0;

	n = slices(s, x, 2 * NWK);
	TAP_OK(n == NWK + nsw, "export: %zu slices parsed back", n);
	for (i = 0; i < n; i++) {
		const char *why;
		size_t k;

		if (!x[i].run)
			continue;
		for (k = 0; k < t->nwk && t->wk[k].wake_id != x[i].wake_id; k++)
			;
		if (k == t->nwk ||
		    x[i].ts + x[i].dur + fx_runs[0].ts != expected_end(t, k, &why)) {
			printf("# wake %" PRIu64 ": run slice ends at %" PRIu64 "\n", x[i].wake_id,
			       (uint64_t)(x[i].ts + x[i].dur + fx_runs[0].ts));
			break;
		}
		nends |= !strcmp(why, "cap 10 ms") ? 1 : !strcmp(why, "first timekeeping read") ? 2 : 4;
	}
	TAP_OK(i == n && nends == 7,
	       "export: run slices end at the next switch-in, the read or the 10 ms cap (all three seen)");
	TAP_OK(strstr(s, "\"end\":\"cap 10 ms") && strstr(s, "\"end\":\"next known switch-in") &&
	       strstr(s, "\"end\":\"first timekeeping read\""), "export: the slice args say which end applied");
	TAP_OK(nested(x, n), "export: slices on each CPU track nest properly (wake slices clipped)");
	free(x);
}

static void test_export(void)
{
	struct wo_trace t;
	struct fx_counts c;
	char *s;

	fx_trace(&t);
	fx_count(&t, &c);
	s = run_export(&t);
	test_export_events(s, &c);
	test_export_text(s);
	test_export_slices(&t, s, c.nsw);
	free(s);

	/* Nothing at all. */
	t.nwk = 0;
	t.nruns = 0;
	s = run_export(&t);
	TAP_OK(!json_check(s) && !strstr(s, "\"ph\":\"X\""), "export: an empty recording is valid JSON");
	free(s);
}

static void test_plot(void)
{
	struct wo_trace t;
	char why[128] = "", *s;
	bool ok;

	fx_trace(&t);
	s = run_plot(&t, "run <1> & \"load\"\xff\x01\xc3\xa9");
	TAP_OK(strstr(s, "<section id=\"timeline\">") && strstr(s, "<section id=\"histograms\">") &&
	       strstr(s, "<section id=\"offset\">"), "plot: the three sections");
	TAP_OK(strstr(s, "<svg id=\"timeline-svg\"") && strstr(s, "<svg id=\"hist-wake\"") &&
	       strstr(s, "<svg id=\"hist-switch\"") && strstr(s, "<svg id=\"hist-tk\"") &&
	       strstr(s, "<svg id=\"offset-0\"") && strstr(s, "<svg id=\"offset-1\""),
	       "plot: timeline, three histograms, an offset chart per function");
	TAP_OK(strstr(s, "<svg id=\"hist-run-wake\"") && strstr(s, "run label &quot;idle&quot;") &&
	       strstr(s, "run label &quot;load&quot;"), "plot: per-run-label histograms (2 labels)");
	ok = tags_ok(s, why, sizeof(why));
	TAP_OK(ok, "plot: tags balanced and nested%s%s", ok ? "" : ": ", why);
	TAP_OK(count(s, "<svg") == count(s, "</svg>") && count(s, "<svg") == 9,
	       "plot: %zu SVGs", count(s, "<svg"));
	TAP_OK(!strstr(s, "http") && !strstr(s, "<script") && !strstr(s, "src=") &&
	       !strstr(s, "href") && !strstr(s, "url("), "plot: nothing external, no script");
	TAP_OK(strstr(s, "<h1>run &lt;1&gt; &amp; &quot;load&quot;&#xfffd;&#xfffd;\xc3\xa9</h1>") &&
	       strstr(s, "<li>host: &lt;h&gt;&#xfffd;&#xfffd;&amp;</li>"),
	       "plot: title and meta escaped, bad bytes as U+FFFD, UTF-8 kept");
	TAP_OK(!strchr(s, '\x01') && !strstr(s, "\xff") && !bad_number(s, "nan") && !bad_number(s, "inf"),
	       "plot: no raw control or non-UTF-8 bytes, no NaN");
	TAP_OK(strstr(s, "CPU 1: runqueue length 5-7") || strstr(s, "CPU 1: runqueue length 1"),
	       "plot: timeline rows coloured by runqueue class");
	TAP_OK(strstr(s, "kernel 6.1.0-56-amd64, 4 CPUs online") &&
	       strstr(s, "60 wakeup records (58 switched in"), "plot: heading from the meta and the records");
	TAP_OK(count(s, ">p50</text>") == 2 * 3 + 2 * 3 && count(s, ">p99</text>") == 12,
	       "plot: p50 and p99 marked per series (local, migrated, 2 labels; 3 deltas)");
	TAP_OK(strstr(s, "time since the first event (") && strstr(s, "latency (log scale)") &&
	       strstr(s, "offset &#8722; median"), "plot: axis labels with units");
	free(s);

	t.nwk = 0;
	t.nruns = 0;
	s = run_plot(&t, NULL);
	TAP_OK(tags_ok(s, why, sizeof(why)) && strstr(s, "No timekeeping read") &&
	       strstr(s, "wakeoff: fixture.wo"), "plot: an empty recording still makes a page");
	free(s);
}

/* 200000 wakeups on 8 CPUs: the page stays small. */
static void test_big(void)
{
	struct wo_trace t;
	struct wakeoff_wakeup *w;
	size_t i, n = 200000, nel;
	char why[128] = "", *s;

	fx_trace(&t);
	w = calloc(n, sizeof(*w));
	for (i = 0; i < n; i++) {
		w[i] = fx_wakeup((unsigned int)i, i % 8, "big", 1000 + (int)(i % 100));
		w[i].ts_waking = 1000000000ULL + i * 3000;
		w[i].ts_wakeup = w[i].ts_waking + 500 + i % 1000;
		w[i].ts_switch = w[i].ts_wakeup + 1000 + (fx_rnd() % 100000);
		w[i].ts_tkread = w[i].ts_switch + 100;
		w[i].tk_offset = -5000000 - (int64_t)(fx_rnd() % 2000);
		w[i].rq_nr_running = (uint32_t)(fx_rnd() % 20);
		w[i].final_flags = i % 3 ? 0x10 : 0x30;
	}
	t.wk = w;
	t.nwk = n;
	s = run_plot(&t, NULL);
	nel = count(s, "<");
	TAP_OK(nel < 3000 && strlen(s) < 8000000 && tags_ok(s, why, sizeof(why)),
	       "plot: %zu wakeups -> %zu tags, %zu bytes", n, nel, strlen(s));
	TAP_OK(strstr(s, "reads drawn: every 40-th read") != NULL, "plot: the scatter subsampling is stated");
	free(s);
	t.nwk = n = 20000;
	s = run_export(&t);
	TAP_OK(!json_check(s) && count(s, "{\"ph\":\"C\"") == n, "export: %zu wakeups, %zu MB of valid JSON",
	       n, strlen(s) >> 20);
	free(s);
	free(w);
}

static int cmp_waking(const void *a, const void *b)
{
	const struct wakeoff_wakeup *x = a, *y = b;

	return (x->ts_waking > y->ts_waking) - (x->ts_waking < y->ts_waking);
}

/* Garbage in every field (sorted by ts_waking, as the parser leaves it). */
static void test_random(void)
{
	static const int64_t extremes[] = { INT64_MIN, INT64_MAX, 0, -1 };
	struct wo_trace t;
	struct wakeoff_wakeup *w;
	size_t i, n = 3000, nx;
	char why[128] = "", *s;
	struct xs *x;
	bool ok = true;

	fx_trace(&t);
	w = calloc(n, sizeof(*w));
	for (i = 0; i < n; i++) {
		unsigned char *b = (unsigned char *)&w[i];
		size_t k;

		for (k = 0; k < sizeof(w[i]); k++)
			b[k] = (unsigned char)fx_rnd();
		w[i].waker_cpu %= 64;
		w[i].run_cpu %= 64;
		w[i].target_cpu %= 64;
		if (i % 2) {	/* half of them in a narrow window: collisions */
			w[i].ts_waking = 1000000 + fx_rnd() % 50000;
			w[i].ts_wakeup = w[i].ts_waking + fx_rnd() % 3000;
			w[i].ts_switch = w[i].ts_waking + fx_rnd() % 5000;
			w[i].ts_tkread = w[i].ts_waking + fx_rnd() % 8000;
			w[i].waker_cpu %= 3;
			w[i].run_cpu %= 3;
		}
		if (i % 7 == 0)
			w[i].tk_offset = extremes[i % 4];
		w[i].tk_func %= 3;
		w[i].rq_nr_running %= 40;
	}
	qsort(w, n, sizeof(*w), cmp_waking);
	t.wk = w;
	t.nwk = n;
	s = run_export(&t);
	ok = !json_check(s);
	x = calloc(2 * n, sizeof(*x));
	nx = slices(s, x, 2 * n);
	TAP_OK(ok && nx >= n && nested(x, nx), "random records: export is valid JSON, %zu slices nest", nx);
	free(x);
	free(s);
	s = run_plot(&t, NULL);
	TAP_OK(tags_ok(s, why, sizeof(why)) && !bad_number(s, "nan") && !bad_number(s, "inf") &&
	       strstr(s, "</html>"), "random records: the page is well-formed, no NaN%s%s",
	       why[0] ? ": " : "", why);
	free(s);
	free(w);
}

/* The commands on a real file, through the real writer and parser. */
static void test_cmds(void)
{
	char path[] = "/tmp/wo-export-XXXXXX", json[64], html[64], *buf;
	size_t len;
	FILE *f;
	int fd, rc;

	buf = fx_build(30, &len);
	fd = mkstemp(path);
	if (!buf || fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		TAP_OK(0, "cmd: fixture file");
		return;
	}
	close(fd);
	snprintf(json, sizeof(json), "%s.json", path);
	snprintf(html, sizeof(html), "%s.html", path);
	{
		char *a1[] = { "export", "--perfetto", json, path, NULL };
		char *a2[] = { "plot", path, "-o", html, NULL };
		char *a3[] = { "export", path, NULL };
		char *a4[] = { "plot", "/nonexistent/x.wo", "-o", html, NULL };
		char *a5[] = { "export", "--bogus", NULL };

		rc = cmd_export(4, a1);
		f = fopen(json, "r");
		if (f) {
			char *j = malloc(1 << 20);
			size_t n = fread(j, 1, (1 << 20) - 1, f);

			j[n] = 0;
			fclose(f);
			TAP_OK(rc == 0 && !json_check(j) && count(j, "{\"ph\":\"s\"") == 30,
			       "cmd: export --perfetto OUT FILE writes valid JSON");
			free(j);
		} else {
			TAP_OK(0, "cmd: export wrote nothing");
		}
		rc = cmd_plot(4, a2);
		TAP_OK(rc == 0 && access(html, R_OK) == 0, "cmd: plot FILE -o OUT");
		fprintf(stderr, "# expected errors follow\n");
		TAP_OK(cmd_export(2, a3) == 1 && cmd_plot(4, a4) == 1 && cmd_export(2, a5) == 1,
		       "cmd: missing --perfetto, unreadable file, unknown option: exit status 1");
	}
	unlink(json);
	unlink(html);
	unlink(path);
	free(buf);
}

int main(void)
{
	printf("TAP version 13\n");
	test_export();
	test_plot();
	test_big();
	test_random();
	test_cmds();
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
