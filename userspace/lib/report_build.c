// SPDX-License-Identifier: GPL-2.0
/*
 * Fill struct wo_report from a record file or from the live summary.
 *
 * From records, the latency percentiles use the module's own histogram
 * rule (hist.h), so a file's report and the module's summary of the same
 * wakeups agree exactly; offsets, being few and signed, are exact order
 * statistics.  Deltas follow the module: a negative delta (cross-CPU
 * clock skew) counts as 0.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "report.h"
#include "../../module/uapi/wakeoff_keys.h"

const char *const wo_metric_names[WO_RM_NR] = {
	"waking_to_wakeup_ns", "wakeup_to_switch_ns", "ttwu_to_tkread_ns",
};

/* Accumulator of one class while scanning records. */
struct acc {
	char *scope, *name;
	uint64_t key;
	uint64_t count;
	struct wo_uhist h[WO_RM_NR];
};

struct accs {
	struct acc **v;
	size_t n;
};

/*
 * Out of memory while building: the allocation helpers below jump back to
 * the public entry (report_try()), which returns -1 with "out of memory"
 * instead of exiting: the builders stay free of a check per allocation.
 * What was allocated before is leaked (the caller gives up anyway).
 */
static _Thread_local jmp_buf *oom_jump;

static void oom(void)
{
	if (oom_jump)
		longjmp(*oom_jump, 1);
	abort();	/* not reached: every builder runs under report_try() */
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		oom();
	return d;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		oom();
	return p;
}

static void *xrealloc(void *p, size_t sz)
{
	p = realloc(p, sz ? sz : 1);
	if (!p)
		oom();
	return p;
}

static struct acc *acc_get(struct accs *a, const char *scope, uint64_t key,
			   const char *name)
{
	struct acc *c;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->v[i]->key == key && !strcmp(a->v[i]->scope, scope))
			return a->v[i];
	c = xcalloc(1, sizeof(*c));
	c->scope = xstrdup(scope);
	c->name = xstrdup(name);
	c->key = key;
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = c;
	return c;
}

void wo_pcts_from_hist(struct wo_pcts *p, const struct wo_uhist *h)
{
	p->count = h->n;
	p->p50 = wo_uhist_pct(h, 50);
	p->p90 = wo_uhist_pct(h, 90);
	p->p99 = wo_uhist_pct(h, 99);
	p->max = h->n ? h->max : 0;
}

static void acc_add(struct acc *c, const bool *have, const uint64_t *d)
{
	int m;

	c->count++;
	for (m = 0; m < WO_RM_NR; m++)
		if (have[m])
			wo_uhist_add(&c->h[m], d[m]);
}

/* Samples of one offset series (class x function). */
struct offs {
	int mig;
	unsigned int func;
	int64_t *v;
	size_t n, cap;
};

static void offs_add(struct offs **o, size_t *n, int mig, unsigned int func,
		     int64_t v)
{
	struct offs *s = NULL;
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*o)[i].mig == mig && (*o)[i].func == func)
			s = &(*o)[i];
	if (!s) {
		*o = xrealloc(*o, (*n + 1) * sizeof(**o));
		s = &(*o)[(*n)++];
		memset(s, 0, sizeof(*s));
		s->mig = mig;
		s->func = func;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = v;
}

static uint64_t delta(uint64_t from, uint64_t to)
{
	return to < from ? 0 : to - from;
}

/* Offsets are kept per series: "clock.function" (wofile.h). */
static const char *tk_name(const struct wo_trace *t, unsigned int series,
			   char *buf, size_t len)
{
	wo_trace_series_name(t, series, buf, len);
	return buf;
}

static int cmp_task(const void *a, const void *b)
{
	const struct wo_rtask *x = a, *y = b;

	if (x->sw_max != y->sw_max)
		return x->sw_max < y->sw_max ? 1 : -1;
	return x->pid - y->pid;
}

static const struct wo_trace *sort_trace;

