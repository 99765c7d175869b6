// SPDX-License-Identifier: GPL-2.0
/*
 * The wakeoff record file: writer helpers and a strict parser.  See
 * wofile.h for the layout.  Every error names the file offset; nothing
 * here trusts a length it has not checked against what is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "sched_events.h"
#include "wofile.h"
#include "../../module/lib/wo_clock.h"

static void wof_err(char *err, size_t errlen, const char *name, size_t off,
		    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!errlen)
		return;
	n = snprintf(err, errlen, "%s: offset %zu: ", name, off);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
}

static uint32_t get_le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static size_t wof_pad(size_t len)
{
	return (len + WOF_ALIGN - 1) & ~(size_t)(WOF_ALIGN - 1);
}

/* A printable tag for messages. */
static void tag_str(const unsigned char *p, char out[17])
{
	int i, o = 0;

	for (i = 0; i < 4; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f)
			out[o++] = (char)p[i];
		else
			o += sprintf(out + o, "\\x%02x", p[i]);
	}
	out[o] = '\0';
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Next line of @text: [*pos, end of line); returns its length or -1. */
static long next_line(const char *text, size_t len, size_t *pos,
		      const char **line)
{
	size_t s = *pos, e;

	if (s >= len)
		return -1;
	for (e = s; e < len && text[e] != '\n'; e++)
		;
	*line = text + s;
	*pos = e < len ? e + 1 : e;
	return (long)(e - s);
}

int wo_parse_flag_table(const char *text, size_t len, struct wo_flagdef **out,
			size_t *n, char *err, size_t errlen)
{
	struct wo_flagdef *v = NULL;
	size_t pos = 0, cnt = 0, lineno = 0;
	const char *line;
	long ll;

	while ((ll = next_line(text, len, &pos, &line)) >= 0) {
		const char *colon, *vs;
		char num[24], *end;
		unsigned long val;
		size_t nl, vl;
		void *nv;

		lineno++;
		if (!ll)
			continue;
		colon = memchr(line, ':', ll);
		if (!colon || colon == line)
			goto bad;
		nl = colon - line;
		vs = colon + 1;
		while (vs < line + ll && *vs == ' ')
			vs++;
		vl = line + ll - vs;
		if (!vl || vl >= sizeof(num))
			goto bad;
		memcpy(num, vs, vl);
		num[vl] = '\0';
		errno = 0;
		val = strtoul(num, &end, 16);
		if (errno || *end || val > UINT32_MAX || strncmp(num, "0x", 2))
			goto bad;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv)
			goto oom;
		v = nv;
		v[cnt].name = xstrndup(line, nl);
		if (!v[cnt].name)
			goto oom;
		v[cnt++].value = (uint32_t)val;
	}
	*out = v;
	*n = cnt;
	return 0;
bad:
	snprintf(err, errlen, "wake_flags line %zu: expected \"NAME: 0xVALUE\"",
		 lineno);
	goto fail;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	while (cnt)
		free(v[--cnt].name);
	free(v);
	return -1;
}

int wo_parse_tk_hooks(const char *text, size_t len, char ***out, size_t *n,
		      char *err, size_t errlen)
{
	char **v = NULL;
	size_t pos = 0, cnt = 0, lineno = 0;
	const char *line;
	long ll;

	while ((ll = next_line(text, len, &pos, &line)) >= 0) {
		char *l, *sp, *end, *fn;
		unsigned long idx;
		void *nv;

		lineno++;
		if (!ll)
			continue;
		l = xstrndup(line, ll);
		if (!l)
			goto oom;
		errno = 0;
		idx = strtoul(l, &end, 10);
		if (errno || end == l || *end != ' ' || idx != cnt) {
			free(l);
			snprintf(err, errlen,
				 "tk_hooks line %zu: expected \"%zu <function> <state>\"",
				 lineno, cnt);
			goto fail;
		}
		fn = end + 1;
		sp = strchr(fn, ' ');
		if (sp)
			*sp = '\0';
		if (!*fn) {
			free(l);
			snprintf(err, errlen, "tk_hooks line %zu: no function name",
				 lineno);
			goto fail;
		}
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			free(l);
			goto oom;
		}
		v = nv;
		v[cnt] = strdup(fn);
		free(l);
		if (!v[cnt])
			goto oom;
		cnt++;
	}
	*out = v;
	*n = cnt;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	while (cnt)
		free(v[--cnt]);
	free(v);
	return -1;
}

