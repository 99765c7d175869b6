// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff stress: the idle-vs-load measurement recipe.  N idle runs and N runs
 * under the controlled load (a ping-pong pair allowed on two CPUs, a
 * third CPU kept busy), one run id each, filtered to the workload's own
 * tasks; then the table of the three numbers the experiment's author asks others to
 * send: the WF_MIGRATED share, the median ttwu -> first timekeeping read
 * per class, and whether the clock offset stays constant.
 *
 * The numbers come from the module's per-run blocks (run.<id>.* in the
 * summary), read after each run and refreshed at the end while the
 * module still keeps them (max_runs).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "uprobe.h"
#include "hist.h"
#include "modfs.h"
#include "workload.h"
#include "../module/uapi/wakeoff_keys.h"

#define STRESS_COMM	"wo-stress"

struct srun {
	uint64_t id;
	bool load, have, have_mig, have_local, have_off;
	long work;			/* wakeups / round trips done */
	uint64_t wakeups, tkreads;
	double mig_pct;
	uint64_t med_mig, med_local;
	int64_t off_min, off_spread;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff stress [-n RUNS] [-d SECONDS] [--cpus A,B] [--busy C]\n"
		"                      [--no-uprobe] [-j] [-v]\n"
		"\n"
		"The idle-vs-load recipe: RUNS idle runs (default 40: a task sleeping 1 ms and\n"
		"reading the clock after every wakeup) and RUNS runs under load (a pipe\n"
		"ping-pong pair allowed on CPUs A and B, default 0,1, reading the clock\n"
		"after every wakeup, while CPU C, default 2, is kept busy), each run\n"
		"SECONDS long (default 1) with its own run id (idle 1..RUNS, load\n"
		"RUNS+1..2*RUNS).  Then, per series: the WF_MIGRATED share, the median\n"
		"ttwu->first timekeeping read per class, and whether the clock offset\n"
		"stays constant (within each run and across runs).  The module's filter\n"
		"is set to comm " STRESS_COMM " for the duration and cleared after.\n"
		"The workload reads the clock as applications do, through the C library\n"
		"(the vDSO), with a user clock hook (uprobe) on this program's own\n"
		"clock_gettime(), removed at the end; --no-uprobe, or a module that has\n"
		"other user hooks attached, makes it read with the system call instead.\n"
		"  -j, --json   the table as JSON     -v, --verbose   also one line per run\n");
}

/*
 * A user clock hook on this program's own clock_gettime() (statically
 * linked: the workload's children run this same file), for processes
 * running this file only.  Not when the module has user hooks already:
 * they would be cleared with ours at the end.
 */
static bool hook_self(const struct wo_summary *s)
{
	char exe[4096];
	uint64_t n = 0;
	ssize_t len;

	if (wo_summary_get_u64(s, WAKEOFF_KEY_UPROBES_ATTACHED, &n) || n) {
		fprintf(stderr, "wakeoff stress: %s: the workload reads the clock with the system call\n",
			n ? "user clock hooks are attached already" :
			    "this module has no user clock hooks");
		return false;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return false;
	exe[len] = '\0';
	if (wo_uprobe_add(exe, "clock_gettime", "clock_gettime", true)) {
		fprintf(stderr, "wakeoff stress: no user clock hook: the workload reads the clock with the system call\n");
		return false;
	}
	return true;
}

static int parse_cpu(const char *s, int *v)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno || end == s || x < 0 || x > 4095)
		return -1;
	*v = (int)x;
	return *end;
}