/* By pid; records are already in time order, so keep it (stable key). */
static int cmp_pid(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int px = sort_trace->wk[x].pid, py = sort_trace->wk[y].pid;

	if (px != py)
		return px < py ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_stack(const void *a, const void *b)
{
	const struct wo_rstack *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_class(const void *a, const void *b)
{
	const struct wo_rclass *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void counters_from(const struct wo_summary *c, struct wo_report *r,
			  bool received)
{
	unsigned int i;
	char k[64];

	for (i = 0; i < r->ncpus; i++) {
		struct wo_rcpu *p = &r->cpu[i];

		snprintf(k, sizeof(k), "cpu%u.recorded", i);
		wo_summary_get_u64(c, k, &p->recorded);
		snprintf(k, sizeof(k), "cpu%u.dropped", i);
		wo_summary_get_u64(c, k, &p->dropped);
		snprintf(k, sizeof(k), "cpu%u.wakeups", i);
		wo_summary_get_u64(c, k, &p->wakeups);
		snprintf(k, sizeof(k), "cpu%u.received", i);
		if (received && !wo_summary_get_u64(c, k, &p->received))
			p->have_received = true;
		r->recorded += p->recorded;
		r->dropped += p->dropped;
	}
}

static void build_offsets(const struct wo_trace *t, struct wo_report *r,
			  struct offs *o, size_t no)
{
	size_t i, j, best = 0, best_n = 0;
	char fb[160];

	r->off = xcalloc(no, sizeof(*r->off));
	r->noff = no;
	for (i = 0; i < no; i++) {
		struct wo_roff *d = &r->off[i];
		int64_t *v = o[i].v;

		d->cls = xstrdup(o[i].mig ? "migrated" : "local");
		d->func = xstrdup(tk_name(t, o[i].func, fb, sizeof(fb)));
		d->count = o[i].n;
		d->median = wo_pct_s64(v, o[i].n, 50);	/* sorts v */
		d->min = v[0];
		d->max = v[o[i].n - 1];
		d->p1 = wo_pct_s64(v, o[i].n, 1);
		d->p99 = wo_pct_s64(v, o[i].n, 99);
		d->have_p1_p99 = true;
	}
	/* The headline offset: the most used function, both classes merged. */
	for (i = 0; i < no; i++) {
		size_t n = 0;

		for (j = 0; j < no; j++)
			if (o[j].func == o[i].func)
				n += o[j].n;
		if (n > best_n) {
			best_n = n;
			best = i;
		}
	}
	if (best_n) {
		int64_t *all = xcalloc(best_n, sizeof(*all));
		size_t k = 0;

		for (j = 0; j < no; j++)
			if (o[j].func == o[best].func) {
				memcpy(all + k, o[j].v, o[j].n * sizeof(*all));
				k += o[j].n;
			}
		r->off_have = true;
		r->off_func = xstrdup(tk_name(t, o[best].func, fb, sizeof(fb)));
		r->off_median = wo_pct_s64(all, k, 50);
		r->off_spread = all[k - 1] - all[0];
		r->off_p1_p99 = wo_pct_s64(all, k, 99) - wo_pct_s64(all, k, 1);
		r->off_stable = r->off_p1_p99 <= WO_OFFSET_STABLE_NS;
		free(all);
	}
}

static void build_runs(const struct wo_trace *t, struct wo_report *r)
{
	size_t i, j;

	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];

		for (j = 0; j < r->nruns; j++)
			if (r->runs[j].id == w->run_id)
				break;
		if (j == r->nruns) {
			const char *l = wo_trace_run_label(t, w->run_id);

			r->runs = xrealloc(r->runs, (r->nruns + 1) * sizeof(*r->runs));
			memset(&r->runs[j], 0, sizeof(r->runs[j]));
			r->runs[j].id = w->run_id;
			r->runs[j].label = xstrdup(l && *l ? l : "-");
			r->nruns++;
		}
	}
}

/* What wo_report_from_trace() gathers while it walks the wakeups. */
struct trb {
	const struct wo_trace *t;
	struct wo_report *r;
	uint32_t wf_mig, wf_sync;
	unsigned int n;			/* CPUs */
	struct wo_uhist *cpu_sw;	/* per target CPU: wakeup -> switch */
	struct wo_uhist *stack_sw;	/* per stack: wakeup -> switch */
	uint64_t **stack_cnt;		/* per stack: WF_SYNC, migrated */
	struct accs a;
	struct offs *o;
	size_t no;
};

/* The CPU count: cpus_possible, or more if the records name more. */
static unsigned int trace_ncpus(const struct wo_trace *t)
{
	const char *v = wo_trace_meta(t, "cpus_possible");
	unsigned int n = v ? (unsigned int)strtoul(v, NULL, 10) : 0;
	size_t i;

	if (n > 4096)
		n = 4096;
	if (t->max_cpu > n)
		n = t->max_cpu;
	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		unsigned int c = w->prev_cpu > w->target_cpu ? w->prev_cpu : w->target_cpu;

		if (w->waker_cpu > c)
			c = w->waker_cpu;
		if (c < 4096 && c + 1 > n)
			n = c + 1;
	}
	return n;
}

