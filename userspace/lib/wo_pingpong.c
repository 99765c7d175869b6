// SPDX-License-Identifier: GPL-2.0
/* The shared ping-pong workload: see wo_pingpong.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wo_pingpong.h"

/* Shared with the pair: written by the parent before go, and by ping. */
struct wo_pp_shared {
	uint64_t rounds;
	double end;		/* ping's deadline (CLOCK_MONOTONIC, s) */
};

int wo_pin(pid_t pid, int a, int b)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(a, &set);
	if (b >= 0)
		CPU_SET(b, &set);
	return sched_setaffinity(pid, sizeof(set), &set);
}

void wo_clock_read(enum wo_pp_clock how)
{
	struct timespec ts;

	if (how == WO_PP_CLOCK_LIBC)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	else if (how == WO_PP_CLOCK_SYSCALL)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void wo_pp_cfg_init(struct wo_pp_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ping_cpu[0] = cfg->ping_cpu[1] = -1;
	cfg->pong_cpu[0] = cfg->pong_cpu[1] = -1;
}

/* Sleep while more than 1 ms ahead of @rate round trips/s since @t0. */
static void pace(double t0, uint64_t i, double rate)
{
	double ahead = t0 + i / rate - now();
	struct timespec ts;

	if (ahead <= 1e-3)
		return;
	ts.tv_sec = (time_t)ahead;
	ts.tv_nsec = (long)((ahead - (time_t)ahead) * 1e9);
	nanosleep(&ts, NULL);
}

static void ping_loop(const struct wo_pp_cfg *c, struct wo_pp_shared *sh,
		      int in, int out)
{
	double t0 = c->rate > 0 ? now() : 0;
	uint64_t i = 0;
	char ch = 'x';

	while (!c->rounds || i < (uint64_t)c->rounds) {
		if (c->secs > 0 && now() >= sh->end)
			break;
		if (write(out, &ch, 1) != 1 || read(in, &ch, 1) != 1)
			_exit(1);
		wo_clock_read(c->clock);
		__atomic_store_n(&sh->rounds, ++i, __ATOMIC_RELAXED);
		if (c->rate > 0 && (i & 15) == 0)
			pace(t0, i, c->rate);
	}
	_exit(0);
}

/* Until ping closes its end (when not counting rounds). */
static void pong_loop(const struct wo_pp_cfg *c, int in, int out)
{
	ssize_t n;
	long i;
	char ch;

	for (i = 0; !c->rounds || i < c->rounds; i++) {
		n = read(in, &ch, 1);
		if (n == 0 && !c->rounds)
			break;
		if (n != 1)
			_exit(1);
		wo_clock_read(c->clock);
		if (write(out, &ch, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/*
 * Close every descriptor above stderr but @go, @in and @out: a task
 * holding another pair's go pipe or its own pipes' other ends would keep
 * that pair held or its partner from seeing EOF.
 */
static void keep_only(int go, int in, int out)
{
	int keep[3] = { go, in, out }, i, j, t, lo = 3;

	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	for (i = 0; i < 3; i++) {
		if (keep[i] > lo && close_range(lo, keep[i] - 1, 0))
			_exit(1);
		lo = keep[i] + 1;
	}
	if (close_range(lo, ~0U, 0))
		_exit(1);
}

static pid_t spawn(const struct wo_pp_cfg *c, struct wo_pp_shared *sh,
		   const int go[2], int in, int out, int is_ping)
{
	pid_t pid = fork();
	char ch;

	if (pid)
		return pid;
	keep_only(go[0], in, out);
	if (read(go[0], &ch, 1) != 0)
		_exit(1);
	close(go[0]);
	if (is_ping)
		ping_loop(c, sh, in, out);
	pong_loop(c, in, out);
	return 0;
}

static int pin_side(pid_t pid, const int cpu[2])
{
	if (cpu[0] < 0 && cpu[1] < 0)
		return 0;
	return cpu[0] < 0 ? wo_pin(pid, cpu[1], -1) : wo_pin(pid, cpu[0], cpu[1]);
}

static void close_fds(int *fd, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

int wo_pingpong_start_cfg(struct wo_pingpong *pp, const struct wo_pp_cfg *cfg)
{
	/* a: ping -> pong, b: pong -> ping */
	int fd[6] = { -1, -1, -1, -1, -1, -1 }, *a = fd, *b = fd + 2, *go = fd + 4;
	int err;

	memset(pp, 0, sizeof(*pp));
	pp->ping = pp->pong = -1;
	pp->go_fd = -1;
	pp->secs = cfg->secs;
	pp->sh = mmap(NULL, sizeof(*pp->sh), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pp->sh == MAP_FAILED) {
		pp->sh = NULL;
		return -1;
	}
	if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		goto fail;
	pp->ping = spawn(cfg, pp->sh, go, b[0], a[1], 1);
	if (pp->ping < 0)
		goto fail;
	pp->pong = spawn(cfg, pp->sh, go, a[0], b[1], 0);
	if (pp->pong < 0)
		goto fail;
	if (pin_side(pp->ping, cfg->ping_cpu) || pin_side(pp->pong, cfg->pong_cpu))
		goto fail;
	pp->go_fd = go[1];
	go[1] = -1;
	close_fds(fd, 6);
	return 0;
fail:
	err = errno;
	/* Killed before the go pipe closes: they never run a round. */
	reap(pp->ping);
	reap(pp->pong);
	close_fds(fd, 6);
	munmap(pp->sh, sizeof(*pp->sh));
	pp->sh = NULL;
	pp->waited = 1;
	errno = err;
	return -1;
}

int wo_pingpong_start(struct wo_pingpong *pp, long rounds)
{
	struct wo_pp_cfg cfg;

	wo_pp_cfg_init(&cfg);
	cfg.rounds = rounds;
	return wo_pingpong_start_cfg(pp, &cfg);
}

/* Closing the write end wakes both tasks with EOF at once. */
void wo_pingpong_go(struct wo_pingpong *pp)
{
	if (pp->go_fd < 0)
		return;
	if (pp->sh && pp->secs > 0)
		pp->sh->end = now() + pp->secs;
	close(pp->go_fd);
	pp->go_fd = -1;
}

uint64_t wo_pingpong_rounds(const struct wo_pingpong *pp)
{
	if (!pp->sh)
		return pp->rounds_done;
	return __atomic_load_n(&pp->sh->rounds, __ATOMIC_RELAXED);
}

int wo_pingpong_wait(struct wo_pingpong *pp)
{
	int s1 = 1, s2 = 1;

	if (pp->waited)
		return -1;
	waitpid(pp->ping, &s1, 0);
	waitpid(pp->pong, &s2, 0);
	pp->waited = 1;
	pp->rounds_done = wo_pingpong_rounds(pp);
	munmap(pp->sh, sizeof(*pp->sh));
	pp->sh = NULL;
	return WIFEXITED(s1) && !WEXITSTATUS(s1) && WIFEXITED(s2) &&
	       !WEXITSTATUS(s2) ? 0 : -1;
}

void wo_pingpong_kill(struct wo_pingpong *pp)
{
	if (pp->waited)
		return;
	wo_pingpong_go(pp);
	kill(pp->ping, SIGKILL);
	kill(pp->pong, SIGKILL);
	wo_pingpong_wait(pp);
}

long wo_pingpong_run(const struct wo_pp_cfg *cfg)
{
	struct wo_pingpong pp;

	if (wo_pingpong_start_cfg(&pp, cfg))
		return -1;
	wo_pingpong_go(&pp);
	if (wo_pingpong_wait(&pp)) {
		errno = EIO;	/* a task failed */
		return -1;
	}
	return (long)wo_pingpong_rounds(&pp);
}