static void read_run(const struct wo_summary *s, struct srun *r, const char *func)
{
	char k[200];
	const char *v;

	snprintf(k, sizeof(k), "run.%" PRIu64 ".wakeups", r->id);
	if (wo_summary_get_u64(s, k, &r->wakeups))
		return;
	r->have = true;
	snprintf(k, sizeof(k), "run.%" PRIu64 ".tkreads", r->id);
	wo_summary_get_u64(s, k, &r->tkreads);
	snprintf(k, sizeof(k), "run.%" PRIu64 ".wf_migrated_pct", r->id);
	v = wo_summary_get(s, k);
	r->mig_pct = v ? strtod(v, NULL) : 0;
	snprintf(k, sizeof(k), "run.%" PRIu64 ".median_ttwu_to_tkread_ns.migrated", r->id);
	r->have_mig = !wo_summary_get_u64(s, k, &r->med_mig) && r->med_mig;
	snprintf(k, sizeof(k), "run.%" PRIu64 ".median_ttwu_to_tkread_ns.local", r->id);
	r->have_local = !wo_summary_get_u64(s, k, &r->med_local) && r->med_local;
	if (func) {
		snprintf(k, sizeof(k), "run.%" PRIu64 ".offset.%s.min_ns", r->id, func);
		v = wo_summary_get(s, k);
		if (v) {
			r->off_min = strtoll(v, NULL, 10);
			snprintf(k, sizeof(k), "run.%" PRIu64 ".offset.%s.spread_ns", r->id, func);
			v = wo_summary_get(s, k);
			r->off_spread = v ? strtoll(v, NULL, 10) : 0;
			r->have_off = true;
		}
	}
}

struct series {
	const char *name;
	size_t runs, with_data;
	double mig_med, mig_min, mig_max;
	uint64_t wakeups_med, med_mig, med_local;
	size_t n_mig, n_local, n_off, n_stable;
	int64_t off_med, off_drift;
};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void summarize(const struct srun *r, size_t n, bool load, struct series *s)
{
	double *pct = calloc(n + 1, sizeof(double));
	uint64_t *w = calloc(n + 1, sizeof(uint64_t));
	uint64_t *mm = calloc(n + 1, sizeof(uint64_t));
	uint64_t *ml = calloc(n + 1, sizeof(uint64_t));
	int64_t *off = calloc(n + 1, sizeof(int64_t));
	size_t i, k = 0;

	if (!pct || !w || !mm || !ml || !off) {
		perror("wakeoff stress");
		exit(2);
	}
	memset(s, 0, sizeof(*s));
	s->name = load ? "load" : "idle";
	for (i = 0; i < n; i++) {
		if (r[i].load != load)
			continue;
		s->runs++;
		if (!r[i].have || !r[i].wakeups)
			continue;
		pct[k] = r[i].mig_pct;
		w[k++] = r[i].wakeups;
		if (r[i].have_mig)
			mm[s->n_mig++] = r[i].med_mig;
		if (r[i].have_local)
			ml[s->n_local++] = r[i].med_local;
		if (r[i].have_off) {
			off[s->n_off++] = r[i].off_min;
			s->n_stable += r[i].off_spread <= WAKEOFF_OFFSET_STABLE_NS;
		}
	}
	s->with_data = k;
	if (k) {
		qsort(pct, k, sizeof(*pct), cmp_d);
		s->mig_min = pct[0];
		s->mig_max = pct[k - 1];
		s->mig_med = pct[(k - 1) / 2];
		s->wakeups_med = wo_pct_u64(w, k, 50);
	}
	s->med_mig = wo_pct_u64(mm, s->n_mig, 50);
	s->med_local = wo_pct_u64(ml, s->n_local, 50);
	if (s->n_off) {
		s->off_med = wo_pct_s64(off, s->n_off, 50);
		s->off_drift = off[s->n_off - 1] - off[0];
	}
	free(pct);
	free(w);
	free(mm);
	free(ml);
	free(off);
}

static void ns_col(char *b, size_t l, bool have, uint64_t ns)
{
	if (have)
		snprintf(b, l, "%.1f us", ns / 1e3);
	else
		snprintf(b, l, "-");
}

/* The options, and what the runs found. */
struct stress {
	unsigned long runs;
	double dur;
	int a, b, busy;
	bool json, verbose, no_uprobe, hooked, started;
	struct wo_summary s;
	struct srun *r;
	struct series ser[2];
	char func[128];
};

