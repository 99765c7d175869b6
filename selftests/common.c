// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

const char *wo_ko_path(void)
{
	const char *p = getenv("WAKEOFF_KO");

	return p && *p ? p : "/mnt/wakeoff.ko";
}

int wo_load(const char *params)
{
	int fd = open(wo_ko_path(), O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = (int)syscall(SYS_finit_module, fd, params ? params : "", 0);
	rc = rc ? -errno : 0;
	close(fd);
	return rc;
}

int wo_unload(void)
{
	return syscall(SYS_delete_module, "wakeoff", O_NONBLOCK) ? -errno : 0;
}

int wo_is_loaded(void)
{
	return access("/sys/module/wakeoff", F_OK) == 0;
}

int wo_summary_read(struct wo_summary *s)
{
	char *buf, err[160];
	size_t len;
	int rc;

	if (wo_read_file(WO_SUMMARY, &buf, &len)) {
		fprintf(stderr, "# %s: %s\n", WO_SUMMARY, strerror(errno));
		return -1;
	}
	rc = wo_summary_parse(buf, len, s, err, sizeof(err));
	if (rc)
		fprintf(stderr, "# %s: %s\n", WO_SUMMARY, err);
	free(buf);
	return rc;
}

uint64_t wo_summary_u64(const char *key)
{
	struct wo_summary s;
	uint64_t v;

	if (wo_summary_read(&s))
		abort();
	if (wo_summary_get_u64(&s, key, &v)) {
		fprintf(stderr, "# summary has no numeric key %s\n", key);
		abort();
	}
	wo_summary_free(&s);
	return v;
}

const char *wo_summary_get_str(const char *key)
{
	static char buf[4][256];
	static unsigned int next;
	struct wo_summary s;
	const char *v;
	char *out = NULL;

	if (wo_summary_read(&s))
		return NULL;
	v = wo_summary_get(&s, key);
	if (v) {
		out = buf[next++ % 4];
		snprintf(out, sizeof(buf[0]), "%s", v);
	}
	wo_summary_free(&s);
	return out;
}

int wo_summary_get_u64_opt(const char *key, uint64_t *v)
{
	struct wo_summary s;
	int rc;

	if (wo_summary_read(&s))
		return -1;
	rc = wo_summary_get_u64(&s, key, v);
	wo_summary_free(&s);
	return rc;
}

int wo_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	ssize_t w;
	int e;

	if (fd < 0)
		return -errno;
	w = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	if (w < 0)
		return -e;
	return (size_t)w == strlen(s) ? 0 : -EIO;
}

int wo_control(const char *cmd)
{
	return wo_write_str(WO_CONTROL, cmd);
}

long wo_iters(long n)
{
	const char *p = getenv("WAKEOFF_ITER_PCT");
	long pct = p && *p ? strtol(p, NULL, 10) : 100;

	if (pct <= 0 || pct > 100)
		pct = 100;
	n = n * pct / 100;
	return n > 0 ? n : 1;
}

unsigned long wo_bad_taint(void)
{
	char *buf;
	size_t len;
	unsigned long t;

	if (wo_read_file("/proc/sys/kernel/tainted", &buf, &len))
		return ~0UL;
	t = strtoul(buf, NULL, 10);
	free(buf);
	/* TAINT_BAD_PAGE (5), TAINT_DIE (7), TAINT_WARN (9) */
	return t & ((1UL << 5) | (1UL << 7) | (1UL << 9));
}

long wo_trace_count(const char *needle)
{
	FILE *f = fopen(TRACEFS "/trace", "re");
	char *line = NULL;
	size_t cap = 0;
	long n = 0;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0)
		if (line[0] != '#' && strstr(line, needle))
			n++;
	free(line);
	fclose(f);
	return n;
}

long wo_events_drain(char **out)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	int fd = open(WO_DIR "/events", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || !buf) {
		int e = fd < 0 ? errno : ENOMEM;

		free(buf);
		if (fd >= 0)
			close(fd);
		return -e;
	}
	for (;;) {
		ssize_t r;

		if (cap - len < 65536) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, 65536);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	*out = buf;
	return (long)len;
}

const void *wo_next_record(const char *buf, long len, long *off, int type)
{
	while (*off + (long)sizeof(struct wakeoff_rec_hdr) <= len) {
		const struct wakeoff_rec_hdr *h = (const void *)(buf + *off);

		if (wakeoff_rec_check(h, len - *off)) {
			fprintf(stderr, "# corrupt record at offset %ld\n", *off);
			*off = len;
			return NULL;
		}
		*off += h->size;
		if (h->type == type)
			return h;
	}
	return NULL;
}

unsigned int wo_flag(const char *name)
{
	struct wo_summary s;
	char *buf, err[128];
	const char *v;
	size_t len;
	unsigned int f = 0;

	if (wo_read_file(WO_DIR "/wake_flags", &buf, &len))
		return 0;
	if (!wo_summary_parse(buf, len, &s, err, sizeof(err))) {
		v = wo_summary_get(&s, name);
		if (v)
			f = (unsigned int)strtoul(v, NULL, 16);
		wo_summary_free(&s);
	}
	free(buf);
	return f;
}

int wo_tk_index(const char *name)
{
	FILE *f = fopen(WO_DIR "/tk_hooks", "re");
	char line[256], fn[128], st[32];
	int idx, found = -1;

	if (!f)
		return -1;
	/* Line by line: a missing hook has more words ("missing (-2)"). */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %127s %31s", &idx, fn, st) == 3 &&
		    !strcmp(fn, name) && !strcmp(st, "attached"))
			found = idx;
	fclose(f);
	return found;
}

int wo_clock_child_start(struct wo_clock_child *cc)
{
	int a[2], b[2];
	char c;

	if (pipe(a) || pipe(b))
		return -1;
	cc->pid = fork();
	if (cc->pid == 0) {
		struct timespec ts;

		/* Keep no write end of our own input: EOF must end us. */
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1) {
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
			if (write(b[1], &c, 1) != 1)
				break;
		}
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	cc->to = a[1];
	cc->from = b[0];
	return cc->pid > 0 ? 0 : -1;
}

int wo_clock_child_rounds(struct wo_clock_child *cc, int n, int alt_us)
{
	char c = 'x';
	int i;

	for (i = 0; i < n; i++) {
		if (write(cc->to, &c, 1) != 1 || read(cc->from, &c, 1) != 1)
			return -1;
		if (alt_us > 0) {
			usleep(alt_us);	/* let it block in read() again */
			if (wo_pin(cc->pid, i % 2 ? 1 : 2, -1))
				return -1;
		}
	}
	return 0;
}

void wo_clock_child_stop(struct wo_clock_child *cc)
{
	close(cc->to);
	close(cc->from);
	waitpid(cc->pid, NULL, 0);
}
