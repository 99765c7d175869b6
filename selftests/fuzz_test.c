// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input: random, long, binary, truncated and mutated inputs to every
 * writable debugfs file (control) and every module parameter, runtime
 * (sysfs) and load time.  Each input is judged by a model of the strict
 * grammar: what the model rejects must fail with an error (and, for
 * control, leave a reason), what it accepts must succeed and take
 * effect.  The module must work normally afterwards.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define PARAMS		"/sys/module/wakeoff/parameters/"
#define CTL_MAX		256
#define BUFMAX		8192

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t rndn(uint32_t n)
{
	return rnd() % n;
}


/* ---- the control grammar, as documented in module/iface/wo_control.c ---- */

/* The kernel's isprint(): ASCII 0x20..0x7e and Latin-1 0xa0..0xff. */
static int k_isprint(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || c >= 0xa0;
}

static int k_isspace(unsigned char c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0xa0;
}

/* kstrtoull(s, 10): optional '+', decimal digits, no overflow. */
static int k_dec_u64(const char *s, unsigned long long *v)
{
	unsigned long long r = 0;

	if (*s == '+')
		s++;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (r > (~0ULL - (unsigned long long)(*s - '0')) / 10)
			return -1;
		r = r * 10 + (unsigned long long)(*s - '0');
	}
	*v = r;
	return 0;
}

/* kstrtoint(s, 10) and > 0: no sign but one '+'. */
static int k_pid(const char *s)
{
	unsigned long long v;

	if (*s == '-' || k_dec_u64(s, &v))
		return -1;
	return v > 0 && v <= 0x7fffffff ? 0 : -1;
}

static char *tok(char **s)
{
	char *p = *s, *t;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	t = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return t;
}

/* 1 if the module must accept this control write, 0 if it must reject. */
static int ctl_model(const unsigned char *in, size_t len)
{
	char buf[CTL_MAX + 1], *rest = buf, *cmd, *a, *b;
	size_t i;

	if (len == 0 || len > CTL_MAX || memchr(in, 0, len))
		return 0;
	memcpy(buf, in, len);
	buf[len] = '\0';
	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (strchr(buf, '\n'))
		return 0;
	cmd = tok(&rest);
	if (!cmd)
		return 0;
	if (!strcmp(cmd, "run")) {
		unsigned long long v;

		a = tok(&rest);
		/* 2^64 - 1 is reserved (the summary's "no run" mark). */
		if (!a || k_dec_u64(a, &v) || v == ~0ULL)
			return 0;
		while (k_isspace((unsigned char)*rest))
			rest++;
		if (strlen(rest) >= WAKEOFF_LABEL_LEN)
			return 0;
		for (i = 0; rest[i]; i++)
			if (!k_isprint((unsigned char)rest[i]))
				return 0;
		return 1;
	}
	if (!strcmp(cmd, "filter")) {
		a = tok(&rest);
		if (!a)
			return 0;
		if (!strcmp(a, "clear"))
			return !tok(&rest);
		b = tok(&rest);
		if (!strcmp(a, "pid") || !strcmp(a, "tgid")) {
			if (!b || k_pid(b))
				return 0;
		} else if (!strcmp(a, "comm")) {
			if (!b || strlen(b) >= 16)
				return 0;
			for (i = 0; b[i]; i++)
				if (!k_isprint((unsigned char)b[i]))
					return 0;
		} else {
			return 0;
		}
		return !tok(&rest);
	}
	if (tok(&rest))
		return 0;
	return !strcmp(cmd, "start") || !strcmp(cmd, "stop") ||
	       !strcmp(cmd, "reset");
}

static const char * const ctl_valid[] = {
	"start", "stop\n", "filter pid 4242", "filter tgid 17\n",
	"filter comm wo_fuzz", "filter clear", "run 1", "run 2 fuzz label",
	"run 3 \tx", "filter  pid\t+9", "run 18446744073709551614 max",
	"filter comm 0123456789abcde", "reset",
};
#define NVALID (sizeof(ctl_valid) / sizeof(ctl_valid[0]))

