// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff export --perfetto: Chrome trace-event JSON.
 *
 * Process 1 "CPUs" has one thread per CPU.  On it:
 *  - "wake <comm>[pid]": a 1 us slice on the waker's CPU at sched_waking,
 *    where the wakeup's flow arrow starts;
 *  - "<comm>[pid]": the wakee running on its CPU from its switch-in, where
 *    the arrow ends.  We only know switch-ins of traced wakees, so the
 *    slice ends at the next known switch-in on that CPU, capped at 10 ms
 *    (args.end says which);
 *  - "tkread <function>": an instant at the first timekeeping read;
 *  - counters "rq_len cpuN": the target runqueue length at each wakeup.
 * Process 2 "runqueue waits" holds async slices from sched_wakeup to the
 * switch-in (they overlap freely).  Timestamps are microseconds from the
 * first sched_waking, with ns precision.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "report.h"

#define RAN_CAP_NS	10000000ULL

struct sw {
	uint16_t cpu;
	uint64_t ts;
	size_t idx;
};

static int cmp_sw(const void *a, const void *b)
{
	const struct sw *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static void ts_us(FILE *out, uint64_t ts, uint64_t t0)
{
	uint64_t d = ts > t0 ? ts - t0 : 0;

	fprintf(out, "%" PRIu64 ".%03" PRIu64, d / 1000, d % 1000);
}

static void task_name(FILE *out, const char *prefix, const char *comm, int pid)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s%.*s[%d]", prefix, WAKEOFF_COMM_LEN, comm, pid);
	wo_json_str(out, buf);
}

