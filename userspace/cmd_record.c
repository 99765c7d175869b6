// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff record: drain the module's events file into a record file
 * (wofile.h), with the recording kernel's flag table, timekeeping hooks,
 * stack clusters, summary and per-CPU counters, so that the file reports
 * the same anywhere.  Stops on SIGINT/SIGTERM, after -d seconds, or when
 * the command given after "--" exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgpath.h"
#include "cmds.h"
#include "uprobe.h"
#include "modfs.h"
#include "wofile.h"
#include "../module/uapi/wakeoff_keys.h"

#define RD_BUF		(1U << 20)
#define MAX_CPUS	4096

static volatile sig_atomic_t stop_req;

static void on_signal(int sig)
{
	(void)sig;
	stop_req = 1;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wakeoff record [-o FILE] [-d SECONDS] [-p PID] [-T TGID] [-c NAME]\n"
		"                      [-G CGROUP] [-r ID [-l LABEL]] [-q]\n"
		"                      [-- COMMAND [ARGS...]]\n"
		"\n"
		"Drain every per-CPU event stream of the wakeoff module into FILE\n"
		"(default wakeoff.data) until Ctrl-C, -d SECONDS, or COMMAND exits.\n"
		"  -o, --output FILE   record file (\"-\" is not allowed: it is binary)\n"
		"  -d, --duration S    stop after S seconds (decimals allowed)\n"
		"  -p, --pid PID       only wakeups of thread PID (the module's filter,\n"
		"  -T, --tgid TGID     of process TGID, of tasks named NAME; cleared\n"
		"  -c, --comm NAME     again at the end); with --pid or --tgid\n"
		"                      the process's libc clock_gettime() is hooked too\n"
		"                      (user reads through the vDSO; removed at the end)\n"
		"  -G, --cgroup CGROUP only wakeups of tasks in cgroup v2 CGROUP or below:\n"
		"                      a directory of the cgroup2 mount or the path\n"
		"                      /proc/PID/cgroup shows; all filters combine (AND)\n"
		"      --no-uprobe     do not hook libc\n"
		"  -r, --run ID        tag the recording with run ID (u64)\n"
		"  -l, --label LABEL   and a label (< 64 printable bytes, no spaces)\n"
		"  -q, --quiet         no live progress on stderr\n"
		"The module is started if it was stopped, and stopped again at the end\n"
		"(closing open correlations as 'flushed').  At the end, what was recorded\n"
		"and dropped is printed per CPU from the module's own counters.\n");
}

struct cpu_cnt {
	uint64_t wakeups, recorded, dropped;
};

static int snap_counters(const struct wo_summary *s, struct cpu_cnt *c,
			 unsigned int n)
{
	unsigned int i;
	char k[48];

	for (i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "cpu%u.wakeups", i);
		if (wo_summary_get_u64(s, k, &c[i].wakeups))
			return -1;
		snprintf(k, sizeof(k), "cpu%u.recorded", i);
		if (wo_summary_get_u64(s, k, &c[i].recorded))
			return -1;
		snprintf(k, sizeof(k), "cpu%u.dropped", i);
		if (wo_summary_get_u64(s, k, &c[i].dropped))
			return -1;
	}
	return 0;
}

/* A growable text buffer for META and CNTS. */
struct tbuf {
	char *p;
	size_t len, cap;
};

static void tb_add(struct tbuf *b, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void tb_add(struct tbuf *b, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = room ? snprintf(b->p + b->len, room, "%s: ", key) : -1;
		if (n >= 0 && (size_t)n < room)
			n += vsnprintf(b->p + b->len + n, room - n, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n + 1 < room) {
			b->len += n;
			b->p[b->len++] = '\n';
			b->p[b->len] = '\0';
			return;
		}
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("wakeoff record");
			exit(2);
		}
	}
}

