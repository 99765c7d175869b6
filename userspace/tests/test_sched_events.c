// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of sched event records (ABI 1.5): a file holding them
 * between wakeups parses (each kept, fields intact, a record cut to an
 * unknown future size still read), a record smaller than the 1.5 layout
 * is refused, and `wakeoff plot` draws one timeline mark per event inside
 * the recorded span, on its CPU's row, with the event named.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "export.h"
#include "sched_events.h"

#define NW	40

static struct wakeoff_sched_event sev(unsigned int i, uint8_t ev, uint16_t cpu,
				      uint64_t ts)
{
	struct wakeoff_sched_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.magic = WAKEOFF_REC_MAGIC;
	e.hdr.abi_major = WAKEOFF_ABI_MAJOR;
	e.hdr.type = WAKEOFF_REC_SCHED_EVENT;
	e.hdr.size = sizeof(e);
	e.hdr.cpu = cpu;
	e.hdr.seq = 1000 + i;
	e.ts = ts;
	e.pid = 500 + i;
	e.tgid = 500;
	strcpy(e.comm, i ? "lock<holder>" : "numa");
	e.event = ev;
	e.task_class = WAKEOFF_TCLASS_FAIR;
	e.src_cpu = cpu;
	e.dst_cpu = ev == WAKEOFF_SEV_PI_SETPRIO ? cpu : 0xffff;
	e.src_nid = 0;
	e.dst_nid = -1;
	e.old_prio = ev == WAKEOFF_SEV_PI_SETPRIO ? 120 : 0;
	e.new_prio = ev == WAKEOFF_SEV_PI_SETPRIO ? 89 : 0;
	e.other_pid = 7;
	return e;
}

/* Wakeups over 4 CPUs, three events inside their span, one after it. */
static char *build(size_t *len, struct wakeoff_sched_event *e)
{
	struct wakeoff_wakeup w[NW];
	struct fx_file f;
	unsigned int i;
	uint64_t first, last;

	for (i = 0; i < NW; i++)
		w[i] = fx_wakeup(i, i % 4, "pong", 100);
	first = w[0].ts_wakeup;
	last = w[NW - 1].ts_wakeup;
	e[0] = sev(0, WAKEOFF_SEV_STICK_NUMA, 1, first + (last - first) / 4);
	e[1] = sev(1, WAKEOFF_SEV_PI_SETPRIO, 2, first + (last - first) / 2);
	e[2] = sev(2, WAKEOFF_SEV_PI_SETPRIO, 3, first + (last - first) * 3 / 4);
	e[3] = sev(3, WAKEOFF_SEV_PI_SETPRIO, 0, last + 1000000000ULL);
	if (fx_open(&f) ||
	    wof_write_chunk(f.fd, "META", fx_meta, strlen(fx_meta)) ||
	    wof_write_chunk(f.fd, "FLAG", fx_flags, strlen(fx_flags)) ||
	    wof_write_chunk(f.fd, "RECS", w, NW / 2 * sizeof(*w)) ||
	    wof_write_chunk(f.fd, "RECS", e, 4 * sizeof(*e)) ||
	    wof_write_chunk(f.fd, "RECS", w + NW / 2, NW / 2 * sizeof(*w)) ||
	    wof_write_chunk(f.fd, "ENDS", NULL, 0))
		return NULL;
	return fx_close(&f, len);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

static void test_plot(const struct wo_trace *t)
{
	char *html = NULL;
	size_t hlen = 0;
	FILE *out = open_memstream(&html, &hlen);

	TAP_OK(out && !wo_plot_html(t, out, "sev") && !fclose(out),
	       "plot written");
	if (!html)
		return;
	TAP_OK(count(html, "class=\"sev\"") == 3,
	       "three marks, the event after the span left out (%zu)",
	       count(html, "class=\"sev\""));
	TAP_OK(count(html, "data-ev=\"sched_pi_setprio\"") == 2 &&
	       count(html, "data-ev=\"sched_stick_numa\"") == 1,
	       "marks named by their tracepoint");
	TAP_OK(strstr(html, "lock_holder_ pid 501, prio 120 to 89") != NULL,
	       "PI mark titled with comm (escaped), pid and priorities");
	TAP_OK(strstr(html, "3 of 4 NUMA") != NULL, "legend counts drawn marks");
	free(html);
}

int main(void)
{
	struct wakeoff_sched_event e[4], small;
	struct wo_trace t;
	char err[256], *buf;
	size_t len;

	printf("TAP version 13\n");
	buf = build(&len, e);
	TAP_OK(buf != NULL, "fixture file built");
	if (!buf || wo_trace_parse(buf, len, "sev.wo", &t, err, sizeof(err))) {
		TAP_OK(0, "parse: %s", buf ? err : "no file");
		printf("1..%d\n", tap_n);
		return 1;
	}
	TAP_OK(t.nsev == 4 && t.nwk == NW && t.unknown_records == 0,
	       "sched events kept, wakeups around them too (%zu, %zu)",
	       t.nsev, t.nwk);
	TAP_OK(t.nsev == 4 && !memcmp(&t.sev[1], &e[1], sizeof(e[1])),
	       "record read back byte for byte");
	test_plot(&t);
	wo_trace_free(&t);
	free(buf);
	small = e[0];
	small.hdr.size = WAKEOFF_SCHED_EVENT_SIZE - 8;
	TAP_OK(wakeoff_rec_check(&small, sizeof(small)) == WAKEOFF_REC_ETYPE_SIZE,
	       "a sched event record below the 1.5 layout is refused");
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
