// SPDX-License-Identifier: GPL-2.0
/*
 * Print struct wo_report as text (for people), CSV (one tidy table:
 * section,name,field,value), JSON, or Prometheus text exposition.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

void wo_fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < 10000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 10000000)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

static void fmt_sns(char *buf, size_t len, int64_t ns)
{
	if (ns < 0) {
		buf[0] = '-';
		wo_fmt_ns(buf + 1, len - 1, (uint64_t)-(ns + 1) + 1);
	} else {
		wo_fmt_ns(buf, len, (uint64_t)ns);
	}
}

void wo_csv_str(FILE *out, const char *s)
{
	const char *p = s ? s : "";

	if (!strpbrk(p, ",\"\r\n")) {
		fputs(p, out);
		return;
	}
	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

/* Prometheus label values escape \, " and newline. */
static void prom_label(FILE *out, const char *s)
{
	const char *p = s ? s : "";

	for (; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
}

/* ---------------- text ---------------- */

static void text_pcts(FILE *out, const struct wo_pcts *p)
{
	char a[24], b[24], c[24], d[24];

	if (!p->count) {
		fprintf(out, " %8s %10s %10s %10s %10s", "0", "-", "-", "-", "-");
		return;
	}
	wo_fmt_ns(a, sizeof(a), p->p50);
	wo_fmt_ns(b, sizeof(b), p->p90);
	wo_fmt_ns(c, sizeof(c), p->p99);
	wo_fmt_ns(d, sizeof(d), p->max);
	fprintf(out, " %8" PRIu64 " %10s %10s %10s %10s", p->count, a, b, c, d);
}

static void text_head(const struct wo_report *r, FILE *out)
{
	fprintf(out, "wakeoff report: %s\n", r->source);
	fprintf(out, "  kernel %s, %u CPUs, clocksource %s, module %s\n",
		r->kernel && *r->kernel ? r->kernel : "?", r->ncpus,
		r->clocksource && *r->clocksource ? r->clocksource : "?",
		r->module_version && *r->module_version ? r->module_version : "?");
	fprintf(out, "  %" PRIu64 " wakeups closed (%" PRIu64 " WF_MIGRATED)",
		r->closed, r->migrated);
	if (r->wakeups)
		fprintf(out, " of %" PRIu64 " seen, %" PRIu64 " untracked",
			r->wakeups, r->untracked);
	fprintf(out, "; records dropped: %" PRIu64 "\n", r->dropped);
}

static void text_three(const struct wo_report *r, FILE *out)
{
	char a[32], b[32], c[32];
	size_t i;

	fprintf(out, "\nThe three numbers of the idle-vs-load experiment\n");
	fprintf(out, "  WF_MIGRATED share          %.2f %%\n", r->migrated_pct);
	wo_fmt_ns(a, sizeof(a), r->med_tk_migrated);
	wo_fmt_ns(b, sizeof(b), r->med_tk_local);
	/* A class without a single read has no median, not a 0 one. */
	for (i = 0; i < r->ncls; i++) {
		if (strcmp(r->cls[i].scope, "class") || r->cls[i].m[WO_RM_TK].count)
			continue;
		if (!strcmp(r->cls[i].name, "migrated"))
			snprintf(a, sizeof(a), "- (no read)");
		else if (!strcmp(r->cls[i].name, "local"))
			snprintf(b, sizeof(b), "- (no read)");
	}
	fprintf(out, "  median ttwu->tkread        migrated %s, local %s\n", a, b);
	if (r->off_have) {
		fmt_sns(a, sizeof(a), r->off_median);
		wo_fmt_ns(b, sizeof(b), (uint64_t)r->off_p1_p99);
		wo_fmt_ns(c, sizeof(c), (uint64_t)r->off_spread);
		fprintf(out, "  clock offset (%s)  median %s (%" PRId64 " ns), p99-p1 %s, max-min %s: %s\n",
			r->off_func, a, r->off_median, b, c,
			r->off_stable ? "constant (p99-p1 <= 1 ms)" : "NOT constant (p99-p1 > 1 ms)");
	} else {
		fprintf(out, "  clock offset               no timekeeping read recorded\n");
	}
}

static void text_classes(const struct wo_report *r, FILE *out)
{
	static const char *const mshort[WO_RM_NR] = {
		"waking->wakeup", "wakeup->switch", "ttwu->tkread",
	};
	size_t i;
	int m;

	fprintf(out, "\nLatency per class (nearest-rank percentiles, log-linear buckets)\n");
	fprintf(out, "  %-6s %-28s %-15s %8s %10s %10s %10s %10s\n", "scope",
		"name", "metric", "count", "p50", "p90", "p99", "max");
	for (i = 0; i < r->ncls; i++) {
		const struct wo_rclass *c2 = &r->cls[i];

		if (!c2->count && strcmp(c2->scope, "class"))
			continue;
		for (m = 0; m < WO_RM_NR; m++) {
			fprintf(out, "  %-6s %-28.28s %-15s", m ? "" : c2->scope,
				m ? "" : c2->name, mshort[m]);
			text_pcts(out, &c2->m[m]);
			fputc('\n', out);
		}
	}
}

static void text_offsets(const struct wo_report *r, FILE *out)
{
	char a[32];
	size_t i;

	if (!r->noff)
		return;
	fprintf(out, "\nClock offset (value read - local_clock()) per class and function\n");
	fprintf(out, "  %-9s %-26s %8s %16s %16s %16s %12s\n", "class",
		"function", "count", "median ns", "min ns", "max ns",
		r->from_records ? "p99-p1" : "max-min");
	for (i = 0; i < r->noff; i++) {
		const struct wo_roff *o = &r->off[i];

		wo_fmt_ns(a, sizeof(a), o->have_p1_p99 ? (uint64_t)(o->p99 - o->p1) :
						       (uint64_t)(o->max - o->min));
		fprintf(out, "  %-9s %-26s %8" PRIu64 " %16" PRId64 " %16" PRId64
			" %16" PRId64 " %12s\n", o->cls, o->func, o->count,
			o->median, o->min, o->max, a);
	}
}

static void text_runs(const struct wo_report *r, FILE *out)
{
	char a[32], b[32], c[32];
	size_t i;

	if (!r->nruns)
		return;
	fprintf(out, "\nRuns\n");
	fprintf(out, "  %6s %-16s %8s %9s %8s %14s %14s %13s\n", "run",
		"label", "wakeups", "migrated", "tkreads", "med tk migr",
		"med tk local", "offset spread");
	for (i = 0; i < r->nruns; i++) {
		const struct wo_rrun *u = &r->runs[i];

		/* 0: no read in that class (a read takes > 0 ns). */
		wo_fmt_ns(a, sizeof(a), u->med_tk_migrated);
		wo_fmt_ns(b, sizeof(b), u->med_tk_local);
		if (!u->med_tk_migrated)
			snprintf(a, sizeof(a), "-");
		if (!u->med_tk_local)
			snprintf(b, sizeof(b), "-");
		if (u->off_func)
			wo_fmt_ns(c, sizeof(c), (uint64_t)u->off_spread);
		else
			snprintf(c, sizeof(c), "-");
		fprintf(out, "  %6" PRIu64 " %-16.16s %8" PRIu64 " %8.2f%% %8" PRIu64
			" %14s %14s %13s\n", u->id, u->label, u->wakeups,
			u->migrated_pct, u->tkreads, a, b, c);
	}
}

static void text_tasks(const struct wo_report *r, unsigned int top, FILE *out)
{
	char a[32], b[32], c[32];
	size_t i;

	if (!r->ntasks)
		return;
	fprintf(out, "\nPer task (like perf sched latency; by max wakeup->switch-in)\n");
	fprintf(out, "  %-24s %8s %9s %12s %12s %16s %12s\n", "task", "wakeups",
		"migrated", "avg delay", "max delay", "max at (s)", "avg ttwu->tk");
	for (i = 0; i < r->ntasks && (!top || i < top); i++) {
		const struct wo_rtask *t = &r->tasks[i];
		char name[48];

		snprintf(name, sizeof(name), "%s:%d", t->comm, t->pid);
		wo_fmt_ns(a, sizeof(a), t->sw_n ? t->sw_sum / t->sw_n : 0);
		wo_fmt_ns(b, sizeof(b), t->sw_max);
		wo_fmt_ns(c, sizeof(c), t->tk_n ? t->tk_sum / t->tk_n : 0);
		fprintf(out, "  %-24.24s %8" PRIu64 " %9" PRIu64 " %12s %12s %16.6f %12s\n",
			name, t->wakeups, t->migrated, a, b,
			t->sw_max_at / 1e9, t->tk_n ? c : "-");
	}
	if (top && r->ntasks > top)
		fprintf(out, "  ... %zu more tasks (--top 0 shows all)\n",
			r->ntasks - top);
}

/* Per target CPU, and the prev -> target matrix. */
static void text_cpus(const struct wo_report *r, FILE *out)
{
	char a[32];
	size_t i, j;

	fprintf(out, "\nPer target CPU\n  %-5s %10s %10s %10s %16s\n", "cpu",
		"wakeups", "recorded", "dropped", "med wakeup->sw");
	for (i = 0; i < r->ncpus; i++) {
		const struct wo_rcpu *p = &r->cpu[i];

		wo_fmt_ns(a, sizeof(a), p->target_med_switch);
		fprintf(out, "  cpu%-2zu %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %16s\n",
			i, p->target_wakeups, p->recorded, p->dropped,
			p->target_wakeups ? a : "-");
	}
	if (!r->have_matrix || !r->ncpus)
		return;
	fprintf(out, "\nprev CPU -> target CPU (wakeups)\n  %-8s", "prev\\tgt");
	for (j = 0; j < r->ncpus; j++)
		fprintf(out, " %8zu", j);
	fputc('\n', out);
	for (i = 0; i < r->ncpus; i++) {
		fprintf(out, "  cpu%-5zu", i);
		for (j = 0; j < r->ncpus; j++)
			fprintf(out, " %8" PRIu64, r->matrix[i * r->ncpus + j]);
		fputc('\n', out);
	}
}

static void text_stacks(const struct wo_report *r, unsigned int top, FILE *out)
{
	char a[32];
	size_t i;

	if (!r->nstacks)
		return;
	fprintf(out, "\nWaker stack clusters\n");
	for (i = 0; i < r->nstacks && (!top || i < top); i++) {
		const struct wo_rstack *s = &r->stacks[i];

		wo_fmt_ns(a, sizeof(a), s->med_switch);
		fprintf(out, "  #%-3u %8" PRIu64 " wakeups  WF_SYNC %u%%  WF_MIGRATED %u%%  med wakeup->switch %s\n       %s\n",
			s->id, s->count, s->sync_pct, s->migrated_pct, a,
			s->frames && *s->frames ? s->frames : "(frames not in the file)");
	}
}

static void print_text(const struct wo_report *r, unsigned int top, FILE *out)
{
	text_head(r, out);
	text_three(r, out);
	text_classes(r, out);
	text_offsets(r, out);
	text_runs(r, out);
	text_tasks(r, top, out);
	text_cpus(r, out);
	text_stacks(r, top, out);
}

/* ---------------- CSV ---------------- */

static void csv_row(FILE *out, const char *sec, const char *name,
		    const char *field, const char *val)
{
	wo_csv_str(out, sec);
	fputc(',', out);
	wo_csv_str(out, name);
	fputc(',', out);
	wo_csv_str(out, field);
	fputc(',', out);
	wo_csv_str(out, val);
	fputc('\n', out);
}

static void csv_u64(FILE *out, const char *sec, const char *name,
		    const char *field, uint64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	csv_row(out, sec, name, field, b);
}

static void csv_s64(FILE *out, const char *sec, const char *name,
		    const char *field, int64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRId64, v);
	csv_row(out, sec, name, field, b);
}

