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
		"Usage: wakeoff record [-o FILE] [-d SECONDS] [--pid PID] [--tgid TGID]\n"
		"                      [--comm NAME] [-G CGROUP] [--run ID [--label LABEL]] [-q]\n"
		"                      [-- COMMAND [ARGS...]]\n"
		"\n"
		"Drain every per-CPU event stream of the wakeoff module into FILE\n"
		"(default wakeoff.data) until Ctrl-C, -d SECONDS, or COMMAND exits.\n"
		"  -o, --output FILE   record file (\"-\" is not allowed: it is binary)\n"
		"  -d, --duration S    stop after S seconds (decimals allowed)\n"
		"      --pid/--tgid/--comm   set the module's filter for the recording\n"
		"                      (cleared again at the end); with --pid or --tgid\n"
		"                      the process's libc clock_gettime() is hooked too\n"
		"                      (user reads through the vDSO; removed at the end)\n"
		"  -G, --cgroup CGROUP only wakeups of tasks in cgroup v2 CGROUP or below:\n"
		"                      a directory of the cgroup2 mount or the path\n"
		"                      /proc/PID/cgroup shows; all filters combine (AND)\n"
		"      --no-uprobe     do not hook libc\n"
		"      --run ID        tag the recording with run ID (u64)\n"
		"      --label LABEL   and a label (< 64 printable bytes, no spaces)\n"
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

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'P' },
		{ "tgid", required_argument, NULL, 'T' },
		{ "comm", required_argument, NULL, 'C' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ "run", required_argument, NULL, 'r' },
		{ "label", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-uprobe", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = "wakeoff.data", *pid = NULL, *tgid = NULL;
	const char *comm = NULL, *run = NULL, *label = NULL, *cgroup = NULL;
	char cg[243];	/* "filter cgroup " + this fits the module's 256 */
	double duration = 0, t0, last_prog = 0, el;
	struct cpu_cnt *c0 = NULL, *c1 = NULL;
	uint64_t *got = NULL, bad = 0, total = 0, last_total = 0, bytes = 0;
	struct wo_summary s0 = { 0 }, s1 = { 0 };
	bool quiet = false, started = false, filtered = false, progress;
	bool uprobe = true, uprobed = false;
	bool pressured;
	unsigned int reads;
	struct tbuf meta = { 0 }, cnts = { 0 };
	char *buf = NULL, path[4096], host[256] = "?", when[64], cmdline[1024];
	unsigned int ncpu, i;
	pid_t child = -1;
	int opt, efd = -1, out = -1, rc = 1, child_status = 0;
	struct sigaction sa;
	struct utsname un;
	const char *v;
	time_t now;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:d:qhG:", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out_path = optarg;
			break;
		case 'd': {
			char *end;

			errno = 0;
			duration = strtod(optarg, &end);
			if (errno || *end || !(duration > 0) || duration > 1e7) {
				fprintf(stderr, "wakeoff record: bad duration '%s' (seconds > 0)\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'P':
			pid = optarg;
			break;
		case 'T':
			tgid = optarg;
			break;
		case 'C':
			comm = optarg;
			break;
		case 'G':
			cgroup = optarg;
			break;
		case 'r':
			run = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'U':
			uprobe = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (label && !run) {
		fprintf(stderr, "wakeoff record: --label needs --run ID\n");
		return 2;
	}
	if (cgroup) {
		char why[1024];

		if (wo_cgpath_resolve(cgroup, cg, sizeof(cg), why, sizeof(why))) {
			fprintf(stderr, "wakeoff record: -G: %s\n", why);
			return 2;
		}
	}
	if (!strcmp(out_path, "-")) {
		fprintf(stderr, "wakeoff record: the record file is binary; give a file name\n");
		return 2;
	}
	cmdline[0] = '\0';
	for (i = 0; i < (unsigned int)argc; i++) {
		size_t l = strlen(cmdline);

		snprintf(cmdline + l, sizeof(cmdline) - l, "%s%s", i ? " " : "",
			 argv[i]);
	}
	one_line(cmdline);

	if (wo_mod_summary(&s0))
		return 1;
	if (wo_summary_get_u64(&s0, WAKEOFF_KEY_CPUS_POSSIBLE, &total) || !total ||
	    total > MAX_CPUS) {
		fprintf(stderr, "wakeoff record: the summary has no usable cpus_possible\n");
		goto out;
	}
	ncpu = (unsigned int)total;
	total = 0;
	c0 = calloc(ncpu, sizeof(*c0));
	c1 = calloc(ncpu, sizeof(*c1));
	got = calloc(ncpu, sizeof(*got));
	buf = malloc(RD_BUF);
	if (!c0 || !c1 || !got || !buf) {
		perror("wakeoff record");
		goto out;
	}
	if (snap_counters(&s0, c0, ncpu)) {
		fprintf(stderr, "wakeoff record: the summary lacks per-CPU counters\n");
		goto out;
	}

	wo_path(path, sizeof(path), "events");
	efd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (efd < 0) {
		wo_mod_perror("wakeoff record", path, errno);
		goto out;
	}
	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		fprintf(stderr, "wakeoff record: %s: %s\n", out_path, strerror(errno));
		goto out;
	}

	/* Filters and run id first, so that the whole file is under them. */
	if (pid || tgid || comm || cgroup) {
		char cmd[300];

		if (wo_mod_control("filter clear"))
			goto out;
		filtered = true;
		if (pid) {
			snprintf(cmd, sizeof(cmd), "filter pid %s", pid);
			if (wo_mod_control(cmd))
				goto out;
		}
		if (tgid) {
			snprintf(cmd, sizeof(cmd), "filter tgid %s", tgid);
			if (wo_mod_control(cmd))
				goto out;
		}
		if (comm) {
			snprintf(cmd, sizeof(cmd), "filter comm %.100s", comm);
			if (wo_mod_control(cmd))
				goto out;
		}
		if (cgroup) {
			snprintf(cmd, sizeof(cmd), "filter cgroup %s", cg);
			if (wo_mod_control(cmd))
				goto out;
		}
	}
	/*
	 * User reads through the vDSO never enter the kernel: hook the
	 * traced process's libc (before the header, so that TKHK names
	 * it).  Not fatal: a static or exited process has none.
	 */
	if (uprobe && (pid || tgid)) {
		if (wo_uprobe_libc((pid_t)atoi(tgid ? tgid : pid), false))
			fprintf(stderr, "wakeoff record: libc not hooked: user clock reads through the vDSO are not seen (--no-uprobe silences this)\n");
		else
			uprobed = true;
	}
	if (run) {
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "run %s%s%.100s", run, label ? " " : "",
			 label ? label : "");
		if (wo_mod_control(cmd))
			goto out;
	}

	/* The header, after the control commands so that it shows them. */
	wo_summary_free(&s0);
	if (wo_mod_summary(&s0))
		goto out;
	if (!uname(&un))
		snprintf(host, sizeof(host), "%s", un.nodename);
	now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	tb_add(&meta, "format", "%d.%d", WOF_MAJOR, WOF_MINOR);
	{
		static const char *const keys[] = {
			"kernel", "cpus_possible", "cpus_online", "clocksource",
			"wakeoff_version", "record_abi", "filter", "run_id",
			"run_label", "rq_clock", "wake_flags_table",
		};

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			v = wo_summary_get(&s0, keys[i]);
			tb_add(&meta, !strcmp(keys[i], "wakeoff_version") ?
				      "module_version" : keys[i], "%s", v ? v : "?");
		}
	}
	one_line(host);
	tb_add(&meta, "host", "%s", host);
	tb_add(&meta, "recorded_at", "%s", when);
	tb_add(&meta, "command", "%s", cmdline);
	if (wof_write_magic(out) || wof_write_chunk(out, "META", meta.p, meta.len) ||
	    write_file_chunk(out, "FLAG", "wake_flags") ||
	    write_file_chunk(out, "TKHK", "tk_hooks")) {
		fprintf(stderr, "wakeoff record: %s: %s\n", out_path, strerror(errno));
		goto out;
	}
	v = wo_summary_get(&s0, WAKEOFF_KEY_STATE);
	if (v && strcmp(v, "recording")) {
		if (wo_mod_control("start"))
			goto out;
		started = true;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (optind < argc) {
		child = fork();
		if (child < 0) {
			perror("wakeoff record: fork");
			goto out;
		}
		if (child == 0) {
			close(efd);
			close(out);
			execvp(argv[optind], argv + optind);
			fprintf(stderr, "wakeoff record: %s: %s\n", argv[optind],
				strerror(errno));
			_exit(127);
		}
	}

	progress = !quiet && isatty(2);
	t0 = mono();
	for (;;) {
		bool ending = stop_req || (duration > 0 && mono() - t0 >= duration);
		ssize_t n;

		if (child > 0 && waitpid(child, &child_status, WNOHANG) == child) {
			child = -1;
			ending = true;
		}
		if (ending && started) {
			/*
			 * Stop first: open correlations close and land in the
			 * rings.  Without the stop the file would lack them.
			 */
			started = false;
			if (wo_mod_restore("wakeoff record", "stop", "recording"))
				goto out;
		}
		/*
		 * Drain: while reads come back full the buffers are under
		 * pressure and we keep going; otherwise batch for 100 ms (the
		 * module keeps up to bufsize_kb per CPU meanwhile).  When
		 * ending, drain to the end (bounded if someone else keeps
		 * the module recording).
		 */
		pressured = false;
		for (reads = 0;; reads++) {
			n = read(efd, buf, RD_BUF);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			count_cpus(buf, (size_t)n, got, ncpu, &bad);
			if (wof_write_chunk(out, "RECS", buf, (size_t)n)) {
				fprintf(stderr, "wakeoff record: %s: %s\n", out_path,
					strerror(errno));
				goto out;
			}
			bytes += (uint64_t)n;
			pressured = (size_t)n >= RD_BUF / 2;
			if (!pressured && !ending)
				break;
			if (reads >= (ending ? 4096 : 64))
				break;
		}
		if (n < 0 && errno != EAGAIN) {
			fprintf(stderr, "wakeoff record: read %s: %s\n", path,
				strerror(errno));
			goto out;
		}
		if (ending)
			break;
		el = mono() - t0;
		if (progress && el - last_prog >= 1.0) {
			for (total = 0, i = 0; i < ncpu; i++)
				total += got[i];
			fprintf(stderr, "\r[wakeoff record] %.0f s  %.0f events/s  %" PRIu64
				" records  %.1f MB", el, (total - last_total) / (el - last_prog),
				total, bytes / 1e6);
			{
				struct wo_summary cur;
				char err[64], *sb;
				size_t sl;

				if (!wo_mod_read("summary", &sb, &sl)) {
					if (!wo_summary_parse(sb, sl, &cur, err, sizeof(err))) {
						if (!snap_counters(&cur, c1, ncpu)) {
							fputs("  dropped:", stderr);
							for (i = 0; i < ncpu; i++)
								fprintf(stderr, " cpu%u %" PRIu64, i,
									c1[i].dropped - c0[i].dropped);
						}
						wo_summary_free(&cur);
					}
					free(sb);
				}
			}
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

	/* The trailer: stacks, summary, and this recording's counters. */
	if (wo_mod_summary(&s1) || snap_counters(&s1, c1, ncpu)) {
		fprintf(stderr, "wakeoff record: cannot read the final counters\n");
		goto out;
	}
	{
		uint64_t tw = 0, tr = 0, td = 0, tg = 0, u0 = 0, u1 = 0, x;
		char k[48], *ob;
		size_t ol;
		int orc = 0;

		for (i = 0; i < ncpu; i++) {
			snprintf(k, sizeof(k), "cpu%u.wakeups", i);
			tb_add(&cnts, k, "%" PRIu64, c1[i].wakeups - c0[i].wakeups);
			snprintf(k, sizeof(k), "cpu%u.recorded", i);
			tb_add(&cnts, k, "%" PRIu64, c1[i].recorded - c0[i].recorded);
			snprintf(k, sizeof(k), "cpu%u.dropped", i);
			tb_add(&cnts, k, "%" PRIu64, c1[i].dropped - c0[i].dropped);
			snprintf(k, sizeof(k), "cpu%u.received", i);
			tb_add(&cnts, k, "%" PRIu64, got[i]);
			tw += c1[i].wakeups - c0[i].wakeups;
			tr += c1[i].recorded - c0[i].recorded;
			td += c1[i].dropped - c0[i].dropped;
			tg += got[i];
		}
		if (!wo_summary_get_u64(&s0, WAKEOFF_KEY_UNTRACKED_FULL, &x))
			u0 += x;
		if (!wo_summary_get_u64(&s0, WAKEOFF_KEY_UNTRACKED_BUSY, &x))
			u0 += x;
		if (!wo_summary_get_u64(&s1, WAKEOFF_KEY_UNTRACKED_FULL, &x))
			u1 += x;
		if (!wo_summary_get_u64(&s1, WAKEOFF_KEY_UNTRACKED_BUSY, &x))
			u1 += x;
		tb_add(&cnts, "wakeups", "%" PRIu64, tw);
		tb_add(&cnts, "untracked", "%" PRIu64, u1 - u0);
		tb_add(&cnts, "recorded", "%" PRIu64, tr);
		tb_add(&cnts, "dropped", "%" PRIu64, td);
		tb_add(&cnts, "received", "%" PRIu64, tg);
		tb_add(&cnts, "malformed_reads", "%" PRIu64, bad);
		tb_add(&cnts, "duration_s", "%.3f", mono() - t0);
		/* Blocking stacks: a module before record ABI 1.4 has none. */
		if (!wo_mod_read("offcpu_stacks", &ob, &ol)) {
			orc = wof_write_chunk(out, "OSTK", ob, ol);
			free(ob);
		}
		if (orc || write_file_chunk(out, "STCK", "stacks") ||
		    write_file_chunk(out, "SUMM", "summary") ||
		    wof_write_chunk(out, "CNTS", cnts.p, cnts.len) ||
		    wof_write_chunk(out, "ENDS", NULL, 0) || fsync(out) < 0) {
			fprintf(stderr, "wakeoff record: %s: %s\n", out_path,
				strerror(errno));
			goto out;
		}
		fprintf(stderr, "wakeoff record: %" PRIu64 " records (%.1f MB) to %s in %.1f s\n",
			tg, bytes / 1e6, out_path, mono() - t0);
		fprintf(stderr, "  %-6s %10s %10s %10s %10s\n", "cpu", "wakeups",
			"recorded", "received", "dropped");
		for (i = 0; i < ncpu; i++)
			fprintf(stderr, "  cpu%-3u %10" PRIu64 " %10" PRIu64 " %10" PRIu64
				" %10" PRIu64 "\n", i, c1[i].wakeups - c0[i].wakeups,
				c1[i].recorded - c0[i].recorded, got[i],
				c1[i].dropped - c0[i].dropped);
		fprintf(stderr, "  %-6s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
			"total", tw, tr, tg, td);
		if (td)
			fprintf(stderr, "wakeoff record: WARNING: %" PRIu64
				" records dropped by the module (buffers full: raise bufsize_kb, or filter)\n",
				td);
		if (u1 - u0)
			fprintf(stderr, "wakeoff record: %" PRIu64
				" wakeups not correlated (table full or slot busy; see the summary)\n",
				u1 - u0);
	}
	rc = 0;
	if (child_status && WIFEXITED(child_status) && WEXITSTATUS(child_status))
		fprintf(stderr, "wakeoff record: the command exited with %d\n",
			WEXITSTATUS(child_status));
out:
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	/* Whatever cannot be put back fails the command: the module is off. */
	if (started && wo_mod_restore("wakeoff record", "stop", "recording"))
		rc = 1;
	if (uprobed && wo_mod_restore("wakeoff record", "uprobe clear",
				      "with a clock hook in the traced process"))
		rc = 1;
	if (filtered && wo_mod_restore("wakeoff record", "filter clear",
				       "filtered"))
		rc = 1;
	if (efd >= 0)
		close(efd);
	if (out >= 0 && close(out) && !rc) {
		fprintf(stderr, "wakeoff record: %s: %s\n", out_path, strerror(errno));
		rc = 1;
	}
	wo_summary_free(&s0);
	wo_summary_free(&s1);
	free(meta.p);
	free(cnts.p);
	free(c0);
	free(c1);
	free(got);
	free(buf);
	return rc;
}