static int stress_opt(struct stress *st, int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case 'n':
		errno = 0;
		st->runs = strtoul(arg, &end, 10);
		if (errno || *end || !st->runs || st->runs > 10000) {
			fprintf(stderr, "wakeoff stress: bad run count '%s' (1..10000)\n", arg);
			return 2;
		}
		return -1;
	case 'd':
		errno = 0;
		st->dur = strtod(arg, &end);
		if (errno || *end || !(st->dur > 0) || st->dur > 3600) {
			fprintf(stderr, "wakeoff stress: bad duration '%s' (seconds, 0..3600)\n",
				arg);
			return 2;
		}
		return -1;
	case 'c':
		if (parse_cpu(arg, &st->a) != ',' ||
		    parse_cpu(strchr(arg, ',') + 1, &st->b) != 0 || st->a == st->b) {
			fprintf(stderr, "wakeoff stress: bad --cpus '%s' (two CPUs: A,B)\n",
				arg);
			return 2;
		}
		return -1;
	case 'b':
		if (parse_cpu(arg, &st->busy)) {
			fprintf(stderr, "wakeoff stress: bad --busy CPU '%s'\n", arg);
			return 2;
		}
		return -1;
	case 'j': st->json = true; return -1;
	case 'U': st->no_uprobe = true; return -1;
	case 'v': st->verbose = true; return -1;
	case 'h':
		usage(stdout);
		return 0;
	default:
		usage(stderr);
		return 2;
	}
}

/* -1: go on; else the exit status. */
static int stress_opts(struct stress *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "busy", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-uprobe", no_argument, NULL, 'U' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "n:d:vjh", opts, NULL)) != -1)
		if ((rc = stress_opt(st, opt, optarg)) >= 0)
			return rc;
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (st->busy == st->a || st->busy == st->b) {
		fprintf(stderr, "wakeoff stress: the busy CPU must not be one of the pair\n");
		return 2;
	}
	return -1;
}

/* The CPUs are online, and the run blocks; 0 or -1. */
static int stress_check(struct stress *st)
{
	uint64_t online = 0, maxruns = 0;

	wo_summary_get_u64(&st->s, WAKEOFF_KEY_CPUS_ONLINE, &online);
	wo_summary_get_u64(&st->s, WAKEOFF_KEY_RUNS_MAX, &maxruns);
	if ((uint64_t)st->a >= online || (uint64_t)st->b >= online ||
	    (uint64_t)st->busy >= online) {
		fprintf(stderr, "wakeoff stress: CPUs %d,%d and %d needed, %" PRIu64
			" online (use --cpus/--busy)\n", st->a, st->b, st->busy, online);
		return -1;
	}
	if (maxruns && maxruns < 2 * st->runs)
		fprintf(stderr, "wakeoff stress: the module keeps %" PRIu64
			" run blocks (max_runs); each run is read right after it ends\n",
			maxruns);
	st->r = calloc(2 * st->runs, sizeof(*st->r));
	if (!st->r) {
		perror("wakeoff stress");
		return -1;
	}
	return 0;
}

/* Run @i (idle runs first, then load), then read its numbers. */
static int stress_run(struct stress *st, size_t i)
{
	struct timespec settle = { 0, 20000000 };
	struct srun *r = &st->r[i];
	char cmd[96], series[sizeof(st->func)];

	r->id = i + 1;
	r->load = i >= st->runs;
	snprintf(cmd, sizeof(cmd), "run %" PRIu64 " %s", r->id,
		 r->load ? "load" : "idle");
	if (wo_mod_control(cmd))
		return -1;
	r->work = r->load ? wo_run_load(st->dur, st->a, st->b, st->busy) :
			    wo_run_idle(st->dur);
	if (r->work < 0) {
		fprintf(stderr, "wakeoff stress: run %zu: %s\n", i + 1, strerror(errno));
		return -1;
	}
	/* Let the last wakeups of the run close before reading it. */
	nanosleep(&settle, NULL);
	wo_summary_free(&st->s);
	if (wo_mod_summary(&st->s))
		return -1;
	wo_summary_offset_series(&st->s, series, sizeof(series));
	if (*series)
		snprintf(st->func, sizeof(st->func), "%s", series);
	read_run(&st->s, r, *st->func ? st->func : NULL);
	return 0;
}