/* The header fields, per-CPU tables, counters, runs and fixed classes. */
static void trb_init(struct trb *b)
{
	const struct wo_trace *t = b->t;
	struct wo_report *r = b->r;
	size_t i;

	r->from_records = true;
	r->source = xstrdup(t->path);
	r->kernel = xstrdup(wo_trace_meta(t, "kernel"));
	r->module_version = xstrdup(wo_trace_meta(t, "module_version"));
	r->clocksource = xstrdup(wo_trace_meta(t, "clocksource"));
	b->n = trace_ncpus(t);
	r->ncpus = b->n;
	r->cpu = xcalloc(b->n, sizeof(*r->cpu));
	r->matrix = xcalloc((size_t)b->n * b->n, sizeof(*r->matrix));
	r->have_matrix = true;
	counters_from(&t->counters, r, true);
	wo_summary_get_u64(&t->counters, "wakeups", &r->wakeups);
	wo_summary_get_u64(&t->counters, "untracked", &r->untracked);
	b->cpu_sw = xcalloc(b->n, sizeof(*b->cpu_sw));
	build_runs(t, r);
	for (i = 0; i < r->nruns; i++) {
		char nm[WAKEOFF_LABEL_LEN + 32];

		snprintf(nm, sizeof(nm), "%" PRIu64 " %s", r->runs[i].id,
			 r->runs[i].label);
		acc_get(&b->a, "run", r->runs[i].id, nm);
	}
	acc_get(&b->a, "class", 0, "all");
	acc_get(&b->a, "class", 1, "migrated");
	acc_get(&b->a, "class", 2, "local");
}

/* The three deltas of one wakeup, where its record has both ends. */
static void wk_deltas(const struct wakeoff_wakeup *w, bool *have, uint64_t *d)
{
	if (w->valid & WAKEOFF_V_WAKEUP) {
		have[WO_RM_WAKE] = true;
		d[WO_RM_WAKE] = delta(w->ts_waking, w->ts_wakeup);
	}
	if (w->valid & WAKEOFF_V_SWITCH) {
		have[WO_RM_SWITCH] = true;
		d[WO_RM_SWITCH] = delta(w->ts_wakeup, w->ts_switch);
	}
	if (w->valid & WAKEOFF_V_TKREAD) {
		have[WO_RM_TK] = true;
		d[WO_RM_TK] = delta(w->ts_waking, w->ts_tkread);
	}
}

/* One wakeup into its blocking-stack cluster. */
static void trb_stack(struct trb *b, const struct wakeoff_wakeup *w, bool mig,
		      const bool *have, const uint64_t *d)
{
	struct wo_report *r = b->r;
	size_t k;

	for (k = 0; k < r->nstacks; k++)
		if (r->stacks[k].id == w->stack_id)
			break;
	if (k == r->nstacks) {
		r->stacks = xrealloc(r->stacks, (k + 1) * sizeof(*r->stacks));
		memset(&r->stacks[k], 0, sizeof(r->stacks[k]));
		r->stacks[k].id = w->stack_id;
		b->stack_sw = xrealloc(b->stack_sw, (k + 1) * sizeof(*b->stack_sw));
		memset(&b->stack_sw[k], 0, sizeof(*b->stack_sw));
		b->stack_cnt = xrealloc(b->stack_cnt, (k + 1) * sizeof(*b->stack_cnt));
		b->stack_cnt[k] = xcalloc(2, sizeof(uint64_t));
		r->nstacks++;
	}
	r->stacks[k].count++;
	b->stack_cnt[k][0] += !!(w->final_flags & b->wf_sync);
	b->stack_cnt[k][1] += mig;
	if (have[WO_RM_SWITCH])
		wo_uhist_add(&b->stack_sw[k], d[WO_RM_SWITCH]);
}

/* One wakeup into the classes, its run, offsets, CPUs and stacks. */
static void trb_wakeup(struct trb *b, const struct wakeoff_wakeup *w)
{
	struct wo_report *r = b->r;
	bool mig = w->final_flags & b->wf_mig;
	bool have[WO_RM_NR] = { 0 };
	uint64_t d[WO_RM_NR] = { 0 };
	char fl[160];
	size_t j;

	wk_deltas(w, have, d);
	r->closed++;
	if (mig)
		r->migrated++;
	acc_add(acc_get(&b->a, "class", 0, "all"), have, d);
	acc_add(acc_get(&b->a, "class", mig ? 1 : 2, NULL), have, d);
	wo_trace_flags_str(b->t, w->final_flags, fl, sizeof(fl));
	acc_add(acc_get(&b->a, "flags", w->final_flags, fl), have, d);
	acc_add(acc_get(&b->a, "run", w->run_id, NULL), have, d);

	for (j = 0; j < r->nruns; j++)
		if (r->runs[j].id == w->run_id)
			break;
	r->runs[j].wakeups++;
	r->runs[j].migrated += mig;
	r->runs[j].tkreads += have[WO_RM_TK];

	if (w->valid & WAKEOFF_V_TKREAD)
		offs_add(&b->o, &b->no, mig, wo_series_of(w), w->tk_offset);
	if ((w->valid & WAKEOFF_V_WAKEUP) && w->target_cpu < b->n) {
		r->cpu[w->target_cpu].target_wakeups++;
		if (have[WO_RM_SWITCH])
			wo_uhist_add(&b->cpu_sw[w->target_cpu], d[WO_RM_SWITCH]);
		if (w->prev_cpu < b->n)
			r->matrix[(size_t)w->prev_cpu * b->n + w->target_cpu]++;
	}
	if (w->stack_id)
		trb_stack(b, w, mig, have, d);
}

