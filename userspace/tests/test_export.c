// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of "export --perfetto" and "plot" on a fixture: JSON
 * syntax (python's parser when present, else a brace/quote balance),
 * event counts per phase, escaping of hostile comm bytes, and a page
 * that is well-formed, complete and fetches nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "fixture.h"

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s++;
	}
	return n;
}

static char *run(int (*fn)(const struct wo_trace *, FILE *), const struct wo_trace *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	if (fn(t, m))
		TAP_OK(0, "writer failed");
	fclose(m);
	return out;
}

static int python_json_ok(const char *s)
{
	FILE *p = popen("python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null", "w");

	if (!p)
		return -1;
	fputs(s, p);
	return pclose(p) == 0;
}

int main(void)
{
	struct wo_trace t;
	char err[256], *buf, *s;
	size_t len;
	int ok;

	printf("TAP version 13\n");
	buf = fx_build(40, &len);
	if (wo_trace_parse(buf, len, "fx.wo", &t, err, sizeof(err))) {
		printf("not ok 1 - fixture: %s\n1..1\n", err);
		return 1;
	}
	/* Hostile names: quotes, backslash, control and non-UTF-8 bytes. */
	memcpy(t.wk[3].comm, "a\"b\\c\n\x01\xff", 9);
	t.wk[4].valid &= ~(WAKEOFF_V_SWITCH | WAKEOFF_V_TKREAD);

	s = run(wo_export_perfetto, &t);
	ok = python_json_ok(s);
	TAP_OK(ok != 0, "perfetto output is valid JSON%s", ok < 0 ? " (python3 missing: not checked)" : "");
	TAP_OK(count(s, "\"ph\": \"s\"") == 39 && count(s, "\"ph\": \"f\"") == 39,
	       "a flow per switched-in wakeup (39 of 40)");
	TAP_OK(count(s, "\"ph\": \"i\"") == 39, "an instant per timekeeping read");
	TAP_OK(count(s, "\"ph\": \"C\"") == 40, "a runqueue counter per wakeup");
	TAP_OK(count(s, "\"ph\": \"b\"") == 39 && count(s, "\"ph\": \"e\"") == 39,
	       "runqueue waits open and close");
	TAP_OK(count(s, "\"thread_name\"") == 4, "a named track per CPU");
	TAP_OK(strstr(s, "a\\\"b\\\\c\\u000a\\u0001\\u00ff[") != NULL,
	       "comm bytes escaped");
	TAP_OK(strstr(s, "WF_SYNC|WF_MIGRATED") != NULL, "flags named with the file's table");
	free(s);

	s = run(wo_plot_html, &t);
	TAP_OK(strstr(s, "id=\"timeline\"") && strstr(s, "id=\"histograms\"") &&
	       strstr(s, "id=\"offset\""), "the three sections");
	TAP_OK(count(s, "<svg") == count(s, "</svg>") && count(s, "<section") ==
	       count(s, "</section>") && count(s, "<svg") >= 5,
	       "svg and section tags balance (%zu svgs)", count(s, "<svg"));
	TAP_OK(!strstr(s, "src=") && !strstr(s, "href=") && !strstr(s, "<script") &&
	       !strstr(s, "https:"), "nothing fetched, no script");
	TAP_OK(!strstr(s, "\xff") && !strstr(s, "a\"b"), "hostile bytes not copied into the page");
	TAP_OK(strstr(s, "ktime_get") == NULL && strstr(s, "__x64_sys_clock_gettime: 39 reads"),
	       "offset plot per function that has reads");
	free(s);

	wo_trace_free(&t);
	free(buf);
	buf = fx_build(0, &len);
	if (!wo_trace_parse(buf, len, "empty.wo", &t, err, sizeof(err))) {
		s = run(wo_export_perfetto, &t);
		TAP_OK(python_json_ok(s) != 0, "an empty recording exports valid JSON");
		free(s);
		s = run(wo_plot_html, &t);
		TAP_OK(strstr(s, "</html>") != NULL, "and plots");
		free(s);
		wo_trace_free(&t);
	}
	free(buf);
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
