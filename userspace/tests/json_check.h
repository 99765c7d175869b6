/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json_check(): a strict RFC 8259 syntax checker for the host tests,
 * including "JSON text is UTF-8" (python's parser is not always there).
 * Header-only.
 */
#ifndef WAKEOFF_TEST_JSON_CHECK_H
#define WAKEOFF_TEST_JSON_CHECK_H

#include <stdbool.h>
#include <string.h>

#include "json.h"


struct jp {
	const unsigned char *p, *end;
	int depth;
};

static void jws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int jvalue(struct jp *j);

static int jstring(struct jp *j)
{
	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p < 0x20)
			return -1;		/* raw control character */
		if (*j->p == '\\') {
			j->p++;
			if (j->p >= j->end)
				return -1;
			if (*j->p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (j->p + i >= j->end || !strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
						return -1;
				j->p += 5;
			} else if (strchr("\"\\/bfnrt", *j->p) && *j->p) {
				j->p++;
			} else {
				return -1;
			}
		} else {
			size_t k = wo_utf8_len(j->p, (size_t)(j->end - j->p));

			if (!k)
				return -1;	/* JSON text must be UTF-8 */
			j->p += k;
		}
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	return 0;
}

static int jdigits(struct jp *j)
{
	const unsigned char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : -1;
}

static int jnumber(struct jp *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (jdigits(j))
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (jdigits(j))
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (jdigits(j))
			return -1;
	}
	return 0;
}

static int jlit(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return -1;
	j->p += n;
	return 0;
}

static int jcontainer(struct jp *j, char close)
{
	bool obj = close == '}';

	if (++j->depth > 64)
		return -1;
	j->p++;
	jws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		jws(j);
		if (obj) {
			if (jstring(j))
				return -1;
			jws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return -1;
		}
		if (jvalue(j))
			return -1;
		jws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return -1;
		j->depth--;
		return 0;
	}
}

static int jvalue(struct jp *j)
{
	jws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
		return jcontainer(j, '}');
	case '[':
		return jcontainer(j, ']');
	case '"':
		return jstring(j);
	case 't':
		return jlit(j, "true");
	case 'f':
		return jlit(j, "false");
	case 'n':
		return jlit(j, "null");
	default:
		return jnumber(j);
	}
}

/* 0 if @s is exactly one JSON value (RFC 8259), else the failing offset + 1. */
static size_t json_check(const char *s)
{
	struct jp j = { (const unsigned char *)s, (const unsigned char *)s + strlen(s), 0 };

	if (jvalue(&j))
		return (size_t)(j.p - (const unsigned char *)s) + 1;
	jws(&j);
	return j.p == j.end ? 0 : (size_t)(j.p - (const unsigned char *)s) + 1;
}

#endif