/* A META value must stay on one line and be a valid summary value. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static int write_file_chunk(int out, const char *tag, const char *name)
{
	char *buf;
	size_t len;
	int rc;

	if (wo_mod_read(name, &buf, &len))
		return -1;
	rc = wof_write_chunk(out, tag, buf, len);
	free(buf);
	return rc;
}

/* Count records per CPU in what read() returned (the module's framing). */
static void count_cpus(const char *buf, size_t len, uint64_t *got,
		       unsigned int n, uint64_t *bad)
{
	size_t off = 0;

	while (len - off >= sizeof(struct wakeoff_rec_hdr)) {
		struct wakeoff_rec_hdr h;

		if (wakeoff_rec_check(buf + off, len - off)) {
			(*bad)++;
			return;
		}
		memcpy(&h, buf + off, sizeof(h));
		if (h.cpu < n)
			got[h.cpu]++;
		off += h.size;
	}
}

/* What one recording holds, from the options to the trailer. */
struct rec {
	/* options */
	const char *out_path, *pid, *tgid, *comm, *run, *label, *cgroup;
	char cg[243];	/* "filter cgroup " + this fits the module's 256 */
	double duration;
	bool quiet, uprobe;
	char cmdline[1024];
	/* state */
	struct cpu_cnt *c0, *c1;
	uint64_t *got, bad, bytes;
	struct wo_summary s0, s1;
	bool started, filtered, uprobed;
	struct tbuf meta, cnts;
	char *buf, path[4096];
	unsigned int ncpu;
	pid_t child;
	int efd, out, child_status;
	double t0;
};

static int rec_duration(struct rec *r, const char *arg)
{
	char *end;

	errno = 0;
	r->duration = strtod(arg, &end);
	if (errno || *end || !(r->duration > 0) || r->duration > 1e7) {
		fprintf(stderr, "wakeoff record: bad duration '%s' (seconds > 0)\n",
			arg);
		return -1;
	}
	return 0;
}

/* -1: go on; else the exit status. */
static int rec_opts(struct rec *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "tgid", required_argument, NULL, 'T' },
		{ "comm", required_argument, NULL, 'c' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ "run", required_argument, NULL, 'r' },
		{ "label", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-uprobe", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:d:p:T:c:G:r:l:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': r->out_path = optarg; break;
		case 'd':
			if (rec_duration(r, optarg))
				return 2;
			break;
		case 'p': r->pid = optarg; break;
		case 'T': r->tgid = optarg; break;
		case 'c': r->comm = optarg; break;
		case 'G': r->cgroup = optarg; break;
		case 'r': r->run = optarg; break;
		case 'l': r->label = optarg; break;
		case 'q': r->quiet = true; break;
		case 'U': r->uprobe = false; break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	return -1;
}

/* Option checks that need no module; -1: go on, else the exit status. */
static int rec_check(struct rec *r, int argc, char **argv)
{
	unsigned int i;

	if (r->label && !r->run) {
		fprintf(stderr, "wakeoff record: --label needs --run ID\n");
		return 2;
	}
	if (r->cgroup) {
		char why[1024];

		if (wo_cgpath_resolve(r->cgroup, r->cg, sizeof(r->cg), why, sizeof(why))) {
			fprintf(stderr, "wakeoff record: -G: %s\n", why);
			return 2;
		}
	}
	if (!strcmp(r->out_path, "-")) {
		fprintf(stderr, "wakeoff record: the record file is binary; give a file name\n");
		return 2;
	}
	r->cmdline[0] = '\0';
	for (i = 0; i < (unsigned int)argc; i++) {
		size_t l = strlen(r->cmdline);

		snprintf(r->cmdline + l, sizeof(r->cmdline) - l, "%s%s",
			 i ? " " : "", argv[i]);
	}
	one_line(r->cmdline);
	return -1;
}

