// SPDX-License-Identifier: GPL-2.0
/*
 * Reliability: teardown under load with readers in the way, two readers
 * on one events file, summary and control hammered concurrently, exact
 * per-CPU overflow accounting, and the security properties of the files.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define WO_EVENTS	WO_DIR "/events"
#define MAXCPU		64

static const char * const wo_files[] = {
	"summary", "control", "events", "wake_flags", "tk_hooks", "stacks",
};
#define NFILES (sizeof(wo_files) / sizeof(wo_files[0]))

/*
 * After a failed assertion: end the readers and workloads this test
 * forked (its own process group, see the harness), so that the module
 * can go and the next test starts clean.
 */
static void reap_children(void)
{
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0)
		;
}

static int unload_patiently(void);

FIXTURE(unloaded) {
	int unused;
};

FIXTURE_SETUP(unloaded)
{
	if (wo_is_loaded())
		ASSERT_EQ(0, wo_unload());
}

FIXTURE_TEARDOWN(unloaded)
{
	reap_children();
	unload_patiently();
}

FIXTURE(loaded) {
	int unused;
};

FIXTURE_SETUP(loaded)
{
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
}

FIXTURE_TEARDOWN(loaded)
{
	reap_children();
	unload_patiently();
}

/* rmmod of a module in use fails at once (O_NONBLOCK): EWOULDBLOCK. */
static int in_use_error(int rc)
{
	return rc == -EWOULDBLOCK || rc == -EBUSY;
}

/* Unload, waiting up to 2 s for a just-killed reader's file to close. */
static int unload_patiently(void)
{
	int i, rc = -1;

	for (i = 0; i < 200; i++) {
		rc = wo_unload();
		if (!in_use_error(rc))
			break;
		usleep(10000);
	}
	return rc;
}

/*
 * A reader that opens events, says so on @ready, then reads (blocking)
 * until killed.  It never exits on its own.
 */
static pid_t blocked_reader(void)
{
	int p[2];
	pid_t pid;
	char c = 'r';

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		static char buf[1 << 16];
		int fd = open(WO_EVENTS, O_RDONLY);

		close(p[0]);
		if (fd < 0)
			_exit(2);
		if (write(p[1], &c, 1) != 1)
			_exit(3);
		for (;;)
			if (read(fd, buf, sizeof(buf)) < 0 && errno != EINTR)
				_exit(4);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1) {
		close(p[0]);
		return -1;
	}
	close(p[0]);
	return pid;
}

/*
 * 50 insmod/rmmod cycles while two ping-pong pairs wake each other:
 * each cycle a reader blocks in read(); rmmod must then fail cleanly
 * (the open file pins the module); the reader is killed in the middle
 * of its read and rmmod succeeds.
 */
TEST_F_TIMEOUT(unloaded, cycles_with_blocked_reader, 900)
{
	long i, n = wo_iters(50), busy_refusals = 0;
	struct wo_pingpong pp[2];
	int j, st;

	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], 0));
		wo_pingpong_go(&pp[j]);
	}
	for (i = 0; i < n; i++) {
		struct wo_summary s;
		pid_t r;
		int rc;

		ASSERT_EQ(0, wo_load(i % 2 ? "bufsize_kb=4" : NULL)) {
			TH_LOG("load %ld", i);
		}
		r = blocked_reader();
		ASSERT_LT(0, r);
		usleep(i % 3 ? 20000 : 1000);
		ASSERT_EQ(0, wo_summary_read(&s));
		wo_summary_free(&s);
		rc = wo_unload();
		EXPECT_TRUE(in_use_error(rc)) {
			TH_LOG("cycle %ld: rmmod with a reader gave %d", i, rc);
		}
		busy_refusals += in_use_error(rc);
		ASSERT_TRUE(wo_is_loaded());
		ASSERT_EQ(0, kill(r, SIGKILL));
		ASSERT_EQ(r, waitpid(r, &st, 0));
		/* Killed inside read(), not ended by a read error. */
		EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
			TH_LOG("cycle %ld: reader status 0x%x", i, st);
		}
		ASSERT_EQ(0, unload_patiently()) {
			TH_LOG("unload %ld", i);
		}
		ASSERT_EQ(0, wo_bad_taint());
	}
	for (j = 0; j < 2; j++)
		wo_pingpong_kill(&pp[j]);
	printf("# teardown: %ld insmod/rmmod cycles survived under load, %ld rmmods refused while a reader blocked in read()\n",
	       n, busy_refusals);
	fflush(stdout);
	EXPECT_EQ(n, busy_refusals);
}