static void free_stacks(struct wo_stack *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < s[i].nframes; j++)
			free(s[i].frames[j]);
		free(s[i].frames);
	}
	free(s);
}

/*
 * "cluster <id>: count N wf_sync N wf_migrated N" followed by frames
 * indented with two spaces.
 */
int wo_parse_stacks(const char *text, size_t len, struct wo_stack **out,
		    size_t *n, char *err, size_t errlen)
{
	struct wo_stack *v = NULL, *cur = NULL;
	size_t pos = 0, cnt = 0, lineno = 0;
	const char *line;
	long ll;

	while ((ll = next_line(text, len, &pos, &line)) >= 0) {
		char *l;

		lineno++;
		if (!ll)
			continue;
		l = xstrndup(line, ll);
		if (!l)
			goto oom;
		if (!strncmp(l, "cluster ", 8)) {
			unsigned int id;
			unsigned long long count;
			void *nv;

			if (sscanf(l, "cluster %u: count %llu", &id, &count) != 2) {
				free(l);
				snprintf(err, errlen, "stacks line %zu: bad cluster line",
					 lineno);
				goto fail;
			}
			free(l);
			nv = realloc(v, (cnt + 1) * sizeof(*v));
			if (!nv)
				goto oom;
			v = nv;
			cur = &v[cnt++];
			memset(cur, 0, sizeof(*cur));
			cur->id = id;
			cur->count = count;
		} else if (!strncmp(l, "  ", 2) && cur) {
			void *nv = realloc(cur->frames,
					   (cur->nframes + 1) * sizeof(char *));

			if (!nv) {
				free(l);
				goto oom;
			}
			cur->frames = nv;
			memmove(l, l + 2, strlen(l + 2) + 1);
			cur->frames[cur->nframes++] = l;
		} else {
			/* A header or note line the module may add later. */
			free(l);
		}
	}
	*out = v;
	*n = cnt;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free_stacks(v, cnt);
	return -1;
}

void wo_trace_free(struct wo_trace *t)
{
	size_t i;

	free(t->path);
	wo_summary_free(&t->meta);
	for (i = 0; i < t->nflags; i++)
		free(t->flags[i].name);
	free(t->flags);
	for (i = 0; i < t->ntk; i++)
		free(t->tk_names[i]);
	free(t->tk_names);
	free(t->wk);
	free(t->runs);
	free(t->sev);
	free_stacks(t->stacks, t->nstacks);
	free_stacks(t->ostacks, t->nostacks);
	wo_summary_free(&t->summary);
	wo_summary_free(&t->counters);
	memset(t, 0, sizeof(*t));
}

static int push_wakeup(struct wo_trace *t, size_t *cap, const unsigned char *p,
		       size_t size)
{
	struct wakeoff_wakeup *w;

	if (t->nwk == *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		void *nv = realloc(t->wk, nc * sizeof(*t->wk));

		if (!nv)
			return -1;
		t->wk = nv;
		*cap = nc;
	}
	w = &t->wk[t->nwk++];
	memset(w, 0, sizeof(*w));
	/* Older minors are shorter (zero-filled), newer ones longer (cut). */
	memcpy(w, p, size < sizeof(*w) ? size : sizeof(*w));
	w->comm[WAKEOFF_COMM_LEN - 1] = '\0';
	w->waker_comm[WAKEOFF_COMM_LEN - 1] = '\0';
	if (size < offsetof(struct wakeoff_wakeup, rq_nr_running) +
		   sizeof(w->rq_nr_running))
		w->valid &= ~WAKEOFF_V_NR_RUNNING;
	return 0;
}

