// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff plot: one self-contained HTML page -- inline SVG and CSS, no
 * script, nothing fetched (not even an SVG namespace URL: the HTML parser
 * puts <svg> in its namespace by itself).  Three sections:
 *
 *  #timeline    the per-CPU runqueue length over time.  Rows are CPUs,
 *               x is time, binned into at most TL_COLS columns per CPU
 *               (fewer on big machines: at most TL_CELLS cells in all).
 *               A column takes the latest rq_nr_running sampled in it (at
 *               a sched_wakeup targeting that CPU); a column without a
 *               sample carries the previous one forward.  A tick on top
 *               of the row marks a column where a wakeup landed (dark:
 *               local, purple: WF_MIGRATED).
 *  #histograms  per delta (waking->wakeup, wakeup->switch-in, ttwu->first
 *               timekeeping read), one chart of migrated vs local, and
 *               one per run label when the file has several labels (the
 *               HIST_LABELS most frequent; the rest as "other").  Bars are
 *               the module's log-linear buckets (uapi wakeoff_hist_*) on
 *               a log-x axis; the height is the density per unit of
 *               log-latency (count / bucket width in octaves), scaled to
 *               each series' peak, so the uneven bucket widths on a log
 *               axis draw no sawtooth.  Dashed lines: p50, dotted: p99,
 *               computed exactly like the module (hist.c).
 *  #offset      per timekeeping function, tk_offset (value read -
 *               local_clock()) over time as the deviation from its
 *               median, with the p1..p99 band and the median line.  At
 *               most SC_MAX points per function: every k-th read with
 *               k = ceil(reads / SC_MAX), plus the minimum and maximum.
 *
 * Big recordings stay light: every series is one <path> (not an element
 * per cell or point), so the page holds O(CPUs + functions + charts)
 * elements whatever the record count; the page states the limits.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "hist.h"
#include "report.h"
#include "sched_events.h"

#define TL_COLS		2000
#define TL_CELLS	400000
#define TL_MAX_CPUS	1024
#define X0		70		/* left margin of every chart */
#define PW		1000		/* plot width */
#define HIST_H		200
#define SC_H		220
#define SC_MAX		5000
#define HIST_LABELS	7

/* Runqueue length classes of the timeline; 0 is "no sample yet". */
#define RQ_NCLS	9
static const char *const rq_colour[RQ_NCLS] = {
	"#f2f2f2", "#d9f0d3", "#a6dba0", "#fee08b", "#fdae61", "#f46d43",
	"#d73027", "#a50026", "#67001f",
};
static const char *const rq_name[RQ_NCLS] = {
	"no sample", "0", "1", "2", "3", "4", "5-7", "8-15", "16+",
};

static unsigned int rq_class(uint32_t nr)
{
	if (nr <= 4)
		return 1 + nr;
	return nr <= 7 ? 6 : nr <= 15 ? 7 : 8;
}

static const char *const series_colour[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
	"#e377c2", "#17becf", "#7f7f7f",
};

struct plot {
	const struct wo_trace *t;
	FILE *out;
	uint64_t t0, t1;
	unsigned int ncpu;	/* timeline rows */
	bool cpus_cut;		/* CPUs above TL_MAX_CPUS not drawn */
	uint32_t wf_mig;
};

/* Text for HTML/SVG: markup escaped, valid UTF-8 kept, other bytes U+FFFD. */
static void html_n(FILE *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0, k;

	while (n < max && p[n])
		n++;
	while (n) {
		k = 1;
		if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else if (*p == '&')
			fputs("&amp;", out);
		else if (*p == '"')
			fputs("&quot;", out);
		else if (*p == '\'')
			fputs("&#39;", out);
		else if (*p < 0x20 || *p == 0x7f)
			fputs("&#xfffd;", out);
		else if ((k = wo_utf8_len(p, n)))
			fwrite(p, 1, k, out);
		else {
			fputs("&#xfffd;", out);
			k = 1;
		}
		p += k;
		n -= k;
	}
}

static void html(FILE *out, const char *s)
{
	html_n(out, s, SIZE_MAX);
}

static bool has(const struct wakeoff_wakeup *w, uint32_t bits)
{
	return (w->valid & bits) == bits;
}

/* 1, 2 or 5 times a power of ten, >= @raw. */
static double nice_step(double raw)
{
	double e, f;

	if (!(raw > 0))
		return 1;
	e = pow(10, floor(log10(raw)));
	f = raw / e;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}

/* A unit for @span ns: divisor and name. */
static double time_unit(double span, const char **name)
{
	if (span >= 2e9) {
		*name = "s";
		return 1e9;
	}
	if (span >= 2e6) {
		*name = "ms";
		return 1e6;
	}
	if (span >= 2e3) {
		*name = "&#181;s";
		return 1e3;
	}
	*name = "ns";
	return 1;
}

/* Time axis under a chart whose plot area ends at @y; x spans PW for t0..t1. */
static void time_axis(const struct plot *p, unsigned int y)
{
	double span = (double)(p->t1 - p->t0), div, step, v;
	const char *unit;
	FILE *out = p->out;

	if (span <= 0)
		span = 1;
	div = time_unit(span, &unit);
	step = nice_step(span / 10);
	fprintf(out, "<path class=\"axis\" d=\"M%d %u H%d", X0, y, X0 + PW);
	for (v = 0; v <= span * 1.0000001; v += step)
		fprintf(out, " M%.1f %u v5", X0 + v * PW / span, y);
	fputs("\"/>\n", out);
	for (v = 0; v <= span * 1.0000001; v += step)
		fprintf(out, "<text class=\"lab\" x=\"%.1f\" y=\"%u\" text-anchor=\"middle\">%g</text>\n",
			X0 + v * PW / span, y + 17, v / div);
	fprintf(out, "<text class=\"axl\" x=\"%d\" y=\"%u\" text-anchor=\"middle\">time since the first event (%s)</text>\n",
		X0 + PW / 2, y + 34, unit);
}

/* ---------------------------------------------------------------- timeline */

