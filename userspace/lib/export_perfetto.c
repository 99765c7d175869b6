// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff export --perfetto: Chrome trace-event JSON (ui.perfetto.dev,
 * chrome://tracing).
 *
 * Process 1 "CPUs" has one thread (track) per CPU seen in the records,
 * named "CPU n".  On it:
 *  - "<comm>[pid]" (cat "run"): the wakee running, from its switch-in
 *    (ts_switch on run_cpu).  We only know the switch-ins of traced
 *    wakees, never the switch-outs, so the slice ends at the EARLIEST of
 *      1. the next known switch-in on that CPU (someone else got it),
 *      2. the task's first timekeeping read (what the record can vouch
 *         for: a correlation that closed with a read never slept before
 *         it; after it the record knows nothing more),
 *      3. RAN_CAP_NS after the switch-in (nothing later is known: the
 *         correlation closed by sleeping, exiting, timing out...);
 *    args.end names the bound that applied.
 *  - "wake <comm>[pid]" (cat "wakeup"): the waker's side, a slice of at
 *    most WAKE_DUR_NS at sched_waking on waker_cpu, clipped so that it
 *    nests properly (inside the "run" slice it falls in, before the next
 *    switch-in and the next wake slice on that CPU).  A flow starts there
 *    ("s") and ends at the wakee's switch-in ("f", bp "e": bound to the
 *    enclosing "run" slice) -- the wakeup arrow.
 *  - "tkread <function>": an instant (thread scope) at the first
 *    timekeeping read on tk_cpu; args function, value, offset.
 *  - counters "rq_len cpuN": the target runqueue length (rq_nr_running)
 *    at each sched_wakeup, when the record has it.
 * Process 2 "runqueue waits" holds async slices "wait <comm>[pid]" from
 * sched_wakeup to the switch-in (they overlap freely; id = wake id).
 * Run markers (the "run <id> <label>" records) are global instants.
 *
 * Timestamps are microseconds from the earliest timestamp in the file,
 * printed with 3 decimals (ns precision, no floating point).  Every
 * string goes through json.h's escaper (valid UTF-8 kept, ill-formed
 * bytes as \ufffd: comm is whatever the task set with prctl).  Output
 * is streamed; no string goes through a fixed-size buffer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

#define RAN_CAP_NS	10000000ULL	/* 10 ms */
#define WAKE_DUR_NS	1000ULL		/* 1 us */

/* "<prefix><comm>[pid]" with comm escaped, as one JSON string. */
static void json_task(FILE *out, const char *prefix, const char *comm, int pid)
{
	fputc('"', out);
	wo_json_body(out, prefix, SIZE_MAX);
	wo_json_body(out, comm, WAKEOFF_COMM_LEN);
	fprintf(out, "[%d]\"", pid);
}

/* Flags named with the file's own table, streamed: "WF_SYNC|0x100". */
static void json_flags(FILE *out, const struct wo_trace *t, uint32_t flags)
{
	uint32_t left = flags;
	bool first = true;
	size_t i;

	fputc('"', out);
	if (!flags)
		fputc('0', out);
	for (i = 0; i < t->nflags; i++) {
		uint32_t v = t->flags[i].value;

		if (!v || (left & v) != v)
			continue;
		if (!first)
			fputc('|', out);
		wo_json_body(out, t->flags[i].name, SIZE_MAX);
		left &= ~v;
		first = false;
	}
	if (left)
		fprintf(out, "%s0x%" PRIx32, first ? "" : "|", left);
	fputc('"', out);
}

static void ts_us(FILE *out, uint64_t ts, uint64_t t0)
{
	uint64_t d = ts > t0 ? ts - t0 : 0;

	fprintf(out, "%" PRIu64 ".%03" PRIu64, d / 1000, d % 1000);
}

static void dur_us(FILE *out, uint64_t d)
{
	fprintf(out, "%" PRIu64 ".%03" PRIu64, d / 1000, d % 1000);
}

/* An event on a CPU track: a switch-in (run slice) or a waking. */
struct cev {
	uint16_t cpu;
	uint64_t ts;
	size_t idx;
};