/* One wakeup into its task's row. */
static void task_add(struct wo_rtask *tk, const struct wakeoff_wakeup *w,
		     uint32_t wf_mig)
{
	memcpy(tk->comm, w->comm, sizeof(tk->comm));
	tk->wakeups++;
	tk->migrated += !!(w->final_flags & wf_mig);
	if ((w->valid & (WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH)) ==
	    (WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH)) {
		uint64_t dsw = delta(w->ts_wakeup, w->ts_switch);

		tk->sw_n++;
		tk->sw_sum += dsw;
		if (dsw >= tk->sw_max) {
			tk->sw_max = dsw;
			tk->sw_max_at = w->ts_switch;
		}
	}
	if (w->valid & WAKEOFF_V_TKREAD) {
		tk->tk_n++;
		tk->tk_sum += delta(w->ts_waking, w->ts_tkread);
	}
}

/* Per task, like perf sched latency: group by pid. */
static void trb_tasks(struct trb *b)
{
	const struct wo_trace *t = b->t;
	struct wo_report *r = b->r;
	size_t *idx, i;

	idx = xcalloc(t->nwk, sizeof(*idx));
	for (i = 0; i < t->nwk; i++)
		idx[i] = i;
	sort_trace = t;
	qsort(idx, t->nwk, sizeof(*idx), cmp_pid);
	r->tasks = xcalloc(t->nwk, sizeof(*r->tasks));
	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[idx[i]];
		struct wo_rtask *tk;

		if (!r->ntasks || r->tasks[r->ntasks - 1].pid != w->pid) {
			tk = &r->tasks[r->ntasks++];
			tk->pid = w->pid;
			tk->tgid = w->tgid;
		}
		task_add(&r->tasks[r->ntasks - 1], w, b->wf_mig);
	}
	free(idx);
	if (r->ntasks > 1)
		qsort(r->tasks, r->ntasks, sizeof(*r->tasks), cmp_task);
}

/* Order: class rows as created, flags rows by count, run rows. */
static void classes_order(struct wo_report *r)
{
	struct wo_rclass *tmp = xcalloc(r->ncls, sizeof(*tmp));
	size_t i, j, o2 = 0, fstart;

	for (i = 0, j = 0; i < r->ncls; i++)
		if (!strcmp(r->cls[i].scope, "flags"))
			j++;
	for (i = 0; i < r->ncls; i++)
		if (!strcmp(r->cls[i].scope, "class"))
			tmp[o2++] = r->cls[i];
	fstart = o2;
	for (i = 0; i < r->ncls; i++)
		if (!strcmp(r->cls[i].scope, "flags"))
			tmp[o2++] = r->cls[i];
	qsort(tmp + fstart, j, sizeof(*tmp), cmp_class);
	for (i = 0; i < r->ncls; i++)
		if (!strcmp(r->cls[i].scope, "run"))
			tmp[o2++] = r->cls[i];
	free(r->cls);
	r->cls = tmp;
}

/* Classes: fixed ones first, then flags by count, then runs. */
static void trb_classes(struct trb *b)
{
	struct wo_report *r = b->r;
	size_t i;

	r->cls = xcalloc(b->a.n, sizeof(*r->cls));
	for (i = 0; i < b->a.n; i++) {
		struct acc *c = b->a.v[i];
		struct wo_rclass *d;
		int m;

		d = &r->cls[r->ncls++];
		d->scope = c->scope;
		d->name = c->name;
		d->count = c->count;
		for (m = 0; m < WO_RM_NR; m++)
			wo_pcts_from_hist(&d->m[m], &c->h[m]);
		if (!strcmp(c->scope, "class") && c->key == 1)
			r->med_tk_migrated = d->m[WO_RM_TK].p50;
		if (!strcmp(c->scope, "class") && c->key == 2)
			r->med_tk_local = d->m[WO_RM_TK].p50;
		free(c);
	}
	free(b->a.v);
	b->a.v = NULL;
	classes_order(r);
	r->migrated_pct = r->closed ? 100.0 * r->migrated / r->closed : 0;
}