/* The timeline's grid: ncpu rows of cols cells. */
struct tl {
	unsigned int cols, row, h, y0;
	uint64_t span;
	double cw;		/* column width */
	unsigned char *val;	/* rq class per cell, 0: no sample */
	unsigned char *tick;	/* 1: local wakeup, 2: migrated, per cell */
	uint64_t *vts;		/* time of the sample in val */
	unsigned char *cur;	/* one row, samples carried forward */
};

/* Each wakeup into its cell: the latest rq sample and a tick. */
static void tl_fill(const struct plot *p, struct tl *g)
{
	const struct wo_trace *t = p->t;
	unsigned int col, cols = g->cols;
	size_t i;

	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		size_t cell;

		if (!has(w, WAKEOFF_V_WAKEUP) || w->target_cpu >= p->ncpu || w->ts_wakeup < p->t0)
			continue;
		col = (unsigned int)((double)(w->ts_wakeup - p->t0) * cols / g->span);
		cell = (size_t)w->target_cpu * cols + (col < cols ? col : cols - 1);
		g->tick[cell] |= p->wf_mig && (w->final_flags & p->wf_mig) ? 2 : 1;
		if ((w->valid & WAKEOFF_V_NR_RUNNING) &&
		    (!g->val[cell] || w->ts_wakeup >= g->vts[cell])) {
			g->val[cell] = (unsigned char)rq_class(w->rq_nr_running);
			g->vts[cell] = w->ts_wakeup;
		}
	}
}

/* One path per colour: a rectangle per run of equal columns of g->cur. */
static void tl_row_colours(FILE *out, const struct tl *g, unsigned int c, unsigned int y)
{
	unsigned int k, col, s, cols = g->cols, row = g->row;
	const unsigned char *cur = g->cur;

	for (k = 0; k < RQ_NCLS; k++) {
		bool any = false;

		for (col = 0; col < cols; col = s) {
			for (s = col; s < cols && cur[s] == cur[col]; s++)
				;
			if (cur[col] != k)
				continue;
			if (!any)
				fprintf(out, "<path fill=\"%s\" d=\"", rq_colour[k]);
			any = true;
			fprintf(out, "M%.2f %uh%.2fv%uh%.2fz", X0 + col * g->cw, y,
				(s - col) * g->cw, row > 2 ? row - 1 : row,
				-((double)(s - col) * g->cw));
		}
		if (any)
			fprintf(out, "\"><title>CPU %u: runqueue length %s</title></path>\n",
				c, rq_name[k]);
	}
}

/* The wakeup ticks of row @trow: one path for local, one for migrated. */
static void tl_row_ticks(FILE *out, const struct tl *g, const unsigned char *trow,
			 unsigned int y)
{
	unsigned int k, col, row = g->row;

	for (k = 1; k <= 2; k++) {
		bool any = false;

		for (col = 0; col < g->cols; col++) {
			if (!(trow[col] & k))
				continue;
			if (!any)
				fprintf(out, "<path class=\"%s\" d=\"", k == 1 ? "tick" : "tick mig");
			any = true;
			fprintf(out, "M%.2f %uv%u", X0 + (col + 0.5) * g->cw, y,
				row > 4 ? row / 3 : 1);
		}
		if (any)
			fputs("\"/>\n", out);
	}
}

static void tl_rows(const struct plot *p, struct tl *g)
{
	FILE *out = p->out;
	unsigned int c, col, cols = g->cols, row = g->row;

	for (c = 0; c < p->ncpu; c++) {
		unsigned int y = g->y0 + c * row, v = 0;
		const unsigned char *vrow = g->val + (size_t)c * cols;

		for (col = 0; col < cols; col++)
			g->cur[col] = (unsigned char)(v = vrow[col] ? vrow[col] : v);
		if (row >= 10 || c % (16 / row) == 0)
			fprintf(out, "<text class=\"lab\" x=\"%d\" y=\"%u\" text-anchor=\"end\">CPU %u</text>\n",
				X0 - 6, y + (row > 12 ? row - 6 : row), c);
		tl_row_colours(out, g, c, y);
		tl_row_ticks(out, g, g->tick + (size_t)c * cols, y);
	}
}

/* The colour scale under the timeline. */
static void tl_legend(FILE *out, unsigned int h)
{
	unsigned int k;

	for (k = 0; k < RQ_NCLS; k++) {
		unsigned int x = X0 + k * 80, y = h - 28;

		fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"14\" height=\"14\" fill=\"%s\" stroke=\"#999\"/><text class=\"lab\" x=\"%u\" y=\"%u\">%s</text>\n",
			x, y, rq_colour[k], x + 18, y + 11, rq_name[k]);
	}
	fprintf(out, "<text class=\"lab\" x=\"%d\" y=\"%u\" text-anchor=\"end\">runnable:</text>\n",
		X0 - 6, h - 17);
}

static void tl_intro(const struct plot *p, const struct tl *g)
{
	uint64_t span = g->span;
	unsigned int cols = g->cols;

	fputs("<section id=\"timeline\">\n<h2>Runqueue length per CPU over time</h2>\n", p->out);
	fprintf(p->out, "<p>Rows are CPUs, x is time.  The colour is the CPU's runqueue length (rq-&gt;nr_running of the target CPU, sampled at each sched_wakeup, the woken task included): each of the %u columns (%.3g %s wide) takes the latest sample in it and a column without one keeps the previous colour.  A tick on top of a row marks a column where a wakeup landed (dark: local, purple: WF_MIGRATED).%s</p>\n",
		cols, (double)span / cols / (span / cols >= 1000000 ? 1e6 : span / cols >= 1000 ? 1e3 : 1),
		span / cols >= 1000000 ? "ms" : span / cols >= 1000 ? "&#181;s" : "ns",
		p->cpus_cut ? "  CPUs above 1023 are not drawn." : "");
}

