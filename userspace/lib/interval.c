// SPDX-License-Identifier: GPL-2.0
/*
 * The interval view's model: two readings of the summary subtracted.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "interval.h"
#include "json.h"
#include "../../module/uapi/wakeoff_keys.h"

static const char *const fixed[] = { "all", "migrated", "local", "other" };

/* One reading, reduced to what an interval needs. */
struct iv_raw {
	uint64_t wakeups, closed, dropped, untracked;
	struct wo_ivclass *cls;
	size_t ncls;
	struct wo_uhist neg, pos;
};

static uint64_t get0(const struct wo_summary *s, const char *key)
{
	uint64_t v;

	return wo_summary_get_u64(s, key, &v) ? 0 : v;
}

int wo_iv_buckets(const char *v, struct wo_uhist *h)
{
	memset(h, 0, sizeof(*h));
	if (!v)
		return -1;
	if (!strcmp(v, "none"))
		return 0;
	while (*v) {
		unsigned long long i, c;
		char *end;

		if (*v == ' ') {
			v++;
			continue;
		}
		i = strtoull(v, &end, 10);
		if (end == v || *end != ':' || i >= WAKEOFF_HIST_BUCKETS)
			return -1;
		v = end + 1;
		c = strtoull(v, &end, 10);
		if (end == v || (*end && *end != ' ') || c > UINT32_MAX)
			return -1;
		v = end;
		h->b[i] = c;
		h->n += c;
	}
	return 0;
}

/* Class @key ("class.all") of @s into @c; -1 if a bucket line is bad. */
static int iv_class(const struct wo_summary *s, const char *scope,
		    const char *key, const char *name, struct wo_ivclass *c)
{
	char k[160];
	int m;

	memset(c, 0, sizeof(*c));
	snprintf(c->scope, sizeof(c->scope), "%s", scope);
	snprintf(c->key, sizeof(c->key), "%s", key);
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(k, sizeof(k), "%s.count", key);
	c->count = get0(s, k);
	for (m = 0; m < WO_RM_NR; m++) {
		snprintf(k, sizeof(k), "%s.%s.buckets", key, wo_metric_names[m]);
		if (wo_iv_buckets(wo_summary_get(s, k), &c->h[m]))
			return -1;
	}
	return 0;
}

static int iv_add_class(struct iv_raw *o, const struct wo_ivclass *c)
{
	struct wo_ivclass *n = realloc(o->cls, (o->ncls + 1) * sizeof(*n));

	if (!n)
		return -1;
	o->cls = n;
	o->cls[o->ncls++] = *c;
	return 0;
}

static void iv_offsets(const struct wo_summary *s, const char *series,
		       struct iv_raw *o)
{
	struct wo_uhist h;
	char k[256];
	unsigned int i;
	int mig, side;

	for (mig = 0; *series && mig < 2; mig++) {
		for (side = 0; side < 2; side++) {
			struct wo_uhist *dst = side ? &o->pos : &o->neg;

			snprintf(k, sizeof(k), "offset.%s.%s.%s_buckets",
				 mig ? "migrated" : "local", series,
				 side ? "pos" : "neg");
			/* No line: the class has no read of this series. */
			if (wo_iv_buckets(wo_summary_get(s, k), &h))
				continue;
			for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++)
				dst->b[i] += h.b[i];
			dst->n += h.n;
		}
	}
}