/* All runs under the stress comm filter; the two series at the end. */
static int stress_runs(struct stress *st)
{
	const char *v = wo_summary_get(&st->s, WAKEOFF_KEY_STATE);
	size_t i;

	if (v && strcmp(v, "recording")) {
		if (wo_mod_control("start"))
			return -1;
		st->started = true;
	}
	if (!st->no_uprobe)
		st->hooked = hook_self(&st->s);
	wo_workload_libc_clock(st->hooked);
	wo_workload_name(STRESS_COMM);
	for (i = 0; i < 2 * st->runs; i++) {
		if (stress_run(st, i))
			return -1;
		if (!st->json && isatty(2))
			fprintf(stderr, "\r[wakeoff stress] run %zu/%lu (%s)   ", i + 1,
				2 * st->runs, st->r[i].load ? "load" : "idle");
	}
	if (!st->json && isatty(2))
		fputc('\n', stderr);
	/* Runs closed after their read are in the blocks the module still has. */
	wo_summary_free(&st->s);
	if (wo_mod_summary(&st->s))
		return -1;
	for (i = 0; i < 2 * st->runs; i++)
		read_run(&st->s, &st->r[i], *st->func ? st->func : NULL);
	summarize(st->r, 2 * st->runs, false, &st->ser[0]);
	summarize(st->r, 2 * st->runs, true, &st->ser[1]);
	return 0;
}

static void stress_json(const struct stress *st)
{
	const struct srun *r = st->r;
	size_t i;

	printf("{\"kernel\": \"%s\", \"runs_per_series\": %lu, \"run_seconds\": %.3f, "
	       "\"cpus\": [%d, %d], \"busy_cpu\": %d, \"offset_function\": \"%s\", \"series\": [",
	       wo_summary_get(&st->s, "kernel") ? wo_summary_get(&st->s, "kernel") : "?",
	       st->runs, st->dur, st->a, st->b, st->busy, st->func);
	for (i = 0; i < 2; i++) {
		const struct series *x = &st->ser[i];

		printf("%s\n  {\"name\": \"%s\", \"runs\": %zu, \"runs_with_data\": %zu, "
		       "\"median_wakeups\": %" PRIu64 ", \"wf_migrated_pct\": {\"median\": %.2f, "
		       "\"min\": %.2f, \"max\": %.2f}, \"median_ttwu_to_tkread_ns\": "
		       "{\"migrated\": %" PRIu64 ", \"local\": %" PRIu64 "}, \"offset\": "
		       "{\"runs\": %zu, \"median_min_ns\": %" PRId64 ", \"drift_ns\": %" PRId64
		       ", \"runs_within_1ms\": %zu}}", i ? "," : "", x->name, x->runs,
		       x->with_data, x->wakeups_med, x->mig_med, x->mig_min, x->mig_max,
		       x->med_mig, x->med_local, x->n_off, x->off_med, x->off_drift,
		       x->n_stable);
	}
	printf("\n], \"per_run\": [");
	for (i = 0; i < 2 * st->runs; i++)
		printf("%s\n  {\"id\": %" PRIu64 ", \"series\": \"%s\", \"wakeups\": %" PRIu64
		       ", \"wf_migrated_pct\": %.2f, \"median_migrated_ns\": %" PRIu64
		       ", \"median_local_ns\": %" PRIu64 ", \"offset_min_ns\": %" PRId64
		       ", \"offset_spread_ns\": %" PRId64 "}", i ? "," : "", r[i].id,
		       r[i].load ? "load" : "idle", r[i].wakeups, r[i].mig_pct,
		       r[i].med_mig, r[i].med_local, r[i].off_min, r[i].off_spread);
	printf("\n]}\n");
}