static void csv_head(const struct wo_report *r, FILE *out)
{
	char b[32];

	fputs("section,name,field,value\n", out);
	csv_row(out, "meta", "source", "value", r->source);
	csv_row(out, "meta", "kernel", "value", r->kernel);
	csv_u64(out, "meta", "cpus", "value", r->ncpus);
	csv_u64(out, "totals", "closed", "value", r->closed);
	csv_u64(out, "totals", "migrated", "value", r->migrated);
	csv_u64(out, "totals", "dropped", "value", r->dropped);
	snprintf(b, sizeof(b), "%.2f", r->migrated_pct);
	csv_row(out, "headline", "wf_migrated_pct", "value", b);
	csv_u64(out, "headline", "median_ttwu_to_tkread_ns", "migrated", r->med_tk_migrated);
	csv_u64(out, "headline", "median_ttwu_to_tkread_ns", "local", r->med_tk_local);
	if (r->off_have) {
		csv_row(out, "headline", "offset", "function", r->off_func);
		csv_s64(out, "headline", "offset", "median_ns", r->off_median);
		csv_s64(out, "headline", "offset", "p1_p99_ns", r->off_p1_p99);
		csv_s64(out, "headline", "offset", "spread_ns", r->off_spread);
		csv_row(out, "headline", "offset", "stable", r->off_stable ? "yes" : "no");
	}
}