static int iv_read(const struct wo_summary *s, const char *series,
		   struct iv_raw *o, char *err, size_t errlen)
{
	struct wo_ivclass c;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->wakeups = get0(s, WAKEOFF_KEY_WAKEUPS);
	o->closed = get0(s, WAKEOFF_KEY_WAKEUPS_CLOSED);
	o->dropped = get0(s, WAKEOFF_KEY_DROPPED_FULL) +
		     get0(s, WAKEOFF_KEY_DROPPED_NESTED);
	o->untracked = get0(s, WAKEOFF_KEY_UNTRACKED_FULL) +
		       get0(s, WAKEOFF_KEY_UNTRACKED_BUSY);
	for (i = 0; i < 4; i++) {
		char key[32];

		snprintf(key, sizeof(key), "class.%s", fixed[i]);
		if (iv_class(s, "class", key, fixed[i], &c))
			goto bad;
		if (iv_add_class(o, &c))
			goto oom;
	}
	for (i = 0; i < s->n; i++) {
		const char *k = s->kv[i].key;
		unsigned int fv;
		char key[32];
		int used = 0;

		if (sscanf(k, "flags.0x%x.name%n", &fv, &used) != 1 || k[used])
			continue;
		snprintf(key, sizeof(key), "flags.0x%x", fv);
		if (iv_class(s, "flags", key, s->kv[i].value, &c))
			goto bad;
		if (iv_add_class(o, &c))
			goto oom;
	}
	iv_offsets(s, series, o);
	return 0;
oom:
	free(o->cls);
	o->cls = NULL;
	snprintf(err, errlen, "out of memory");
	return -1;
bad:
	free(o->cls);
	o->cls = NULL;
	snprintf(err, errlen, "the summary has no valid %s.*.buckets lines (a module older than the interval view?)",
		 c.key);
	return -1;
}

static const struct wo_ivclass *iv_find(const struct iv_raw *r,
					const char *key)
{
	size_t i;

	for (i = 0; i < r->ncls; i++)
		if (!strcmp(r->cls[i].key, key))
			return &r->cls[i];
	return NULL;
}

/* @d = @c - @p bucket by bucket; counts are u32 in the module, so wrap. */
static void iv_hsub(struct wo_uhist *d, const struct wo_uhist *c,
		    const struct wo_uhist *p)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < WAKEOFF_HIST_BUCKETS; i++) {
		d->b[i] = (uint32_t)(c->b[i] - (p ? p->b[i] : 0));
		d->n += d->b[i];
		/* The exact max is not in the buckets: the bucket's bound. */
		if (d->b[i])
			d->max = wakeoff_hist_upper(i);
	}
}

static bool iv_went_back(const struct iv_raw *p, const struct iv_raw *c)
{
	size_t i;

	if (c->wakeups < p->wakeups || c->closed < p->closed ||
	    c->dropped < p->dropped || c->untracked < p->untracked)
		return true;
	for (i = 0; i < p->ncls; i++) {
		const struct wo_ivclass *cc = iv_find(c, p->cls[i].key);

		if (!cc || cc->count < p->cls[i].count)
			return true;
	}
	return false;
}

static int iv_sub(struct wo_ivdelta *d, const struct iv_raw *p,
		  const struct iv_raw *c)
{
	size_t i;
	int m;

	d->wakeups = c->wakeups - p->wakeups;
	d->closed = c->closed - p->closed;
	d->dropped = c->dropped - p->dropped;
	d->untracked = c->untracked - p->untracked;
	d->cls = calloc(c->ncls ? c->ncls : 1, sizeof(*d->cls));
	if (!d->cls)
		return -1;
	d->ncls = c->ncls;
	for (i = 0; i < c->ncls; i++) {
		const struct wo_ivclass *pc = iv_find(p, c->cls[i].key);

		d->cls[i] = c->cls[i];
		d->cls[i].count -= pc ? pc->count : 0;
		for (m = 0; m < WO_RM_NR; m++)
			iv_hsub(&d->cls[i].h[m], &c->cls[i].h[m],
				pc ? &pc->h[m] : NULL);
	}
	iv_hsub(&d->off_neg, &c->neg, &p->neg);
	iv_hsub(&d->off_pos, &c->pos, &p->pos);
	return 0;
}

int wo_iv_delta(const struct wo_summary *prev, const struct wo_summary *cur,
		struct wo_ivdelta *d, char *err, size_t errlen)
{
	struct iv_raw p, c;
	int rc;

	memset(d, 0, sizeof(*d));
	wo_summary_offset_series(cur, d->series, sizeof(d->series));
	if (iv_read(cur, d->series, &c, err, errlen))
		return -1;
	memset(&p, 0, sizeof(p));
	if (prev && iv_read(prev, d->series, &p, err, errlen)) {
		free(c.cls);
		return -1;
	}
	if (prev && iv_went_back(&p, &c)) {
		d->reset = true;
		free(p.cls);
		memset(&p, 0, sizeof(p));
	}
	rc = iv_sub(d, &p, &c);
	free(p.cls);
	free(c.cls);
	if (rc)
		snprintf(err, errlen, "out of memory");
	return rc;
}