static void timeline(const struct plot *p)
{
	FILE *out = p->out;
	unsigned int ncpu = p->ncpu;
	struct tl g = { .y0 = 10, .span = p->t1 - p->t0 + 1 };
	size_t ncells;

	g.cols = TL_CELLS / ncpu;
	g.cols = g.cols > TL_COLS ? TL_COLS : g.cols < 100 ? 100 : g.cols;
	g.cw = (double)PW / g.cols;
	g.row = ncpu <= 16 ? 20 : ncpu <= 64 ? 10 : ncpu <= 256 ? 4 : 2;
	g.h = g.y0 + ncpu * g.row + 90;
	ncells = (size_t)ncpu * g.cols;
	g.val = calloc(ncells, 1);
	g.tick = calloc(ncells, 1);
	g.vts = calloc(ncells, sizeof(*g.vts));
	g.cur = calloc(g.cols, 1);

	tl_intro(p, &g);
	if (!g.val || !g.tick || !g.vts || !g.cur) {
		fputs("<p>out of memory</p>\n</section>\n", out);
		goto out;
	}
	tl_fill(p, &g);
	fprintf(out, "<svg id=\"timeline-svg\" shape-rendering=\"crispEdges\" width=\"%d\" height=\"%u\" role=\"img\" aria-label=\"runqueue length per CPU over time\">\n",
		X0 + PW + 20, g.h);
	tl_rows(p, &g);
	wo_plot_sched_marks(out, p->t, p->t0, g.span, g.y0, g.row, ncpu, X0, PW);
	time_axis(p, g.y0 + ncpu * g.row + 4);
	tl_legend(out, g.h);
	fputs("</svg>\n</section>\n", out);
out:
	free(g.val);
	free(g.tick);
	free(g.vts);
	free(g.cur);
}

/* -------------------------------------------------------------- histograms */

static const char *const metric_title[WO_RM_NR] = {
	"waking &#8594; wakeup", "wakeup &#8594; switch-in",
	"ttwu &#8594; first timekeeping read",
};
static const char *const metric_id[WO_RM_NR] = { "wake", "switch", "tk" };

/* The three deltas of a record; false where it lacks the timestamps. */
static bool delta(const struct wakeoff_wakeup *w, int m, uint64_t *d)
{
	uint64_t a, b;

	switch (m) {
	case WO_RM_WAKE:
		if (!has(w, WAKEOFF_V_WAKEUP))
			return false;
		a = w->ts_waking;
		b = w->ts_wakeup;
		break;
	case WO_RM_SWITCH:
		if (!has(w, WAKEOFF_V_WAKEUP | WAKEOFF_V_SWITCH))
			return false;
		a = w->ts_wakeup;
		b = w->ts_switch;
		break;
	default:
		if (!has(w, WAKEOFF_V_TKREAD))
			return false;
		a = w->ts_waking;
		b = w->ts_tkread;
		break;
	}
	*d = b > a ? b - a : 0;
	return true;
}

static void fmt_ns(char *buf, size_t len, uint64_t ns)
{
	wo_fmt_ns(buf, len, ns);
}

/* x of latency @v (ns, log scale over decades lo..hi). */
static double lx(double v, int lo, int hi)
{
	if (v < 1)
		v = 1;
	return X0 + (log10(v) - lo) * PW / (hi - lo);
}

/* Drawn range of bucket @b: [lower, upper + 1); value 0 drawn as [0.5, 1). */
static void bucket_range(unsigned int b, double *a, double *z)
{
	uint64_t lo = wakeoff_hist_lower(b);

	*a = lo ? (double)lo : 0.5;
	*z = b >= WAKEOFF_HIST_BUCKETS - 1 ? 2.0 * (double)lo :
	     (double)wakeoff_hist_upper(b) + 1;
}

/* A histogram chart's extent: buckets bmin..bmax, decades lo..hi. */
struct hx {
	unsigned int bmin, bmax, y0;
	int lo, hi;
};

/* The frame, the y axis and the log-x axis (decades labelled, 2..9 minor ticks). */
static void hist_axes(FILE *out, const struct hx *c)
{
	unsigned int b, y0 = c->y0;
	int d, lo = c->lo, hi = c->hi;
	double x;

	fprintf(out, "<path class=\"axis\" d=\"M%d %u V%u H%d\"/>\n", X0, y0, y0 + HIST_H, X0 + PW);
	fprintf(out, "<text class=\"lab\" x=\"%d\" y=\"%u\" text-anchor=\"end\">1</text><text class=\"lab\" x=\"%d\" y=\"%u\" text-anchor=\"end\">0</text>\n",
		X0 - 4, y0 + 4, X0 - 4, y0 + HIST_H);
	fprintf(out, "<text class=\"axl\" transform=\"translate(16 %u) rotate(-90)\" text-anchor=\"middle\">density (peak = 1)</text>\n",
		y0 + HIST_H / 2);
	fprintf(out, "<path class=\"grid\" d=\"");
	for (d = lo; d <= hi; d++)
		for (b = 1; b <= 9 && (d < hi || b == 1); b++) {
			x = lx(b * pow(10, d), lo, hi);
			fprintf(out, "M%.1f %u v%u", x, b == 1 ? y0 : y0 + HIST_H,
				b == 1 ? HIST_H + 6 : 4);
		}
	fputs("\"/>\n", out);
	for (d = lo; d <= hi; d++) {
		static const char *const u[] = { "ns", "&#181;s", "ms", "s" };
		int e = d < 0 ? 0 : d, ui = e / 3 > 3 ? 3 : e / 3;

		fprintf(out, "<text class=\"lab\" x=\"%.1f\" y=\"%u\" text-anchor=\"middle\">%g %s</text>\n",
			lx(pow(10, d), lo, hi), y0 + HIST_H + 18, pow(10, e - 3 * ui), u[ui]);
	}
	fprintf(out, "<text class=\"axl\" x=\"%d\" y=\"%u\" text-anchor=\"middle\">latency (log scale), log-linear buckets of the module</text>\n",
		X0 + PW / 2, y0 + HIST_H + 36);
}