static void csv_classes(const struct wo_report *r, FILE *out)
{
	char name[128], f[96];
	size_t i;
	int m;

	for (i = 0; i < r->ncls; i++) {
		const struct wo_rclass *c = &r->cls[i];

		snprintf(name, sizeof(name), "%s", c->name);
		csv_u64(out, c->scope, name, "count", c->count);
		for (m = 0; m < WO_RM_NR; m++) {
			const struct wo_pcts *p = &c->m[m];

			snprintf(f, sizeof(f), "%s.count", wo_metric_names[m]);
			csv_u64(out, c->scope, name, f, p->count);
			snprintf(f, sizeof(f), "%s.p50", wo_metric_names[m]);
			csv_u64(out, c->scope, name, f, p->p50);
			snprintf(f, sizeof(f), "%s.p90", wo_metric_names[m]);
			csv_u64(out, c->scope, name, f, p->p90);
			snprintf(f, sizeof(f), "%s.p99", wo_metric_names[m]);
			csv_u64(out, c->scope, name, f, p->p99);
			snprintf(f, sizeof(f), "%s.max", wo_metric_names[m]);
			csv_u64(out, c->scope, name, f, p->max);
		}
	}
}

static void csv_offsets_runs(const struct wo_report *r, FILE *out)
{
	char name[128], b[32];
	size_t i;

	for (i = 0; i < r->noff; i++) {
		const struct wo_roff *o = &r->off[i];

		snprintf(name, sizeof(name), "%s.%s", o->cls, o->func);
		csv_u64(out, "offset", name, "count", o->count);
		csv_s64(out, "offset", name, "median_ns", o->median);
		csv_s64(out, "offset", name, "min_ns", o->min);
		csv_s64(out, "offset", name, "max_ns", o->max);
		if (o->have_p1_p99) {
			csv_s64(out, "offset", name, "p1_ns", o->p1);
			csv_s64(out, "offset", name, "p99_ns", o->p99);
		}
	}
	for (i = 0; i < r->nruns; i++) {
		const struct wo_rrun *u = &r->runs[i];

		snprintf(name, sizeof(name), "%" PRIu64, u->id);
		csv_row(out, "runs", name, "label", u->label);
		csv_u64(out, "runs", name, "wakeups", u->wakeups);
		snprintf(b, sizeof(b), "%.2f", u->migrated_pct);
		csv_row(out, "runs", name, "wf_migrated_pct", b);
		csv_u64(out, "runs", name, "tkreads", u->tkreads);
		csv_u64(out, "runs", name, "median_ttwu_to_tkread_ns.migrated", u->med_tk_migrated);
		csv_u64(out, "runs", name, "median_ttwu_to_tkread_ns.local", u->med_tk_local);
		if (u->off_func) {
			csv_row(out, "runs", name, "offset_function", u->off_func);
			csv_s64(out, "runs", name, "offset_spread_ns", u->off_spread);
		}
	}
}

