// SPDX-License-Identifier: GPL-2.0
/*
 * wo_bench: the workloads of `make bench`, linked statically so that it
 * runs in the busybox initramfs of the VM bench.  Each one measures its
 * own window (the tracer under test is already attached when it starts)
 * and prints one line:
 *
 *   wo_bench: workload=NAME ops=N secs=S ops_per_s=R
 *
 *   wo_bench pingpong SECS CPU_A CPU_B [RATE [PAIRS]]
 *       two tasks bounce one byte over a pair of pipes (the shared
 *       workload, userspace/lib/wo_pingpong.h), pinned to CPU_A
 *       and CPU_B (may be equal); one op = one round trip = 2 wakeups.
 *       RATE > 0 paces each initiator to RATE round trips per second
 *       (it sleeps whenever it is more than 1 ms ahead).  PAIRS > 1 runs
 *       that many pairs, pair i pinned to CPU_A + i and CPU_B + i
 *       (modulo the online CPUs); ops add up.
 *   wo_bench messaging SECS GROUPS FDS
 *       hackbench-style: GROUPS groups of FDS senders and FDS receivers
 *       over AF_UNIX stream socketpairs; every sender writes 100-byte
 *       messages round-robin to the receivers of its group.  The socket
 *       buffers are the smallest the kernel allows, so that senders and
 *       receivers block and wake each other often.  One op = one message
 *       received.
 *   wo_bench clock SECS CPU
 *       clock_gettime(CLOCK_MONOTONIC) as a raw syscall in a loop (the
 *       vDSO would never enter the kernel); the task is never woken, so
 *       wakeoff's timekeeping hooks stay on their cheap path.  One op =
 *       one syscall.
 *   wo_bench clock_libc SECS CPU
 *       the same through the C library's clock_gettime() (the vDSO, or
 *       the syscall when the clocksource has no vDSO mode); built as
 *       wo_bench_dyn it calls the shared libc, where `wakeoff uprobe libc`
 *       puts its hooks.
 *   wo_bench idle SECS
 *       sleeps: a process that maps the shared libc and does nothing (the
 *       process the uprobes are scoped to, when wo_bench_dyn).
 *
 * The counters live in shared memory; the parent samples them after
 * SECS and kills the children, so nothing after the window is counted.
 * ops_total/total_secs cover everything from "go" to the kill (to relate
 * a tracer's event counters, which include the warm-up, to the ops).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../userspace/lib/wo_pingpong.h"

#define MSG_SIZE	100
#define MAX_CHILDREN	512

struct shared {
	volatile int go;
	volatile int stop;
	/* One counter per receiver, each on its own cache line. */
	struct {
		volatile uint64_t n;
		char pad[56];
	} cnt[MAX_CHILDREN];
};

static struct shared *sh;
static pid_t kids[MAX_CHILDREN * 2];
static int nkids;
/* The ping-pong pairs: their round trips are the ops. */
static struct wo_pingpong pairs[MAX_CHILDREN];
static int npairs;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double parse_num(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || v < 0) {
		fprintf(stderr, "wo_bench: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static void wait_go(void)
{
	while (!sh->go)
		usleep(1000);
}

static void usage(void);

static uint64_t total(int n)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < npairs; i++)
		s += wo_pingpong_rounds(&pairs[i]);
	for (i = 0; i < n && !npairs; i++)
		s += sh->cnt[i].n;
	return s;
}

/* Start the children, let them run SECS, sample the counters, kill. */
static void measure(const char *name, double secs, int ncnt)
{
	double tg, t0, t1, t2;
	uint64_t c0, c1, c2;
	int i;

	usleep(100000);		/* children forked, pinned and waiting */
	tg = now();
	sh->go = 1;
	for (i = 0; i < npairs; i++)
		wo_pingpong_go(&pairs[i]);
	usleep(50000);		/* warm-up: everyone is running */
	c0 = total(ncnt);
	t0 = now();
	usleep((useconds_t)(secs * 1e6));
	c1 = total(ncnt);
	t1 = now();
	sh->stop = 1;
	c2 = total(ncnt);
	t2 = now();
	for (i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < nkids; i++)
		waitpid(kids[i], NULL, 0);
	for (i = 0; i < npairs; i++)
		wo_pingpong_kill(&pairs[i]);
	printf("wo_bench: workload=%s ops=%llu secs=%.6f ops_per_s=%.1f ops_total=%llu total_secs=%.6f\n",
	       name, (unsigned long long)(c1 - c0), t1 - t0,
	       (c1 - c0) / (t1 - t0), (unsigned long long)c2, t2 - tg);
}

static void run_pingpong(double secs, int cpu_a, int cpu_b, double rate,
			 int pairs_n)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct wo_pp_cfg cfg;

	if (pairs_n < 1 || pairs_n > MAX_CHILDREN)
		usage();
	wo_pp_cfg_init(&cfg);
	cfg.rate = rate;
	for (npairs = 0; npairs < pairs_n; npairs++) {
		cfg.ping_cpu[0] = (cpu_a + npairs) % ncpu;
		cfg.pong_cpu[0] = (cpu_b + npairs) % ncpu;
		if (wo_pingpong_start_cfg(&pairs[npairs], &cfg)) {
			perror("wo_bench: pingpong");
			while (npairs--)
				wo_pingpong_kill(&pairs[npairs]);
			exit(1);
		}
	}
	measure("pingpong", secs, pairs_n);
}