/* The CPU count, the counters before, the buffers and both files. */
static int rec_open(struct rec *r)
{
	uint64_t n;

	if (wo_mod_summary(&r->s0))
		return -1;
	if (wo_summary_get_u64(&r->s0, WAKEOFF_KEY_CPUS_POSSIBLE, &n) || !n ||
	    n > MAX_CPUS) {
		fprintf(stderr, "wakeoff record: the summary has no usable cpus_possible\n");
		return -1;
	}
	r->ncpu = (unsigned int)n;
	r->c0 = calloc(r->ncpu, sizeof(*r->c0));
	r->c1 = calloc(r->ncpu, sizeof(*r->c1));
	r->got = calloc(r->ncpu, sizeof(*r->got));
	r->buf = malloc(RD_BUF);
	if (!r->c0 || !r->c1 || !r->got || !r->buf) {
		perror("wakeoff record");
		return -1;
	}
	if (snap_counters(&r->s0, r->c0, r->ncpu)) {
		fprintf(stderr, "wakeoff record: the summary lacks per-CPU counters\n");
		return -1;
	}
	wo_path(r->path, sizeof(r->path), "events");
	r->efd = open(r->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->efd < 0) {
		wo_mod_perror("wakeoff record", r->path, errno);
		return -1;
	}
	r->out = open(r->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (r->out < 0) {
		fprintf(stderr, "wakeoff record: %s: %s\n", r->out_path, strerror(errno));
		return -1;
	}
	return 0;
}

static int rec_filter(const char *what, const char *fmt, const char *v)
{
	char cmd[300];

	if (!v)
		return 0;
	snprintf(cmd, sizeof(cmd), "filter %s ", what);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), fmt, v);
	return wo_mod_control(cmd);
}

/* Filters and run id first, so that the whole file is under them. */
static int rec_control(struct rec *r)
{
	if (r->pid || r->tgid || r->comm || r->cgroup) {
		if (wo_mod_control("filter clear"))
			return -1;
		r->filtered = true;
		if (rec_filter("pid", "%s", r->pid) ||
		    rec_filter("tgid", "%s", r->tgid) ||
		    rec_filter("comm", "%.100s", r->comm) ||
		    rec_filter("cgroup", "%s", r->cgroup ? r->cg : NULL))
			return -1;
	}
	/*
	 * User reads through the vDSO never enter the kernel: hook the
	 * traced process's libc (before the header, so that TKHK names
	 * it).  Not fatal: a static or exited process has none.
	 */
	if (r->uprobe && (r->pid || r->tgid)) {
		if (wo_uprobe_libc((pid_t)atoi(r->tgid ? r->tgid : r->pid), false))
			fprintf(stderr, "wakeoff record: libc not hooked: user clock reads through the vDSO are not seen (--no-uprobe silences this)\n");
		else
			r->uprobed = true;
	}
	if (r->run) {
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "run %s%s%.100s", r->run,
			 r->label ? " " : "", r->label ? r->label : "");
		if (wo_mod_control(cmd))
			return -1;
	}
	return 0;
}