static void csv_tasks(const struct wo_report *r, FILE *out)
{
	char name[128];
	size_t i;

	for (i = 0; i < r->ntasks; i++) {
		const struct wo_rtask *t = &r->tasks[i];

		snprintf(name, sizeof(name), "%s:%d", t->comm, t->pid);
		csv_u64(out, "tasks", name, "wakeups", t->wakeups);
		csv_u64(out, "tasks", name, "migrated", t->migrated);
		csv_u64(out, "tasks", name, "avg_wakeup_to_switch_ns",
			t->sw_n ? t->sw_sum / t->sw_n : 0);
		csv_u64(out, "tasks", name, "max_wakeup_to_switch_ns", t->sw_max);
		csv_u64(out, "tasks", name, "max_at_ns", t->sw_max_at);
	}
}

static void csv_cpus_stacks(const struct wo_report *r, FILE *out)
{
	char name[128], f[96];
	size_t i, j;

	for (i = 0; i < r->ncpus; i++) {
		const struct wo_rcpu *p = &r->cpu[i];

		snprintf(name, sizeof(name), "cpu%zu", i);
		csv_u64(out, "cpus", name, "target_wakeups", p->target_wakeups);
		csv_u64(out, "cpus", name, "median_wakeup_to_switch_ns", p->target_med_switch);
		csv_u64(out, "cpus", name, "recorded", p->recorded);
		csv_u64(out, "cpus", name, "dropped", p->dropped);
		if (p->have_received)
			csv_u64(out, "cpus", name, "received", p->received);
		for (j = 0; r->have_matrix && j < r->ncpus; j++) {
			snprintf(f, sizeof(f), "to_cpu%zu", j);
			csv_u64(out, "prev_to_target", name, f, r->matrix[i * r->ncpus + j]);
		}
	}
	for (i = 0; i < r->nstacks; i++) {
		const struct wo_rstack *s = &r->stacks[i];

		snprintf(name, sizeof(name), "%u", s->id);
		csv_u64(out, "stacks", name, "count", s->count);
		csv_u64(out, "stacks", name, "wf_sync_pct", s->sync_pct);
		csv_u64(out, "stacks", name, "wf_migrated_pct", s->migrated_pct);
		csv_u64(out, "stacks", name, "median_wakeup_to_switch_ns", s->med_switch);
		csv_row(out, "stacks", name, "frames", s->frames);
	}
}

