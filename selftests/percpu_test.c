// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU aggregation: figures written on every CPU still add up
 * exactly to the per-CPU statistics counted on another path (wo_stats),
 * also across resets written while the load runs; and the reported
 * footprint is possible CPUs x per-CPU blocks + shared, checked against
 * /sys/devices/system/cpu/possible and the vmalloc areas the kernel lists
 * in /proc/vmallocinfo; so are the wake-path and off-CPU footprints.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define NPAIRS	4

static uint64_t key_u64(struct wo_summary *s, const char *key)
{
	uint64_t v = ~0ULL;

	if (wo_summary_get_u64(s, key, &v))
		fprintf(stderr, "# summary has no numeric key %s\n", key);
	return v;
}

/* The sum of every "<prefix>N<suffix>" key (N a CPU number). */
static uint64_t sum_cpu_keys(struct wo_summary *s, const char *prefix,
			     const char *suffix, int *nonzero)
{
	char key[96];
	uint64_t v, sum = 0;
	int cpu;

	*nonzero = 0;
	for (cpu = 0; cpu < 4096; cpu++) {
		snprintf(key, sizeof(key), "%s%d%s", prefix, cpu, suffix);
		if (wo_summary_get_u64(s, key, &v))
			continue;
		sum += v;
		*nonzero += v > 0;
	}
	return sum;
}

/* Count of CPUs in a cpulist ("0-3,8"), -1 on a parse error. */
static int cpulist_count(const char *s)
{
	int n = 0, a, b, k;

	while (*s && *s != '\n') {
		if (sscanf(s, "%d%n", &a, &k) != 1)
			return -1;
		s += k;
		b = a;
		if (*s == '-') {
			if (sscanf(s + 1, "%d%n", &b, &k) != 1)
				return -1;
			s += k + 1;
		}
		n += b - a + 1;
		if (*s == ',')
			s++;
	}
	return n;
}

static int possible_cpus(void)
{
	char buf[256] = "";
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return cpulist_count(buf);
}

