/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON string escaper of the CLI (report --json, compare --json,
 * export --perfetto).  Task names are whatever a task set with prctl, so
 * JSON text must stay valid whatever the bytes: escaped are only what
 * RFC 8259 requires ('"', '\', control bytes < 0x20 as \u00XX) and DEL;
 * well-formed UTF-8 passes through unchanged (a "wörker" stays
 * readable); each maximal ill-formed subsequence -- a stray byte, or a
 * multibyte character the kernel cut at the end of the 16-byte comm --
 * becomes one U+FFFD, written as \ufffd.
 */
#ifndef WAKEOFF_JSON_H
#define WAKEOFF_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Length of the well-formed UTF-8 sequence at @p (at most @n bytes), or 0. */
size_t wo_utf8_len(const unsigned char *p, size_t n);
/*
 * Bytes at @p (at most @n) that start a well-formed sequence but stop
 * short of it (>= 1): what one U+FFFD replaces.
 */
size_t wo_utf8_bad_len(const unsigned char *p, size_t n);

/* @s up to its NUL or @max bytes, as a JSON string body (no quotes). */
void wo_json_body(FILE *out, const char *s, size_t max);
/* @s (NULL: "") as a quoted JSON string. */
void wo_json_str(FILE *out, const char *s);
/* At most @max bytes of @s (a fixed-size comm), quoted. */
void wo_json_strn(FILE *out, const char *s, size_t max);

#endif