/* The header, after the control commands so that it shows them. */
static int rec_header(struct rec *r)
{
	static const char *const keys[] = {
		"kernel", "cpus_possible", "cpus_online", "clocksource",
		"wakeoff_version", "record_abi", "filter", "run_id",
		"run_label", "rq_clock", "wake_flags_table",
	};
	char host[256] = "?", when[64];
	struct utsname un;
	const char *v;
	unsigned int i;
	time_t now;

	wo_summary_free(&r->s0);
	if (wo_mod_summary(&r->s0))
		return -1;
	if (!uname(&un))
		snprintf(host, sizeof(host), "%s", un.nodename);
	now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	tb_add(&r->meta, "format", "%d.%d", WOF_MAJOR, WOF_MINOR);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = wo_summary_get(&r->s0, keys[i]);
		tb_add(&r->meta, !strcmp(keys[i], "wakeoff_version") ?
			      "module_version" : keys[i], "%s", v ? v : "?");
	}
	one_line(host);
	tb_add(&r->meta, "host", "%s", host);
	tb_add(&r->meta, "recorded_at", "%s", when);
	tb_add(&r->meta, "command", "%s", r->cmdline);
	if (wof_write_magic(r->out) ||
	    wof_write_chunk(r->out, "META", r->meta.p, r->meta.len) ||
	    write_file_chunk(r->out, "FLAG", "wake_flags") ||
	    write_file_chunk(r->out, "TKHK", "tk_hooks")) {
		fprintf(stderr, "wakeoff record: %s: %s\n", r->out_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Start the module if it is not recording, and the command after "--". */
static int rec_start(struct rec *r, int argc, char **argv)
{
	const char *v = wo_summary_get(&r->s0, WAKEOFF_KEY_STATE);
	struct sigaction sa;

	if (v && strcmp(v, "recording")) {
		if (wo_mod_control("start"))
			return -1;
		r->started = true;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (optind >= argc)
		return 0;
	r->child = fork();
	if (r->child < 0) {
		perror("wakeoff record: fork");
		return -1;
	}
	if (r->child == 0) {
		close(r->efd);
		close(r->out);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "wakeoff record: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	return 0;
}

/*
 * Drain: while reads come back full the buffers are under pressure and
 * we keep going; otherwise batch for 100 ms (the module keeps up to
 * bufsize_kb per CPU meanwhile).  When ending, drain to the end (bounded
 * if someone else keeps the module recording).  0 or -1; *@pressured
 * says whether the last read was full.
 */
static int rec_drain(struct rec *r, bool ending, bool *pressured)
{
	unsigned int reads;
	ssize_t n;

	*pressured = false;
	for (reads = 0;; reads++) {
		n = read(r->efd, r->buf, RD_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		count_cpus(r->buf, (size_t)n, r->got, r->ncpu, &r->bad);
		if (wof_write_chunk(r->out, "RECS", r->buf, (size_t)n)) {
			fprintf(stderr, "wakeoff record: %s: %s\n", r->out_path,
				strerror(errno));
			return -1;
		}
		r->bytes += (uint64_t)n;
		*pressured = (size_t)n >= RD_BUF / 2;
		if (!*pressured && !ending)
			break;
		if (reads >= (ending ? 4096 : 64))
			break;
	}
	if (n < 0 && errno != EAGAIN) {
		fprintf(stderr, "wakeoff record: read %s: %s\n", r->path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static uint64_t rec_received(const struct rec *r)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < r->ncpu; i++)
		total += r->got[i];
	return total;
}

/* The progress line's per-CPU drops, from a fresh summary. */
static void rec_progress_drops(struct rec *r)
{
	struct wo_summary cur;
	char err[64], *sb;
	unsigned int i;
	size_t sl;

	if (wo_mod_read("summary", &sb, &sl))
		return;
	if (!wo_summary_parse(sb, sl, &cur, err, sizeof(err))) {
		if (!snap_counters(&cur, r->c1, r->ncpu)) {
			fputs("  dropped:", stderr);
			for (i = 0; i < r->ncpu; i++)
				fprintf(stderr, " cpu%u %" PRIu64, i,
					r->c1[i].dropped - r->c0[i].dropped);
		}
		wo_summary_free(&cur);
	}
	free(sb);
}

/* Until a signal, -d or the command's exit: drain, show progress. */
static int rec_loop(struct rec *r)
{
	bool progress = !r->quiet && isatty(2), pressured;
	double last_prog = 0, el;
	uint64_t total, last_total = 0;

	r->t0 = mono();
	for (;;) {
		bool ending = stop_req || (r->duration > 0 && mono() - r->t0 >= r->duration);

		if (r->child > 0 && waitpid(r->child, &r->child_status, WNOHANG) == r->child) {
			r->child = -1;
			ending = true;
		}
		if (ending && r->started) {
			/*
			 * Stop first: open correlations close and land in the
			 * rings.  Without the stop the file would lack them.
			 */
			r->started = false;
			if (wo_mod_restore("wakeoff record", "stop", "recording"))
				return -1;
		}
		if (rec_drain(r, ending, &pressured))
			return -1;
		if (ending)
			break;
		el = mono() - r->t0;
		if (progress && el - last_prog >= 1.0) {
			total = rec_received(r);
			fprintf(stderr, "\r[wakeoff record] %.0f s  %.0f events/s  %" PRIu64
				" records  %.1f MB", el, (total - last_total) / (el - last_prog),
				total, r->bytes / 1e6);
			rec_progress_drops(r);
			fputs("   ", stderr);
			last_prog = el;
			last_total = total;
		}
		if (!pressured) {
			struct timespec batch = { 0, 100000000 };

			nanosleep(&batch, NULL);
		}
	}
	if (progress)
		fputc('\n', stderr);
	return 0;
}

/* Totals over all CPUs of this recording, for CNTS and the table. */
struct rec_tot {
	uint64_t wakeups, recorded, dropped, received, untracked;
};

static uint64_t untracked(const struct wo_summary *s)
{
	uint64_t u = 0, x;

	if (!wo_summary_get_u64(s, WAKEOFF_KEY_UNTRACKED_FULL, &x))
		u += x;
	if (!wo_summary_get_u64(s, WAKEOFF_KEY_UNTRACKED_BUSY, &x))
		u += x;
	return u;
}

/* CNTS: this recording's counters, per CPU then in all. */
static void rec_counters(struct rec *r, struct rec_tot *t)
{
	const struct cpu_cnt *c0 = r->c0, *c1 = r->c1;
	unsigned int i;
	char k[48];

	memset(t, 0, sizeof(*t));
	for (i = 0; i < r->ncpu; i++) {
		snprintf(k, sizeof(k), "cpu%u.wakeups", i);
		tb_add(&r->cnts, k, "%" PRIu64, c1[i].wakeups - c0[i].wakeups);
		snprintf(k, sizeof(k), "cpu%u.recorded", i);
		tb_add(&r->cnts, k, "%" PRIu64, c1[i].recorded - c0[i].recorded);
		snprintf(k, sizeof(k), "cpu%u.dropped", i);
		tb_add(&r->cnts, k, "%" PRIu64, c1[i].dropped - c0[i].dropped);
		snprintf(k, sizeof(k), "cpu%u.received", i);
		tb_add(&r->cnts, k, "%" PRIu64, r->got[i]);
		t->wakeups += c1[i].wakeups - c0[i].wakeups;
		t->recorded += c1[i].recorded - c0[i].recorded;
		t->dropped += c1[i].dropped - c0[i].dropped;
		t->received += r->got[i];
	}
	t->untracked = untracked(&r->s1) - untracked(&r->s0);
	tb_add(&r->cnts, "wakeups", "%" PRIu64, t->wakeups);
	tb_add(&r->cnts, "untracked", "%" PRIu64, t->untracked);
	tb_add(&r->cnts, "recorded", "%" PRIu64, t->recorded);
	tb_add(&r->cnts, "dropped", "%" PRIu64, t->dropped);
	tb_add(&r->cnts, "received", "%" PRIu64, t->received);
	tb_add(&r->cnts, "malformed_reads", "%" PRIu64, r->bad);
	tb_add(&r->cnts, "duration_s", "%.3f", mono() - r->t0);
}

/* The per-CPU table on stderr, and what needs a warning. */
static void rec_print_totals(const struct rec *r, const struct rec_tot *t)
{
	const struct cpu_cnt *c0 = r->c0, *c1 = r->c1;
	unsigned int i;

	fprintf(stderr, "wakeoff record: %" PRIu64 " records (%.1f MB) to %s in %.1f s\n",
		t->received, r->bytes / 1e6, r->out_path, mono() - r->t0);
	fprintf(stderr, "  %-6s %10s %10s %10s %10s\n", "cpu", "wakeups",
		"recorded", "received", "dropped");
	for (i = 0; i < r->ncpu; i++)
		fprintf(stderr, "  cpu%-3u %10" PRIu64 " %10" PRIu64 " %10" PRIu64
			" %10" PRIu64 "\n", i, c1[i].wakeups - c0[i].wakeups,
			c1[i].recorded - c0[i].recorded, r->got[i],
			c1[i].dropped - c0[i].dropped);
	fprintf(stderr, "  %-6s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
		"total", t->wakeups, t->recorded, t->received, t->dropped);
	if (t->dropped)
		fprintf(stderr, "wakeoff record: WARNING: %" PRIu64
			" records dropped by the module (buffers full: raise bufsize_kb, or filter)\n",
			t->dropped);
	if (t->untracked)
		fprintf(stderr, "wakeoff record: %" PRIu64
			" wakeups not correlated (table full or slot busy; see the summary)\n",
			t->untracked);
}

/* The trailer: stacks, summary, and this recording's counters. */
static int rec_trailer(struct rec *r)
{
	struct rec_tot t;
	char *ob;
	size_t ol;
	int orc = 0;

	if (wo_mod_summary(&r->s1) || snap_counters(&r->s1, r->c1, r->ncpu)) {
		fprintf(stderr, "wakeoff record: cannot read the final counters\n");
		return -1;
	}
	rec_counters(r, &t);
	/* Blocking stacks: a module before record ABI 1.4 has none. */
	if (!wo_mod_read("offcpu_stacks", &ob, &ol)) {
		orc = wof_write_chunk(r->out, "OSTK", ob, ol);
		free(ob);
	}
	if (orc || write_file_chunk(r->out, "STCK", "stacks") ||
	    write_file_chunk(r->out, "SUMM", "summary") ||
	    wof_write_chunk(r->out, "CNTS", r->cnts.p, r->cnts.len) ||
	    wof_write_chunk(r->out, "ENDS", NULL, 0) || fsync(r->out) < 0) {
		fprintf(stderr, "wakeoff record: %s: %s\n", r->out_path,
			strerror(errno));
		return -1;
	}
	rec_print_totals(r, &t);
	return 0;
}

/* Put the module back as found; whatever cannot be fails the command. */
static int rec_close(struct rec *r, int rc)
{
	if (r->child > 0) {
		kill(r->child, SIGTERM);
		waitpid(r->child, NULL, 0);
	}
	if (r->started && wo_mod_restore("wakeoff record", "stop", "recording"))
		rc = 1;
	if (r->uprobed && wo_mod_restore("wakeoff record", "uprobe clear",
					 "with a clock hook in the traced process"))
		rc = 1;
	if (r->filtered && wo_mod_restore("wakeoff record", "filter clear",
					  "filtered"))
		rc = 1;
	if (r->efd >= 0)
		close(r->efd);
	if (r->out >= 0 && close(r->out) && !rc) {
		fprintf(stderr, "wakeoff record: %s: %s\n", r->out_path, strerror(errno));
		rc = 1;
	}
	wo_summary_free(&r->s0);
	wo_summary_free(&r->s1);
	free(r->meta.p);
	free(r->cnts.p);
	free(r->c0);
	free(r->c1);
	free(r->got);
	free(r->buf);
	return rc;
}

int cmd_record(int argc, char **argv)
{
	struct rec r = {
		.out_path = "wakeoff.data", .uprobe = true,
		.child = -1, .efd = -1, .out = -1,
	};
	int rc;

	rc = rec_opts(&r, argc, argv);
	if (rc < 0)
		rc = rec_check(&r, argc, argv);
	if (rc >= 0)
		return rc;
	if (rec_open(&r) || rec_control(&r) || rec_header(&r) ||
	    rec_start(&r, argc, argv) || rec_loop(&r) || rec_trailer(&r))
		return rec_close(&r, 1);
	if (r.child_status && WIFEXITED(r.child_status) && WEXITSTATUS(r.child_status))
		fprintf(stderr, "wakeoff record: the command exited with %d\n",
			WEXITSTATUS(r.child_status));
	return rec_close(&r, 0);
}