/* Series @s: one path of bars (density scaled to its peak), p50 and p99 lines. */
static void hist_series(FILE *out, const struct hx *c, const struct wo_uhist *hh,
			unsigned int s)
{
	const char *col = series_colour[s % 9];
	unsigned int b, pi, y0 = c->y0;
	double a, z, peak = 0, dens, x;

	for (b = c->bmin; b <= c->bmax; b++) {
		bucket_range(b, &a, &z);
		dens = hh->b[b] / log2(z / a);
		peak = dens > peak ? dens : peak;
	}
	fprintf(out, "<path fill=\"%s\" fill-opacity=\"0.45\" stroke=\"%s\" stroke-width=\"0.6\" d=\"",
		col, col);
	for (b = c->bmin; b <= c->bmax; b++) {
		double x0, x1, bh;

		if (!hh->b[b])
			continue;
		bucket_range(b, &a, &z);
		bh = hh->b[b] / log2(z / a) / peak * HIST_H;
		x0 = lx(a, c->lo, c->hi);
		x1 = lx(z, c->lo, c->hi);
		fprintf(out, "M%.2f %uV%.2fH%.2fV%uz", x0, y0 + HIST_H,
			y0 + HIST_H - bh, x1 < x0 + 0.5 ? x0 + 0.5 : x1, y0 + HIST_H);
	}
	fputs("\"/>\n", out);
	for (pi = 0; pi < 2; pi++) {
		uint64_t v = wo_uhist_pct(hh, pi ? 99 : 50);

		x = lx((double)v, c->lo, c->hi);
		fprintf(out, "<path class=\"pct\" stroke=\"%s\" stroke-dasharray=\"%s\" d=\"M%.1f %u V%u\"/><text class=\"lab\" fill=\"%s\" x=\"%.1f\" y=\"%u\">p%u</text>\n",
			col, pi ? "1 2" : "5 3", x, y0, y0 + HIST_H, col, x + 2,
			y0 + 10 + 11 * ((2 * s + pi) % 6), pi ? 99 : 50);
	}
}

/* Legend: one line per series with its numbers. */
static void hist_legend(FILE *out, unsigned int y0, struct wo_uhist *const *h,
			const char *const *names, unsigned int ns)
{
	unsigned int s;

	for (s = 0; s < ns; s++) {
		const struct wo_uhist *hh = h[s];
		unsigned int y = y0 + HIST_H + 52 + 16 * s;
		char a50[32], a99[32], amax[32];

		fprintf(out, "<rect x=\"%d\" y=\"%u\" width=\"12\" height=\"12\" fill=\"%s\" fill-opacity=\"0.6\"/><text class=\"lab\" x=\"%d\" y=\"%u\">",
			X0, y - 10, series_colour[s % 9], X0 + 18, y);
		html(out, names[s]);
		if (hh->n) {
			fmt_ns(a50, sizeof(a50), wo_uhist_pct(hh, 50));
			fmt_ns(a99, sizeof(a99), wo_uhist_pct(hh, 99));
			fmt_ns(amax, sizeof(amax), hh->max);
			fprintf(out, ": %" PRIu64 " wakeups, p50 %s, p99 %s, max %s</text>\n",
				hh->n, a50, a99, amax);
		} else {
			fputs(": no samples</text>\n", out);
		}
	}
}

/* The lowest and highest bucket any series uses; false when all are empty. */
static bool hist_extent(struct wo_uhist *const *h, unsigned int ns, struct hx *c)
{
	unsigned int s, b;
	double a, z;

	c->bmin = WAKEOFF_HIST_BUCKETS;
	c->bmax = 0;
	for (s = 0; s < ns; s++)
		for (b = 0; b < WAKEOFF_HIST_BUCKETS; b++)
			if (h[s]->b[b]) {
				c->bmin = b < c->bmin ? b : c->bmin;
				c->bmax = b > c->bmax ? b : c->bmax;
			}
	if (c->bmin > c->bmax)
		return false;
	bucket_range(c->bmin, &a, &z);
	c->lo = (int)floor(log10(a < 1 ? 1 : a));
	bucket_range(c->bmax, &a, &z);
	c->hi = (int)ceil(log10(z));
	if (c->hi <= c->lo)
		c->hi = c->lo + 1;
	return true;
}

static void hist_chart(const struct plot *p, const char *id, const char *what,
		       struct wo_uhist *const *h, const char *const *names,
		       unsigned int ns)
{
	FILE *out = p->out;
	struct hx c = { .y0 = 14 };
	unsigned int s;

	fprintf(out, "<h3>%s%s</h3>\n", what, strncmp(id, "hist-run-", 9) ? "" : ", per run label");
	if (!hist_extent(h, ns, &c)) {
		fputs("<p>no samples</p>\n", out);
		return;
	}
	fprintf(out, "<svg id=\"%s\" class=\"chart\" width=\"%d\" height=\"%u\" role=\"img\">\n",
		id, X0 + PW + 20, c.y0 + HIST_H + 50 + 16 * ns);
	hist_axes(out, &c);
	for (s = 0; s < ns; s++)
		if (h[s]->n)
			hist_series(out, &c, h[s], s);
	hist_legend(out, c.y0, h, names, ns);
	fputs("</svg>\n", out);
}

struct lab {
	uint64_t run_id;
	const char *label;	/* NULL: none, shown as "run N" */
	size_t count;
	unsigned int group;
};

static int cmp_lab_id(const void *a, const void *b)
{
	const struct lab *x = a, *y = b;

	return (x->run_id > y->run_id) - (x->run_id < y->run_id);
}

static int cmp_u64p(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* By label (no label: by run id, after all labels). */
static int cmp_lab_label(const void *a, const void *b)
{
	const struct lab *x = a, *y = b;

	if (x->label && y->label)
		return strcmp(x->label, y->label);
	if (x->label || y->label)
		return x->label ? -1 : 1;
	return (x->run_id > y->run_id) - (x->run_id < y->run_id);
}

/* Biggest first; equal counts in label order. */
static int cmp_lab_count(const void *a, const void *b)
{
	const struct lab *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->group > y->group) - (x->group < y->group);
}

