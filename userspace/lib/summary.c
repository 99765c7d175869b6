// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "summary.h"
#include "../../module/uapi/wakeoff_keys.h"

static int key_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

void wo_summary_free(struct wo_summary *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
	}
	free(s->kv);
	s->kv = NULL;
	s->n = 0;
}

const char *wo_summary_get(const struct wo_summary *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->kv[i].key, key))
			return s->kv[i].value;
	return NULL;
}

int wo_summary_get_u64(const struct wo_summary *s, const char *key,
		       uint64_t *val)
{
	const char *v = wo_summary_get(s, key);
	char *end;
	unsigned long long x;

	if (!v || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end)
		return -1;
	*val = x;
	return 0;
}

int wo_summary_parse(const char *text, size_t len, struct wo_summary *out,
		     char *err, size_t errlen)
{
	size_t pos = 0, cap = 0;
	unsigned int line = 0;

	out->kv = NULL;
	out->n = 0;
	while (pos < len) {
		const char *l = text + pos, *nl, *colon;
		size_t ll, klen, i;
		struct wo_kv kv;

		nl = memchr(l, '\n', len - pos);
		ll = nl ? (size_t)(nl - l) : len - pos;
		pos += ll + (nl ? 1 : 0);
		line++;
		if (ll == 0)
			continue;
		if (memchr(l, '\0', ll)) {
			snprintf(err, errlen, "line %u: NUL byte", line);
			goto fail;
		}
		colon = memchr(l, ':', ll);
		if (!colon || colon == l) {
			snprintf(err, errlen, "line %u: not \"key: value\"", line);
			goto fail;
		}
		klen = (size_t)(colon - l);
		for (i = 0; i < klen; i++) {
			if (!key_char_ok(l[i])) {
				snprintf(err, errlen, "line %u: bad character in key",
					 line);
				goto fail;
			}
		}
		if (klen + 1 >= ll || colon[1] != ' ') {
			snprintf(err, errlen, "line %u: no value after \": \"", line);
			goto fail;
		}
		kv.key = strndup(l, klen);
		kv.value = strndup(colon + 2, ll - klen - 2);
		if (!kv.key || !kv.value) {
			free(kv.key);
			free(kv.value);
			snprintf(err, errlen, "line %u: out of memory", line);
			goto fail;
		}
		if (wo_summary_get(out, kv.key)) {
			snprintf(err, errlen, "line %u: duplicate key %s", line,
				 kv.key);
			free(kv.key);
			free(kv.value);
			goto fail;
		}
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct wo_kv *n = realloc(out->kv, ncap * sizeof(*n));

			if (!n) {
				free(kv.key);
				free(kv.value);
				snprintf(err, errlen, "line %u: out of memory", line);
				goto fail;
			}
			out->kv = n;
			cap = ncap;
		}
		out->kv[out->n++] = kv;
	}
	return 0;
fail:
	wo_summary_free(out);
	return -1;
}

int wo_read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !b) {
		int e = fd < 0 ? errno : ENOMEM;

		if (fd >= 0)
			close(fd);
		free(b);
		errno = e;
		return -1;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = realloc(b, cap * 2 + 1);

			if (!nb) {
				free(b);
				close(fd);
				errno = ENOMEM;
				return -1;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(b);
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

const char *wo_summary_headline(const struct wo_summary *s, const char *key)
{
	return wo_summary_get(s, key);
}

void wo_summary_offset_series(const struct wo_summary *s, char *buf,
			      size_t len)
{
	const char *fn = wo_summary_headline(s, WAKEOFF_KEY_HL_OFFSET_FUNCTION);
	const char *clk = wo_summary_headline(s, WAKEOFF_KEY_HL_OFFSET_CLOCK);

	if (!fn || !strcmp(fn, "none"))
		snprintf(buf, len, "%s", "");
	else if (clk)
		snprintf(buf, len, "%s.%s", clk, fn);
	else
		snprintf(buf, len, "%s", fn);
}