static int cmp_cev(const void *a, const void *b)
{
	const struct cev *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static bool has(const struct wakeoff_wakeup *w, uint32_t bits)
{
	return (w->valid & bits) == bits;
}

enum ran_end { END_NEXT, END_TK, END_CAP };
static const char *const ran_end_name[] = {
	"next known switch-in on this CPU", "first timekeeping read",
	"cap 10 ms (no later event known)",
};

struct ctx {
	const struct wo_trace *t;
	FILE *out;
	uint64_t t0;
	struct cev *sw, *wk;	/* switch-ins, wakings: by CPU, then time */
	size_t nsw;
	uint64_t *end;		/* per record: end of its run slice */
	unsigned char *why;	/* per record: enum ran_end */
	uint64_t *wdur;		/* per record: duration of its wake slice */
};

/* Run slices: end at the earliest known bound (see the top comment). */
static void ran_ends(struct ctx *c)
{
	size_t i, j;

	for (i = 0; i < c->nsw; i = j) {
		for (j = i + 1; j < c->nsw && c->sw[j].cpu == c->sw[i].cpu; j++)
			;
		/* c->sw[i..j) is one CPU; find the next strictly later ts. */
		for (size_t k = i, nx = i; k < j; k++) {
			const struct wakeoff_wakeup *w = &c->t->wk[c->sw[k].idx];
			uint64_t s = c->sw[k].ts, e = s + RAN_CAP_NS;
			unsigned char why = END_CAP;

			while (nx < j && c->sw[nx].ts <= s)
				nx++;
			if (nx < j && c->sw[nx].ts < e) {
				e = c->sw[nx].ts;
				why = END_NEXT;
			}
			if (has(w, WAKEOFF_V_TKREAD) && w->ts_tkread > s &&
			    w->ts_tkread < e) {
				e = w->ts_tkread;
				why = END_TK;
			}
			c->end[c->sw[k].idx] = e;
			c->why[c->sw[k].idx] = why;
		}
	}
}

/*
 * Wake slices: WAKE_DUR_NS, clipped to end before the next strictly
 * later switch-in and the next strictly later waking on the CPU, and
 * inside the run slice that encloses the waking.  Run slices on a CPU do
 * not overlap (each ends by the next switch-in), so a merge suffices.
 */
static void wake_durs(struct ctx *c)
{
	const struct wo_trace *t = c->t;
	size_t i, s = 0, nx;

	for (i = 0; i < t->nwk; i++) {
		const struct cev *e = &c->wk[i];
		uint64_t d = WAKE_DUR_NS, ts = e->ts;

		/* Last switch-in at or before ts on this CPU, and the next. */
		while (s < c->nsw && (c->sw[s].cpu < e->cpu ||
		       (c->sw[s].cpu == e->cpu && c->sw[s].ts <= ts)))
			s++;
		/*
		 * Switch-ins at the same instant start nested slices (their
		 * ends differ by their own reads): stay inside all that
		 * enclose ts.
		 */
		for (nx = s; nx > 0 && c->sw[nx - 1].cpu == e->cpu &&
		     c->sw[nx - 1].ts == c->sw[s - 1].ts; nx--) {
			uint64_t end = c->end[c->sw[nx - 1].idx];

			if (end > ts && end - ts < d)
				d = end - ts;
		}
		if (s < c->nsw && c->sw[s].cpu == e->cpu && c->sw[s].ts - ts < d)
			d = c->sw[s].ts - ts;
		for (nx = i + 1; nx < t->nwk && c->wk[nx].cpu == e->cpu &&
		     c->wk[nx].ts == ts; nx++)
			;
		if (nx < t->nwk && c->wk[nx].cpu == e->cpu && c->wk[nx].ts - ts < d)
			d = c->wk[nx].ts - ts;
		c->wdur[e->idx] = d;
	}
}

static void ev_begin(struct ctx *c, const char *ph, unsigned int pid,
		     unsigned int tid, const char *cat)
{
	fprintf(c->out, ",\n{\"ph\":\"%s\",\"pid\":%u,\"tid\":%u,\"cat\":\"%s\",\"ts\":",
		ph, pid, tid, cat);
}

/* The waker's slice on its CPU, and the flow arrow's start. */
static void emit_waker(struct ctx *c, const struct wakeoff_wakeup *w, size_t i)
{
	const struct wo_trace *t = c->t;
	FILE *out = c->out;
	const char *label = wo_trace_run_label(t, w->run_id);
	bool sw = has(w, WAKEOFF_V_SWITCH);

	ev_begin(c, "X", 1, w->waker_cpu, "wakeup");
	ts_us(out, w->ts_waking, c->t0);
	fputs(",\"dur\":", out);
	dur_us(out, c->wdur[i]);
	fputs(",\"name\":", out);
	json_task(out, "wake ", w->comm, w->pid);
	fputs(",\"args\":{\"waker\":", out);
	json_task(out, "", w->waker_comm, w->waker_pid);
	fprintf(out, ",\"wakee_tgid\":%d,\"wake_id\":%" PRIu64 ",\"run_id\":%" PRIu64,
		w->tgid, (uint64_t)w->wake_id, (uint64_t)w->run_id);
	if (label) {
		fputs(",\"run_label\":", out);
		wo_json_strn(out, label, WAKEOFF_LABEL_LEN);
	}
	fprintf(out, ",\"prev_cpu\":%u", w->prev_cpu);
	if (has(w, WAKEOFF_V_WAKEUP))
		fprintf(out, ",\"target_cpu\":%u", w->target_cpu);
	if (sw)
		fprintf(out, ",\"run_cpu\":%u", w->run_cpu);
	fputs(",\"flags\":", out);
	json_flags(out, t, w->final_flags);
	if (w->valid & WAKEOFF_V_CALLER_FLAGS) {
		fputs(",\"caller_flags\":", out);
		json_flags(out, t, w->caller_flags);
	}
	if (w->valid & WAKEOFF_V_ACTIVATE) {
		fputs(",\"activate_flags\":", out);
		json_flags(out, t, w->activate_flags);
	}
	if (has(w, WAKEOFF_V_WAKEUP))
		fprintf(out, ",\"waking_to_wakeup_ns\":%" PRIu64,
			w->ts_wakeup > w->ts_waking ? (uint64_t)(w->ts_wakeup - w->ts_waking) : 0);
	fprintf(out, ",\"outcome\":%u}}", w->outcome);
	if (sw) {
		fprintf(out, ",\n{\"ph\":\"s\",\"pid\":1,\"tid\":%u,\"cat\":\"wakeup\",\"name\":\"wakeup\",\"id\":%" PRIu64 ",\"ts\":",
			w->waker_cpu, (uint64_t)w->wake_id);
		ts_us(out, w->ts_waking, c->t0);
		fputc('}', out);
	}
}

/* The wakee running, with the arrow's end bound to it. */
static void emit_run(struct ctx *c, const struct wakeoff_wakeup *w, size_t i)
{
	const struct wo_trace *t = c->t;
	FILE *out = c->out;
	uint64_t e = c->end[i];

	ev_begin(c, "X", 1, w->run_cpu, "run");
	ts_us(out, w->ts_switch, c->t0);
	fputs(",\"dur\":", out);
	dur_us(out, e > w->ts_switch ? e - w->ts_switch : 0);
	fputs(",\"name\":", out);
	json_task(out, "", w->comm, w->pid);
	fprintf(out, ",\"args\":{\"end\":\"%s\",\"end_rule\":\"earliest of: next known switch-in on this CPU, first timekeeping read, 10 ms\",\"wake_id\":%" PRIu64 ",\"run_id\":%" PRIu64 ",\"flags\":",
		ran_end_name[c->why[i]], (uint64_t)w->wake_id, (uint64_t)w->run_id);
	json_flags(out, t, w->final_flags);
	if (has(w, WAKEOFF_V_WAKEUP))
		fprintf(out, ",\"wakeup_to_switch_ns\":%" PRIu64,
			w->ts_switch > w->ts_wakeup ? (uint64_t)(w->ts_switch - w->ts_wakeup) : 0);
	fputs("}}", out);
	fprintf(out, ",\n{\"ph\":\"f\",\"bp\":\"e\",\"pid\":1,\"tid\":%u,\"cat\":\"wakeup\",\"name\":\"wakeup\",\"id\":%" PRIu64 ",\"ts\":",
		w->run_cpu, (uint64_t)w->wake_id);
	ts_us(out, w->ts_switch, c->t0);
	fputc('}', out);
}

/* Waiting on the runqueue: async, overlapping. */
static void emit_rqwait(struct ctx *c, const struct wakeoff_wakeup *w)
{
	const struct wo_trace *t = c->t;
	FILE *out = c->out;

	ev_begin(c, "b", 2, w->target_cpu, "rqwait");
	ts_us(out, w->ts_wakeup, c->t0);
	fprintf(out, ",\"id\":%" PRIu64 ",\"name\":", (uint64_t)w->wake_id);
	json_task(out, "wait ", w->comm, w->pid);
	fprintf(out, ",\"args\":{\"target_cpu\":%u,\"run_cpu\":%u,\"wake_id\":%" PRIu64 ",\"run_id\":%" PRIu64 ",\"flags\":",
		w->target_cpu, w->run_cpu, (uint64_t)w->wake_id, (uint64_t)w->run_id);
	json_flags(out, t, w->final_flags);
	fputs("}}", out);
	ev_begin(c, "e", 2, w->target_cpu, "rqwait");
	ts_us(out, w->ts_switch > w->ts_wakeup ? w->ts_switch : w->ts_wakeup, c->t0);
	fprintf(out, ",\"id\":%" PRIu64 ",\"name\":", (uint64_t)w->wake_id);
	json_task(out, "wait ", w->comm, w->pid);
	fputc('}', out);
}

/* The first timekeeping read: an instant on the reading CPU. */
static void emit_tkread(struct ctx *c, const struct wakeoff_wakeup *w)
{
	const struct wo_trace *t = c->t;
	FILE *out = c->out;
	const char *fn = wo_trace_tk_name(t, w->tk_func);

	fprintf(out, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%u,\"cat\":\"tkread\",\"ts\":",
		w->tk_cpu);
	ts_us(out, w->ts_tkread, c->t0);
	fputs(",\"name\":\"tkread ", out);
	if (fn)
		wo_json_body(out, fn, SIZE_MAX);
	else
		fprintf(out, "#%u", w->tk_func);
	fputs("\",\"args\":{\"task\":", out);
	json_task(out, "", w->comm, w->pid);
	fputs(",\"function\":", out);
	if (fn)
		wo_json_str(out, fn);
	else
		fprintf(out, "\"#%u\"", w->tk_func);
	fprintf(out, ",\"clock\":\"%s\",\"source\":\"%s\"", wo_tk_clock_str(w),
		wo_tk_source_str(w));
	fprintf(out, ",\"value_ns\":%" PRIu64 ",\"offset_ns\":%" PRId64
		",\"ttwu_to_tkread_ns\":%" PRIu64 ",\"wake_id\":%" PRIu64 ",\"run_id\":%" PRIu64 ",\"flags\":",
		(uint64_t)w->tk_value, (int64_t)w->tk_offset,
		w->ts_tkread > w->ts_waking ? (uint64_t)(w->ts_tkread - w->ts_waking) : 0,
		(uint64_t)w->wake_id, (uint64_t)w->run_id);
	json_flags(out, t, w->final_flags);
	fputs("}}", out);
}

static void emit_wakeup(struct ctx *c, const struct wakeoff_wakeup *w, size_t i)
{
	emit_waker(c, w, i);
	if (has(w, WAKEOFF_V_SWITCH))
		emit_run(c, w, i);
	if (has(w, WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH))
		emit_rqwait(c, w);
	if (has(w, WAKEOFF_V_TKREAD))
		emit_tkread(c, w);
	if (has(w, WAKEOFF_V_NR_RUNNING | WAKEOFF_V_WAKEUP)) {
		fprintf(c->out, ",\n{\"ph\":\"C\",\"pid\":1,\"name\":\"rq_len cpu%u\",\"ts\":",
			w->target_cpu);
		ts_us(c->out, w->ts_wakeup, c->t0);
		fprintf(c->out, ",\"args\":{\"nr_running\":%" PRIu32 "}}", (uint32_t)w->rq_nr_running);
	}
}

/* Earliest timestamp the export prints, so no relative time is negative. */
static uint64_t first_ts(const struct wo_trace *t)
{
	uint64_t t0 = UINT64_MAX;
	size_t i;

	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];

		if (w->ts_waking < t0)
			t0 = w->ts_waking;
		if (has(w, WAKEOFF_V_WAKEUP) && w->ts_wakeup < t0)
			t0 = w->ts_wakeup;
		if (has(w, WAKEOFF_V_SWITCH) && w->ts_switch < t0)
			t0 = w->ts_switch;
		if (has(w, WAKEOFF_V_TKREAD) && w->ts_tkread < t0)
			t0 = w->ts_tkread;
	}
	for (i = 0; i < t->nruns; i++)
		if (t->runs[i].ts && t->runs[i].ts < t0)
			t0 = t->runs[i].ts;
	return t0 == UINT64_MAX ? 0 : t0;
}

