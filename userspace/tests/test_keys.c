// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side test, TAP on stdout: the summary's key table
 * (module/uapi/wakeoff_keys.h) and README's summary key tables name the
 * same keys, in both directions, and every WAKEOFF_KEY_ define of the
 * header is in its list.  README's first cells are read as load_test
 * reads them: each `span`, a `.tail` span meaning the previous span with
 * its last component replaced, and a span cut at ':'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "../module/uapi/wakeoff_keys.h"
#include "tap_check.h"

static const char *const fixed[] = WAKEOFF_SUMMARY_KEYS;
static const char *const patterns[] = WAKEOFF_SUMMARY_PATTERNS;
#define NFIXED (sizeof(fixed) / sizeof(fixed[0]))
#define NLISTED (NFIXED + sizeof(patterns) / sizeof(patterns[0]))
static const char *listed[NLISTED];

static char *spans[512];
static size_t nspans;

static int in_list(const char *s, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* The spans of one table row's first cell into spans[]. */
static void cell_spans(const char *cell, size_t len, char *prev)
{
	const char *p = cell, *end = cell + len;
	char span[256];

	while ((p = memchr(p, '`', (size_t)(end - p))) != NULL) {
		const char *e = memchr(p + 1, '`', (size_t)(end - p - 1));
		size_t n;
		char *dot;

		if (!e)
			break;
		n = (size_t)(e - p - 1);
		if (n >= sizeof(span))
			n = sizeof(span) - 1;
		memcpy(span, p + 1, n);
		span[n] = '\0';
		p = e + 1;
		if (span[0] == '.' && (dot = strrchr(prev, '.'))) {
			*dot = '\0';
			strncat(prev, span, 255 - strlen(prev));
			snprintf(span, sizeof(span), "%s", prev);
		}
		snprintf(prev, 256, "%s", span);
		span[strcspn(span, ":")] = '\0';
		if (nspans < sizeof(spans) / sizeof(spans[0]))
			spans[nspans++] = strdup(span);
	}
}

/* README's summary tables: rows between "### summary" and "### control". */
static int readme_spans(void)
{
	char *buf, *l, *nl, prev[256] = "";
	size_t len;
	int on = 0;

	if (wo_read_file(WO_README, &buf, &len))
		return -1;
	for (l = buf; l && *l; l = nl ? nl + 1 : NULL) {
		char *sep;

		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(l, "### ", 4))
			on = !strncmp(l, "### summary", 11);
		if (!on || strncmp(l, "| `", 3))
			continue;
		sep = strstr(l, "` | ");
		if (sep)
			cell_spans(l + 2, (size_t)(sep + 1 - (l + 2)), prev);
	}
	free(buf);
	return 0;
}

/*
 * Every "#define WAKEOFF_KEY_x" of the header is in the list: its value,
 * as compiled here, is one of WAKEOFF_SUMMARY_KEYS.  The defines' values
 * come from the header's text (literal, or WAKEOFF_HEADLINE "literal").
 */
static void defines_listed(void)
{
	char *buf, *p;
	size_t len;
	long n = 0, missing = 0;

	if (wo_read_file(WO_KEYS_H, &buf, &len)) {
		CHECK(0, "read " WO_KEYS_H);
		return;
	}
	for (p = buf; (p = strstr(p, "#define WAKEOFF_KEY_")); n++) {
		char name[80], val[160], key[200];
		const char *q;

		p += strlen("#define ");
		if (sscanf(p, "%79[A-Z0-9_]", name) != 1)
			continue;
		q = strchr(p, '"');
		if (!q || sscanf(q, "\"%159[^\"]", val) != 1)
			continue;
		snprintf(key, sizeof(key), "%s%s",
			 strstr(p, "WAKEOFF_HEADLINE \"") &&
			 strstr(p, "WAKEOFF_HEADLINE \"") < q ? WAKEOFF_HEADLINE : "",
			 val);
		if (!in_list(key, fixed, NFIXED)) {
			printf("# %s (%s) is not in WAKEOFF_SUMMARY_KEYS\n", name, key);
			missing++;
		}
	}
	free(buf);
	CHECK(n > 50 && !missing, "every WAKEOFF_KEY_ define is in WAKEOFF_SUMMARY_KEYS");
}

int main(void)
{
	long missing = 0, extra = 0;
	size_t i;

	for (i = 0; i < NLISTED; i++)
		listed[i] = i < NFIXED ? fixed[i] : patterns[i - NFIXED];
	CHECK(!readme_spans() && nspans > 50, "README's summary key tables read");
	for (i = 0; i < NLISTED; i++) {
		if (!in_list(listed[i], (const char *const *)spans, nspans)) {
			printf("# in the header, not in README: %s\n", listed[i]);
			missing++;
		}
	}
	CHECK(!missing, "every key of the header is in README's tables");
	for (i = 0; i < nspans; i++) {
		if (!in_list(spans[i], listed, NLISTED)) {
			printf("# in README, not in the header: %s\n", spans[i]);
			extra++;
		}
	}
	CHECK(!extra, "every key of README's tables is in the header");
	printf("# %zu keys listed, %zu README spans\n", NLISTED, nspans);
	defines_listed();
	for (i = 0; i < nspans; i++)
		free(spans[i]);
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
