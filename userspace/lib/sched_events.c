// SPDX-License-Identifier: GPL-2.0
/*
 * Sched event records (WAKEOFF_REC_SCHED_EVENT, ABI 1.5): kept in file
 * order by the reader, drawn as marks on the plot's timeline.
 */
#include <stdlib.h>
#include <string.h>

#include "sched_events.h"

static const char *const sev_names[WAKEOFF_SEV_NR] = {
	[WAKEOFF_SEV_MOVE_NUMA]		= "sched_move_numa",
	[WAKEOFF_SEV_SWAP_NUMA]		= "sched_swap_numa",
	[WAKEOFF_SEV_STICK_NUMA]	= "sched_stick_numa",
	[WAKEOFF_SEV_PI_SETPRIO]	= "sched_pi_setprio",
};

/* NUMA events orange, PI changes red: the legend says so. */
static const char *const sev_colour[WAKEOFF_SEV_NR] = {
	"#e08000", "#e08000", "#e08000", "#d01030",
};

const char *wo_sched_ev_name(unsigned int ev)
{
	return ev < WAKEOFF_SEV_NR ? sev_names[ev] : "?";
}

int wof_push_sched_event(struct wo_trace *t, const void *p, size_t size)
{
	struct wakeoff_sched_event *e;
	void *nv = realloc(t->sev, (t->nsev + 1) * sizeof(*t->sev));

	if (!nv)
		return -1;
	t->sev = nv;
	e = &t->sev[t->nsev++];
	memset(e, 0, sizeof(*e));
	memcpy(e, p, size < sizeof(*e) ? size : sizeof(*e));
	e->comm[WAKEOFF_COMM_LEN - 1] = '\0';
	return 0;
}

/* comm as SVG text: only characters that need no escaping. */
static void safe_comm(char *dst, const char *src)
{
	size_t i;

	for (i = 0; i < WAKEOFF_COMM_LEN - 1 && src[i]; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f && !strchr("<>&\"'", src[i])) ?
			 src[i] : '_';
	dst[i] = '\0';
}

static void mark(FILE *out, const struct wakeoff_sched_event *e, double x,
		 double y, double r)
{
	char comm[WAKEOFF_COMM_LEN];

	safe_comm(comm, e->comm);
	fprintf(out, "<path class=\"sev\" data-ev=\"%s\" fill=\"%s\" d=\"M%.2f %.2fl%.2f %.2fl%.2f %.2fl%.2f %.2fz\"><title>%s: %s pid %d",
		wo_sched_ev_name(e->event), sev_colour[e->event % WAKEOFF_SEV_NR],
		x, y - r, r, r, -r, r, -r, -r, wo_sched_ev_name(e->event), comm,
		e->pid);
	if (e->event == WAKEOFF_SEV_PI_SETPRIO)
		fprintf(out, ", prio %d to %d", e->old_prio, e->new_prio);
	else
		fprintf(out, ", CPU %u (node %d) to CPU %d (node %d)", e->src_cpu,
			e->src_nid, e->dst_cpu == 0xffff ? -1 : e->dst_cpu,
			e->dst_nid);
	fputs("</title></path>\n", out);
}

size_t wo_plot_sched_marks(FILE *out, const struct wo_trace *t, uint64_t t0,
			   uint64_t span, unsigned int y0, unsigned int row,
			   unsigned int ncpu, int x0, int width)
{
	double r = row > 8 ? row / 2.5 : 3;
	size_t i, n = 0;

	for (i = 0; i < t->nsev; i++) {
		const struct wakeoff_sched_event *e = &t->sev[i];

		if (e->event >= WAKEOFF_SEV_NR || e->hdr.cpu >= ncpu ||
		    e->ts < t0 || e->ts - t0 >= span)
			continue;
		mark(out, e, x0 + (double)(e->ts - t0) * width / span,
		     y0 + e->hdr.cpu * row + row / 2.0, r);
		n++;
	}
	if (t->nsev)
		fprintf(out, "<text class=\"lab\" x=\"%d\" y=\"%u\">&#9670; %zu of %zu NUMA (orange) and PI (red) events drawn</text>\n",
			x0, y0 + ncpu * row + 80, n, t->nsev);
	return n;
}