static int push_run(struct wo_trace *t, const unsigned char *p, size_t size)
{
	struct wakeoff_run *r;
	void *nv = realloc(t->runs, (t->nruns + 1) * sizeof(*t->runs));

	if (!nv)
		return -1;
	t->runs = nv;
	r = &t->runs[t->nruns++];
	memset(r, 0, sizeof(*r));
	memcpy(r, p, size < sizeof(*r) ? size : sizeof(*r));
	r->label[WAKEOFF_LABEL_LEN - 1] = '\0';
	return 0;
}

/* Say why wakeoff_rec_check() refused the record @h at file offset @at. */
static void rec_refused(struct wo_trace *t, const struct wakeoff_rec_hdr *h,
			size_t left, size_t at, char *err, size_t errlen)
{
	char why[256];

	switch (wakeoff_rec_check(h, left)) {
	case WAKEOFF_REC_EMAGIC:
		wof_err(err, errlen, t->path, at,
			"bad record magic 0x%04x (expected 0x%04x)",
			h->magic, WAKEOFF_REC_MAGIC);
		break;
	case WAKEOFF_REC_EABI:
		wof_err(err, errlen, t->path, at, "%s",
			wo_version_errmsg(why, sizeof(why), "record ABI",
					  h->abi_major, WAKEOFF_ABI_MAJOR));
		break;
	case WAKEOFF_REC_ETYPE_SIZE:
		wof_err(err, errlen, t->path, at,
			"%s record of %u bytes, at least %d expected",
			h->type == WAKEOFF_REC_RUN ? "run" : "wakeup", h->size,
			h->type == WAKEOFF_REC_RUN ? WAKEOFF_RUN_SIZE :
						     WAKEOFF_WAKEUP_SIZE_1_0);
		break;
	default:
		wof_err(err, errlen, t->path, at,
			"record size %u invalid (%zu bytes left in the chunk)",
			h->size, left);
	}
}

/* The records of one RECS chunk at file offset @base. */
static int parse_recs(struct wo_trace *t, size_t *cap, const unsigned char *p,
		      size_t len, size_t base, char *err, size_t errlen)
{
	size_t off = 0;

	while (off < len) {
		struct wakeoff_rec_hdr h;
		size_t at = base + off;

		if (len - off < sizeof(h)) {
			wof_err(err, errlen, t->path, at,
				"record header cut short (%zu of %zu bytes)",
				len - off, sizeof(h));
			return -1;
		}
		memcpy(&h, p + off, sizeof(h));
		if (wakeoff_rec_check(p + off, len - off)) {
			rec_refused(t, &h, len - off, at, err, errlen);
			return -1;
		}
		if (h.type == WAKEOFF_REC_WAKEUP) {
			if (push_wakeup(t, cap, p + off, h.size))
				goto oom;
		} else if (h.type == WAKEOFF_REC_RUN) {
			if (push_run(t, p + off, h.size))
				goto oom;
		} else if (h.type == WAKEOFF_REC_SCHED_EVENT) {
			if (wof_push_sched_event(t, p + off, h.size))
				goto oom;
		} else {
			t->unknown_records++;
		}
		if (h.cpu + 1U > t->max_cpu)
			t->max_cpu = h.cpu + 1U;
		off += h.size;
	}
	return 0;
oom:
	wof_err(err, errlen, t->path, base + off, "out of memory");
	return -1;
}

static int cmp_wakeup(const void *a, const void *b)
{
	const struct wakeoff_wakeup *x = a, *y = b;

	if (x->ts_waking != y->ts_waking)
		return x->ts_waking < y->ts_waking ? -1 : 1;
	return x->wake_id < y->wake_id ? -1 : x->wake_id > y->wake_id;
}

static int parse_text_chunk(struct wo_trace *t, const char *what,
			    const unsigned char *p, size_t len, size_t at,
			    struct wo_summary *dst, char *err, size_t errlen)
{
	char e[160];

