// SPDX-License-Identifier: GPL-2.0
/*
 * User clock hooks (module/probes/wo_uprobes.c): a task's clock_gettime()
 * through the C library -- the vDSO on tsc, the syscall fallback on hpet
 * -- is the first read of its wakeup, seen at source "user", with the
 * value the task itself got; breakpoints go only into traced processes
 * and none is left after "uprobe clear" or rmmod; bad commands attach
 * nothing.
 *
 * The guest has no libc.so (static busybox initramfs), so the hook is on
 * this test's own statically linked clock_gettime(), which is glibc's
 * vDSO caller like the shared one.  Uprobes need a page-cache file: the
 * test copies itself to /tmp and runs the reader children from the copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "../userspace/lib/elfsym.h"

#define COPY	"/tmp/wo_uclock"
#define CS_PATH	"/sys/devices/system/clocksource/clocksource0/current_clocksource"
#define ROUNDS	300
#define BENCH	20000

/* Child mode (argv[1] == "reader"): one libc clock read per byte read. */
static int reader_main(void)
{
	struct timespec ts;
	uint64_t v;
	char c;

	while (read(0, &c, 1) == 1) {
		if (clock_gettime(CLOCK_MONOTONIC, &ts))
			return 1;
		v = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		if (c == 'b') {	/* cost: BENCH calls, the time they took */
			struct timespec t2;
			int i;

			for (i = 0; i < BENCH; i++)
				clock_gettime(CLOCK_MONOTONIC, &t2);
			clock_gettime(CLOCK_MONOTONIC, &t2);
			v = (uint64_t)t2.tv_sec * 1000000000ULL + t2.tv_nsec - v;
		}
		if (write(1, &v, sizeof(v)) != sizeof(v))
			return 1;
	}
	return 0;
}

struct reader {
	pid_t pid;
	int to, from;
};

static int copy_self(void)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	unlink(COPY);
	out = open(COPY, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ret = -1;
	close(in);
	close(out);
	return n < 0 ? -1 : ret;
}

/* Start @argv (NULL: this test's copy as a reader) on a pipe pair. */
static int reader_exec(struct reader *r, char *const *argv)
{
	int a[2], b[2];

	if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC))
		return -1;
	r->pid = fork();
	if (r->pid == 0) {
		dup2(a[0], 0);
		dup2(b[1], 1);
		if (argv)
			execv(argv[0], argv);
		else
			execl(COPY, COPY, "reader", (char *)NULL);
		_exit(127);
	}
	close(a[0]);
	close(b[1]);
	r->to = a[1];
	r->from = b[0];
	return r->pid > 0 ? 0 : -1;
}

static int reader_start(struct reader *r)
{
	return reader_exec(r, NULL);
}

/* Wait until @pid sleeps (state S), at most ~2 s. */
static void wait_sleeping(pid_t pid)
{
	char path[64], buf[256], *p;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 20000; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return;
		usleep(100);
	}
}

/* One round: wake the reader with @c; returns what it sent, 0 on error. */
static uint64_t reader_send(struct reader *r, char c)
{
	uint64_t v = 0;

	wait_sleeping(r->pid);
	if (write(r->to, &c, 1) != 1 || read(r->from, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static uint64_t reader_round(struct reader *r)
{
	return reader_send(r, 'x');
}

static void reader_stop(struct reader *r)
{
	close(r->to);
	close(r->from);
	waitpid(r->pid, NULL, 0);
}

/* The byte at file offset @off of @file in @pid's memory, or -1. */
static int file_byte(pid_t pid, const char *want, uint64_t off)
{
	char path[64], line[512], file[256];
	unsigned long start, end, moff;
	unsigned char b;
	uint64_t addr = 0;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		file[0] = '\0';
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %255s", &start, &end,
			   &moff, file) == 4 && !strcmp(file, want) &&
		    off >= moff && off - moff < end - start) {
			addr = start + (off - moff);
			break;
		}
	}
	fclose(f);
	if (!addr)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (pread(fd, &b, 1, addr) != 1)
		b = 0, addr = 0;
	close(fd);
	return addr ? b : -1;
}

static int text_byte(pid_t pid, uint64_t off)
{
	return file_byte(pid, COPY, off);
}

static uint64_t clock_off(void)
{
	char err[256];
	uint64_t off = 0;

	if (wo_elf_sym_offset(COPY, "clock_gettime", &off, err, sizeof(err)))
		fprintf(stderr, "# %s\n", err);
	return off;
}