/* messaging */
static void run_messaging(double secs, int groups, int nfds)
{
	int g, r, s, sv[2], one = 1;

	if (groups * nfds > MAX_CHILDREN || groups < 1 || nfds < 1) {
		fprintf(stderr, "wo_bench: at most %d receivers\n", MAX_CHILDREN);
		exit(2);
	}
	for (g = 0; g < groups; g++) {
		int wfd[MAX_CHILDREN];

		/* Receivers: each owns one socketpair; senders write to it. */
		for (r = 0; r < nfds; r++) {
			int idx = g * nfds + r;
			pid_t pid;

			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
				die("socketpair");
			/* The kernel rounds these up to its minimum. */
			setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
			setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
			pid = fork();
			if (pid < 0)
				die("fork");
			if (pid == 0) {
				char buf[MSG_SIZE];
				size_t got = 0;
				ssize_t n;

				close(sv[1]);
				for (;;) {
					n = read(sv[0], buf + got, MSG_SIZE - got);
					if (n <= 0)
						_exit(n ? 1 : 0);
					got += n;
					if (got == MSG_SIZE) {
						got = 0;
						sh->cnt[idx].n++;
					}
				}
			}
			kids[nkids++] = pid;
			close(sv[0]);
			wfd[r] = sv[1];
		}
		for (s = 0; s < nfds; s++) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (pid == 0) {
				char buf[MSG_SIZE];

				memset(buf, 's', sizeof(buf));
				wait_go();
				for (r = 0;; r = (r + 1) % nfds)
					if (write(wfd[r], buf, MSG_SIZE) != MSG_SIZE)
						_exit(1);
			}
			kids[nkids++] = pid;
		}
		for (r = 0; r < nfds; r++)
			close(wfd[r]);
	}
	measure("messaging", secs, groups * nfds);
}

/* clock_gettime syscall loop; its warm-up reads are printed too (an
 * instruction count around the whole run includes them) */
#define CLK_WARMUP 10000
static volatile sig_atomic_t clk_stop;

static void on_alarm(int sig)
{
	(void)sig;
	clk_stop = 1;
}

/* One read: the raw syscall, or the C library's function. */
static inline void clk_read(int libc, struct timespec *ts)
{
	if (libc)
		clock_gettime(CLOCK_MONOTONIC, ts);
	else
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts);
}

static void run_clock(double secs, int cpu, int libc)
{
	struct itimerval it = { .it_value = {
		.tv_sec = (time_t)secs,
		.tv_usec = (suseconds_t)((secs - (time_t)secs) * 1e6),
	} };
	struct timespec ts, t0, t1;
	uint64_t n = 0;
	double el;

	pin(cpu);
	signal(SIGALRM, on_alarm);
	for (n = 0; n < CLK_WARMUP; n++)	/* warm-up */
		clk_read(libc, &ts);
	n = 0;
	if (setitimer(ITIMER_REAL, &it, NULL))
		die("setitimer");
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t0);
	while (!clk_stop) {
		clk_read(libc, &ts);
		n++;
	}
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t1);
	el = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("wo_bench: workload=%s ops=%llu secs=%.6f ops_per_s=%.1f ops_total=%llu total_secs=%.6f warmup_ops=%d\n",
	       libc ? "clock_libc" : "clock", (unsigned long long)n, el, n / el,
	       (unsigned long long)n, el, CLK_WARMUP);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: wo_bench pingpong SECS CPU_A CPU_B [RATE [PAIRS]]\n"
		"       wo_bench messaging SECS GROUPS FDS\n"
		"       wo_bench clock SECS CPU\n"
		"       wo_bench clock_libc SECS CPU\n"
		"       wo_bench idle SECS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double secs;

	if (argc < 3)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	secs = parse_num(argv[2], "SECS");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	if (!strcmp(argv[1], "pingpong") && argc >= 5 && argc <= 7)
		run_pingpong(secs, (int)parse_num(argv[3], "CPU_A"),
			     (int)parse_num(argv[4], "CPU_B"),
			     argc >= 6 ? parse_num(argv[5], "RATE") : 0,
			     argc >= 7 ? (int)parse_num(argv[6], "PAIRS") : 1);
	else if (!strcmp(argv[1], "messaging") && argc == 5)
		run_messaging(secs, (int)parse_num(argv[3], "GROUPS"),
			      (int)parse_num(argv[4], "FDS"));
	else if (!strcmp(argv[1], "clock") && argc == 4)
		run_clock(secs, (int)parse_num(argv[3], "CPU"), 0);
	else if (!strcmp(argv[1], "clock_libc") && argc == 4)
		run_clock(secs, (int)parse_num(argv[3], "CPU"), 1);
	else if (!strcmp(argv[1], "idle") && argc == 3)
		sleep((unsigned int)secs);
	else
		usage();
	return 0;
}