/* The timekeeping function with the most reads in run @id. */
static unsigned int run_best_func(const struct trb *b, uint64_t id)
{
	const struct wo_trace *t = b->t;
	unsigned int best_f = 0;
	size_t best_n = 0, j, k;

	for (j = 0; j < b->no; j++) {
		size_t cnt = 0;

		for (k = 0; k < t->nwk; k++)
			cnt += t->wk[k].run_id == id &&
			       (t->wk[k].valid & WAKEOFF_V_TKREAD) &&
			       wo_series_of(&t->wk[k]) == b->o[j].func;
		if (cnt > best_n) {
			best_n = cnt;
			best_f = b->o[j].func;
		}
	}
	return best_f;
}

/* Runs: the three numbers per run. */
static void trb_run(struct trb *b, struct wo_rrun *run)
{
	const struct wo_trace *t = b->t;
	unsigned int best_f = run_best_func(b, run->id);
	struct wo_uhist run_tk[2];
	size_t k;

	memset(run_tk, 0, sizeof(run_tk));
	run->migrated_pct = run->wakeups ? 100.0 * run->migrated / run->wakeups : 0;
	for (k = 0; k < t->nwk; k++) {
		const struct wakeoff_wakeup *w = &t->wk[k];

		if (w->run_id != run->id || !(w->valid & WAKEOFF_V_TKREAD))
			continue;
		wo_uhist_add(&run_tk[!!(w->final_flags & b->wf_mig)],
			     delta(w->ts_waking, w->ts_tkread));
		if (wo_series_of(w) == best_f) {
			if (!run->off_func || w->tk_offset < run->off_min)
				run->off_min = w->tk_offset;
			if (!run->off_func) {
				char fb[160];

				run->off_func = xstrdup(tk_name(t, best_f, fb, sizeof(fb)));
				run->off_spread = 0;
				run->off_min = w->tk_offset;
			}
		}
	}
	if (run->off_func) {
		int64_t mx = INT64_MIN;

		for (k = 0; k < t->nwk; k++) {
			const struct wakeoff_wakeup *w = &t->wk[k];

			if (w->run_id == run->id && (w->valid & WAKEOFF_V_TKREAD) &&
			    wo_series_of(w) == best_f && w->tk_offset > mx)
				mx = w->tk_offset;
		}
		run->off_spread = mx - run->off_min;
	}
	run->med_tk_migrated = wo_uhist_pct(&run_tk[1], 50);
	run->med_tk_local = wo_uhist_pct(&run_tk[0], 50);
}

/* Stack clusters: the percentages and the frames as one string. */
static void trb_stacks(struct trb *b)
{
	struct wo_report *r = b->r;
	size_t k;

	for (k = 0; k < r->nstacks; k++) {
		struct wo_rstack *s = &r->stacks[k];
		const struct wo_stack *ts = wo_trace_stack(b->t, s->id);
		size_t len = 1, f;

		s->sync_pct = (unsigned int)(100 * b->stack_cnt[k][0] / s->count);
		s->migrated_pct = (unsigned int)(100 * b->stack_cnt[k][1] / s->count);
		s->med_switch = wo_uhist_pct(&b->stack_sw[k], 50);
		free(b->stack_cnt[k]);
		for (f = 0; ts && f < ts->nframes; f++)
			len += strlen(ts->frames[f]) + 3;
		s->frames = xcalloc(len, 1);
		for (f = 0; ts && f < ts->nframes; f++) {
			if (f)
				strcat(s->frames, " < ");
			strcat(s->frames, ts->frames[f]);
		}
		if (!ts)
			snprintf(s->frames, len, "%s", "");
	}
	free(b->stack_cnt);
	free(b->stack_sw);
	if (r->nstacks > 1)
		qsort(r->stacks, r->nstacks, sizeof(*r->stacks), cmp_stack);
}

static int from_trace(const struct wo_trace *t, struct wo_report *r,
		      char *err, size_t errlen)
{
	struct trb b = {
		.t = t, .r = r,
		.wf_mig = wo_trace_flag(t, "WF_MIGRATED"),
		.wf_sync = wo_trace_flag(t, "WF_SYNC"),
	};
	size_t i;

	memset(r, 0, sizeof(*r));
	if (!b.wf_mig) {
		snprintf(err, errlen, "%s: the file's flag table has no WF_MIGRATED",
			 t->path);
		return -1;
	}
	trb_init(&b);
	for (i = 0; i < t->nwk; i++)
		trb_wakeup(&b, &t->wk[i]);
	trb_tasks(&b);
	trb_classes(&b);
	for (i = 0; i < r->nruns; i++)
		trb_run(&b, &r->runs[i]);
	build_offsets(t, r, b.o, b.no);
	for (i = 0; i < b.no; i++)
		free(b.o[i].v);
	free(b.o);
	for (i = 0; i < b.n; i++)
		r->cpu[i].target_med_switch = wo_uhist_pct(&b.cpu_sw[i], 50);
	free(b.cpu_sw);
	trb_stacks(&b);
	return 0;
}