static bool same_label(const struct lab *x, const struct lab *y)
{
	if (!x->label || !y->label)
		return !x->label && !y->label && x->run_id == y->run_id;
	return !strcmp(x->label, y->label);
}

/* Run labels grouped for the histograms: one series per group. */
struct hgroups {
	struct lab *labs;	/* one per run id */
	size_t nids;
	struct lab *g;		/* one per distinct label */
	size_t ng;
	char **gname;		/* legend name per series */
	unsigned int nlab;	/* series (0: one label, no per-run charts) */
};

/* Distinct run ids, with their labels and wakeup counts. */
static int hg_runs(const struct wo_trace *t, struct hgroups *hg)
{
	uint64_t *ids = malloc((t->nwk ? t->nwk : 1) * sizeof(*ids));
	size_t i, nids = 0;

	if (!ids)
		return -1;
	for (i = 0; i < t->nwk; i++)
		ids[i] = t->wk[i].run_id;
	qsort(ids, t->nwk, sizeof(*ids), cmp_u64p);
	hg->labs = calloc(t->nwk ? t->nwk : 1, sizeof(*hg->labs));
	if (!hg->labs) {
		free(ids);
		return -1;
	}
	for (i = 0; i < t->nwk; i++) {
		struct lab *l = hg->labs;

		if (nids && l[nids - 1].run_id == ids[i]) {
			l[nids - 1].count++;
			continue;
		}
		l[nids].run_id = ids[i];
		l[nids].label = wo_trace_run_label(t, ids[i]);
		if (l[nids].label && !l[nids].label[0])
			l[nids].label = NULL;
		l[nids++].count = 1;
	}
	hg->nids = nids;
	free(ids);
	return 0;
}

/* Equal labels next to each other, then one group per label. */
static int hg_group(struct hgroups *hg)
{
	size_t i;

	qsort(hg->labs, hg->nids, sizeof(*hg->labs), cmp_lab_label);
	hg->g = calloc(hg->nids ? hg->nids : 1, sizeof(*hg->g));
	if (!hg->g)
		return -1;
	for (i = 0; i < hg->nids; i++) {
		if (!hg->ng || !same_label(&hg->g[hg->ng - 1], &hg->labs[i])) {
			hg->g[hg->ng] = hg->labs[i];
			hg->g[hg->ng].count = 0;
			hg->g[hg->ng].group = (unsigned int)hg->ng;
			hg->ng++;
		}
		hg->g[hg->ng - 1].count += hg->labs[i].count;
		hg->labs[i].group = (unsigned int)(hg->ng - 1);
	}
	return 0;
}

/* The legend name of group @s; NULL when out of memory. */
static char *hg_name(const struct hgroups *hg, unsigned int s)
{
	char *n = NULL;
	size_t len = 0;
	FILE *f;

	if (s == hg->nlab - 1 && hg->ng > hg->nlab)
		return strdup("other run labels");
	f = open_memstream(&n, &len);
	if (!f)
		return NULL;
	if (hg->g[s].label)
		fprintf(f, "run label \"%.*s\"", WAKEOFF_LABEL_LEN, hg->g[s].label);
	else
		fprintf(f, "run %" PRIu64 " (no label)", hg->g[s].run_id);
	if (fclose(f)) {
		free(n);
		n = NULL;
	}
	return n;
}

/* The HIST_LABELS biggest groups get a series, the rest "other". */
static int hg_rank(struct hgroups *hg)
{
	unsigned int *rank, s;
	size_t i;

	if (hg->ng <= 1)
		return 0;
	rank = calloc(hg->ng, sizeof(*rank));
	if (!rank)
		return -1;
	qsort(hg->g, hg->ng, sizeof(*hg->g), cmp_lab_count);
	for (i = 0; i < hg->ng; i++)
		rank[hg->g[i].group] = (unsigned int)i;
	hg->nlab = hg->ng > HIST_LABELS + 1 ? HIST_LABELS + 1 : (unsigned int)hg->ng;
	for (i = 0; i < hg->nids; i++) {
		unsigned int r = rank[hg->labs[i].group];

		hg->labs[i].group = r < hg->nlab ? r : hg->nlab - 1;
	}
	free(rank);
	hg->gname = calloc(hg->nlab, sizeof(*hg->gname));
	if (!hg->gname)
		return -1;
	for (s = 0; s < hg->nlab; s++)
		if (!(hg->gname[s] = hg_name(hg, s)))
			return -1;
	return 0;
}

/* Series 0/1: local/migrated; 2 + group: per run label. */
static void hg_fill(const struct plot *p, const struct hgroups *hg,
		    struct wo_uhist *h)
{
	const struct wo_trace *t = p->t;
	unsigned int m;
	size_t i;

	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		unsigned int cls = p->wf_mig && (w->final_flags & p->wf_mig) ? 1 : 0;
		struct lab key = { .run_id = w->run_id }, *l;
		uint64_t d;

		l = hg->nlab ? bsearch(&key, hg->labs, hg->nids, sizeof(*hg->labs),
				       cmp_lab_id) : NULL;
		for (m = 0; m < WO_RM_NR; m++) {
			if (!delta(w, (int)m, &d))
				continue;
			wo_uhist_add(&h[cls * WO_RM_NR + m], d);
			if (l)
				wo_uhist_add(&h[(2 + l->group) * WO_RM_NR + m], d);
		}
	}
}

static void hg_charts(const struct plot *p, const struct hgroups *hg,
		      struct wo_uhist *h)
{
	static const char *const cls_names[] = { "local", "migrated (WF_MIGRATED)" };
	unsigned int m, s;