/* Any open file pins the module: rmmod fails cleanly, the file still works. */
TEST_F(loaded, rmmod_refused_while_any_file_open)
{
	char buf[4096];
	unsigned int i;
	int fd, rc;

	for (i = 0; i < NFILES; i++) {
		char path[128];
		ssize_t r;

		snprintf(path, sizeof(path), WO_DIR "/%s", wo_files[i]);
		fd = open(path, O_RDONLY | O_NONBLOCK);
		ASSERT_LE(0, fd) {
			TH_LOG("%s: %s", path, strerror(errno));
		}
		rc = wo_unload();
		EXPECT_TRUE(in_use_error(rc)) {
			TH_LOG("rmmod with %s open gave %d", path, rc);
		}
		ASSERT_TRUE(wo_is_loaded());
		r = read(fd, buf, sizeof(buf));
		if (!strcmp(wo_files[i], "events")) {
			EXPECT_TRUE(r > 0 || (r < 0 && errno == EAGAIN));
		} else {
			EXPECT_LT(0, r);
		}
		close(fd);
	}
	ASSERT_EQ(0, unload_patiently());
	ASSERT_EQ(0, wo_bad_taint());
}

/* Read events (non-blocking) into *buf until told to stop, then drain. */
static long reader_loop(int fd, int stop_fd, char **out)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	int stopping = 0;

	if (!buf)
		return -1;
	for (;;) {
		ssize_t r;

		if (cap - len < 65536) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				return -1;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, 65536);
		if (r > 0) {
			len += (size_t)r;
			continue;
		}
		if (r < 0 && errno != EAGAIN)
			return -1;
		if (stopping)
			break;
		{
			struct pollfd p = { .fd = stop_fd, .events = POLLIN };

			/* Busy: keep the two readers inside read() together. */
			if (poll(&p, 1, 0) > 0)
				stopping = 1;	/* one more pass, then done */
		}
	}
	*out = buf;
	return (long)len;
}

struct seen {
	uint64_t count[MAXCPU];
	uint64_t min_seq[MAXCPU], max_seq[MAXCPU];
	unsigned char *bits[MAXCPU];	/* seq bitmap per CPU */
	size_t nbits;
	long dups, bad, wakeups, badcpu;
	long ncpu;
};

static void seen_init(struct seen *s, size_t nbits)
{
	int c;

	memset(s, 0, sizeof(*s));
	s->nbits = nbits;
	s->ncpu = sysconf(_SC_NPROCESSORS_CONF);
	for (c = 0; c < MAXCPU; c++) {
		s->bits[c] = calloc(nbits / 8 + 1, 1);
		s->min_seq[c] = UINT64_MAX;
	}
}

static void seen_free(struct seen *s)
{
	int c;

	for (c = 0; c < MAXCPU; c++)
		free(s->bits[c]);
}

/* Account every record of @buf by (cpu, seq); a repeat is a duplicate. */
static void seen_add(struct seen *s, const char *buf, long len)
{
	long off = 0;

	while (off + (long)sizeof(struct wakeoff_rec_hdr) <= len) {
		const struct wakeoff_rec_hdr *h = (const void *)(buf + off);

		if (h->magic != WAKEOFF_REC_MAGIC || h->size < sizeof(*h) ||
		    h->size % 8 || off + h->size > len || h->cpu >= MAXCPU ||
		    h->seq >= s->nbits) {
			s->bad++;
			return;
		}
		if (s->bits[h->cpu][h->seq / 8] & (1 << (h->seq % 8)))
			s->dups++;
		s->bits[h->cpu][h->seq / 8] |= 1 << (h->seq % 8);
		s->count[h->cpu]++;
		if (h->cpu >= s->ncpu)
			s->badcpu++;
		if (h->type == WAKEOFF_REC_WAKEUP) {
			const struct wakeoff_wakeup *w = (const void *)h;

			s->wakeups++;
			/* Every CPU a record names existed (possible). */
			s->badcpu += w->waker_cpu >= s->ncpu ||
				     w->outcome >= WAKEOFF_OUT_NR ||
				     ((w->valid & WAKEOFF_V_WAKEUP) &&
				      w->target_cpu >= s->ncpu) ||
				     ((w->valid & WAKEOFF_V_SWITCH) &&
				      w->run_cpu >= s->ncpu) ||
				     ((w->valid & WAKEOFF_V_TKREAD) &&
				      w->tk_cpu >= s->ncpu);
		}
		if (h->seq > s->max_seq[h->cpu])
			s->max_seq[h->cpu] = h->seq;
		if (h->seq < s->min_seq[h->cpu])
			s->min_seq[h->cpu] = h->seq;
		off += h->size;
	}
	if (off != len)
		s->bad++;
}