/* Switch-ins and wakings in time order per CPU; @used marks every CPU seen. */
static void collect(struct ctx *c, unsigned char *used)
{
	const struct wo_trace *t = c->t;
	size_t i;

#define USE(cpu_) (used[(cpu_) / 8] |= (unsigned char)(1U << ((cpu_) % 8)))
	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];

		USE(w->waker_cpu);
		c->wk[i] = (struct cev){ w->waker_cpu, w->ts_waking, i };
		if (has(w, WAKEOFF_V_SWITCH)) {
			USE(w->run_cpu);
			c->sw[c->nsw++] = (struct cev){ w->run_cpu, w->ts_switch, i };
		}
		if (has(w, WAKEOFF_V_TKREAD))
			USE(w->tk_cpu);
	}
#undef USE
	qsort(c->sw, c->nsw, sizeof(*c->sw), cmp_cev);
	qsort(c->wk, t->nwk, sizeof(*c->wk), cmp_cev);
}

/* otherData, then the track names: the two processes and a thread per CPU used. */
static void emit_header(const struct ctx *c, const unsigned char *used)
{
	const struct wo_trace *t = c->t;
	FILE *out = c->out;
	unsigned int cpu;

	fputs("{\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"tool\":\"wakeoff\",\"file\":", out);
	wo_json_str(out, t->path);
	fputs(",\"kernel\":", out);
	wo_json_str(out, wo_trace_meta(t, "kernel"));
	fputs(",\"clocksource\":", out);
	wo_json_str(out, wo_trace_meta(t, "clocksource"));
	fprintf(out, ",\"wakeups\":%zu,\"time_zero_local_clock_ns\":%" PRIu64
		",\"run_slice_rule\":\"a run slice ends at the earliest of the next known switch-in on its CPU, the task's first timekeeping read, 10 ms after the switch-in\"},\n\"traceEvents\":[\n",
		t->nwk, c->t0);
	fputs("{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"CPUs\"}}", out);
	fputs(",\n{\"ph\":\"M\",\"pid\":1,\"name\":\"process_sort_index\",\"args\":{\"sort_index\":1}}", out);
	fputs(",\n{\"ph\":\"M\",\"pid\":2,\"name\":\"process_name\",\"args\":{\"name\":\"runqueue waits\"}}", out);
	fputs(",\n{\"ph\":\"M\",\"pid\":2,\"name\":\"process_sort_index\",\"args\":{\"sort_index\":2}}", out);
	for (cpu = 0; cpu < 65536; cpu++) {
		if (!(used[cpu / 8] & (1U << (cpu % 8))))
			continue;
		fprintf(out, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"name\":\"thread_name\",\"args\":{\"name\":\"CPU %u\"}}",
			cpu, cpu);
		fprintf(out, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%u}}",
			cpu, cpu);
	}
}