/* One input for a text interface: random, long, binary, truncated, mutated. */
static size_t gen(unsigned char *b, const char * const *valid, size_t nvalid,
		  size_t maxlen)
{
	size_t len, i;
	const char *v = valid[rndn(nvalid)];

	switch (rndn(8)) {
	case 0:	/* binary */
		len = 1 + rndn(300);
		for (i = 0; i < len; i++)
			b[i] = (unsigned char)rnd();
		return len;
	case 1:	/* long: a valid one padded, or random printable */
		len = maxlen + 1 + rndn(BUFMAX - maxlen - 1);
		for (i = 0; i < len; i++)
			b[i] = (unsigned char)(0x20 + rndn(95));
		if (rndn(2))
			memcpy(b, v, strlen(v));
		return len;
	case 2:	/* truncated */
		len = rndn((uint32_t)strlen(v) + 1);
		memcpy(b, v, len);
		return len;
	case 3:	/* printable garbage */
		len = 1 + rndn(40);
		for (i = 0; i < len; i++)
			b[i] = (unsigned char)(0x20 + rndn(95));
		return len;
	case 4:	/* valid as is */
		len = strlen(v);
		memcpy(b, v, len);
		return len;
	default:	/* mutated: 1-3 bytes replaced, inserted or deleted */
		len = strlen(v);
		memcpy(b, v, len);
		for (i = 1 + rndn(3); i > 0; i--) {
			size_t at = len ? rndn((uint32_t)len) : 0;
			unsigned char c = rndn(4) ? (unsigned char)(0x20 + rndn(95)) :
						    (unsigned char)rnd();

			switch (rndn(3)) {
			case 0:
				if (len)
					b[at] = c;
				break;
			case 1:
				memmove(b + at + 1, b + at, len - at);
				b[at] = c;
				len++;
				break;
			default:
				if (len) {
					memmove(b + at, b + at + 1, len - at - 1);
					len--;
				}
			}
		}
		return len;
	}
}

static int write_raw(const char *path, const unsigned char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t w;
	int e;

	if (fd < 0)
		return -errno;
	w = write(fd, buf, len);
	e = errno;
	close(fd);
	if (w < 0)
		return -e;
	return (size_t)w == len ? 0 : -EIO;
}

static void show(char *out, size_t olen, const unsigned char *b, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < olen; i++)
		o += (size_t)snprintf(out + o, olen - o,
				      isprint(b[i]) ? "%c" : "\\x%02x", b[i]);
	out[o] = '\0';
}

FIXTURE(fz) {
	int unused;
};

FIXTURE_SETUP(fz)
{
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
}

FIXTURE_TEARDOWN(fz)
{
	wo_unload();
}

/* The module still does its job: counts a known workload, obeys control. */
static void still_works(struct __test_metadata *_metadata)
{
	struct wo_pingpong pp;
	uint64_t w0;

	ASSERT_EQ(0, wo_control("filter clear"));
	ASSERT_EQ(0, wo_control("start"));
	w0 = wo_summary_u64("events.sched_wakeup");
	ASSERT_EQ(0, wo_pingpong_start(&pp, 200));
	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));
	EXPECT_LE(w0 + 400, wo_summary_u64("events.sched_wakeup"));
	ASSERT_EQ(0, wo_control("stop"));
	EXPECT_EQ(0, wo_summary_u64("wakeups_inflight"));
	ASSERT_EQ(0, wo_control("start"));
	EXPECT_EQ(0, wo_bad_taint());
}

static int last_error_none(void)
{
	char *buf;
	size_t len;
	int none;

	if (wo_read_file(WO_CONTROL, &buf, &len))
		return -1;
	none = strstr(buf, "last_error: none\n") != NULL;
	free(buf);
	return none;
}

TEST_F_TIMEOUT(fz, control, 900)
{
	static unsigned char b[BUFMAX + 8];
	long i, n = wo_iters(7000), rej = 0, acc = 0;
	char what[96];

	for (i = 0; i < n; i++) {
		size_t len = gen(b, ctl_valid, NVALID, CTL_MAX);
		int want = ctl_model(b, len);
		int rc = write_raw(WO_CONTROL, b, len);

		show(what, sizeof(what), b, len);
		if (want) {
			acc++;
			ASSERT_EQ(0, rc) {
				TH_LOG("input %ld '%s' (%zu bytes) rejected: %d", i,
				       what, len, rc);
			}
			ASSERT_EQ(1, last_error_none());
		} else {
			rej++;
			ASSERT_EQ(-EINVAL, rc) {
				TH_LOG("input %ld '%s' (%zu bytes) gave %d", i,
				       what, len, rc);
			}
			/* ... with a reason kept for the next read. */
			ASSERT_EQ(0, last_error_none()) {
				TH_LOG("input %ld '%s': no reason", i, what);
			}
		}
		if (i % 500 == 499)
			ASSERT_EQ(0, wo_control("filter clear"));
	}
	printf("# fuzz control: %ld inputs, %ld rejected with -EINVAL and a reason, %ld accepted\n",
	       n, rej, acc);
	fflush(stdout);
	EXPECT_LT(n / 4, rej);
	EXPECT_LT(n / 20, acc);
	still_works(_metadata);
}

/* ---- runtime parameters ---- */

