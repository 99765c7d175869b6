// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff plot: one self-contained HTML page (inline SVG and CSS, no
 * script, nothing fetched) with
 *  - the per-CPU timeline coloured by runqueue length (each CPU's row
 *    takes, per time column, the latest rq->nr_running sampled at a
 *    wakeup targeting it), with a tick where a wakeup landed;
 *  - latency histograms, migrated vs local, of the three deltas, on the
 *    module's log-linear buckets merged per power of two, p50/p99 marked;
 *  - the clock offset over time per timekeeping function, as the
 *    deviation from its median, with the p1..p99 band.
 * Big recordings stay light: the timeline has at most TL_COLS columns per
 * CPU and the scatter at most SC_MAX points (every k-th read, said on the
 * page).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "hist.h"
#include "report.h"

#define TL_COLS		1000
#define TL_W		1000
#define TL_ROW		22
#define SC_MAX		4000
#define GROUPS		(WAKEOFF_HIST_MAX_BITS + 1)

static const char *const rq_colour[] = {
	"#e8e8e8", "#b7e4a8", "#f4e27a", "#f4a25a", "#e0503c",
};

static void html_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '&')
			fputs("&amp;", out);
		else if (c == '"')
			fputs("&quot;", out);
		else if (c < 0x20 || c >= 0x7f)
			fputc('?', out);
		else
			fputc(c, out);
	}
}

static unsigned int rq_class(uint32_t nr)
{
	return nr >= 4 ? 4 : nr;
}

static void timeline(const struct wo_trace *t, FILE *out, unsigned int ncpu,
		     uint64_t t0, uint64_t t1)
{
	uint64_t span = t1 > t0 ? t1 - t0 : 1;
	unsigned int h = ncpu * TL_ROW + 40, c, col;
	unsigned char *val = calloc((size_t)ncpu * TL_COLS, 1);
	unsigned char *tick = calloc((size_t)ncpu * TL_COLS, 1);
	size_t i;

	fprintf(out, "<section id=\"timeline\"><h2>Runqueue length per CPU over time</h2>\n"
		"<p>Each row is a CPU; the colour is its runqueue length (rq-&gt;nr_running) as sampled at the latest wakeup targeting it (grey: no sample yet); a dark tick marks a column with a wakeup. %.3f s in %u columns of %.1f us.</p>\n",
		span / 1e9, TL_COLS, span / 1e3 / TL_COLS);
	if (!val || !tick) {
		fputs("<p>out of memory</p></section>\n", out);
		free(val);
		free(tick);
		return;
	}
	/* Samples arrive in ts_waking order; ts_wakeup follows closely. */
	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		uint64_t ts = w->ts_wakeup;

		if (!(w->valid & WAKEOFF_V_WAKEUP) || w->target_cpu >= ncpu || ts < t0)
			continue;
		col = (unsigned int)((ts - t0) * (TL_COLS - 1) / span);
		if (col >= TL_COLS)
			col = TL_COLS - 1;
		tick[(size_t)w->target_cpu * TL_COLS + col] = 1;
		if (w->valid & WAKEOFF_V_NR_RUNNING)
			val[(size_t)w->target_cpu * TL_COLS + col] = 1 + rq_class(w->rq_nr_running);
	}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" role=\"img\">\n",
		TL_W + 80, h);
	for (c = 0; c < ncpu; c++) {
		unsigned int y = 10 + c * TL_ROW, cur = 0, start = 0;

		fprintf(out, "<text x=\"0\" y=\"%u\" class=\"lab\">CPU %u</text>\n", y + 15, c);
		/* Carry the latest sample forward, then merge equal runs. */
		for (col = 0; col <= TL_COLS; col++) {
			unsigned int v = col < TL_COLS ? val[(size_t)c * TL_COLS + col] : 255;

			if (col < TL_COLS && !v)
				v = cur;
			if (col == TL_COLS || v != cur) {
				if (col > start)
					fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"><title>CPU %u: %s</title></rect>\n",
						60 + start * TL_W / TL_COLS, y,
						(col - start) * TL_W / TL_COLS + 1, TL_ROW - 4,
						rq_colour[cur ? cur - 1 : 0], c,
						!cur ? "no sample" : cur >= 5 ? "4 or more runnable" :
						cur == 2 ? "1 runnable" : cur == 3 ? "2 runnable" :
						cur == 4 ? "3 runnable" : "0 runnable");
				start = col;
				cur = v;
			}
		}
		for (col = 0; col < TL_COLS; col++)
			if (tick[(size_t)c * TL_COLS + col])
				fprintf(out, "<line x1=\"%u\" x2=\"%u\" y1=\"%u\" y2=\"%u\" class=\"tick\"/>\n",
					60 + col * TL_W / TL_COLS, 60 + col * TL_W / TL_COLS, y,
					y + 5);
	}
	fprintf(out, "<text x=\"60\" y=\"%u\" class=\"lab\">0 s</text><text x=\"%u\" y=\"%u\" class=\"lab\" text-anchor=\"end\">%.3f s</text>\n",
		h - 14, 60 + TL_W, h - 14, span / 1e9);
	fputs("</svg>\n<p class=\"legend\">", out);
	for (c = 0; c < 5; c++)
		fprintf(out, "<span style=\"background:%s\">&nbsp;&nbsp;&nbsp;</span> %s &nbsp; ",
			rq_colour[c], c == 0 ? "no sample / 0" : c == 4 ? "4+" :
			c == 1 ? "1" : c == 2 ? "2" : "3");
	fputs("runnable tasks</p></section>\n", out);
	free(val);
	free(tick);
}