/* A global instant per run record that has a time. */
static void emit_runs(const struct ctx *c)
{
	const struct wo_trace *t = c->t;
	FILE *out = c->out;
	size_t i;

	for (i = 0; i < t->nruns; i++) {
		const struct wakeoff_run *r = &t->runs[i];

		if (!r->ts)
			continue;
		fprintf(out, ",\n{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":0,\"cat\":\"run\",\"ts\":");
		ts_us(out, r->ts, c->t0);
		fprintf(out, ",\"name\":\"run %" PRIu64 " ", (uint64_t)r->run_id);
		wo_json_body(out, r->label, WAKEOFF_LABEL_LEN);
		fprintf(out, "\",\"args\":{\"run_id\":%" PRIu64 ",\"label\":", (uint64_t)r->run_id);
		wo_json_strn(out, r->label, WAKEOFF_LABEL_LEN);
		fputs("}}", out);
	}
}

int wo_export_perfetto(const struct wo_trace *t, FILE *out)
{
	struct ctx c = { .t = t, .out = out };
	unsigned char *used = calloc(65536 / 8, 1);
	size_t i, n = t->nwk ? t->nwk : 1;
	int rc = -1;

	c.t0 = first_ts(t);
	c.sw = calloc(n, sizeof(*c.sw));
	c.wk = calloc(n, sizeof(*c.wk));
	c.end = calloc(n, sizeof(*c.end));
	c.why = calloc(n, sizeof(*c.why));
	c.wdur = calloc(n, sizeof(*c.wdur));
	if (!used || !c.sw || !c.wk || !c.end || !c.why || !c.wdur) {
		errno = ENOMEM;
		goto out;
	}
	collect(&c, used);
	ran_ends(&c);
	wake_durs(&c);
	emit_header(&c, used);
	emit_runs(&c);
	for (i = 0; i < t->nwk; i++)
		emit_wakeup(&c, &t->wk[i], i);
	fputs("\n]}\n", out);
	rc = ferror(out) ? -1 : 0;
out:
	free(used);
	free(c.sw);
	free(c.wk);
	free(c.end);
	free(c.why);
	free(c.wdur);
	return rc;
}