int wo_export_perfetto(const struct wo_trace *t, FILE *out)
{
	uint64_t t0 = t->nwk ? t->wk[0].ts_waking : 0, *end;
	unsigned int ncpu = t->max_cpu, c;
	struct sw *sw;
	size_t i, nsw = 0;
	const char *sep = "\n";

	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		unsigned int m = w->waker_cpu;

		if (w->target_cpu > m)
			m = w->target_cpu;
		if ((w->valid & WAKEOFF_V_SWITCH) && w->run_cpu > m)
			m = w->run_cpu;
		if (m + 1 > ncpu)
			ncpu = m + 1;
	}
	sw = calloc(t->nwk + 1, sizeof(*sw));
	end = calloc(t->nwk + 1, sizeof(*end));
	if (!sw || !end) {
		free(sw);
		free(end);
		return -1;
	}
	/* Where each "ran" slice ends: the next switch-in on its CPU. */
	for (i = 0; i < t->nwk; i++)
		if (t->wk[i].valid & WAKEOFF_V_SWITCH)
			sw[nsw++] = (struct sw){ t->wk[i].run_cpu, t->wk[i].ts_switch, i };
	qsort(sw, nsw, sizeof(*sw), cmp_sw);
	for (i = 0; i < nsw; i++) {
		uint64_t cap = sw[i].ts + RAN_CAP_NS;

		if (i + 1 < nsw && sw[i + 1].cpu == sw[i].cpu && sw[i + 1].ts < cap)
			end[sw[i].idx] = sw[i + 1].ts;
		else
			end[sw[i].idx] = cap;
	}

	fputs("{\"displayTimeUnit\": \"ns\",\n\"otherData\": {\"tool\": \"wakeoff\", \"kernel\": ", out);
	wo_json_str(out, wo_trace_meta(t, "kernel"));
	fputs(", \"clocksource\": ", out);
	wo_json_str(out, wo_trace_meta(t, "clocksource"));
	fprintf(out, ", \"wakeups\": %zu, \"time_zero_ns\": %" PRIu64 "},\n\"traceEvents\": [",
		t->nwk, t0);
	fprintf(out, "%s{\"ph\": \"M\", \"pid\": 1, \"name\": \"process_name\", \"args\": {\"name\": \"CPUs\"}}", sep);
	sep = ",\n";
	fprintf(out, "%s{\"ph\": \"M\", \"pid\": 2, \"name\": \"process_name\", \"args\": {\"name\": \"runqueue waits\"}}", sep);
	for (c = 0; c < ncpu; c++) {
		fprintf(out, "%s{\"ph\": \"M\", \"pid\": 1, \"tid\": %u, \"name\": \"thread_name\", \"args\": {\"name\": \"CPU %u\"}}",
			sep, c, c);
		fprintf(out, "%s{\"ph\": \"M\", \"pid\": 1, \"tid\": %u, \"name\": \"thread_sort_index\", \"args\": {\"sort_index\": %u}}",
			sep, c, c);
	}
	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		char fl[160];
		bool sw_ok = (w->valid & (WAKEOFF_V_SWITCH | WAKEOFF_V_WAKEUP)) ==
			     (WAKEOFF_V_SWITCH | WAKEOFF_V_WAKEUP);

		wo_trace_flags_str(t, w->final_flags, fl, sizeof(fl));
		/* The waker's side, and the flow start. */
		fprintf(out, "%s{\"ph\": \"X\", \"pid\": 1, \"tid\": %u, \"cat\": \"wakeup\", \"name\": ",
			sep, w->waker_cpu);
		task_name(out, "wake ", w->comm, w->pid);
		fputs(", \"ts\": ", out);
		ts_us(out, w->ts_waking, t0);
		fputs(", \"dur\": 1, \"args\": {\"waker\": ", out);
		task_name(out, "", w->waker_comm, w->waker_pid);
		fprintf(out, ", \"wake_id\": %" PRIu64 ", \"run_id\": %" PRIu64
			", \"prev_cpu\": %u, \"target_cpu\": %u, \"flags\": ",
			(uint64_t)w->wake_id, (uint64_t)w->run_id, w->prev_cpu,
			w->target_cpu);
		wo_json_str(out, fl);
		fputs("}}", out);
		if (sw_ok) {
			fprintf(out, "%s{\"ph\": \"s\", \"pid\": 1, \"tid\": %u, \"cat\": \"wakeup\", \"name\": \"wakeup\", \"id\": %" PRIu64 ", \"ts\": ",
				sep, w->waker_cpu, (uint64_t)w->wake_id);
			ts_us(out, w->ts_waking, t0);
			fputc('}', out);
			/* The wakee running, and the flow end bound to it. */
			fprintf(out, "%s{\"ph\": \"X\", \"pid\": 1, \"tid\": %u, \"cat\": \"run\", \"name\": ",
				sep, w->run_cpu);
			task_name(out, "", w->comm, w->pid);
			fputs(", \"ts\": ", out);
			ts_us(out, w->ts_switch, t0);
			fputs(", \"dur\": ", out);
			ts_us(out, end[i], w->ts_switch);
			fprintf(out, ", \"args\": {\"end\": \"%s\", \"wake_id\": %" PRIu64
				", \"wakeup_to_switch_ns\": %" PRIu64 ", \"flags\": ",
				end[i] - w->ts_switch == RAN_CAP_NS ? "cap 10 ms" :
				"next known switch-in", (uint64_t)w->wake_id,
				(uint64_t)(w->ts_switch > w->ts_wakeup ? w->ts_switch - w->ts_wakeup : 0));
			wo_json_str(out, fl);
			fputs("}}", out);
			fprintf(out, "%s{\"ph\": \"f\", \"bp\": \"e\", \"pid\": 1, \"tid\": %u, \"cat\": \"wakeup\", \"name\": \"wakeup\", \"id\": %" PRIu64 ", \"ts\": ",
				sep, w->run_cpu, (uint64_t)w->wake_id);
			ts_us(out, w->ts_switch, t0);
			fputc('}', out);
			/* Waiting on the runqueue: async, overlapping. */
			fprintf(out, "%s{\"ph\": \"b\", \"pid\": 2, \"tid\": %u, \"cat\": \"rqwait\", \"name\": ",
				sep, w->target_cpu);
			task_name(out, "wait ", w->comm, w->pid);
			fprintf(out, ", \"id\": %" PRIu64 ", \"ts\": ", (uint64_t)w->wake_id);
			ts_us(out, w->ts_wakeup, t0);
			fprintf(out, ", \"args\": {\"cpu\": %u}}", w->target_cpu);
			fprintf(out, "%s{\"ph\": \"e\", \"pid\": 2, \"tid\": %u, \"cat\": \"rqwait\", \"name\": ",
				sep, w->target_cpu);
			task_name(out, "wait ", w->comm, w->pid);
			fprintf(out, ", \"id\": %" PRIu64 ", \"ts\": ", (uint64_t)w->wake_id);
			ts_us(out, w->ts_switch, t0);
			fputc('}', out);
		}
		if (w->valid & WAKEOFF_V_TKREAD) {
			const char *fn = wo_trace_tk_name(t, w->tk_func);

			fprintf(out, "%s{\"ph\": \"i\", \"s\": \"t\", \"pid\": 1, \"tid\": %u, \"cat\": \"tkread\", \"name\": ",
				sep, w->tk_cpu);
			{
				char n[96];

				snprintf(n, sizeof(n), "tkread %s", fn ? fn : "?");
				wo_json_str(out, n);
			}
			fputs(", \"ts\": ", out);
			ts_us(out, w->ts_tkread, t0);
			fprintf(out, ", \"args\": {\"task\": ");
			task_name(out, "", w->comm, w->pid);
			fprintf(out, ", \"value_ns\": %" PRIu64 ", \"offset_ns\": %" PRId64
				", \"ttwu_to_tkread_ns\": %" PRIu64 "}}", (uint64_t)w->tk_value,
				(int64_t)w->tk_offset,
				(uint64_t)(w->ts_tkread > w->ts_waking ? w->ts_tkread - w->ts_waking : 0));
		}
		if ((w->valid & WAKEOFF_V_NR_RUNNING) && (w->valid & WAKEOFF_V_WAKEUP)) {
			fprintf(out, "%s{\"ph\": \"C\", \"pid\": 1, \"name\": \"rq_len cpu%u\", \"ts\": ",
				sep, w->target_cpu);
			ts_us(out, w->ts_wakeup, t0);
			fprintf(out, ", \"args\": {\"nr_running\": %u}}", w->rq_nr_running);
		}
	}
	fputs("\n]}\n", out);
	free(sw);
	free(end);
	return ferror(out) ? -1 : 0;
}

