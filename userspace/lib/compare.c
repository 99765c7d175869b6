// SPDX-License-Identifier: GPL-2.0
/* wakeoff compare FILE...: the experiment's numbers side by side. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

static int load_one(const char *path, struct wo_cmp_row *row, char *err,
		    size_t errlen)
{
	struct wo_trace t;
	char why[512];
	int rc;

	/* The loader's messages already start with the file name. */
	if (wo_trace_load(path, &t, err, errlen))
		return -1;
	rc = wo_report_from_trace(&t, &row->r, why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "%s: %s", path, why);
	wo_trace_free(&t);
	row->file = rc ? NULL : strdup(path);
	if (!rc && !row->file) {
		snprintf(err, errlen, "%s: out of memory", path);
		wo_report_free(&row->r);
		return -1;
	}
	return rc;
}

int wo_compare_load(char *const *paths, size_t n, struct wo_cmp_row *rows,
		    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (load_one(paths[i], &rows[i], err, errlen)) {
			wo_compare_free(rows, i);
			return -1;
		}
	}
	return 0;
}

void wo_compare_free(struct wo_cmp_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].file);
		wo_report_free(&rows[i].r);
	}
}

/* Did class @name have a timekeeping read?  Without one its median is none, not 0. */
static bool class_has_tk(const struct wo_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncls; i++)
		if (!strcmp(r->cls[i].scope, "class") && !strcmp(r->cls[i].name, name))
			return r->cls[i].m[WO_RM_TK].count > 0;
	return false;
}

static const char *or_q(const char *s)
{
	return s && *s ? s : "?";
}

static void text_med(char *buf, size_t len, const struct wo_report *r,
		     const char *cls, uint64_t ns)
{
	if (class_has_tk(r, cls))
		wo_fmt_ns(buf, len, ns);
	else
		snprintf(buf, len, "-");
}

static void print_text_row(const struct wo_cmp_row *row, FILE *out)
{
	const struct wo_report *r = &row->r;
	char mig[32], loc[32];

	text_med(mig, sizeof(mig), r, "migrated", r->med_tk_migrated);
	text_med(loc, sizeof(loc), r, "local", r->med_tk_local);
	fprintf(out, "%-20s %-22s %4u %-10s %9" PRIu64 " %7.2f%% %12s %12s ",
		row->file, or_q(r->kernel), r->ncpus, or_q(r->clocksource),
		r->closed, r->migrated_pct, mig, loc);
	if (r->off_have)
		fprintf(out, "%s %" PRId64 " ns %s\n", r->off_func, r->off_median,
			r->off_stable ? "stable" : "NOT stable");
	else
		fputs("- (no timekeeping read)\n", out);
}

static void print_text(const struct wo_cmp_row *rows, size_t n, FILE *out)
{
	size_t i;

	fprintf(out, "%-20s %-22s %4s %-10s %9s %8s %12s %12s %s\n", "file",
		"kernel", "cpus", "clocksrc", "wakeups", "migrated",
		"tk migrated", "tk local", "offset: series median stability");
	for (i = 0; i < n; i++)
		print_text_row(&rows[i], out);
}

static void csv_med(FILE *out, const struct wo_report *r, const char *cls,
		    uint64_t ns)
{
	if (class_has_tk(r, cls))
		fprintf(out, ",%" PRIu64, ns);
	else
		fputc(',', out);
}

static void print_csv(const struct wo_cmp_row *rows, size_t n, FILE *out)
{
	size_t i;

	fputs("file,kernel,cpus,clocksource,wakeups_closed,wf_migrated_pct,"
	      "median_ttwu_to_tkread_ns_migrated,median_ttwu_to_tkread_ns_local,"
	      "offset_series,offset_median_ns,offset_stable\n", out);
	for (i = 0; i < n; i++) {
		const struct wo_report *r = &rows[i].r;

		wo_csv_str(out, rows[i].file);
		fputc(',', out);
		wo_csv_str(out, r->kernel);
		fprintf(out, ",%u,", r->ncpus);
		wo_csv_str(out, r->clocksource);
		fprintf(out, ",%" PRIu64 ",%.2f", r->closed, r->migrated_pct);
		csv_med(out, r, "migrated", r->med_tk_migrated);
		csv_med(out, r, "local", r->med_tk_local);
		fputc(',', out);
		if (r->off_have) {
			wo_csv_str(out, r->off_func);
			fprintf(out, ",%" PRId64 ",%s", r->off_median,
				r->off_stable ? "true" : "false");
		} else {
			fputs(",,", out);
		}
		fputc('\n', out);
	}
}

static void json_med(FILE *out, const struct wo_report *r, const char *cls,
		     uint64_t ns)
{
	if (class_has_tk(r, cls))
		fprintf(out, "%" PRIu64, ns);
	else
		fputs("null", out);
}

static void print_json_row(const struct wo_cmp_row *row, FILE *out)
{
	const struct wo_report *r = &row->r;

	fputs("{\"file\": ", out);
	wo_json_str(out, row->file);
	fputs(", \"kernel\": ", out);
	wo_json_str(out, r->kernel);
	fprintf(out, ", \"cpus\": %u, \"clocksource\": ", r->ncpus);
	wo_json_str(out, r->clocksource);
	fprintf(out, ", \"wakeups_closed\": %" PRIu64 ", \"wf_migrated_pct\": %.2f"
		", \"median_ttwu_to_tkread_ns\": {\"migrated\": ", r->closed,
		r->migrated_pct);
	json_med(out, r, "migrated", r->med_tk_migrated);
	fputs(", \"local\": ", out);
	json_med(out, r, "local", r->med_tk_local);
	fputs("}, \"offset\": ", out);
	if (r->off_have) {
		fputs("{\"series\": ", out);
		wo_json_str(out, r->off_func);
		fprintf(out, ", \"median_ns\": %" PRId64 ", \"stable\": %s}}",
			r->off_median, r->off_stable ? "true" : "false");
	} else {
		fputs("null}", out);
	}
}

static void print_json(const struct wo_cmp_row *rows, size_t n, FILE *out)
{
	size_t i;

	fputs("{\"files\": [", out);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		print_json_row(&rows[i], out);
	}
	fputs("\n]}\n", out);
}

void wo_compare_print(const struct wo_cmp_row *rows, size_t n,
		      enum wo_rformat fmt, FILE *out)
{
	if (fmt == WO_FMT_CSV)
		print_csv(rows, n, out);
	else if (fmt == WO_FMT_JSON)
		print_json(rows, n, out);
	else
		print_text(rows, n, out);
}