void wo_iv_free(struct wo_ivdelta *d)
{
	free(d->cls);
	d->cls = NULL;
	d->ncls = 0;
}

/* The module's wo_shist_pct(): the most negative values come first. */
int64_t wo_iv_spct(const struct wo_uhist *neg, const struct wo_uhist *pos,
		   unsigned int pct)
{
	uint64_t n = neg->n + pos->n, rank, seen = 0;
	int i;

	if (!n)
		return 0;
	rank = wakeoff_pct_rank(n, pct);
	if (rank <= neg->n) {
		for (i = WAKEOFF_HIST_BUCKETS - 1; i >= 0; i--) {
			seen += neg->b[i];
			if (seen >= rank)
				return -(int64_t)wakeoff_hist_upper(i);
		}
	}
	rank -= neg->n;
	seen = 0;
	for (i = 0; i < (int)WAKEOFF_HIST_BUCKETS; i++) {
		seen += pos->b[i];
		if (seen >= rank)
			return (int64_t)wakeoff_hist_upper(i);
	}
	return 0;
}

void wo_iv_stat(const struct wo_ivdelta *d, struct wo_ivstat *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < d->ncls; i++) {
		const struct wo_ivclass *c = &d->cls[i];
		const struct wo_uhist *tk = &c->h[WO_RM_TK];

		if (strcmp(c->scope, "class"))
			continue;
		if (!strcmp(c->name, "migrated")) {
			st->migrated = c->count;
			st->have_tk_migrated = tk->n;
			st->med_tk_migrated = wo_uhist_pct(tk, 50);
		} else if (!strcmp(c->name, "local")) {
			st->have_tk_local = tk->n;
			st->med_tk_local = wo_uhist_pct(tk, 50);
		}
	}
	/* The share of the headline: migrated / all closed, same classes. */
	for (i = 0; i < d->ncls; i++)
		if (!strcmp(d->cls[i].key, "class.all") && d->cls[i].count)
			st->migrated_pct = 100.0 * st->migrated / d->cls[i].count;
	st->off_have = d->series[0] && d->off_neg.n + d->off_pos.n;
	if (st->off_have) {
		st->off_p1_p99 = wo_iv_spct(&d->off_neg, &d->off_pos, 99) -
				 wo_iv_spct(&d->off_neg, &d->off_pos, 1);
		st->off_stable = st->off_p1_p99 <= WO_OFFSET_STABLE_NS;
	}
}

/* Fixed classes always, "other" and flag classes when they had wakeups. */
static bool iv_shown(const struct wo_ivclass *c)
{
	return c->count || (!strcmp(c->scope, "class") &&
			    strcmp(c->name, "other"));
}

static void iv_text_head(FILE *out, const char *stamp, double secs,
			 const struct wo_ivdelta *d,
			 const struct wo_ivstat *st)
{
	char a[32], b[32];

	fprintf(out, "%s  %.1f s%s: wakeups %" PRIu64 ", closed %" PRIu64
		", dropped %" PRIu64 ", untracked %" PRIu64
		", WF_MIGRATED %.2f %%\n", stamp, secs,
		d->reset ? " (module reset meanwhile)" : "", d->wakeups,
		d->closed, d->dropped, d->untracked, st->migrated_pct);
	wo_fmt_ns(a, sizeof(a), st->med_tk_migrated);
	wo_fmt_ns(b, sizeof(b), st->med_tk_local);
	fprintf(out, "  median ttwu->tkread   migrated %s, local %s\n",
		st->have_tk_migrated ? a : "- (no read)",
		st->have_tk_local ? b : "- (no read)");
	if (st->off_have) {
		wo_fmt_ns(a, sizeof(a), (uint64_t)st->off_p1_p99);
		fprintf(out, "  clock offset (%s)  p99-p1 %s: %s\n", d->series,
			a, st->off_stable ? "constant (p99-p1 <= 1 ms)" :
					    "NOT constant (p99-p1 > 1 ms)");
	} else {
		fprintf(out, "  clock offset          no timekeeping read in the interval\n");
	}
}