static void print_csv(const struct wo_report *r, FILE *out)
{
	csv_head(r, out);
	csv_classes(r, out);
	csv_offsets_runs(r, out);
	csv_tasks(r, out);
	csv_cpus_stacks(r, out);
}

/* ---------------- JSON ---------------- */

static void json_pcts(FILE *out, const struct wo_pcts *p)
{
	fprintf(out, "{\"count\": %" PRIu64 ", \"p50\": %" PRIu64 ", \"p90\": %" PRIu64
		", \"p99\": %" PRIu64 ", \"max\": %" PRIu64 "}",
		p->count, p->p50, p->p90, p->p99, p->max);
}

static void json_head(const struct wo_report *r, FILE *out)
{
	fputs("{\n  \"source\": ", out);
	wo_json_str(out, r->source);
	fputs(",\n  \"kernel\": ", out);
	wo_json_str(out, r->kernel);
	fputs(",\n  \"module_version\": ", out);
	wo_json_str(out, r->module_version);
	fputs(",\n  \"clocksource\": ", out);
	wo_json_str(out, r->clocksource);
	fprintf(out, ",\n  \"cpus\": %u,\n  \"from_records\": %s,\n", r->ncpus,
		r->from_records ? "true" : "false");
	fprintf(out, "  \"totals\": {\"wakeups\": %" PRIu64 ", \"closed\": %" PRIu64
		", \"untracked\": %" PRIu64 ", \"migrated\": %" PRIu64 ", \"recorded\": %"
		PRIu64 ", \"dropped\": %" PRIu64 "},\n", r->wakeups, r->closed,
		r->untracked, r->migrated, r->recorded, r->dropped);
	fprintf(out, "  \"headline\": {\"wf_migrated_pct\": %.2f, \"median_ttwu_to_tkread_ns\": {\"migrated\": %"
		PRIu64 ", \"local\": %" PRIu64 "}, \"offset\": ",
		r->migrated_pct, r->med_tk_migrated, r->med_tk_local);
	if (r->off_have) {
		fputs("{\"function\": ", out);
		wo_json_str(out, r->off_func);
		fprintf(out, ", \"median_ns\": %" PRId64 ", \"p1_p99_ns\": %" PRId64
			", \"spread_ns\": %" PRId64 ", \"stable\": %s}},\n",
			r->off_median, r->off_p1_p99, r->off_spread,
			r->off_stable ? "true" : "false");
	} else {
		fputs("null},\n", out);
	}
}