/* kstrtouint(s, 0) with the one trailing newline it allows. */
static int k_uint0(const char *s, unsigned long long *v)
{
	unsigned long long r = 0;
	unsigned int base = 10, d;
	size_t n = 0;

	if (*s == '+')
		s++;
	if (s[0] == '0') {
		if ((s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
			base = 16;
			s += 2;
		} else {
			base = 8;
		}
	}
	for (; *s; s++, n++) {
		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (isxdigit((unsigned char)*s))
			d = (unsigned int)(tolower(*s) - 'a' + 10);
		else
			break;
		if (d >= base)
			break;
		if (r > (0xffffffffULL - d) / base)
			return -1;
		r = r * base + d;
	}
	if (!n)
		return -1;
	if (*s == '\n')
		s++;
	if (*s)
		return -1;
	*v = r;
	return 0;
}

/* What sysfs hands the module: the bytes up to the first NUL. */
static void param_str(const unsigned char *in, size_t len, char *out)
{
	size_t n = strnlen((const char *)in, len);

	memcpy(out, in, n);
	out[n] = '\0';
}

static int timeout_model(const unsigned char *in, size_t len,
			 unsigned long long *v)
{
	static char s[BUFMAX + 1];

	if (len > 4096)
		return 0;	/* longer than a sysfs write */
	param_str(in, len, s);
	return !k_uint0(s, v) && *v >= 1 && *v <= 3600 * 1000;
}

static int stacks_model(const unsigned char *in, size_t len, int *v)
{
	static char s[BUFMAX + 1];

	if (len > 4096)
		return 0;
	param_str(in, len, s);
	if (!s[0] || !strchr("yYtT1nNfF0", s[0]) ||
	    (s[1] && (s[1] != '\n' || s[2])))
		return 0;
	*v = strchr("yYtT1", s[0]) != NULL;
	return 1;
}

static const char * const timeout_valid[] = {
	"1000", "1\n", "3600000", "0x10", "017", "+250", "999\n", "0X3e8",
	"3600001", "0", "4294967296", "-5",
};
static const char * const stacks_valid[] = {
	"0", "1\n", "y", "N\n", "t", "F", "on", "off", "yes", "2",
};

static char *param_read(const char *name)
{
	char path[128], *buf;
	size_t len;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	return wo_read_file(path, &buf, &len) ? NULL : buf;
}

TEST_F_TIMEOUT(fz, runtime_parameters, 900)
{
	static unsigned char b[BUFMAX + 8];
	long i, n1 = wo_iters(2000), n2 = wo_iters(1200), rej = 0, acc = 0;
	char what[96], *cur, expect[32];

	for (i = 0; i < n1 + n2; i++) {
		int is_to = i < n1, want, rc, sv = 0;
		unsigned long long v = 0;
		size_t len;

		do {	/* sysfs ignores an empty write: no input */
			len = is_to ? gen(b, timeout_valid, 12, 64) :
				      gen(b, stacks_valid, 10, 64);
		} while (!len);
		want = is_to ? timeout_model(b, len, &v) : stacks_model(b, len, &sv);
		rc = write_raw(is_to ? PARAMS "tk_timeout_ms" : PARAMS "stacks",
			       b, len);
		show(what, sizeof(what), b, len);
		if (!want) {
			rej++;
			ASSERT_NE(0, rc) {
				TH_LOG("%s: '%s' (%zu bytes) accepted",
				       is_to ? "tk_timeout_ms" : "stacks", what, len);
			}
			continue;
		}
		acc++;
		ASSERT_EQ(0, rc) {
			TH_LOG("%s: '%s' rejected: %d",
			       is_to ? "tk_timeout_ms" : "stacks", what, rc);
		}
		/* It took effect, exactly. */
		cur = param_read(is_to ? "tk_timeout_ms" : "stacks");
		ASSERT_NE(NULL, cur);
		if (is_to)
			snprintf(expect, sizeof(expect), "%llu\n", v);
		else
			snprintf(expect, sizeof(expect), "%c\n", sv ? 'Y' : 'N');
		EXPECT_STREQ(expect, cur) {
			TH_LOG("after '%s'", what);
		}
		free(cur);
	}
	ASSERT_EQ(0, wo_write_str(PARAMS "tk_timeout_ms", "1000"));
	ASSERT_EQ(0, wo_write_str(PARAMS "stacks", "1"));
	printf("# fuzz tk_timeout_ms + stacks: %ld inputs, %ld rejected, %ld accepted and read back\n",
	       n1 + n2, rej, acc);
	fflush(stdout);
	EXPECT_LT((n1 + n2) / 4, rej);
	EXPECT_LT((n1 + n2) / 20, acc);
	still_works(_metadata);
}

/* Files and parameters that are not writable refuse every write. */
TEST_F_TIMEOUT(fz, read_only_files, 600)
{
	static const char * const ro[] = {
		WO_DIR "/summary", WO_DIR "/events", WO_DIR "/wake_flags",
		WO_DIR "/tk_hooks", WO_DIR "/stacks", PARAMS "bufsize_kb",
		PARAMS "max_inflight", PARAMS "max_runs", PARAMS "tk_hooks",
	};
	static unsigned char b[BUFMAX + 8];
	long i, n = wo_iters(540);
	char *before, *after;

	before = param_read("bufsize_kb");
	ASSERT_NE(NULL, before);
	for (i = 0; i < n; i++) {
		const char *path = ro[i % 9];
		size_t len;

		do {
			len = gen(b, ctl_valid, NVALID, CTL_MAX);
		} while (!len);
		if (i % 9 >= 5 && len > 16)
			len = (size_t)snprintf((char *)b, 16, "%u", 4 + rndn(100));
		EXPECT_NE(0, write_raw(path, b, len)) {
			TH_LOG("write to %s accepted", path);
		}
	}
	after = param_read("bufsize_kb");
	ASSERT_NE(NULL, after);
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
	printf("# fuzz read-only files and parameters: %ld writes, all refused\n", n);
	fflush(stdout);
	still_works(_metadata);
}

/*
 * Load-time parameters: a bad value makes insmod fail (-EINVAL), a good
 * one loads.  Each try is a whole finit_module(), so fewer of them.
 */
static const struct {
	const char *name;
	unsigned long long min, max;	/* max 0: the stacks boolean */
} load_params[] = {
	{ "bufsize_kb", 4, 65536 }, { "max_inflight", 64, 1 << 20 },
	{ "max_runs", 1, 4096 }, { "tk_timeout_ms", 1, 3600 * 1000 },
	{ "stacks", 0, 0 },
};

static const char * const load_vals[] = {
	"0", "3", "4", "65537", "-1", "x", "1x", "0x", "99999999999999999999",
	"", "4,5", "0b1", "0x1000000000", "\x01", "on", "1", "64", "0x40",
	"4097", "3600001", "N", "yes",
};

TEST_F_TIMEOUT(fz, load_parameters, 900)
{
	long i, n = wo_iters(150), rej = 0, acc = 0;
	char params[160];
	int rc;

	wo_unload();
	for (i = 0; i < n; i++) {
		unsigned int p = i % 5;
		const char *val = load_vals[rndn(sizeof(load_vals) / sizeof(load_vals[0]))];
		unsigned long long v;
		int want, sv;

		if (load_params[p].max)
			want = !k_uint0(val, &v) && v >= load_params[p].min &&
			       v <= load_params[p].max;
		else
			want = stacks_model((const unsigned char *)val,
					    strlen(val), &sv);
		snprintf(params, sizeof(params), "%s=%s", load_params[p].name, val);
		rc = wo_load(params);
		if (want) {
			acc++;
			EXPECT_EQ(0, rc) {
				TH_LOG("insmod %s gave %d", params, rc);
			}
		} else {
			rej++;
			EXPECT_EQ(-EINVAL, rc) {
				TH_LOG("insmod %s gave %d", params, rc);
			}
		}
		if (!rc)
			ASSERT_EQ(0, wo_unload());
	}
	/*
	 * Unknown, empty or repeated timekeeping functions: refused by the
	 * module's init.
	 */
	for (i = 0; i < 6; i++) {
		static const char * const hooks[] = {
			"nosuchfn", "ktime_get,", ",", "ktime_get,,ktime_get",
			"printk", "ktime_get,ktime_get",
		};

		snprintf(params, sizeof(params), "tk_hooks=%s", hooks[i]);
		rc = wo_load(params);
		EXPECT_NE(0, rc) {
			TH_LOG("insmod %s loaded", params);
		}
		if (!rc)
			wo_unload();
		rej++;
	}
	printf("# fuzz load-time parameters: %ld insmods, %ld refused with -EINVAL, %ld loaded\n",
	       rej + acc, rej, acc);
	fflush(stdout);
	EXPECT_LT(0, acc);
	ASSERT_EQ(0, wo_load(NULL));
	still_works(_metadata);
}

/* The counts above, added up (each test runs in its own process). */
TEST(total_inputs)
{
	long total = wo_iters(7000) + wo_iters(2000) + wo_iters(1200) +
		     wo_iters(540) + wo_iters(150) + 6;

	printf("# fuzz: %ld inputs in all to control, 2 runtime and 5 load-time parameters, 9 read-only files\n",
	       total);
	fflush(stdout);
	EXPECT_LE(wo_iters(10000), total);
}

TEST_HARNESS_MAIN
