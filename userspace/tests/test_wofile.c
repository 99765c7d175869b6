// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the record file parser: a clean round trip, every
 * truncation, corrupt and future-version files, forward compatibility,
 * and random mutations (run under ASan/UBSan by the Makefile).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static int parse(const char *buf, size_t len, struct wo_trace *t, char *err,
		 size_t errlen)
{
	return wo_trace_parse(buf, len, "fx.wo", t, err, errlen);
}

/* Offset of the first record of the first RECS chunk. */
static size_t first_recs(const char *buf, size_t len)
{
	size_t off = 8;

	while (off + 8 <= len) {
		uint32_t l;

		memcpy(&l, buf + off + 4, 4);
		if (!memcmp(buf + off, "RECS", 4))
			return off + 8;
		off += 8 + ((l + 7) & ~7U);
	}
	return 0;
}

static void test_round_trip(void)
{
	struct wo_trace t;
	char err[256], fl[128];
	size_t len, i;
	char *buf = fx_build(100, &len);
	int sorted = 1, rc;

	rc = parse(buf, len, &t, err, sizeof(err));
	TAP_OK(rc == 0, "a complete file parses (%s)", rc ? err : "ok");
	if (rc)
		return;
	TAP_OK(t.nwk == 100 && t.nruns == 1 && t.complete,
	       "100 wakeups, 1 run record, end chunk seen");
	TAP_OK(t.nflags == 5 && wo_trace_flag(&t, "WF_MIGRATED") == 0x20,
	       "the file's flag table is used");
	TAP_OK(t.ntk == 2 && !strcmp(wo_trace_tk_name(&t, 1), "ktime_get") &&
	       !wo_trace_tk_name(&t, 2), "tk_hooks by index, out of range is NULL");
	TAP_OK(t.nstacks == 2 && t.stacks[0].nframes == 2 &&
	       !strcmp(t.stacks[0].frames[0], "pipe_write+0x1/0x2") &&
	       wo_trace_stack(&t, 2) && !wo_trace_stack(&t, 3),
	       "stack clusters with their frames");
	for (i = 1; i < t.nwk; i++)
		sorted &= t.wk[i - 1].ts_waking <= t.wk[i].ts_waking;
	TAP_OK(sorted, "wakeups sorted by ts_waking");
	TAP_OK(!strcmp(wo_trace_meta(&t, "kernel"), "6.1.0-56-amd64") &&
	       !strcmp(wo_trace_run_label(&t, 1), "load"), "meta and run label");
	wo_trace_flags_str(&t, 0x30, fl, sizeof(fl));
	TAP_OK(!strcmp(fl, "WF_SYNC|WF_MIGRATED"), "flags 0x30 -> %s", fl);
	wo_trace_flags_str(&t, 0x1030, fl, sizeof(fl));
	TAP_OK(!strcmp(fl, "WF_SYNC|WF_MIGRATED|0x1000"), "unknown bits as hex: %s", fl);
	wo_trace_flags_str(&t, 0, fl, sizeof(fl));
	TAP_OK(!strcmp(fl, "0"), "no flags -> 0");
	wo_trace_flags_str(&t, 0x3e, fl, 8);
	TAP_OK(strlen(fl) < 8, "flag names truncate safely in a small buffer");
	TAP_OK(t.max_cpu == 4 && wo_summary_get(&t.counters, "cpu0.dropped"),
	       "CPUs seen and the counters chunk");
	wo_trace_free(&t);
	free(buf);
}

static void test_truncations(void)
{
	size_t len, cut, ok = 0, named = 0;
	char *buf = fx_build(20, &len);
	char err[256];

	for (cut = 0; cut < len; cut++) {
		struct wo_trace t;

		if (!parse(buf, cut, &t, err, sizeof(err))) {
			wo_trace_free(&t);
			continue;
		}
		ok++;
		named += !strncmp(err, "fx.wo: offset ", 14);
	}
	TAP_OK(ok == len, "every one of %zu truncations is rejected (%zu)", len, ok);
	TAP_OK(named == len, "every error names the file and an offset");
	free(buf);
}

static void test_corrupt(void)
{
	size_t len, rec;
	char *buf = fx_build(10, &len), *c = malloc(len), err[256], want[64];
	struct wo_trace t;
	uint32_t big = 0x7fffffff;
	int rc;

	memcpy(c, buf, len);
	c[7] = '2';
	rc = parse(c, len, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "format 2.x is newer") && strstr(err, "offset 7"),
	       "future file version: %s", err);

	memcpy(c, buf, len);
	memcpy(c + 12, &big, 4);
	rc = parse(c, len, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "corrupt") && strstr(err, "offset 8"),
	       "absurd chunk length: %s", err);

	rec = first_recs(buf, len);
	memcpy(c, buf, len);
	c[rec] ^= 0xff;
	rc = parse(c, len, &t, err, sizeof(err));
	snprintf(want, sizeof(want), "offset %zu: bad record magic", rec);
	TAP_OK(rc && strstr(err, want), "bad record magic at its offset: %s", err);

	memcpy(c, buf, len);
	c[rec + 2] = 2;
	rc = parse(c, len, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "record ABI 2.x"), "record ABI major 2: %s", err);

	memcpy(c, buf, len);
	c[rec + 4] = 12;	/* size not a multiple of 8 */
	c[rec + 5] = 0;
	rc = parse(c, len, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "record size 12 invalid"), "bad record size: %s", err);

	memcpy(c, buf, len);
	memcpy(c, "NOTWAKEO", 8);
	rc = parse(c, len, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "not a wakeoff record file"), "foreign file: %s", err);

	rc = parse(buf, len - 8, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "no end chunk"), "missing end chunk: %s", err);
	free(c);
	free(buf);
}