	for (m = 0; m < WO_RM_NR; m++) {
		struct wo_uhist *hs[2 + HIST_LABELS + 1];
		char id[32];

		for (s = 0; s < 2; s++)
			hs[s] = &h[s * WO_RM_NR + m];
		snprintf(id, sizeof(id), "hist-%s", metric_id[m]);
		hist_chart(p, id, metric_title[m], hs, cls_names, 2);
		if (hg->nlab) {
			for (s = 0; s < hg->nlab; s++)
				hs[s] = &h[(2 + s) * WO_RM_NR + m];
			snprintf(id, sizeof(id), "hist-run-%s", metric_id[m]);
			hist_chart(p, id, metric_title[m], hs,
				   (const char *const *)hg->gname, hg->nlab);
		}
	}
}

static void histograms(const struct plot *p)
{
	struct hgroups hg = { 0 };
	struct wo_uhist *h = NULL;
	unsigned int s;
	int rc = -1;

	fputs("<section id=\"histograms\">\n<h2>Latency histograms</h2>\n"
	      "<p>Per delta, migrated (WF_MIGRATED in the final wake flags) vs local wakeups, and per run label when there are several.  Bars are the module's log-linear buckets (16 per power of two) on a log-x axis; the height is the density per unit of log-latency (count / bucket width in octaves), scaled to each series' peak, so shapes compare across series of different sizes (the counts are in the legend).  Dashed line: p50, dotted: p99, nearest rank on the buckets, exactly as the module reports them.</p>\n",
	      p->out);
	if (hg_runs(p->t, &hg) || hg_group(&hg) || hg_rank(&hg))
		goto out;
	qsort(hg.labs, hg.nids, sizeof(*hg.labs), cmp_lab_id);
	h = calloc((2 + hg.nlab) * WO_RM_NR, sizeof(*h));
	if (!h)
		goto out;
	hg_fill(p, &hg, h);
	hg_charts(p, &hg, h);
	rc = 0;
out:
	if (rc)
		fputs("<p>out of memory</p>\n", p->out);
	fputs("</section>\n", p->out);
	if (hg.gname)
		for (s = 0; s < hg.nlab; s++)
			free(hg.gname[s]);
	free(hg.gname);
	free(h);
	free(hg.g);
	free(hg.labs);
}

/* ------------------------------------------------------------------ offset */

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank, as everywhere in wakeoff: rank = ceil(p/100 * n). */
static int64_t pct_sorted(const int64_t *v, size_t n, unsigned int pct)
{
	return v[wakeoff_pct_rank(n, pct) - 1];
}

/* Signed ns in a unit: "+12.5 us". */
static void fmt_sns(char *buf, size_t len, double ns)
{
	double a = fabs(ns);

	if (a >= 1e9)
		snprintf(buf, len, "%+.6g s", ns / 1e9);
	else if (a >= 1e6)
		snprintf(buf, len, "%+.6g ms", ns / 1e6);
	else if (a >= 1e3)
		snprintf(buf, len, "%+.6g &#181;s", ns / 1e3);
	else
		snprintf(buf, len, "%+.6g ns", ns);
}

/* One function's offsets: sorted statistics and the drawn y range. */
struct oc {
	unsigned int f, y0;
	size_t n, k;		/* reads; every k-th is drawn */
	int64_t med, p1, p99, vmin, vmax;
	double lo, hi;		/* y range, deviation from the median (ns) */
};

/* y of deviation @d from the median. */
static double oc_y(const struct oc *c, double d)
{
	return c->y0 + SC_H - (d - c->lo) * SC_H / (c->hi - c->lo);
}

static void oc_stats(struct oc *c, int64_t *v, size_t n)
{
	double pad;

	qsort(v, n, sizeof(*v), cmp_s64);
	c->n = n;
	c->med = pct_sorted(v, n, 50);
	c->p1 = pct_sorted(v, n, 1);
	c->p99 = pct_sorted(v, n, 99);
	c->vmin = v[0];
	c->vmax = v[n - 1];
	/* In double: the differences of corrupt offsets overflow int64. */
	c->lo = (double)c->vmin - (double)c->med;
	c->hi = (double)c->vmax - (double)c->med;
	pad = (c->hi - c->lo) * 0.05;
	if (pad < 50)
		pad = 50;
	c->lo -= pad;
	c->hi += pad;
	c->k = n > SC_MAX ? (n + SC_MAX - 1) / SC_MAX : 1;
}

static void oc_heading(FILE *out, const struct oc *c, const char *fn)
{
	char a[48], b[48];

	fputs("<h3>", out);
	if (fn)
		html(out, fn);
	else
		fprintf(out, "function #%u", c->f);
	fmt_sns(a, sizeof(a), (double)c->p99 - (double)c->p1);
	fmt_sns(b, sizeof(b), (double)c->vmax - (double)c->vmin);
	fprintf(out, ": %zu reads, median offset %" PRId64 " ns (%.6f s), p99 &#8722; p1 %s, max &#8722; min %s</h3>\n",
		c->n, c->med, c->med / 1e9, a + (a[0] == '+'), b + (b[0] == '+'));
}