static uint64_t cpu_key(struct wo_summary *s, long cpu, const char *what)
{
	char key[64];
	uint64_t v = ~0ULL;

	snprintf(key, sizeof(key), "cpu%ld.%s", cpu, what);
	wo_summary_get_u64(s, key, &v);
	return v;
}

/* A reader process on an already open events file @fd. */
struct rdr {
	pid_t pid;
	int res;	/* its records come back through this pipe */
	long len;
};

static int rdr_start(struct rdr *r, int fd, int stop_rd, int stop_wr)
{
	int res[2];

	if (pipe(res))
		return -1;
	r->pid = fork();
	if (r->pid < 0)
		return -1;
	if (r->pid == 0) {
		char *buf = NULL;
		long len;
		size_t off = 0;

		close(stop_wr);
		close(res[0]);
		len = reader_loop(fd, stop_rd, &buf);
		if (len < 0)
			_exit(1);
		if (write(res[1], &len, sizeof(len)) != sizeof(len))
			_exit(2);
		while (off < (size_t)len) {
			ssize_t w = write(res[1], buf + off, len - off);

			if (w <= 0)
				_exit(3);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(res[1]);
	r->res = res[0];
	return 0;
}

/* Take in what the reader got; 0 if it exited cleanly. */
static int rdr_collect(struct rdr *r, struct seen *s)
{
	size_t got = 0;
	char *buf;
	int st = -1;

	if (read(r->res, &r->len, sizeof(r->len)) != sizeof(r->len))
		r->len = -1;
	buf = r->len >= 0 ? malloc(r->len + 1) : NULL;
	while (buf && got < (size_t)r->len) {
		ssize_t n = read(r->res, buf + got, r->len - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (buf && got == (size_t)r->len)
		seen_add(s, buf, r->len);
	free(buf);
	close(r->res);
	waitpid(r->pid, &st, 0);
	return buf && got == (size_t)r->len && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* After the readers: drain what is left, then compare with the summary. */
static void check_seen(struct __test_metadata *_metadata, struct seen *seen,
		       long *total, long *rest)
{
	struct wo_summary s;
	uint64_t ncpu;
	char *buf = NULL;
	long len, cpu;

	len = wo_events_drain(&buf);
	ASSERT_LE(0, len);
	seen_add(seen, buf, len);
	free(buf);
	*rest = len;
	ASSERT_EQ(0, wo_summary_read(&s));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "cpus_possible", &ncpu));
	ASSERT_GE(MAXCPU, ncpu);
	EXPECT_EQ(0, seen->dups);
	EXPECT_EQ(0, seen->bad);
	EXPECT_EQ(0, seen->badcpu);
	*total = 0;
	for (cpu = 0; cpu < (long)ncpu; cpu++) {
		EXPECT_EQ(cpu_key(&s, cpu, "recorded"), seen->count[cpu]) {
			TH_LOG("cpu%ld", cpu);
		}
		*total += (long)seen->count[cpu];
	}
	for (; cpu < MAXCPU; cpu++)
		EXPECT_EQ(0, seen->count[cpu]);
	wo_summary_free(&s);
}

/*
 * Two processes read one events file (shared after fork) at once: each
 * record goes to exactly one of them (no duplicate, nothing corrupt),
 * and together they got exactly what each CPU recorded.  (A second
 * open() is refused with EBUSY: records_test.)
 */
TEST_F_TIMEOUT(loaded, two_readers_share_each_record_once, 300)
{
	struct wo_pingpong pp[2];
	struct rdr rd[2];
	struct seen seen;
	long total, rest;
	int fd, stop[2], j;

	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	fd = open(WO_EVENTS, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(stop));
	for (j = 0; j < 2; j++)
		ASSERT_EQ(0, rdr_start(&rd[j], fd, stop[0], stop[1]));
	close(fd);	/* the children hold the only references now */
	close(stop[0]);
	ASSERT_EQ(0, wo_control("start"));
	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], wo_iters(3000)));
		wo_pingpong_go(&pp[j]);
	}
	for (j = 0; j < 2; j++)
		ASSERT_EQ(0, wo_pingpong_wait(&pp[j]));
	ASSERT_EQ(0, wo_control("stop"));
	close(stop[1]);	/* EOF: both readers make a last pass */

	seen_init(&seen, 1 << 22);
	for (j = 0; j < 2; j++)
		EXPECT_EQ(0, rdr_collect(&rd[j], &seen));
	check_seen(_metadata, &seen, &total, &rest);
	printf("# two readers: %ld + %ld bytes, %ld records (%ld wakeups), %ld duplicates, %ld bytes left over\n",
	       rd[0].len, rd[1].len, total, seen.wakeups, seen.dups, rest);
	fflush(stdout);
	EXPECT_LT(0, seen.wakeups);
	/* Both really read (the load is far more than one read's worth). */
	EXPECT_LT(0, rd[0].len);
	EXPECT_LT(0, rd[1].len);
	seen_free(&seen);
}