static void test_compat(void)
{
	struct wakeoff_wakeup w = fx_wakeup(1, 0, "old", 7);
	unsigned char unknown[24] = { 0 };
	struct wakeoff_rec_hdr h = w.hdr;
	struct fx_file f;
	struct wo_trace t;
	char *buf, err[256];
	size_t len;
	int rc;

	/* A 1.0 record: 208 bytes, no stack_id/rq_nr_running. */
	w.hdr.size = WOF_WAKEUP_MIN;
	h.type = 9;
	h.size = sizeof(unknown);
	memcpy(unknown, &h, sizeof(h));
	fx_open(&f);
	wof_write_chunk(f.fd, "META", fx_meta, strlen(fx_meta));
	wof_write_chunk(f.fd, "FLAG", fx_flags, strlen(fx_flags));
	wof_write_chunk(f.fd, "XTRA", "future", 6);
	wof_write_chunk(f.fd, "RECS", &w, WOF_WAKEUP_MIN);
	wof_write_chunk(f.fd, "RECS", unknown, sizeof(unknown));
	wof_write_chunk(f.fd, "ENDS", NULL, 0);
	buf = fx_close(&f, &len);
	rc = parse(buf, len, &t, err, sizeof(err));
	TAP_OK(rc == 0, "unknown chunk and record types are skipped (%s)", rc ? err : "ok");
	if (!rc) {
		TAP_OK(t.unknown_chunks == 1 && t.unknown_records == 1,
		       "and counted");
		TAP_OK(t.nwk == 1 && t.wk[0].stack_id == 0 &&
		       !(t.wk[0].valid & WAKEOFF_V_NR_RUNNING) &&
		       !strcmp(t.wk[0].comm, "old"),
		       "an ABI 1.0 record is widened with zeros");
		wo_trace_free(&t);
	}
	free(buf);

	fx_open(&f);
	wof_write_chunk(f.fd, "META", fx_meta, strlen(fx_meta));
	wof_write_chunk(f.fd, "ENDS", NULL, 0);
	wof_write_chunk(f.fd, "RECS", &w, WOF_WAKEUP_MIN);
	buf = fx_close(&f, &len);
	rc = parse(buf, len, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "after the end chunk"), "data after the end: %s", err);
	free(buf);

	fx_open(&f);
	wof_write_chunk(f.fd, "FLAG", "WF_SYNC 0x10\n", 13);
	buf = fx_close(&f, &len);
	rc = parse(buf, len, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "FLAG chunk") && strstr(err, "NAME: 0xVALUE"),
	       "malformed flag table: %s", err);
	free(buf);

	fx_open(&f);
	wof_write_chunk(f.fd, "META", "format: 2.0\n", 12);
	buf = fx_close(&f, &len);
	rc = parse(buf, len, &t, err, sizeof(err));
	TAP_OK(rc && strstr(err, "unsupported"), "META format 2.0: %s", err);
	free(buf);
}

static void test_mutations(void)
{
	size_t len, i, parsed = 0, rejected = 0, named = 0;
	char *buf = fx_build(12, &len), *c = malloc(len), err[256];
	const unsigned int iters = 20000;

	for (i = 0; i < iters; i++) {
		struct wo_trace t;
		size_t flips = 1 + fx_rnd() % 4, k, cut = len;

		memcpy(c, buf, len);
		for (k = 0; k < flips; k++)
			c[fx_rnd() % len] = (char)fx_rnd();
		if (fx_rnd() % 4 == 0)
			cut = fx_rnd() % len;
		if (!parse(c, cut, &t, err, sizeof(err))) {
			parsed++;
			wo_trace_free(&t);
		} else {
			rejected++;
			named += !strncmp(err, "fx.wo: offset ", 14);
		}
	}
	TAP_OK(parsed + rejected == iters,
	       "%u mutated files: %zu parsed, %zu rejected, no crash", iters,
	       parsed, rejected);
	TAP_OK(named == rejected, "every rejection names an offset");
	free(c);
	free(buf);
}

int main(void)
{
	printf("TAP version 13\n");
	test_round_trip();
	test_truncations();
	test_corrupt();
	test_compat();
	test_mutations();
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
