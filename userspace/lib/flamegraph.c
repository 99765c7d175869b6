// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff flamegraph FILE [--folded] [--wakers] [-o OUT]: an off-CPU
 * flame graph of a record file (see flamegraph.h).
 */
#include <stdlib.h>
#include <string.h>

#include "flamegraph.h"

#define FG_WIDTH	1200
#define FG_FRAME_H	16
#define FG_MIN_PX	0.1	/* narrower frames are not drawn */

/* A frame as folded stacks want it: no offset, no ';', no blank. */
static void fg_frame(char *dst, size_t len, const char *sym)
{
	size_t i = 0;
	const char *p;

	for (p = sym; *p && i + 1 < len; p++) {
		if (*p == '+' && p != sym)	/* "+0x6b/0x160 [mod]" */
			break;
		dst[i++] = (*p == ';' || *p == ' ') ? '_' : *p;
	}
	dst[i] = '\0';
	p = strstr(sym, " [");		/* a module's name */
	if (p && strchr(sym, '+') && i + strlen(p) < len) {
		strcat(dst, "_");
		strcat(dst, p + 1);
	}
}

struct fg_buf {
	char *p;
	size_t len, cap;
};

static int fg_add(struct fg_buf *b, const char *s, bool sep)
{
	size_t n = strlen(s) + 1;

	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap + n + 1) * 2;
		char *np = realloc(b->p, cap);

		if (!np)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	if (sep && b->len)
		b->p[b->len++] = ';';
	memcpy(b->p + b->len, s, n);
	b->len += n - 1;
	return 0;
}

static int fg_comm(struct fg_buf *b, const char *comm)
{
	char c[WAKEOFF_COMM_LEN + 1];

	memcpy(c, comm, WAKEOFF_COMM_LEN);
	c[WAKEOFF_COMM_LEN] = '\0';
	fg_frame(c, sizeof(c), c);
	return fg_add(b, c[0] ? c : "[unknown]", true);
}

/* @s's frames (innermost first in the file) in the order asked. */
static int fg_stack(struct fg_buf *b, const struct wo_stack *s, bool root_first)
{
	char f[256];
	size_t i, k;

	if (!s)
		return fg_add(b, "[no stack]", true);
	for (k = 0; k < s->nframes; k++) {
		i = root_first ? s->nframes - 1 - k : k;
		fg_frame(f, sizeof(f), s->frames[i]);
		if (fg_add(b, f, true))
			return -1;
	}
	return 0;
}

static int fg_line(const struct wo_trace *t, const struct wakeoff_wakeup *w,
		   bool wakers, struct fg_buf *b)
{
	b->len = 0;
	if (fg_comm(b, w->comm) ||
	    fg_stack(b, w->block_stack_id ?
		     wo_trace_ostack(t, w->block_stack_id) : NULL, true))
		return -1;
	if (!wakers)
		return 0;
	if (fg_add(b, "--", true) ||
	    fg_stack(b, w->stack_id ? wo_trace_stack(t, w->stack_id) : NULL,
		     false))
		return -1;
	return fg_comm(b, w->waker_comm);
}

static int fg_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wo_fold *)a)->stack,
		      ((const struct wo_fold *)b)->stack);
}

/* Sort and merge equal stacks. */
static void fg_merge(struct wo_folded *f)
{
	size_t i, n = 0;

	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), fg_cmp);
	for (i = 0; i < f->n; i++) {
		if (n && !strcmp(f->v[n - 1].stack, f->v[i].stack)) {
			f->v[n - 1].ns += f->v[i].ns;
			free(f->v[i].stack);
		} else {
			f->v[n++] = f->v[i];
		}
	}
	f->n = n;
}

int wo_folded_build(const struct wo_trace *t, bool wakers,
		    struct wo_folded *out)
{
	struct fg_buf b = { 0 };
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < t->nwk; i++) {
		const struct wakeoff_wakeup *w = &t->wk[i];
		struct wo_fold *nv;

		if (!(w->valid & WAKEOFF_V_OFFCPU))
			continue;
		if (fg_line(t, w, wakers, &b))
			goto oom;
		nv = realloc(out->v, (out->n + 1) * sizeof(*nv));
		if (!nv)
			goto oom;
		out->v = nv;
		nv[out->n].stack = strdup(b.p);
		if (!nv[out->n].stack)
			goto oom;
		nv[out->n].ns = wo_offcpu_ns(w);
		out->total_ns += nv[out->n++].ns;
	}
	free(b.p);
	fg_merge(out);
	return 0;
oom:
	free(b.p);
	wo_folded_free(out);
	return -1;
}

void wo_folded_free(struct wo_folded *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].stack);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

void wo_folded_write(FILE *out, const struct wo_folded *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		fprintf(out, "%s %llu\n", f->v[i].stack,
			(unsigned long long)f->v[i].ns);
}