static int uprobe_add_file(const char *file, uint64_t off, const char *opt)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "uprobe add %s 0x%llx clock_gettime%s%s",
		 file, (unsigned long long)off, opt ? " " : "", opt ? opt : "");
	return wo_control(cmd);
}

static int uprobe_add(uint64_t off, const char *opt)
{
	return uprobe_add_file(COPY, off, opt);
}

static char *summary_str(const char *key)
{
	struct wo_summary s;
	char *v = NULL;

	if (wo_summary_read(&s))
		return NULL;
	if (wo_summary_get(&s, key))
		v = strdup(wo_summary_get(&s, key));
	wo_summary_free(&s);
	return v;
}

FIXTURE(uc) {
	uint64_t off;
};

FIXTURE_SETUP(uc)
{
	char cs[64] = "unknown";
	FILE *f = fopen(CS_PATH, "re");

	if (f) {
		if (!fgets(cs, sizeof(cs), f))
			strcpy(cs, "unknown\n");
		fclose(f);
	}
	fprintf(stderr, "# clocksource: %s", cs);
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, copy_self());
	self->off = clock_off();
	ASSERT_NE(0, self->off);
	ASSERT_EQ(0, wo_load(NULL));
}

FIXTURE_TEARDOWN(uc)
{
	wo_unload();
}

/* (a) 300 wakeups, each followed by a libc read: closed as user reads. */
static void libc_reads(struct __test_metadata *_metadata, const char *file,
		       uint64_t off, char *const *argv)
{
	uint64_t *vals = calloc(ROUNDS, sizeof(*vals));
	long len, pos = 0, n_rec = 0, n_user = 0, n_equal = 0, n_mono = 0;
	const struct wakeoff_wakeup *w;
	struct reader r;
	char cmd[64], name[256], *buf;
	int i, j, idx;

	ASSERT_NE(NULL, vals);
	ASSERT_EQ(0, reader_exec(&r, argv));
	snprintf(cmd, sizeof(cmd), "filter tgid %d", r.pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, uprobe_add_file(file, off, NULL));
	snprintf(name, sizeof(name), "%s:clock_gettime", file);
	idx = wo_tk_index(name);
	ASSERT_LE(0, idx);
	reader_round(&r);	/* exec done, first fault-ins */
	EXPECT_EQ(0xcc, file_byte(r.pid, file, off));
	ASSERT_EQ(0, wo_control("reset"));
	for (i = 0; i < ROUNDS; i++) {
		vals[i] = reader_round(&r);
		ASSERT_NE(0, vals[i]);
	}
	wait_sleeping(r.pid);
	ASSERT_EQ(0, wo_control("stop"));
	len = wo_events_drain(&buf);
	ASSERT_LT(0, len);
	while ((w = wo_next_record(buf, len, &pos, WAKEOFF_REC_WAKEUP))) {
		if (w->pid != r.pid)
			continue;
		n_rec++;
		if (w->outcome != WAKEOFF_OUT_TKREAD || w->tk_func != idx ||
		    w->tk_source != WAKEOFF_TK_SRC_USER)
			continue;
		n_user++;
		n_mono += w->tk_clock == CLOCK_MONOTONIC;
		for (j = 0; j < ROUNDS; j++)
			if (vals[j] == w->tk_value) {
				n_equal++;
				break;
			}
	}
	fprintf(stderr, "# records %ld, user reads %ld, monotonic %ld, value equal %ld of %d rounds\n",
	       n_rec, n_user, n_mono, n_equal, ROUNDS);
	EXPECT_LE(ROUNDS * 95 / 100, n_user);
	EXPECT_EQ(n_user, n_mono);
	EXPECT_LE(n_user * 95 / 100, n_equal);
	/* Each read counts once: no record of a nested syscall read. */
	EXPECT_GE(ROUNDS + 2, n_rec);
	free(buf);
	reader_stop(&r);
	EXPECT_EQ(0, wo_control("uprobe clear"));
	free(vals);
}