/* The p1..p99 band, the axes, the median line and the y grid. */
static void oc_frame(FILE *out, const struct oc *c)
{
	double p99 = (double)c->p99 - (double)c->med, p1 = (double)c->p1 - (double)c->med;
	double step, y;
	char lab[48];

	fprintf(out, "<rect class=\"band\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"><title>p1..p99 band</title></rect>\n",
		X0, oc_y(c, p99), PW, oc_y(c, p1) - oc_y(c, p99) + 0.5);
	fprintf(out, "<path class=\"axis\" d=\"M%d %u V%u H%d\"/>\n", X0, c->y0, c->y0 + SC_H, X0 + PW);
	fprintf(out, "<path class=\"median\" d=\"M%d %.1f H%d\"><title>median</title></path>\n",
		X0, oc_y(c, 0), X0 + PW);
	step = nice_step((c->hi - c->lo) / 6);
	fputs("<path class=\"grid\" d=\"", out);
	for (y = ceil(c->lo / step) * step; y <= c->hi; y += step)
		fprintf(out, "M%d %.1f h-5", X0, oc_y(c, y));
	fputs("\"/>\n", out);
	for (y = ceil(c->lo / step) * step; y <= c->hi; y += step) {
		fmt_sns(lab, sizeof(lab), fabs(y) < step / 1e6 ? 0 : y);
		fprintf(out, "<text class=\"lab\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			X0 - 7, oc_y(c, y) + 4, lab);
	}
	fprintf(out, "<text class=\"axl\" transform=\"translate(10 %u) rotate(-90)\" text-anchor=\"middle\">offset &#8722; median</text>\n",
		c->y0 + SC_H / 2);
}

/* Points: one path per class; every k-th read, plus min and max.  Returns how many. */
static size_t oc_points(const struct plot *p, const struct oc *c)
{
	const struct wo_trace *t = p->t;
	double span = (double)(p->t1 - p->t0);
	size_t i, seen, drawn = 0;
	unsigned int cls;

	if (span <= 0)
		span = 1;
	for (cls = 0; cls < 2; cls++) {
		bool any = false, min_done = false, max_done = false;

		seen = 0;
		for (i = 0; i < t->nwk; i++) {
			const struct wakeoff_wakeup *w = &t->wk[i];
			bool mig = p->wf_mig && (w->final_flags & p->wf_mig), keep;

			if (!has(w, WAKEOFF_V_TKREAD) || w->tk_func != c->f)
				continue;
			keep = seen++ % c->k == 0;
			if (!min_done && w->tk_offset == c->vmin)
				keep = min_done = true;
			if (!max_done && w->tk_offset == c->vmax)
				keep = max_done = true;
			if (!keep || mig != (cls == 1))
				continue;
			if (!any)
				fprintf(p->out, "<path fill=\"%s\" d=\"", series_colour[cls]);
			any = true;
			fprintf(p->out, "M%.1f %.1fh2.4v2.4h-2.4z",
				X0 + (double)(w->ts_tkread > p->t0 ? w->ts_tkread - p->t0 : 0) * PW / span - 1.2,
				oc_y(c, (double)w->tk_offset - (double)c->med) - 1.2);
			drawn++;
		}
		if (any)
			fprintf(p->out, "\"><title>%s reads</title></path>\n", cls ? "migrated" : "local");
	}
	return drawn;
}

static void oc_legend(FILE *out, unsigned int y0)
{
	fprintf(out, "<rect x=\"%d\" y=\"%u\" width=\"10\" height=\"10\" fill=\"%s\"/><text class=\"lab\" x=\"%d\" y=\"%u\">local</text>",
		X0 + PW - 300, y0 + SC_H + 42, series_colour[0], X0 + PW - 286, y0 + SC_H + 51);
	fprintf(out, "<rect x=\"%d\" y=\"%u\" width=\"10\" height=\"10\" fill=\"%s\"/><text class=\"lab\" x=\"%d\" y=\"%u\">migrated</text>",
		X0 + PW - 230, y0 + SC_H + 42, series_colour[1], X0 + PW - 216, y0 + SC_H + 51);
	fprintf(out, "<rect x=\"%d\" y=\"%u\" width=\"10\" height=\"10\" class=\"band\"/><text class=\"lab\" x=\"%d\" y=\"%u\">p1..p99</text>\n",
		X0 + PW - 140, y0 + SC_H + 42, X0 + PW - 126, y0 + SC_H + 51);
}

static void offset_chart(const struct plot *p, unsigned int f, int64_t *v, size_t n)
{
	FILE *out = p->out;
	struct oc c = { .f = f, .y0 = 10 };
	size_t drawn;

	oc_stats(&c, v, n);
	oc_heading(out, &c, wo_trace_tk_name(p->t, f));
	fprintf(out, "<svg id=\"offset-%u\" class=\"chart\" width=\"%d\" height=\"%u\" role=\"img\">\n",
		f, X0 + PW + 20, c.y0 + SC_H + 62);
	oc_frame(out, &c);
	drawn = oc_points(p, &c);
	time_axis(p, c.y0 + SC_H);
	oc_legend(out, c.y0);
	fputs("</svg>\n", out);
	if (c.k > 1)
		fprintf(out, "<p class=\"note\">%zu of %zu reads drawn: every %zu-th read in time order, plus the minimum and the maximum.</p>\n",
			drawn, n, c.k);
}

static void offsets(const struct plot *p)
{
	const struct wo_trace *t = p->t;
	FILE *out = p->out;
	int64_t *v = malloc((t->nwk ? t->nwk : 1) * sizeof(*v));
	unsigned int f, charts = 0;
	size_t i, n;

	fputs("<section id=\"offset\">\n<h2>Clock offset over time</h2>\n"
	      "<p>For each timekeeping function, the offset of the first read after each wakeup (the value read &#8722; local_clock() at the read), drawn as the deviation from the function's median; the shaded band is p1..p99, the line the median.  A constant offset is a flat line.</p>\n",
	      out);
	if (!v) {
		fputs("<p>out of memory</p>\n</section>\n", out);
		return;
	}
	for (f = 0; f < 256; f++) {
		for (n = 0, i = 0; i < t->nwk; i++)
			if (has(&t->wk[i], WAKEOFF_V_TKREAD) && t->wk[i].tk_func == f)
				v[n++] = t->wk[i].tk_offset;
		if (!n)
			continue;
		offset_chart(p, f, v, n);
		charts++;
	}
	if (!charts)
		fputs("<p>No timekeeping read in this recording.</p>\n", out);
	fputs("</section>\n", out);
	free(v);
}

/* -------------------------------------------------------------------- page */

static void meta_item(FILE *out, const struct wo_trace *t, const char *label,
		      const char *key)
{
	const char *v = wo_trace_meta(t, key);

	fprintf(out, "<li>%s: ", label);
	html(out, v ? v : "?");
	fputs("</li>\n", out);
}

/* What the page header counts. */
struct plot_counts {
	size_t nsw, ntk, nmig;
	unsigned int maxcpu;	/* highest CPU seen + 1 */
};

/* The time span p->t0..t1 of all records, the counts and the CPUs seen. */
static void plot_scan(struct plot *p, struct plot_counts *n)
{
	const struct wo_trace *t = p->t;
	size_t i;

	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		uint64_t lo = w->ts_waking, hi = w->ts_waking;

#define SPAN(ts) do { lo = (ts) < lo ? (ts) : lo; hi = (ts) > hi ? (ts) : hi; } while (0)
		if (has(w, WAKEOFF_V_WAKEUP)) {
			SPAN(w->ts_wakeup);
			n->maxcpu = w->target_cpu + 1U > n->maxcpu ? w->target_cpu + 1U : n->maxcpu;
		}
		if (has(w, WAKEOFF_V_SWITCH)) {
			SPAN(w->ts_switch);
			n->nsw++;
			n->maxcpu = w->run_cpu + 1U > n->maxcpu ? w->run_cpu + 1U : n->maxcpu;
		}
		if (has(w, WAKEOFF_V_TKREAD)) {
			SPAN(w->ts_tkread);
			n->ntk++;
		}
#undef SPAN
		n->maxcpu = w->waker_cpu + 1U > n->maxcpu ? w->waker_cpu + 1U : n->maxcpu;
		p->t0 = lo < p->t0 ? lo : p->t0;
		p->t1 = hi > p->t1 ? hi : p->t1;
		if (p->wf_mig && (w->final_flags & p->wf_mig))
			n->nmig++;
	}
	if (!t->nwk)
		p->t0 = p->t1 = 0;
}

