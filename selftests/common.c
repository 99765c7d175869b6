// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

static void bounce(int in, int out, int first, long rounds)
{
	char c = 'x';
	long i;

	for (i = 0; rounds == 0 || i < rounds; i++) {
		if (first && write(out, &c, 1) != 1)
			_exit(1);
		if (read(in, &c, 1) != 1)
			_exit(1);
		if (!first && write(out, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

int wo_pingpong_start(struct wo_pingpong *pp, long rounds)
{
	int a[2], b[2], go[2];
	char c;

	if (pipe(a) || pipe(b) || pipe(go))
		return -1;
	pp->ping = fork();
	if (pp->ping == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 0)
			_exit(1);
		bounce(b[0], a[1], 1, rounds);
	}
	pp->pong = fork();
	if (pp->pong == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 0)
			_exit(1);
		bounce(a[0], b[1], 0, rounds);
	}
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	close(go[0]);
	pp->go_fd = go[1];
	return pp->ping > 0 && pp->pong > 0 ? 0 : -1;
}

/* Closing the write end wakes both children with EOF at once. */
void wo_pingpong_go(struct wo_pingpong *pp)
{
	if (pp->go_fd >= 0)
		close(pp->go_fd);
	pp->go_fd = -1;
}

int wo_pingpong_wait(struct wo_pingpong *pp)
{
	int s1 = 1, s2 = 1;

	waitpid(pp->ping, &s1, 0);
	waitpid(pp->pong, &s2, 0);
	return WIFEXITED(s1) && !WEXITSTATUS(s1) && WIFEXITED(s2) &&
	       !WEXITSTATUS(s2) ? 0 : -1;
}

void wo_pingpong_kill(struct wo_pingpong *pp)
{
	wo_pingpong_go(pp);
	kill(pp->ping, SIGKILL);
	kill(pp->pong, SIGKILL);
	wo_pingpong_wait(pp);
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