TEST_F(uc, libc_read_is_first_read)
{
	libc_reads(_metadata, COPY, self->off, NULL);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * sched_waking times of tracefs (trace_clock mono, microseconds) into
 * @ts (ns), in trace order; returns how many.
 */
static long trace_waking_times(uint64_t *ts, long max)
{
	char *buf, *line, *save = NULL, *ev, *p;
	unsigned long sec, usec;
	size_t len;
	long n = 0;

	if (wo_read_file(TRACEFS "/trace", &buf, &len))
		return -1;
	for (line = strtok_r(buf, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		ev = strstr(line, ": sched_waking:");
		if (!ev || line[0] == '#')
			continue;
		*ev = '\0';
		p = strrchr(line, ' ');
		if (p && sscanf(p + 1, "%lu.%lu", &sec, &usec) == 2)
			ts[n++] = sec * 1000000000ULL + usec * 1000ULL;
	}
	free(buf);
	return n;
}

/*
 * The median Δ(sched_waking -> first read) that wakeoff prints for user
 * reads agrees with an independent measurement: tracefs' sched_waking
 * times (trace_clock mono) against the CLOCK_MONOTONIC values the task
 * itself read through libc.  Within the histogram's bucket width
 * (6.25 %) plus the hook's own cost: the record's read time is taken at
 * the uretprobe, after the function has read the clock (a hooked call
 * costs 31-51 us under TCG, cost_of_a_hooked_call): 100 us.
 */
TEST_F(uc, median_delta_agrees_with_tracefs)
{
	uint64_t *vals = calloc(ROUNDS, sizeof(*vals));
	uint64_t *wk = calloc(4 * ROUNDS, sizeof(*wk));
	uint64_t *d = calloc(ROUNDS, sizeof(*d));
	long nwk, nd = 0, i, k;
	uint64_t wo_med = 0, ind_med;
	struct reader r;
	char cmd[64];

	if (access(TRACEFS "/events/sched/sched_waking/enable", W_OK))
		SKIP(return, "no tracefs at %s", TRACEFS);
	ASSERT_TRUE(vals && wk && d);
	ASSERT_EQ(0, reader_start(&r));
	snprintf(cmd, sizeof(cmd), "filter tgid %d", r.pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, uprobe_add(self->off, NULL));
	reader_round(&r);
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/trace_clock", "mono"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/trace", ""));
	snprintf(cmd, sizeof(cmd), "pid == %d", r.pid);
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_waking/filter", cmd));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/events/sched/sched_waking/enable", "1"));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/tracing_on", "1"));
	for (i = 0; i < ROUNDS; i++) {
		vals[i] = reader_round(&r);
		ASSERT_NE(0, vals[i]);
	}
	wait_sleeping(r.pid);
	wo_write_str(TRACEFS "/tracing_on", "0");
	ASSERT_EQ(0, wo_control("stop"));
	wo_write_str(TRACEFS "/events/sched/sched_waking/enable", "0");
	wo_write_str(TRACEFS "/events/sched/sched_waking/filter", "0");
	nwk = trace_waking_times(wk, 4 * ROUNDS);
	wo_write_str(TRACEFS "/trace_clock", "local");
	ASSERT_LE(ROUNDS, nwk);
	/* Each read's own wakeup: the last sched_waking before it. */
	for (i = 0, k = 0; i < ROUNDS; i++) {
		while (k + 1 < nwk && wk[k + 1] <= vals[i])
			k++;
		if (wk[k] <= vals[i])
			d[nd++] = vals[i] - wk[k];
	}
	qsort(d, nd, sizeof(*d), cmp_u64);
	ASSERT_LE(ROUNDS * 9 / 10, nd);
	ind_med = d[(nd + 1) / 2 - 1];
	wo_summary_get_u64_opt("class.all.ttwu_to_tkread_ns.p50", &wo_med);
	TH_LOG("median waking -> libc read: wakeoff %llu ns, tracefs + the task's own values %llu ns (%ld pairs)",
	       (unsigned long long)wo_med, (unsigned long long)ind_med, nd);
	EXPECT_GE(ind_med / 16 + 100000,
		  wo_med > ind_med ? wo_med - ind_med : ind_med - wo_med);
	reader_stop(&r);
	EXPECT_EQ(0, wo_control("uprobe clear"));
	free(vals);
	free(wk);
	free(d);
}

#define DYN_DIR	"/tmp/wo_dyn"

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ret = -1;
	close(in);
	close(out);
	return n < 0 ? -1 : ret;
}

/*
 * The real shared libc: a dynamic program run by ld.so with the host's
 * libc.so.6, all copied from the share (SHARE/dyn) to a page-cache file
 * system; the hook is on libc.so.6's clock_gettime, resolved from its
 * .dynsym (default version clock_gettime@@GLIBC_2.17).
 */
/* The dynamic loader's name on the guest's architecture (wo_share_dyn). */
#if defined(__aarch64__)
#define DYN_LDSO	"ld-linux-aarch64.so.1"
#else
#define DYN_LDSO	"ld-linux-x86-64.so.2"
#endif