	if (dst->n) {
		wof_err(err, errlen, t->path, at, "second %s chunk", what);
		return -1;
	}
	if (wo_summary_parse((const char *)p, len, dst, e, sizeof(e))) {
		wof_err(err, errlen, t->path, at, "%s chunk: %s", what, e);
		return -1;
	}
	return 0;
}

/* The magic and the format byte at the start of the file. */
static int parse_magic(const struct wo_trace *t, const unsigned char *p,
		       size_t len, char *err, size_t errlen)
{
	char why[256];

	if (len < 8 || memcmp(p, WOF_MAGIC, 7)) {
		wof_err(err, errlen, t->path, 0,
			"not a wakeoff record file (no \"WAKEOFF1\" magic)");
		return -1;
	}
	if (p[7] == '0' + WOF_MAJOR)
		return 0;
	if (p[7] < '0' || p[7] > '9')
		wof_err(err, errlen, t->path, 7,
			"not a wakeoff record file (format byte 0x%02x)", p[7]);
	else
		wof_err(err, errlen, t->path, 7, "%s",
			wo_version_errmsg(why, sizeof(why), "file format",
					  (unsigned int)(p[7] - '0'), WOF_MAJOR));
	return -1;
}

/* META: key=value lines, of which "format" must be ours. */
static int parse_meta(struct wo_trace *t, const unsigned char *c, size_t clen,
		      size_t off, char *err, size_t errlen)
{
	unsigned int ma, mi;
	const char *v;

	if (parse_text_chunk(t, "META", c, clen, off, &t->meta, err, errlen))
		return -1;
	v = wo_summary_get(&t->meta, "format");
	if (!v)
		return 0;
	if (sscanf(v, "%u.%u", &ma, &mi) != 2 || ma != WOF_MAJOR) {
		wof_err(err, errlen, t->path, off,
			"META format \"%s\" unsupported", v);
		return -1;
	}
	t->minor = mi;
	return 0;
}

/* The tables the module printed: each at most once per file. */
static int parse_table(struct wo_trace *t, const char *tag,
		       const unsigned char *c, size_t clen, size_t off,
		       char *err, size_t errlen)
{
	const char *s = (const char *)c;
	const char *again = NULL;
	char e[160];
	int rc = 0;

	if (!memcmp(tag, "FLAG", 5)) {
		again = t->flags ? "second flag table" : NULL;
		rc = again ? -1 : wo_parse_flag_table(s, clen, &t->flags,
						      &t->nflags, e, sizeof(e));
	} else if (!memcmp(tag, "TKHK", 5)) {
		again = t->tk_names ? "second tk_hooks table" : NULL;
		rc = again ? -1 : wo_parse_tk_hooks(s, clen, &t->tk_names,
						    &t->ntk, e, sizeof(e));
	} else if (!memcmp(tag, "STCK", 5)) {
		again = t->stacks ? "second stacks table" : NULL;
		rc = again ? -1 : wo_parse_stacks(s, clen, &t->stacks,
						  &t->nstacks, e, sizeof(e));
	} else {	/* OSTK */
		again = t->ostacks ? "second offcpu_stacks table" : NULL;
		rc = again ? -1 : wo_parse_stacks(s, clen, &t->ostacks,
						  &t->nostacks, e, sizeof(e));
	}
	if (rc)
		wof_err(err, errlen, t->path, off, "%s chunk: %s", tag,
			again ? again : e);
	return rc;
}

/* One chunk's payload @c (@clen bytes; its header at @off). */
static int parse_chunk(struct wo_trace *t, size_t *cap, const char *tag,
		       const unsigned char *c, size_t clen, size_t off,
		       char *err, size_t errlen)
{
	if (!memcmp(tag, "META", 5))
		return parse_meta(t, c, clen, off, err, errlen);
	if (!memcmp(tag, "FLAG", 5) || !memcmp(tag, "TKHK", 5) ||
	    !memcmp(tag, "STCK", 5) || !memcmp(tag, "OSTK", 5))
		return parse_table(t, tag, c, clen, off, err, errlen);
	if (!memcmp(tag, "RECS", 5))
		return parse_recs(t, cap, c, clen, off + WOF_CHUNK_HDR, err,
				  errlen);
	if (!memcmp(tag, "SUMM", 5))
		return parse_text_chunk(t, "SUMM", c, clen, off, &t->summary,
					err, errlen);
	if (!memcmp(tag, "CNTS", 5))
		return parse_text_chunk(t, "CNTS", c, clen, off, &t->counters,
					err, errlen);
	if (!memcmp(tag, "ENDS", 5))
		t->complete = true;
	else
		t->unknown_chunks++;
	return 0;
}