/* ---- from the live summary ---- */

static uint64_t sget(const struct wo_summary *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static uint64_t sget(const struct wo_summary *s, const char *fmt, ...)
{
	char k[256];
	uint64_t v = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k, sizeof(k), fmt, ap);
	va_end(ap);
	wo_summary_get_u64(s, k, &v);
	return v;
}

static int64_t sget_s64(const struct wo_summary *s, const char *key)
{
	const char *v = wo_summary_get(s, key);

	return v ? strtoll(v, NULL, 10) : 0;
}

/* A headline figure (wo_summary_headline()). */
static int64_t hget(const struct wo_summary *s, const char *key)
{
	const char *v = wo_summary_headline(s, key);

	return v ? strtoll(v, NULL, 10) : 0;
}

static void class_from_summary(const struct wo_summary *s, struct wo_rclass *c,
			       const char *prefix)
{
	int m;

	c->count = sget(s, "%s.count", prefix);
	for (m = 0; m < WO_RM_NR; m++) {
		c->m[m].count = sget(s, "%s.%s.count", prefix, wo_metric_names[m]);
		c->m[m].p50 = sget(s, "%s.%s.p50", prefix, wo_metric_names[m]);
		c->m[m].p90 = sget(s, "%s.%s.p90", prefix, wo_metric_names[m]);
		c->m[m].p99 = sget(s, "%s.%s.p99", prefix, wo_metric_names[m]);
		c->m[m].max = sget(s, "%s.%s.max", prefix, wo_metric_names[m]);
	}
}

static struct wo_rclass *new_class(struct wo_report *r, const char *scope,
				   const char *name)
{
	struct wo_rclass *c;

	r->cls = xrealloc(r->cls, (r->ncls + 1) * sizeof(*r->cls));
	c = &r->cls[r->ncls++];
	memset(c, 0, sizeof(*c));
	c->scope = xstrdup(scope);
	c->name = xstrdup(name);
	return c;
}

/* The headline: counts, medians and the offset of the best function. */
static void sum_headline(const struct wo_summary *s, struct wo_report *r)
{
	const char *v;

	counters_from(s, r, false);
	r->wakeups = sget(s, WAKEOFF_KEY_WAKEUPS);
	r->closed = sget(s, WAKEOFF_KEY_WAKEUPS_CLOSED);
	r->untracked = sget(s, WAKEOFF_KEY_UNTRACKED_FULL) +
		       sget(s, WAKEOFF_KEY_UNTRACKED_BUSY);
	r->migrated = sget(s, WAKEOFF_KEY_WF_MIGRATED);
	v = wo_summary_headline(s, WAKEOFF_KEY_HL_WF_MIGRATED_PCT);
	r->migrated_pct = v ? strtod(v, NULL) : 0;
	r->med_tk_migrated = hget(s, WAKEOFF_KEY_HL_MEDIAN_TK_MIGRATED);
	r->med_tk_local = hget(s, WAKEOFF_KEY_HL_MEDIAN_TK_LOCAL);
	v = wo_summary_headline(s, WAKEOFF_KEY_HL_OFFSET_FUNCTION);
	if (v && strcmp(v, "none")) {
		char series[160];

		r->off_have = true;
		wo_summary_offset_series(s, series, sizeof(series));
		r->off_func = xstrdup(series);
		r->off_median = hget(s, WAKEOFF_KEY_HL_OFFSET_MEDIAN);
		r->off_spread = hget(s, WAKEOFF_KEY_HL_OFFSET_SPREAD);
		r->off_p1_p99 = hget(s, WAKEOFF_KEY_HL_OFFSET_P1_P99);
		v = wo_summary_headline(s, WAKEOFF_KEY_HL_OFFSET_STABLE);
		r->off_stable = v && !strcmp(v, "yes");
	}
}

/* Classes: the fixed four, then one per flags.0x<v>.name. */
static void sum_classes(const struct wo_summary *s, struct wo_report *r)
{
	static const char *const fixed[] = { "all", "migrated", "local", "other" };
	size_t i;

	for (i = 0; i < 4; i++) {
		char p[32];

		snprintf(p, sizeof(p), "class.%s", fixed[i]);
		class_from_summary(s, new_class(r, "class", fixed[i]), p);
	}
	for (i = 0; i < s->n; i++) {
		const char *k = s->kv[i].key;
		unsigned int fv;
		char tail[16], p[64];
		int used = 0;

		if (sscanf(k, "flags.0x%x.%15s%n", &fv, tail, &used) == 2 &&
		    !k[used] && !strcmp(tail, "name")) {
			snprintf(p, sizeof(p), "flags.0x%x", fv);
			class_from_summary(s, new_class(r, "flags", s->kv[i].value), p);
		}
	}
}