/* One table row per series. */
static void stress_series_row(const struct series *x)
{
	char p[40], m1[24], m2[24], mm[56], o[96];

	snprintf(p, sizeof(p), "%.2f [%.2f..%.2f]", x->mig_med, x->mig_min,
		 x->mig_max);
	ns_col(m1, sizeof(m1), x->n_mig, x->med_mig);
	ns_col(m2, sizeof(m2), x->n_local, x->med_local);
	snprintf(mm, sizeof(mm), "%s / %s", m1, m2);
	if (x->n_off)
		snprintf(o, sizeof(o), "%" PRId64 " ns, %.1f us, %zu/%zu %s",
			 x->off_med, x->off_drift / 1e3, x->n_stable, x->n_off,
			 x->n_stable == x->n_off && x->off_drift <= WAKEOFF_OFFSET_STABLE_NS ?
			 "(constant)" : "(NOT constant)");
	else
		snprintf(o, sizeof(o), "-");
	printf("%-6s %5zu %9" PRIu64 "  %-22s  %-24s  %s\n", x->name, x->runs,
	       x->wakeups_med, p, mm, o);
}

/* -v: one line per run. */
static void stress_per_run(const struct stress *st)
{
	const struct srun *r = st->r;
	size_t i;

	printf("\n%5s %-5s %8s %8s %12s %12s %16s %12s\n", "run", "kind",
	       "wakeups", "migr %", "med migr", "med local", "offset min ns",
	       "spread");
	for (i = 0; i < 2 * st->runs; i++) {
		char m1[24], m2[24];

		ns_col(m1, sizeof(m1), r[i].have_mig, r[i].med_mig);
		ns_col(m2, sizeof(m2), r[i].have_local, r[i].med_local);
		printf("%5" PRIu64 " %-5s %8" PRIu64 " %8.2f %12s %12s %16" PRId64
		       " %9.1f us\n", r[i].id, r[i].load ? "load" : "idle",
		       r[i].wakeups, r[i].mig_pct, m1, m2, r[i].off_min,
		       r[i].off_spread / 1e3);
	}
}

static void stress_text(const struct stress *st)
{
	const struct wo_summary *s = &st->s;
	size_t i;

	printf("wakeoff stress: %lu idle + %lu load runs of %.2f s; load: ping-pong on CPUs %d,%d, CPU %d busy\n",
	       st->runs, st->runs, st->dur, st->a, st->b, st->busy);
	printf("kernel %s, clocksource %s, clock reads %s, offset of %s\n\n",
	       wo_summary_get(s, "kernel") ? wo_summary_get(s, "kernel") : "?",
	       wo_summary_get(s, "clocksource") ? wo_summary_get(s, "clocksource") : "?",
	       st->hooked ? "through the C library (user clock hook)" : "by system call",
	       *st->func ? st->func : "(no timekeeping read seen)");
	printf("%-6s %5s %9s  %-22s  %-24s  %s\n", "series", "runs", "wakeups",
	       "WF_MIGRATED % median", "median ttwu->tkread", "clock offset");
	printf("%-6s %5s %9s  %-22s  %-24s  %s\n", "", "", "per run", "[min..max]",
	       "migrated / local", "median, drift across runs, runs within 1 ms");
	for (i = 0; i < 2; i++)
		stress_series_row(&st->ser[i]);
	if (st->verbose)
		stress_per_run(st);
}

int cmd_stress(int argc, char **argv)
{
	struct stress st = { .runs = 40, .dur = 1.0, .a = 0, .b = 1, .busy = 2 };
	int rc;

	rc = stress_opts(&st, argc, argv);
	if (rc >= 0)
		return rc;
	if (wo_mod_summary(&st.s))
		return 1;
	rc = 1;
	if (stress_check(&st))
		goto out;
	if (wo_mod_control("filter clear") ||
	    wo_mod_control("filter comm " STRESS_COMM))
		goto out;
	if (!stress_runs(&st)) {
		if (st.json)
			stress_json(&st);
		else
			stress_text(&st);
		rc = 0;
	}
	/* Whatever cannot be put back fails the command: the module is off. */
	if (st.hooked && wo_mod_restore("wakeoff stress", "uprobe clear",
					"with a clock hook in this process's C library"))
		rc = 1;
	if (st.started && wo_mod_restore("wakeoff stress", "stop", "recording"))
		rc = 1;
	if (wo_mod_restore("wakeoff stress", "filter clear", "filtered"))
		rc = 1;
out:
	wo_summary_free(&st.s);
	free(st.r);
	return rc;
}
