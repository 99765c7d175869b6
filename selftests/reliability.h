/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the reliability tests (teardown, concurrency, overflow, hotplug,
 * security) share: the loaded/unloaded fixtures, patient unload, and the
 * reader that accounts every record by (cpu, seq) against the summary.
 * Header-only (static inline) so that each test binary takes what it uses.
 */
#ifndef WO_RELIABILITY_H
#define WO_RELIABILITY_H

#define WO_EVENTS	WO_DIR "/events"
#define MAXCPU		64

static const char * const wo_files[] __attribute__((unused)) = {
	"summary", "control", "events", "wake_flags", "tk_hooks", "stacks",
	"offcpu_stacks",
};
#define NFILES (sizeof(wo_files) / sizeof(wo_files[0]))

/*
 * After a failed assertion: end the readers and workloads this test
 * forked (its own process group, see the harness), so that the module
 * can go and the next test starts clean.
 */
static inline void reap_children(void)
{
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0)
		;
}

static inline int unload_patiently(void);

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
static inline int in_use_error(int rc)
{
	return rc == -EWOULDBLOCK || rc == -EBUSY;
}

/* Unload, waiting up to 2 s for a just-killed reader's file to close. */
static inline int unload_patiently(void)
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


/* Read events (non-blocking) into *buf until told to stop, then drain. */
static inline long reader_loop(int fd, int stop_fd, char **out)
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

static inline void seen_init(struct seen *s, size_t nbits)
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

static inline void seen_free(struct seen *s)
{
	int c;

	for (c = 0; c < MAXCPU; c++)
		free(s->bits[c]);
}

/* Account every record of @buf by (cpu, seq); a repeat is a duplicate. */
static inline void seen_add(struct seen *s, const char *buf, long len)
{
	long off = 0;

	while (off + (long)sizeof(struct wakeoff_rec_hdr) <= len) {
		const struct wakeoff_rec_hdr *h = (const void *)(buf + off);

		if (wakeoff_rec_check(h, len - off) || h->cpu >= MAXCPU ||
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

static inline uint64_t cpu_key(struct wo_summary *s, long cpu, const char *what)
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

static inline int rdr_start(struct rdr *r, int fd, int stop_rd, int stop_wr)
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
static inline int rdr_collect(struct rdr *r, struct seen *s)
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
static inline void check_seen(struct __test_metadata *_metadata, struct seen *seen,
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

static inline int cpu_online_write(int cpu, int on)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return wo_write_str(path, on ? "1" : "0");
}

/* Conservation of every wakeup, with recording stopped. */
static inline void expect_conserved(struct __test_metadata *_metadata)
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

/* Something that looks like a kernel address, in text. */
static inline int has_pointer(const char *text, char *what, size_t wlen)
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
 * A reader that opens events, says so on @ready, then reads (blocking)
 * until killed.  It never exits on its own.
 */
static inline pid_t blocked_reader(void)
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

#endif /* WO_RELIABILITY_H */