static char *dyn_argv[] = {
	DYN_DIR "/" DYN_LDSO, "--library-path", DYN_DIR,
	DYN_DIR "/wo_dyn_reader", NULL
};

/* Copy the dynamic reader, libc and ld.so; 1 if done, 0 if absent, -1. */
static int dyn_prepare(void)
{
	static const char *const files[] = {
		"wo_dyn_reader", "libc.so.6", DYN_LDSO,
	};
	const char *src = getenv("WAKEOFF_DYN") ? getenv("WAKEOFF_DYN") : "/mnt/dyn";
	char from[256], to[256];
	unsigned int i;

	snprintf(from, sizeof(from), "%s/libc.so.6", src);
	if (access(from, R_OK))
		return 0;
	mkdir(DYN_DIR, 0755);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s", src, files[i]);
		snprintf(to, sizeof(to), "%s/%s", DYN_DIR, files[i]);
		if (copy_file(from, to, 0755))
			return -1;
	}
	return 1;
}

TEST_F(uc, shared_libc_read_is_first_read)
{
	char **argv = dyn_argv, err[256];
	uint64_t off;
	int ret = dyn_prepare();

	if (!ret)
		SKIP(return, "no libc.so.6 in the VM share's dyn/ (wo_share_dyn)");
	ASSERT_EQ(1, ret);
	ASSERT_EQ(0, wo_elf_sym_offset(DYN_DIR "/libc.so.6", "clock_gettime",
				       &off, err, sizeof(err)));
	fprintf(stderr, "# libc.so.6 clock_gettime at file offset 0x%llx\n",
		(unsigned long long)off);
	libc_reads(_metadata, DYN_DIR "/libc.so.6", off, argv);
}

/*
 * The same on the other of tsc (the vDSO answers) and hpet (the C
 * library falls back to the syscall, which nests in the user read).
 */