static void json_classes(const struct wo_report *r, FILE *out)
{
	size_t i;
	int m;

	fputs("  \"classes\": [", out);
	for (i = 0; i < r->ncls; i++) {
		const struct wo_rclass *c = &r->cls[i];

		fputs(i ? ",\n    {\"scope\": " : "\n    {\"scope\": ", out);
		wo_json_str(out, c->scope);
		fputs(", \"name\": ", out);
		wo_json_str(out, c->name);
		fprintf(out, ", \"count\": %" PRIu64, c->count);
		for (m = 0; m < WO_RM_NR; m++) {
			fprintf(out, ", \"%s\": ", wo_metric_names[m]);
			json_pcts(out, &c->m[m]);
		}
		fputc('}', out);
	}
}

static void json_offsets(const struct wo_report *r, FILE *out)
{
	size_t i;

	fputs("\n  ],\n  \"offsets\": [", out);
	for (i = 0; i < r->noff; i++) {
		const struct wo_roff *o = &r->off[i];

		fputs(i ? ",\n    {\"class\": " : "\n    {\"class\": ", out);
		wo_json_str(out, o->cls);
		fputs(", \"function\": ", out);
		wo_json_str(out, o->func);
		fprintf(out, ", \"count\": %" PRIu64 ", \"median_ns\": %" PRId64
			", \"min_ns\": %" PRId64 ", \"max_ns\": %" PRId64, o->count,
			o->median, o->min, o->max);
		if (o->have_p1_p99)
			fprintf(out, ", \"p1_ns\": %" PRId64 ", \"p99_ns\": %" PRId64,
				o->p1, o->p99);
		fputc('}', out);
	}
}

static void json_runs(const struct wo_report *r, FILE *out)
{
	size_t i;

	fputs("\n  ],\n  \"runs\": [", out);
	for (i = 0; i < r->nruns; i++) {
		const struct wo_rrun *u = &r->runs[i];

		fprintf(out, "%s{\"id\": %" PRIu64 ", \"label\": ",
			i ? ",\n    " : "\n    ", u->id);
		wo_json_str(out, u->label);
		fprintf(out, ", \"wakeups\": %" PRIu64 ", \"wf_migrated_pct\": %.2f, \"tkreads\": %"
			PRIu64 ", \"median_ttwu_to_tkread_ns\": {\"migrated\": %" PRIu64
			", \"local\": %" PRIu64 "}", u->wakeups, u->migrated_pct, u->tkreads,
			u->med_tk_migrated, u->med_tk_local);
		if (u->off_func) {
			fputs(", \"offset_function\": ", out);
			wo_json_str(out, u->off_func);
			fprintf(out, ", \"offset_spread_ns\": %" PRId64, u->off_spread);
		}
		fputc('}', out);
	}
}

static void json_tasks(const struct wo_report *r, FILE *out)
{
	size_t i;

	fputs("\n  ],\n  \"tasks\": [", out);
	for (i = 0; i < r->ntasks; i++) {
		const struct wo_rtask *t = &r->tasks[i];

		fprintf(out, "%s{\"pid\": %d, \"tgid\": %d, \"comm\": ",
			i ? ",\n    " : "\n    ", t->pid, t->tgid);
		wo_json_strn(out, t->comm, sizeof(t->comm));
		fprintf(out, ", \"wakeups\": %" PRIu64 ", \"migrated\": %" PRIu64
			", \"avg_wakeup_to_switch_ns\": %" PRIu64
			", \"max_wakeup_to_switch_ns\": %" PRIu64 ", \"max_at_ns\": %" PRIu64
			", \"avg_ttwu_to_tkread_ns\": %" PRIu64 "}", t->wakeups, t->migrated,
			t->sw_n ? t->sw_sum / t->sw_n : 0, t->sw_max, t->sw_max_at,
			t->tk_n ? t->tk_sum / t->tk_n : 0);
	}
}

