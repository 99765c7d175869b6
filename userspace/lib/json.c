// SPDX-License-Identifier: GPL-2.0
/* JSON strings from arbitrary bytes; see json.h for the rules and why. */
#include <stdint.h>

#include "json.h"

/* Lead byte @b: sequence length and the valid range of the 2nd byte. */
static size_t utf8_lead(unsigned char b, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b >= 0xe0 && b <= 0xef) {
		/* No overlong forms (e0) and no UTF-16 surrogates (ed). */
		if (b == 0xe0)
			*lo = 0xa0;
		if (b == 0xed)
			*hi = 0x9f;
		return 3;
	}
	if (b >= 0xf0 && b <= 0xf4) {
		/* No overlong forms (f0), nothing beyond U+10FFFF (f4). */
		if (b == 0xf0)
			*lo = 0x90;
		if (b == 0xf4)
			*hi = 0x8f;
		return 4;
	}
	return 0;
}

/* Bytes of the sequence at @p that are valid so far (0 if @p[0] is no lead). */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n, size_t *want)
{
	unsigned char lo, hi;
	size_t i;

	*want = utf8_lead(p[0], &lo, &hi);
	if (!*want)
		return 0;
	for (i = 1; i < *want && i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			break;
		lo = 0x80;
		hi = 0xbf;
	}
	return i;
}

size_t wo_utf8_len(const unsigned char *p, size_t n)
{
	size_t want, got;

	if (!n)
		return 0;
	if (p[0] < 0x80)
		return 1;
	got = utf8_valid_prefix(p, n, &want);
	return want && got == want ? want : 0;
}

size_t wo_utf8_bad_len(const unsigned char *p, size_t n)
{
	size_t want, got = n ? utf8_valid_prefix(p, n, &want) : 0;

	return got ? got : 1;
}

void wo_json_body(FILE *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0, k;

	while (n < max && p[n])
		n++;
	while (n) {
		k = 1;
		if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p, out);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p);
		} else if ((k = wo_utf8_len(p, n))) {
			fwrite(p, 1, k, out);
		} else {
			fputs("\\ufffd", out);
			k = wo_utf8_bad_len(p, n);
		}
		p += k;
		n -= k;
	}
}

void wo_json_strn(FILE *out, const char *s, size_t max)
{
	fputc('"', out);
	wo_json_body(out, s, max);
	fputc('"', out);
}

void wo_json_str(FILE *out, const char *s)
{
	wo_json_strn(out, s, SIZE_MAX);
}