static void fg_xml(FILE *out, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		switch (s[i]) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			fputc((unsigned char)s[i] < 0x20 ? '?' : s[i], out);
		}
	}
	if (s[i])
		fputs("..", out);
}

struct fg_svg {
	FILE *out;
	uint64_t total;
	unsigned int height;	/* px */
	unsigned int nrect;
};

/* One frame at @depth (0: the root) spanning [x0, x1) ns. */
static void fg_rect(struct fg_svg *g, const char *name, size_t depth,
		    uint64_t x0, uint64_t x1)
{
	double px = (double)x0 * FG_WIDTH / g->total;
	double w = (double)(x1 - x0) * FG_WIDTH / g->total;
	unsigned int h = 0, y = g->height - (unsigned int)(depth + 1) * FG_FRAME_H;
	const char *p;

	if (w < FG_MIN_PX)
		return;
	for (p = name; *p; p++)
		h = h * 31 + (unsigned char)*p;
	/* Blue shades: off-CPU, as Brendan Gregg's off-CPU graphs. */
	fprintf(g->out, "<g><title>");
	fg_xml(g->out, name, 512);
	fprintf(g->out, " (%.3f ms, %.2f%%)</title><rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"%u\" fill=\"rgb(%u,%u,%u)\" rx=\"2\"/>",
		(x1 - x0) / 1e6, 100.0 * (x1 - x0) / g->total, px, y, w,
		FG_FRAME_H - 1, 40 + h % 60, 110 + (h >> 8) % 80,
		200 + (h >> 16) % 55);
	if (w > 24) {
		fprintf(g->out, "<text x=\"%.2f\" y=\"%u\">", px + 3,
			y + FG_FRAME_H - 4);
		fg_xml(g->out, name, (size_t)((w - 6) / 7));
		fputs("</text>", g->out);
	}
	fputs("</g>\n", g->out);
	g->nrect++;
}

/* Split @s at ';' into @v (at most @max); returns the count. */
static size_t fg_split(char *s, char **v, size_t max)
{
	size_t n = 0;
	char *p = s;

	while (n < max) {
		v[n++] = p;
		p = strchr(p, ';');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

#define FG_DEPTH	64

static size_t fg_max_depth(const struct wo_folded *f)
{
	size_t i, d, m = 1;
	const char *p;

	for (i = 0; i < f->n; i++) {
		for (d = 2, p = f->v[i].stack; (p = strchr(p, ';')); p++)
			d++;
		m = d > m ? d : m;
	}
	return m > FG_DEPTH + 1 ? FG_DEPTH + 1 : m;
}

/*
 * flamegraph.pl's flow merge: the stacks are sorted, so a frame spans
 * the run of consecutive stacks that share the path to it.
 */
static void fg_frames(struct fg_svg *g, const struct wo_folded *f)
{
	char *prev[FG_DEPTH], *cur[FG_DEPTH], *pbuf = NULL, *cbuf;
	uint64_t start[FG_DEPTH], x = 0;
	size_t i, d, c, np = 0, nc;

	for (i = 0; i < f->n; i++) {
		cbuf = strdup(f->v[i].stack);
		if (!cbuf)
			break;
		nc = fg_split(cbuf, cur, FG_DEPTH);
		for (c = 0; c < np && c < nc && !strcmp(prev[c], cur[c]); c++)
			;
		for (d = np; d > c; d--)
			fg_rect(g, prev[d - 1], d, start[d - 1], x);
		for (d = c; d < nc; d++)
			start[d] = x;
		for (d = 0; d < nc; d++)
			prev[d] = cur[d];
		np = nc;
		free(pbuf);
		pbuf = cbuf;
		x += f->v[i].ns;
	}
	for (d = np; d > 0; d--)
		fg_rect(g, prev[d - 1], d, start[d - 1], x);
	free(pbuf);
}

void wo_flame_svg(FILE *out, const struct wo_folded *f, const char *title)
{
	struct fg_svg g = { out, f->total_ns, 0, 0 };
	unsigned int top = 40;

	g.height = top + (unsigned int)fg_max_depth(f) * FG_FRAME_H + 10;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"offcpu-flamegraph\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" font-family=\"monospace\" font-size=\"11\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#f8f8ff\"/>\n"
		"<text x=\"%u\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">",
		FG_WIDTH, g.height, FG_WIDTH, g.height, FG_WIDTH / 2);
	fg_xml(out, title, 200);
	fprintf(out, "</text>\n<text x=\"%u\" y=\"34\" text-anchor=\"middle\">width: off-CPU time, %.3f ms in all, %zu stacks</text>\n",
		FG_WIDTH / 2, f->total_ns / 1e6, f->n);
	if (f->total_ns) {
		g.height -= 10;
		fg_rect(&g, "all", 0, 0, f->total_ns);
		fg_frames(&g, f);
	}
	fputs("</svg>\n", out);
}