static void json_cpus(const struct wo_report *r, FILE *out)
{
	size_t i, j;

	fputs("\n  ],\n  \"per_cpu\": [", out);
	for (i = 0; i < r->ncpus; i++) {
		const struct wo_rcpu *p = &r->cpu[i];

		fprintf(out, "%s{\"cpu\": %zu, \"target_wakeups\": %" PRIu64
			", \"median_wakeup_to_switch_ns\": %" PRIu64 ", \"recorded\": %" PRIu64
			", \"dropped\": %" PRIu64, i ? ",\n    " : "\n    ", i,
			p->target_wakeups, p->target_med_switch, p->recorded, p->dropped);
		if (p->have_received)
			fprintf(out, ", \"received\": %" PRIu64, p->received);
		if (r->have_matrix) {
			fputs(", \"to_target\": [", out);
			for (j = 0; j < r->ncpus; j++)
				fprintf(out, "%s%" PRIu64, j ? ", " : "",
					r->matrix[i * r->ncpus + j]);
			fputc(']', out);
		}
		fputc('}', out);
	}
}

static void json_stacks(const struct wo_report *r, FILE *out)
{
	size_t i;

	fputs("\n  ],\n  \"stacks\": [", out);
	for (i = 0; i < r->nstacks; i++) {
		const struct wo_rstack *s = &r->stacks[i];

		fprintf(out, "%s{\"id\": %u, \"count\": %" PRIu64 ", \"wf_sync_pct\": %u"
			", \"wf_migrated_pct\": %u, \"median_wakeup_to_switch_ns\": %" PRIu64
			", \"frames\": ", i ? ",\n    " : "\n    ", s->id, s->count,
			s->sync_pct, s->migrated_pct, s->med_switch);
		wo_json_str(out, s->frames);
		fputc('}', out);
	}
}

static void print_json(const struct wo_report *r, FILE *out)
{
	json_head(r, out);
	json_classes(r, out);
	json_offsets(r, out);
	json_runs(r, out);
	json_tasks(r, out);
	json_cpus(r, out);
	json_stacks(r, out);
	fputs("\n  ]\n}\n", out);
}

/* ---------------- Prometheus ---------------- */