TEST_F(uc, libc_read_on_the_other_clocksource)
{
	char cur[64] = "", avail[256] = "";
	const char *other;
	FILE *f;

	f = fopen(CS_PATH, "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(cur, sizeof(cur), f));
	fclose(f);
	f = fopen("/sys/devices/system/clocksource/clocksource0/available_clocksource", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(avail, sizeof(avail), f));
	fclose(f);
	other = strncmp(cur, "tsc", 3) ? "tsc" : "hpet";
	if (!strstr(avail, other))
		SKIP(return, "clocksource %s not available (%s)", other, avail);
	ASSERT_EQ(0, wo_write_str(CS_PATH, other));
	fprintf(stderr, "# switched clocksource to %s\n", other);
	libc_reads(_metadata, COPY, self->off, NULL);
	cur[strcspn(cur, "\n")] = '\0';
	EXPECT_EQ(0, wo_write_str(CS_PATH, cur));
}

/*
 * "wakeoff record --tgid PID" hooks the libc that PID maps for the
 * recording, with that scope, and removes the hook at the end.
 */
TEST_F(uc, record_hooks_the_traced_libc)
{
	const char *cli = getenv("WAKEOFF_CLI") ? getenv("WAKEOFF_CLI") : "/mnt/wakeoff";
	char tgid[16], scope[32], *v, err[256];
	struct reader r;
	uint64_t off, n = 0;
	int i, st, ret = dyn_prepare();
	pid_t rec;

	if (!ret || access(cli, X_OK))
		SKIP(return, "no dynamic reader or no %s", cli);
	ASSERT_EQ(1, ret);
	ASSERT_EQ(0, wo_elf_sym_offset(DYN_DIR "/libc.so.6", "clock_gettime",
				       &off, err, sizeof(err)));
	ASSERT_EQ(0, reader_exec(&r, dyn_argv));
	reader_round(&r);
	snprintf(tgid, sizeof(tgid), "%d", r.pid);
	rec = fork();
	ASSERT_LE(0, rec);
	if (rec == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		execl(cli, cli, "record", "--tgid", tgid, "-d", "4", "-q", "-o",
		      "/tmp/wo_uclock.wo", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 300 && !n; i++) {
		usleep(10000);
		n = wo_summary_u64("uprobes.attached");
	}
	EXPECT_EQ(1, n);
	v = summary_str("uprobes.scope");
	snprintf(scope, sizeof(scope), "tgid %d", r.pid);
	EXPECT_STREQ(scope, v ? v : "");
	free(v);
	EXPECT_EQ(0xcc, file_byte(r.pid, DYN_DIR "/libc.so.6", off));
	for (i = 0; i < 50; i++)
		EXPECT_NE(0, reader_round(&r));
	ASSERT_EQ(rec, waitpid(rec, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_EQ(0, wo_summary_u64("uprobes.attached"));
	EXPECT_NE(0xcc, file_byte(r.pid, DYN_DIR "/libc.so.6", off));
	EXPECT_NE(0, reader_round(&r));
	reader_stop(&r);
	/* The file names the hook: its reads are the libc's. */
	{
		char cmd[512], line[1024];
		long user = 0;
		FILE *f;

		snprintf(cmd, sizeof(cmd), "%s timehist --csv --pid %d /tmp/wo_uclock.wo",
			 cli, r.pid);
		f = popen(cmd, "r");
		ASSERT_NE(NULL, f);
		while (fgets(line, sizeof(line), f))
			user += !!strstr(line, "," DYN_DIR "/libc.so.6:clock_gettime,");
		EXPECT_EQ(0, pclose(f));
		fprintf(stderr, "# record file: %ld reads through %s/libc.so.6 of 50 rounds\n",
			user, DYN_DIR);
		EXPECT_LE(45, user);
	}
	unlink("/tmp/wo_uclock.wo");
}

/* (b) only the traced process's text holds the breakpoint. */
TEST_F(uc, untraced_process_untouched)
{
	struct reader a, b;
	char cmd[64], *v;
	int ba, bb;

	ASSERT_EQ(0, reader_start(&a));
	ASSERT_EQ(0, reader_start(&b));
	reader_round(&a);
	reader_round(&b);
	snprintf(cmd, sizeof(cmd), "filter tgid %d", a.pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, uprobe_add(self->off, NULL));
	ba = text_byte(a.pid, self->off);
	bb = text_byte(b.pid, self->off);
	fprintf(stderr, "# traced byte 0x%x, untraced byte 0x%x\n", ba, bb);
	EXPECT_EQ(0xcc, ba);
	EXPECT_LE(0, bb);
	EXPECT_NE(0xcc, bb);
	v = summary_str("uprobes.scope");
	snprintf(cmd, sizeof(cmd), "tgid %d", a.pid);
	EXPECT_STREQ(cmd, v ? v : "");
	free(v);
	EXPECT_NE(0, reader_round(&a));
	EXPECT_NE(0, reader_round(&b));
	/* A process that starts later, outside the scope: untouched. */
	do {
		struct reader c;

		ASSERT_EQ(0, reader_start(&c));
		reader_round(&c);
		bb = text_byte(c.pid, self->off);
		EXPECT_LE(0, bb);
		EXPECT_NE(0xcc, bb);
		reader_stop(&c);
	} while (0);
	EXPECT_EQ(0, wo_control("uprobe clear"));
	reader_stop(&a);
	reader_stop(&b);
}

/* (c) "uprobe clear" and rmmod leave no breakpoint; the process runs on. */
TEST_F(uc, clear_and_unload_remove_breakpoints)
{
	struct reader a;
	char cmd[64];

	ASSERT_EQ(0, reader_start(&a));
	reader_round(&a);
	snprintf(cmd, sizeof(cmd), "filter tgid %d", a.pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, uprobe_add(self->off, NULL));
	EXPECT_EQ(0xcc, text_byte(a.pid, self->off));
	EXPECT_NE(0, reader_round(&a));
	ASSERT_EQ(0, wo_control("uprobe clear"));
	EXPECT_EQ(0, wo_summary_u64("uprobes.attached"));
	EXPECT_NE(0xcc, text_byte(a.pid, self->off));
	EXPECT_NE(0, reader_round(&a));

	/* "stop" removes them too: nothing records, nobody pays a trap. */
	ASSERT_EQ(0, uprobe_add(self->off, NULL));
	EXPECT_EQ(0xcc, text_byte(a.pid, self->off));
	ASSERT_EQ(0, wo_control("stop"));
	EXPECT_EQ(0, wo_summary_u64("uprobes.attached"));
	EXPECT_NE(0xcc, text_byte(a.pid, self->off));
	EXPECT_NE(0, reader_round(&a));
	ASSERT_EQ(0, wo_control("start"));

	ASSERT_EQ(0, uprobe_add(self->off, NULL));
	EXPECT_EQ(1, wo_summary_u64("uprobes.attached"));
	EXPECT_EQ(0xcc, text_byte(a.pid, self->off));
	/* rmmod while the traced process sleeps inside ... and after a read. */
	EXPECT_NE(0, reader_round(&a));
	ASSERT_EQ(0, wo_unload());
	EXPECT_NE(0xcc, text_byte(a.pid, self->off));
	EXPECT_LE(0, text_byte(a.pid, self->off));
	EXPECT_NE(0, reader_round(&a));
	EXPECT_NE(0, reader_round(&a));
	reader_stop(&a);
	ASSERT_EQ(0, wo_load(NULL));
}

/* (e) the cost of a hooked call, against the same call unhooked. */
TEST_F(uc, cost_of_a_hooked_call)
{
	uint64_t plain, hooked;
	struct reader a;
	char cmd[64];

	ASSERT_EQ(0, reader_start(&a));
	reader_round(&a);
	plain = reader_send(&a, 'b');
	snprintf(cmd, sizeof(cmd), "filter tgid %d", a.pid);
	ASSERT_EQ(0, wo_control(cmd));
	ASSERT_EQ(0, uprobe_add(self->off, NULL));
	hooked = reader_send(&a, 'b');
	ASSERT_NE(0, plain);
	ASSERT_NE(0, hooked);
	fprintf(stderr, "# cost: clock_gettime %.1f ns plain, %.1f ns hooked (x%.1f), %d calls\n",
		(double)plain / BENCH, (double)hooked / BENCH,
		(double)hooked / plain, BENCH);
	EXPECT_EQ(0, wo_control("uprobe clear"));
	reader_stop(&a);
}

static void expect_einval(struct __test_metadata *_metadata, const char *cmd,
			  const char *why_part)
{
	char *buf, *p;
	size_t len;

	EXPECT_EQ(-EINVAL, wo_control(cmd));
	ASSERT_EQ(0, wo_read_file(WO_CONTROL, &buf, &len));
	p = strstr(buf, "last_error: ");
	EXPECT_NE(NULL, p);
	if (p) {
		fprintf(stderr, "# '%s': %.*s\n", cmd, (int)strcspn(p, "\n"), p);
		EXPECT_NE(NULL, strstr(p, why_part));
	}
	free(buf);
	EXPECT_EQ(0, wo_summary_u64("uprobes.attached"));
}

/* (d) bad input: EINVAL, a reason, nothing attached. */
TEST_F(uc, bad_commands_attach_nothing)
{
	char cmd[256];
	int fd;

	expect_einval(_metadata, "uprobe add " COPY " 0x10 clock_gettime",
		      "filter");
	ASSERT_EQ(0, wo_control("filter tgid 1"));
	expect_einval(_metadata, "uprobe add /nonexistent 0x10 clock_gettime",
		      "cannot be opened");
	expect_einval(_metadata, "uprobe add " COPY " 0x7fffffff clock_gettime",
		      "beyond");
	fd = open("/tmp/wo_notelf", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4096, write(fd, memset(malloc(4096), 'x', 4096), 4096));
	close(fd);
	expect_einval(_metadata, "uprobe add /tmp/wo_notelf 0x10 clock_gettime",
		      "not an ELF");
	expect_einval(_metadata, "uprobe add /tmp 0x10 clock_gettime",
		      "regular");
	snprintf(cmd, sizeof(cmd), "uprobe add %s 0x%llx clock_settime", COPY,
		 (unsigned long long)self->off);
	expect_einval(_metadata, cmd, "kind");
	snprintf(cmd, sizeof(cmd), "uprobe add %s 0x%llx clock_gettime every",
		 COPY, (unsigned long long)self->off);
	expect_einval(_metadata, cmd, "all");
	expect_einval(_metadata, "uprobe add " COPY " zz clock_gettime", "number");
	expect_einval(_metadata, "uprobe add tmp/x 0x10 clock_gettime", "absolute");
	expect_einval(_metadata, "uprobe remove", "add, clear");
	expect_einval(_metadata, "uprobe clear now", "no argument");
	/* A good one after the bad ones, then a second scope is refused. */
	ASSERT_EQ(0, uprobe_add(self->off, NULL));
	EXPECT_EQ(-EINVAL, uprobe_add(self->off + 4, "all"));
	EXPECT_EQ(-EINVAL, uprobe_add(self->off, NULL));	/* twice */
	EXPECT_EQ(1, wo_summary_u64("uprobes.attached"));
	EXPECT_EQ(0, wo_control("uprobe clear"));
	EXPECT_EQ(0, wo_summary_u64("uprobes.attached"));
	unlink("/tmp/wo_notelf");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "reader"))
		return reader_main();
	return test_harness_run(argc, argv);
}
