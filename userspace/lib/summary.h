/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser for the module's "key: value" text files (summary, control).
 */
#ifndef WAKEOFF_SUMMARY_H
#define WAKEOFF_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

struct wo_kv {
	char *key;
	char *value;
};

struct wo_summary {
	struct wo_kv *kv;
	size_t n;
};

/*
 * Parse @text (not necessarily NUL-terminated, @len bytes).  Every
 * non-empty line must be "key: value" with a key of [A-Za-z0-9_.]
 * characters; keys must be unique.  On error returns -1 and writes
 * "line N: reason" into @err.
 */
int wo_summary_parse(const char *text, size_t len, struct wo_summary *out,
		     char *err, size_t errlen);
const char *wo_summary_get(const struct wo_summary *s, const char *key);
/* 0 on success, -1 if the key is missing or not a decimal u64. */
int wo_summary_get_u64(const struct wo_summary *s, const char *key,
		       uint64_t *val);
void wo_summary_free(struct wo_summary *s);
/* A headline figure by its key (WAKEOFF_KEY_HL_*, "headline.<name>"). */
const char *wo_summary_headline(const struct wo_summary *s, const char *key);
/*
 * The headline offset series: "clock.function" from headline.offset_clock
 * and headline.offset_function ("function" alone from a module without
 * clocks); "" when there is none.
 */
void wo_summary_offset_series(const struct wo_summary *s, char *buf,
			      size_t len);

/* Read a whole file (also debugfs/proc files of unknown size). */
int wo_read_file(const char *path, char **buf, size_t *len);

#endif