static void prom_head(FILE *out, const char *name, const char *type,
		      const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Info, counters and the WF_MIGRATED share. */
static void prom_counters(const struct wo_report *r, FILE *out)
{
	size_t i;

	prom_head(out, "wakeoff_info", "gauge", "Recording kernel and module (value 1).");
	fputs("wakeoff_info{kernel=\"", out);
	prom_label(out, r->kernel);
	fputs("\",module_version=\"", out);
	prom_label(out, r->module_version);
	fputs("\",clocksource=\"", out);
	prom_label(out, r->clocksource);
	fputs("\"} 1\n", out);
	prom_head(out, "wakeoff_wakeups_closed_total", "counter",
		  "Wakeup correlations closed.");
	fprintf(out, "wakeoff_wakeups_closed_total %" PRIu64 "\n", r->closed);
	prom_head(out, "wakeoff_wakeups_migrated_total", "counter",
		  "Closed wakeups with WF_MIGRATED.");
	fprintf(out, "wakeoff_wakeups_migrated_total %" PRIu64 "\n", r->migrated);
	prom_head(out, "wakeoff_wakeups_untracked_total", "counter",
		  "Wakeups not correlated (table full or slot busy).");
	fprintf(out, "wakeoff_wakeups_untracked_total %" PRIu64 "\n", r->untracked);
	prom_head(out, "wakeoff_records_recorded_total", "counter",
		  "Records written to the per-CPU buffers.");
	for (i = 0; i < r->ncpus; i++)
		fprintf(out, "wakeoff_records_recorded_total{cpu=\"%zu\"} %" PRIu64 "\n",
			i, r->cpu[i].recorded);
	prom_head(out, "wakeoff_records_dropped_total", "counter",
		  "Records dropped (buffer full or nested), per CPU.");
	for (i = 0; i < r->ncpus; i++)
		fprintf(out, "wakeoff_records_dropped_total{cpu=\"%zu\"} %" PRIu64 "\n",
			i, r->cpu[i].dropped);
	prom_head(out, "wakeoff_wf_migrated_ratio", "gauge",
		  "Share of closed wakeups with WF_MIGRATED (0..1).");
	fprintf(out, "wakeoff_wf_migrated_ratio %.6f\n", r->migrated_pct / 100);
}

/* Latency quantiles and their sample counts, per class and metric. */
static void prom_latency(const struct wo_report *r, FILE *out)
{
	static const char *const q[4] = { "0.5", "0.9", "0.99", "1" };
	size_t i;
	int m;

	/* A summary: Prometheus allows a quantile label on no other type. */
	prom_head(out, "wakeoff_latency_seconds", "summary",
		  "Latency quantiles per class (quantile 1 is the maximum).");
	for (i = 0; i < r->ncls; i++) {
		const struct wo_rclass *c = &r->cls[i];

		for (m = 0; m < WO_RM_NR; m++) {
			const struct wo_pcts *p = &c->m[m];
			const uint64_t v[4] = { p->p50, p->p90, p->p99, p->max };
			char metric[40];
			int k;

			if (!p->count)
				continue;
			snprintf(metric, sizeof(metric), "%.*s",
				 (int)(strlen(wo_metric_names[m]) - 3), wo_metric_names[m]);
			for (k = 0; k < 4; k++) {
				fprintf(out, "wakeoff_latency_seconds{scope=\"%s\",name=\"", c->scope);
				prom_label(out, c->name);
				fprintf(out, "\",metric=\"%s\",quantile=\"%s\"} %.9f\n", metric,
					q[k], v[k] / 1e9);
			}
		}
	}
	prom_head(out, "wakeoff_latency_samples", "gauge",
		  "Samples behind each latency quantile.");
	for (i = 0; i < r->ncls; i++) {
		const struct wo_rclass *c = &r->cls[i];

		for (m = 0; m < WO_RM_NR; m++) {
			if (!c->m[m].count)
				continue;
			fprintf(out, "wakeoff_latency_samples{scope=\"%s\",name=\"", c->scope);
			prom_label(out, c->name);
			fprintf(out, "\",metric=\"%.*s\"} %" PRIu64 "\n",
				(int)(strlen(wo_metric_names[m]) - 3), wo_metric_names[m],
				c->m[m].count);
		}
	}
}

static void print_prom(const struct wo_report *r, FILE *out)
{
	prom_counters(r, out);
	prom_latency(r, out);
	if (r->off_have) {
		prom_head(out, "wakeoff_clock_offset_seconds", "gauge",
			  "Offset of the first timekeeping read from local_clock(): median.");
		fputs("wakeoff_clock_offset_seconds{function=\"", out);
		prom_label(out, r->off_func);
		fprintf(out, "\"} %.9f\n", r->off_median / 1e9);
		prom_head(out, "wakeoff_clock_offset_p1_p99_seconds", "gauge",
			  "p99 - p1 of that offset (constant when <= 1 ms).");
		fputs("wakeoff_clock_offset_p1_p99_seconds{function=\"", out);
		prom_label(out, r->off_func);
		fprintf(out, "\"} %.9f\n", r->off_p1_p99 / 1e9);
	}
}

void wo_report_print(const struct wo_report *r, enum wo_rformat fmt,
		     unsigned int top, FILE *out)
{
	switch (fmt) {
	case WO_FMT_CSV:
		print_csv(r, out);
		break;
	case WO_FMT_JSON:
		print_json(r, out);
		break;
	case WO_FMT_PROM:
		print_prom(r, out);
		break;
	default:
		print_text(r, top, out);
	}
}