/* One offset series per offset.<class>.<clock>.<function>.count. */
static void sum_offsets(const struct wo_summary *s, struct wo_report *r)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const char *k = s->kv[i].key;
		char cls[16], func[128], p[200];
		const char *tail = strrchr(k, '.');
		struct wo_roff *o;
		int used = 0;

		if (!tail || strcmp(tail, ".count") ||
		    sscanf(k, "offset.%15[a-z].%n", cls, &used) != 1 || !used ||
		    tail - (k + used) <= 0 || tail - (k + used) >= (long)sizeof(func))
			continue;
		snprintf(func, sizeof(func), "%.*s", (int)(tail - (k + used)),
			 k + used);
		r->off = xrealloc(r->off, (r->noff + 1) * sizeof(*r->off));
		o = &r->off[r->noff++];
		memset(o, 0, sizeof(*o));
		o->cls = xstrdup(cls);
		o->func = xstrdup(func);
		o->count = strtoull(s->kv[i].value, NULL, 10);
		snprintf(p, sizeof(p), "offset.%s.%s.median_ns", cls, func);
		o->median = sget_s64(s, p);
		snprintf(p, sizeof(p), "offset.%s.%s.min_ns", cls, func);
		o->min = sget_s64(s, p);
		snprintf(p, sizeof(p), "offset.%s.%s.max_ns", cls, func);
		o->max = sget_s64(s, p);
	}
}

/* Run @id (named by run.<id>.label = @label). */
static void sum_run(const struct wo_summary *s, struct wo_report *r,
		    unsigned long long id, const char *label)
{
	struct wo_rrun *run;
	const char *v;
	char p[96];

	r->runs = xrealloc(r->runs, (r->nruns + 1) * sizeof(*r->runs));
	run = &r->runs[r->nruns++];
	memset(run, 0, sizeof(*run));
	run->id = id;
	run->label = xstrdup(label);
	run->wakeups = sget(s, "run.%llu.wakeups", id);
	run->tkreads = sget(s, "run.%llu.tkreads", id);
	snprintf(p, sizeof(p), "run.%llu.wf_migrated_pct", id);
	v = wo_summary_get(s, p);
	run->migrated_pct = v ? strtod(v, NULL) : 0;
	run->migrated = (uint64_t)(run->migrated_pct * run->wakeups / 100 + 0.5);
	run->med_tk_migrated = sget(s, "run.%llu.median_ttwu_to_tkread_ns.migrated", id);
	run->med_tk_local = sget(s, "run.%llu.median_ttwu_to_tkread_ns.local", id);
	if (!r->off_func)
		return;
	snprintf(p, sizeof(p), "run.%llu.offset.%s.min_ns", id, r->off_func);
	if (wo_summary_get(s, p)) {
		run->off_func = xstrdup(r->off_func);
		run->off_min = sget_s64(s, p);
		snprintf(p, sizeof(p), "run.%llu.offset.%s.spread_ns", id,
			 r->off_func);
		run->off_spread = sget_s64(s, p);
	}
}

static void sum_runs(const struct wo_summary *s, struct wo_report *r)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const char *k = s->kv[i].key;
		unsigned long long id;
		char tail[16];
		int used = 0;

		if (sscanf(k, "run.%llu.%15s%n", &id, tail, &used) == 2 && !k[used] &&
		    !strcmp(tail, "label"))
			sum_run(s, r, id, s->kv[i].value);
	}
}

/* Per target CPU, and the prev -> target matrix (up to 64 CPUs). */
static void sum_cpus(const struct wo_summary *s, struct wo_report *r)
{
	unsigned int n = r->ncpus;
	size_t i, j;
	char k[48];

	for (i = 0; i < n; i++) {
		r->cpu[i].target_wakeups = sget(s, "target_cpu%zu.wakeups", i);
		r->cpu[i].target_med_switch =
			sget(s, "target_cpu%zu.median_wakeup_to_switch_ns", i);
	}
	if (!n || n > 64)
		return;
	r->matrix = xcalloc((size_t)n * n, sizeof(*r->matrix));
	r->have_matrix = true;
	for (i = 0; i < n; i++) {
		const char *row;
		char *end;

		snprintf(k, sizeof(k), "prev_to_target.cpu%zu", i);
		row = wo_summary_get(s, k);
		for (j = 0; row && j < n; j++) {
			errno = 0;
			r->matrix[i * n + j] = strtoull(row, &end, 10);
			if (end == row)
				break;
			row = end;
		}
	}
}