/* A pipe ping-pong forever, ping on CPU @a, pong on CPU @b. */
static pid_t spread_pair(int a, int b)
{
	int p1[2], p2[2];
	cpu_set_t set;
	pid_t pid;
	char c = 0;
	int ping;

	if (pipe(p1) || pipe(p2))
		return -1;
	pid = fork();
	if (pid)
		goto parent;
	/* The pair's own process group: one kill ends both. */
	setpgid(0, 0);
	ping = fork() != 0;
	CPU_ZERO(&set);
	CPU_SET(ping ? a : b, &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (ping) {
		for (;;) {
			if (write(p1[1], &c, 1) != 1 || read(p2[0], &c, 1) != 1)
				_exit(1);
		}
	}
	for (;;) {
		if (read(p1[0], &c, 1) != 1 || write(p2[1], &c, 1) != 1)
			_exit(1);
	}
parent:
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	return pid;
}

FIXTURE(pcpu) {
	pid_t pair[NPAIRS];
	int ncpu;
};

FIXTURE_SETUP(pcpu)
{
	int i;

	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
	self->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (i = 0; i < NPAIRS; i++)
		self->pair[i] = 0;
}

FIXTURE_TEARDOWN(pcpu)
{
	int i;

	for (i = 0; i < NPAIRS; i++) {
		if (self->pair[i] > 0) {
			kill(-self->pair[i], SIGKILL);
			kill(self->pair[i], SIGKILL);
			waitpid(self->pair[i], NULL, 0);
		}
	}
	wo_unload();
}

/*
 * Every closed wakeup lands in exactly one class, flag class, run (or
 * unattributed) and, if it has a target, one target CPU and one matrix
 * cell; and the closed count is the per-CPU statistics' own.
 */
static void expect_agg_conserves(struct __test_metadata *_metadata,
				 struct wo_summary *s, int ncpu)
{
	uint64_t all, closed, flagsum = 0, runsum = 0, tgt, woken, cells = 0;
	uint64_t v;
	int i, nz, tgt_nz;
	char *p;

	all = key_u64(s, "class.all.count");
	closed = key_u64(s, "wakeups_closed");
	EXPECT_EQ(closed, all);
	EXPECT_EQ(all, key_u64(s, "class.migrated.count") +
		       key_u64(s, "class.local.count"));
	for (i = 0; i < (int)s->n; i++) {
		const char *k = s->kv[i].key;
		size_t l = strlen(k);

		if (!strncmp(k, "flags.", 6) && l > 6 &&
		    !strcmp(k + l - 6, ".count") && !strchr(k + 6, '_') &&
		    !wo_summary_get_u64(s, k, &v))
			flagsum += v;
		if (!strncmp(k, "run.", 4) && l > 8 &&
		    !strcmp(k + l - 8, ".wakeups") &&
		    !wo_summary_get_u64(s, k, &v))
			runsum += v;
		if (!strncmp(k, "prev_to_target.cpu", 18))
			for (p = s->kv[i].value; *p; )
				cells += strtoull(p, &p, 10);
	}
	EXPECT_EQ(all, flagsum + key_u64(s, "class.other.count"));
	EXPECT_EQ(all, runsum + key_u64(s, "runs.unattributed"));
	tgt = sum_cpu_keys(s, "target_cpu", ".wakeups", &tgt_nz);
	woken = key_u64(s, "class.all.waking_to_wakeup_ns.count");
	EXPECT_EQ(woken, tgt);
	if (wo_summary_get(s, "prev_to_target.cpu0"))
		EXPECT_EQ(tgt, cells);
	sum_cpu_keys(s, "cpu", ".wakeups", &nz);
	TH_LOG("closed %llu, targets on %d CPUs, wakeups counted on %d CPUs",
	       (unsigned long long)closed, tgt_nz, nz);
	if (ncpu > 1) {
		EXPECT_LE(2, tgt_nz);
		EXPECT_LE(2, nz);
	}
	EXPECT_EQ(0, key_u64(s, "agg.dropped_nested"));
}

/*
 * Resets written while pairs ping-pong on every CPU: each one starts
 * from zero on all CPUs together, so after the last one and a stop the
 * sums still conserve exactly (a block zeroed while another CPU was
 * adding to it would break class.all.count == wakeups_closed).
 */
TEST_F_TIMEOUT(pcpu, reset_under_load_conserves, 240)
{
	struct wo_summary s;
	uint64_t w, full, busy;
	int i, r;

	for (i = 0; i < NPAIRS; i++) {
		self->pair[i] = spread_pair(i % self->ncpu,
					    (i + 1) % self->ncpu);
		ASSERT_LT(0, self->pair[i]);
	}
	for (r = 0; r < 20; r++) {
		usleep(50000);
		ASSERT_EQ(0, wo_control("reset"));
		/* Recording again: the load's wakeups count from zero. */
		EXPECT_STREQ("recording", wo_summary_get_str("state") ?: "");
	}
	usleep(300000);
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, wo_summary_read(&s));
	w = key_u64(&s, "wakeups");
	full = key_u64(&s, "wakeups_untracked_table_full");
	busy = key_u64(&s, "wakeups_untracked_busy");
	EXPECT_LT(100, w);
	EXPECT_EQ(w, key_u64(&s, "wakeups_closed") + full + busy +
		     key_u64(&s, "wakeups_inflight"));
	EXPECT_EQ(0, key_u64(&s, "wakeups_inflight"));
	expect_agg_conserves(_metadata, &s, self->ncpu);
	wo_summary_free(&s);

	/* A reset with recording stopped zeroes every sum. */
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_summary_read(&s));
	EXPECT_EQ(0, key_u64(&s, "class.all.count"));
	EXPECT_EQ(0, sum_cpu_keys(&s, "target_cpu", ".wakeups", &i));
	EXPECT_EQ(0, key_u64(&s, "class.all.wakeup_to_switch_ns.max"));
	wo_summary_free(&s);
}

/*
 * The vmalloc areas the given allocators got (NULL-terminated function
 * names), as the kernel lists them in /proc/vmallocinfo, which names the
 * function that called vmalloc: their page count.
 */