/* The chunk header at @off: its tag and length, checked; 0 or -1. */
static int chunk_head(const struct wo_trace *t, const unsigned char *p,
		      size_t len, size_t off, char *tag, size_t *clen,
		      char *err, size_t errlen)
{
	const unsigned char *c = p + off;

	if (len - off < WOF_CHUNK_HDR) {
		wof_err(err, errlen, t->path, off,
			"chunk header cut short (file truncated?)");
		return -1;
	}
	tag_str(c, tag);
	*clen = get_le32(c + 4);
	if (*clen > WOF_CHUNK_MAX) {
		wof_err(err, errlen, t->path, off,
			"chunk %s claims %zu bytes (limit %u): corrupt",
			tag, *clen, WOF_CHUNK_MAX);
		return -1;
	}
	if (WOF_CHUNK_HDR + wof_pad(*clen) > len - off) {
		wof_err(err, errlen, t->path, off,
			"chunk %s of %zu bytes runs past the end of the file (%zu left): truncated",
			tag, *clen, len - off - WOF_CHUNK_HDR);
		return -1;
	}
	if (t->complete) {
		wof_err(err, errlen, t->path, off,
			"chunk %s after the end chunk", tag);
		return -1;
	}
	return 0;
}

int wo_trace_parse(const void *buf, size_t len, const char *name,
		   struct wo_trace *t, char *err, size_t errlen)
{
	const unsigned char *p = buf;
	size_t off, cap = 0;