static int cpu_online_write(int cpu, int on)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return wo_write_str(path, on ? "1" : "0");
}

/* Conservation of every wakeup, with recording stopped. */
static void expect_conserved(struct __test_metadata *_metadata)
{
	struct wo_summary s;
	uint64_t observed, full, busy, inflight, closed, recorded, dfull, dnest;
	uint64_t sum_rec = 0, sum_drop = 0;
	long cpu, ncpu;

	ASSERT_EQ(0, wo_summary_read(&s));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "cpus_possible", (uint64_t *)&ncpu));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wakeups", &observed));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wakeups_untracked_table_full", &full));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wakeups_untracked_busy", &busy));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wakeups_inflight", &inflight));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wakeups_closed", &closed));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "records.recorded", &recorded));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "records.dropped_full", &dfull));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "records.dropped_nested", &dnest));
	EXPECT_EQ(0, inflight);
	EXPECT_EQ(observed, full + busy + inflight + closed);
	for (cpu = 0; cpu < ncpu; cpu++) {
		sum_rec += cpu_key(&s, cpu, "recorded");
		sum_drop += cpu_key(&s, cpu, "dropped");
	}
	EXPECT_EQ(recorded, sum_rec);
	EXPECT_EQ(dfull + dnest, sum_drop);
	wo_summary_free(&s);
}

/*
 * Overflow, exact per CPU: 4 KiB buffers, no reader, heavy load.  What
 * each CPU's buffer hands out afterwards is exactly its "recorded"
 * count, the drops show in the summary, and recorded + dropped covers
 * every closed wakeup (no run record was written).
 */
TEST_F_TIMEOUT(unloaded, overflow_exact_per_cpu, 300)
{
	struct wo_pingpong pp[3];
	struct wo_summary s;
	struct seen seen;
	uint64_t closed, recorded = 0, dropped = 0, cpus_dropping = 0;
	long ncpu, cpu, len;
	char *buf = NULL;
	int j;

	ASSERT_EQ(0, wo_load("bufsize_kb=4"));
	for (j = 0; j < 3; j++)
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], wo_iters(2000)));
	ASSERT_EQ(0, wo_control("reset"));
	for (j = 0; j < 3; j++)
		wo_pingpong_go(&pp[j]);
	for (j = 0; j < 3; j++)
		ASSERT_EQ(0, wo_pingpong_wait(&pp[j]));
	ASSERT_EQ(0, wo_control("stop"));
	expect_conserved(_metadata);

	len = wo_events_drain(&buf);
	ASSERT_LT(0, len);
	seen_init(&seen, 1 << 22);
	seen_add(&seen, buf, len);
	free(buf);
	EXPECT_EQ(0, seen.dups);
	EXPECT_EQ(0, seen.bad);

	ASSERT_EQ(0, wo_summary_read(&s));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "cpus_possible", (uint64_t *)&ncpu));
	ASSERT_EQ(0, wo_summary_get_u64(&s, "wakeups_closed", &closed));
	for (cpu = 0; cpu < ncpu && cpu < MAXCPU; cpu++) {
		uint64_t r = cpu_key(&s, cpu, "recorded");
		uint64_t d = cpu_key(&s, cpu, "dropped");

		EXPECT_EQ(r, seen.count[cpu]) {
			TH_LOG("cpu%ld: %llu recorded, %llu handed out", cpu,
			       (unsigned long long)r,
			       (unsigned long long)seen.count[cpu]);
		}
		recorded += r;
		dropped += d;
		cpus_dropping += d > 0;
	}
	wo_summary_free(&s);
	EXPECT_EQ(closed, recorded + dropped);
	EXPECT_LT(0, dropped);
	EXPECT_LT(0, cpus_dropping);
	printf("# overflow: %llu wakeups closed = %llu recorded + %llu dropped, on %llu CPUs that dropped\n",
	       (unsigned long long)closed, (unsigned long long)recorded,
	       (unsigned long long)dropped, (unsigned long long)cpus_dropping);
	fflush(stdout);

	/*
	 * Drops are sequence gaps (README): one run record written on each
	 * CPU closes its range, and the numbers missing from each CPU's
	 * sequence are its dropped count.
	 */
	for (cpu = 0; cpu < ncpu && cpu < MAXCPU; cpu++) {
		char cmd[32];

		ASSERT_EQ(0, wo_pin(0, (int)cpu, -1));
		snprintf(cmd, sizeof(cmd), "run %ld", cpu + 1);
		ASSERT_EQ(0, wo_control(cmd));
	}
	len = wo_events_drain(&buf);
	ASSERT_LT(0, len);
	seen_add(&seen, buf, len);
	free(buf);
	EXPECT_EQ(0, seen.dups);
	EXPECT_EQ(0, seen.bad);
	ASSERT_EQ(0, wo_summary_read(&s));
	for (cpu = 0; cpu < ncpu && cpu < MAXCPU; cpu++) {
		uint64_t d = cpu_key(&s, cpu, "dropped");
		uint64_t gaps;

		ASSERT_LE(1, seen.count[cpu]);
		gaps = seen.max_seq[cpu] - seen.min_seq[cpu] + 1 - seen.count[cpu];
		EXPECT_EQ(d, gaps) {
			TH_LOG("cpu%ld: %llu dropped, %llu sequence numbers missing",
			       cpu, (unsigned long long)d,
			       (unsigned long long)gaps);
		}
		printf("# cpu%ld: seq %llu..%llu, %llu records, %llu dropped\n",
		       cpu, (unsigned long long)seen.min_seq[cpu],
		       (unsigned long long)seen.max_seq[cpu],
		       (unsigned long long)seen.count[cpu],
		       (unsigned long long)d);
	}
	fflush(stdout);
	wo_summary_free(&s);
	seen_free(&seen);
}