/* Bucket index merged per power of two: 0 holds values below 16. */
static unsigned int pow_group(uint64_t v)
{
	unsigned int e;

	if (v < 16)
		return 0;
	e = 63 - __builtin_clzll(v);
	return e - 3 < GROUPS ? e - 3 : GROUPS - 1;
}

static void histograms(const struct wo_trace *t, FILE *out)
{
	static const char *const title[WO_RM_NR] = {
		"waking &#8594; wakeup", "wakeup &#8594; switch-in",
		"ttwu &#8594; first timekeeping read",
	};
	uint32_t wf_mig = wo_trace_flag(t, "WF_MIGRATED");
	struct wo_uhist *h = calloc(2 * WO_RM_NR, sizeof(*h));
	uint64_t g[2][WO_RM_NR][GROUPS];
	size_t i;
	int m, k;

	fputs("<section id=\"histograms\"><h2>Latency histograms, migrated vs local</h2>\n"
	      "<p>Wakeups per power-of-two latency range (log scale on x); dashed lines: p50 and p99 of each class, computed like the module (log-linear buckets, nearest rank).</p>\n",
	      out);
	if (!h) {
		fputs("<p>out of memory</p></section>\n", out);
		return;
	}
	memset(g, 0, sizeof(g));
	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		int c = wf_mig && (w->final_flags & wf_mig) ? 1 : 0;
		uint64_t d[WO_RM_NR];
		bool have[WO_RM_NR];

		have[WO_RM_WAKE] = w->valid & WAKEOFF_V_WAKEUP;
		d[WO_RM_WAKE] = w->ts_wakeup > w->ts_waking ? w->ts_wakeup - w->ts_waking : 0;
		have[WO_RM_SWITCH] = (w->valid & (WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH)) ==
				     (WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH);
		d[WO_RM_SWITCH] = w->ts_switch > w->ts_wakeup ? w->ts_switch - w->ts_wakeup : 0;
		have[WO_RM_TK] = w->valid & WAKEOFF_V_TKREAD;
		d[WO_RM_TK] = w->ts_tkread > w->ts_waking ? w->ts_tkread - w->ts_waking : 0;
		for (m = 0; m < WO_RM_NR; m++) {
			if (!have[m])
				continue;
			wo_uhist_add(&h[c * WO_RM_NR + m], d[m]);
			g[c][m][pow_group(d[m])]++;
		}
	}
	for (m = 0; m < WO_RM_NR; m++) {
		uint64_t top = 1;
		unsigned int lo = GROUPS, hi = 0, x, bw;

		for (k = 0; k < 2; k++)
			for (x = 0; x < GROUPS; x++)
				if (g[k][m][x]) {
					lo = x < lo ? x : lo;
					hi = x > hi ? x : hi;
					top = g[k][m][x] > top ? g[k][m][x] : top;
				}
		fprintf(out, "<h3>%s</h3>\n", title[m]);
		if (lo > hi) {
			fputs("<p>no samples</p>\n", out);
			continue;
		}
		bw = 700 / (hi - lo + 1);
		fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"230\" role=\"img\">\n",
			bw * (hi - lo + 1) + 80);
		for (x = lo; x <= hi; x++) {
			uint64_t lov = x ? 1ULL << (x + 3) : 0;
			char a[24];

			wo_fmt_ns(a, sizeof(a), lov);
			for (k = 0; k < 2; k++) {
				unsigned int bh = (unsigned int)(g[k][m][x] * 170 / top);

				fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" class=\"%s\"><title>%s, from %s: %" PRIu64 "</title></rect>\n",
					60 + (x - lo) * bw + k * (bw / 2), 190 - bh,
					bw / 2 > 1 ? bw / 2 - 1 : 1, bh, k ? "mig" : "loc",
					k ? "migrated" : "local", a, g[k][m][x]);
			}
			if ((x - lo) % 2 == 0)
				fprintf(out, "<text x=\"%u\" y=\"205\" class=\"lab\">%s</text>\n",
					60 + (x - lo) * bw, a);
		}
		for (k = 0; k < 2; k++) {
			const struct wo_uhist *hh = &h[k * WO_RM_NR + m];
			unsigned int p;

			if (!hh->n)
				continue;
			for (p = 0; p < 2; p++) {
				uint64_t v = wo_uhist_pct(hh, p ? 99 : 50);
				double pos = v < 16 ? 0 : 63 - __builtin_clzll(v) - 3 +
					     (double)(v - (1ULL << (63 - __builtin_clzll(v)))) /
					     (double)(1ULL << (63 - __builtin_clzll(v)));
				unsigned int xp = 60 + (unsigned int)((pos - lo) * bw);
				char a[24];

				if (pos < lo)
					xp = 60;
				wo_fmt_ns(a, sizeof(a), v);
				fprintf(out, "<line x1=\"%u\" x2=\"%u\" y1=\"15\" y2=\"190\" class=\"pct %s\"/><text x=\"%u\" y=\"%u\" class=\"lab\">%s p%u %s</text>\n",
					xp, xp, k ? "mig" : "loc", xp + 2, 12 + 12 * (2 * k + p) % 48,
					k ? "migrated" : "local", p ? 99 : 50, a);
			}
		}
		fprintf(out, "<text x=\"0\" y=\"20\" class=\"lab\">%" PRIu64 "</text><text x=\"0\" y=\"190\" class=\"lab\">0</text></svg>\n",
			top);
		fprintf(out, "<p class=\"legend\"><span class=\"mig\">&nbsp;&nbsp;&nbsp;</span> migrated (%" PRIu64 ") &nbsp; <span class=\"loc\">&nbsp;&nbsp;&nbsp;</span> local (%" PRIu64 ")</p>\n",
			h[WO_RM_NR + m].n, h[m].n);
	}
	fputs("</section>\n", out);
	free(h);
}

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void offsets(const struct wo_trace *t, FILE *out, uint64_t t0, uint64_t t1)
{
	static const char *const col[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
					   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22" };
	uint64_t span = t1 > t0 ? t1 - t0 : 1;
	int64_t *v = calloc(t->nwk + 1, sizeof(*v));
	unsigned int f;
	size_t i, n;

	fputs("<section id=\"offset\"><h2>Clock offset over time</h2>\n"
	      "<p>Offset of the first timekeeping read after each wakeup (value read &#8722; local_clock()), per function, drawn as the deviation from that function's median; the band is p1..p99.  A constant offset is a flat line.</p>\n",
	      out);
	if (!v) {
		fputs("<p>out of memory</p></section>\n", out);
		return;
	}
	for (f = 0; f < 256; f++) {
		int64_t med, p1, p99, lo, hi;
		size_t step, drawn = 0;
		const char *fn = wo_trace_tk_name(t, f);

		for (n = 0, i = 0; i < t->nwk; i++)
			if ((t->wk[i].valid & WAKEOFF_V_TKREAD) && t->wk[i].tk_func == f)
				v[n++] = t->wk[i].tk_offset;
		if (!n)
			continue;
		qsort(v, n, sizeof(*v), cmp_s64);
		med = v[(n - 1) / 2];
		p1 = v[(n * 1 + 99) / 100 - 1];
		p99 = v[(n * 99 + 99) / 100 - 1];
		lo = v[0] - med;
		hi = v[n - 1] - med;
		if (hi == lo)
			hi = lo + 1;
		step = n > SC_MAX ? (n + SC_MAX - 1) / SC_MAX : 1;
		fputs("<h3>", out);
		html_text(out, fn ? fn : "?");
		fprintf(out, ": %zu reads, median %" PRId64 " ns, p99&#8722;p1 %" PRId64 " ns, max&#8722;min %" PRId64 " ns%s</h3>\n",
			n, med, p99 - p1, v[n - 1] - v[0],
			step > 1 ? " (every k-th read drawn)" : "");
		fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"240\" role=\"img\">\n",
			TL_W + 80);
		fprintf(out, "<rect x=\"60\" y=\"%d\" width=\"%u\" height=\"%d\" class=\"band\"><title>p1..p99</title></rect>\n",
			(int)(210 - (double)(p99 - med - lo) * 200 / (double)(hi - lo)), TL_W,
			(int)((double)(p99 - p1) * 200 / (double)(hi - lo)) + 1);
		for (n = 0, i = 0; i < t->nwk; i++) {
			const struct wakeoff_wakeup *w = &t->wk[i];
			int64_t d;

			if (!(w->valid & WAKEOFF_V_TKREAD) || w->tk_func != f)
				continue;
			if (n++ % step)
				continue;
			d = w->tk_offset - med;
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\"/>\n",
				60 + (double)(w->ts_tkread > t0 ? w->ts_tkread - t0 : 0) * TL_W / span,
				210 - (double)(d - lo) * 200 / (double)(hi - lo), col[f % 8]);
			drawn++;
		}
		fprintf(out, "<text x=\"0\" y=\"14\" class=\"lab\">%+.1f us</text><text x=\"0\" y=\"210\" class=\"lab\">%+.1f us</text><text x=\"%u\" y=\"232\" class=\"lab\" text-anchor=\"end\">%.3f s</text></svg>\n",
			hi / 1e3, lo / 1e3, 60 + TL_W, span / 1e9);
		if (step > 1)
			fprintf(out, "<p>%zu of %zu reads drawn (every %zu-th).</p>\n", drawn, n, step);
	}
	fputs("</section>\n", out);
	free(v);
}