	memset(t, 0, sizeof(*t));
	t->path = strdup(name ? name : "-");
	if (!t->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (parse_magic(t, p, len, err, errlen))
		goto fail;
	for (off = 8; off < len;) {
		char tag[17];
		size_t clen;

		if (chunk_head(t, p, len, off, tag, &clen, err, errlen) ||
		    parse_chunk(t, &cap, tag, p + off + WOF_CHUNK_HDR, clen, off,
				err, errlen))
			goto fail;
		off += WOF_CHUNK_HDR + wof_pad(clen);
	}
	if (!t->meta.n) {
		wof_err(err, errlen, t->path, 8, "no META chunk");
		goto fail;
	}
	if (!t->complete) {
		wof_err(err, errlen, t->path, len,
			"no end chunk: the recording was cut off (killed, or disk full?)");
		goto fail;
	}
	if (t->nwk > 1)
		qsort(t->wk, t->nwk, sizeof(*t->wk), cmp_wakeup);
	return 0;
fail:
	wo_trace_free(t);
	return -1;
}

int wo_trace_load(const char *path, struct wo_trace *t, char *err,
		  size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (strcmp(path, "-") ? wo_read_file(path, &buf, &len) :
				wo_read_file("/dev/stdin", &buf, &len)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = wo_trace_parse(buf, len, path, t, err, errlen);
	free(buf);
	return rc;
}

const char *wo_trace_meta(const struct wo_trace *t, const char *key)
{
	return wo_summary_get(&t->meta, key);
}

const char *wo_trace_tk_name(const struct wo_trace *t, unsigned int idx)
{
	return idx < t->ntk ? t->tk_names[idx] : NULL;
}

unsigned int wo_series_of(const struct wakeoff_wakeup *w)
{
	unsigned int clock = w->valid & WAKEOFF_V_TK_CLOCK ? w->tk_clock : 0xff;

	return (unsigned int)w->tk_func << 8 | clock;
}

void wo_trace_series_name(const struct wo_trace *t, unsigned int series,
			  char *buf, size_t len)
{
	const char *fn = wo_trace_tk_name(t, series >> 8);
	char fb[16];

	if (!fn) {
		snprintf(fb, sizeof(fb), "tk%u", series >> 8);
		fn = fb;
	}
	snprintf(buf, len, "%s.%s", wo_clock_name(series & 0xff), fn);
}

const char *wo_tk_clock_str(const struct wakeoff_wakeup *w)
{
	return wo_clock_name(w->valid & WAKEOFF_V_TK_CLOCK ? w->tk_clock : 0xff);
}

const char *wo_tk_source_str(const struct wakeoff_wakeup *w)
{
	static const char *const names[WAKEOFF_TK_SRC_NR] = {
		"unknown", "user", "syscall", "kernel",
	};

	if (!(w->valid & WAKEOFF_V_TK_CLOCK) || w->tk_source >= WAKEOFF_TK_SRC_NR)
		return "unknown";
	return names[w->tk_source];
}

void wo_trace_flags_str(const struct wo_trace *t, uint32_t flags, char *buf,
			size_t len)
{
	uint32_t left = flags;
	size_t i, o = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (!flags) {
		snprintf(buf, len, "0");
		return;
	}
	for (i = 0; i < t->nflags; i++) {
		uint32_t v = t->flags[i].value;

		if (!v || (left & v) != v)
			continue;
		o += snprintf(buf + o, o < len ? len - o : 0, "%s%s",
			      o ? "|" : "", t->flags[i].name);
		left &= ~v;
	}
	if (left)
		snprintf(buf + (o < len ? o : len - 1), o < len ? len - o : 1,
			 "%s0x%x", o ? "|" : "", left);
}

uint32_t wo_trace_flag(const struct wo_trace *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nflags; i++)
		if (!strcmp(t->flags[i].name, name))
			return t->flags[i].value;
	return 0;
}

const struct wo_stack *wo_trace_stack(const struct wo_trace *t, uint32_t id)
{
	size_t i;

	for (i = 0; i < t->nstacks; i++)
		if (t->stacks[i].id == id)
			return &t->stacks[i];
	return NULL;
}

const struct wo_stack *wo_trace_ostack(const struct wo_trace *t, uint32_t id)
{
	size_t i;

	for (i = 0; i < t->nostacks; i++)
		if (t->ostacks[i].id == id)
			return &t->ostacks[i];
	return NULL;
}

/* As the module computes it: two CPUs' clocks, a negative gap is 0. */
uint64_t wo_offcpu_ns(const struct wakeoff_wakeup *w)
{
	int64_t d;

	if (!(w->valid & WAKEOFF_V_OFFCPU))
		return 0;
	d = (int64_t)(w->ts_waking - w->ts_blocked);
	return d < 0 ? 0 : (uint64_t)d;
}

const char *wo_trace_run_label(const struct wo_trace *t, uint64_t id)
{
	size_t i;

	/* The last label set for the id wins. */
	for (i = t->nruns; i; i--)
		if (t->runs[i - 1].run_id == id)
			return t->runs[i - 1].label;
	return NULL;
}

static int write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = write(fd, c, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += n;
		len -= n;
	}
	return 0;
}

int wof_write_magic(int fd)
{
	char m[8];

	memcpy(m, WOF_MAGIC, 7);
	m[7] = '0' + WOF_MAJOR;
	return write_all(fd, m, sizeof(m));
}

int wof_write_chunk(int fd, const char tag[4], const void *p, size_t len)
{
	static const char zero[WOF_ALIGN];
	unsigned char h[WOF_CHUNK_HDR];

	if (len > WOF_CHUNK_MAX) {
		errno = EFBIG;
		return -1;
	}
	memcpy(h, tag, 4);
	h[4] = len & 0xff;
	h[5] = (len >> 8) & 0xff;
	h[6] = (len >> 16) & 0xff;
	h[7] = (len >> 24) & 0xff;
	if (write_all(fd, h, sizeof(h)) || (len && write_all(fd, p, len)))
		return -1;
	return write_all(fd, zero, wof_pad(len) - len);
}