/* Summary readers in a loop while recording: always well formed, monotonic. */
static int summary_loop(long n)
{
	uint64_t last = 0, v;
	long i;

	for (i = 0; i < n; i++) {
		struct wo_summary s;

		if (wo_summary_read(&s))
			return 1;
		if (wo_summary_get_u64(&s, "wakeups", &v) || v < last)
			return 2;
		last = v;
		wo_summary_free(&s);
	}
	return 0;
}

static const char * const good_cmds[] = {
	"start", "stop", "reset", "run 7 concurrent", "filter pid 1",
	"filter comm sh", "filter clear", "start\n", "run 8",
};
static const char * const bad_cmds[] = {
	"bogus", "filter pid 0", "run x", "start now", "filter comm a b",
};

/* Several writers on control at once, each checking its own results. */
static int control_writer(unsigned int rng_init, long n)
{
	long i;

	srand(rng_init);
	for (i = 0; i < n; i++) {
		int bad = rand() % 3 == 0, rc;

		if (bad) {
			rc = wo_control(bad_cmds[rand() % 5]);
			if (rc != -EINVAL)
				return 1;
		} else {
			rc = wo_control(good_cmds[rand() % 9]);
			if (rc)
				return 2;
		}
	}
	return 0;
}

TEST_F_TIMEOUT(loaded, summary_and_control_concurrently, 600)
{
	struct wo_pingpong pp;
	pid_t kids[5];
	int j, st, fails = 0;
	long n = wo_iters(300);
	char *buf;
	size_t len;

	ASSERT_EQ(0, wo_pingpong_start(&pp, 0));
	wo_pingpong_go(&pp);
	/* Phase 1: two summary readers while recording. */
	for (j = 0; j < 2; j++) {
		kids[j] = fork();
		if (kids[j] == 0)
			_exit(summary_loop(n));
	}
	for (j = 0; j < 2; j++) {
		ASSERT_EQ(kids[j], waitpid(kids[j], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			TH_LOG("summary reader %d: status 0x%x", j, st);
		}
	}
	/* Phase 2: three control writers and two summary readers. */
	for (j = 0; j < 5; j++) {
		kids[j] = fork();
		if (kids[j] == 0) {
			if (j < 3)
				_exit(control_writer(j + 1, n));
			for (;;) {
				struct wo_summary s;

				if (wo_summary_read(&s))
					_exit(1);
				wo_summary_free(&s);
			}
		}
	}
	for (j = 0; j < 3; j++) {
		ASSERT_EQ(kids[j], waitpid(kids[j], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			TH_LOG("control writer %d: status 0x%x", j, st);
		}
	}
	for (j = 3; j < 5; j++) {
		kill(kids[j], SIGKILL);
		ASSERT_EQ(kids[j], waitpid(kids[j], &st, 0));
		fails += !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	EXPECT_EQ(0, fails);
	ASSERT_EQ(0, wo_control("filter clear"));
	ASSERT_EQ(0, wo_control("stop"));
	expect_conserved(_metadata);
	wo_pingpong_kill(&pp);
	ASSERT_EQ(0, wo_read_file(WO_CONTROL, &buf, &len));
	EXPECT_NE(NULL, strstr(buf, "last_error: none"));
	free(buf);
	printf("# concurrency: %ld summary reads x2 while recording; 3 writers x %ld control commands with 2 summary readers\n",
	       n, n);
	fflush(stdout);
	ASSERT_EQ(0, wo_bad_taint());
}

/*
 * CPU hotplug while recording with a reader: CPUs go offline and online
 * again, one and two at a time, under a wakeup load.  Every wakeup stays
 * accounted for, every record names possible CPUs, each CPU handed out
 * exactly what it counted as recorded, and nothing WARNs.
 */
TEST_F_TIMEOUT(loaded, cpu_hotplug_while_recording, 600)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), rounds = wo_iters(40), i;
	long total, rest, offlined = 0;
	struct wo_pingpong pp[2];
	struct wo_summary s;
	struct seen seen;
	struct rdr rd;
	uint64_t online;
	int fd, stop[2], j;

	if (ncpu < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_control("reset"));
	fd = open(WO_EVENTS, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(stop));
	ASSERT_EQ(0, rdr_start(&rd, fd, stop[0], stop[1]));
	close(fd);
	close(stop[0]);
	ASSERT_EQ(0, wo_control("start"));
	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, wo_pingpong_start(&pp[j], 0));
		wo_pingpong_go(&pp[j]);
	}
	for (i = 0; i < rounds; i++) {
		int a = 1 + i % (ncpu - 1);
		int b = ncpu > 2 && i % 3 == 2 ? 1 + (a % (ncpu - 1)) : -1;

		ASSERT_EQ(0, cpu_online_write(a, 0)) {
			TH_LOG("round %ld: cpu%d offline failed", i, a);
		}
		offlined++;
		if (b > 0 && b != a) {
			ASSERT_EQ(0, cpu_online_write(b, 0));
			offlined++;
		}
		usleep(10000);
		ASSERT_EQ(0, wo_summary_read(&s));
		ASSERT_EQ(0, wo_summary_get_u64(&s, "cpus_online", &online));
		EXPECT_EQ(ncpu - 1 - (b > 0 && b != a), (long)online);
		wo_summary_free(&s);
		ASSERT_EQ(0, cpu_online_write(a, 1));
		if (b > 0 && b != a)
			ASSERT_EQ(0, cpu_online_write(b, 1));
		usleep(10000);
	}
	for (j = 0; j < 2; j++)
		wo_pingpong_kill(&pp[j]);
	EXPECT_EQ(ncpu, (long)wo_summary_u64("cpus_online"));
	ASSERT_EQ(0, wo_control("stop"));
	close(stop[1]);
	seen_init(&seen, 1 << 22);
	EXPECT_EQ(0, rdr_collect(&rd, &seen));
	expect_conserved(_metadata);
	check_seen(_metadata, &seen, &total, &rest);
	printf("# hotplug: %ld rounds, %ld CPU offline/online cycles, %ld records (%ld wakeups) accounted per CPU, %ld misattributed\n",
	       rounds, offlined, total, seen.wakeups, seen.badcpu);
	fflush(stdout);
	EXPECT_LT(0, seen.wakeups);
	seen_free(&seen);
	ASSERT_EQ(0, wo_bad_taint());
}