static void export_usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff export --perfetto OUT.json FILE\n"
		"\n"
		"Write Chrome trace-event JSON that ui.perfetto.dev and chrome://tracing\n"
		"open: a track per CPU with the waker's wakeup and the wakee running,\n"
		"flow arrows from waker to wakee, instants at the first timekeeping read,\n"
		"runqueue-length counters, and async runqueue-wait slices.\n");
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "perfetto", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outp = NULL;
	struct wo_trace t;
	char err[512];
	FILE *out;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			outp = optarg;
			break;
		case 'h':
			export_usage(stdout);
			return 0;
		default:
			export_usage(stderr);
			return 2;
		}
	}
	if (!outp || argc - optind != 1) {
		export_usage(stderr);
		return 2;
	}
	if (wo_trace_load(argv[optind], &t, err, sizeof(err))) {
		fprintf(stderr, "wakeoff export: %s\n", err);
		return 1;
	}
	out = strcmp(outp, "-") ? fopen(outp, "w") : stdout;
	if (!out) {
		perror(outp);
		wo_trace_free(&t);
		return 1;
	}
	rc = wo_export_perfetto(&t, out);
	if ((out != stdout && fclose(out)) || rc) {
		fprintf(stderr, "wakeoff export: writing %s failed\n", outp);
		rc = 1;
	}
	wo_trace_free(&t);
	return rc ? 1 : 0;
}
