// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the off-CPU flame graph: a file with known blocking
 * stacks folds into exactly the expected lines (root first, offsets and
 * module names cleaned, equal stacks merged), the counts sum to the
 * records' off-CPU time, a 1.3 record (no off-CPU fields) is left out,
 * and the SVG's frame widths are proportional to that time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "flamegraph.h"

static const char fx_ostacks[] =
	"cluster 1: count 2 offcpu_ns 30000000\n"
	"  __schedule+0x1/0x2\n  schedule+0x3/0x4\n  do_nanosleep+0x5/0x6\n"
	"  hrtimer_nanosleep+0x7/0x8\n"
	"cluster 2: count 1 offcpu_ns 5000000\n"
	"  __schedule+0x1/0x2\n  schedule+0x3/0x4\n  pipe_read+0x9/0xa\n"
	"  wo_test_fn+0x1/0x2 [wo_test]\n";

static struct wakeoff_wakeup oc_rec(unsigned int i, uint32_t stack,
				    uint64_t off_ns, const char *comm)
{
	struct wakeoff_wakeup w = fx_wakeup(i, 0, comm, 100);

	w.valid |= WAKEOFF_V_OFFCPU;
	w.ts_blocked = w.ts_waking - off_ns;
	w.block_stack_id = stack;
	w.block_class = WAKEOFF_BLOCK_INTERRUPTIBLE;
	w.block_state = 1;
	return w;
}

static char *build(size_t *len)
{
	struct wakeoff_wakeup w[5];
	struct fx_file f;

	w[0] = oc_rec(0, 1, 10000000, "sleeper");
	w[1] = oc_rec(1, 1, 20000000, "sleeper");
	w[2] = oc_rec(2, 2, 5000000, "reader");
	w[3] = oc_rec(3, 0, 1000, "reader");		/* no stack captured */
	w[4] = fx_wakeup(4, 0, "old", 100);		/* no off-CPU fields */
	if (fx_open(&f) ||
	    wof_write_chunk(f.fd, "META", fx_meta, strlen(fx_meta)) ||
	    wof_write_chunk(f.fd, "FLAG", fx_flags, strlen(fx_flags)) ||
	    wof_write_chunk(f.fd, "RECS", w, sizeof(w)) ||
	    wof_write_chunk(f.fd, "OSTK", fx_ostacks, strlen(fx_ostacks)) ||
	    wof_write_chunk(f.fd, "STCK", fx_stacks, strlen(fx_stacks)) ||
	    wof_write_chunk(f.fd, "ENDS", NULL, 0))
		return NULL;
	return fx_close(&f, len);
}

static void test_folded(const struct wo_trace *t)
{
	static const char want[] =
		"reader;[no stack] 1000\n"
		"reader;wo_test_fn_[wo_test];pipe_read;schedule;__schedule 5000000\n"
		"sleeper;hrtimer_nanosleep;do_nanosleep;schedule;__schedule 30000000\n";
	struct wo_folded f;
	char *got = NULL;
	size_t glen = 0, i;
	uint64_t sum = 0, rec = 0;
	FILE *m;

	TAP_OK(!wo_folded_build(t, false, &f), "folded stacks built");
	m = open_memstream(&got, &glen);
	wo_folded_write(m, &f);
	fclose(m);
	TAP_OK(!strcmp(got, want), "folded lines are the expected ones:\n%s", got);
	for (i = 0; i < f.n; i++)
		sum += f.v[i].ns;
	for (i = 0; i < t->nwk; i++)
		rec += wo_offcpu_ns(&t->wk[i]);
	TAP_OK(sum == rec && rec == 35001000 && f.total_ns == rec,
	       "counts sum to the records' off-CPU time (%llu == %llu)",
	       (unsigned long long)sum, (unsigned long long)rec);
	free(got);
	wo_folded_free(&f);

	TAP_OK(!wo_folded_build(t, true, &f), "folded with wakers built");
	for (i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].stack, "sleeper;hrtimer_nanosleep;do_nanosleep;schedule;__schedule;--;pipe_write;vfs_write;waker"))
			break;
	/* Records 0 and 1 differ in their waker stack (ids 1 and 2). */
	TAP_OK(f.n == 4 && i < f.n && f.v[i].ns == 10000000,
	       "waker stack follows '--', leaf first, then the waker (%zu lines)",
	       f.n);
	wo_folded_free(&f);
}

/* Width of the first <rect> whose title starts with @name. */
static double svg_width(const char *svg, const char *name)
{
	char key[128];
	const char *p;
	double w = -1;

	snprintf(key, sizeof(key), "<title>%s (", name);
	p = strstr(svg, key);
	if (p && (p = strstr(p, "width=\"")))
		sscanf(p, "width=\"%lf\"", &w);
	return w;
}

static void test_svg(const struct wo_trace *t)
{
	struct wo_folded f;
	char *svg = NULL;
	size_t len = 0;
	double all, dn, pr;
	FILE *m;

	wo_folded_build(t, false, &f);
	m = open_memstream(&svg, &len);
	wo_flame_svg(m, &f, "test <graph> & co");
	fclose(m);
	all = svg_width(svg, "all");
	dn = svg_width(svg, "do_nanosleep");
	pr = svg_width(svg, "pipe_read");
	TAP_OK(all > 1199 && all < 1201, "root spans the width (%.2f)", all);
	TAP_OK(dn > 0 && pr > 0 && dn / pr > 5.99 && dn / pr < 6.01,
	       "widths are proportional to off-CPU time (%.2f / %.2f)", dn, pr);
	TAP_OK(!strstr(svg, "<script") && !strstr(svg, "href") &&
	       strstr(svg, "test &lt;graph&gt; &amp; co"),
	       "self-contained, title escaped");
	TAP_OK(strstr(svg, "</svg>\n") && svg[len - 1] == '\n', "SVG closed");
	/* For the headless Chromium check (flamegraph-chromium.sh). */
	if (getenv("WO_FG_SVG")) {
		FILE *o = fopen(getenv("WO_FG_SVG"), "w");

		TAP_OK(o && fwrite(svg, 1, len, o) == len && !fclose(o),
		       "SVG written to %s", getenv("WO_FG_SVG"));
	}
	free(svg);
	wo_folded_free(&f);
}

int main(void)
{
	struct wo_trace t;
	char err[256], *buf;
	size_t len;

	printf("TAP version 13\n");
	buf = build(&len);
	TAP_OK(buf != NULL, "fixture file built");
	if (!buf || wo_trace_parse(buf, len, "fg.wo", &t, err, sizeof(err))) {
		TAP_OK(0, "parse: %s", buf ? err : "no file");
		printf("1..%d\n", tap_n);
		return 1;
	}
	TAP_OK(t.nostacks == 2 && t.nwk == 5, "OSTK chunk parsed (%zu clusters)",
	       t.nostacks);
	test_folded(&t);
	test_svg(&t);
	wo_trace_free(&t);
	free(buf);
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