int wo_plot_html(const struct wo_trace *t, FILE *out)
{
	unsigned int ncpu = t->max_cpu;
	uint64_t t0 = t->nwk ? t->wk[0].ts_waking : 0, t1 = t0;
	const char *k = wo_trace_meta(t, "kernel");
	size_t i;

	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		uint64_t e = w->ts_waking;

		if ((w->valid & WAKEOFF_V_SWITCH) && w->ts_switch > e)
			e = w->ts_switch;
		if ((w->valid & WAKEOFF_V_TKREAD) && w->ts_tkread > e)
			e = w->ts_tkread;
		t1 = e > t1 ? e : t1;
		if ((w->valid & WAKEOFF_V_WAKEUP) && w->target_cpu + 1U > ncpu &&
		    w->target_cpu < 4096)
			ncpu = w->target_cpu + 1U;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>wakeoff: ", out);
	html_text(out, t->path);
	fputs("</title>\n<style>\nbody{font:14px sans-serif;margin:20px;color:#222}\n"
	      "h2{border-bottom:1px solid #ccc}\n.lab{font:11px sans-serif;fill:#333}\n"
	      ".tick{stroke:#333;stroke-width:1}\n.mig{fill:#d62728;background:#d62728}\n"
	      ".loc{fill:#1f77b4;background:#1f77b4}\n.pct{stroke-width:1;stroke-dasharray:4 3}\n"
	      ".pct.mig{stroke:#d62728}\n.pct.loc{stroke:#1f77b4}\n.band{fill:#ddeeff}\n"
	      ".legend span{display:inline-block;border:1px solid #999}\n</style></head><body>\n<h1>wakeoff: ",
	      out);
	html_text(out, t->path);
	fputs("</h1>\n<p>kernel ", out);
	html_text(out, k ? k : "?");
	fputs(", clocksource ", out);
	html_text(out, wo_trace_meta(t, "clocksource") ? wo_trace_meta(t, "clocksource") : "?");
	fprintf(out, ", %u CPUs, %zu wakeups, %zu run records, recorded ", ncpu, t->nwk,
		t->nruns);
	html_text(out, wo_trace_meta(t, "recorded_at") ? wo_trace_meta(t, "recorded_at") : "?");
	fputs("</p>\n", out);
	timeline(t, out, ncpu ? ncpu : 1, t0, t1);
	histograms(t, out);
	offsets(t, out, t0, t1);
	fputs("</body></html>\n", out);
	return ferror(out) ? -1 : 0;
}

static void plot_usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff plot FILE -o report.html\n"
		"\n"
		"One self-contained HTML page (inline SVG, no script, no network): the\n"
		"per-CPU timeline coloured by runqueue length, latency histograms of\n"
		"migrated vs local wakeups, and the clock offset over time.\n");
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outp = NULL;
	struct wo_trace t;
	char err[512];
	FILE *out;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			outp = optarg;
			break;
		case 'h':
			plot_usage(stdout);
			return 0;
		default:
			plot_usage(stderr);
			return 2;
		}
	}
	if (!outp || argc - optind != 1) {
		plot_usage(stderr);
		return 2;
	}
	if (wo_trace_load(argv[optind], &t, err, sizeof(err))) {
		fprintf(stderr, "wakeoff plot: %s\n", err);
		return 1;
	}
	out = strcmp(outp, "-") ? fopen(outp, "w") : stdout;
	if (!out) {
		perror(outp);
		wo_trace_free(&t);
		return 1;
	}
	rc = wo_plot_html(&t, out);
	if ((out != stdout && fclose(out)) || rc) {
		fprintf(stderr, "wakeoff plot: writing %s failed\n", outp);
		rc = 1;
	}
	wo_trace_free(&t);
	return rc ? 1 : 0;
}