static long vmalloc_pages(const char *const *fns, int *areas)
{
	char line[512], fn[80], *p;
	long pages = 0, n;
	const char *const *f;
	bool ours;
	FILE *in = fopen("/proc/vmallocinfo", "r");

	*areas = 0;
	if (!in)
		return -1;
	while (fgets(line, sizeof(line), in)) {
		if (!strstr(line, "[wakeoff]"))
			continue;
		for (ours = false, f = fns; *f && !ours; f++) {
			snprintf(fn, sizeof(fn), " %s+", *f);
			ours = strstr(line, fn);
		}
		p = strstr(line, "pages=");
		if (!ours || !p || sscanf(p, "pages=%ld", &n) != 1)
			continue;
		pages += n;
		(*areas)++;
	}
	fclose(in);
	return pages;
}

static long vmalloc_agg_pages(int *areas)
{
	static const char *const fns[] = { "wo_agg_alloc", "wo_stacks_alloc", NULL };

	return vmalloc_pages(fns, areas);
}

/*
 * A footprint key against the areas its allocators got: each area is the
 * bytes asked for rounded up to whole pages.
 */
static void expect_footprint(struct __test_metadata *_metadata,
			     const char *key, const char *const *fns,
			     int want_areas)
{
	long pages, page = sysconf(_SC_PAGESIZE);
	struct wo_summary s;
	uint64_t bytes;
	int areas;

	ASSERT_EQ(0, wo_summary_read(&s));
	bytes = key_u64(&s, key);
	wo_summary_free(&s);
	pages = vmalloc_pages(fns, &areas);
	TH_LOG("%s: %llu; vmallocinfo: %d areas, %ld pages", key,
	       (unsigned long long)bytes, areas, pages);
	ASSERT_EQ(want_areas, areas);
	EXPECT_LE(bytes, (uint64_t)pages * page);
	EXPECT_GT(bytes + (uint64_t)areas * page, (uint64_t)pages * page);
}

TEST_F(pcpu, wakepath_memory_is_its_vmalloc_area)
{
	static const char *const fns[] = { "wo_wakepath_init", NULL };

	expect_footprint(_metadata, "wakepath.memory_bytes", fns, 1);
}

/* The per-CPU off-CPU sums and the blocked-task table's three arrays. */
TEST_F(pcpu, offcpu_memory_is_its_vmalloc_areas)
{
	static const char *const fns[] = { "wo_offcpu_alloc", "wo_block_alloc", NULL };

	expect_footprint(_metadata, "offcpu.memory_bytes", fns, 4);
}

TEST_F(pcpu, memory_is_possible_cpus_times_block)
{
	uint64_t total, per_cpu, shared;
	long pages, page = sysconf(_SC_PAGESIZE);
	int possible = possible_cpus(), areas;
	struct wo_summary s;

	ASSERT_LT(0, possible);
	ASSERT_EQ(0, wo_summary_read(&s));
	total = key_u64(&s, "agg.memory_bytes");
	per_cpu = key_u64(&s, "agg.memory_bytes_per_cpu");
	shared = key_u64(&s, "agg.memory_bytes_shared");
	EXPECT_EQ(possible, key_u64(&s, "cpus_possible"));
	wo_summary_free(&s);
	TH_LOG("%d possible CPUs: %llu bytes per CPU, %llu shared, %llu in all",
	       possible, (unsigned long long)per_cpu,
	       (unsigned long long)shared, (unsigned long long)total);
	EXPECT_EQ((uint64_t)possible * per_cpu + shared, total);
	EXPECT_GT(2ULL << 20, per_cpu);	/* the bound with the defaults */
	EXPECT_GT(64ULL << 10, shared);
	/*
	 * What the kernel gave: two blocks per possible CPU and two shared
	 * tables (run labels, stack frames), each rounded up to whole
	 * pages; the keys (struct wo_agg, a few hundred bytes) are kmalloc'd.
	 */
	pages = vmalloc_agg_pages(&areas);
	TH_LOG("vmallocinfo: %d areas, %ld pages", areas, pages);
	ASSERT_EQ(2 * possible + 2, areas);
	EXPECT_LE(total - 4096, (uint64_t)pages * page);
	EXPECT_GT(total + (uint64_t)areas * page, (uint64_t)pages * page);
}

TEST_HARNESS_MAIN
