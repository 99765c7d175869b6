// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the JSON string escaper (json.h), TAP on stdout:
 * the bytes rules one by one, then a record whose task name is UTF-8 cut
 * by the kernel mid-character, through report --json and the Perfetto
 * export: the JSON is valid and the name intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "fixture.h"
#include "json_check.h"
#include "report.h"

/* "wörker-日本語" is 17 bytes; the kernel keeps 15: 語 loses 2 of 3. */
#define UTF8_NAME	"w\xc3\xb6rker-\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"
#define UTF8_CUT_JSON	"\"w\xc3\xb6rker-\xe6\x97\xa5\xe6\x9c\xac\\ufffd\""

static char *escaped(const char *s, size_t max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	wo_json_strn(m, s, max);
	fclose(m);
	return buf;
}

static void check_esc(const char *in, size_t max, const char *want, const char *what)
{
	char *got = escaped(in, max);

	TAP_OK(!strcmp(got, want) && !json_check(got), "escape %s", what);
	if (strcmp(got, want))
		printf("# got %s, want %s\n", got, want);
	free(got);
}

static void test_rules(void)
{
	check_esc("plain", SIZE_MAX, "\"plain\"", "ASCII as is");
	check_esc("a\"b\\c/", SIZE_MAX, "\"a\\\"b\\\\c/\"", "quote and backslash");
	check_esc("\n\x01\x1f\x7f", SIZE_MAX, "\"\\u000a\\u0001\\u001f\\u007f\"",
		  "control bytes and DEL as \\u00XX");
	check_esc("\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80", SIZE_MAX,
		  "\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\"", "2-, 3-, 4-byte UTF-8 kept");
	check_esc("a\xff" "b\x80", SIZE_MAX, "\"a\\ufffdb\\ufffd\"",
		  "stray bytes: one U+FFFD each");
	check_esc("\xc0\xaf\xed\xa0\x80", SIZE_MAX,
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"",
		  "overlong form and surrogate rejected byte by byte");
	check_esc(UTF8_NAME, 15, UTF8_CUT_JSON,
		  "a character cut at the end: one U+FFFD for its 1 byte");
	check_esc("x\xf0\x9f\x98", SIZE_MAX, "\"x\\ufffd\"",
		  "a 4-byte character cut after 3: one U+FFFD");
	check_esc(NULL, SIZE_MAX, "\"\"", "NULL as empty string");
}

static int parse_fixture(struct wo_trace *t)
{
	struct wakeoff_wakeup w[4];
	char err[256], *buf;
	size_t len;
	unsigned int i;
	int rc;

	for (i = 0; i < 4; i++)
		w[i] = fx_wakeup(i, i % 2, "x", 300);
	memcpy(w[1].comm, UTF8_NAME, 15);	/* as the kernel cuts it */
	w[1].comm[15] = 0;
	w[1].pid = w[1].tgid = 301;		/* a task of its own */
	buf = fx_build_from(fx_meta, fx_flags, w, 4, &len);
	rc = buf ? wo_trace_parse(buf, len, "utf8.wo", t, err, sizeof(err)) : -1;
	if (rc)
		printf("# %s\n", buf ? err : "fixture not written");
	free(buf);
	return rc;
}

static char *report_json(const struct wo_trace *t)
{
	struct wo_report r;
	char err[256], *out = NULL;
	size_t len = 0;
	FILE *m;

	if (wo_report_from_trace(t, &r, err, sizeof(err)))
		return NULL;
	m = open_memstream(&out, &len);
	wo_report_print(&r, WO_FMT_JSON, 0, m);
	fclose(m);
	wo_report_free(&r);
	return out;
}

static char *perfetto(const struct wo_trace *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	wo_export_perfetto(t, m);
	fclose(m);
	return out;
}

static void test_record(void)
{
	struct wo_trace t;
	char *s;

	if (parse_fixture(&t)) {
		TAP_OK(0, "UTF-8 fixture parses");
		return;
	}
	s = report_json(&t);
	TAP_OK(s && !json_check(s), "report --json of a UTF-8 comm is valid JSON");
	TAP_OK(s && strstr(s, "\"comm\": " UTF8_CUT_JSON),
	       "report --json keeps the UTF-8 name, the cut character as \\ufffd");
	free(s);
	s = perfetto(&t);
	TAP_OK(s && !json_check(s), "Perfetto export of a UTF-8 comm is valid JSON");
	TAP_OK(s && strstr(s, "\"name\":\"wake w\xc3\xb6rker-\xe6\x97\xa5\xe6\x9c\xac\\ufffd[301]\""),
	       "Perfetto export keeps the UTF-8 name");
	free(s);
	wo_trace_free(&t);
}

int main(void)
{
	printf("TAP version 13\n");
	test_rules();
	test_record();
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