/* Stack clusters stack.1 .. stack.64, until the first missing. */
static void sum_stacks(const struct wo_summary *s, struct wo_report *r)
{
	size_t i;

	for (i = 1; i <= 64; i++) {
		char p[64];
		struct wo_rstack *st;

		snprintf(p, sizeof(p), "stack.%zu.count", i);
		if (!wo_summary_get(s, p))
			break;
		r->stacks = xrealloc(r->stacks, (r->nstacks + 1) * sizeof(*r->stacks));
		st = &r->stacks[r->nstacks++];
		memset(st, 0, sizeof(*st));
		st->id = (uint32_t)sget(s, "stack.%zu.id", i);
		st->count = sget(s, "stack.%zu.count", i);
		st->sync_pct = (unsigned int)sget(s, "stack.%zu.wf_sync_pct", i);
		st->migrated_pct = (unsigned int)sget(s, "stack.%zu.wf_migrated_pct", i);
		st->med_switch = sget(s, "stack.%zu.median_wakeup_to_switch_ns", i);
		snprintf(p, sizeof(p), "stack.%zu.frames", i);
		st->frames = xstrdup(wo_summary_get(s, p));
	}
}

static int from_summary(const struct wo_summary *s, struct wo_report *r,
			char *err, size_t errlen)
{
	unsigned int n;

	memset(r, 0, sizeof(*r));
	if (!wo_summary_get(s, WAKEOFF_KEY_WAKEUPS_CLOSED) || !wo_summary_get(s, "class.all.count")) {
		snprintf(err, errlen, "the summary lacks wakeups_closed/class.all.count (module too old?)");
		return -1;
	}
	r->source = xstrdup("live");
	r->kernel = xstrdup(wo_summary_get(s, WAKEOFF_KEY_KERNEL));
	r->module_version = xstrdup(wo_summary_get(s, WAKEOFF_KEY_WAKEOFF_VERSION));
	r->clocksource = xstrdup(wo_summary_get(s, WAKEOFF_KEY_CLOCKSOURCE));
	n = (unsigned int)sget(s, WAKEOFF_KEY_CPUS_POSSIBLE);
	if (n > 4096)
		n = 4096;
	r->ncpus = n;
	r->cpu = xcalloc(n, sizeof(*r->cpu));
	sum_headline(s, r);
	sum_classes(s, r);
	sum_offsets(s, r);
	sum_runs(s, r);
	sum_cpus(s, r);
	sum_stacks(s, r);
	return 0;
}

/* Run @build with out-of-memory turned into -1 and a message. */
static int report_try(int (*build)(const void *src, struct wo_report *r,
				   char *err, size_t errlen),
		      const void *src, struct wo_report *r, char *err,
		      size_t errlen)
{
	jmp_buf jb;
	int rc;

	if (setjmp(jb)) {
		oom_jump = NULL;
		memset(r, 0, sizeof(*r));
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	oom_jump = &jb;
	rc = build(src, r, err, errlen);
	oom_jump = NULL;
	return rc;
}

static int build_trace(const void *src, struct wo_report *r, char *err,
		       size_t errlen)
{
	return from_trace(src, r, err, errlen);
}

static int build_summary(const void *src, struct wo_report *r, char *err,
			 size_t errlen)
{
	return from_summary(src, r, err, errlen);
}

int wo_report_from_trace(const struct wo_trace *t, struct wo_report *r,
			 char *err, size_t errlen)
{
	return report_try(build_trace, t, r, err, errlen);
}

int wo_report_from_summary(const struct wo_summary *s, struct wo_report *r,
			   char *err, size_t errlen)
{
	return report_try(build_summary, s, r, err, errlen);
}

void wo_report_free(struct wo_report *r)
{
	size_t i;

	free(r->source);
	free(r->kernel);
	free(r->module_version);
	free(r->clocksource);
	free(r->off_func);
	for (i = 0; i < r->ncls; i++) {
		free(r->cls[i].scope);
		free(r->cls[i].name);
	}
	free(r->cls);
	for (i = 0; i < r->noff; i++) {
		free(r->off[i].cls);
		free(r->off[i].func);
	}
	free(r->off);
	for (i = 0; i < r->nruns; i++) {
		free(r->runs[i].label);
		free(r->runs[i].off_func);
	}
	free(r->runs);
	free(r->tasks);
	for (i = 0; i < r->nstacks; i++)
		free(r->stacks[i].frames);
	free(r->stacks);
	free(r->cpu);
	free(r->matrix);
	memset(r, 0, sizeof(*r));
}