void wo_iv_print_text(FILE *out, const char *stamp, double secs,
		      const struct wo_ivdelta *d)
{
	static const char *const mshort[WO_RM_NR] = {
		"waking->wakeup", "wakeup->switch", "ttwu->tkread",
	};
	char p[3][32];
	struct wo_ivstat st;
	size_t i;
	int m, k;

	wo_iv_stat(d, &st);
	iv_text_head(out, stamp, secs, d, &st);
	fprintf(out, "  %-6s %-24s %-15s %8s %10s %10s %10s\n", "scope",
		"name", "metric", "count", "p50", "p90", "p99");
	for (i = 0; i < d->ncls; i++) {
		const struct wo_ivclass *c = &d->cls[i];

		if (!iv_shown(c))
			continue;
		for (m = 0; m < WO_RM_NR; m++) {
			static const unsigned int pct[3] = { 50, 90, 99 };

			for (k = 0; k < 3; k++)
				wo_fmt_ns(p[k], sizeof(p[k]),
					  wo_uhist_pct(&c->h[m], pct[k]));
			fprintf(out, "  %-6s %-24.24s %-15s %8" PRIu64
				" %10s %10s %10s\n", m ? "" : c->scope,
				m ? "" : c->name, mshort[m], c->h[m].n,
				c->h[m].n ? p[0] : "-", c->h[m].n ? p[1] : "-",
				c->h[m].n ? p[2] : "-");
		}
	}
	fputc('\n', out);
}

static void iv_json_med(FILE *out, const char *name, bool have, uint64_t v)
{
	fprintf(out, "\"%s\":", name);
	if (have)
		fprintf(out, "%" PRIu64, v);
	else
		fputs("null", out);
}

static void iv_json_class(FILE *out, const struct wo_ivclass *c)
{
	int m;

	fprintf(out, "{\"scope\":\"%s\",\"name\":", c->scope);
	wo_json_str(out, c->name);
	fprintf(out, ",\"count\":%" PRIu64, c->count);
	for (m = 0; m < WO_RM_NR; m++) {
		const struct wo_uhist *h = &c->h[m];

		fprintf(out, ",\"%s\":{\"count\":%" PRIu64 ",\"p50\":%" PRIu64
			",\"p90\":%" PRIu64 ",\"p99\":%" PRIu64 "}",
			wo_metric_names[m], h->n, wo_uhist_pct(h, 50),
			wo_uhist_pct(h, 90), wo_uhist_pct(h, 99));
	}
	fputc('}', out);
}

void wo_iv_print_json(FILE *out, const char *stamp, double secs, bool total,
		      const struct wo_ivdelta *d)
{
	struct wo_ivstat st;
	size_t i;
	bool first = true;

	wo_iv_stat(d, &st);
	fprintf(out, "{\"time\":\"%s\",\"seconds\":%.3f,\"total\":%s,\"reset\":%s",
		stamp, secs, total ? "true" : "false",
		d->reset ? "true" : "false");
	fprintf(out, ",\"wakeups\":%" PRIu64 ",\"closed\":%" PRIu64
		",\"dropped\":%" PRIu64 ",\"untracked\":%" PRIu64
		",\"wf_migrated\":%" PRIu64 ",\"wf_migrated_pct\":%.2f,",
		d->wakeups, d->closed, d->dropped, d->untracked, st.migrated,
		st.migrated_pct);
	fputs("\"median_ttwu_to_tkread_ns\":{", out);
	iv_json_med(out, "migrated", st.have_tk_migrated, st.med_tk_migrated);
	fputc(',', out);
	iv_json_med(out, "local", st.have_tk_local, st.med_tk_local);
	fputs("},\"offset\":", out);
	if (st.off_have) {
		fputs("{\"series\":", out);
		wo_json_str(out, d->series);
		fprintf(out, ",\"p1_p99_ns\":%" PRId64 ",\"stable\":%s}",
			st.off_p1_p99, st.off_stable ? "true" : "false");
	} else {
		fputs("null", out);
	}
	fputs(",\"classes\":[", out);
	for (i = 0; i < d->ncls; i++) {
		if (!iv_shown(&d->cls[i]))
			continue;
		if (!first)
			fputc(',', out);
		first = false;
		iv_json_class(out, &d->cls[i]);
	}
	fputs("]}\n", out);
}