/* Something that looks like a kernel address, in text. */
static int has_pointer(const char *text, char *what, size_t wlen)
{
	regex_t re;
	regmatch_t m;
	int found;

	if (regcomp(&re, "ffff[0-9a-f]{12}|0x[0-9a-f]{9,}",
		    REG_EXTENDED | REG_ICASE))
		return -1;
	found = !regexec(&re, text, 1, &m, 0);
	if (found)
		snprintf(what, wlen, "%.*s", (int)(m.rm_eo - m.rm_so),
			 text + m.rm_so);
	regfree(&re);
	return found;
}

/*
 * Security: every file root-only and unreadable to others, no kernel
 * pointer in any text the module prints (with stacks captured), and no
 * parameter that could steer a probe at arbitrary memory.
 */
TEST_F_TIMEOUT(loaded, security, 120)
{
	static const char * const params[] = {
		"bufsize_kb", "max_inflight", "max_runs", "stacks",
		"tk_hooks", "tk_timeout_ms",
	};
	struct wo_pingpong pp;
	struct stat st;
	struct dirent *de;
	DIR *d;
	char path[320], what[64], *buf;
	size_t len;
	unsigned int i, nparams = 0, nchecked = 0;
	pid_t kid;
	int status;

	ASSERT_EQ(0, wo_pingpong_start(&pp, wo_iters(500)));
	wo_pingpong_go(&pp);
	ASSERT_EQ(0, wo_pingpong_wait(&pp));

	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), WO_DIR "/%s", wo_files[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_gid);
		EXPECT_EQ(0, st.st_mode & 0077) {
			TH_LOG("%s mode %o", path, st.st_mode & 0777);
		}
		if (!strcmp(wo_files[i], "events"))
			continue;
		ASSERT_EQ(0, wo_read_file(path, &buf, &len));
		EXPECT_LT(0, len);
		EXPECT_EQ(0, has_pointer(buf, what, sizeof(what))) {
			TH_LOG("%s prints '%s'", path, what);
		}
		free(buf);
		nchecked++;
	}
	/* The debugfs directory itself is not writable by others. */
	ASSERT_EQ(0, stat(WO_DIR, &st));
	EXPECT_EQ(0, st.st_mode & 0022);

	d = opendir("/sys/module/wakeoff/parameters");
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		int known = 0;

		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
			known |= !strcmp(de->d_name, params[i]);
		/* A new parameter needs review here (no raw offsets!). */
		EXPECT_TRUE(known) {
			TH_LOG("unreviewed parameter %s", de->d_name);
		}
		nparams++;
		snprintf(path, sizeof(path), "/sys/module/wakeoff/parameters/%s",
			 de->d_name);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0, st.st_mode & 0022) {
			TH_LOG("%s mode %o", path, st.st_mode & 0777);
		}
		ASSERT_EQ(0, wo_read_file(path, &buf, &len));
		EXPECT_EQ(0, has_pointer(buf, what, sizeof(what)));
		free(buf);
	}
	closedir(d);
	EXPECT_EQ(sizeof(params) / sizeof(params[0]), nparams);

	/* The layout the probes use was validated against the kernel. */
	ASSERT_EQ(0, wo_read_file(WO_SUMMARY, &buf, &len));
	if (strstr(buf, "rq_clock: available")) {
		unsigned int clk, cpu, nr, size;
		char *o = strstr(buf, "rq_offsets: ");

		EXPECT_NE(NULL, strstr(buf, "rq_clock_detail: validated on every possible CPU"));
		ASSERT_NE(NULL, o);
		ASSERT_EQ(4, sscanf(o, "rq_offsets: clock=%u cpu=%u nr_running=%u size=%u",
				    &clk, &cpu, &nr, &size));
		EXPECT_GE(size, clk + 8);
		EXPECT_GE(size, cpu + 4);
		/* 0: not used; otherwise inside the struct, past rq->__lock. */
		EXPECT_TRUE(!nr || (nr >= 4 && size >= nr + 4));
	}
	free(buf);

	/* An unprivileged user can open nothing and set nothing. */
	kid = fork();
	ASSERT_LE(0, kid);
	if (kid == 0) {
		int bad = 0;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		for (i = 0; i < NFILES; i++) {
			int fd;

			snprintf(path, sizeof(path), WO_DIR "/%s", wo_files[i]);
			fd = open(path, O_RDONLY);
			bad += fd >= 0 || (errno != EACCES && errno != EPERM);
			fd = open(path, O_WRONLY);
			bad += fd >= 0;
		}
		bad += open("/sys/module/wakeoff/parameters/tk_timeout_ms",
			    O_WRONLY) >= 0;
		bad += open("/sys/module/wakeoff/parameters/stacks",
			    O_WRONLY) >= 0;
		_exit(bad);
	}
	ASSERT_EQ(kid, waitpid(kid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	printf("# security: %u files root-only, %u text files and %u parameters free of kernel pointers\n",
	       (unsigned int)NFILES, nchecked, nparams);
	fflush(stdout);
}

#define TW_NAME	"wo_test_waker"
#define TW_FILE	"/sys/kernel/debug/" TW_NAME

/* Lines of @text that start with @prefix (any if NULL) and contain @needle. */
static int count_lines(const char *text, const char *prefix,
		       const char *needle)
{
	const char *l, *e;
	int n = 0;

	for (l = text; *l; l = *e ? e + 1 : e) {
		e = strchrnul(l, '\n');
		if (prefix && strncmp(l, prefix, strlen(prefix)))
			continue;
		if (memmem(l, e - l, needle, strlen(needle)))
			n++;
	}
	return n;
}

/*
 * A waker frame that no longer resolves to a symbol (an unloaded module,
 * a BPF program or trampoline gone since) prints as "[unknown]" in the
 * stacks file and in the summary's frames, never as an address.  The
 * frame is real: wo_test_waker.ko (built per kernel next to wakeoff.ko
 * by make check) wakes a reader from its own write handler, and is
 * unloaded before the files are read.  It is loaded before wakeoff: the
 * other way round its text takes the place of wakeoff's init text, freed
 * after the load, whose name ftrace keeps for that range while wakeoff
 * is loaded (ftrace_mod_address_lookup()), and the frame then reads
 * "wakeoff_init+0x28/0x1000 [wakeoff]" once the test module is gone.
 */
TEST_F_TIMEOUT(unloaded, unresolved_frame_prints_unknown, 120)
{
	char dir[512], path[600], cmd[64], what[64], c = 'x', *buf;
	long i, rounds = 200;
	size_t len;
	int fd, status;
	pid_t kid;

	snprintf(dir, sizeof(dir), "%s", wo_ko_path());
	snprintf(path, sizeof(path), "%s/" TW_NAME ".ko", dirname(dir));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "no %s (make check builds it)", path);
	syscall(SYS_delete_module, TW_NAME, O_NONBLOCK);	/* a leftover */
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0)) {
		TH_LOG("load %s: %s", path, strerror(errno));
	}
	close(fd);
	ASSERT_EQ(0, wo_load(NULL));
	/*
	 * Each its own open file: a blocked read() on a shared one would
	 * hold its f_pos lock and the write() would wait on it.
	 */
	kid = fork();
	ASSERT_LE(0, kid);
	if (kid == 0) {
		fd = open(TW_FILE, O_RDONLY | O_CLOEXEC);
		for (i = 0; fd >= 0 && i < rounds; i++)
			if (read(fd, &c, 1) < 0)
				_exit(1);
		_exit(fd < 0 ? 2 : 0);
	}
	fd = open(TW_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	snprintf(cmd, sizeof(cmd), "filter pid %d", kid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < rounds; i++) {
		ASSERT_EQ(1, write(fd, &c, 1));
		usleep(1000);	/* the reader sleeps again: a real wakeup */
	}
	ASSERT_EQ(kid, waitpid(kid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
	ASSERT_EQ(0, wo_control("stop"));

	/* Loaded, the module's frame has its name. */
	ASSERT_EQ(0, wo_read_file(WO_DIR "/stacks", &buf, &len));
	EXPECT_LT(0, count_lines(buf, NULL, "wo_test_waker_write")) {
		TH_LOG("no cluster names the test module's waker:\n%s", buf);
	}
	free(buf);
	ASSERT_EQ(0, syscall(SYS_delete_module, TW_NAME, O_NONBLOCK)) {
		TH_LOG("unload " TW_NAME ": %s", strerror(errno));
	}

	/* Unloaded, the same frame has none: "[unknown]", no address. */
	ASSERT_EQ(0, wo_read_file(WO_DIR "/stacks", &buf, &len));
	EXPECT_EQ(0, has_pointer(buf, what, sizeof(what))) {
		TH_LOG("stacks prints '%s'", what);
	}
	EXPECT_EQ(0, count_lines(buf, NULL, "wo_test_waker"));
	EXPECT_LT(0, count_lines(buf, "  ", "[unknown]")) {
		TH_LOG("no [unknown] frame in stacks:\n%s", buf);
	}
	free(buf);
	ASSERT_EQ(0, wo_read_file(WO_SUMMARY, &buf, &len));
	EXPECT_EQ(0, has_pointer(buf, what, sizeof(what))) {
		TH_LOG("summary prints '%s'", what);
	}
	EXPECT_LT(0, count_lines(buf, "stack.", " [unknown]")) {
		TH_LOG("no [unknown] frame in the summary's stack.N.frames");
	}
	free(buf);
}

TEST_HARNESS_MAIN