/* Timeline rows: the CPUs online (meta cpus_online) or seen, at most TL_MAX_CPUS. */
static void plot_ncpu(struct plot *p, const char *on, unsigned int maxcpu)
{
	uint64_t online = 0;

	if (on && *on) {
		char *e;

		errno = 0;
		online = strtoull(on, &e, 10);
		if (errno || *e)
			online = 0;
	}
	p->ncpu = online > maxcpu && online <= TL_MAX_CPUS ? (unsigned int)online : maxcpu;
	if (p->ncpu > TL_MAX_CPUS) {
		p->ncpu = TL_MAX_CPUS;
		p->cpus_cut = true;
	}
	if (!p->ncpu)
		p->ncpu = 1;
}

static void page_title(FILE *out, const struct wo_trace *t, const char *title)
{
	if (title)
		html(out, title);
	else {
		fputs("wakeoff: ", out);
		html(out, t->path);
	}
}

/* From the doctype to the <h1>, with the style sheet. */
static void page_head(FILE *out, const struct wo_trace *t, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", out);
	page_title(out, t, title);
	fputs("</title>\n<style>\n"
	      "body{font:14px sans-serif;margin:20px;color:#222;max-width:1140px}\n"
	      "h1{font-size:22px}h2{border-bottom:1px solid #ccc;margin-top:28px}h3{font-size:15px;margin:14px 0 4px}\n"
	      "svg{display:block}\n.lab{font:11px sans-serif;fill:#333}\n.axl{font:12px sans-serif;fill:#111}\n"
	      ".axis{stroke:#444;fill:none}\n.grid{stroke:#bbb;fill:none}\n"
	      ".tick{stroke:#222;stroke-width:1;fill:none}\n.tick.mig{stroke:#8e24aa}\n"
	      ".pct{stroke-width:1.2;fill:none}\n.band{fill:#dbe9f6}\n.median{stroke:#333;stroke-width:1;fill:none}\n"
	      ".meta{columns:2;font-size:13px}\n.note{font-size:12px;color:#555}\n"
	      "</style></head><body>\n<h1>", out);
	page_title(out, t, title);
	fputs("</h1>\n", out);
}

/* The recording in one sentence, its metadata and the drawing limits. */
static void page_summary(const struct plot *p, const struct plot_counts *n, const char *on)
{
	const struct wo_trace *t = p->t;
	FILE *out = p->out;
	char a[32];

	fputs("<p>kernel ", out);
	html(out, wo_trace_meta(t, "kernel") ? wo_trace_meta(t, "kernel") : "?");
	fprintf(out, ", %s CPUs online (%u drawn), %zu wakeup records (%zu switched in, %zu with a timekeeping read, %zu WF_MIGRATED), %zu run records",
		on ? on : "?", p->ncpu, t->nwk, n->nsw, n->ntk, n->nmig, t->nruns);
	wo_fmt_ns(a, sizeof(a), p->t1 - p->t0);
	fprintf(out, ", spanning %s%s.</p>\n<ul class=\"meta\">\n", a,
		t->complete ? "" : "; <b>the recording did not end cleanly</b> (no ENDS chunk)");
	fputs("<li>file: ", out);
	html(out, t->path);
	fputs("</li>\n", out);
	meta_item(out, t, "clocksource", "clocksource");
	meta_item(out, t, "CPUs possible", "cpus_possible");
	meta_item(out, t, "module version", "module_version");
	meta_item(out, t, "record ABI", "record_abi");
	meta_item(out, t, "host", "host");
	meta_item(out, t, "recorded at", "recorded_at");
	fputs("</ul>\n", out);
	fprintf(out, "<p class=\"note\">Drawing limits, so that big recordings stay usable: the timeline has at most %d columns per CPU (at most %d cells in all) and rows for at most %d CPUs; every series is one SVG path; the offset plots draw at most about %d reads per function (every k-th, plus minimum and maximum).  Times are local_clock() nanoseconds from the first event.</p>\n",
		TL_COLS, TL_CELLS, TL_MAX_CPUS, SC_MAX);
}

int wo_plot_html(const struct wo_trace *t, FILE *out, const char *title)
{
	struct plot p = { .t = t, .out = out, .t0 = UINT64_MAX };
	struct plot_counts n = { 0 };
	const char *on = wo_trace_meta(t, "cpus_online");

	p.wf_mig = wo_trace_flag(t, "WF_MIGRATED");
	plot_scan(&p, &n);
	plot_ncpu(&p, on, n.maxcpu);
	page_head(out, t, title);
	page_summary(&p, &n, on);
	timeline(&p);
	histograms(&p);
	offsets(&p);
	fputs("</body></html>\n", out);
	return ferror(out) ? -1 : 0;
}
